"""Staff decisions about one registrant's seat: cancel it, or give a waiting person a free one.

A cancellation by staff is the member's own cancellation (storage.registrations): the freed seat
goes down the waiting list in the same transaction. The person is told politely through the
outbox, with the team's reason when one was given; someone staff added (no chat) is told
nothing. Both are audited, naming the registration, never the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from storage.applications import ApplicationRepository
from storage.audit import AuditLog
from storage.catalogue import utc_text
from storage.content import Event
from storage.database import Database, Transaction
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
    @property
    def applications(self) -> ApplicationRepository: ...


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
    staff_ids: Sequence[int] = (),
    now: datetime | None = None,
) -> StaffCancellation | None:
    """Cancel a registrant's place at the event, pass it on, tell them; None when it was no
    longer active (a colleague cancelled it, or they did).

    At an event where staff select, the place is passed down the reserve list as when the
    person gives it back themselves (`staff_ids`: who is told when nobody is left to offer it).
    """
    moment = now or datetime.now(UTC)
    told = 0

    async def tell(tx: Transaction, cancellation: Cancellation) -> None:
        nonlocal told
        payload: dict[str, Any] = {
            "title": {"tr": event.title.tr, "en": event.title.en},
            "starts_at": utc_text(event.starts_at),
            "waitlisted": not cancellation.was_confirmed,
        }
        if reason:
            payload["reason"] = reason
        person_id = cancellation.registration.person_id
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

    if event.by_application:
        found = await services.applications.cancel_place(
            registration_id, None, event, staff_ids, moment, then=tell
        )
    else:
        async with services.database.transaction() as tx:
            found = await cancel_for_staff(
                tx, services.registrations.plan, registration_id, event, moment
            )
            if found is not None:
                await tell(tx, found)
    return StaffCancellation(found, told > 0) if found is not None else None


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
