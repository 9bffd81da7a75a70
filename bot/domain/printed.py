"""Printed documents (PDF): the page every one starts from, with a font that has Turkish letters.

PDF's built-in fonts stop at Latin-1, which has no ı, ğ, ş or İ: every document embeds DejaVu
Sans instead, taken from matplotlib's own data folder (already installed with the project) so
nothing is vendored. fpdf2 (with Pillow and fontTools) is imported only when a document is
made, so a running bot that never makes one does not carry it.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"


@cache
def font_folder() -> Path:
    """Return the folder of matplotlib's DejaVu fonts, found without importing matplotlib."""
    spec = find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("matplotlib is not installed: its DejaVu fonts are needed for PDFs")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def new_document(
    created: datetime, *, landscape: bool = False, title: str = "", author: str = ""
) -> FPDF:
    """Return an empty A4 document with the Unicode font registered (regular and bold)."""
    from fpdf import FPDF

    document = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    folder = font_folder()
    document.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
    document.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
    document.set_title(title)
    document.set_author(author)
    document.set_creator(author)
    # The document's own date, not the clock's: made again, it comes out the same.
    document.set_creation_date(created)
    document.set_font(FONT, size=11)
    return document


def pdf_bytes(document: FPDF) -> bytes:
    """Return the finished document."""
    return bytes(document.output())
