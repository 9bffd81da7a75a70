"""The outbox: reminders, surveys and event notices as rows, planned, claimed and settled.

Every message the assistant sends on its own is first a `deliveries` row with its due time
in UTC. The dispatcher claims due rows atomically (pending -> sending, in one transaction),
sends them, and records the outcome: sent, missed, failed or skipped. A row is claimed by
one dispatcher run only, so a message is sent once; the only repeats possible are the rows a
crash left in 'sending' (the messages in flight), which the next startup retries once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database, Transaction

REMINDER = "reminder"
SURVEY = "survey"
EVENT_CHANGED = "event_changed"
EVENT_CANCELLED = "event_cancelled"
# Reminders and surveys follow a confirmed registration; notices go to every registrant.
FOLLOW_REGISTRATION = (REMINDER, SURVEY)

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
MISSED = "missed"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class DeliveryPlan:
    """When a confirmed registration's messages go out: reminders before, survey after."""

    reminder_offsets: tuple[timedelta, ...] = ()
    feedback_delay: timedelta | None = None

    def reminders(self, starts_at: datetime, now: datetime) -> list[tuple[timedelta, datetime]]:
        """Return (offset, due time) of the reminders still ahead; past ones are not planned."""
        return [
            (offset, starts_at - offset)
            for offset in self.reminder_offsets
            if starts_at - offset > now
        ]

    def survey(self, ends_at: datetime) -> datetime | None:
        """Return when the feedback survey is due, if surveys are planned."""
        return None if self.feedback_delay is None else ends_at + self.feedback_delay


@dataclass(frozen=True)
class Delivery:
    """One message in the outbox."""

    id: int
    kind: str
    registration_id: int | None
    person_id: int | None
    event_id: str | None
    offset: timedelta | None
    payload: dict[str, Any]
    due_at: datetime
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None


@dataclass(frozen=True)
class Recovery:
    """What a startup found in 'sending', left by a crash: retried once, or given up."""

    retried: int
    failed: int


@dataclass(frozen=True)
class Attendee:
    """A registrant to notify about their event: registration and person."""

    registration_id: int
    person_id: int


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row["id"],
        kind=row["kind"],
        registration_id=row["registration_id"],
        person_id=row["person_id"],
        event_id=row["event_id"],
        offset=None if row["offset_seconds"] is None else timedelta(seconds=row["offset_seconds"]),
        payload=json.loads(row["payload"]) if row["payload"] else {},
        due_at=parse_utc(row["due_at"]),
        status=row["status"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        sent_at=parse_utc(row["sent_at"]) if row["sent_at"] else None,
    )


async def plan_for_registration(
    tx: Transaction,
    plan: DeliveryPlan,
    *,
    registration_id: int,
    person_id: int,
    event_id: str,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> None:
    """Queue a newly confirmed registration's reminders and survey, inside its transaction."""
    moment = utc_text(now)
    rows: list[tuple[Any, ...]] = [
        (REMINDER, registration_id, person_id, event_id, int(offset.total_seconds()), due, moment)
        for offset, due in ((o, utc_text(d)) for o, d in plan.reminders(starts_at, now))
    ]
    survey_due = plan.survey(ends_at)
    if survey_due is not None:
        rows.append(
            (SURVEY, registration_id, person_id, event_id, None, utc_text(survey_due), moment)
        )
    # OR IGNORE: a copy already waiting (unique while pending) is kept, never doubled.
    await tx.executemany(
        "INSERT OR IGNORE INTO deliveries (kind, registration_id, person_id, event_id, "
        "offset_seconds, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


async def withdraw_for_registration(tx: Transaction, registration_id: int) -> None:
    """Drop a registration's messages still waiting, inside the transaction that ended it."""
    await tx.execute(
        "DELETE FROM deliveries WHERE registration_id = ? AND status = 'pending'",
        (registration_id,),
    )


async def replan_event(
    tx: Transaction,
    plan: DeliveryPlan,
    event_id: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> None:
    """Plan an event's reminders and survey afresh for new times, in the move's transaction.

    Waiting ones are dropped and every confirmed registration gets those still ahead; a
    reminder already sent for the old time may come again for the new one, as it should.
    """
    await tx.execute(
        "DELETE FROM deliveries WHERE event_id = ? AND status = 'pending' "
        "AND kind IN ('reminder', 'survey')",
        (event_id,),
    )
    for attendee, status in await _active_registrants(tx, event_id):
        if status == "confirmed":
            await plan_for_registration(
                tx,
                plan,
                registration_id=attendee.registration_id,
                person_id=attendee.person_id,
                event_id=event_id,
                starts_at=starts_at,
                ends_at=ends_at,
                now=now,
            )


async def withdraw_for_event(tx: Transaction, event_id: str) -> None:
    """Drop every message still waiting about an event, inside the transaction cancelling it."""
    await tx.execute(
        "DELETE FROM deliveries WHERE event_id = ? AND status = 'pending'", (event_id,)
    )


# Everything a verdict needs about a due row, read in the claiming transaction.
_DUE = """
SELECT d.*,
    e.starts_at AS event_starts_at, e.status AS event_status,
    r.status AS registration_status, r.attended AS attended,
    m.reminders_on AS reminders_on, m.unreachable_at AS unreachable_at,
    CASE WHEN d.kind = 'survey' THEN EXISTS (
        SELECT 1 FROM registrations t
        WHERE t.event_id = d.event_id AND t.attended IS NOT NULL) END AS attendance_taken,
    CASE WHEN d.kind = 'reminder' THEN EXISTS (
        SELECT 1 FROM deliveries later
        WHERE later.registration_id = d.registration_id AND later.kind = 'reminder'
        AND later.status IN ('pending', 'sending', 'sent')
        AND later.due_at > d.due_at AND later.due_at <= :now) END AS superseded
FROM deliveries d
LEFT JOIN events e ON e.id = d.event_id
LEFT JOIN registrations r ON r.id = d.registration_id
LEFT JOIN people m ON m.id = d.person_id
WHERE d.status = 'pending' AND d.due_at <= :now
ORDER BY d.due_at, d.id
LIMIT :limit
"""


def _verdict(row: Any, now: str) -> tuple[str, str | None]:
    """Decide what happens to a due row: claim it for sending, or settle it without a send."""
    kind = row["kind"]
    if row["person_id"] is None or row["event_status"] is None:
        return SKIPPED, "person or event no longer exists"
    if kind in FOLLOW_REGISTRATION:
        if row["registration_status"] != "confirmed":
            return SKIPPED, "registration no longer confirmed"
        if row["event_status"] != "scheduled":
            return SKIPPED, "event cancelled"
        if row["unreachable_at"] is not None:
            return SKIPPED, "person unreachable (blocked the bot)"
    if kind == REMINDER:
        if row["event_starts_at"] <= now:
            return MISSED, "event had started"
        if row["superseded"]:
            return SKIPPED, "superseded by a later reminder"
        if not row["reminders_on"]:
            return SKIPPED, "reminders switched off"
    if kind == SURVEY and row["attendance_taken"] and row["attended"] != 1:
        return SKIPPED, "not marked present"
    return SENDING, None


class DeliveryRepository:
    """Reads and changes the outbox."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def recover_interrupted(self) -> Recovery:
        """Put rows a crash left in 'sending' back in line, once; a second crash fails them.

        Call at startup, before the dispatcher runs: then every 'sending' row is a message
        that was in flight when the previous process died, and may or may not have gone out.
        """
        async with self._db.transaction() as tx:
            failed = await tx.execute(
                "UPDATE deliveries SET status = 'failed', "
                "last_error = 'interrupted twice while sending' "
                "WHERE status = 'sending' AND interrupted = 1"
            )
            retried = await tx.execute(
                "UPDATE OR IGNORE deliveries SET status = 'pending', interrupted = 1, "
                "last_error = 'interrupted while sending; retried once' "
                "WHERE status = 'sending'"
            )
            # A row whose twin is already waiting again must not be sent twice.
            await tx.execute(
                "UPDATE deliveries SET status = 'skipped', last_error = 'duplicate' "
                "WHERE status = 'sending'"
            )
        return Recovery(retried=retried.rowcount, failed=failed.rowcount)

    async def claim_due(self, now: datetime, limit: int) -> list[Delivery]:
        """Claim up to `limit` due rows for sending; settle the ones that must not be sent.

        Due reminders of an event that has started become 'missed'; an older reminder with
        a later one also due (after downtime) is 'skipped', so a person gets only the latest.
        """
        moment = utc_text(now)
        # Most sweeps find nothing due: a read, without taking the write lock, tells.
        if not await self._db.fetch_one(
            "SELECT 1 FROM deliveries WHERE status = 'pending' AND due_at <= ? LIMIT 1",
            (moment,),
        ):
            return []
        claimed: list[Delivery] = []
        async with self._db.transaction() as tx:
            while not claimed:
                rows = await tx.fetch_all(_DUE, {"now": moment, "limit": limit})
                if not rows:
                    break
                settled: list[tuple[str, str | None, int]] = []
                for row in rows:
                    status, reason = _verdict(row, moment)
                    if status == SENDING:
                        claimed.append(
                            replace(_delivery(row), status=SENDING, attempts=row["attempts"] + 1)
                        )
                    else:
                        settled.append((status, reason, row["id"]))
                await tx.executemany(
                    "UPDATE deliveries SET status = ?, last_error = ? WHERE id = ?", settled
                )
                await tx.executemany(
                    "UPDATE deliveries SET status = 'sending', claimed_at = ?, "
                    "attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
                    [(moment, delivery.id) for delivery in claimed],
                )
        return claimed

    async def mark_sent(self, delivery_id: int, now: datetime) -> None:
        """Record that the message went out."""
        await self._db.execute(
            "UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL "
            "WHERE id = ? AND status = 'sending'",
            (utc_text(now), delivery_id),
        )

    async def mark_settled(self, delivery_id: int, status: str, reason: str) -> None:
        """Record that a claimed row ended without a send: failed, skipped or missed."""
        if status not in (FAILED, SKIPPED, MISSED):
            raise ValueError(f"{status!r} does not settle a delivery")
        await self._db.execute(
            "UPDATE deliveries SET status = ?, last_error = ? WHERE id = ? AND status = 'sending'",
            (status, reason[:500], delivery_id),
        )

    async def postpone(self, delivery_id: int, due_at: datetime, reason: str) -> None:
        """Put a claimed row back in line for later (Telegram asked us to slow down)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE OR IGNORE deliveries SET status = 'pending', due_at = ?, last_error = ? "
                "WHERE id = ? AND status = 'sending'",
                (utc_text(due_at), reason, delivery_id),
            )
            if cursor.rowcount == 0:
                await tx.execute(
                    "UPDATE deliveries SET status = 'skipped', last_error = 'duplicate' "
                    "WHERE id = ? AND status = 'sending'",
                    (delivery_id,),
                )

    async def of_registration(self, registration_id: int) -> list[Delivery]:
        """Return a registration's messages, in due order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM deliveries WHERE registration_id = ? ORDER BY due_at, id",
            (registration_id,),
        )
        return [_delivery(row) for row in rows]

    async def count_by_status(self) -> dict[str, int]:
        """Return how many rows are in each status."""
        rows = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status"
        )
        return {row["status"]: row["n"] for row in rows}


async def announce_event_change(
    tx: Transaction,
    plan: DeliveryPlan,
    event_id: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    times_changed: bool,
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """In the change's transaction: re-plan reminders for new times, queue the notices.

    Returns how many registrants will be told.
    """
    if times_changed:
        await replan_event(tx, plan, event_id, starts_at=starts_at, ends_at=ends_at, now=now)
    told = [attendee for attendee, _ in await _active_registrants(tx, event_id)]
    await _queue_notices(tx, EVENT_CHANGED, event_id, told, payload, utc_text(now))
    return len(told)


async def announce_event_cancelled(
    tx: Transaction,
    event_id: str,
    registrants: Sequence[Attendee],
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """In the cancellation's transaction: drop the event's waiting messages, queue notices."""
    await withdraw_for_event(tx, event_id)
    await _queue_notices(tx, EVENT_CANCELLED, event_id, registrants, payload, utc_text(now))
    return len(registrants)


async def _active_registrants(tx: Transaction, event_id: str) -> list[tuple[Attendee, str]]:
    rows = await tx.fetch_all(
        "SELECT id, person_id, status FROM registrations WHERE event_id = ? "
        "AND status IN ('confirmed', 'waitlisted') AND person_id IS NOT NULL ORDER BY id",
        (event_id,),
    )
    return [(Attendee(row["id"], row["person_id"]), row["status"]) for row in rows]


async def _queue_notices(
    tx: Transaction,
    kind: str,
    event_id: str,
    attendees: Sequence[Attendee],
    payload: dict[str, Any],
    moment: str,
) -> None:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True) if payload else None
    rows: Iterable[tuple[Any, ...]] = (
        (kind, a.registration_id, a.person_id, event_id, text, moment, moment) for a in attendees
    )
    # OR IGNORE: a notice still waiting says the same (it reads the event when sent).
    await tx.executemany(
        "INSERT OR IGNORE INTO deliveries (kind, registration_id, person_id, event_id, "
        "payload, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
