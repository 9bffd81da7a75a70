"""The assistant's health: the figures an operator (or Docker) checks, and what they mean.

Unhealthy (the endpoint's 503, which makes Docker restart the container) means only what a
restart mends: the database can't be read, the outbox worker or the update loop stopped going
round. What a restart can't mend (Telegram out of reach, messages waiting behind an outage) makes
the assistant degraded: reported, and waited out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# A message due this long ago and still not sent: sending is behind (an outage), or stuck.
STUCK_OUTBOX = timedelta(minutes=15)
# A loop of the running assistant (the outbox worker's sweep, the update polling) that has not
# gone round for this long has stopped: it goes round every few seconds, a minute at the most
# while Telegram is out of reach.
STOPPED_LOOP = timedelta(minutes=5)
# A nightly backup older than this means the last ones failed or did not run.
STALE_BACKUP = timedelta(hours=36)


@dataclass
class Pulse:
    """When the running assistant's own loops last went round (this process's memory)."""

    outbox_swept_at: datetime | None = None  # the outbox worker's latest look for due messages
    updates_polled_at: datetime | None = (
        None  # the polling loop's latest getUpdates, answered or not
    )


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
    database_reachable: bool = True
    # Known inside the running assistant only (None for `status`, and for polling by webhook).
    pulse: Pulse = field(default_factory=Pulse)

    @property
    def oldest_pending_age(self) -> timedelta | None:
        """Return how long the oldest due outbox message has waited."""
        if self.outbox_oldest_due_at is None:
            return None
        return max(self.checked_at - self.outbox_oldest_due_at, timedelta(0))

    def problems(self) -> list[str]:
        """Return what a restart mends: the endpoint answers 503 when there is anything."""
        found = []
        if not self.database_reachable:
            found.append("database_unreachable")
        if self._outbox_stuck():
            found.append("outbox_stuck")
        if _stopped(self.checked_at, self.pulse.updates_polled_at):
            found.append("updates_stalled")
        return found

    def degraded(self) -> list[str]:
        """Return what keeps the assistant from serving fully that a restart would not mend."""
        found = []
        if not self.telegram_reachable:
            found.append("telegram_unreachable")
        age = self.oldest_pending_age
        if age is not None and age > STUCK_OUTBOX and not self._outbox_stuck():
            found.append("outbox_behind")
        return found

    def _outbox_stuck(self) -> bool:
        if self.pulse.outbox_swept_at is not None:
            return _stopped(self.checked_at, self.pulse.outbox_swept_at)
        # Seen from outside (`status`): messages long due while Telegram answers.
        age = self.oldest_pending_age
        return self.telegram_reachable and age is not None and age > STUCK_OUTBOX

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
            "degraded": self.degraded(),
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
            "database_reachable": self.database_reachable,
            "database_bytes": self.database_bytes,
            "outbox_swept_at": _iso(self.pulse.outbox_swept_at),
            "updates_polled_at": _iso(self.pulse.updates_polled_at),
        }


def _stopped(now: datetime, last: datetime | None) -> bool:
    return last is not None and now - last > STOPPED_LOOP


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
