"""Certificates of participation: their codes, when they are issued, and what a code proves.

A code is 12 characters drawn at random from 29 that cannot be mistaken for one another (no 0/O,
1/I/L, U/V), shown in groups of four: about 58 bits, so guessing one is hopeless, and short
enough to read out on the phone. Typed codes are forgiving: case, spaces and dashes do not
matter.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.impact import event_hours
from storage.certificates import Certificate, CertificateRepository
from storage.content import Catalogue

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 12
GROUP = 4
# Attendance may be taken days after the event; an event older than this issues nothing new,
# so flagging an old event (or restoring a backup) sends no surprise certificates.
ISSUE_WINDOW = timedelta(days=30)


def new_code() -> str:
    """Return a fresh random code, as stored (no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """Return a stored code the way people see it: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def typed_code(text: str) -> str | None:
    """Return the stored form of a typed code, or None when it cannot be one."""
    folded = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(folded) != CODE_LENGTH or any(ch not in ALPHABET for ch in folded):
        return None
    return folded


@dataclass(frozen=True)
class Verification:
    """What a code proves: `status` is valid, revoked, withdrawn or unknown."""

    status: str
    code: str  # as typed, for "no certificate has the code ..."
    certificate: Certificate | None = None

    @property
    def valid(self) -> bool:
        """Tell whether the code vouches for a participation."""
        return self.status == "valid"


async def verify(certificates: CertificateRepository, typed: str) -> Verification:
    """Look a typed code up; a malformed code is as unknown as a well-formed one not issued."""
    code = typed_code(typed)
    found = await certificates.by_code(code) if code is not None else None
    if found is None:
        return Verification("unknown", typed.strip()[:40])
    return Verification(found.status, shown_code(found.code), found)


async def issue_due(
    certificates: CertificateRepository, catalogue: Catalogue, now: datetime
) -> int:
    """Issue the certificates of recent flagged events to those marked present; return how many.

    Run again and again (the outbox job does): only people present without a certificate get
    one, so each gets it once, however late their attendance was recorded.
    """
    issued = 0
    for event in catalogue.events:
        if event.certificate and now - ISSUE_WINDOW <= event.ends_at <= now:
            hours = event_hours(event.starts_at, event.ends_at)
            issued += await certificates.issue(event, hours, new_code, now)
    return issued
