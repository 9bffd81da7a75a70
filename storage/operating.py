"""What the assistant learns about its own operation: a moved staff chat, the last backup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from storage.catalogue import parse_utc, utc_text
from storage.database import Database

STAFF_CHAT_MOVE = "staff_chat_move"
LAST_BACKUP = "last_backup"


@dataclass(frozen=True)
class ChatMove:
    """The staff chat moved from one id to another (a group upgraded to a supergroup)."""

    old_id: int
    new_id: int


@dataclass(frozen=True)
class BackupRecord:
    """The last backup made: where, when, and whether it worked."""

    path: str
    made_at: datetime
    ok: bool
    problem: str | None = None


class OperatingState:
    """Reads and writes the assistant's own operating facts."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def _get(self, name: str) -> tuple[str, datetime] | None:
        row = await self._db.fetch_one(
            "SELECT value, changed_at FROM operating_state WHERE name = ?", (name,)
        )
        return None if row is None else (row["value"], parse_utc(row["changed_at"]))

    async def _set(self, name: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO operating_state (name, value, changed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
            "changed_at = excluded.changed_at",
            (name, value, utc_text(datetime.now(UTC))),
        )

    async def staff_chat_move(self) -> ChatMove | None:
        """Return the last move of the staff chat, if Telegram ever moved it."""
        found = await self._get(STAFF_CHAT_MOVE)
        if found is None:
            return None
        old, _, new = found[0].partition(">")
        return ChatMove(int(old), int(new))

    async def record_staff_chat_move(self, move: ChatMove) -> None:
        """Remember that the staff chat now lives at a new id."""
        await self._set(STAFF_CHAT_MOVE, f"{move.old_id}>{move.new_id}")

    async def last_backup(self) -> BackupRecord | None:
        """Return the last backup attempt."""
        found = await self._get(LAST_BACKUP)
        if found is None:
            return None
        ok, _, rest = found[0].partition("|")
        path, _, problem = rest.partition("|")
        return BackupRecord(path, found[1], ok == "ok", problem or None)

    async def record_backup(self, path: str, *, problem: str | None = None) -> None:
        """Remember a backup attempt; `problem` says why it failed."""
        status = "ok" if problem is None else "failed"
        await self._set(LAST_BACKUP, f"{status}|{path}|{problem or ''}")
