"""A certificate of participation as a one-page PDF (A4, landscape), worded by the screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.printed import FONT, new_document, pdf_bytes

if TYPE_CHECKING:
    from fpdf import FPDF

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


# The code and how to check it sit at the foot; what is above must end before them.
_FOOT = 50.0
_SCALES = (1.0, 0.85, 0.7)  # smaller type for the longest names and titles


def certificate_pdf(wording: CertificateWording, issued_at: datetime) -> bytes:
    """Return the certificate as PDF bytes, on one page whatever the lengths of its lines."""
    for scale in _SCALES:
        document = new_document(
            issued_at, landscape=True, title=wording.heading, author=wording.cluster
        )
        if _draw(document, wording, scale) <= document.h - _FOOT:
            break
    return pdf_bytes(document)


def _draw(document: FPDF, wording: CertificateWording, scale: float) -> float:
    """Draw the certificate with its type scaled; return where its middle part ends."""
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

    def line(size: float, height: float, text: str, *, bold: bool = False) -> None:
        document.set_font(FONT, "B" if bold else "", size * scale)
        document.multi_cell(width, height * scale, text, align="C", new_x="LMARGIN", new_y="NEXT")

    document.set_text_color(*_INK)
    document.set_y(24)
    line(15, 8, wording.cluster, bold=True)
    document.ln(10 * scale)
    line(30, 14, wording.heading, bold=True)
    document.ln(8 * scale)
    document.set_text_color(0, 0, 0)
    if wording.intro:
        line(13, 7, wording.intro)
        document.ln(3 * scale)
    line(24, 11, wording.holder, bold=True)
    if wording.company:
        line(14, 8, wording.company)
    document.ln(6 * scale)
    line(13, 7, wording.body)
    end = document.get_y()

    document.set_y(document.h - 48)
    document.set_text_color(*_INK)
    document.set_font(FONT, "B", 13)
    document.cell(width, 7, wording.code_line, align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_text_color(*_MUTED)
    document.set_font(FONT, "", 9.5)
    document.multi_cell(width, 5, wording.verify_line, align="C", new_x="LMARGIN", new_y="NEXT")
    document.cell(width, 5, wording.issued_line, align="C", new_x="LMARGIN", new_y="NEXT")
    return end
