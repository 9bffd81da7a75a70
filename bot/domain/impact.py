"""The impact report for one period: SMEs served, activities, services, questions, reach.

Built from storage.impact's raw figures and the company registry; every number a funder sees
is computed here once and shown by the chat, the chart and the workbook alike. A report can be
cut by a funded project: then only the events and services linked to the project count.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

from bot.domain.companies import size_of
from bot.domain.moments import MONTHS, TODAY, YESTERDAY
from bot.domain.profile import fold_turkish
from storage.companies import SIZE_CLASSES, Company, CompanyRepository
from storage.content import Catalogue, Project
from storage.impact import (
    EVERYTHING,
    Attendance,
    BroadcastSent,
    EventTurnout,
    ImpactRepository,
    MeetingCounts,
    QuestionCounts,
    Scope,
    SelectionCounts,
    ServiceRequest,
)

# KOBİ (SME) classes: a large company is served but is not an SME.
SME_CLASSES = frozenset(SIZE_CLASSES[:3])

KINDS = ("training", "webinar", "workshop", "study_visit", "b2b", "info_day", "conference")
# A day of a multi-day event (a study visit) counts as a working day of learning, not 24 hours.
HOURS_PER_DAY = 8
LONGEST_SINGLE_SESSION = timedelta(hours=10)
NO_QUESTIONS = QuestionCounts(0, 0, 0, 0, 0, [])


class PeriodError(ValueError):
    """A period that makes no sense: its end before its start, or a date that is not one."""


@dataclass(frozen=True)
class Period:
    """Calendar days from `first` to `last`, both included, in the cluster's time zone."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError("end_before_start")

    def bounds(self, timezone: ZoneInfo) -> tuple[datetime, datetime]:
        """Return the period as [start, end) in UTC."""
        start = datetime.combine(self.first, time(), timezone)
        end = datetime.combine(self.last + timedelta(days=1), time(), timezone)
        return start.astimezone(UTC), end.astimezone(UTC)

    @classmethod
    def preset(cls, name: str, today: date) -> Period:
        """Return this month, quarter or year up to its last day."""
        if name == "month":
            first = today.replace(day=1)
        elif name == "quarter":
            first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        elif name == "year":
            first = date(today.year, 1, 1)
        else:
            raise PeriodError(name)
        months = {"month": 1, "quarter": 3, "year": 12}[name]
        year, month = divmod(first.month - 1 + months, 12)
        return cls(first, date(first.year + year, month + 1, 1) - timedelta(days=1))

    @classmethod
    def parse(cls, first: str, last: str, today: date | None = None) -> Period:
        """Read two dates typed as YYYY-MM-DD, DD.MM.YYYY or the like (see `read_day`)."""
        return cls(read_day(first, today), read_day(last, today))


@dataclass(frozen=True)
class ProjectCut:
    """A funded project a report is cut by: only the activities linked to it count."""

    project: Project
    event_ids: frozenset[str]

    @classmethod
    def of(cls, catalogue: Catalogue, project: Project) -> ProjectCut:
        """Return the cut of a project of the catalogue."""
        return cls(project, catalogue.project_events(project))

    @property
    def scope(self) -> Scope:
        """Return what storage counts for the project."""
        return Scope(self.event_ids, frozenset(self.project.service_ids))

    @property
    def period(self) -> Period:
        """Return the project's whole period."""
        return Period(self.project.starts_on, self.project.ends_on)


_NUMERIC_DAY = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED_DAY = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$")


def read_day(text: str, today: date | None = None) -> date:
    """Read a day as people in Turkey write it: 31.01.2027, 31/1/27, 31 Ocak 2027 (or
    2027-01-31); given today, also "bugün", "dün" and a day without its year (this year's:
    "1 ocak", "31.03"). Raise PeriodError("not_a_date") for anything else, or
    "no_such_day:DAY:MONTH:YEAR:DAYS_IN_MONTH" for a day the month does not have."""
    typed = " ".join(fold_turkish(text).split())
    numbers: tuple[int, int, int | None] | None = None
    if today is not None and typed in TODAY:
        return today
    if today is not None and typed in YESTERDAY:
        return today - timedelta(days=1)
    if found := _ISO_DAY.match(typed):
        numbers = (int(found[3]), int(found[2]), int(found[1]))
    elif found := _NUMERIC_DAY.match(typed):
        numbers = (int(found[1]), int(found[2]), int(found[3]) if found[3] else None)
    elif (found := _NAMED_DAY.match(typed)) and found[2] in MONTHS:
        numbers = (int(found[1]), MONTHS[found[2]], int(found[3]) if found[3] else None)
    if numbers is None or (numbers[2] is None and today is None):
        raise PeriodError("not_a_date")
    day, month, typed_year = numbers
    year = typed_year if typed_year is not None else today.year if today is not None else 0
    if year < 100:
        year += 2000  # "31.01.27": this century
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12 and 1 <= day <= 31 and 1 <= year <= 9999:
            # 31.02.2026: a real month without that day; say so, with how many days it has.
            length = calendar.monthrange(year, month)[1]
            raise PeriodError(f"no_such_day:{day}:{month}:{year}:{length}") from None
        raise PeriodError("not_a_date") from None


def event_hours(starts_at: datetime, ends_at: datetime) -> float:
    """Return the learning hours one participant gets from an event."""
    length = ends_at - starts_at
    if length <= LONGEST_SINGLE_SESSION:
        return length.total_seconds() / 3600
    return float(HOURS_PER_DAY * ((ends_at.date() - starts_at.date()).days + 1))


@dataclass(frozen=True)
class Activity:
    """Figures of one kind of activity, or of all of them."""

    kind: str  # one of KINDS, or "all"
    events: int
    confirmed: int
    attended: int
    attendance_counted: int  # confirmed seats at events whose attendance was taken
    hours: float  # participants × event hours
    ratings: tuple[int, int, int, int, int]

    @property
    def attendance_rate(self) -> float | None:
        """Return the share of confirmed seats that came, where attendance was taken."""
        return self.attended / self.attendance_counted if self.attendance_counted else None

    @property
    def answers(self) -> int:
        """Return how many rated the events."""
        return sum(self.ratings)

    @property
    def average_rating(self) -> float | None:
        """Return the average rating out of 5."""
        if not self.answers:
            return None
        return sum(score * n for score, n in enumerate(self.ratings, start=1)) / self.answers


def _activity(kind: str, turnouts: Sequence[EventTurnout]) -> Activity:
    ratings = [0] * 5
    for turnout in turnouts:
        for position, count in enumerate(turnout.ratings):
            ratings[position] += count
    return Activity(
        kind=kind,
        events=len(turnouts),
        confirmed=sum(t.confirmed for t in turnouts),
        attended=sum(t.attended for t in turnouts),
        attendance_counted=sum(t.confirmed for t in turnouts if t.attendance_taken),
        hours=sum(t.attended * event_hours(t.starts_at, t.ends_at) for t in turnouts),
        ratings=(ratings[0], ratings[1], ratings[2], ratings[3], ratings[4]),
    )


@dataclass(frozen=True)
class ServiceFigures:
    """Requests for one service made in the period."""

    service_id: str | None
    requests: int
    open: int
    delivered: int
    not_delivered: int = 0
    first_answer_hours: float | None = None  # average hours to the team's first answer
    notes: tuple[ServiceRequest, ...] = ()  # closed requests with an outcome note


@dataclass(frozen=True)
class Month:
    """One month of the period: participants and SMEs served."""

    first_day: date
    participants: int
    smes: int


@dataclass(frozen=True)
class PeriodReport:
    """Everything the impact report says about one period."""

    period: Period
    smes_served: int  # micro, small and medium companies only: large ones are not SMEs
    new_smes: int
    people_reached: int
    by_sector: dict[str, int]  # "" for companies without a sector
    by_size: dict[str, int]  # "" for companies whose size is not known
    size_from_one_figure: int  # companies whose class rests on headcount or turnover alone
    by_city: dict[str, int]
    by_membership: dict[str, int]
    participations_without_company: int  # attended, but no registry company is known
    activities: tuple[Activity, ...]  # one per kind held, in KINDS order
    total: Activity
    services: tuple[ServiceFigures, ...]
    first_answer_hours: float | None  # service requests: average hours to the first answer
    questions: QuestionCounts
    broadcasts: int
    broadcast_recipients: int
    broadcast_delivered: int
    reach_by_segment: dict[str, int]  # audience kind -> messages delivered
    months: tuple[Month, ...]
    events: tuple[EventTurnout, ...]
    attendance: tuple[Attendance, ...]
    companies: dict[int, Company]  # the companies the attendance and the requests name
    requests: tuple[ServiceRequest, ...] = ()
    new_company_ids: frozenset[int] = frozenset()
    project: Project | None = None  # set: only the project's activities were counted
    # Events whose participants staff selected from applications (none: no such event).
    selection: SelectionCounts | None = None
    # B2B meetings held and what they led to (none: no meeting was held).
    meetings: MeetingCounts | None = None
    # Every registry company served, SME or not; the large ones, and those of unknown size
    # (not counted as SMEs: nothing shows they are).
    companies_served: int = 0
    large_companies: int = 0
    size_unknown: int = 0
    sme_ids: frozenset[int] = frozenset()

    @property
    def gender_answered(self) -> int:
        """Return the participations of people who said whether they are a woman or a man."""
        return sum(1 for present in self.attendance if present.gender is not None)

    @property
    def women(self) -> int:
        """Return the participations of women, among those who chose to say."""
        return sum(1 for present in self.attendance if present.gender == "woman")

    @property
    def team_answer_hours(self) -> float | None:
        """Return the average hours the team took to answer a question handed over."""
        hours = self.questions.team_answer_hours
        return mean(hours) if hours else None


async def period_report(
    impact: ImpactRepository,
    registry: CompanyRepository,
    period: Period,
    timezone: ZoneInfo,
    cut: ProjectCut | None = None,
    now: datetime | None = None,
) -> PeriodReport:
    """Compute the report for a period, of everything or of one project's activities.

    Only what has happened by `now` counts: a period (a project's) may reach into the future,
    where events are planned, not held.
    """
    start, end = period.bounds(timezone)
    # Stored times are whole seconds: what happened in this very second counts too.
    held_by = (now or datetime.now(UTC)).replace(microsecond=0) + timedelta(seconds=1)
    end = max(start, min(end, held_by))
    scope = cut.scope if cut is not None else EVERYTHING
    turnouts = await impact.events(start, end, scope)
    attendance = await impact.attendance(start, end, scope)
    requests = await impact.service_requests(start, end, scope)
    before = await impact.companies_served_before(start)
    companies = {company.id: company for company in await registry.all() if company.id}
    delivered = [r for r in requests if r.delivered]
    served_ids = {a.company_id for a in attendance if a.company_id is not None}
    served_ids |= {r.company_id for r in delivered if r.company_id is not None}
    served = [companies[i] for i in sorted(served_ids) if i in companies]
    requested = {r.company_id for r in requests if r.company_id is not None}
    sizes = [size_of(company) for company in served]
    sme_ids = frozenset(
        company.id
        for company, size in zip(served, sizes, strict=True)
        if company.id is not None and size.size_class in SME_CLASSES
    )
    by_kind = {kind: [t for t in turnouts if t.kind == kind] for kind in KINDS}
    others = [t for t in turnouts if t.kind not in KINDS]
    activities = [_activity(kind, held) for kind, held in by_kind.items() if held]
    if others:
        activities.append(_activity("other", others))
    # Questions and announcements are the cluster's, not a project's: a project cut leaves them out.
    sent = await impact.broadcasts(start, end) if cut is None else []
    questions = await impact.questions(start, end) if cut is None else NO_QUESTIONS
    selection = await impact.selection(start, end, scope)
    meetings = await impact.meetings(start, end, scope)
    return PeriodReport(
        period=period,
        smes_served=len(sme_ids),
        new_smes=len((served_ids - before) & sme_ids),
        people_reached=len({a.person_id for a in attendance if a.person_id is not None})
        + sum(1 for a in attendance if a.person_id is None),
        by_sector=_counted(company.sector_id or "" for company in served),
        by_size=_in_size_order(_counted(size.size_class or "" for size in sizes)),
        size_from_one_figure=sum(1 for size in sizes if size.basis in ("employees", "turnover")),
        by_city=_counted(company.city or "" for company in served),
        by_membership=_counted(company.membership for company in served),
        participations_without_company=sum(1 for a in attendance if a.company_id is None),
        activities=tuple(activities),
        total=_activity("all", turnouts),
        services=_services(requests),
        first_answer_hours=_average_hours(requests),
        questions=questions,
        broadcasts=len(sent),
        broadcast_recipients=sum(b.recipients for b in sent),
        broadcast_delivered=sum(b.sent for b in sent),
        reach_by_segment=_reach(sent),
        months=_months(period, turnouts, attendance, timezone, sme_ids),
        events=tuple(turnouts),
        attendance=tuple(attendance),
        # The companies the attendance and the requests name (requests not delivered too).
        companies={i: companies[i] for i in served_ids | requested if i in companies},
        requests=tuple(requests),
        new_company_ids=frozenset(served_ids - before),
        project=cut.project if cut is not None else None,
        selection=selection if selection.applications else None,
        meetings=meetings if meetings.held else None,
        companies_served=len(served),
        large_companies=sum(1 for size in sizes if size.size_class == "large"),
        size_unknown=sum(1 for size in sizes if size.size_class is None),
        sme_ids=sme_ids,
    )


def _counted(values: Iterable[str]) -> dict[str, int]:
    counts = Counter(values)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _in_size_order(counts: dict[str, int]) -> dict[str, int]:
    order = (*SIZE_CLASSES, "")
    return dict(sorted(counts.items(), key=lambda item: order.index(item[0])))


def _services(requests: Sequence[ServiceRequest]) -> tuple[ServiceFigures, ...]:
    grouped: dict[str | None, list[ServiceRequest]] = {}
    for request in requests:
        grouped.setdefault(request.service_id, []).append(request)
    return tuple(
        ServiceFigures(
            service_id=service_id,
            requests=len(made),
            open=sum(1 for r in made if r.status == "open"),
            delivered=sum(1 for r in made if r.delivered),
            not_delivered=sum(1 for r in made if r.not_delivered),
            first_answer_hours=_average_hours(made),
            notes=tuple(r for r in made if r.outcome_note),
        )
        for service_id, made in sorted(grouped.items(), key=lambda item: -len(item[1]))
    )


def _average_hours(requests: Sequence[ServiceRequest]) -> float | None:
    hours = [
        (r.first_answer_at - r.created_at).total_seconds() / 3600
        for r in requests
        if r.first_answer_at is not None
    ]
    return mean(hours) if hours else None


def _reach(sent: Sequence[BroadcastSent]) -> dict[str, int]:
    reach: dict[str, int] = {}
    for broadcast in sent:
        reach[broadcast.audience_kind] = reach.get(broadcast.audience_kind, 0) + broadcast.sent
    return reach


def _months(
    period: Period,
    turnouts: Sequence[EventTurnout],
    attendance: Sequence[Attendance],
    timezone: ZoneInfo,
    sme_ids: frozenset[int],
) -> tuple[Month, ...]:
    month_of = {t.event_id: t.ends_at.astimezone(timezone).date().replace(day=1) for t in turnouts}
    people: Counter[date] = Counter()
    smes: dict[date, set[int]] = {}
    for present in attendance:
        month = month_of[present.event_id]
        people[month] += 1
        if present.company_id in sme_ids:
            smes.setdefault(month, set()).add(present.company_id)
    months = []
    month = period.first.replace(day=1)
    while month <= period.last:
        months.append(Month(month, people[month], len(smes.get(month, ()))))
        month = (month + timedelta(days=32)).replace(day=1)
    return tuple(months)
