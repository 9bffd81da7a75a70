"""The staff menu: `/staff` opens it; each button leads to one staff feature.

Broadcasts (`sm:broadcast`), statistics (`sm:stats`) and tickets (`sm:unanswered`) are
answered by their own features.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.screens.buttons import StaffMenu, StaffSurveys
from handlers.replies import Keyboard, show
from handlers.staff_access import staff


def menu_rows(caller: Caller) -> Keyboard:
    """Return the staff menu buttons the person's role allows."""
    read, manage = caller.can(Ability.READ), caller.can(Ability.MANAGE)
    return [
        [
            caller.button("staff_events", StaffMenu("events")),
            *([caller.button("staff_new_event", StaffMenu("newevent"))] if manage else []),
        ],
        [
            *([caller.button("staff_exports", StaffMenu("exports"))] if read else []),
            *([caller.button("staff_import", StaffMenu("import"))] if manage else []),
        ],
        [
            *([caller.button("staff_broadcast", StaffMenu("broadcast"))] if manage else []),
            *([caller.button("staff_stats", StaffMenu("stats"))] if read else []),
        ],
        [caller.button("staff_tickets", StaffMenu("tickets"))] if manage else [],
        [caller.button("staff_claims", StaffMenu("claims"))] if read else [],
        [caller.button("staff_unanswered", StaffMenu("unanswered"))] if read else [],
        [caller.button("staff_surveys", StaffSurveys())] if read else [],
        [caller.button("staff_consent", StaffMenu("consent"))] if manage else [],
        [caller.button("staff_privacy_log", StaffMenu("privacylog"))] if manage else [],
        [caller.button("staff_team", StaffMenu("team"))] if caller.can(Ability.TEAM) else [],
    ]


async def staff_menu(update: Update, context: AssistantContext) -> None:
    """Open the staff menu."""
    caller = context.caller
    await show(update, caller.render("staff_menu"), menu_rows(caller))


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return staff(
        Ability.BROWSE,
        [
            CommandHandler("staff", staff_menu, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(staff_menu, pattern=StaffMenu.pattern(screen="home")),
        ],
    )
