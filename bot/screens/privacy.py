"""Privacy screens sent on the assistant's own: the one-time question about announcements."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.screens.buttons import AnnouncementsAnswer
from bot.screens.outgoing import TextMessage
from bot.screens.texts import Texts


def consent_request_screen(texts: Texts, language: str, case: str) -> TextMessage:
    """Return the polite question whether the person wants announcements, yes or no.

    `case` says why they have none ("switched_off" by the rule change, or "never_answered").
    """
    rows = [
        [
            InlineKeyboardButton(
                texts.label(language, "announcements_yes"),
                callback_data=AnnouncementsAnswer("yes").data,
            )
        ],
        [
            InlineKeyboardButton(
                texts.label(language, "announcements_no"),
                callback_data=AnnouncementsAnswer("no").data,
            )
        ],
    ]
    text = texts.render(language, "consent_request", case=case)
    return TextMessage(text, InlineKeyboardMarkup(rows))
