"""Staff decisions about one registrant's seat: cancel it, or give a waiting person a free one.

A cancellation by staff is the member's own cancellation (storage.registrations): the freed seat
goes down the waiting list in the same transaction. The person is told politely through the
outbox, with the team's reason when one was given; someone staff added (no chat) is told
nothing. Both are audited, naming the registration, never the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from storage.audit import AuditLog
from storage.catalogue import utc_text
from storage.content import Event
from storage.database import Database
from storage.outbox import REGISTRATION_CANCELLED, Personal, queue_personal
from storage.registrations import (
    WAITLISTED,
    Cancellation,
    Registration,
    RegistrationRepository,
    cancel_for_staff,
    promote_by_hand,
)

# The reason staff give goes to the person as written: a sentence or two.
REASON_LIMIT = 300


class SeatServices(Protocol):
    """What seat decisions need of the running assistant (bot.context.Services has it)."""

    @property
    def database(self) -> Database: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def registrations(self) -> RegistrationRepository: ...


@dataclass(frozen=True)
class StaffCancellation:
    """A registration staff cancelled, who got its seat, and whether the person is told."""

    cancellation: Cancellation
    told: bool


async def cancel_seat(
    services: SeatServices,
    staff_id: int,
    registration_id: int,
    event: Event,
    reason: str | None,
    now: datetime | None = None,
) -> StaffCancellation | None:
    """Cancel a registrant's place at the event, pass it on, tell them; None when it was no
    longer active (a colleague cancelled it, or they did)."""
    moment = now or datetime.now(UTC)
    async with services.database.transaction() as tx:
        cancellation = await cancel_for_staff(
            tx, services.registrations.plan, registration_id, event, moment
        )
        if cancellation is None:
            return None
        person_id = cancellation.registration.person_id
        payload: dict[str, Any] = {
            "title": {"tr": event.title.tr, "en": event.title.en},
            "starts_at": utc_text(event.starts_at),
            "waitlisted": not cancellation.was_confirmed,
        }
        if reason:
            payload["reason"] = reason
        told = await queue_personal(
            tx,
            [Personal(REGISTRATION_CANCELLED, person_id, moment, payload, event_id=event.id)],
            moment,
        )
        await services.audit.record(
            staff_id,
            "registration.cancel",
            f"registration:{registration_id}",
            {
                "event": event.id,
                "was": "confirmed" if cancellation.was_confirmed else WAITLISTED,
                "reason": reason or "",
                "promoted": [r.id for r in cancellation.promoted],
            },
            tx=tx,
        )
    return StaffCancellation(cancellation, told > 0)


async def give_seat(
    services: SeatServices,
    staff_id: int,
    registration_id: int,
    event: Event,
    now: datetime | None = None,
) -> Registration | None:
    """Confirm a waiting person now, ahead of the line, while a seat is free; they are told.

    Returns None when they no longer wait; raises storage.registrations.NoSeatFree when the
    seats are all taken by now.
    """
    moment = now or datetime.now(UTC)
    async with services.database.transaction() as tx:
        promoted = await promote_by_hand(
            tx, services.registrations.plan, event, registration_id, moment
        )
        if promoted is not None:
            await services.audit.record(
                staff_id,
                "registration.promote",
                f"registration:{registration_id}",
                {"event": event.id},
                tx=tx,
            )
    return promoted
