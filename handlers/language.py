"""Choosing the language the assistant speaks."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.screens.buttons import HOME, ChooseLanguage, Menu
from handlers.replies import Keyboard, show


def language_buttons(caller: Caller) -> Keyboard:
    """Return the two language buttons."""
    return [
        [
            caller.button("language_tr", ChooseLanguage("tr")),
            caller.button("language_en", ChooseLanguage("en")),
        ]
    ]


async def language_command(update: Update, context: AssistantContext) -> None:
    """Offer Turkish and English."""
    caller = context.caller
    await show(update, caller.render("language", changed=False), language_buttons(caller))


async def choose_language(update: Update, context: AssistantContext) -> None:
    """Remember the chosen language and confirm in it."""
    caller = context.caller
    language = ChooseLanguage.of(update).language
    await caller.services.people.set_language(caller.person.id, language)
    chosen = await context.refresh_caller()
    await show(update, chosen.render("language", changed=True), [[chosen.button("home", HOME)]])


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("language", language_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(language_command, pattern=Menu.pattern(screen="language")),
        CallbackQueryHandler(choose_language, pattern=ChooseLanguage.pattern()),
    ]
