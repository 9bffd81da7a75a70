"""A certificate of participation as a one-page PDF (A4, landscape), worded by the screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.printed import FONT, new_document, pdf_bytes

_INK = (31, 61, 92)
_MUTED = (90, 90, 90)


@dataclass(frozen=True)
class CertificateWording:
    """Every line of one certificate, in the holder's language."""

    cluster: str
    heading: str  # "KATILIM BELGESİ"
    intro: str  # "Bu belge ile"
    holder: str
    company: str | None
    body: str  # the event, its date and hours
    code_line: str  # "Doğrulama kodu: ABCD-EFGH-JKMN"
    verify_line: str  # how anyone checks the code
    issued_line: str


def certificate_pdf(wording: CertificateWording, issued_at: datetime) -> bytes:
    """Return the certificate as PDF bytes."""
    document = new_document(
        issued_at, landscape=True, title=wording.heading, author=wording.cluster
    )
    document.set_auto_page_break(False)
    document.set_margins(25, 20, 25)
    document.add_page()
    width = document.w - 50
    # A double frame, as printed certificates have.
    document.set_draw_color(*_INK)
    document.set_line_width(1.2)
    document.rect(10, 10, document.w - 20, document.h - 20)
    document.set_line_width(0.3)
    document.rect(13, 13, document.w - 26, document.h - 26)

    document.set_text_color(*_INK)
    document.set_y(24)
    document.set_font(FONT, "B", 15)
    document.cell(width, 8, wording.cluster, align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(10)
    document.set_font(FONT, "B", 30)
    document.cell(width, 14, wording.heading, align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(8)
    document.set_text_color(0, 0, 0)
    document.set_font(FONT, "", 13)
    document.cell(width, 7, wording.intro, align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    document.set_font(FONT, "B", 24)
    document.multi_cell(width, 11, wording.holder, align="C", new_x="LMARGIN", new_y="NEXT")
    if wording.company:
        document.set_font(FONT, "", 14)
        document.multi_cell(width, 8, wording.company, align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(6)
    document.set_font(FONT, "", 13)
    document.multi_cell(width, 7, wording.body, align="C", new_x="LMARGIN", new_y="NEXT")

    document.set_y(document.h - 48)
    document.set_text_color(*_INK)
    document.set_font(FONT, "B", 13)
    document.cell(width, 7, wording.code_line, align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_text_color(*_MUTED)
    document.set_font(FONT, "", 9.5)
    document.multi_cell(width, 5, wording.verify_line, align="C", new_x="LMARGIN", new_y="NEXT")
    document.cell(width, 5, wording.issued_line, align="C", new_x="LMARGIN", new_y="NEXT")
    return pdf_bytes(document)
