"""The cluster's impact figures for staff and funders: people, events, attendance, feedback.

Read-only counts over every feature's tables; a feature whose tables are missing (tickets in a
build without them) is reported as None rather than failing the whole report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.broadcasts import LANGUAGE_OF_MEMBER
from storage.catalogue import parse_utc, utc_text
from storage.database import Database


@dataclass(frozen=True)
class PeopleFigures:
    """Who uses the assistant."""

    started: int
    consented: int
    with_profile: int
    announcements_on: int
    unreachable: int
    by_sector: dict[str | None, int]  # people with a profile; None: no sector given
    by_language: dict[str, int]


@dataclass(frozen=True)
class PastEvent:
    """One past event's turnout and rating."""

    event_id: str
    starts_at: datetime
    confirmed: int
    attended: int
    attendance_taken: bool
    answers: int
    average_rating: float | None

    @property
    def attendance_rate(self) -> int | None:
        """Return the share of confirmed registrants marked present, in percent."""
        if not self.attendance_taken or not self.confirmed:
            return None
        return round(100 * self.attended / self.confirmed)


@dataclass(frozen=True)
class ImpactReport:
    """Everything `/stats` shows."""

    people: PeopleFigures
    upcoming_events: int
    past_events: int
    cancelled_events: int
    registrations: dict[str, int]  # confirmed, waitlisted, cancelled
    attended: int
    past: list[PastEvent]  # the latest past events, newest first
    answers: int
    average_rating: float | None
    tickets: dict[str, dict[str, int]] | None  # kind -> status -> count
    unanswered_questions: int | None
    broadcasts_sent: int
    broadcast_messages: int


class StatsRepository:
    """Counts for the impact report."""

    def __init__(self, database: Database, default_language: str) -> None:
        self._db = database
        self._default_language = default_language

    async def impact(self, now: datetime, past_listed: int = 10) -> ImpactReport:
        """Return the figures as they stand at `now`."""
        moment = utc_text(now)
        events = await self._db.fetch_one(
            "SELECT "
            "SUM(status = 'scheduled' AND ends_at > :now) AS upcoming, "
            "SUM(status = 'scheduled' AND ends_at <= :now) AS past, "
            "SUM(status = 'cancelled') AS cancelled FROM events",
            {"now": moment},
        )
        registrations = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM registrations GROUP BY status"
        )
        attended = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM registrations WHERE attended = 1"
        )
        feedback = await self._db.fetch_one(
            "SELECT COUNT(*) AS answers, AVG(rating) AS average FROM feedback"
        )
        broadcasts = await self._db.fetch_one(
            "SELECT COUNT(*) AS broadcasts, COALESCE(SUM(sent), 0) AS messages "
            "FROM broadcasts WHERE status IN ('done', 'cancelled') AND started_at IS NOT NULL"
        )
        assert events is not None and attended is not None
        assert feedback is not None and broadcasts is not None
        return ImpactReport(
            people=await self._people(),
            upcoming_events=events["upcoming"] or 0,
            past_events=events["past"] or 0,
            cancelled_events=events["cancelled"] or 0,
            registrations={row["status"]: row["n"] for row in registrations},
            attended=attended["n"],
            past=await self._past_events(moment, past_listed),
            answers=feedback["answers"],
            average_rating=_rounded(feedback["average"]),
            tickets=await self._tickets(),
            unanswered_questions=await self._unanswered(),
            broadcasts_sent=broadcasts["broadcasts"],
            broadcast_messages=broadcasts["messages"],
        )

    async def _people(self) -> PeopleFigures:
        totals = await self._db.fetch_one(
            "SELECT COUNT(*) AS started, "
            "COUNT(informed_at) AS consented, "
            "SUM(informed_at IS NOT NULL AND full_name IS NOT NULL AND company IS NOT NULL) "
            "AS with_profile, "
            "SUM(announcements_on = 1 AND unreachable_at IS NULL) AS announcements_on, "
            "COUNT(unreachable_at) AS unreachable "
            "FROM people"
        )
        sectors = await self._db.fetch_all(
            "SELECT sector_id, COUNT(*) AS n FROM people "
            "WHERE informed_at IS NOT NULL AND full_name IS NOT NULL AND company IS NOT NULL "
            "GROUP BY sector_id ORDER BY n DESC, sector_id"
        )
        languages = await self._db.fetch_all(
            f"SELECT {LANGUAGE_OF_MEMBER} AS language, COUNT(*) AS n FROM people m GROUP BY 1",
            {"default_language": self._default_language},
        )
        assert totals is not None
        return PeopleFigures(
            started=totals["started"],
            consented=totals["consented"],
            with_profile=totals["with_profile"] or 0,
            announcements_on=totals["announcements_on"] or 0,
            unreachable=totals["unreachable"],
            by_sector={row["sector_id"]: row["n"] for row in sectors},
            by_language={row["language"]: row["n"] for row in languages},
        )

    async def _past_events(self, moment: str, limit: int) -> list[PastEvent]:
        rows = await self._db.fetch_all(
            "SELECT e.id, e.starts_at, "
            "(SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id "
            " AND r.status = 'confirmed') AS confirmed, "
            "(SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id "
            " AND r.attended = 1) AS attended, "
            "EXISTS (SELECT 1 FROM registrations r WHERE r.event_id = e.id "
            " AND r.attended IS NOT NULL) AS attendance_taken, "
            "(SELECT COUNT(*) FROM feedback f WHERE f.event_id = e.id) AS answers, "
            "(SELECT AVG(rating) FROM feedback f WHERE f.event_id = e.id) AS average "
            "FROM events e WHERE e.status = 'scheduled' AND e.ends_at <= ? "
            "ORDER BY e.starts_at DESC, e.id LIMIT ?",
            (moment, limit),
        )
        return [
            PastEvent(
                event_id=row["id"],
                starts_at=parse_utc(row["starts_at"]),
                confirmed=row["confirmed"],
                attended=row["attended"],
                attendance_taken=bool(row["attendance_taken"]),
                answers=row["answers"],
                average_rating=_rounded(row["average"]),
            )
            for row in rows
        ]

    async def _has_table(self, name: str) -> bool:
        row = await self._db.fetch_one(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        )
        return row is not None

    async def _tickets(self) -> dict[str, dict[str, int]] | None:
        if not await self._has_table("tickets"):
            return None
        rows = await self._db.fetch_all(
            "SELECT kind, status, COUNT(*) AS n FROM tickets GROUP BY kind, status"
        )
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            counts.setdefault(row["kind"], {})[row["status"]] = row["n"]
        return counts

    async def _unanswered(self) -> int | None:
        if not await self._has_table("unanswered_questions"):
            return None
        row = await self._db.fetch_one("SELECT COUNT(*) AS n FROM unanswered_questions")
        return row["n"] if row is not None else 0


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)
