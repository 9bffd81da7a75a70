"""The impact report as an Excel workbook a funder accepts: a summary, one sheet per indicator
with its table and a native Excel chart, the activities with their evidence, and attendance.

Cells hold numbers and dates (not text), so Excel shows them in the reader's own format; the
sheet and column names come in the staff member's language through `label`. Written with
XlsxWriter: a year of a large cluster's attendance is a quarter of a million cells, which
openpyxl took several times the five seconds allowed to write.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.domain.impact import PeriodReport
from bot.domain.projects import project_progress
from storage.impact import ServiceRequest

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

_DATE_FORMATS = {"tr": "dd.mm.yyyy", "en": "d mmm yyyy"}
_TIME_FORMATS = {"tr": "dd.mm.yyyy hh:mm", "en": "d mmm yyyy hh:mm"}
_MONTH_FORMAT = "mmm yyyy"
_SHEET_TITLE_LIMIT = 31
_FORBIDDEN_IN_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


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

    def service(self, service_id: str | None) -> str:
        """Return a service's title; None is a request made without a service."""
        if not service_id:
            return self.label("report_unknown")
        return self.services.get(service_id, service_id)

    def sector(self, sector_id: str) -> str:
        """Return a sector's name; "" is a company that gave none."""
        if not sector_id:
            return self.label("report_unknown")
        return self.sectors.get(sector_id, sector_id)


@dataclass(frozen=True)
class Percent:
    """A share shown as a percentage."""

    share: float


@dataclass(frozen=True)
class MonthCell:
    """A month shown as its name and year."""

    first_day: date


class _Book:
    """A workbook being written, with the formats of one language made once."""

    def __init__(self, names: ReportNames, buffer: io.BytesIO) -> None:
        import xlsxwriter  # only when a workbook is made, not in every running bot

        self.names = names
        self.workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        add = self.workbook.add_format
        language = names.language
        self.formats: dict[str, Format] = {
            "header": add({"bold": True, "text_wrap": True, "valign": "top"}),
            "title": add({"bold": True, "font_size": 14}),
            "date": add({"num_format": _DATE_FORMATS[language]}),
            "time": add({"num_format": _TIME_FORMATS[language]}),
            "month": add({"num_format": _MONTH_FORMAT}),
            "percent": add({"num_format": "0%"}),
            "decimal": add({"num_format": "#,##0.0"}),
            "integer": add({"num_format": "#,##0"}),
        }

    def sheet(self, name: str) -> Worksheet:
        """Add a sheet titled in the staff member's language."""
        title = self.names.label(name).translate(_FORBIDDEN_IN_TITLES)
        return self.workbook.add_worksheet(title[:_SHEET_TITLE_LIMIT])

    def table(
        self, sheet: Worksheet, top: int, header: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> tuple[int, int]:
        """Write a table with its header at row `top` (0-based); return its data rows."""
        label = self.names.label
        sheet.write_row(top, 0, [label(title) for title in header], self.formats["header"])
        for offset, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                self.cell(sheet, top + offset, column, value)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, max(len(header) - 1, 1), 14)
        return top + 1, top + len(rows)

    def cell(self, sheet: Worksheet, row: int, column: int, value: Any) -> None:
        """Write one value with the number or date format it needs."""
        formats = self.formats
        if isinstance(value, datetime):
            local = value.astimezone(self.names.timezone).replace(tzinfo=None)
            sheet.write_datetime(row, column, local, formats["time"])
        elif isinstance(value, MonthCell):
            sheet.write_datetime(row, column, value.first_day, formats["month"])
        elif isinstance(value, date):
            sheet.write_datetime(row, column, value, formats["date"])
        elif isinstance(value, Percent):
            sheet.write_number(row, column, value.share, formats["percent"])
        elif isinstance(value, bool):
            sheet.write_string(row, column, str(value))
        elif isinstance(value, float):
            sheet.write_number(row, column, round(value, 2), formats["decimal"])
        elif isinstance(value, int):
            sheet.write_number(row, column, value, formats["integer"])
        elif value is None or value == "":
            sheet.write_blank(row, column, None)
        else:
            sheet.write_string(row, column, str(value))  # a name starting with "=" stays a name

    def chart(
        self,
        sheet: Worksheet,
        kind: str,
        title: str,
        rows: tuple[int, int],
        columns: Sequence[int],
        anchor: str,
    ) -> None:
        """Chart columns of a table (0-based) against its first column."""
        first, last = rows
        if last < first:
            return
        chart = self.workbook.add_chart({"type": kind})
        assert chart is not None
        name = sheet.get_name()
        for column in columns:
            chart.add_series(
                {
                    "name": [name, first - 1, column],
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, column, last, column],
                }
            )
        chart.set_title({"name": self.names.label(title)})
        if kind == "pie" or len(columns) == 1:
            chart.set_legend({"none": kind != "pie"})
        chart.set_size({"width": 640, "height": 360})
        sheet.insert_chart(anchor, chart)


def _percent(share: float | None) -> Percent | str:
    return Percent(share) if share is not None else ""


def _number(value: float | None) -> float | str:
    return value if value is not None else ""


def impact_workbook(report: PeriodReport, names: ReportNames, logo: Path | None = None) -> bytes:
    """Return the report as an XLSX workbook (a project's logo at the top of its summary)."""
    buffer = io.BytesIO()
    book = _Book(names, buffer)
    _summary(book, report, logo)
    if report.project is not None:
        _targets(book, report)
    _smes(book, report)
    _kinds(book, report)
    _satisfaction(book, report)
    _months(book, report)
    _services(book, report)
    _questions(book, report)
    _dissemination(book, report)
    _activities(book, report)
    _attendance(book, report)
    book.workbook.close()
    return buffer.getvalue()


def _summary(book: _Book, report: PeriodReport, logo: Path | None) -> None:
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_summary")
    sheet.write_string(0, 0, names.cluster, book.formats["title"])
    sheet.write_string(1, 0, label("report_period"))
    book.cell(sheet, 1, 1, report.period.first)
    book.cell(sheet, 1, 2, report.period.last)
    project = report.project
    if project is not None:
        # Three rows more above the figures: a project's name and its funder.
        sheet.write_string(2, 0, label("report_project"))
        sheet.write_string(2, 1, project.name.get(names.language))
        sheet.write_string(3, 0, label("report_funder"))
        sheet.write_string(3, 1, project.funder.get(names.language))
    if logo is not None:
        sheet.insert_image("D1", str(logo), {"object_position": 3})
    total = report.total
    q = report.questions
    figures: list[tuple[str, Any]] = [
        ("report_smes_served", report.smes_served),
        ("report_companies_served", report.companies_served),
        ("report_large_companies", report.large_companies),
        ("report_size_unknown", report.size_unknown),
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
    ]
    if report.gender_answered:
        figures.append(("report_women", report.women))
        figures.append(("report_gender_answered", report.gender_answered))
    if project is None:
        figures += [
            ("report_broadcasts", report.broadcasts),
            ("report_broadcast_delivered", report.broadcast_delivered),
        ]
    span = book.table(
        sheet,
        3 if project is None else 5,
        ("report_column_indicator", "report_column_value"),
        [(label(name), value) for name, value in figures],
    )
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 2, 14)
    note = span[1] + 2
    for name, count in (
        ("report_note_size_one_figure", report.size_from_one_figure),
        ("report_note_without_company", report.participations_without_company),
    ):
        if count:
            sheet.write_string(note, 0, label(name))
            book.cell(sheet, note, 1, count)
            note += 1


def _targets(book: _Book, report: PeriodReport) -> None:
    """Write each target against its actual figure, with a chart, and the evidence below."""
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_targets")
    progress = project_progress(report)
    rows = [
        (
            label(f"report_indicator_{item.indicator}"),
            item.target,
            item.actual,
            Percent(item.share),
        )
        for item in progress
    ]
    header = (
        "report_column_indicator",
        "report_column_target",
        "report_column_actual",
        "report_column_achieved",
    )
    span = book.table(sheet, 0, header, rows)
    sheet.set_column(0, 0, 40)
    book.chart(sheet, "bar", "report_chart_targets", span, [1, 2], "F1")
    top = max(span[1] + 3, 20)
    sheet.write_string(top, 0, label("report_sheet_evidence"), book.formats["title"])
    services = names.services
    requests = {str(request.ticket_id): request for request in report.requests}
    starts = {event.event_id: event.starts_at for event in report.events}
    evidence: list[Sequence[Any]] = []
    for item in progress:
        indicator = label(f"report_indicator_{item.indicator}")
        for proof in item.evidence:
            if proof.kind == "event":
                when: Any = starts[proof.ref]
                what = names.event_titles.get(proof.ref, proof.ref)
            else:
                request = requests[proof.ref]
                when = request.created_at
                service = services.get(request.service_id or "", request.service_id or "")
                what = f"{label('report_service_request')} #{proof.ref} {service}".strip()
            evidence.append((indicator, when, what, proof.amount))
    header = (
        "report_column_indicator",
        "report_column_date",
        "report_column_evidence",
        "report_column_contribution",
    )
    book.table(sheet, top + 1, header, evidence)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 17)
    sheet.set_column(2, 2, 50)


def _smes(book: _Book, report: PeriodReport) -> None:
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_smes")
    top = 0
    breakdowns: list[tuple[str, Mapping[str, int], Callable[[str], str]]] = [
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
    ]
    for position, (title, counts, name) in enumerate(breakdowns):
        rows = [(name(key), count) for key, count in counts.items()]
        span = book.table(sheet, top, (title, "report_column_companies"), rows)
        book.chart(sheet, "bar", title, span, [1], f"E{1 + position * 20}")
        top = max(span[1] + 3, top + 20 if rows else top + 3)


def _kinds(book: _Book, report: PeriodReport) -> None:
    label = book.names.label
    sheet = book.sheet("report_sheet_activities_by_kind")
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
    header = (
        "report_column_kind",
        "report_column_events",
        "report_column_confirmed",
        "report_column_attended",
        "report_column_attendance_rate",
        "report_column_training_hours",
        "report_column_average_rating",
        "report_column_ratings",
    )
    first, last = book.table(sheet, 0, header, rows)
    # The chart leaves out the total row: it would dwarf every kind.
    book.chart(sheet, "column", "report_chart_attended_by_kind", (first, last - 1), [2, 3], "A12")


def _satisfaction(book: _Book, report: PeriodReport) -> None:
    sheet = book.sheet("report_sheet_satisfaction")
    rows = [(str(score), count) for score, count in enumerate(report.total.ratings, start=1)]
    span = book.table(sheet, 0, ("report_column_rating", "report_column_ratings"), rows)
    book.chart(sheet, "column", "report_chart_satisfaction", span, [1], "D1")


def _months(book: _Book, report: PeriodReport) -> None:
    sheet = book.sheet("report_sheet_months")
    rows = [(MonthCell(m.first_day), m.participants, m.smes) for m in report.months]
    header = ("report_column_month", "report_column_participants", "report_column_smes")
    span = book.table(sheet, 0, header, rows)
    book.chart(sheet, "column", "report_chart_by_month", span, [1, 2], "E1")


def _services(book: _Book, report: PeriodReport) -> None:
    """Write requests by service with a chart, then every request with how it ended."""
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_services")
    rows = [
        (
            names.service(figures.service_id),
            figures.requests,
            figures.open,
            figures.delivered,
            figures.not_delivered,
            _number(figures.first_answer_hours),
        )
        for figures in report.services
    ]
    header = (
        "report_column_service",
        "report_column_requests",
        "report_column_open",
        "report_column_delivered",
        "report_column_not_delivered",
        "report_column_first_answer_hours",
    )
    span = book.table(sheet, 0, header, rows)
    book.chart(sheet, "bar", "report_chart_services", span, [1, 3], "H1")
    top = max(span[1] + 3, 20)
    sheet.write_string(top, 0, label("report_service_requests_list"), book.formats["title"])
    requests = [
        (
            request.ticket_id,
            request.created_at,
            names.service(request.service_id),
            _company_name(report, request.company_id),
            label(f"report_request_{_ending(request)}"),
            _number(
                (request.first_answer_at - request.created_at).total_seconds() / 3600
                if request.first_answer_at is not None
                else None
            ),
            request.outcome_note or "",
        )
        for request in report.requests
    ]
    columns = (
        "report_column_request",
        "report_column_date",
        "report_column_service",
        "report_column_company",
        "report_column_outcome",
        "report_column_first_answer_hours",
        "report_column_outcome_note",
    )
    book.table(sheet, top + 1, columns, requests)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 17)
    sheet.set_column(2, 3, 30)
    sheet.set_column(6, 6, 60)


def _ending(request: ServiceRequest) -> str:
    if request.status != "closed":
        return "open"
    return "not_delivered" if request.not_delivered else "delivered"


def _company_name(report: PeriodReport, company_id: int | None) -> str:
    company = report.companies.get(company_id or 0)
    return company.name if company is not None else ""


def _questions(book: _Book, report: PeriodReport) -> None:
    label = book.names.label
    sheet = book.sheet("report_sheet_questions")
    q = report.questions
    rows = [
        (label("report_questions_answered"), q.answered),
        (label("report_questions_unanswered"), max(q.asked - q.answered, 0)),
        (label("report_questions_to_team"), q.to_team),
    ]
    first, _ = book.table(sheet, 0, ("report_column_questions", "report_column_count"), rows)
    # The pie shares what the assistant answered and did not; the team's part is a subset.
    book.chart(sheet, "pie", "report_chart_questions", (first, first + 1), [1], "D1")


def _dissemination(book: _Book, report: PeriodReport) -> None:
    label = book.names.label
    sheet = book.sheet("report_sheet_dissemination")
    rows = [
        (label(f"report_segment_{kind}"), delivered)
        for kind, delivered in report.reach_by_segment.items()
    ]
    header = ("report_column_segment", "report_column_delivered_msgs")
    span = book.table(sheet, 0, header, rows)
    book.chart(sheet, "bar", "report_chart_reach", span, [1], "D1")


def _activities(book: _Book, report: PeriodReport) -> None:
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_activity_list")
    rows: list[Sequence[Any]] = []
    for event in report.events:
        taken = event.attendance_taken and event.confirmed
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
                _percent(event.attended / event.confirmed if taken else None),
                _number(average),
                label("report_yes" if event.attendance_taken else "report_no"),
                event.signed_sheets or label("report_no"),
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
        "report_column_signed_sheet",
    )
    book.table(sheet, 0, header, rows)
    sheet.set_column(0, 0, 17)
    sheet.set_column(1, 1, 50)
    sheet.freeze_panes(1, 0)


def _attendance(book: _Book, report: PeriodReport) -> None:
    names = book.names
    label = names.label
    sheet = book.sheet("report_sheet_attendance")
    header = (
        "report_column_date",
        "report_column_event",
        "report_column_person",
        "report_column_company",
        "report_column_sector",
        "report_column_city",
        "report_column_checked_in",
    )
    sheet.write_row(0, 0, [label(title) for title in header], book.formats["header"])
    sheet.set_column(0, 0, 17)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 2, 24)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 6, 17)
    sheet.freeze_panes(1, 0)
    # The largest sheet by far: written cell by cell with the formats made once.
    starts = {
        event.event_id: event.starts_at.astimezone(names.timezone).replace(tzinfo=None)
        for event in report.events
    }
    titles = {event_id: names.event_titles.get(event_id, event_id) for event_id in starts}
    erased = label("report_erased_person")
    time_format = book.formats["time"]
    timezone = names.timezone
    for row, present in enumerate(report.attendance, start=1):
        company = report.companies.get(present.company_id or 0)
        sheet.write_datetime(row, 0, starts[present.event_id], time_format)
        sheet.write_string(row, 1, titles[present.event_id])
        sheet.write_string(row, 2, present.full_name or erased)
        if company is not None:
            sheet.write_string(row, 3, company.name)
            sheet.write_string(row, 4, names.sector(company.sector_id or ""))
            sheet.write_string(row, 5, company.city or "")
        elif present.company_text:
            sheet.write_string(row, 3, present.company_text)
        if present.attended_at is not None:
            local = present.attended_at.astimezone(timezone).replace(tzinfo=None)
            sheet.write_datetime(row, 6, local, time_format)
