"""Answers to the post-event survey: one per registration, replaced when answered again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database, Transaction

# Longer comments are cut here: enough for a few paragraphs, far from Telegram's 4096.
COMMENT_LIMIT = 2000


@dataclass(frozen=True)
class Feedback:
    """A person's answer about an event they attended."""

    registration_id: int
    event_id: str
    rating: int
    comment: str | None  # what was most useful to them
    answered_at: datetime
    next_wish: str | None = None  # what the cluster should do next


@dataclass(frozen=True)
class FeedbackSummary:
    """An event's survey results, for impact reports."""

    event_id: str
    answers: int
    average: float | None
    comments: int
    by_rating: dict[int, int]


def _feedback(row: Any) -> Feedback:
    return Feedback(
        registration_id=row["registration_id"],
        event_id=row["event_id"],
        rating=row["rating"],
        comment=row["comment"],
        answered_at=parse_utc(row["answered_at"]),
        next_wish=row["next_wish"],
    )


async def _surveyed_event(tx: Transaction, registration_id: int, person_id: int) -> str | None:
    """Return the event of the person's own registration whose survey was sent to them."""
    row = await tx.fetch_one(
        "SELECT r.event_id FROM registrations r WHERE r.id = ? AND r.person_id = ? "
        "AND EXISTS (SELECT 1 FROM outbox d WHERE d.registration_id = r.id "
        "AND d.kind = 'survey' AND d.status IN ('sending', 'sent'))",
        (registration_id, person_id),
    )
    return None if row is None else str(row["event_id"])


class FeedbackRepository:
    """Reads and writes survey answers."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def rate(
        self, registration_id: int, person_id: int, rating: int, now: datetime
    ) -> Feedback | None:
        """Store a rating as the registration's answer, replacing an earlier one whole.

        Returns None when the registration is not the person's or was never surveyed.
        """
        if not 1 <= rating <= 5:
            raise ValueError("a rating is 1 to 5")
        async with self._db.transaction() as tx:
            event_id = await _surveyed_event(tx, registration_id, person_id)
            if event_id is None:
                return None
            await tx.execute(
                "INSERT INTO feedback (registration_id, event_id, rating, comment, answered_at) "
                "VALUES (?, ?, ?, NULL, ?) ON CONFLICT (registration_id) DO UPDATE SET "
                "rating = excluded.rating, comment = NULL, next_wish = NULL, "
                "answered_at = excluded.answered_at",
                (registration_id, event_id, rating, utc_text(now)),
            )
            row = await tx.fetch_one(
                "SELECT * FROM feedback WHERE registration_id = ?", (registration_id,)
            )
        return _feedback(row) if row is not None else None

    async def add_comment(
        self, registration_id: int, person_id: int, comment: str, now: datetime
    ) -> Feedback | None:
        """Attach the comment to the person's rating; None when there is no such answer."""
        async with self._db.transaction() as tx:
            if await _surveyed_event(tx, registration_id, person_id) is None:
                return None
            await tx.execute(
                "UPDATE feedback SET comment = ?, answered_at = ? WHERE registration_id = ?",
                (comment.strip()[:COMMENT_LIMIT], utc_text(now), registration_id),
            )
            row = await tx.fetch_one(
                "SELECT * FROM feedback WHERE registration_id = ?", (registration_id,)
            )
        return _feedback(row) if row is not None else None

    async def add_next_wish(
        self, registration_id: int, person_id: int, wish: str, now: datetime
    ) -> Feedback | None:
        """Attach what the person wants next to their rating; None when there is no such answer."""
        async with self._db.transaction() as tx:
            if await _surveyed_event(tx, registration_id, person_id) is None:
                return None
            await tx.execute(
                "UPDATE feedback SET next_wish = ?, answered_at = ? WHERE registration_id = ?",
                (wish.strip()[:COMMENT_LIMIT], utc_text(now), registration_id),
            )
            row = await tx.fetch_one(
                "SELECT * FROM feedback WHERE registration_id = ?", (registration_id,)
            )
        return _feedback(row) if row is not None else None

    async def of_registration(self, registration_id: int) -> Feedback | None:
        """Return the answer given for a registration, if any."""
        row = await self._db.fetch_one(
            "SELECT * FROM feedback WHERE registration_id = ?", (registration_id,)
        )
        return _feedback(row) if row is not None else None

    async def summary(self, event_id: str) -> FeedbackSummary:
        """Return an event's answer count, average rating and ratings histogram."""
        rows = await self._db.fetch_all(
            "SELECT rating, COUNT(*) AS answers, COUNT(comment) AS comments "
            "FROM feedback WHERE event_id = ? GROUP BY rating",
            (event_id,),
        )
        by_rating = {row["rating"]: row["answers"] for row in rows}
        answers = sum(by_rating.values())
        total = sum(rating * count for rating, count in by_rating.items())
        return FeedbackSummary(
            event_id=event_id,
            answers=answers,
            average=round(total / answers, 2) if answers else None,
            comments=sum(row["comments"] for row in rows),
            by_rating=by_rating,
        )
