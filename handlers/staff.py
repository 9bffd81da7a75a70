"""The staff menu: `/staff` opens it; each button leads to one staff feature.

Broadcasts (`sm:broadcast`), statistics (`sm:stats`) and tickets (`sm:unanswered`) are
answered by their own features.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from handlers.replies import Keyboard, Visit, acknowledge, show, visit
from handlers.staff_access import staff_only


def menu_rows(guest: Visit) -> Keyboard:
    """Return the staff menu buttons."""
    return [
        [guest.button("staff_events", "sm:events"), guest.button("staff_new_event", "sm:newevent")],
        [guest.button("staff_exports", "sm:exports"), guest.button("staff_import", "sm:import")],
        [guest.button("staff_broadcast", "sm:broadcast"), guest.button("staff_stats", "sm:stats")],
        [guest.button("staff_unanswered", "sm:unanswered")],
    ]


async def staff_menu(update: Update, context: AssistantContext) -> None:
    """Open the staff menu."""
    guest = await visit(update, context)
    await acknowledge(update)
    await show(update, guest.render("staff_menu"), menu_rows(guest))


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("staff", staff_only(staff_menu), filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(staff_only(staff_menu), pattern=r"^sm:home$"),
    ]
