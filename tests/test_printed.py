"""Printed documents: fonts read once per process, and every certificate of a batch right."""

from __future__ import annotations

import gc
import warnings
from datetime import UTC, datetime

import pytest
from fpdf import FPDF

from bot.domain import certificate_pdf as certificates
from bot.domain.certificate_pdf import CertificateWording
from bot.domain.printed import FONT, STYLES, font_folder
from tests.conftest import Assistant
from tests.test_certificates import certificate_of, held_training, issue, pdf_text

HOLDERS = (
    "Işıl Ağaoğlu Çiğdemli",  # Turkish letters: the Latin cut of the font
    "Дмитрий Иванов",  # Cyrillic: the whole font
    "Zoë Ünal-Œrsted “Usta” – 5 €/₺",  # other European letters, quotes, dashes, signs
    "Ελένη Παπαδοπούλου",  # Greek: the whole font
)


def _wording(holder: str) -> CertificateWording:
    return CertificateWording(
        "Makine ve Tekstil Kümesi",
        "KATILIM BELGESİ",
        "Bu belge ile",
        holder,
        "Öztürk Şişe Ürünleri Ltd.",
        "Yalın Üretim eğitimine 12 Mart 2027 tarihinde katıldığını gösterir.",
        "Doğrulama kodu: ABCD-EFGH-JKMN",
        "Kodu /verify ile doğrulayabilirsiniz.",
        "13.03.2027",
    )


def _read_each_time(
    created: datetime, *, landscape: bool = False, title: str = "", author: str = ""
) -> FPDF:
    """Return the document as fpdf2 makes it reading the fonts itself (how it was done)."""
    document = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    for style, filename in STYLES:
        document.add_font(FONT, style, str(font_folder() / filename))
    document.set_title(title)
    document.set_author(author)
    document.set_creator(author)
    document.set_creation_date(created)
    document.set_font(FONT, size=11)
    return document


def test_fonts_read_once_give_the_same_pdf_as_reading_them_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued = datetime(2027, 3, 13, 9, 0, tzinfo=UTC)
    # Twice each, in turn: what one certificate cuts from the fonts never reaches the next.
    made = [certificates.certificate_pdf(_wording(h), issued) for h in HOLDERS + HOLDERS]
    monkeypatch.setattr(certificates, "new_document", _read_each_time)
    monkeypatch.setattr(certificates, "pdf_bytes", lambda document: bytes(document.output()))
    with warnings.catch_warnings():
        # fpdf2 reading a font file itself leaves the file to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        expected = [certificates.certificate_pdf(_wording(h), issued) for h in HOLDERS]
        gc.collect()
    assert made == expected + expected
    for holder, content in zip(HOLDERS, expected, strict=True):
        assert holder.split()[0] in pdf_text(content)


async def test_a_batch_of_certificates_in_different_scripts_each_reads_right(
    assistant: Assistant,
) -> None:
    people = await held_training(assistant, "mixed-cert", dict.fromkeys(HOLDERS, True))
    assert await issue(assistant) == len(HOLDERS)
    for holder in HOLDERS:
        message, code = await certificate_of(people[holder])
        assert message.document is not None
        text = pdf_text(message.document.content)
        assert holder.split()[0] in text and f"Doğrulama kodu: {code}" in text
    rows = await assistant.fetch("SELECT holder_name FROM certificates ORDER BY holder_name")
    assert sorted(row["holder_name"] for row in rows) == sorted(HOLDERS)
    queued = await assistant.fetch("SELECT person_id FROM outbox WHERE kind = 'certificate'")
    assert sorted(row["person_id"] for row in queued) == sorted(p.id for p in people.values())
