"""The post-event feedback as reports read it: the `feedback` view over the survey tables.

Answers are written by the survey engine (storage/surveys.py, the built-in survey `feedback`,
one round per event); migration 0036 moved the old table's rows there and left this view with
its columns, so every reader counts what it counted before.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import Database


@dataclass(frozen=True)
class FeedbackSummary:
    """An event's survey results, for impact reports."""

    event_id: str
    answers: int
    average: float | None
    comments: int
    by_rating: dict[int, int]


class FeedbackRepository:
    """Reads the post-event ratings and comments."""

    def __init__(self, database: Database) -> None:
        self._db = database

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
