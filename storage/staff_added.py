"""Participants staff add by hand or from an attendance list: people without a chat.

Each is a confirmed registration without a person (so seats, attendance and every report count
them like anyone) and a row of `staff_added_participants` with what staff typed. Nothing is
ever sent to them: the outbox addresses only registrations with a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.catalogue import utc_text
from storage.database import Database

HAND = "hand"
IMPORT = "import"


@dataclass(frozen=True)
class NewParticipant:
    """Someone staff add: a name, a company (typed, and the registry's when known), contact."""

    full_name: str
    company_name: str | None = None
    company_key: str | None = None  # the name folded for per-company limits
    company_id: int | None = None
    phone: str | None = None
    email: str | None = None
    present: bool = False


class StaffAddedRepository:
    """Participants staff add to an event: added, counted, found and erased on request."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        event_id: str,
        participants: Sequence[NewParticipant],
        staff_id: int,
        source: str,
        now: datetime,
    ) -> list[int]:
        """Add them all in one transaction; return their registration ids (none if the event is
        gone or cancelled)."""
        moment = utc_text(now)
        added: list[int] = []
        async with self._db.transaction() as tx:
            state = await tx.fetch_one("SELECT status FROM events WHERE id = ?", (event_id,))
            if state is None or state["status"] != "scheduled":
                return []
            for person in participants:
                company = None
                if person.company_id is not None:
                    company = await tx.fetch_one(
                        "SELECT id, sector_id FROM companies WHERE id = ?", (person.company_id,)
                    )
                cursor = await tx.execute(
                    "INSERT INTO registrations (event_id, person_id, status, company_key, "
                    "company_id, sector_id, created_at, queued_at, confirmed_at, attended) "
                    "VALUES (?, NULL, 'confirmed', ?, ?, ?, ?, ?, ?, ?)",
                    (
                        event_id,
                        person.company_key,
                        company["id"] if company is not None else None,
                        company["sector_id"] if company is not None else None,
                        moment,
                        moment,
                        moment,
                        1 if person.present else None,
                    ),
                )
                registration_id = cursor.lastrowid
                assert registration_id is not None
                await tx.execute(
                    "INSERT INTO staff_added_participants (registration_id, event_id, full_name, "
                    "company_name, phone, email, source, added_by, added_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        registration_id,
                        event_id,
                        person.full_name,
                        person.company_name,
                        person.phone,
                        person.email,
                        source,
                        staff_id,
                        moment,
                    ),
                )
                added.append(registration_id)
        return added

    async def count(self, event_id: str) -> int:
        """Return how many participants staff added to the event."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM staff_added_participants s JOIN registrations r "
            "ON r.id = s.registration_id WHERE s.event_id = ? AND r.status = 'confirmed'",
            (event_id,),
        )
        return int(row[0]) if row is not None else 0

    async def erase(self, registration_id: int) -> bool:
        """Erase what staff typed about one participant (their KVKK request, made to the office);
        the registration stays, without them, for the counts."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE staff_added_participants SET full_name = NULL, company_name = NULL, "
                "phone = NULL, email = NULL, "
                "anonymised_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') "
                "WHERE registration_id = ? AND anonymised_at IS NULL",
                (registration_id,),
            )
            changed = cursor.rowcount
            if changed == 1:
                await tx.execute(
                    "UPDATE registrations SET company_key = NULL WHERE id = ?", (registration_id,)
                )
        if changed == 1:
            # The write-ahead log still holds the old pages: fold it into the file and empty it.
            await self._db.checkpoint()
        return changed == 1

    async def named(self, event_id: str) -> list[tuple[int, str]]:
        """Return (registration id, name) of the event's staff-added people not yet anonymised."""
        rows = await self._db.fetch_all(
            "SELECT registration_id, full_name FROM staff_added_participants "
            "WHERE event_id = ? AND full_name IS NOT NULL ORDER BY full_name, registration_id",
            (event_id,),
        )
        return [(row["registration_id"], row["full_name"]) for row in rows]

    async def find(self, registration_id: int) -> tuple[str, str] | None:
        """Return (event id, name) of one staff-added participant not yet anonymised."""
        row = await self._db.fetch_one(
            "SELECT event_id, full_name FROM staff_added_participants "
            "WHERE registration_id = ? AND full_name IS NOT NULL",
            (registration_id,),
        )
        return (row["event_id"], row["full_name"]) if row is not None else None
