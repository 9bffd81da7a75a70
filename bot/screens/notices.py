"""Notices about a person's event: it changed, it was cancelled, a seat opened up for them.

Also the files a confirmed seat comes with: the calendar file and the check-in code.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.calendar import calendar_filename, event_calendar
from bot.domain.checkin import checkin_link, checkin_png
from bot.screens.buttons import EventList, EventPage, Menu
from bot.screens.outgoing import DocumentMessage, PhotoMessage, TextMessage
from bot.screens.reminders import event_buttons
from bot.screens.texts import Texts
from storage.content import ClusterInfo, Event
from storage.registrations import Registration


def event_changed_screen(
    texts: Texts,
    before: Event,
    event: Event,
    registration_id: int,
    language: str,
    *,
    time_changed: bool,
    place_changed: bool,
    confirmed: bool,
) -> TextMessage:
    """Return the notice that an event's time or place changed, old and new side by side."""
    text = texts.render(
        language,
        "event_changed",
        before=before,
        event=event,
        time_changed=time_changed,
        place_changed=place_changed,
        confirmed=confirmed,
    )
    return TextMessage(text, event_buttons(texts, event, registration_id, language))


def event_cancelled_screen(
    texts: Texts,
    title: str,
    starts_at: datetime,
    language: str,
    waitlisted: bool = False,
    applied: bool = False,
) -> TextMessage:
    """Return the notice that an event was cancelled, with the way to the other events.

    `applied`: the person had applied (an event where staff select), not registered.
    """
    text = texts.render(
        language,
        "event_cancelled",
        title=title,
        starts_at=starts_at,
        waitlisted=waitlisted,
        applied=applied,
    )
    button = InlineKeyboardButton(
        texts.label(language, "all_events"), callback_data=EventList().data
    )
    return TextMessage(text, InlineKeyboardMarkup([[button]]))


def registration_cancelled_screen(
    texts: Texts,
    title: str,
    starts_at: datetime,
    language: str,
    *,
    waitlisted: bool,
    reason: str | None,
) -> TextMessage:
    """Return the polite notice that staff cancelled the person's registration (and why)."""
    text = texts.render(
        language,
        "registration_cancelled",
        title=title,
        starts_at=starts_at,
        waitlisted=waitlisted,
        reason=reason,
    )
    button = InlineKeyboardButton(
        texts.label(language, "all_events"), callback_data=EventList().data
    )
    return TextMessage(text, InlineKeyboardMarkup([[button]]))


def event_message_screen(texts: Texts, event: Event, html: str, language: str) -> TextMessage:
    """Return staff's notice to the event's registrants under the event's title."""
    text = texts.render(language, "event_message", event=event, body=html)
    button = InlineKeyboardButton(
        texts.label(language, "event_page"), callback_data=EventPage(event.id).data
    )
    return TextMessage(text, InlineKeyboardMarkup([[button]]))


def promoted_screen(texts: Texts, event: Event, language: str) -> TextMessage:
    """Return the news that a seat opened up and is now the person's."""
    text = texts.render(language, "promoted", event=event)
    button = InlineKeyboardButton(
        texts.label(language, "my_registrations"), callback_data=Menu("my").data
    )
    return TextMessage(text, InlineKeyboardMarkup([[button]]))


def calendar_document(
    cluster: ClusterInfo,
    timezone: ZoneInfo,
    event: Event,
    registration_id: int,
    language: str,
    sequence: int = 0,
) -> DocumentMessage:
    """Return the registration's .ics file; `sequence` is the event's, so a newer file replaces
    the entry an older one made."""
    ics = event_calendar(event, registration_id, cluster, timezone, language, sequence=sequence)
    return DocumentMessage(ics, calendar_filename(event))


def checkin_photo(
    texts: Texts, bot_username: str, event: Event, registration: Registration, language: str
) -> PhotoMessage | None:
    """Return a confirmed person's check-in code, or None: online events have no door."""
    if registration.checkin_token is None or registration.status != "confirmed":
        return None
    if event.location is None:
        return None
    photo = checkin_png(checkin_link(bot_username, registration.checkin_token))
    return PhotoMessage(photo, texts.render(language, "checkin_code", event=event))
