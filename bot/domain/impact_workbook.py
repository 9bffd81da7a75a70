"""The impact report as an Excel workbook a funder accepts: a summary, one sheet per indicator
with its table and a native Excel chart, the activities with their evidence, and attendance.

Cells hold numbers and dates (not text), so Excel shows them in the reader's own format; the
sheet and column names come in the staff member's language through `label`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.impact import PeriodReport

_DATE_FORMATS = {"tr": "dd.mm.yyyy", "en": "d mmm yyyy"}
_TIME_FORMATS = {"tr": "dd.mm.yyyy hh:mm", "en": "d mmm yyyy hh:mm"}
_SHEET_TITLE_LIMIT = 31
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class ReportNames:
    """How the report names things, in the staff member's language."""

    language: str
    label: Callable[[str], str]
    cluster: str
    event_titles: Mapping[str, str]
    sectors: Mapping[str, str]
    services: Mapping[str, str]
    timezone: ZoneInfo

    def sector(self, sector_id: str) -> str:
        """Return a sector's name; "" is a company that gave none."""
        if not sector_id:
            return self.label("report_unknown")
        return self.sectors.get(sector_id, sector_id)


class _Book:
    """A workbook being written, with the formats of one language."""

    def __init__(self, names: ReportNames) -> None:
        self.names = names
        self.workbook = Workbook()
        self._first = True

    def sheet(self, name: str) -> Worksheet:
        title = self.names.label(name)[:_SHEET_TITLE_LIMIT]
        if self._first:
            sheet = self.workbook.active
            sheet.title = title
            self._first = False
            return sheet
        return self.workbook.create_sheet(title)

    def table(
        self, sheet: Worksheet, top: int, header: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> tuple[int, int]:
        """Write a table with its header at row `top`; return its first and last data rows."""
        for column, title in enumerate(header, start=1):
            cell = sheet.cell(row=top, column=column, value=self.names.label(title))
            cell.font = _BOLD
        for offset, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                self.cell(sheet, top + offset, column, value)
        for column in range(1, len(header) + 1):
            letter = get_column_letter(column)
            width = sheet.column_dimensions[letter].width or 10
            sheet.column_dimensions[letter].width = max(width, 14 if column > 1 else 28)
        return top + 1, top + len(rows)

    def cell(self, sheet: Worksheet, row: int, column: int, value: Any) -> None:
        """Write one value with the number or date format it needs."""
        language = self.names.language
        if isinstance(value, datetime):
            value = value.astimezone(self.names.timezone).replace(tzinfo=None)
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = _TIME_FORMATS[language]
        elif isinstance(value, date):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = _DATE_FORMATS[language]
        elif isinstance(value, Percent):
            cell = sheet.cell(row=row, column=column, value=value.share)
            cell.number_format = "0%"
        elif isinstance(value, float):
            cell = sheet.cell(row=row, column=column, value=round(value, 2))
            cell.number_format = "#,##0.0"
        elif isinstance(value, int):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "#,##0"
        else:
            cell = sheet.cell(row=row, column=column, value=value)
            cell.data_type = "s"  # a name starting with "=" stays a name

    def bar(
        self,
        sheet: Worksheet,
        title: str,
        rows: tuple[int, int],
        columns: Sequence[int],
        anchor: str,
        *,
        horizontal: bool = False,
    ) -> None:
        """Chart the given columns of a table against its first column."""
        first, last = rows
        if last < first:
            return
        chart = BarChart()
        chart.type = "bar" if horizontal else "col"
        chart.title = self.names.label(title)
        chart.height, chart.width = 8, 16
        for column in columns:
            data = Reference(sheet, min_col=column, min_row=first - 1, max_row=last)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        sheet.add_chart(chart, anchor)

    def pie(self, sheet: Worksheet, title: str, rows: tuple[int, int], anchor: str) -> None:
        """Chart the shares of the second column."""
        first, last = rows
        if last < first:
            return
        chart = PieChart()
        chart.title = self.names.label(title)
        chart.add_data(Reference(sheet, min_col=2, min_row=first - 1, max_row=last), True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        sheet.add_chart(chart, anchor)


@dataclass(frozen=True)
class Percent:
    """A share shown as a percentage."""

    share: float


def _percent(share: float | None) -> Percent | str:
    return Percent(share) if share is not None else ""


def _number(value: float | None) -> float | str:
    return value if value is not None else ""


def impact_workbook(report: PeriodReport, names: ReportNames) -> bytes:
    """Return the report as an XLSX workbook."""
    book = _Book(names)
    label = names.label
    _summary(book, report)
    smes = book.sheet("report_sheet_smes")
    top = 1
    charts = []
    for title, counts, name in (
        ("report_by_sector", report.by_sector, names.sector),
        (
            "report_by_size",
            report.by_size,
            lambda key: label(f"company_size_{key}") if key else label("report_unknown"),
        ),
        ("report_by_city", report.by_city, lambda key: key or label("report_unknown")),
        (
            "report_by_membership",
            report.by_membership,
            lambda key: label(f"company_membership_{key}"),
        ),
    ):
        rows: list[Sequence[Any]] = [(name(key), count) for key, count in counts.items()]
        span = book.table(smes, top, (title, "report_column_smes"), rows)
        charts.append((title, span))
        top = span[1] + 3
    for position, (title, span) in enumerate(charts):
        book.bar(smes, title, span, [2], f"E{1 + position * 17}", horizontal=True)

    kinds = book.sheet("report_sheet_activities_by_kind")
    rows = [
        (
            label(f"report_kind_{activity.kind}"),
            activity.events,
            activity.confirmed,
            activity.attended,
            _percent(activity.attendance_rate),
            activity.hours,
            _number(activity.average_rating),
            activity.answers,
        )
        for activity in (*report.activities, report.total)
    ]
    header: tuple[str, ...] = (
        "report_column_kind",
        "report_column_events",
        "report_column_confirmed",
        "report_column_attended",
        "report_column_attendance_rate",
        "report_column_training_hours",
        "report_column_average_rating",
        "report_column_ratings",
    )
    span = book.table(kinds, 1, header, rows)
    book.bar(kinds, "report_chart_attended_by_kind", (span[0], span[1] - 1), [3, 4], "A12")

    satisfaction = book.sheet("report_sheet_satisfaction")
    rows = [(str(score), count) for score, count in enumerate(report.total.ratings, start=1)]
    span = book.table(satisfaction, 1, ("report_column_rating", "report_column_ratings"), rows)
    book.bar(satisfaction, "report_chart_satisfaction", span, [2], "D1")

    months = book.sheet("report_sheet_months")
    rows = [(m.first_day, m.participants, m.smes) for m in report.months]
    header = ("report_column_month", "report_column_participants", "report_column_smes")
    span = book.table(months, 1, header, rows)
    for row in range(span[0], span[1] + 1):
        months.cell(row=row, column=1).number_format = "mmm yyyy"
    book.bar(months, "report_chart_by_month", span, [2, 3], "E1")

    services = book.sheet("report_sheet_services")
    rows = [
        (
            names.services.get(figures.service_id or "", figures.service_id or ""),
            figures.requests,
            figures.open,
            figures.delivered,
        )
        for figures in report.services
    ]
    header = (
        "report_column_service",
        "report_column_requests",
        "report_column_open",
        "report_column_delivered",
    )
    span = book.table(services, 1, header, rows)
    book.bar(services, "report_chart_services", span, [2, 4], "F1", horizontal=True)

    questions = book.sheet("report_sheet_questions")
    q = report.questions
    rows = [
        (label("report_questions_answered"), q.answered),
        (label("report_questions_unanswered"), max(q.asked - q.answered, 0)),
        (label("report_questions_to_team"), q.to_team),
    ]
    span = book.table(questions, 1, ("report_column_questions", "report_column_count"), rows)
    book.pie(questions, "report_chart_questions", (span[0], span[0] + 1), "D1")

    reach = book.sheet("report_sheet_dissemination")
    rows = [
        (label(f"report_segment_{kind}"), delivered)
        for kind, delivered in report.reach_by_segment.items()
    ]
    span = book.table(reach, 1, ("report_column_segment", "report_column_delivered_msgs"), rows)
    book.bar(reach, "report_chart_reach", span, [2], "D1")

    _activities(book, report)
    _attendance(book, report)
    buffer = io.BytesIO()
    book.workbook.save(buffer)
    return buffer.getvalue()


def _summary(book: _Book, report: PeriodReport) -> None:
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_summary")
    sheet.cell(row=1, column=1, value=names.cluster).font = Font(bold=True, size=14)
    sheet.cell(row=2, column=1, value=label("report_period"))
    book.cell(sheet, 2, 2, report.period.first)
    book.cell(sheet, 2, 3, report.period.last)
    total = report.total
    q = report.questions
    figures: list[tuple[str, Any]] = [
        ("report_smes_served", report.smes_served),
        ("report_new_smes", report.new_smes),
        ("report_people_reached", report.people_reached),
        ("report_events", total.events),
        ("report_confirmed", total.confirmed),
        ("report_attended", total.attended),
        ("report_attendance_rate", _percent(total.attendance_rate)),
        ("report_training_hours", total.hours),
        ("report_average_rating", _number(total.average_rating)),
        ("report_ratings", total.answers),
        ("report_service_requests", sum(s.requests for s in report.services)),
        ("report_services_delivered", sum(s.delivered for s in report.services)),
        ("report_first_answer_hours", _number(report.first_answer_hours)),
        ("report_questions_asked", q.asked),
        ("report_questions_answered", q.answered),
        ("report_questions_to_team", q.to_team),
        ("report_team_answer_hours", _number(report.team_answer_hours)),
        ("report_broadcasts", report.broadcasts),
        ("report_broadcast_delivered", report.broadcast_delivered),
    ]
    span = book.table(
        sheet,
        4,
        ("report_column_indicator", "report_column_value"),
        [(label(name), value) for name, value in figures],
    )
    sheet.column_dimensions["A"].width = 48
    note_row = span[1] + 2
    if report.size_from_one_figure:
        sheet.cell(row=note_row, column=1, value=label("report_note_size_one_figure"))
        book.cell(sheet, note_row, 2, report.size_from_one_figure)
        note_row += 1
    if report.participations_without_company:
        sheet.cell(row=note_row, column=1, value=label("report_note_without_company"))
        book.cell(sheet, note_row, 2, report.participations_without_company)


def _activities(book: _Book, report: PeriodReport) -> None:
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_activity_list")
    rows: list[Sequence[Any]] = []
    for event in report.events:
        rate = (
            event.attended / event.confirmed if event.attendance_taken and event.confirmed else None
        )
        answers = sum(event.ratings)
        average = (
            sum(score * n for score, n in enumerate(event.ratings, start=1)) / answers
            if answers
            else None
        )
        rows.append(
            (
                event.starts_at,
                names.event_titles.get(event.event_id, event.event_id),
                label(f"report_kind_{event.kind}"),
                event.confirmed,
                event.attended,
                _percent(rate),
                _number(average),
                label("report_yes" if event.attendance_taken else "report_no"),
            )
        )
    header = (
        "report_column_date",
        "report_column_event",
        "report_column_kind",
        "report_column_confirmed",
        "report_column_attended",
        "report_column_attendance_rate",
        "report_column_average_rating",
        "report_column_attendance_list",
    )
    book.table(sheet, 1, header, rows)
    sheet.column_dimensions["B"].width = 48
    sheet.freeze_panes = "A2"


def _attendance(book: _Book, report: PeriodReport) -> None:
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_attendance")
    starts = {event.event_id: event.starts_at for event in report.events}
    rows: list[Sequence[Any]] = []
    for present in report.attendance:
        company = report.companies.get(present.company_id or 0)
        rows.append(
            (
                starts[present.event_id],
                names.event_titles.get(present.event_id, present.event_id),
                present.full_name or label("report_erased_person"),
                company.name if company else present.company_text or "",
                names.sector(company.sector_id or "") if company else "",
                company.city or "" if company else "",
                present.attended_at or "",
            )
        )
    header = (
        "report_column_date",
        "report_column_event",
        "report_column_person",
        "report_column_company",
        "report_column_sector",
        "report_column_city",
        "report_column_checked_in",
    )
    book.table(sheet, 1, header, rows)
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["D"].width = 40
    sheet.freeze_panes = "A2"
