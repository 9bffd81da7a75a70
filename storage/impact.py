"""Raw figures of one reporting period for the impact report: events, attendance, services,
questions and dissemination. bot.domain.impact turns them into the report funders read.

A period is [start, end) in UTC; an event belongs to the period it ends in. A `Scope` narrows
the activities counted to a funded project's events and services.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from storage.catalogue import parse_utc, utc_text
from storage.database import Database

# The company a registration counts for: the one it was made for, else the person's.
_COMPANY_OF = "COALESCE(r.company_id, p.company_id)"


@dataclass(frozen=True)
class Scope:
    """The activities a report counts: all of them (None), or only these events and services."""

    event_ids: frozenset[str] | None = None
    service_ids: frozenset[str] | None = None

    def events(self, column: str) -> tuple[str, tuple[str, ...]]:
        """Return the SQL condition (and its parameter) keeping the scope's events."""
        return _within(column, self.event_ids)

    def services(self, column: str) -> tuple[str, tuple[str, ...]]:
        """Return the SQL condition (and its parameter) keeping the scope's services."""
        return _within(column, self.service_ids)


EVERYTHING = Scope()


def _within(column: str, ids: frozenset[str] | None) -> tuple[str, tuple[str, ...]]:
    if ids is None:
        return "", ()
    # One JSON parameter, however many ids: a project may cover hundreds of events.
    return f" AND {column} IN (SELECT value FROM json_each(?))", (json.dumps(sorted(ids)),)


@dataclass(frozen=True)
class EventTurnout:
    """One event held in the period: seats, attendance and ratings."""

    event_id: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    confirmed: int
    attended: int
    attendance_taken: bool
    ratings: tuple[int, int, int, int, int]  # how many rated 1, 2, 3, 4, 5
    signed_sheets: int = 0  # scans or photos of the signed attendance sheet attached


@dataclass(frozen=True)
class Attendance:
    """One person marked present at an event of the period."""

    event_id: str
    person_id: int | None  # None once the person's data was erased
    full_name: str | None
    company_id: int | None
    company_text: str | None  # what the person typed, when no registry company is known
    attended_at: datetime | None
    gender: str | None = None  # 'woman' or 'man' if the person chose to say


@dataclass(frozen=True)
class ServiceRequest:
    """A service request made in the period, and when the team first answered it."""

    ticket_id: int
    service_id: str | None
    status: str
    created_at: datetime
    first_answer_at: datetime | None
    company_id: int | None
    outcome: str | None = None  # 'delivered' or 'not_delivered', as staff closed it
    outcome_note: str | None = None

    @property
    def delivered(self) -> bool:
        """Tell whether the service was delivered (a request closed before outcomes were
        asked counts as delivered, as it did then)."""
        return self.status == "closed" and self.outcome != "not_delivered"

    @property
    def not_delivered(self) -> bool:
        """Tell whether staff closed the request as not delivered."""
        return self.status == "closed" and self.outcome == "not_delivered"


@dataclass(frozen=True)
class QuestionCounts:
    """Questions people typed in the period and where they went."""

    asked: int
    answered: int  # the assistant gave an answer or suggestions
    helpful: int
    not_helpful: int
    to_team: int  # handed to the team as tickets
    team_answer_hours: list[float]  # for each question ticket answered: hours to the answer


@dataclass(frozen=True)
class BroadcastSent:
    """An announcement sent in the period."""

    audience_kind: str
    recipients: int
    sent: int


@dataclass(frozen=True)
class SelectionCounts:
    """Events of the period whose participants were selected from applications."""

    events: int
    applications: int
    selected: int  # accepted at some point: accepted, confirmed, or lapsed unconfirmed
    places: int  # the events' places (those with a limit)
    taken: int  # places confirmed by selected people

    @property
    def acceptance_rate(self) -> float | None:
        """Return the share of applications selected, or None without applications."""
        return self.selected / self.applications if self.applications else None


@dataclass(frozen=True)
class MeetingCounts:
    """B2B meetings held at the events that ended in the period, and what they led to (as at
    least one side reported after the event)."""

    events: int
    held: int
    follow_ups: int
    offers: int
    deals: int
    # Meetings held at each event (event id -> count): a project's evidence, event by event.
    held_by_event: Mapping[str, int] = field(default_factory=dict)


class ImpactRepository:
    """Reads what the impact report counts; writes nothing."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def events(
        self, start: datetime, end: datetime, scope: Scope = EVERYTHING
    ) -> list[EventTurnout]:
        """Return the events that ended in the period and were not cancelled, by start."""
        within, ids = scope.events("e.id")
        rows = await self._db.fetch_all(
            "SELECT e.id, e.kind, e.starts_at, e.ends_at, "
            "COUNT(r.id) FILTER (WHERE r.status = 'confirmed') AS confirmed, "
            "COUNT(r.id) FILTER (WHERE r.attended = 1) AS attended, "
            "COUNT(r.id) FILTER (WHERE r.attended IS NOT NULL) > 0 AS taken, "
            "(SELECT json_group_array(f.rating) FROM feedback f WHERE f.event_id = e.id) "
            "AS ratings, "
            "(SELECT COUNT(*) FROM event_evidence v WHERE v.event_id = e.id) AS signed "
            "FROM events e LEFT JOIN registrations r ON r.event_id = e.id "
            "WHERE e.status = 'scheduled' AND e.ends_at >= ? AND e.ends_at < ?"
            f"{within} GROUP BY e.id ORDER BY e.starts_at, e.id",
            (utc_text(start), utc_text(end), *ids),
        )
        turnouts = []
        for row in rows:
            counts = [0] * 5
            for rating in json.loads(row["ratings"]):
                counts[rating - 1] += 1
            turnouts.append(
                EventTurnout(
                    event_id=row["id"],
                    kind=row["kind"],
                    starts_at=parse_utc(row["starts_at"]),
                    ends_at=parse_utc(row["ends_at"]),
                    confirmed=row["confirmed"],
                    attended=row["attended"],
                    attendance_taken=bool(row["taken"]),
                    ratings=(counts[0], counts[1], counts[2], counts[3], counts[4]),
                    signed_sheets=row["signed"],
                )
            )
        return turnouts

    async def selection(
        self, start: datetime, end: datetime, scope: Scope = EVERYTHING
    ) -> SelectionCounts:
        """Count the applications to the events that ended in the period, and their outcome."""
        within, ids = scope.events("e.id")
        held = "e.status = 'scheduled' AND e.ends_at >= ? AND e.ends_at < ?" + within
        params = (utc_text(start), utc_text(end), *ids)
        row = await self._db.fetch_one(
            "SELECT COUNT(DISTINCT e.id) AS events, COUNT(a.id) AS applications, "
            "COUNT(a.id) FILTER (WHERE a.status IN ('accepted', 'confirmed', 'lapsed')) "
            "AS selected, COUNT(a.id) FILTER (WHERE a.status = 'confirmed') AS taken "
            f"FROM events e JOIN applications a ON a.event_id = e.id WHERE {held}",
            params,
        )
        places = await self._db.fetch_one(
            f"SELECT COALESCE(SUM(e.capacity), 0) FROM events e WHERE {held} "
            "AND EXISTS (SELECT 1 FROM applications a WHERE a.event_id = e.id)",
            params,
        )
        if row is None or places is None:
            return SelectionCounts(0, 0, 0, 0, 0)
        return SelectionCounts(
            row["events"], row["applications"], row["selected"], places[0], row["taken"]
        )

    async def meetings(
        self, start: datetime, end: datetime, scope: Scope = EVERYTHING
    ) -> MeetingCounts:
        """Count the B2B meetings held at the events that ended in the period."""
        within, ids = scope.events("e.id")
        row = await self._db.fetch_one(
            "SELECT COUNT(DISTINCT e.id) AS events, COUNT(m.id) AS held, "
            "COUNT(m.id) FILTER (WHERE 'follow_up' IN (m.outcome_a, m.outcome_b)) AS follow_ups, "
            "COUNT(m.id) FILTER (WHERE 'offer' IN (m.outcome_a, m.outcome_b)) AS offers, "
            "COUNT(m.id) FILTER (WHERE 'deal' IN (m.outcome_a, m.outcome_b)) AS deals "
            "FROM events e JOIN meetings m ON m.event_id = e.id AND m.status = 'scheduled' "
            f"WHERE e.status = 'scheduled' AND e.ends_at >= ? AND e.ends_at < ?{within}",
            (utc_text(start), utc_text(end), *ids),
        )
        if row is None:
            return MeetingCounts(0, 0, 0, 0, 0)
        # A meeting took place when it still stood (scheduled, not cancelled nor a no-show)
        # as its event ended.
        per_event = await self._db.fetch_all(
            "SELECT e.id, COUNT(m.id) AS held FROM events e "
            "JOIN meetings m ON m.event_id = e.id AND m.status = 'scheduled' "
            f"WHERE e.status = 'scheduled' AND e.ends_at >= ? AND e.ends_at < ?{within} "
            "GROUP BY e.id",
            (utc_text(start), utc_text(end), *ids),
        )
        return MeetingCounts(
            row["events"],
            row["held"],
            row["follow_ups"],
            row["offers"],
            row["deals"],
            {found["id"]: found["held"] for found in per_event},
        )

    async def attendance(
        self, start: datetime, end: datetime, scope: Scope = EVERYTHING
    ) -> list[Attendance]:
        """Return everyone marked present at an event that ended in the period."""
        within, ids = scope.events("e.id")
        rows = await self._db.fetch_all(
            # Participants staff added have no person: their names are what staff typed.
            "SELECT r.event_id, r.person_id, COALESCE(p.full_name, s.full_name) AS full_name, "
            "COALESCE(p.company, s.company_name) AS company, r.attended_at, p.gender, "
            f"{_COMPANY_OF} AS company_id "
            "FROM registrations r JOIN events e ON e.id = r.event_id "
            "LEFT JOIN people p ON p.id = r.person_id "
            "LEFT JOIN staff_added_participants s ON s.registration_id = r.id "
            "WHERE r.attended = 1 AND e.status = 'scheduled' AND e.ends_at >= ? AND e.ends_at < ?"
            f"{within} ORDER BY e.starts_at, e.id, full_name, r.id",
            (utc_text(start), utc_text(end), *ids),
        )
        return [
            Attendance(
                event_id=row["event_id"],
                person_id=row["person_id"],
                full_name=row["full_name"],
                company_id=row["company_id"],
                company_text=row["company"],
                attended_at=parse_utc(row["attended_at"]) if row["attended_at"] else None,
                gender=row["gender"] if row["gender"] in ("woman", "man") else None,
            )
            for row in rows
        ]

    async def companies_served_before(self, start: datetime) -> set[int]:
        """Return the companies someone attended an event for before `start`."""
        rows = await self._db.fetch_all(
            f"SELECT DISTINCT {_COMPANY_OF} AS company_id "
            "FROM registrations r JOIN events e ON e.id = r.event_id "
            "LEFT JOIN people p ON p.id = r.person_id "
            "WHERE r.attended = 1 AND e.status = 'scheduled' AND e.ends_at < ? "
            f"AND {_COMPANY_OF} IS NOT NULL",
            (utc_text(start),),
        )
        return {row["company_id"] for row in rows}

    async def service_requests(
        self, start: datetime, end: datetime, scope: Scope = EVERYTHING
    ) -> list[ServiceRequest]:
        """Return the service requests made in the period."""
        within, ids = scope.services("t.service_id")
        rows = await self._db.fetch_all(
            "SELECT t.id, t.service_id, t.status, t.created_at, p.company_id, t.outcome, "
            "t.outcome_note, "
            "(SELECT MIN(m.created_at) FROM ticket_messages m WHERE m.ticket_id = t.id "
            " AND m.direction = 'staff') AS first_answer_at "
            "FROM tickets t LEFT JOIN people p ON p.id = t.person_id "
            "WHERE t.kind = 'service_request' AND t.created_at >= ? AND t.created_at < ?"
            f"{within} ORDER BY t.id",
            (utc_text(start), utc_text(end), *ids),
        )
        return [
            ServiceRequest(
                ticket_id=row["id"],
                service_id=row["service_id"],
                status=row["status"],
                created_at=parse_utc(row["created_at"]),
                first_answer_at=(
                    parse_utc(row["first_answer_at"]) if row["first_answer_at"] else None
                ),
                company_id=row["company_id"],
                outcome=row["outcome"],
                outcome_note=row["outcome_note"],
            )
            for row in rows
        ]

    async def questions(self, start: datetime, end: datetime) -> QuestionCounts:
        """Return what happened to the questions people typed in the period."""
        bounds = (utc_text(start), utc_text(end))
        asked = await self._db.fetch_one(
            "SELECT COUNT(*) AS asked, "
            "COUNT(*) FILTER (WHERE decision != 'none') AS answered, "
            "COUNT(*) FILTER (WHERE helpful = 1) AS helpful, "
            "COUNT(*) FILTER (WHERE helpful = 0) AS not_helpful "
            "FROM asked_questions WHERE created_at >= ? AND created_at < ?",
            bounds,
        )
        tickets = await self._db.fetch_all(
            "SELECT t.created_at, (SELECT MIN(m.created_at) FROM ticket_messages m "
            " WHERE m.ticket_id = t.id AND m.direction = 'staff') AS answered_at "
            "FROM tickets t WHERE t.kind = 'question' AND t.created_at >= ? AND t.created_at < ?",
            bounds,
        )
        assert asked is not None
        hours = [
            (parse_utc(row["answered_at"]) - parse_utc(row["created_at"])).total_seconds() / 3600
            for row in tickets
            if row["answered_at"]
        ]
        return QuestionCounts(
            asked=asked["asked"],
            answered=asked["answered"],
            helpful=asked["helpful"],
            not_helpful=asked["not_helpful"],
            to_team=len(tickets),
            team_answer_hours=hours,
        )

    async def broadcasts(self, start: datetime, end: datetime) -> list[BroadcastSent]:
        """Return the announcements whose sending started in the period."""
        rows = await self._db.fetch_all(
            "SELECT audience, recipients, sent FROM broadcasts "
            "WHERE started_at >= ? AND started_at < ? AND status IN ('sending', 'done', "
            "'cancelled') ORDER BY started_at",
            (utc_text(start), utc_text(end)),
        )
        return [
            BroadcastSent(
                audience_kind=str(json.loads(row["audience"]).get("kind", "all")),
                recipients=row["recipients"],
                sent=row["sent"],
            )
            for row in rows
        ]
