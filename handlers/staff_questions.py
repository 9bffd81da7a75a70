"""Questions the assistant could not answer: counted as they come, listed for staff (/unanswered).

Only the normalised question, its language and how it ended are shown, never who asked (the
person is kept only so that erasing their data erases their questions too).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.answering import normalise_question
from handlers.replies import show
from handlers.staff_access import staff
from storage.tickets import NOT_FOUND

DEFAULT_DAYS = 30
MAX_DAYS = 3650
SHOWN = 15


async def record_not_found(update: Update, caller: Caller) -> None:
    """Count the typed question the assistant found nothing for."""
    message = update.message
    if message is None or not message.text:
        return
    await caller.services.tickets.record_unanswered(
        normalise_question(message.text), caller.language, NOT_FOUND, caller.person.id
    )


async def unanswered_command(update: Update, context: AssistantContext) -> None:
    """List the most frequent unanswered questions (staff only; from /unanswered or the menu)."""
    caller = context.caller
    days = _days(context.args or [])
    since = datetime.now(UTC) - timedelta(days=days)
    found = await caller.services.tickets.most_unanswered(since, SHOWN)
    text = caller.render("ticket_unanswered", questions=found, days=days)
    await show(update, text, [[caller.button("staff_menu", "sm:home")]])


def _days(args: list[str]) -> int:
    """Read the optional period in days (`/unanswered 90`); fall back to the default."""
    if args and args[0].isascii() and args[0].isdigit():
        return min(max(int(args[0]), 1), MAX_DAYS)
    return DEFAULT_DAYS


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return staff(
        Ability.READ,
        [
            CommandHandler("unanswered", unanswered_command),
            CallbackQueryHandler(unanswered_command, pattern=r"^sm:unanswered$"),
        ],
    )
