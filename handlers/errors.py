"""The single error handler: log with the traceback, apologise to the person, tell the staff.

A 403 is not an error: the person blocked the assistant (or it left a group) while their update
was handled. They are marked unreachable and nothing more is sent, neither apology nor alert.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError

from bot.context import AssistantContext
from bot.screens.buttons import HOME

logger = logging.getLogger(__name__)


async def on_error(update: object, context: AssistantContext) -> None:
    """Log the error and send the person a polite apology; never raise."""
    if isinstance(update, Update) and isinstance(context.error, Forbidden):
        await _unreachable(update, context, context.error)
        return
    logger.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    services = context.services
    caller = context.known_caller
    language = caller.language if caller else services.language_of(None, update.effective_user)
    apology = services.texts.render(language, "error")
    chat = update.effective_chat
    try:
        # The pressed button carries the apology, unless a handler answered it already.
        if not await context.acknowledge(apology, alert=True) and _is_private(update):
            assert chat is not None
            # A way on from the apology: the menu, rather than a command to remember.
            home = InlineKeyboardButton(
                services.texts.label(language, "home"), callback_data=HOME.data
            )
            await context.bot.send_message(
                chat.id, apology, reply_markup=InlineKeyboardMarkup([[home]])
            )
    except Forbidden:
        pass
    except TelegramError:
        logger.exception("Could not apologise to the person")
    staff_chat = services.settings.staff_chat_id
    if staff_chat is not None:
        try:
            # Only the kind of error: its text may quote what a person typed.
            text = services.texts.render(
                services.settings.default_language,
                "staff_error",
                kind=type(context.error).__name__,
            )
            await context.bot.send_message(staff_chat, text)
        except TelegramError:
            logger.exception("Could not tell the staff chat about an error")


async def _unreachable(update: Update, context: AssistantContext, error: Forbidden) -> None:
    """Stop talking to a person who blocked the assistant; one line in the log."""
    if context.turn is not None:
        context.turn.unreachable = True
    chat = update.effective_chat
    if chat is not None and _is_private(update):
        await context.services.people.mark_unreachable(chat.id)
        logger.info("Person %s blocked the assistant; marked unreachable", chat.id)
    else:
        logger.warning("Telegram refused a send for chat %s: %s", chat and chat.id, error.message)


def _is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE
