"""The inbox: every update from Telegram, stored before it is acknowledged, until handled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from storage.catalogue import utc_text
from storage.database import Database

# Updates marked by one statement (SQLite takes up to 32,766 parameters).
MARKS_PER_STATEMENT = 500


@dataclass(frozen=True)
class ArrivedUpdate:
    """An update as Telegram sent it: its id, who sent it (if anyone), and its JSON."""

    update_id: int
    person_id: int | None
    payload: str


class InboxRepository:
    """Stores arriving updates and records which were handled."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def store(self, updates: Sequence[ArrivedUpdate]) -> set[int]:
        """Store a batch at once; return the ids that were not stored already.

        Telegram sends an update again until it is acknowledged: a crash between storing and
        acknowledging brings back updates the inbox holds, and those are not new.
        """
        if not updates:
            return set()
        now = utc_text(datetime.now(UTC))
        rows = await self._db.execute_returning(
            "INSERT INTO inbox (update_id, person_id, payload, received_at) VALUES "
            + ", ".join(["(?, ?, ?, ?)"] * len(updates))
            + " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            tuple(
                value
                for update in updates
                for value in (update.update_id, update.person_id, update.payload, now)
            ),
        )
        return {row["update_id"] for row in rows}

    async def unhandled(self) -> list[ArrivedUpdate]:
        """Return the updates stored but not handled, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT update_id, person_id, payload FROM inbox WHERE handled_at IS NULL "
            "ORDER BY update_id"
        )
        return [ArrivedUpdate(row["update_id"], row["person_id"], row["payload"]) for row in rows]

    async def mark_handled(self, update_ids: Sequence[int]) -> None:
        """Record that these updates were handled, so they are never handled again."""
        now = utc_text(datetime.now(UTC))
        for start in range(0, len(update_ids), MARKS_PER_STATEMENT):
            chunk = tuple(update_ids[start : start + MARKS_PER_STATEMENT])
            await self._db.execute(
                "UPDATE inbox SET handled_at = ? WHERE update_id IN "
                f"({', '.join('?' * len(chunk))})",
                (now, *chunk),
            )

    async def prune(self, handled_before: datetime, acknowledged_below: int) -> int:
        """Delete updates handled before a moment and acknowledged to Telegram; return how many.

        An update Telegram was not told about yet may come again, and must still be known then.
        """
        return await self._db.execute(
            "DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < ? AND update_id < ? "
            # The newest stays: the health report tells when the last update arrived.
            "AND update_id < (SELECT MAX(update_id) FROM inbox)",
            (utc_text(handled_before), acknowledged_below),
        )
