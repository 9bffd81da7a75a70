"""Polite answers to what the assistant can't handle, and to stale or forged buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import AssistantContext
from bot.screens.buttons import HOME


async def unknown_command(update: Update, context: AssistantContext) -> None:
    """Say the command is unknown and point to /help."""
    await _reply(update, context, "command")


async def nothing_to_cancel(update: Update, context: AssistantContext) -> None:
    """Answer /cancel when no form or question is in progress."""
    caller = context.caller
    message = update.effective_message
    if message is not None:
        menu = InlineKeyboardMarkup([[caller.button("home", HOME)]])
        await message.reply_text(caller.render("nothing_to_cancel"), reply_markup=menu)


async def sticker(update: Update, context: AssistantContext) -> None:
    """Thank for the sticker and ask for words."""
    await _reply(update, context, "sticker")


async def voice(update: Update, context: AssistantContext) -> None:
    """Ask for the question in writing."""
    await _reply(update, context, "voice")


async def anything_else(update: Update, context: AssistantContext) -> None:
    """Explain which messages the assistant understands."""
    await _reply(update, context, "other")


async def _reply(update: Update, context: AssistantContext, what: str) -> None:
    caller = context.caller
    message = update.effective_message
    if message is not None:
        await message.reply_text(caller.render("unsupported", what=what))


async def stale_button(update: Update, context: AssistantContext) -> None:
    """Answer a button whose data no handler accepted: old, removed or forged."""
    # Also pressed by group members the assistant keeps nothing about: Telegram's language then.
    caller = context.known_caller
    services = context.services
    language = caller.language if caller else services.language_of(None, update.effective_user)
    await context.acknowledge(services.texts.render(language, "not_available"), alert=True)


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the catch-alls; registered last so every feature gets the first look."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("cancel", nothing_to_cancel, filters=private),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & filters.Sticker.ALL, sticker),
        MessageHandler(private & (filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE), voice),
        MessageHandler(private & ~filters.StatusUpdate.ALL, anything_else),
        CallbackQueryHandler(stale_button),
    ]
