"""Member settings: reminders, announcements and language."""

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
    member = guest.member
    rows = [
        [guest.button("reminders_off" if member.reminders_on else "reminders_on", "st:rem")],
        [
            guest.button(
                "announcements_off" if member.announcements_on else "announcements_on", "st:ann"
            )
        ],
        [guest.button("change_language", "m:language")],
        [guest.button("profile", "m:profile"), guest.button("privacy", "m:privacy")],
        [guest.button("home", "m:home")],
    ]
    await show(update, guest.render("settings", member=member), rows)


async def toggle(update: Update, context: AssistantContext) -> None:
    """Switch reminders or announcements."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    members = guest.services.members
    if context.matches[0].group(1) == "rem":
        await members.set_reminders(guest.member.id, not guest.member.reminders_on)
    else:
        await members.set_announcements(guest.member.id, not guest.member.announcements_on)
    await show_settings(update, await visit(update, context))


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("settings", settings_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(settings_command, pattern=r"^m:settings$"),
        CallbackQueryHandler(toggle, pattern=r"^st:(rem|ann)$"),
    ]
