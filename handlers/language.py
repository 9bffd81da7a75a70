"""Choosing the language the assistant speaks."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from handlers.replies import Keyboard, Visit, acknowledge, show, visit


def language_buttons(guest: Visit) -> Keyboard:
    """Return the two language buttons."""
    return [[guest.button("language_tr", "lang:tr"), guest.button("language_en", "lang:en")]]


async def language_command(update: Update, context: AssistantContext) -> None:
    """Offer Turkish and English."""
    guest = await visit(update, context)
    await acknowledge(update)
    await show(update, guest.render("language", changed=False), language_buttons(guest))


async def choose_language(update: Update, context: AssistantContext) -> None:
    """Remember the chosen language and confirm in it."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    language = context.matches[0].group(1)
    await guest.services.people.set_language(guest.person.id, language)
    chosen = Visit(guest.services, guest.person, language)
    await show(update, chosen.render("language", changed=True), [[chosen.button("home", "m:home")]])


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("language", language_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(language_command, pattern=r"^m:language$"),
        CallbackQueryHandler(choose_language, pattern=r"^lang:(tr|en)$"),
    ]
