"""Personal check-in codes: a QR code of a deep link that staff scan at the door.

The link opens the assistant with `/start ci_<token>`; the token is the registration's
unguessable `checkin_token`. For staff it marks the person present; for anyone else it is a
plain /start, so a photographed code reveals nothing.
"""

from __future__ import annotations

import io
import logging
import re

import segno
from telegram.error import Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.context import Services
from storage.content import Event
from storage.registrations import Registration

logger = logging.getLogger(__name__)

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


async def send_checkin_code(
    bot: ExtBot[None],
    services: Services,
    chat_id: int,
    event: Event,
    registration: Registration,
    language: str,
) -> None:
    """Send a confirmed person their personal check-in code, for an event held in a place."""
    # An online-only event has no door to scan a code at.
    if registration.checkin_token is None or registration.status != "confirmed":
        return
    if event.location is None:
        return
    photo = checkin_png(checkin_link(bot.username, registration.checkin_token))
    caption = services.texts.render(language, "checkin_code", event=event)
    try:
        await bot.send_photo(chat_id, photo=photo, caption=caption)
    except Forbidden:
        await services.people.mark_unreachable(chat_id)
    except TelegramError:
        # The confirmation itself went out; a missing code is not worth failing the sign-up.
        logger.exception("Could not send the check-in code to %s", chat_id)
