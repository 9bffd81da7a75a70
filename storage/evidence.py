"""Evidence of an event for funders: who is on its attendance sheet, and the signed sheets.

A signed sheet is kept as Telegram keeps it (its file id, sent again as it is), with what the
assistant was told about it: photo or document, name, type, size, who attached it, when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database

PHOTO = "photo"
DOCUMENT = "document"


@dataclass(frozen=True)
class SheetEntry:
    """One confirmed participant on an event's attendance sheet."""

    full_name: str | None  # None: the person's data was erased (or anonymised)
    company: str | None
    staff_added: bool  # added by staff (a walk-in, a phone registration), not on Telegram
    attended: bool | None
    attended_at: datetime | None


@dataclass(frozen=True)
class EvidenceFile:
    """A photo or scan of a signed attendance sheet, attached to an event."""

    id: int
    event_id: str
    file_id: str
    media: str  # PHOTO or DOCUMENT
    file_name: str | None
    mime_type: str | None
    file_size: int | None
    staff_id: int
    added_at: datetime


def _evidence(row: Any) -> EvidenceFile:
    return EvidenceFile(
        id=row["id"],
        event_id=row["event_id"],
        file_id=row["file_id"],
        media=row["media"],
        file_name=row["file_name"],
        mime_type=row["mime_type"],
        file_size=row["file_size"],
        staff_id=row["staff_id"],
        added_at=parse_utc(row["added_at"]),
    )


# Seats in the order they were given; the company as the registry knows it when it does
# (as at sign-up), else as the person typed it, else as staff wrote it for someone they added.
_SHEET = """
SELECT COALESCE(m.full_name, s.full_name) AS full_name,
    CASE WHEN r.person_id IS NULL AND s.registration_id IS NULL THEN NULL
        ELSE COALESCE(c.name, m.company, s.company_name) END AS company,
    s.registration_id IS NOT NULL AS staff_added, r.attended, r.attended_at
FROM registrations r
LEFT JOIN people m ON m.id = r.person_id
LEFT JOIN staff_added_participants s ON s.registration_id = r.id
LEFT JOIN companies c ON c.id = r.company_id
WHERE r.event_id = ? AND r.status = 'confirmed'
ORDER BY COALESCE(r.confirmed_at, r.created_at), r.id
"""


class EvidenceRepository:
    """Reads attendance sheets and keeps the signed ones staff attach."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def sheet(self, event_id: str) -> list[SheetEntry]:
        """Return the confirmed participants of an event, in seat order."""
        rows = await self._db.fetch_all(_SHEET, (event_id,))
        return [
            SheetEntry(
                full_name=row["full_name"],
                company=row["company"],
                staff_added=bool(row["staff_added"]),
                attended=None if row["attended"] is None else bool(row["attended"]),
                attended_at=parse_utc(row["attended_at"]) if row["attended_at"] else None,
            )
            for row in rows
        ]

    async def attach(
        self,
        event_id: str,
        *,
        file_id: str,
        file_unique_id: str,
        media: str,
        file_name: str | None,
        mime_type: str | None,
        file_size: int | None,
        staff_id: int,
        now: datetime,
    ) -> bool:
        """Attach a signed sheet to an event; False when the same file is attached already."""
        changed = await self._db.execute(
            "INSERT OR IGNORE INTO event_evidence (event_id, file_id, file_unique_id, media, "
            "file_name, mime_type, file_size, staff_id, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event_id,
                file_id,
                file_unique_id,
                media,
                file_name,
                mime_type,
                file_size,
                staff_id,
                utc_text(now),
            ),
        )
        return changed == 1

    async def of_event(self, event_id: str) -> list[EvidenceFile]:
        """Return the signed sheets attached to an event, the first attached first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM event_evidence WHERE event_id = ? ORDER BY id", (event_id,)
        )
        return [_evidence(row) for row in rows]

    async def counts(self, event_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Return how many signed sheets each event has (events without any are left out)."""
        rows = await self._db.fetch_all(
            "SELECT event_id, COUNT(*) AS n FROM event_evidence GROUP BY event_id"
        )
        wanted = None if event_ids is None else set(event_ids)
        return {
            row["event_id"]: row["n"] for row in rows if wanted is None or row["event_id"] in wanted
        }
