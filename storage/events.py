"""Events written by staff: publish, change and cancel, in the catalogue's own table and form.

An event is stored exactly as the catalogue import stores it (the same columns and the same
JSON document), so a later import of the same event sees no change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage.catalogue import utc_text
from storage.content import Event, event_to_document
from storage.database import Database, Transaction


@dataclass(frozen=True)
class Registrant:
    """A person with an active place at an event (confirmed or on the waiting list)."""

    registration_id: int
    person_id: int
    status: str


def _document(event: Event, timezone: ZoneInfo) -> str:
    # The same serialisation as the catalogue import, so unchanged events compare equal.
    return json.dumps(event_to_document(event, timezone), ensure_ascii=False, sort_keys=True)


def _columns(event: Event) -> tuple[Any, ...]:
    return (
        event.kind,
        event.service_id,
        utc_text(event.starts_at),
        utc_text(event.ends_at),
        event.capacity,
        utc_text(event.registration_deadline) if event.registration_deadline else None,
        event.max_per_company,
    )


async def free_event_id(tx: Transaction, base: str) -> str:
    """Return `base`, or `base-2`, `base-3`... : the first id no event ever had."""
    rows = await tx.fetch_all(
        "SELECT id FROM events WHERE id = ? OR id LIKE ? ESCAPE '\\'",
        (base, base.replace("_", "\\_").replace("%", "\\%") + "-%"),
    )
    taken = {row["id"] for row in rows}
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


async def create_event(event: Event, timezone: ZoneInfo, now: datetime, tx: Transaction) -> None:
    """Insert a new scheduled event after every existing one."""
    row = await tx.fetch_one("SELECT COALESCE(MAX(position), -1) + 1 FROM events")
    position = row[0] if row is not None else 0
    await tx.execute(
        "INSERT INTO events (id, kind, service_id, starts_at, ends_at, capacity, "
        "registration_deadline, max_per_company, status, position, document, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)",
        (event.id, *_columns(event), position, _document(event, timezone), utc_text(now)),
    )


async def scheduled_document(tx: Transaction, event_id: str) -> dict[str, Any] | None:
    """Return a scheduled event's document as stored now; None when it is gone or cancelled."""
    row = await tx.fetch_one(
        "SELECT document FROM events WHERE id = ? AND status = 'scheduled'", (event_id,)
    )
    if row is None:
        return None
    document: dict[str, Any] = json.loads(row["document"])
    return document


async def update_event(event: Event, timezone: ZoneInfo, now: datetime, tx: Transaction) -> None:
    """Rewrite a scheduled event, read in the same transaction with `scheduled_document`."""
    await tx.execute(
        "UPDATE events SET kind = ?, service_id = ?, starts_at = ?, ends_at = ?, capacity = ?, "
        "registration_deadline = ?, max_per_company = ?, document = ?, updated_at = ? "
        "WHERE id = ? AND status = 'scheduled'",
        (*_columns(event), _document(event, timezone), utc_text(now), event.id),
    )


async def cancel_event(event_id: str, now: datetime, tx: Transaction) -> list[Registrant] | None:
    """Cancel a scheduled event and its active registrations; return who held them.

    Returns None when the event is gone or was cancelled already.
    """
    moment = utc_text(now)
    cursor = await tx.execute(
        "UPDATE events SET status = 'cancelled', updated_at = ? "
        "WHERE id = ? AND status = 'scheduled'",
        (moment, event_id),
    )
    if cursor.rowcount != 1:
        return None
    rows = await tx.fetch_all(
        "SELECT id, person_id, status FROM registrations WHERE event_id = ? "
        "AND status IN ('confirmed', 'waitlisted') ORDER BY id",
        (event_id,),
    )
    await tx.execute(
        "UPDATE registrations SET status = 'cancelled', cancelled_at = ? "
        "WHERE event_id = ? AND status IN ('confirmed', 'waitlisted')",
        (moment, event_id),
    )
    return [
        Registrant(row["id"], row["person_id"], row["status"])
        for row in rows
        if row["person_id"] is not None
    ]


async def registrants(database: Database, event_id: str) -> list[Registrant]:
    """Return the people holding or waiting for a seat, in the order they signed up."""
    rows = await database.fetch_all(
        "SELECT id, person_id, status FROM registrations WHERE event_id = ? "
        "AND status IN ('confirmed', 'waitlisted') AND person_id IS NOT NULL "
        "ORDER BY queued_at, id",
        (event_id,),
    )
    return [Registrant(row["id"], row["person_id"], row["status"]) for row in rows]


async def reachable_counts(database: Database, event_id: str) -> tuple[int, int]:
    """Return (confirmed, waitlisted) registrants of an event who are on Telegram."""
    row = await database.fetch_one(
        "SELECT COALESCE(SUM(status = 'confirmed'), 0), COALESCE(SUM(status = 'waitlisted'), 0) "
        "FROM registrations WHERE event_id = ? AND person_id IS NOT NULL",
        (event_id,),
    )
    return (int(row[0]), int(row[1])) if row is not None else (0, 0)


async def confirmed_count(database: Database | Transaction, event_id: str) -> int:
    """Return how many seats of an event are taken (inside a transaction, as of now in it)."""
    row = await database.fetch_one(
        "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'confirmed'",
        (event_id,),
    )
    return row[0] if row is not None else 0


async def calendar_sequence(database: Database, event_id: str) -> int:
    """Return the SEQUENCE an event's calendar file carries now (counted up by every change)."""
    row = await database.fetch_one("SELECT calendar_sequence FROM events WHERE id = ?", (event_id,))
    return int(row[0]) if row is not None else 0


async def seat_counts(database: Database) -> dict[str, tuple[int, int]]:
    """Return (confirmed, waitlisted) for every scheduled event that has registrations."""
    rows = await database.fetch_all(
        "SELECT r.event_id, "
        "  SUM(r.status = 'confirmed') AS confirmed, SUM(r.status = 'waitlisted') AS waitlisted "
        "FROM registrations r JOIN events e ON e.id = r.event_id "
        "WHERE e.status = 'scheduled' GROUP BY r.event_id"
    )
    return {row["event_id"]: (row["confirmed"], row["waitlisted"]) for row in rows}
