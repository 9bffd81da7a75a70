"""What staff read in an exported workbook: headers in words, never a field's or a question's id."""

from __future__ import annotations

import re
from typing import Any

# A field or label key ("sector_id", "report_column_month") or a question id ("q3").
_ID_LIKE = re.compile(r"^(?:[a-z]+(?:_[a-z0-9]+)+|q\d+)$")


def id_like_cells(workbook: Any) -> list[str]:
    """Return each text cell of every sheet that reads as an id or a key, with its sheet."""
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            found += [
                f"{sheet.title}: {cell}"
                for cell in row
                if isinstance(cell, str) and _ID_LIKE.match(cell.strip())
            ]
    return found
