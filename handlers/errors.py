"""The single error handler: log with the traceback, apologise to the person, tell the staff."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import AssistantContext

logger = logging.getLogger(__name__)


async def on_error(update: object, context: AssistantContext) -> None:
    """Log the error and send the person a polite apology; never raise."""
    logger.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    services = context.services
    user = update.effective_user
    person = None
    try:
        person = await services.people.get(user.id) if user is not None else None
    except Exception:  # the database itself may be the problem
        logger.exception("Could not read the person while handling an error")
    language = services.language_of(person, user)
    apology = services.texts.render(language, "error")
    try:
        if update.callback_query is not None and await _answer(update, apology):
            pass
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, apology)
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


async def _answer(update: Update, apology: str) -> bool:
    """Answer the pressed button with the apology; False when it was answered already."""
    assert update.callback_query is not None
    try:
        await update.callback_query.answer(apology, show_alert=True)
    except TelegramError:
        return False
    return True
