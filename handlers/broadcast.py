"""`/broadcast`: staff write an announcement, choose who gets it, preview it, send or schedule it.

The draft is a row in SQLite (storage.broadcasts) and every button carries its id, so the
buttons keep working after a restart and a forged one is checked like any other: staff only,
the staff member's own draft, still a draft. What is typed (the announcement itself, the
second language's text, a time) is a step of the broadcast form (handlers/forms.py), opened
by /broadcast or by the panel's buttons, with the draft's id as its subject. Sending belongs to
the outbox worker (bot/outbox/worker.py): it claims the recipients' rows within the shared
rate budget, edits the progress message shown here and sends the final report.

The draft's panel and its send, schedule and stop buttons are in broadcast_panel, the audience
choice in broadcast_audience, and what the outbox worker sends in bot.screens.broadcasts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller, Services
from bot.domain.access import Ability
from bot.domain.forms import OTHER, Answers, Flow, MessageStep, Moved
from bot.screens.broadcasts import broadcast_message, listed
from bot.screens.buttons import (
    AudienceChoice,
    DraftStep,
    QuickTime,
    RegistrantStatus,
    StopBroadcast,
)
from bot.screens.outgoing import post
from handlers.broadcast_audience import (
    audience_chosen,
    audience_list,
)
from handlers.broadcast_panel import (
    discard,
    draft_gone,
    own_draft,
    panel_screen,
    quick_chosen,
    repository,
    schedule,
    send_now,
    send_panel,
    show_when,
    stop,
    typed_time,
    view,
)
from handlers.forms import Form, FormCall, open_form
from handlers.replies import show
from handlers.staff_access import staff
from storage.broadcasts import DOCUMENT, PHOTO, Broadcast

FORM_TIMEOUT = 30 * 60
# Telegram's limit for a photo's or document's caption.
CAPTION_LIMIT = 1024


def _one_step(step: str, answers: Answers) -> bool:
    # Each opening asks one thing (the announcement, its other version, a time): no step follows.
    return False


class BroadcastForm(Form):
    """What staff type for a broadcast: the announcement, its second version, or a time."""

    kind = "broadcast"
    code = "bc"
    ability = Ability.MANAGE
    closed_template = "broadcast_closed"
    flow = Flow(
        "broadcast",
        (
            MessageStep("compose", back=False, photos=True, documents=True),
            MessageStep("version", back=False),
            MessageStep("when", back=False),
        ),
        _one_step,
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    def closed_text(self, services: Services, language: str, *, timeout: bool) -> str | None:
        what = "timeout" if timeout else "form"
        return services.texts.render(language, "broadcast_closed", what=what, number=0)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller, step = call.caller, call.state.step
        if step == "compose":
            shown = "kind" if reason == OTHER else reason
            await _ask_content(call.update, caller, shown, call.details.get("error"))
            return
        draft = await self._draft(call)
        if draft is None:
            await draft_gone(call.update, caller)
        elif step == "version":
            shown = "text" if reason == OTHER else reason
            await _ask_version(call.update, caller, draft, shown, call.details.get("length", 0))
        else:
            await show_when(call.update, caller, draft, "moment" if reason == OTHER else reason)

    async def _draft(self, call: FormCall) -> Broadcast | None:
        subject = call.state.subject
        if subject is None:
            return None
        return await repository(call.services).draft_of(int(subject), call.caller.person.id)

    async def finish(self, call: FormCall) -> Moved | None:
        step = call.state.step
        typed = call.state.answers[step]
        if step == "compose":
            return await _composed(call, typed)
        draft = await self._draft(call)
        if draft is None:
            await draft_gone(call.update, call.caller)
            return None
        if step == "version":
            return await _version_typed(call, draft, typed)
        at, reason = typed_time(typed["text"], call.services, datetime.now(UTC))
        if at is None:
            return Moved(call.state, reason)
        await schedule(call.update, call.context, call.caller, draft, at)
        return None


BROADCAST = BroadcastForm()


# -- writing the announcement ------------------------------------------------------------------


async def begin(update: Update, context: AssistantContext) -> None:
    """Ask for the announcement, listing the staff member's drafts and what is scheduled."""
    caller = context.caller
    await open_form(update, context, caller, BROADCAST, step="compose")


async def _ask_content(
    update: Update, caller: Caller, reason: str | None = None, error: str | None = None
) -> None:
    store, catalogue = repository(caller.services), caller.services.catalogue
    drafts = await store.drafts_of(caller.person.id)
    scheduled = await store.scheduled()
    text = caller.render(
        "broadcast_compose",
        reason=reason,
        drafts=[listed(catalogue, draft, caller.language) for draft in drafts],
        scheduled=[listed(catalogue, broadcast, caller.language) for broadcast in scheduled],
        main=caller.services.settings.default_language,
        error=error,
    )
    rows: list[list[InlineKeyboardButton]] = [
        [
            InlineKeyboardButton(
                f"#{draft.id} · {caller.label('broadcast_open_draft')}",
                callback_data=DraftStep("v", draft.id).data,
            )
        ]
        for draft in drafts
    ]
    rows += [
        [
            InlineKeyboardButton(
                f"#{broadcast.id} · {caller.label('broadcast_unschedule')}",
                callback_data=StopBroadcast(broadcast.id).data,
            )
        ]
        for broadcast in scheduled
    ]
    await show(update, text, rows)


async def _composed(call: FormCall, typed: dict[str, Any]) -> Moved | None:
    """Store the announcement as a draft to everyone and show its preview."""
    caller = call.caller
    media_kind = {"photo": PHOTO, "document": DOCUMENT}.get(typed.get("kind", ""))
    html = typed["html"] if media_kind is None or typed.get("text") else None
    store = repository(caller.services)
    broadcast = await store.create_draft(
        caller.person.id,
        caller.services.settings.default_language,
        html,
        media_kind,
        typed.get("file_id"),
        datetime.now(UTC),
    )
    chat_id = _chat_id(call)
    problem = await _post_previews(call.context, chat_id, caller, broadcast)
    if problem is not None:
        await store.discard(broadcast.id, caller.person.id)
        call.details["error"] = problem
        return Moved(call.state, "refused")
    await send_panel(call.context, chat_id, caller, broadcast)
    return None


def _chat_id(call: FormCall) -> int:
    chat = call.update.effective_chat
    assert chat is not None
    return chat.id


async def _post_previews(
    context: AssistantContext,
    chat_id: int,
    caller: Caller,
    broadcast: Broadcast,
    languages: tuple[str, ...] | None = None,
) -> str | None:
    """Send the staff member each version exactly as people get it; return Telegram's refusal."""
    if languages is None:
        languages = (broadcast.main_language,)
        if broadcast.has_second_version:
            languages += (broadcast.other_language,)
    try:
        for language in languages:
            message = broadcast_message(caller.services.texts, broadcast, language)
            await post(context.bot, chat_id, message)
    except BadRequest as error:
        return error.message
    return None


# -- the second language's version --------------------------------------------------------


async def ask_version(update: Update, context: AssistantContext) -> None:
    """Ask for the text people of the other language get."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    await open_form(update, context, caller, BROADCAST, step="version", subject=str(draft.id))


async def _ask_version(
    update: Update, caller: Caller, draft: Broadcast, reason: str | None = None, length: int = 0
) -> None:
    text = caller.render(
        "broadcast_version", broadcast=draft, reason=reason, limit=CAPTION_LIMIT, length=length
    )
    await show(update, text, [[caller.button("back", DraftStep("v", draft.id))]])


async def _version_typed(call: FormCall, draft: Broadcast, typed: dict[str, Any]) -> Moved | None:
    """Store the second language's text and preview it."""
    caller = call.caller
    text = typed["text"]
    if draft.media_kind is not None and len(text) > CAPTION_LIMIT:
        call.details["length"] = len(text)
        return Moved(call.state, "too_long")
    store = repository(caller.services)
    changed = await store.set_version(
        draft.id, caller.person.id, draft.other_language, typed["html"]
    )
    if changed is None:
        await draft_gone(call.update, caller)
        return None
    chat_id = _chat_id(call)
    problem = await _post_previews(
        call.context, chat_id, caller, changed, (changed.other_language,)
    )
    if problem is not None:
        await store.set_version(draft.id, caller.person.id, draft.other_language, None)
        return Moved(call.state, "refused")
    await send_panel(call.context, chat_id, caller, changed)
    return None


async def remove_version(update: Update, context: AssistantContext) -> None:
    """Drop the second language's text: everyone gets the main one."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    changed = await repository(caller.services).set_version(
        draft.id, caller.person.id, draft.other_language, None
    )
    if changed is not None:
        text, rows = await panel_screen(caller, changed)
        await show(update, text, rows)


async def ask_when(update: Update, context: AssistantContext) -> None:
    """Ask when to send: a typed time, or a quick button."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    await open_form(update, context, caller, BROADCAST, step="when", subject=str(draft.id))


# -- wiring --------------------------------------------------------------------------------


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers; every draft button carries its draft's id."""

    def button(callback: Any, pattern: Any) -> CallbackQueryHandler[AssistantContext, object]:
        return CallbackQueryHandler(callback, pattern=pattern)

    def step(callback: Any, *steps: str) -> CallbackQueryHandler[AssistantContext, object]:
        return button(callback, DraftStep.pattern(step=steps))

    return staff(
        Ability.MANAGE,
        [
            CommandHandler("broadcast", begin, filters=filters.ChatType.PRIVATE),
            button(begin, r"^sm:broadcast$"),
            step(view, "v"),
            step(audience_list, "au", "sec", "lng", "reg", "att"),
            step(audience_chosen, "all"),
            button(audience_chosen, AudienceChoice.pattern()),
            button(audience_chosen, RegistrantStatus.pattern()),
            step(ask_version, "tx"),
            step(remove_version, "rx"),
            step(send_now, "go"),
            step(ask_when, "at"),
            button(quick_chosen, QuickTime.pattern()),
            step(discard, "del"),
            button(stop, StopBroadcast.pattern()),
        ],
    )
