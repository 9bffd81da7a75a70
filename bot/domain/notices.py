"""Seats that free up outside a cancellation go to the waiting list.

The promotion and its news (text, calendar file, check-in code) are written in one
transaction by storage.registrations; the outbox worker sends the news.
"""

from __future__ import annotations

from datetime import UTC, datetime

from storage.content import Catalogue
from storage.registrations import RegistrationRepository


async def fill_free_seats(
    registrations: RegistrationRepository, catalogue: Catalogue, now: datetime | None = None
) -> int:
    """Give free seats of upcoming events to waiting people; return how many got one.

    Seats free up outside a cancellation too: an import that raised a capacity (in Telegram
    or from the command line while the bot was stopped). Run after every import and at start.
    """
    moment = now or datetime.now(UTC)
    promoted = 0
    for event in catalogue.events:
        if event.starts_at > moment:
            promoted += len(await registrations.promote_waiting(event, moment))
    return promoted
