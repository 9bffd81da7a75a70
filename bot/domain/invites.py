"""Company invite codes: `/start co<id>-<signature>`, signed so that nobody can make one up.

Whoever opens a company's invite link belongs to that company at once (verified); the contact
person's link (`cc<id>-<signature>`, signed for that purpose) also makes its opener the
company's contact. A code whose signature does not match names no company. The key comes from
the bot's token, so a code is only valid for the bot that made it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_CODE = re.compile(r"^c([oc])(\d{1,12})-([a-z2-7]{16})$")
# What each code's first letters sign: a place among the company's people, or its contact.
_PURPOSES = {"o": "company", "c": "contact"}


def invite_key(secret: str) -> bytes:
    """Return the signing key derived from a secret (the bot's token)."""
    return hashlib.sha256(b"clustem company invite\0" + secret.encode()).digest()


def _signature(company_id: int, key: bytes, purpose: str = "company") -> str:
    digest = hmac.new(key, f"{purpose}:{company_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:16]


def invite_code(company_id: int, key: bytes) -> str:
    """Return the /start payload that makes its opener one of the company's people."""
    return f"co{company_id}-{_signature(company_id, key)}"


def contact_invite_code(company_id: int, key: bytes) -> str:
    """Return the /start payload that makes its opener the company's contact person."""
    return f"cc{company_id}-{_signature(company_id, key, 'contact')}"


def is_invite(payload: str) -> bool:
    """Tell whether a /start payload has the shape of an invite code."""
    return _CODE.match(payload) is not None


def company_of_invite(payload: str, key: bytes) -> int | None:
    """Return the company an invite code names, or None when it is not a genuine one."""
    found = read_invite(payload, key)
    return found[0] if found is not None else None


def read_invite(payload: str, key: bytes) -> tuple[int, bool] | None:
    """Return (company, whether it makes the opener its contact) of a genuine invite code."""
    match = _CODE.match(payload)
    if match is None:
        return None
    company_id, purpose = int(match.group(2)), _PURPOSES[match.group(1)]
    if not hmac.compare_digest(match.group(3), _signature(company_id, key, purpose)):
        return None
    return company_id, purpose == "contact"
