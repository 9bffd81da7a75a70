"""Messages the assistant sends a person on its own: a seat from the waiting list, and more."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.context import Services
from bot.domain.calendar import calendar_filename, event_calendar
from bot.domain.checkin import send_checkin_code
from storage.content import Event
from storage.registrations import Registration

logger = logging.getLogger(__name__)


async def send_calendar(
    bot: ExtBot[None],
    services: Services,
    chat_id: int,
    event: Event,
    registration_id: int,
    language: str,
) -> None:
    """Send the registration's .ics file."""
    ics = event_calendar(
        event,
        registration_id,
        services.catalogue.cluster,
        services.settings.timezone,
        language,
    )
    await bot.send_document(chat_id, document=ics, filename=calendar_filename(event))


async def tell_promoted(
    bot: ExtBot[None], services: Services, event: Event, promoted: Iterable[Registration]
) -> None:
    """Tell each person who got a seat from the waiting list, with the calendar file."""
    for registration in promoted:
        if registration.person_id is None:
            continue
        language = await services.language_of_person(registration.person_id)
        texts = services.texts
        text = texts.render(language, "promoted", event=event)
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.label(language, "my_registrations"), callback_data="m:my"
                    )
                ]
            ]
        )
        try:
            await bot.send_message(registration.person_id, text, reply_markup=markup)
            await send_calendar(
                bot, services, registration.person_id, event, registration.id, language
            )
            await send_checkin_code(
                bot, services, registration.person_id, event, registration, language
            )
        except Forbidden:
            await services.people.mark_unreachable(registration.person_id)
        except TelegramError:
            logger.exception("Could not tell person %s about their seat", registration.person_id)


async def fill_free_seats(bot: ExtBot[None], services: Services) -> int:
    """Give free seats of upcoming events to waiting people, and tell them.

    Seats free up outside a cancellation too: an import that raised a capacity (in Telegram
    or from the command line while the bot was stopped). Run after every import and at start.
    """
    now = datetime.now(UTC)
    promoted_count = 0
    for event in services.catalogue.events:
        if event.starts_at <= now:
            continue
        promoted = await services.registrations.promote_waiting(event)
        if promoted:
            await tell_promoted(bot, services, event, promoted)
            promoted_count += len(promoted)
    return promoted_count
