"""Personal check-in codes: a QR code of a deep link that staff scan at the door.

The link opens the assistant with `/start ci_<token>`; the token is the registration's
unguessable `checkin_token`. For staff it marks the person present; for anyone else it is a
plain /start, so a photographed code reveals nothing.
"""

from __future__ import annotations

import io
import re

import segno

PAYLOAD_PREFIX = "ci_"
# Telegram allows [A-Za-z0-9_-] in a start parameter; tokens are secrets.token_urlsafe.
CHECKIN_PAYLOAD = re.compile(r"^ci_([A-Za-z0-9_-]{8,60})$")


def checkin_link(bot_username: str, token: str) -> str:
    """Return the deep link a check-in code holds."""
    return f"https://t.me/{bot_username}?start={PAYLOAD_PREFIX}{token}"


def checkin_png(link: str) -> bytes:
    """Return the QR code of a link as PNG bytes, large enough to scan from a phone screen."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def token_of(payload: str) -> str | None:
    """Return the check-in token of a /start payload, if it is one."""
    match = CHECKIN_PAYLOAD.match(payload)
    return match.group(1) if match is not None else None
