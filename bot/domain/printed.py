"""Printed documents (PDF): the page every one starts from, with a font that has Turkish letters.

PDF's built-in fonts stop at Latin-1, which has no ı, ğ, ş or İ: every document embeds DejaVu
Sans instead, taken from matplotlib's own data folder (already installed with the project) so
nothing is vendored. fpdf2 (with Pillow and fontTools) is imported only when a document is
made, so a running bot that never makes one does not carry it.

Reading a font (its character map, every glyph's width) was most of a document's cost, so each
is read once per process and shared by every document. fpdf2 cuts the font down to the glyphs a
document uses when it writes it, and cuts in place: each document gets its own copy of the file
to cut, and when the document needs only Latin letters (Turkish ones included), punctuation and
digits, a copy already cut to those, which is several times quicker to cut again. Either way the
PDF comes out the same, byte for byte.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

FONT = "DejaVu"
STYLES = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"))
# What almost every document holds: Latin letters with Turkish and other European ones, general
# punctuation (dashes, quotes), the euro and lira signs.
LATIN = (*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC, 0x20BA)


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
    for key, read in _read_fonts().items():
        # fpdf2's own copy of the font; the widths and glyph ids, only read, stay shared.
        shared = (read.font.cw, read.font.glyph_ids)
        font = copy.deepcopy(read.font, {id(table): table for table in shared})
        font.ttfont = _file(read.whole)
        document.fonts[key] = font
    document.set_title(title)
    document.set_author(author)
    document.set_creator(author)
    # The document's own date, not the clock's: made again, it comes out the same.
    document.set_creation_date(created)
    document.set_font(FONT, size=11)
    return document


def pdf_bytes(document: FPDF) -> bytes:
    """Return the finished document, its fonts cut from the Latin copy when that has it all."""
    from fpdf.fonts import TTFFont

    for key, read in _read_fonts().items():
        font = document.fonts.get(key)
        if not isinstance(font, TTFFont):
            continue
        if set(font.subset.get_all_glyph_names()) <= read.latin_glyphs:
            font.ttfont = _file(read.latin)
    return bytes(document.output())


@dataclass(frozen=True)
class _ReadFont:
    """A font read once: fpdf2's reading of it, its file, and the file cut to Latin."""

    font: TTFFont
    whole: bytes
    latin: bytes
    latin_glyphs: frozenset[str]


@cache
def _read_fonts() -> dict[str, _ReadFont]:
    """Read DejaVu Sans, regular and bold, once per process."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    reader = FPDF()
    folder = font_folder()
    fonts = {}
    for style, filename in STYLES:
        path = folder / filename
        reader.add_font(FONT, style, str(path))
        font = reader.fonts[f"{FONT.lower()}{style}"]
        assert isinstance(font, TTFFont)
        # Everything kept (names, layout, hinting), so cutting this copy again gives what
        # cutting the whole font would.
        options = subset.Options(
            glyph_names=True,
            layout_features=["*"],
            name_IDs=["*"],
            name_languages=["*"],
            hinting=True,
            legacy_kern=True,
            notdef_glyph=True,
            notdef_outline=True,
            recommended_glyphs=True,
        )
        options.drop_tables += ["FFTM"]  # a FontForge timestamp fpdf2 drops too
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=LATIN)
        whole = path.read_bytes()
        latin = TTFont(io.BytesIO(whole), recalcTimestamp=False)
        cutter.subset(latin)
        data = io.BytesIO()
        latin.save(data)
        glyphs = frozenset(latin.getGlyphOrder())
        # What fpdf2 read stays; its open file goes: each document reads a copy of its own.
        font.close()
        fonts[font.fontkey] = _ReadFont(font, whole, data.getvalue(), glyphs)
    return fonts


def _file(data: bytes) -> TTFont:
    """Return a font file of this document's own, read only as far as it is used."""
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
