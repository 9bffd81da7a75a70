"""What the health report reads from the database: the last update, the outbox's backlog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.catalogue import parse_utc, utc_text
from storage.database import Database


@dataclass(frozen=True)
class Backlog:
    """Outbox messages due and not sent yet, and since when the oldest has waited."""

    due: int
    oldest_due_at: datetime | None


class HealthRepository:
    """Reads the figures of the health report."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def last_update_at(self) -> datetime | None:
        """Return when the last update from Telegram arrived (the inbox keeps the newest)."""
        row = await self._db.fetch_one("SELECT MAX(received_at) AS at FROM inbox")
        return parse_utc(row["at"]) if row and row["at"] else None

    async def backlog(self, now: datetime) -> Backlog:
        """Return how many outbox messages are due and not sent, and the oldest due time."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS due, MIN(due_at) AS oldest FROM outbox "
            "WHERE status IN ('pending', 'sending') AND due_at <= ?",
            (utc_text(now),),
        )
        if row is None or not row["due"]:
            return Backlog(0, None)
        return Backlog(int(row["due"]), parse_utc(row["oldest"]))
