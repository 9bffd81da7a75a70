"""The inbox: every update from Telegram, stored before it is acknowledged, until handled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from storage.catalogue import utc_text
from storage.database import Database


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
        """Store a batch in one transaction; return the ids that were not stored already.

        Telegram sends an update again until it is acknowledged: a crash between storing and
        acknowledging brings back updates the inbox holds, and those are not new.
        """
        if not updates:
            return set()
        ids = [update.update_id for update in updates]
        marks = ", ".join("?" * len(ids))
        now = utc_text(datetime.now(UTC))
        async with self._db.transaction() as tx:
            known = await tx.fetch_all(
                f"SELECT update_id FROM inbox WHERE update_id IN ({marks})", tuple(ids)
            )
            stored = {row["update_id"] for row in known}
            new = [update for update in updates if update.update_id not in stored]
            await tx.executemany(
                "INSERT INTO inbox (update_id, person_id, payload, received_at) "
                "VALUES (?, ?, ?, ?)",
                [(u.update_id, u.person_id, u.payload, now) for u in new],
            )
        return {update.update_id for update in new}

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
        async with self._db.transaction() as tx:
            await tx.executemany(
                "UPDATE inbox SET handled_at = ? WHERE update_id = ?",
                [(now, update_id) for update_id in update_ids],
            )

    async def prune(self, handled_before: datetime, acknowledged_below: int) -> int:
        """Delete updates handled before a moment and acknowledged to Telegram; return how many.

        An update Telegram was not told about yet may come again, and must still be known then.
        """
        return await self._db.execute(
            "DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < ? AND update_id < ?",
            (utc_text(handled_before), acknowledged_below),
        )
