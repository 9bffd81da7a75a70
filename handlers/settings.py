"""Person settings: reminders, announcements (an explicit consent) and language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.screens.buttons import HOME, Menu, ToggleSetting
from handlers import privacy
from handlers.replies import show


async def settings_command(update: Update, context: AssistantContext) -> None:
    """Show the settings with a switch for each."""
    caller = context.caller
    await show_settings(update, caller)


async def show_settings(update: Update, caller: Caller) -> None:
    """Render the settings screen."""
    person = caller.person
    rows = [
        [
            caller.button(
                "reminders_off" if person.reminders_on else "reminders_on", ToggleSetting("rem")
            )
        ],
        [
            caller.button(
                "announcements_off" if person.announcements_on else "announcements_on",
                ToggleSetting("ann"),
            )
        ],
        [caller.button("change_language", Menu("language"))],
        [caller.button("profile", Menu("profile")), caller.button("privacy", Menu("privacy"))],
        [caller.button("home", HOME)],
    ]
    await show(update, caller.render("settings", person=person), rows)


async def toggle(update: Update, context: AssistantContext) -> None:
    """Switch reminders or announcements."""
    caller = context.caller
    people = caller.services.people
    if ToggleSetting.of(update).setting == "rem":
        await people.set_reminders(caller.person.id, not caller.person.reminders_on)
    else:
        # Announcements rest on explicit consent: the switch gives or withdraws it.
        await privacy.switch_announcements(caller)
    await show_settings(update, await context.refresh_caller())


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("settings", settings_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(settings_command, pattern=Menu.pattern(screen="settings")),
        CallbackQueryHandler(toggle, pattern=ToggleSetting.pattern()),
    ]
