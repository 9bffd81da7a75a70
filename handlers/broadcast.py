"""`/broadcast`: staff write an announcement, choose who gets it, preview it, send or schedule it.

The draft is a row in SQLite (storage.broadcasts) and every button carries its id, so the
buttons keep working after a restart and a forged one is checked like any other: staff only,
the staff member's own draft, still a draft. Only typed answers (the announcement itself, the
second language's text, a time) need a conversation state. Sending belongs to the dispatcher
(bot/outbox/worker.py): it claims the recipients' rows within the shared rate budget, edits the
progress message shown here and sends the final report.

The draft's panel and its send, schedule and stop buttons are in broadcast_panel, the audience
choice in broadcast_audience, and what the dispatcher sends in broadcast_messages.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.screens.broadcasts import broadcast_message, stop_data
from bot.screens.links import ENTRY_ID
from bot.screens.outgoing import post
from handlers.broadcast_audience import (
    AUDIENCE_CODES,
    AUDIENCE_LISTS,
    audience_chosen,
    audience_list,
)
from handlers.broadcast_panel import (
    COMPOSE,
    VERSION,
    WHEN,
    ask_when,
    discard,
    drop_form,
    form_gone,
    form_of,
    not_a_time,
    own_draft,
    panel_screen,
    quick_chosen,
    repository,
    send_now,
    send_panel,
    stop,
    typing_for,
    view,
    when_typed,
)
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from storage.broadcasts import DOCUMENT, PHOTO, Broadcast

FORM_TIMEOUT = 30 * 60
# Telegram's limit for a photo's or document's caption.
CAPTION_LIMIT = 1024
BROADCAST_ID = r"(\d{1,10})"


# -- writing the announcement ------------------------------------------------------------------


async def begin(update: Update, context: AssistantContext) -> int:
    """Ask for the announcement, listing the ones already scheduled."""
    caller = context.caller
    drop_form(context)
    await _ask_content(update, caller)
    return COMPOSE


async def _ask_content(
    update: Update, caller: Caller, reason: str | None = None, error: str | None = None
) -> None:
    scheduled = await repository(caller.services).scheduled()
    text = caller.render(
        "broadcast_compose",
        reason=reason,
        scheduled=scheduled,
        main=caller.services.settings.default_language,
        error=error,
    )
    rows: Keyboard = [
        [
            InlineKeyboardButton(
                f"#{broadcast.id} · {caller.label('broadcast_unschedule')}",
                callback_data=stop_data(broadcast.id),
            )
        ]
        for broadcast in scheduled
    ]
    await show(update, text, rows)


def _content(message: Message) -> tuple[str | None, str | None, str | None]:
    """Return (HTML text, media kind, file id) of the staff member's message."""
    if message.photo:
        caption = message.caption_html if message.caption else None
        return caption, PHOTO, message.photo[-1].file_id
    if message.document is not None:
        caption = message.caption_html if message.caption else None
        return caption, DOCUMENT, message.document.file_id
    return message.text_html, None, None


async def composed(update: Update, context: AssistantContext) -> int:
    """Store the announcement as a draft to everyone and show its preview."""
    caller = context.caller
    message = update.effective_message
    assert message is not None
    html, media_kind, file_id = _content(message)
    store = repository(caller.services)
    broadcast = await store.create_draft(
        caller.person.id,
        caller.services.settings.default_language,
        html,
        media_kind,
        file_id,
        datetime.now(UTC),
    )
    problem = await _post_previews(context, message.chat_id, caller, broadcast)
    if problem is not None:
        await store.discard(broadcast.id, caller.person.id)
        await _ask_content(update, caller, "refused", error=problem)
        return COMPOSE
    await send_panel(context, message.chat_id, caller, broadcast)
    return ConversationHandler.END


async def not_composable(update: Update, context: AssistantContext) -> int:
    """Ask again after a sticker, a voice message or anything else that can't be broadcast."""
    caller = context.caller
    await _ask_content(update, caller, "kind")
    return COMPOSE


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


async def ask_version(update: Update, context: AssistantContext) -> int:
    """Ask for the text people of the other language get."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return ConversationHandler.END
    form_of(context).broadcast_id = draft.id
    await _ask_version(update, caller, draft)
    return VERSION


async def _ask_version(
    update: Update, caller: Caller, draft: Broadcast, reason: str | None = None, length: int = 0
) -> None:
    text = caller.render(
        "broadcast_version", broadcast=draft, reason=reason, limit=CAPTION_LIMIT, length=length
    )
    await show(update, text, [[caller.button("back", f"bc:v:{draft.id}")]])


async def version_typed(update: Update, context: AssistantContext) -> int:
    """Store the second language's text and preview it."""
    caller = context.caller
    message = update.effective_message
    assert message is not None
    draft = await typing_for(context, caller)
    if draft is None:
        return await form_gone(update, context, caller)
    text = message.text or ""
    if draft.media_kind is not None and len(text) > CAPTION_LIMIT:
        await _ask_version(update, caller, draft, "too_long", len(text))
        return VERSION
    store = repository(caller.services)
    changed = await store.set_version(
        draft.id, caller.person.id, draft.other_language, message.text_html
    )
    if changed is None:
        return await form_gone(update, context, caller)
    drop_form(context)
    problem = await _post_previews(
        context, message.chat_id, caller, changed, (changed.other_language,)
    )
    if problem is not None:
        changed = await store.set_version(draft.id, caller.person.id, draft.other_language, None)
        assert changed is not None
        await _ask_version(update, caller, changed, "refused")
        form_of(context).broadcast_id = draft.id
        return VERSION
    await send_panel(context, message.chat_id, caller, changed)
    return ConversationHandler.END


async def not_a_version(update: Update, context: AssistantContext) -> int:
    """Ask again for text after a photo, a sticker or a file."""
    caller = context.caller
    draft = await typing_for(context, caller)
    if draft is None:
        return await form_gone(update, context, caller)
    await _ask_version(update, caller, draft, "text")
    return VERSION


async def remove_version(update: Update, context: AssistantContext) -> int:
    """Drop the second language's text: everyone gets the main one."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return ConversationHandler.END
    changed = await repository(caller.services).set_version(
        draft.id, caller.person.id, draft.other_language, None
    )
    if changed is not None:
        text, rows = await panel_screen(caller, changed)
        await show(update, text, rows)
    return ConversationHandler.END


async def cancel(update: Update, context: AssistantContext) -> int:
    """Leave with /cancel; a draft already shown stays usable from its panel."""
    caller = context.caller
    drop_form(context)
    await show(update, caller.render("broadcast_closed", what="form", number=0))
    return ConversationHandler.END


async def timed_out(update: Update, context: AssistantContext) -> None:
    """Tell the staff member the broadcast form was closed for lack of an answer."""
    caller = context.caller
    drop_form(context)
    chat = update.effective_chat
    if chat is not None:
        text = caller.render("broadcast_closed", what="timeout", number=0)
        await context.bot.send_message(chat.id, text)


# -- wiring --------------------------------------------------------------------------------


def conversation() -> ConversationHandler[AssistantContext]:
    """Return the broadcast conversation."""
    # Tracked per staff member and chat, not per message: the panel's buttons carry the
    # draft's id and work from any message, which is what we want.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation()


def _conversation() -> ConversationHandler[AssistantContext]:
    text = filters.TEXT & ~filters.COMMAND
    content = text | filters.PHOTO | filters.Document.ALL
    other = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    not_text = other & ~filters.TEXT
    lists = "|".join(AUDIENCE_LISTS)
    choices = "|".join(code for code in AUDIENCE_CODES if code != "all")

    def button(callback: Any, pattern: str) -> CallbackQueryHandler[AssistantContext, object]:
        return CallbackQueryHandler(callback, pattern=pattern)

    # Every draft button is an entry point: it works in any state, and after a restart.
    buttons = [
        button(view, rf"^bc:(v):{BROADCAST_ID}$"),
        button(audience_list, rf"^bc:({lists}):{BROADCAST_ID}$"),
        button(audience_chosen, rf"^bc:(all):{BROADCAST_ID}()$"),
        button(audience_chosen, rf"^bc:({choices}):{BROADCAST_ID}:({ENTRY_ID})$"),
        button(audience_chosen, rf"^bc:(rs):{BROADCAST_ID}:([cwb])$"),
        button(ask_version, rf"^bc:(tx):{BROADCAST_ID}$"),
        button(remove_version, rf"^bc:(rx):{BROADCAST_ID}$"),
        button(send_now, rf"^bc:(go):{BROADCAST_ID}$"),
        button(ask_when, rf"^bc:(at):{BROADCAST_ID}$"),
        button(quick_chosen, rf"^bc:(q):{BROADCAST_ID}:(h1|t9)$"),
        button(discard, rf"^bc:(del):{BROADCAST_ID}$"),
    ]
    states: dict[object, list[BaseHandler[Update, AssistantContext, object]]] = {
        COMPOSE: [
            MessageHandler(content, composed),
            MessageHandler(other, not_composable),
        ],
        VERSION: [
            MessageHandler(text, version_typed),
            MessageHandler(not_text, not_a_version),
        ],
        WHEN: [
            MessageHandler(text, when_typed),
            MessageHandler(not_text, not_a_time),
        ],
        ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
    }
    return ConversationHandler(
        entry_points=[
            CommandHandler("broadcast", begin, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(begin, pattern=r"^sm:broadcast$"),
            *buttons,
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", cancel)],
        conversation_timeout=FORM_TIMEOUT,
        name="broadcast",
        allow_reentry=True,
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return staff(
        Ability.MANAGE,
        [
            conversation(),
            # Outside the conversation: a progress message's button works whatever is typed.
            CallbackQueryHandler(stop, pattern=rf"^bc:stop:{BROADCAST_ID}$"),
        ],
    )
