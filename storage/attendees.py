"""Who signed up for an event and who came: staff lists, exports and attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.catalogue import parse_utc
from storage.database import Database, Transaction

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"

# Participants staff added have no person: their details come from what staff typed.
_SELECT = (
    "SELECT r.id, r.event_id, r.person_id, r.status, r.created_at, r.attended, "
    "COALESCE(m.full_name, s.full_name) AS full_name, "
    "COALESCE(m.company, s.company_name) AS company, "
    "m.sector_id AS person_sector, r.sector_id AS registration_sector, "
    "COALESCE(m.phone, s.phone) AS phone, COALESCE(m.email, s.email) AS email, "
    "s.registration_id IS NOT NULL AS added_by_staff "
    "FROM registrations r LEFT JOIN people m ON m.id = r.person_id "
    "LEFT JOIN staff_added_participants s ON s.registration_id = r.id "
)
# The order staff see: seats in the order they were given, the waiting list in its order.
_ORDER = {
    CONFIRMED: "ORDER BY COALESCE(r.confirmed_at, r.created_at), r.id",
    WAITLISTED: "ORDER BY r.queued_at, r.id",
}


@dataclass(frozen=True)
class Attendee:
    """A registration with the person's details; none for a person who erased their data."""

    registration_id: int
    event_id: str
    person_id: int | None
    status: str
    registered_at: datetime
    attended: bool | None
    full_name: str | None
    company: str | None
    sector_id: str | None
    phone: str | None
    email: str | None
    number: int = 0  # place in the list shown: seat order or waiting-list position
    added_by_staff: bool = False  # no chat: added by hand or from an attendance list

    @property
    def erased(self) -> bool:
        """Tell whether the person's data is gone (erased, or anonymised by retention)."""
        return self.person_id is None and (not self.added_by_staff or self.full_name is None)


def _attendee(row: Any, number: int = 0) -> Attendee:
    erased = row["person_id"] is None and not row["added_by_staff"]
    return Attendee(
        registration_id=row["id"],
        event_id=row["event_id"],
        person_id=row["person_id"],
        status=row["status"],
        registered_at=parse_utc(row["created_at"]),
        attended=None if row["attended"] is None else bool(row["attended"]),
        full_name=None if erased else row["full_name"],
        company=None if erased else row["company"],
        sector_id=row["person_sector"] or row["registration_sector"],
        phone=None if erased else row["phone"],
        email=None if erased else row["email"],
        number=number,
        added_by_staff=bool(row["added_by_staff"]),
    )


@dataclass(frozen=True)
class CheckIn:
    """The outcome of scanning a person's check-in code."""

    attendee: Attendee
    already: bool  # the person had been marked present before


class AttendeeRepository:
    """Reads attendee lists and records attendance."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def count(self, event_id: str, status: str) -> int:
        """Return how many registrations of an event have this status."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = ?",
            (event_id, status),
        )
        return row[0] if row is not None else 0

    async def attended_count(self, event_id: str) -> int:
        """Return how many confirmed people were marked present."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'confirmed' "
            "AND attended = 1",
            (event_id,),
        )
        return row[0] if row is not None else 0

    async def page(self, event_id: str, status: str, offset: int, limit: int) -> list[Attendee]:
        """Return one page of the confirmed list or the waiting list, numbered from 1."""
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE r.event_id = ? AND r.status = ? {_ORDER[status]} LIMIT ? OFFSET ?",
            (event_id, status, limit, offset),
        )
        return [_attendee(row, offset + index + 1) for index, row in enumerate(rows)]

    async def for_export(self, event_id: str) -> list[Attendee]:
        """Return every registration of an event: confirmed, waiting, then cancelled."""
        attendees: list[Attendee] = []
        for status in (CONFIRMED, WAITLISTED):
            rows = await self._db.fetch_all(
                f"{_SELECT} WHERE r.event_id = ? AND r.status = ? {_ORDER[status]}",
                (event_id, status),
            )
            attendees += [_attendee(row, index + 1) for index, row in enumerate(rows)]
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE r.event_id = ? AND r.status = 'cancelled' "
            "ORDER BY r.created_at, r.id",
            (event_id,),
        )
        return attendees + [_attendee(row) for row in rows]

    async def active_people(self, event_id: str) -> set[int]:
        """Return the people who hold or wait for a seat at the event."""
        rows = await self._db.fetch_all(
            "SELECT person_id FROM registrations WHERE event_id = ? "
            "AND status IN ('confirmed', 'waitlisted') AND person_id IS NOT NULL",
            (event_id,),
        )
        return {row["person_id"] for row in rows}

    async def get(self, registration_id: int) -> Attendee | None:
        """Return one registration with its person's details."""
        row = await self._db.fetch_one(f"{_SELECT} WHERE r.id = ?", (registration_id,))
        return _attendee(row) if row is not None else None

    async def by_checkin_token(self, token: str) -> Attendee | None:
        """Return the registration a check-in code belongs to."""
        row = await self._db.fetch_one(f"{_SELECT} WHERE r.checkin_token = ?", (token,))
        return _attendee(row) if row is not None else None

    async def set_attended(
        self, registration_id: int, attended: bool, tx: Transaction
    ) -> Attendee | None:
        """Mark a confirmed person present or absent; None when the seat is not confirmed."""
        cursor = await tx.execute(
            "UPDATE registrations SET attended = ? WHERE id = ? AND status = 'confirmed'",
            (int(attended), registration_id),
        )
        if cursor.rowcount != 1:
            return None
        row = await tx.fetch_one(f"{_SELECT} WHERE r.id = ?", (registration_id,))
        return _attendee(row) if row is not None else None

    async def check_in(self, token: str, tx: Transaction) -> CheckIn | None:
        """Mark the confirmed person holding this code present; None for any other code."""
        row = await tx.fetch_one(
            f"{_SELECT} WHERE r.checkin_token = ? AND r.status = 'confirmed'", (token,)
        )
        if row is None:
            return None
        already = row["attended"] == 1
        if not already:
            await tx.execute("UPDATE registrations SET attended = 1 WHERE id = ?", (row["id"],))
        fresh = await tx.fetch_one(f"{_SELECT} WHERE r.id = ?", (row["id"],))
        assert fresh is not None
        return CheckIn(_attendee(fresh), already)
