"""Person settings: reminders, announcements and language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from handlers.replies import Visit, acknowledge, show, visit


async def settings_command(update: Update, context: AssistantContext) -> None:
    """Show the settings with a switch for each."""
    guest = await visit(update, context)
    await acknowledge(update)
    await show_settings(update, guest)


async def show_settings(update: Update, guest: Visit) -> None:
    """Render the settings screen."""
    person = guest.person
    rows = [
        [guest.button("reminders_off" if person.reminders_on else "reminders_on", "st:rem")],
        [
            guest.button(
                "announcements_off" if person.announcements_on else "announcements_on", "st:ann"
            )
        ],
        [guest.button("change_language", "m:language")],
        [guest.button("profile", "m:profile"), guest.button("privacy", "m:privacy")],
        [guest.button("home", "m:home")],
    ]
    await show(update, guest.render("settings", person=person), rows)


async def toggle(update: Update, context: AssistantContext) -> None:
    """Switch reminders or announcements."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    people = guest.services.people
    if context.matches[0].group(1) == "rem":
        await people.set_reminders(guest.person.id, not guest.person.reminders_on)
    else:
        await people.set_announcements(guest.person.id, not guest.person.announcements_on)
    await show_settings(update, await visit(update, context))


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("settings", settings_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(settings_command, pattern=r"^m:settings$"),
        CallbackQueryHandler(toggle, pattern=r"^st:(rem|ann)$"),
    ]
