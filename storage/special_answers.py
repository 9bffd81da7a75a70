"""Answers to an event's special-category question (access or dietary needs, KVKK Art. 6).

Kept apart from the profile and the registrations: one row per person and event, written only
while the person's explicit consent for that event is in force, read only by staff who manage,
deleted with the consent, with the person, and by the daily job once the event is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from storage.catalogue import parse_utc, utc_text
from storage.database import Database
from storage.privacy import special_purpose

# How long an answer may be: a few lines about a wheelchair, an allergy, a diet.
ANSWER_LIMIT = 500


@dataclass(frozen=True)
class SpecialAnswer:
    """One person's answer, with who they are for the staff who need it."""

    person_id: int
    full_name: str | None
    company: str | None
    answer: str
    answered_at: datetime


class SpecialAnswers:
    """Stores and reads special-category answers."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def save(self, event_id: str, person_id: int, answer: str) -> bool:
        """Store (or replace) the answer; False when the consent or the seat is gone meanwhile."""
        now = utc_text(datetime.now(UTC))
        changed = await self._db.execute(
            "INSERT INTO special_category_answers (event_id, person_id, answer, answered_at) "
            "SELECT :event, :person, :answer, :now "
            "WHERE EXISTS (SELECT 1 FROM consents WHERE person_id = :person "
            "  AND purpose = :purpose AND withdrawn_at IS NULL) "
            "AND EXISTS (SELECT 1 FROM registrations WHERE person_id = :person "
            "  AND event_id = :event AND status IN ('confirmed', 'waitlisted')) "
            "ON CONFLICT (event_id, person_id) DO UPDATE SET answer = excluded.answer, "
            "answered_at = excluded.answered_at",
            {
                "event": event_id,
                "person": person_id,
                "answer": answer,
                "now": now,
                "purpose": special_purpose(event_id),
            },
        )
        return changed == 1

    async def of_person(self, person_id: int, event_id: str) -> str | None:
        """Return the person's answer for the event, if any."""
        row = await self._db.fetch_one(
            "SELECT answer FROM special_category_answers WHERE person_id = ? AND event_id = ?",
            (person_id, event_id),
        )
        return row["answer"] if row is not None else None

    async def count(self, event_id: str) -> int:
        """Return how many people answered for the event."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM special_category_answers WHERE event_id = ?", (event_id,)
        )
        return int(row[0]) if row is not None else 0

    async def for_event(self, event_id: str) -> list[SpecialAnswer]:
        """Return the event's answers, by name."""
        rows = await self._db.fetch_all(
            "SELECT a.person_id, p.full_name, p.company, a.answer, a.answered_at "
            "FROM special_category_answers a JOIN people p ON p.id = a.person_id "
            "WHERE a.event_id = ? ORDER BY p.full_name, a.id",
            (event_id,),
        )
        return [
            SpecialAnswer(
                person_id=row["person_id"],
                full_name=row["full_name"],
                company=row["company"],
                answer=row["answer"],
                answered_at=parse_utc(row["answered_at"]),
            )
            for row in rows
        ]
