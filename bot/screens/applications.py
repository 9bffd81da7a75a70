"""Messages about an application sent through the outbox: the decision, the reminder to confirm,
and the note to the team about a place nobody is left to take."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.screens.buttons import (
    ApplicationReview,
    ConfirmPlace,
    EventList,
    EventPage,
    StaffEventPage,
    WithdrawApplication,
)
from bot.screens.outgoing import TextMessage
from bot.screens.texts import Texts
from storage.content import Event


def _button(texts: Texts, language: str, label: str, data: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(texts.label(language, label), callback_data=data)]


def decision_screen(
    texts: Texts,
    event: Event,
    application_id: int,
    decision: str,
    note: str | None,
    confirm_by: datetime | None,
    offered: bool,
    language: str,
) -> TextMessage:
    """Return the decision on an application; an accepted place comes with confirm and give back.

    `offered`: the place came from the reserve list, not from staff's first decision.
    """
    text = texts.render(
        language,
        "application_decision",
        event=event,
        decision=decision,
        note=note,
        confirm_by=confirm_by,
        offered=offered,
    )
    if decision == "accepted":
        rows = [
            _button(texts, language, "confirm_place", ConfirmPlace(application_id).data),
            _button(texts, language, "give_back_place", WithdrawApplication(application_id).data),
        ]
    elif decision == "reserve":
        rows = [
            _button(texts, language, "event_page", EventPage(event.id).data),
            _button(
                texts, language, "withdraw_application", WithdrawApplication(application_id).data
            ),
        ]
    else:
        rows = [_button(texts, language, "all_events", EventList().data)]
    return TextMessage(text, InlineKeyboardMarkup(rows))


def place_reminder_screen(
    texts: Texts, event: Event, application_id: int, confirm_by: datetime, language: str
) -> TextMessage:
    """Return the reminder to confirm an accepted place before its deadline."""
    text = texts.render(language, "place_reminder", event=event, confirm_by=confirm_by)
    rows = [
        _button(texts, language, "confirm_place", ConfirmPlace(application_id).data),
        _button(texts, language, "give_back_place", WithdrawApplication(application_id).data),
    ]
    return TextMessage(text, InlineKeyboardMarkup(rows))


def places_unfilled_screen(
    texts: Texts, event: Event, after_cutoff: bool, free: int | None, language: str
) -> TextMessage:
    """Return the note to the team that a place is free and nobody is left to offer it to."""
    text = texts.render(
        language, "places_unfilled", event=event, after_cutoff=after_cutoff, free=free
    )
    rows = [
        _button(texts, language, "staff_applications", ApplicationReview(event.id).data),
        _button(texts, language, "staff_back_to_event", StaffEventPage(event.id).data),
    ]
    return TextMessage(text, InlineKeyboardMarkup(rows))
