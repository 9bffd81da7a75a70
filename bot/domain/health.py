"""The assistant's health: the figures an operator (or Docker) checks, and what they mean."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# A message due this long ago and still not sent means sending is stuck.
STUCK_OUTBOX = timedelta(minutes=15)
# A nightly backup older than this means the last ones failed or did not run.
STALE_BACKUP = timedelta(hours=36)


@dataclass(frozen=True)
class HealthReport:
    """What `status` prints and the health endpoint returns."""

    checked_at: datetime
    telegram_reachable: bool
    bot_username: str | None
    last_update_at: datetime | None
    outbox_due: int
    outbox_oldest_due_at: datetime | None
    last_backup_at: datetime | None
    last_backup_ok: bool | None
    last_backup_problem: str | None
    backup_dir: str
    backups_on_same_disk: bool
    database_bytes: int

    @property
    def oldest_pending_age(self) -> timedelta | None:
        """Return how long the oldest due outbox message has waited."""
        if self.outbox_oldest_due_at is None:
            return None
        return max(self.checked_at - self.outbox_oldest_due_at, timedelta(0))

    def problems(self) -> list[str]:
        """Return what is wrong now: the endpoint answers 503 when there is anything."""
        found = []
        if not self.telegram_reachable:
            found.append("telegram_unreachable")
        age = self.oldest_pending_age
        if age is not None and age > STUCK_OUTBOX:
            found.append("outbox_stuck")
        return found

    def warnings(self) -> list[str]:
        """Return what needs attention soon, without making the assistant unhealthy."""
        found = []
        if self.last_backup_ok is False:
            found.append("last_backup_failed")
        if self.last_backup_at is None or self.checked_at - self.last_backup_at > STALE_BACKUP:
            found.append("no_recent_backup")
        if self.backups_on_same_disk:
            found.append("backups_on_same_disk")
        return found

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready values (times in UTC ISO 8601, ages in seconds)."""
        age = self.oldest_pending_age
        return {
            "healthy": not self.problems(),
            "problems": self.problems(),
            "warnings": self.warnings(),
            "checked_at": self.checked_at.isoformat(),
            "telegram_reachable": self.telegram_reachable,
            "bot_username": self.bot_username,
            "last_update_at": _iso(self.last_update_at),
            "outbox_due": self.outbox_due,
            "outbox_oldest_pending_seconds": None if age is None else int(age.total_seconds()),
            "last_backup_at": _iso(self.last_backup_at),
            "last_backup_ok": self.last_backup_ok,
            "backup_dir": self.backup_dir,
            "backups_on_same_disk": self.backups_on_same_disk,
            "database_bytes": self.database_bytes,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
