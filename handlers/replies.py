"""What every handler does the same way: know the person, build buttons, show a screen."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import AssistantContext, Services
from storage.people import Person

logger = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[InlineKeyboardButton]]


@dataclass(frozen=True)
class Visit:
    """The person behind an update, in their language."""

    services: Services
    person: Person
    language: str

    def render(self, template: str, **context: Any) -> str:
        """Render a template in the person's language."""
        return self.services.texts.render(self.language, template, **context)

    def label(self, name: str) -> str:
        """Return a button label in the person's language."""
        return self.services.texts.label(self.language, name)

    def button(self, label_name: str, data: str) -> InlineKeyboardButton:
        """Return a callback button with a label from `labels.j2`."""
        return InlineKeyboardButton(self.label(label_name), callback_data=data)


async def visit(update: Update, context: AssistantContext) -> Visit:
    """Record the person behind the update and work out their language."""
    services = context.services
    user = update.effective_user
    if user is None:
        raise ValueError("an update without a user reached a person handler")
    person = await services.people.seen(user.id, user.language_code)
    return Visit(services, person, services.language_of(person, user))


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    """Return an inline keyboard, or None when there are no buttons."""
    kept = [list(row) for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


async def show(update: Update, text: str, rows: Keyboard = ()) -> None:
    """Show a screen: edit the message a button was pressed on, or send a new one."""
    markup = keyboard(rows)
    query = update.callback_query
    if query is not None and query.message is not None and query.message.is_accessible:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as error:
            if "not modified" in error.message:
                return
            # The message may be too old to edit or be a document: send a fresh one.
            logger.debug("Could not edit, sending instead: %s", error.message)
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, reply_markup=markup)


async def acknowledge(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press so the person's spinner stops."""
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text, show_alert=alert)
        except BadRequest as error:
            # A press older than Telegram's window can't be answered; the screen still updates.
            logger.debug("Could not answer callback: %s", error.message)
