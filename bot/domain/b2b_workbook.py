"""A B2B day's schedule as an Excel workbook: the grid (slots x tables) and every agenda.

XlsxWriter is imported only when a workbook is made, so the running bot doesn't load it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.content import Event
from storage.matchmaking import Meeting


def schedule_workbook(
    event: Event,
    meetings: Sequence[Meeting],
    names: Mapping[int, str],
    headings: Mapping[str, str],
    timezone: ZoneInfo,
) -> bytes:
    """Return the workbook: a grid sheet and an agenda sheet, headings in staff's language."""
    import xlsxwriter  # heavy: only when a workbook is asked for

    assert event.matchmaking is not None
    slots = event.slots()
    tables = event.matchmaking.tables
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1, "font_size": 9})

    def local(moment: datetime | None) -> str:
        return moment.astimezone(timezone).strftime("%d.%m %H:%M") if moment else ""

    grid = book.add_worksheet(headings["grid"][:31])
    grid.write(0, 0, headings["time"], bold)
    for table in range(1, tables + 1):
        grid.write(0, table, f"{headings['table']} {table}", bold)
        grid.set_column(table, table, 22)
    grid.set_column(0, 0, 14)
    placed = {(m.slot, m.table_no): m for m in meetings if m.status == "scheduled"}
    for row, slot in enumerate(slots, start=1):
        grid.write(row, 0, local(slot.starts_at), bold)
        for table in range(1, tables + 1):
            meeting = placed.get((slot.number, table))
            if meeting is not None:
                sides = (names.get(meeting.person_a or 0, ""), names.get(meeting.person_b or 0, ""))
                grid.write(row, table, "\n".join(sides), cell)
    grid.freeze_panes(1, 1)

    agendas = book.add_worksheet(headings["agendas"][:31])
    columns = ("participant", "time", "table", "with", "status", "note")
    for column, key in enumerate(columns):
        agendas.write(0, column, headings[key], bold)
    agendas.set_column(0, 0, 36)
    agendas.set_column(3, 3, 36)
    agendas.set_column(5, 5, 40)
    rows = []
    for meeting in meetings:
        if meeting.status == "cancelled":
            continue
        for person in (meeting.person_a, meeting.person_b):
            if person is None:
                continue
            rows.append(
                (
                    names.get(person, ""),
                    meeting.starts_at,
                    meeting.table_no,
                    names.get(meeting.other(person) or 0, ""),
                    headings[f"status_{meeting.status}"],
                    meeting.note or "",
                )
            )
    rows.sort(key=lambda r: (r[0], r[1] is None, r[1] or datetime.min.replace(tzinfo=timezone)))
    for number, (who, when, seat, other, status, note) in enumerate(rows, start=1):
        agendas.write(number, 0, who)
        agendas.write(number, 1, local(when))
        agendas.write(number, 2, seat if seat is not None else "")
        agendas.write(number, 3, other)
        agendas.write(number, 4, status)
        agendas.write(number, 5, note)
    agendas.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    agendas.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
