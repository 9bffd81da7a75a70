"""The audit log: every staff action, with who and when."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from storage.catalogue import utc_text
from storage.database import Database, Transaction


class AuditLog:
    """Writes the audit log (staff read it with SQL or the database backup)."""

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
