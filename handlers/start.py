"""The greeting, the main menu, help, and deep links that open an event."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from bot.domain.checkin import token_of
from bot.screens.links import ENTRY_ID
from handlers import events, staff_attendees
from handlers.replies import Keyboard, Visit, acknowledge, show, visit

_DEEP_LINK = re.compile(rf"^event_({ENTRY_ID})$")


def main_menu(guest: Visit) -> Keyboard:
    """Return the main menu buttons."""
    return [
        [guest.button("menu_events", "m:events"), guest.button("menu_services", "m:services")],
        [guest.button("menu_ask", "m:ask"), guest.button("menu_my", "m:my")],
        [guest.button("menu_settings", "m:settings"), guest.button("menu_help", "m:help")],
    ]


async def start(update: Update, context: AssistantContext) -> None:
    """Greet the person, or open the event a deep link points at."""
    guest = await visit(update, context)
    payload = context.args[0] if context.args else ""
    token = token_of(payload)
    # A check-in code scanned by staff marks the person present; for anyone else it is /start.
    if token is not None and guest.services.is_staff(guest.person.id):
        await staff_attendees.check_in(update, context, guest, token)
        return
    match = _DEEP_LINK.match(payload)
    if match is not None:
        await events.show_event(update, guest, match.group(1))
        return
    user = update.effective_user
    services = guest.services.catalogue.cluster
    text = guest.render(
        "start",
        name=user.first_name if user is not None else "",
        cluster_name=services.name.get(guest.language),
    )
    await show(update, text, main_menu(guest))


async def home(update: Update, context: AssistantContext) -> None:
    """Show the main menu in place."""
    guest = await visit(update, context)
    await acknowledge(update)
    cluster_name = guest.services.catalogue.cluster.name.get(guest.language)
    await show(update, guest.render("menu", cluster_name=cluster_name), main_menu(guest))


async def help_command(update: Update, context: AssistantContext) -> None:
    """Explain what the assistant can do."""
    guest = await visit(update, context)
    await acknowledge(update)
    contact = guest.services.catalogue.cluster.contact
    await show(update, guest.render("help", contact=contact), [[guest.button("home", "m:home")]])


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start, filters=private),
        CommandHandler("help", help_command, filters=private),
        CallbackQueryHandler(home, pattern=r"^m:home$"),
        CallbackQueryHandler(help_command, pattern=r"^m:help$"),
    ]
