"""The greeting, the main menu, help, and deep links that open an event."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.checkin import token_of
from bot.screens.buttons import HOME, Menu
from bot.screens.callback_data import ENTRY_ID
from handlers import companies, events, staff_attendees
from handlers.replies import Keyboard, show

_DEEP_LINK = re.compile(rf"^event_({ENTRY_ID})$")


def main_menu(caller: Caller) -> Keyboard:
    """Return the main menu buttons."""
    return [
        [
            caller.button("menu_events", Menu("events")),
            caller.button("menu_services", Menu("services")),
        ],
        [caller.button("menu_ask", Menu("ask")), caller.button("menu_my", Menu("my"))],
        [
            caller.button("menu_settings", Menu("settings")),
            caller.button("menu_help", Menu("help")),
        ],
    ]


async def start(update: Update, context: AssistantContext) -> None:
    """Greet the person, or open the event a deep link points at."""
    caller = context.caller
    payload = context.args[0] if context.args else ""
    token = token_of(payload)
    # A check-in code scanned by staff marks the person present; for anyone else it is /start.
    if token is not None and caller.can(Ability.CHECK_IN):
        await staff_attendees.check_in(update, context, caller, token)
        return
    if await companies.join(update, caller, payload):
        return
    match = _DEEP_LINK.match(payload)
    if match is not None:
        await events.show_event(update, caller, match.group(1))
        return
    user = update.effective_user
    services = caller.services.catalogue.cluster
    text = caller.render(
        "start",
        name=user.first_name if user is not None else "",
        cluster_name=services.name.get(caller.language),
    )
    await show(update, text, main_menu(caller))


async def home(update: Update, context: AssistantContext) -> None:
    """Show the main menu in place."""
    caller = context.caller
    cluster_name = caller.services.catalogue.cluster.name.get(caller.language)
    await show(update, caller.render("menu", cluster_name=cluster_name), main_menu(caller))


async def help_command(update: Update, context: AssistantContext) -> None:
    """Explain what the assistant can do."""
    caller = context.caller
    contact = caller.services.catalogue.cluster.contact
    await show(update, caller.render("help", contact=contact), [[caller.button("home", HOME)]])


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start, filters=private),
        CommandHandler("help", help_command, filters=private),
        CallbackQueryHandler(home, pattern=Menu.pattern(screen="home")),
        CallbackQueryHandler(help_command, pattern=Menu.pattern(screen="help")),
    ]
