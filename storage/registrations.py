"""Registrations: sign-up, the waiting list and cancellation, each one atomic step."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.answers import record_answers
from storage.catalogue import parse_utc, utc_text
from storage.content import Event
from storage.database import Database, Transaction
from storage.outbox import (
    DeliveryPlan,
    plan_for_registration,
    queue_promotion,
    withdraw_for_registration,
)

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"


class EventUnavailable(LookupError):
    """The event was cancelled or removed: nobody can sign up for it."""


class NoSeatFree(LookupError):
    """Every seat of the event is taken: nobody can be given one by hand."""


@dataclass(frozen=True)
class Registration:
    """A person's place at an event: confirmed, on the waiting list, or cancelled."""

    id: int
    event_id: str
    person_id: int | None
    status: str
    created_at: datetime
    attended: bool | None
    checkin_token: str | None
    position: int | None = None  # place on the waiting list, 1 for the next in line

    @property
    def is_active(self) -> bool:
        """Tell whether the registration holds or waits for a seat."""
        return self.status in (CONFIRMED, WAITLISTED)


@dataclass(frozen=True)
class SignUp:
    """The outcome of a sign-up: the registration, and whether it existed already."""

    registration: Registration
    existing: bool
    company_limited: bool = False


@dataclass(frozen=True)
class Cancellation:
    """A cancelled registration and the waiting-list people who got its seat."""

    registration: Registration
    was_confirmed: bool
    promoted: tuple[Registration, ...]


def _registration(row: Any, position: int | None = None) -> Registration:
    return Registration(
        id=row["id"],
        event_id=row["event_id"],
        person_id=row["person_id"],
        status=row["status"],
        created_at=parse_utc(row["created_at"]),
        attended=None if row["attended"] is None else bool(row["attended"]),
        checkin_token=row["checkin_token"],
        position=position,
    )


async def _position(tx: Transaction, row: Any) -> int | None:
    if row["status"] != WAITLISTED:
        return None
    ahead = await tx.fetch_one(
        "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted' "
        "AND (queued_at < ? OR (queued_at = ? AND id < ?))",
        (row["event_id"], row["queued_at"], row["queued_at"], row["id"]),
    )
    return (ahead[0] if ahead is not None else 0) + 1


async def place_free(tx: Transaction, event: Event) -> bool:
    """Tell whether a place is free: confirmed registrations and accepted applications
    (whose places are held until they confirm) together stay below the capacity."""
    if event.capacity is None:
        return True
    return await _places_taken(tx, event) < event.capacity


async def _places_taken(database: Database | Transaction, event: Event) -> int:
    row = await database.fetch_one(
        "SELECT (SELECT COUNT(*) FROM registrations WHERE event_id = :event "
        "AND status = 'confirmed') + (SELECT COUNT(*) FROM applications "
        "WHERE event_id = :event AND status = 'accepted')",
        {"event": event.id},
    )
    return int(row[0]) if row is not None else 0


async def places_left(database: Database, event: Event) -> int | None:
    """Return how many places are free now (negative: over capacity); None without a limit."""
    if event.capacity is None:
        return None
    return event.capacity - await _places_taken(database, event)


async def company_at_limit(
    tx: Transaction,
    event: Event,
    company_key: str | None,
    company_id: int | None,
    *,
    except_application: int | None = None,
) -> bool:
    """Tell whether the company's places at the event are taken (confirmed or accepted).

    The registry company counts, and anyone who typed the same name. `except_application`:
    the application being decided, left out of its own count.
    """
    if event.max_per_company is None or not (company_key or company_id):
        return False
    row = await tx.fetch_one(
        "SELECT (SELECT COUNT(*) FROM registrations WHERE event_id = :event "
        "AND status = 'confirmed' AND (company_id = :id OR company_key = :key)) + "
        "(SELECT COUNT(*) FROM applications WHERE event_id = :event AND status = 'accepted' "
        "AND id IS NOT :application AND (company_id = :id OR company_key = :key))",
        {
            "event": event.id,
            "id": company_id,
            "key": company_key,
            "application": except_application,
        },
    )
    return (row[0] if row is not None else 0) >= event.max_per_company


async def write_registration(
    tx: Transaction,
    plan: DeliveryPlan,
    event: Event,
    person_id: int,
    *,
    status: str,
    company_key: str | None,
    company_id: int | None,
    sector_id: str | None,
    now: datetime,
) -> int:
    """Write the person's registration (or bring back their cancelled one); return its id.

    A confirmed one gets its reminders and survey planned in the same transaction.
    """
    moment = utc_text(now)
    confirmed_at = moment if status == CONFIRMED else None
    token = secrets.token_urlsafe(12)
    existing = await tx.fetch_one(
        "SELECT id FROM registrations WHERE event_id = ? AND person_id = ?", (event.id, person_id)
    )
    values = (status, company_key, company_id, sector_id, moment, moment, confirmed_at, token)
    if existing is None:
        cursor = await tx.execute(
            "INSERT INTO registrations (event_id, person_id, status, company_key, company_id, "
            "sector_id, created_at, queued_at, confirmed_at, checkin_token) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event.id, person_id, *values),
        )
        registration_id = cursor.lastrowid
    else:
        registration_id = existing["id"]
        await tx.execute(
            "UPDATE registrations SET status = ?, company_key = ?, company_id = ?, "
            "sector_id = ?, created_at = ?, queued_at = ?, confirmed_at = ?, "
            "cancelled_at = NULL, attended = NULL, checkin_token = ? WHERE id = ?",
            (*values, registration_id),
        )
    assert registration_id is not None
    if status == CONFIRMED:
        await _plan(tx, plan, event, registration_id, person_id, now)
    return registration_id


async def cancel_registration(
    tx: Transaction,
    plan: DeliveryPlan,
    registration_id: int,
    person_id: int,
    event: Event | None,
    now: datetime,
) -> Cancellation | None:
    """Cancel the person's own active registration inside `tx`; promote the waiting list.

    Returns None when the registration is not the person's or is no longer active.
    """
    row = await tx.fetch_one(
        "SELECT * FROM registrations WHERE id = ? AND person_id = ? "
        "AND status IN ('confirmed', 'waitlisted')",
        (registration_id, person_id),
    )
    if row is None:
        return None
    return await _cancel(tx, plan, row, event, now)


async def cancel_for_staff(
    tx: Transaction, plan: DeliveryPlan, registration_id: int, event: Event, now: datetime
) -> Cancellation | None:
    """Cancel anyone's active registration at `event` inside `tx` (staff decided so), the
    same way as their own cancellation; None when it is not active (any more)."""
    row = await tx.fetch_one(
        "SELECT * FROM registrations WHERE id = ? AND event_id = ? "
        "AND status IN ('confirmed', 'waitlisted')",
        (registration_id, event.id),
    )
    if row is None:
        return None
    return await _cancel(tx, plan, row, event, now)


async def _cancel(
    tx: Transaction, plan: DeliveryPlan, row: Any, event: Event | None, now: datetime
) -> Cancellation:
    registration_id = row["id"]
    moment = utc_text(now)
    await tx.execute(
        "UPDATE registrations SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
        (moment, registration_id),
    )
    await withdraw_for_registration(tx, registration_id)
    was_confirmed = row["status"] == CONFIRMED
    # A seat freed once the event has started helps nobody: no one is promoted into it.
    upcoming = event is not None and event.starts_at > now
    promoted = await _promote(tx, plan, event, now) if upcoming and event else ()
    cancelled = await tx.fetch_one("SELECT * FROM registrations WHERE id = ?", (registration_id,))
    assert cancelled is not None
    return Cancellation(_registration(cancelled), was_confirmed, promoted)


async def _plan(
    tx: Transaction,
    plan: DeliveryPlan,
    event: Event,
    registration_id: int,
    person_id: int,
    now: datetime,
) -> None:
    await plan_for_registration(
        tx,
        plan,
        registration_id=registration_id,
        person_id=person_id,
        event_id=event.id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        now=now,
    )


async def _promote(
    tx: Transaction, plan: DeliveryPlan, event: Event, now: datetime
) -> tuple[Registration, ...]:
    """Confirm waiting people, in arrival order, while seats are free; queue their news."""
    promoted = []
    waiting = await tx.fetch_all(
        "SELECT * FROM registrations WHERE event_id = ? AND status = 'waitlisted' "
        "ORDER BY queued_at, id",
        (event.id,),
    )
    for row in waiting:
        if not await place_free(tx, event):
            break
        if await company_at_limit(tx, event, row["company_key"], row["company_id"]):
            continue  # their company's seats are taken; the next in line may fit
        promoted.append(await _confirm_waiting(tx, plan, event, row, now))
    return tuple(promoted)


async def _confirm_waiting(
    tx: Transaction, plan: DeliveryPlan, event: Event, row: Any, now: datetime
) -> Registration:
    """Give a waiting registration its seat, plan its reminders and queue its news."""
    await tx.execute(
        "UPDATE registrations SET status = 'confirmed', confirmed_at = ? WHERE id = ?",
        (utc_text(now), row["id"]),
    )
    if row["person_id"] is not None:
        await _plan(tx, plan, event, row["id"], row["person_id"], now)
        # In the same transaction as the seat: a crash can't lose the news.
        await queue_promotion(
            tx, event, registration_id=row["id"], person_id=row["person_id"], now=now
        )
    fresh = await tx.fetch_one("SELECT * FROM registrations WHERE id = ?", (row["id"],))
    assert fresh is not None
    return _registration(fresh)


async def promote_by_hand(
    tx: Transaction, plan: DeliveryPlan, event: Event, registration_id: int, now: datetime
) -> Registration | None:
    """Give one waiting registration a free seat ahead of the line (staff chose them), with
    the news a promotion brings; None when it no longer waits. Raises NoSeatFree when every
    seat is taken: checked in `tx`, so two staff at once never give more seats than there are.

    The per-company limit is staff's to judge here: they see the company on the card.
    """
    row = await tx.fetch_one(
        "SELECT * FROM registrations WHERE id = ? AND event_id = ? AND status = 'waitlisted'",
        (registration_id, event.id),
    )
    if row is None:
        return None
    if not await place_free(tx, event):
        raise NoSeatFree(event.id)
    return await _confirm_waiting(tx, plan, event, row, now)


async def place_free_now(database: Database, event: Event) -> bool:
    """Tell whether a place is free at this moment (for a screen; decisions check in theirs)."""
    async with database.transaction() as tx:
        return await place_free(tx, event)


class RegistrationRepository:
    """Reads and changes registrations; a confirmed seat's reminders and survey change with it.

    The outbox rows are written inside the same transaction as the registration, so a seat
    and its reminders are never out of step, even after a crash.
    """

    def __init__(self, database: Database, plan: DeliveryPlan | None = None) -> None:
        self._db = database
        self.plan = plan or DeliveryPlan()

    async def sign_up(
        self,
        event: Event,
        person_id: int,
        company_key: str | None,
        sector_id: str | None,
        now: datetime | None = None,
        answers: Mapping[str, Any] | None = None,
    ) -> SignUp:
        """Give the person a seat while one is free, else a place on the waiting list.

        Capacity and the per-company limit are checked and the row written in one
        transaction, so concurrent sign-ups can never confirm more seats than the event has.
        The answers to the event's own questions are stored with the registration.
        """
        current = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            # Checked inside the transaction: staff may have cancelled the event a moment ago.
            state = await tx.fetch_one("SELECT status FROM events WHERE id = ?", (event.id,))
            if state is None or state["status"] != "scheduled":
                raise EventUnavailable(event.id)
            row = await tx.fetch_one(
                "SELECT * FROM registrations WHERE event_id = ? AND person_id = ?",
                (event.id, person_id),
            )
            if row is not None and row["status"] != CANCELLED:
                return SignUp(_registration(row, await _position(tx, row)), existing=True)
            seats_free = await place_free(tx, event)
            # The registry's company, when the person has one, is what the per-company limit
            # counts: two spellings of one company's name are still one company.
            person = await tx.fetch_one("SELECT company_id FROM people WHERE id = ?", (person_id,))
            company_id = person["company_id"] if person is not None else None
            limited = await company_at_limit(tx, event, company_key, company_id)
            registration_id = await write_registration(
                tx,
                self.plan,
                event,
                person_id,
                status=CONFIRMED if seats_free and not limited else WAITLISTED,
                company_key=company_key,
                company_id=company_id,
                sector_id=sector_id,
                now=current,
            )
            if answers is not None:
                await record_answers(tx, event.id, person_id, answers, current)
            fresh = await tx.fetch_one(
                "SELECT * FROM registrations WHERE id = ?", (registration_id,)
            )
            assert fresh is not None
            registration = _registration(fresh, await _position(tx, fresh))
        return SignUp(registration, existing=False, company_limited=seats_free and limited)

    async def cancel(
        self, registration_id: int, person_id: int, event: Event | None, now: datetime | None = None
    ) -> Cancellation | None:
        """Cancel the person's own registration and pass a freed seat down the waiting list.

        Returns None when the registration is not the person's or is no longer active.
        """
        current = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            return await cancel_registration(
                tx, self.plan, registration_id, person_id, event, current
            )

    async def promote_waiting(
        self, event: Event, now: datetime | None = None
    ) -> tuple[Registration, ...]:
        """Fill seats freed some other way (capacity raised, person erased); queue the news."""
        async with self._db.transaction() as tx:
            return await _promote(tx, self.plan, event, now or datetime.now(UTC))

    async def get(self, registration_id: int) -> Registration | None:
        """Return a registration with its waiting-list position."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one("SELECT * FROM registrations WHERE id = ?", (registration_id,))
            return _registration(row, await _position(tx, row)) if row is not None else None

    async def of_person_for_event(self, person_id: int, event_id: str) -> Registration | None:
        """Return the person's active registration for an event, if any."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT * FROM registrations WHERE person_id = ? AND event_id = ? "
                "AND status IN ('confirmed', 'waitlisted')",
                (person_id, event_id),
            )
            return _registration(row, await _position(tx, row)) if row is not None else None

    async def of_person(self, person_id: int) -> list[Registration]:
        """Return all of a person's registrations, with waiting-list positions."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT * FROM registrations WHERE person_id = ? ORDER BY created_at, id",
                (person_id,),
            )
            return [_registration(row, await _position(tx, row)) for row in rows]
