"""Staff's operational notice to one event's registrants (a room change, bring your ID).

Telling the people who signed up about the event they signed up for is part of giving them
that service (KVKK Art. 5(2)(c)), so it needs no announcement consent; it can't be used for
anything else because it reaches only this event's registrants, and every notice is written
to the audit log with its text. BROADCAST_APPROVAL (a second staff member approves a broadcast
to everyone) does not apply: the audience is bounded by the event, as a broadcast to one
event's registrants already is, and a room change an hour before the start can't wait.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from storage import events as event_store
from storage.audit import AuditLog
from storage.content import Event
from storage.database import Database
from storage.outbox import queue_event_message
from storage.registrations import CONFIRMED, WAITLISTED

# What staff write, as Telegram HTML, leaving room for the title above it in one message.
TEXT_LIMIT = 3_500
# Who gets it: the confirmed registrants, or the waiting list as well.
AUDIENCES = {"c": (CONFIRMED,), "b": (CONFIRMED, WAITLISTED)}


class MessageServices(Protocol):
    """What sending a notice needs of the running assistant (bot.context.Services has it)."""

    @property
    def database(self) -> Database: ...
    @property
    def audit(self) -> AuditLog: ...


async def message_registrants(
    services: MessageServices,
    staff_id: int,
    event: Event,
    audience: str,
    text: str,
    html: str,
    now: datetime | None = None,
) -> int | None:
    """Queue the notice to the event's registrants on Telegram and audit it; return how many
    it goes to, or None when the event was cancelled or removed meanwhile."""
    moment = now or datetime.now(UTC)
    statuses = AUDIENCES[audience]
    async with services.database.transaction() as tx:
        if await event_store.scheduled_document(tx, event.id) is None:
            return None
        told = await queue_event_message(tx, event.id, statuses, html, moment)
        await services.audit.record(
            staff_id,
            "event.message",
            f"event:{event.id}",
            {"statuses": list(statuses), "people": told, "text": text},
            tx=tx,
        )
    return told
