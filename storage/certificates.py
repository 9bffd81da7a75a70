"""Certificates of participation: issued once per person present, looked up by their code.

A certificate keeps what it certified when it was issued (name, company, event, date, hours), so
it verifies the same however the catalogue changes later. Issuing writes the certificate and
the outbox row that delivers it in one transaction: each person present gets theirs once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.content import Event, Text
from storage.database import Database
from storage.outbox import CERTIFICATE_REVOKED, Personal, queue_certificate, queue_personal

VALID = "valid"
REVOKED = "revoked"
WITHDRAWN = "withdrawn"  # the holder erased their personal data (KVKK)


@dataclass(frozen=True)
class Certificate:
    """A certificate of participation as issued, and whether it still stands."""

    id: int
    code: str
    registration_id: int | None
    person_id: int | None
    event_id: str
    holder_name: str | None  # None once withdrawn, or anonymised after the retention period
    company: str | None
    event_title: Text
    event_kind: str
    held_at: datetime
    hours: float
    issued_at: datetime
    revoked_at: datetime | None
    withdrawn_at: datetime | None
    revoked_reason: str | None = None  # what staff said when revoking, told to the holder
    # Past the retention period: still verifies (valid or revoked), without the holder's name.
    anonymised_at: datetime | None = None

    @property
    def status(self) -> str:
        """Return valid, revoked, or withdrawn (the holder's data was erased)."""
        if self.withdrawn_at is not None:
            return WITHDRAWN
        if self.revoked_at is not None:
            return REVOKED
        return VALID


def _certificate(row: Any) -> Certificate:
    title = json.loads(row["event_title"])
    return Certificate(
        id=row["id"],
        code=row["code"],
        registration_id=row["registration_id"],
        person_id=row["person_id"],
        event_id=row["event_id"],
        holder_name=row["holder_name"],
        company=row["company"],
        event_title=Text(tr=title["tr"], en=title["en"]),
        event_kind=row["event_kind"],
        held_at=parse_utc(row["held_at"]),
        hours=row["hours"],
        issued_at=parse_utc(row["issued_at"]),
        revoked_at=parse_utc(row["revoked_at"]) if row["revoked_at"] else None,
        withdrawn_at=parse_utc(row["withdrawn_at"]) if row["withdrawn_at"] else None,
        revoked_reason=row["revoked_reason"],
        anonymised_at=parse_utc(row["anonymised_at"]) if row["anonymised_at"] else None,
    )


# The people present at an event who have no certificate yet and a name to put on one. The
# company is the registry's when the person's link to it is verified, else what they typed.
_DUE = """
SELECT r.id AS registration_id, r.person_id, m.full_name,
    CASE WHEN m.company_verified = 1 AND c.name IS NOT NULL THEN c.name ELSE m.company END
        AS company
FROM registrations r
JOIN people m ON m.id = r.person_id
LEFT JOIN companies c ON c.id = m.company_id
WHERE r.event_id = ? AND r.status = 'confirmed' AND r.attended = 1
AND m.full_name IS NOT NULL AND m.full_name != ''
AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.registration_id = r.id)
ORDER BY r.id
"""


class CertificateRepository:
    """Issues, finds and revokes certificates."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def issue(
        self,
        event: Event,
        hours: float,
        new_code: Callable[[], str],
        now: datetime,
        *,
        deliver: bool = True,
    ) -> int:
        """Issue certificates to everyone present without one, and queue them; return how many.

        `deliver=False` only records them (a past written for the demo: issued back then).
        """
        moment = utc_text(now)
        title = json.dumps({"tr": event.title.tr, "en": event.title.en}, ensure_ascii=False)
        async with self._db.transaction() as tx:
            due = await tx.fetch_all(_DUE, (event.id,))
            for row in due:
                cursor = await tx.execute(
                    "INSERT INTO certificates (code, registration_id, person_id, event_id, "
                    "holder_name, company, event_title, event_kind, held_at, hours, issued_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new_code(),
                        row["registration_id"],
                        row["person_id"],
                        event.id,
                        row["full_name"],
                        row["company"],
                        title,
                        event.kind,
                        utc_text(event.starts_at),
                        hours,
                        moment,
                    ),
                )
                if not deliver:
                    continue
                # Delivered by the outbox, like every message sent on the assistant's own.
                assert cursor.lastrowid is not None
                await queue_certificate(
                    tx,
                    registration_id=row["registration_id"],
                    person_id=row["person_id"],
                    event_id=event.id,
                    certificate_id=cursor.lastrowid,
                    now=now,
                )
        return len(due)

    async def get(self, certificate_id: int) -> Certificate | None:
        """Return a certificate by its id."""
        row = await self._db.fetch_one("SELECT * FROM certificates WHERE id = ?", (certificate_id,))
        return _certificate(row) if row is not None else None

    async def by_code(self, code: str) -> Certificate | None:
        """Return the certificate with this code (as stored: no dashes, upper case)."""
        row = await self._db.fetch_one("SELECT * FROM certificates WHERE code = ?", (code,))
        return _certificate(row) if row is not None else None

    async def of_person(self, person_id: int) -> list[Certificate]:
        """Return a person's certificates, the latest event first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM certificates WHERE person_id = ? ORDER BY held_at DESC, id DESC",
            (person_id,),
        )
        return [_certificate(row) for row in rows]

    async def revoke(self, certificate_id: int, staff_id: int, reason: str, now: datetime) -> bool:
        """Revoke a certificate for a reason and queue the news to its holder, in one write.

        False when it was revoked (or withdrawn) already, or does not exist: two staff at once
        revoke it once, and the holder hears it once.
        """
        moment = utc_text(now)
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE certificates SET revoked_at = ?, revoked_by = ?, revoked_reason = ? "
                "WHERE id = ? AND revoked_at IS NULL AND withdrawn_at IS NULL",
                (moment, staff_id, reason, certificate_id),
            )
            if cursor.rowcount != 1:
                return False
            holder = await tx.fetch_one(
                "SELECT person_id, event_id FROM certificates WHERE id = ?", (certificate_id,)
            )
            assert holder is not None
            news = {"certificate_id": certificate_id}
            await queue_personal(
                tx,
                [Personal(CERTIFICATE_REVOKED, holder["person_id"], now, news, holder["event_id"])],
                now,
            )
        return True
