"""An event's attendance sheet as a PDF to print (A4, portrait), worded by the screens.

Before the event it lists the confirmed participants with an empty signature column and blank
lines for walk-ins; after it, the same sheet carries each person's check-in time. Long lists run
over pages, each with the column titles and its page number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.printed import FONT, new_document, pdf_bytes

if TYPE_CHECKING:
    from fpdf import FPDF

_INK = (31, 61, 92)
_MUTED = (90, 90, 90)
_ROW = 9.0  # room for a signature
_MARGIN = 15.0
_BOTTOM = 22.0  # kept free for the page number
# Column widths in mm (number, name, company, check-in, signature): 180 mm of A4's 210.
_WIDTHS = (10.0, 52.0, 54.0, 22.0, 42.0)


@dataclass(frozen=True)
class SheetLine:
    """One printed line: empty strings leave a blank to fill in by hand."""

    name: str = ""
    company: str = ""
    note: str = ""  # "(added by staff)", "(personal data erased)", printed small after the name
    checked_in: str = ""


@dataclass(frozen=True)
class SheetWording:
    """Every fixed text of the sheet, in the staff member's language."""

    cluster: str
    heading: str
    title: str
    when: str  # "Tarih ve saat: ..."
    where: str  # "Yer: ..."
    columns: tuple[str, str, str, str, str]
    walk_ins: str  # under the table, when blank lines are left
    organiser: str
    printed: str
    page: str  # with {page} and {pages}


def attendance_sheet_pdf(
    wording: SheetWording, lines: Sequence[SheetLine], blank_lines: int, created: datetime
) -> bytes:
    """Return the attendance sheet as PDF bytes."""
    document = new_document(created, title=wording.heading, author=wording.cluster)
    document.set_auto_page_break(False)
    document.set_margins(_MARGIN, _MARGIN, _MARGIN)
    # fpdf2 fills in the page count once the document is complete.
    document.alias_nb_pages("{nb}")
    rows = [*lines, *(SheetLine() for _ in range(blank_lines))]
    _new_page(document, wording, first=True)
    for number, line in enumerate(rows, start=1):
        if document.get_y() + _ROW > document.h - _BOTTOM:
            _new_page(document, wording, first=False)
        _row(document, number, line)
    document.ln(4)
    if document.get_y() + 22 > document.h - _BOTTOM:
        _new_page(document, wording, first=False, table=False)
    document.set_text_color(*_MUTED)
    document.set_font(FONT, "", 9)
    if blank_lines:
        document.cell(0, 5, wording.walk_ins, new_x="LMARGIN", new_y="NEXT")
    document.cell(0, 5, wording.printed, new_x="LMARGIN", new_y="NEXT")
    document.ln(4)
    document.set_text_color(0, 0, 0)
    document.set_font(FONT, "", 10)
    document.cell(0, 6, wording.organiser, new_x="LMARGIN", new_y="NEXT")
    document.ln(8)
    document.cell(90, 0, "", border="T")
    return pdf_bytes(document)


def _new_page(document: FPDF, wording: SheetWording, *, first: bool, table: bool = True) -> None:
    document.add_page()
    # The page number first, at the foot, then back to the top.
    document.set_y(document.h - _BOTTOM + 8)
    document.set_text_color(*_MUTED)
    document.set_font(FONT, "", 8)
    page = wording.page.format(page=document.page_no(), pages="{nb}")
    document.cell(0, 5, f"{wording.title} · {page}", align="C")
    document.set_y(_MARGIN)
    if first:
        document.set_text_color(*_INK)
        document.set_font(FONT, "B", 10)
        document.cell(0, 5, wording.cluster, new_x="LMARGIN", new_y="NEXT")
        document.set_font(FONT, "B", 16)
        document.cell(0, 9, wording.heading, new_x="LMARGIN", new_y="NEXT")
        document.set_text_color(0, 0, 0)
        document.set_font(FONT, "B", 12)
        document.multi_cell(0, 6, wording.title, new_x="LMARGIN", new_y="NEXT")
        document.set_font(FONT, "", 10)
        document.cell(0, 5.5, wording.when, new_x="LMARGIN", new_y="NEXT")
        document.multi_cell(0, 5.5, wording.where, new_x="LMARGIN", new_y="NEXT")
        document.ln(3)
    if table:
        _header(document, wording)


def _header(document: FPDF, wording: SheetWording) -> None:
    document.set_fill_color(228, 234, 240)
    document.set_text_color(0, 0, 0)
    document.set_font(FONT, "B", 9)
    for width, title in zip(_WIDTHS, wording.columns, strict=True):
        document.cell(width, 7, _fit(document, title, width), border=1, fill=True)
    document.ln(7)


def _row(document: FPDF, number: int, line: SheetLine) -> None:
    document.set_font(FONT, "", 9)
    x, y = document.get_x(), document.get_y()
    name_width = _WIDTHS[1]
    document.cell(_WIDTHS[0], _ROW, str(number), border=1, align="R")
    left = x + _WIDTHS[0]
    if line.note:
        # The name, and the note under it, small, inside the same box.
        document.cell(name_width, 5, _fit(document, line.name, name_width))
        document.set_font(FONT, "", 6.5)
        document.set_text_color(*_MUTED)
        document.set_xy(left, y + 4.8)
        document.cell(name_width, 3.5, _fit(document, line.note, name_width))
        document.set_text_color(0, 0, 0)
        document.set_font(FONT, "", 9)
        document.rect(left, y, name_width, _ROW)
        document.set_xy(left + name_width, y)
    else:
        document.cell(name_width, _ROW, _fit(document, line.name, name_width), border=1)
    document.cell(_WIDTHS[2], _ROW, _fit(document, line.company, _WIDTHS[2]), border=1)
    document.cell(_WIDTHS[3], _ROW, line.checked_in, border=1, align="C")
    document.cell(_WIDTHS[4], _ROW, "", border=1)
    document.set_xy(x, y + _ROW)


def _fit(document: FPDF, text: str, width: float) -> str:
    """Shorten text with an ellipsis until it fits its column (cells do not wrap)."""
    room = width - 2 * document.c_margin
    if document.get_string_width(text) <= room:
        return text
    while text and document.get_string_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"
