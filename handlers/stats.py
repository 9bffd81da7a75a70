"""`/stats`: the cluster's impact report for staff: people, events, attendance, feedback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from bot.domain.access import Ability
from bot.screens.buttons import STAFF_HOME, StaffMenu
from handlers.replies import show
from handlers.staff_access import staff
from storage.stats import StatsRepository


async def stats_command(update: Update, context: AssistantContext) -> None:
    """Show the impact report."""
    caller = context.caller
    services = caller.services
    report = await StatsRepository(services.database, services.settings.default_language).impact(
        datetime.now(UTC)
    )
    catalogue = services.catalogue
    sectors = {sector.id: sector.name.get(caller.language) for sector in catalogue.sectors}
    titles = {
        past.event_id: event.title.get(caller.language) if event is not None else past.event_id
        for past in report.past
        for event in (catalogue.event(past.event_id),)
    }
    text = caller.render("stats", report=report, sectors=sectors, titles=titles)
    rows = [
        [
            caller.button("stats_refresh", StaffMenu("stats")),
            caller.button("staff_menu", STAFF_HOME),
        ]
    ]
    await show(update, text, rows)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return staff(
        Ability.READ,
        [
            CommandHandler("stats", stats_command, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(stats_command, pattern=StaffMenu.pattern(screen="stats")),
        ],
    )
