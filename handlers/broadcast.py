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

from bot.context import AssistantContext
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
from handlers.replies import Keyboard, Visit, acknowledge, show, visit
from handlers.staff_access import staff_only
from storage.broadcasts import DOCUMENT, PHOTO, Broadcast

FORM_TIMEOUT = 30 * 60
# Telegram's limit for a photo's or document's caption.
CAPTION_LIMIT = 1024
BROADCAST_ID = r"(\d{1,10})"


# -- writing the announcement ------------------------------------------------------------------


async def begin(update: Update, context: AssistantContext) -> int:
    """Ask for the announcement, listing the ones already scheduled."""
    guest = await visit(update, context)
    await acknowledge(update)
    drop_form(context)
    await _ask_content(update, guest)
    return COMPOSE


async def _ask_content(
    update: Update, guest: Visit, reason: str | None = None, error: str | None = None
) -> None:
    scheduled = await repository(guest.services).scheduled()
    text = guest.render(
        "broadcast_compose",
        reason=reason,
        scheduled=scheduled,
        main=guest.services.settings.default_language,
        error=error,
    )
    rows: Keyboard = [
        [
            InlineKeyboardButton(
                f"#{broadcast.id} · {guest.label('broadcast_unschedule')}",
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
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    html, media_kind, file_id = _content(message)
    store = repository(guest.services)
    broadcast = await store.create_draft(
        guest.person.id,
        guest.services.settings.default_language,
        html,
        media_kind,
        file_id,
        datetime.now(UTC),
    )
    problem = await _post_previews(context, message.chat_id, guest, broadcast)
    if problem is not None:
        await store.discard(broadcast.id, guest.person.id)
        await _ask_content(update, guest, "refused", error=problem)
        return COMPOSE
    await send_panel(context, message.chat_id, guest, broadcast)
    return ConversationHandler.END


async def not_composable(update: Update, context: AssistantContext) -> int:
    """Ask again after a sticker, a voice message or anything else that can't be broadcast."""
    guest = await visit(update, context)
    await _ask_content(update, guest, "kind")
    return COMPOSE


async def _post_previews(
    context: AssistantContext,
    chat_id: int,
    guest: Visit,
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
            message = broadcast_message(guest.services.texts, broadcast, language)
            await post(context.bot, chat_id, message)
    except BadRequest as error:
        return error.message
    return None


# -- the second language's version --------------------------------------------------------


async def ask_version(update: Update, context: AssistantContext) -> int:
    """Ask for the text people of the other language get."""
    guest = await visit(update, context)
    draft = await own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    form_of(context).broadcast_id = draft.id
    await _ask_version(update, guest, draft)
    return VERSION


async def _ask_version(
    update: Update, guest: Visit, draft: Broadcast, reason: str | None = None, length: int = 0
) -> None:
    text = guest.render(
        "broadcast_version", broadcast=draft, reason=reason, limit=CAPTION_LIMIT, length=length
    )
    await show(update, text, [[guest.button("back", f"bc:v:{draft.id}")]])


async def version_typed(update: Update, context: AssistantContext) -> int:
    """Store the second language's text and preview it."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    draft = await typing_for(context, guest)
    if draft is None:
        return await form_gone(update, context, guest)
    text = message.text or ""
    if draft.media_kind is not None and len(text) > CAPTION_LIMIT:
        await _ask_version(update, guest, draft, "too_long", len(text))
        return VERSION
    store = repository(guest.services)
    changed = await store.set_version(
        draft.id, guest.person.id, draft.other_language, message.text_html
    )
    if changed is None:
        return await form_gone(update, context, guest)
    drop_form(context)
    problem = await _post_previews(
        context, message.chat_id, guest, changed, (changed.other_language,)
    )
    if problem is not None:
        changed = await store.set_version(draft.id, guest.person.id, draft.other_language, None)
        assert changed is not None
        await _ask_version(update, guest, changed, "refused")
        form_of(context).broadcast_id = draft.id
        return VERSION
    await send_panel(context, message.chat_id, guest, changed)
    return ConversationHandler.END


async def not_a_version(update: Update, context: AssistantContext) -> int:
    """Ask again for text after a photo, a sticker or a file."""
    guest = await visit(update, context)
    draft = await typing_for(context, guest)
    if draft is None:
        return await form_gone(update, context, guest)
    await _ask_version(update, guest, draft, "text")
    return VERSION


async def remove_version(update: Update, context: AssistantContext) -> int:
    """Drop the second language's text: everyone gets the main one."""
    guest = await visit(update, context)
    draft = await own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    changed = await repository(guest.services).set_version(
        draft.id, guest.person.id, draft.other_language, None
    )
    if changed is not None:
        text, rows = await panel_screen(guest, changed)
        await show(update, text, rows)
    return ConversationHandler.END


async def cancel(update: Update, context: AssistantContext) -> int:
    """Leave with /cancel; a draft already shown stays usable from its panel."""
    guest = await visit(update, context)
    drop_form(context)
    await show(update, guest.render("broadcast_closed", what="form", number=0))
    return ConversationHandler.END


async def timed_out(update: Update, context: AssistantContext) -> None:
    """Tell the staff member the broadcast form was closed for lack of an answer."""
    guest = await visit(update, context)
    drop_form(context)
    chat = update.effective_chat
    if chat is not None:
        text = guest.render("broadcast_closed", what="timeout", number=0)
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
        return CallbackQueryHandler(staff_only(callback), pattern=pattern)

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
            MessageHandler(content, staff_only(composed)),
            MessageHandler(other, staff_only(not_composable)),
        ],
        VERSION: [
            MessageHandler(text, staff_only(version_typed)),
            MessageHandler(not_text, staff_only(not_a_version)),
        ],
        WHEN: [
            MessageHandler(text, staff_only(when_typed)),
            MessageHandler(not_text, staff_only(not_a_time)),
        ],
        ConversationHandler.TIMEOUT: [TypeHandler(Update, staff_only(timed_out))],
    }
    return ConversationHandler(
        entry_points=[
            CommandHandler("broadcast", staff_only(begin), filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(staff_only(begin), pattern=r"^sm:broadcast$"),
            *buttons,
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", staff_only(cancel))],
        conversation_timeout=FORM_TIMEOUT,
        name="broadcast",
        allow_reentry=True,
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return [
        conversation(),
        # Outside the conversation: a progress message's button works whatever is being typed.
        CallbackQueryHandler(staff_only(stop), pattern=rf"^bc:stop:{BROADCAST_ID}$"),
    ]
