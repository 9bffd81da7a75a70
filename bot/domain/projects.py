"""A funded project's indicators: target against actual, and the evidence behind each figure.

Each indicator a project can set a target for (storage.content.PROJECT_INDICATORS) is counted
here from the project's report (bot.domain.impact cut by the project), together with the
activities that make it up: which events and which service requests count, and how much each adds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from bot.domain.impact import PeriodReport, event_hours
from storage.impact import EventTurnout

# The kinds of event a funder counts as training an SME.
TRAINING_KINDS = ("training", "webinar", "workshop")


@dataclass(frozen=True)
class Evidence:
    """One activity behind a figure, and what it adds to it."""

    kind: Literal["event", "service_request"]
    ref: str  # the event id, or the service request's number
    amount: float


@dataclass(frozen=True)
class Progress:
    """One indicator of a project: its target, the actual figure and its evidence."""

    indicator: str
    target: float
    actual: float
    evidence: tuple[Evidence, ...]

    @property
    def share(self) -> float:
        """Return how much of the target is reached (1.0 is the whole target)."""
        return self.actual / self.target

    @property
    def events(self) -> int:
        """Return how many events are evidence."""
        return sum(1 for item in self.evidence if item.kind == "event")

    @property
    def requests(self) -> int:
        """Return how many service requests are evidence."""
        return sum(1 for item in self.evidence if item.kind == "service_request")


@dataclass(frozen=True)
class _Figure:
    actual: float
    evidence: tuple[Evidence, ...]


def project_progress(report: PeriodReport) -> tuple[Progress, ...]:
    """Return the project's targets against the report's figures, in the content's order."""
    if report.project is None:
        return ()
    progress = []
    for indicator, target in report.project.targets:
        figure = INDICATORS[indicator](report)
        progress.append(Progress(indicator, target, figure.actual, figure.evidence))
    return tuple(progress)


def _per_event(
    report: PeriodReport,
    amount: Callable[[EventTurnout], float],
    kinds: Iterable[str] | None = None,
) -> tuple[Evidence, ...]:
    wanted = set(kinds) if kinds is not None else None
    found = []
    for event in report.events:
        if wanted is not None and event.kind not in wanted:
            continue
        value = amount(event)
        if value:
            found.append(Evidence("event", event.event_id, value))
    return tuple(found)


def _companies_by_event(
    report: PeriodReport, companies: frozenset[int] | None = None
) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for present in report.attendance:
        company = present.company_id
        if company is None or company not in report.companies:
            continue
        if companies is None or company in companies:
            found.setdefault(present.event_id, set()).add(company)
    return found


def _delivered(report: PeriodReport, with_company: bool) -> tuple[Evidence, ...]:
    return tuple(
        Evidence("service_request", str(request.ticket_id), 1)
        for request in report.requests
        if request.delivered and (not with_company or request.company_id in report.companies)
    )


def _smes_served(report: PeriodReport) -> _Figure:
    by_event = _companies_by_event(report, report.sme_ids)
    events = _per_event(report, lambda e: len(by_event.get(e.event_id, ())))
    return _Figure(report.smes_served, events + _delivered(report, with_company=True))


def _smes_trained(report: PeriodReport) -> _Figure:
    trainings = {e.event_id for e in report.events if e.kind in TRAINING_KINDS}
    by_event = {
        event_id: companies
        for event_id, companies in _companies_by_event(report, report.sme_ids).items()
        if event_id in trainings
    }
    trained = set().union(*by_event.values()) if by_event else set()
    evidence = _per_event(report, lambda e: len(by_event.get(e.event_id, ())), TRAINING_KINDS)
    return _Figure(len(trained), evidence)


def _new_smes(report: PeriodReport) -> _Figure:
    by_event = _companies_by_event(report, report.new_company_ids & report.sme_ids)
    evidence = _per_event(report, lambda e: len(by_event.get(e.event_id, ())))
    return _Figure(report.new_smes, evidence)


def _people_reached(report: PeriodReport) -> _Figure:
    return _Figure(report.people_reached, _per_event(report, lambda e: e.attended))


def _participants(report: PeriodReport) -> _Figure:
    return _Figure(report.total.attended, _per_event(report, lambda e: e.attended))


def _women(report: PeriodReport) -> _Figure:
    women: dict[str, int] = {}
    for present in report.attendance:
        if present.gender == "woman":
            women[present.event_id] = women.get(present.event_id, 0) + 1
    return _Figure(report.women, _per_event(report, lambda e: women.get(e.event_id, 0)))


def _training_hours(report: PeriodReport) -> _Figure:
    evidence = _per_event(report, lambda e: e.attended * event_hours(e.starts_at, e.ends_at))
    return _Figure(report.total.hours, evidence)


def _held(kinds: tuple[str, ...] | None) -> Callable[[PeriodReport], _Figure]:
    def count(report: PeriodReport) -> _Figure:
        evidence = _per_event(report, lambda e: 1, kinds)
        return _Figure(len(evidence), evidence)

    return count


def _meetings_held(report: PeriodReport) -> _Figure:
    """B2B meetings that took place (not the B2B days), each event's count its evidence."""
    held = report.meetings.held_by_event if report.meetings is not None else {}
    evidence = _per_event(report, lambda e: held.get(e.event_id, 0))
    return _Figure(sum(item.amount for item in evidence), evidence)


def _services_delivered(report: PeriodReport) -> _Figure:
    evidence = _delivered(report, with_company=False)
    return _Figure(len(evidence), evidence)


def _average_rating(report: PeriodReport) -> _Figure:
    evidence = _per_event(report, lambda e: sum(e.ratings))
    return _Figure(report.total.average_rating or 0.0, evidence)


INDICATORS: dict[str, Callable[[PeriodReport], _Figure]] = {
    "smes_served": _smes_served,
    "smes_trained": _smes_trained,
    "new_smes": _new_smes,
    "people_reached": _people_reached,
    "participants": _participants,
    "women_participants": _women,
    "training_hours": _training_hours,
    "events_held": _held(None),
    "trainings": _held(TRAINING_KINDS),
    "study_visits": _held(("study_visit",)),
    "b2b_meetings": _meetings_held,
    "services_delivered": _services_delivered,
    "average_rating": _average_rating,
}
