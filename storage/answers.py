"""Answers to an event's own registration questions, kept per person and event."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from storage.catalogue import utc_text
from storage.database import Database, Transaction


async def record_answers(
    tx: Transaction, event_id: str, person_id: int, answers: Mapping[str, Any], now: datetime
) -> None:
    """Replace the person's answers for the event, inside the registration's transaction."""
    await tx.execute(
        "DELETE FROM event_answers WHERE event_id = ? AND person_id = ?", (event_id, person_id)
    )
    moment = utc_text(now)
    for question_id, value in answers.items():
        await tx.execute(
            "INSERT INTO event_answers (event_id, person_id, question_id, value, answered_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (event_id, person_id, question_id, json.dumps(value, ensure_ascii=False), moment),
        )


class AnswerRepository:
    """Reads the answers people gave to events' registration questions."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def of(self, event_id: str, person_id: int) -> dict[str, Any]:
        """Return one person's answers for an event, by question id."""
        rows = await self._db.fetch_all(
            "SELECT question_id, value FROM event_answers WHERE event_id = ? AND person_id = ?",
            (event_id, person_id),
        )
        return {row["question_id"]: json.loads(row["value"]) for row in rows}

    async def of_person(self, person_id: int) -> dict[str, dict[str, Any]]:
        """Return a person's answers for every event, by event id and question id."""
        rows = await self._db.fetch_all(
            "SELECT event_id, question_id, value FROM event_answers WHERE person_id = ?",
            (person_id,),
        )
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            found.setdefault(row["event_id"], {})[row["question_id"]] = json.loads(row["value"])
        return found

    async def change(
        self, event_id: str, person_id: int, answers: Mapping[str, Any], now: datetime
    ) -> bool:
        """Replace a registered person's answers while the event has not started; False when
        the registration is no longer active or the event has started (nothing changes)."""
        async with self._db.transaction() as tx:
            still = await tx.fetch_one(
                "SELECT 1 FROM registrations r JOIN events e ON e.id = r.event_id "
                "WHERE r.event_id = ? AND r.person_id = ? "
                "AND r.status IN ('confirmed', 'waitlisted') "
                "AND e.status = 'scheduled' AND e.starts_at > ?",
                (event_id, person_id, utc_text(now)),
            )
            if still is None:
                return False
            await record_answers(tx, event_id, person_id, answers, now)
        return True

    async def for_event(
        self, event_id: str, people: Collection[int] | None = None
    ) -> dict[int, dict[str, Any]]:
        """Return the answers for an event, by person id and question id: everyone's, or only
        those of `people` (a page of a list)."""
        sql = "SELECT person_id, question_id, value FROM event_answers WHERE event_id = ?"
        params: list[Any] = [event_id]
        if people is not None:
            if not people:
                return {}
            sql += f" AND person_id IN ({', '.join('?' * len(people))})"
            params += sorted(people)
        rows = await self._db.fetch_all(sql, tuple(params))
        found: dict[int, dict[str, Any]] = {}
        for row in rows:
            found.setdefault(row["person_id"], {})[row["question_id"]] = json.loads(row["value"])
        return found
