"""Attendee lists as files staff open in Excel: CSV (UTF-8 with BOM) and XLSX.

What people typed is written as text, never as a formula: a name starting with "=" stays a
name in both files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.attendees import Attendee

COLUMNS = (
    "name",
    "company",
    "sector",
    "phone",
    "email",
    "status",
    "registered_at",
    "attended",
    "added_by",
)
# What a study visit's host abroad gets of those who consented: who they are and how to reach them.
HOST_COLUMNS = ("name", "company", "sector", "phone", "email")
TIME_FORMAT = "%Y-%m-%d %H:%M"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_LIMIT = 31
_PHONE = re.compile(r"\+\d{6,15}")  # "+90..." is a number to Excel, harmless

# Text, a number (a count, an id, a numeric answer) or a local time: each a native cell in XLSX.
Cell = str | int | float | datetime


@dataclass(frozen=True)
class Sheet:
    """A table: a header row and rows of text, numbers or local (naive) times."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def attendee_sheet(
    attendees: Sequence[Attendee],
    label: Callable[[str], str],
    sector_name: Callable[[str | None], str],
    timezone: ZoneInfo,
    host_consent: set[int] | None = None,
    questions: Sequence[str] = (),
    answers: Mapping[int, Sequence[str]] | None = None,
) -> Sheet:
    """Return the attendee table; `label` names columns and values in the staff's language.

    With `host_consent` (an event with a host abroad), a column says who agreed to have their
    details shared with the host. Then one column per question of the event (`questions`, the
    headers), with each person's answers as read (`answers`, by person id).
    """
    rows = []
    for attendee in attendees:
        registered = attendee.registered_at.astimezone(timezone).replace(tzinfo=None)
        if attendee.attended is None:
            attended = ""
        else:
            attended = label("staff_yes" if attendee.attended else "staff_no")
        row: tuple[Cell, ...] = (
            label("staff_deleted_person") if attendee.erased else attendee.full_name or "",
            attendee.company or "",
            sector_name(attendee.sector_id),
            attendee.phone or "",
            attendee.email or "",
            label(f"staff_status_{attendee.status}"),
            registered.replace(second=0, microsecond=0),
            attended,
            # Who signed them up: themselves in the chat, or staff (a walk-in, a partner's list).
            label("staff_added_by_staff" if attendee.added_by_staff else "staff_added_by_self"),
        )
        if host_consent is not None:
            shared = attendee.person_id is not None and attendee.person_id in host_consent
            row += (label("staff_yes" if shared else "staff_no"),)
        if questions:
            given = (answers or {}).get(attendee.person_id or 0, ())
            row += tuple(given) + ("",) * (len(questions) - len(given))
        rows.append(row)
    columns = COLUMNS if host_consent is None else (*COLUMNS, "host_consent")
    return Sheet(
        title=label("staff_sheet_title")[:_SHEET_TITLE_LIMIT],
        header=tuple(label(f"staff_column_{name}") for name in columns) + tuple(questions),
        rows=tuple(rows),
    )


def host_sheet(
    attendees: Sequence[Attendee],
    label: Callable[[str], str],
    sector_name: Callable[[str | None], str],
    host_consent: set[int],
) -> Sheet:
    """Return the list for a host abroad: confirmed people who consented, nobody else."""
    rows = tuple(
        (
            attendee.full_name or "",
            attendee.company or "",
            sector_name(attendee.sector_id),
            attendee.phone or "",
            attendee.email or "",
        )
        for attendee in attendees
        if attendee.status == "confirmed"
        and attendee.person_id is not None
        and attendee.person_id in host_consent
    )
    return Sheet(
        title=label("staff_host_sheet_title")[:_SHEET_TITLE_LIMIT],
        header=tuple(label(f"staff_column_{name}") for name in HOST_COLUMNS),
        rows=rows,
    )


def _as_text(value: Cell) -> str:
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if value.startswith(_FORMULA_START) and not _PHONE.fullmatch(value):
        # A leading apostrophe keeps spreadsheet programs from running it as a formula.
        return "'" + value
    return value


def to_csv(sheet: Sheet, delimiter: str = ",") -> bytes:
    """Return the table as CSV in UTF-8 with a byte order mark, so Excel reads Turkish right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([_as_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: Sheet) -> bytes:
    """Return the table as an Excel workbook with one sheet."""
    # Imported here: openpyxl (and Pillow with it) would weigh 25 MB in every running bot.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet.title
    worksheet.append(list(sheet.header))
    for row_number, row in enumerate(sheet.rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = worksheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise take "=..." for a formula
    for column, title in enumerate(sheet.header, start=1):
        widest = max([len(title)] + [len(_as_text(row[column - 1])) for row in sheet.rows])
        worksheet.column_dimensions[get_column_letter(column)].width = min(widest + 2, 50)
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
