"""A B2B day's table cards: one A4 page per table with its meetings, to print and lay out.

Each page names the table in large type, then one line per slot: the time and the two
participants (name and company) who meet there, or a dash for a free slot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.printed import FONT, new_document, pdf_bytes

if TYPE_CHECKING:
    from fpdf import FPDF

_INK = (31, 61, 92)
_MARGIN = 15.0
_ROW = 8.0
# Column widths in mm (time, first participant, second): 180 mm of A4's 210.
_WIDTHS = (20.0, 80.0, 80.0)


@dataclass(frozen=True)
class CardWording:
    """Every fixed text of the cards, in the staff member's language."""

    cluster: str
    title: str  # the event
    table: str  # with {number}
    columns: tuple[str, str, str]
    free: str


def table_cards_pdf(
    wording: CardWording,
    tables: int,
    times: Sequence[str],
    placed: Mapping[tuple[int, int], tuple[str, str]],
    created: datetime,
) -> bytes:
    """Return the cards: for each table, every slot's time and who meets there."""
    document = new_document(created, title=wording.title, author=wording.cluster)
    document.set_margins(_MARGIN, _MARGIN, _MARGIN)
    document.set_auto_page_break(True, margin=_MARGIN)
    for table in range(1, tables + 1):
        document.add_page()
        document.set_text_color(*_INK)
        document.set_font(FONT, "B", 10)
        document.cell(0, 5, wording.cluster, new_x="LMARGIN", new_y="NEXT")
        document.set_font(FONT, "", 11)
        document.multi_cell(0, 6, wording.title, new_x="LMARGIN", new_y="NEXT")
        document.set_font(FONT, "B", 36)
        document.cell(0, 22, wording.table.format(number=table), align="C")
        document.ln(24)
        document.set_text_color(0, 0, 0)
        _header(document, wording)
        for slot, time in enumerate(times):
            first, second = placed.get((slot, table), (wording.free, ""))
            document.set_font(FONT, "", 10)
            document.cell(_WIDTHS[0], _ROW, time, border=1)
            document.cell(_WIDTHS[1], _ROW, _fit(document, first, _WIDTHS[1]), border=1)
            document.cell(_WIDTHS[2], _ROW, _fit(document, second, _WIDTHS[2]), border=1)
            document.ln(_ROW)
    return pdf_bytes(document)


def _header(document: FPDF, wording: CardWording) -> None:
    document.set_fill_color(228, 234, 240)
    document.set_font(FONT, "B", 10)
    for width, title in zip(_WIDTHS, wording.columns, strict=True):
        document.cell(width, _ROW, title, border=1, fill=True)
    document.ln(_ROW)


def _fit(document: FPDF, text: str, width: float) -> str:
    """Shorten text with an ellipsis until it fits its column (cells do not wrap)."""
    room = width - 2 * document.c_margin
    if document.get_string_width(text) <= room:
        return text
    while text and document.get_string_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"
