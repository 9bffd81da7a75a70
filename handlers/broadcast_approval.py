"""The two-person rule for broadcasts to everyone (BROADCAST_APPROVAL=on).

Sending or scheduling such a broadcast puts it up for approval instead: its preview and a card
with approve/reject buttons go to the staff chat. Another staff member who may manage
broadcasts decides there (never its author); approval releases it through the outbox like any
broadcast, rejection tells the author. A second press, or a press on a card already decided,
gets a clear answer and changes nothing.
"""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller, Services
from bot.domain.access import Ability
from bot.screens.broadcasts import audience_view, broadcast_message
from bot.screens.buttons import STAFF_HOME, BroadcastVerdict
from bot.screens.outgoing import post
from handlers.replies import show
from handlers.staff_access import staff
from storage.broadcasts import EVERYONE, SCHEDULED, Broadcast, BroadcastRepository
from storage.outbox import queue_staff_notice

logger = logging.getLogger(__name__)


def needs_approval(services: Services, draft: Broadcast) -> bool:
    """Tell whether this draft must wait for a second staff member before it goes out."""
    return services.settings.broadcast_approval and draft.audience.kind == EVERYONE


def _repository(services: Services) -> BroadcastRepository:
    return BroadcastRepository(services.database, services.settings.default_language)


def _name(update: Update) -> str:
    user = update.effective_user
    return html.escape(user.full_name) if user is not None else "?"


async def ask_approval(
    update: Update,
    context: AssistantContext,
    caller: Caller,
    draft: Broadcast,
    at: datetime | None,
) -> None:
    """Put the draft up for approval and post its preview and card in the staff chat."""
    services = caller.services
    chat_id = services.settings.staff_chat_id
    # No progress message yet: the outbox worker posts a fresh one to the author once approved.
    waiting = await _repository(services).request_approval(draft.id, caller.person.id, at)
    if waiting is None or chat_id is None:
        await show(
            update, caller.render("not_available"), [[caller.button("staff_menu", STAFF_HOME)]]
        )
        return
    await services.audit.record(
        caller.person.id,
        "broadcast.approval_asked",
        f"broadcast:{waiting.id}",
        {"audience": waiting.audience.to_document(), "scheduled_at": at and at.isoformat()},
    )
    language = services.settings.default_language
    try:
        await post(context.bot, chat_id, broadcast_message(services.texts, waiting, language))
        await context.bot.send_message(
            chat_id,
            await _card(services, waiting, language, author=_name(update)),
            reply_markup=_verdict_buttons(services, waiting, language),
        )
    except TelegramError:
        # The broadcast still waits; the author is told the card could not be posted.
        logger.warning("Could not post approval card of broadcast %s", waiting.id, exc_info=True)
    await show(
        update,
        caller.render("broadcast_awaiting", broadcast=waiting),
        [[caller.button("staff_menu", STAFF_HOME)]],
    )


async def _card(
    services: Services,
    broadcast: Broadcast,
    language: str,
    *,
    author: str | None,
    decision: str | None = None,
    decider: str | None = None,
) -> str:
    count = await _repository(services).count_audience(broadcast.audience)
    return services.texts.render(
        language,
        "broadcast_approval",
        broadcast=broadcast,
        count=count,
        audience=audience_view(services.catalogue, broadcast.audience, language),
        author=author,
        decision=decision,
        decider=decider,
    )


def _verdict_buttons(services: Services, broadcast: Broadcast, language: str) -> Any:
    def button(label: str, verdict: str) -> InlineKeyboardButton:
        data = BroadcastVerdict(verdict, broadcast.id).data  # type: ignore[arg-type]
        return InlineKeyboardButton(services.texts.label(language, label), callback_data=data)

    return InlineKeyboardMarkup(
        [[button("broadcast_approve", "y"), button("broadcast_reject", "n")]]
    )


async def decide(update: Update, context: AssistantContext) -> None:
    """Approve or reject a broadcast from its card in the staff chat."""
    caller = context.caller
    services = caller.services
    pressed = BroadcastVerdict.of(update)
    store = _repository(services)
    waiting = await store.awaiting(pressed.broadcast_id)
    if waiting is None:
        await context.acknowledge(caller.render("broadcast_decided_already"), alert=True)
        return
    if waiting.staff_id == caller.person.id:
        await context.acknowledge(caller.render("broadcast_own_approval"), alert=True)
        return
    now = datetime.now(UTC)
    if pressed.verdict == "y":
        decided = await store.approve(waiting.id, caller.person.id, now)
    else:
        decided = await store.reject(waiting.id, caller.person.id, now)
    if decided is None:  # a colleague decided a moment earlier
        await context.acknowledge(caller.render("broadcast_decided_already"), alert=True)
        return
    decision = "rejected" if pressed.verdict == "n" else "approved"
    await services.audit.record(
        caller.person.id,
        "broadcast.approve" if decision == "approved" else "broadcast.reject",
        f"broadcast:{decided.id}",
        {
            "author": decided.staff_id,
            "audience": decided.audience.to_document(),
            "recipients": decided.recipients,
            "scheduled": decided.status == SCHEDULED,
        },
    )
    language = services.settings.default_language
    card = await _card(
        services,
        decided,
        language,
        author=None,
        decision=decision,
        decider=_name(update),
    )
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(card, reply_markup=None)
    except TelegramError:
        logger.info("Could not update the approval card of broadcast %s", decided.id)
    await context.acknowledge(services.texts.label(language, f"broadcast_{decision}_ack"))
    await _tell_author(services, decided, decision, _name(update), now)


async def _tell_author(
    services: Services, broadcast: Broadcast, decision: str, by: str, now: datetime
) -> None:
    # Through the outbox like every notice to the team: a 429 or a restart doesn't lose it.
    payload = {
        "about": "broadcast_verdict",
        "broadcast_id": broadcast.id,
        "decision": decision,
        "decider": by,
        "scheduled": broadcast.status == SCHEDULED,
    }
    async with services.database.transaction() as tx:
        await queue_staff_notice(tx, [broadcast.staff_id], payload, now)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return the approval card's buttons, for staff who may manage broadcasts."""
    return staff(Ability.MANAGE, [CallbackQueryHandler(decide, pattern=BroadcastVerdict.pattern())])
