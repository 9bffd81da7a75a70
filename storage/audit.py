"""The audit log: every staff action, with who and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database, Transaction

# The actions that copy or erase personal data: what the privacy log shows staff.
DATA_ACTIONS = (
    "privacy.export",
    "privacy.erase",
    "privacy.event_data_cleared",
    "participants.erase",
    "attendees.export",
)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who (staff id, 0 for a person's own request), what, when."""

    staff_id: int
    action: str
    subject: str | None
    detail: dict[str, Any]
    created_at: datetime


class AuditLog:
    """Writes the audit log; staff read its exports and deletions on a screen."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(
        self,
        staff_id: int,
        action: str,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
        *,
        tx: Transaction | None = None,
    ) -> None:
        """Record a staff action; pass `tx` to write it in the same transaction as the action."""
        params = (
            staff_id,
            action,
            subject,
            json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
            utc_text(datetime.now(UTC)),
        )
        sql = (
            "INSERT INTO audit_log (staff_id, action, subject, detail, created_at) "
            "VALUES (?, ?, ?, ?, ?)"
        )
        if tx is not None:
            await tx.execute(sql, params)
        else:
            await self._db.execute(sql, params)

    async def data_actions(self, limit: int) -> list[AuditEntry]:
        """Return the latest exports and erasures, newest first (they hold no personal data)."""
        placeholders = ", ".join("?" for _ in DATA_ACTIONS)
        rows = await self._db.fetch_all(
            "SELECT staff_id, action, subject, detail, created_at FROM audit_log "
            f"WHERE action IN ({placeholders}) ORDER BY id DESC LIMIT ?",
            (*DATA_ACTIONS, limit),
        )
        return [
            AuditEntry(
                staff_id=row["staff_id"],
                action=row["action"],
                subject=row["subject"],
                detail=json.loads(row["detail"] or "{}"),
                created_at=parse_utc(row["created_at"]),
            )
            for row in rows
        ]
