"""The FAQ-improvement page for staff (/unanswered): what the FAQ is missing or answers badly.

Questions the assistant could not answer, grouped by similarity (twenty wordings of one
question are one line with a count); answers people said did not help, per entry; and the most
asked entries with their 👍/👎. Only folded question texts and counts are shown, never who asked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.answering import normalise_question
from bot.domain.answering.grouping import group_similar
from bot.screens.answers import AnswerScreens
from bot.screens.buttons import STAFF_HOME, StaffMenu
from handlers.replies import show
from handlers.staff_access import staff
from storage.tickets import NORMALISED_LIMIT, NOT_FOUND

DEFAULT_DAYS = 30
MAX_DAYS = 3650
SHOWN = 10
GROUPED_FROM = 500  # the most frequent wordings grouped into the lines shown


async def record_not_found(update: Update, caller: Caller) -> None:
    """Count the typed question the assistant found nothing for."""
    message = update.message
    if message is None or not message.text:
        return
    await caller.services.tickets.record_unanswered(
        normalise_question(message.text), caller.language, NOT_FOUND, caller.person.id
    )


async def unanswered_command(update: Update, context: AssistantContext) -> None:
    """Show the FAQ-improvement page: unanswered questions, unhelpful answers, most asked."""
    caller = context.caller
    days = _days(context.args or [])
    since = datetime.now(UTC) - timedelta(days=days)
    services = caller.services
    unhelpful_items = await services.asked.unhelpful(since, GROUPED_FROM)
    # A question whose answer got 👎 before it went to the team is listed under that answer only.
    rated_down = {item.question for item in unhelpful_items}
    unanswered = [
        item
        for item in await services.tickets.most_unanswered(since, GROUPED_FROM)
        if item.question not in rated_down
    ]
    groups = group_similar([(item.question, item.asked) for item in unanswered])[:SHOWN]
    # Counted in folded form; shown as one person typed it ("Üyelik ücreti?", not "uyelik ucreti").
    typed = await services.asked.as_typed([group.question for group in groups])
    # A question written straight to the team was never typed to the assistant: its ticket has it.
    missing = {group.question for group in groups} - set(typed)
    if missing:
        for text in await services.tickets.questions_to_team(since):
            folded = normalise_question(text)[:NORMALISED_LIMIT].strip()
            if folded in missing:
                typed[folded] = text
    groups = [
        replace(group, question=typed.get(group.question, group.question)) for group in groups
    ]
    screens = AnswerScreens(services.texts, services.catalogue, caller.language)
    uses = [
        (screens.entry_title(use.entry) or use.entry, use)
        for use in await services.asked.entry_uses(since, SHOWN)
    ]
    by_entry: dict[str, list[tuple[str, int]]] = {}
    typed_unhelpful = await services.asked.as_typed([item.question for item in unhelpful_items])
    for item in unhelpful_items:
        question = typed_unhelpful.get(item.question, item.question)
        by_entry.setdefault(item.entry, []).append((question, item.count))
    unhelpful = [
        (screens.entry_title(entry) or entry, sum(n for _, n in found), group_similar(found)[:3])
        for entry, found in by_entry.items()
    ]
    unhelpful.sort(key=lambda item: -item[1])
    text = caller.render(
        "faq_improvement", groups=groups, uses=uses, unhelpful=unhelpful[:SHOWN], days=days
    )
    await show(update, text, [[caller.button("staff_menu", STAFF_HOME)]])


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
            CallbackQueryHandler(
                unanswered_command, pattern=StaffMenu.pattern(screen="unanswered")
            ),
        ],
    )
