"""Reminders before an event and the feedback survey after it."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.screens.buttons import SCORES, CancelRegistration, EventPage, SurveyAnswer
from bot.screens.outgoing import TextMessage
from bot.screens.texts import Texts
from storage.content import Event


def event_buttons(
    texts: Texts, event: Event, registration_id: int, language: str
) -> InlineKeyboardMarkup:
    """Return "Details" (the event's page) and "I can't come" (the cancel flow)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.label(language, "reminder_details"),
                    callback_data=EventPage(event.id).data,
                )
            ],
            [
                InlineKeyboardButton(
                    texts.label(language, "reminder_cant_come"),
                    callback_data=CancelRegistration(registration_id).data,
                )
            ],
        ]
    )


def reminder_screen(
    texts: Texts, event: Event, registration_id: int, language: str, now: datetime
) -> TextMessage:
    """Return the reminder of an event about to start, with its buttons."""
    seconds = (event.starts_at - now).total_seconds()
    # People say "tomorrow", not "in 24 hours": count calendar days in the cluster's zone.
    zone = texts.timezone
    days = (event.starts_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    text = texts.render(
        language, "reminder", event=event, minutes=round(seconds / 60), days_ahead=days
    )
    return TextMessage(text, event_buttons(texts, event, registration_id, language))


def survey_screen(texts: Texts, event: Event, registration_id: int, language: str) -> TextMessage:
    """Return the invitation to an event's feedback survey: a rating from 1 to 5 that counts
    at once, then the survey's other questions (handlers/surveys.py)."""
    text = texts.render(language, "survey", event=event)
    return TextMessage(text, InlineKeyboardMarkup([rating_row(registration_id)]))


def rating_row(registration_id: int) -> list[InlineKeyboardButton]:
    """Return the 1 to 5 buttons of the survey (their data never changes: old messages work)."""
    return [
        InlineKeyboardButton(
            str(score), callback_data=SurveyAnswer(registration_id, str(score)).data
        )
        for score in SCORES
    ]
