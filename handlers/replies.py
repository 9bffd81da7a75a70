"""What every handler does the same way: build buttons and show a screen."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import Caller
from bot.screens.buttons import STAFF_HOME

logger = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[InlineKeyboardButton]]


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


async def show_staff_gone(update: Update, caller: Caller) -> None:
    """Tell staff what they pressed is no longer there, with the way back to the staff menu."""
    await show(update, caller.render("not_available"), [[caller.button("staff_menu", STAFF_HOME)]])
