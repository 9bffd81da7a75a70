"""Ask the team: a person's question or service request becomes a ticket the staff answer.

The person writes in a short conversation (`/ask`, the menu, "Ask the team", a service's
"Request this service", or "Reply" under an answer). The ticket is posted for the staff
(bot/domain/tickets.py), who answer it by replying to its post (handlers/ticket_staff.py);
the person answers back with the "Reply" button or by replying to the answer. Every message the bot
sends for a ticket is stored, so a reply on either side finds its ticket, even after a restart.
"""

from __future__ import annotations

import warnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import AssistantContext, Caller, PersonSession
from bot.domain.tickets import TICKET_ID, Draft, add_follow_up, draft_of, open_ticket
from bot.screens.links import ENTRY_ID
from handlers import fallback, questions, ticket_staff
from handlers.groups import FEATURES, TICKET_REPLIES
from handlers.replies import show
from storage.tickets import (
    MEMBER,
    PROMPT,
    QUESTION,
    RECEIPT,
    SERVICE_REQUEST,
    STAFF,
    Ticket,
    TicketPost,
)

TICKET_TIMEOUT = 15 * 60
WRITING = 0
# The person's session says what they are writing: a question, a service request, or a reply
# to the ticket in `PersonSession.ticket_id`.
REPLY = "reply"


def _session(context: AssistantContext) -> PersonSession:
    assert context.user_data is not None
    return context.user_data


def _forget(session: PersonSession) -> None:
    session.ticket_kind = None
    session.ticket_service = None
    session.ticket_id = None


async def _reply(update: Update, text: str, rows: list[list[InlineKeyboardButton]]) -> Message:
    """Send the person a new message (never edit: the message above may be the team's)."""
    message = update.effective_message
    assert message is not None
    markup = InlineKeyboardMarkup(rows) if rows else None
    return await message.chat.send_message(text, reply_markup=markup)


def _new_question_rows(caller: Caller) -> list[list[InlineKeyboardButton]]:
    if not questions.can_ask_team(caller):
        return [[caller.button("home", "m:home")]]
    return [[caller.button("ticket_new", "tk:new")], [caller.button("home", "m:home")]]


def _prompt_text(
    caller: Caller,
    kind: str,
    *,
    service_id: str | None = None,
    ticket_id: int | None = None,
    reason: str | None = None,
) -> str:
    service = caller.services.catalogue.service(service_id or "")
    return caller.render(
        "ticket_prompt",
        kind=kind,
        service=service.title.get(caller.language) if service is not None else "",
        ticket_id=ticket_id,
        reason=reason,
        consented=caller.person.has_consented,
    )


async def _prompt(
    update: Update, caller: Caller, session: PersonSession, reason: str | None = None
) -> None:
    """Ask the person to write (again, saying why, after something we can't pass on)."""
    text = _prompt_text(
        caller,
        session.ticket_kind or QUESTION,
        service_id=session.ticket_service,
        ticket_id=session.ticket_id,
        reason=reason,
    )
    rows = [[caller.button("ticket_cancel", "tk:cancel")]]
    if reason is None:
        await show(update, text, rows)
    else:
        await _reply(update, text, rows)


async def _begin(
    update: Update,
    context: AssistantContext,
    caller: Caller,
    kind: str,
    service_id: str | None = None,
) -> int:
    session = _session(context)
    _forget(session)
    if not questions.can_ask_team(caller):
        contact = caller.services.catalogue.cluster.contact
        text = caller.render("ticket_unavailable", failed=False, contact=contact)
        await show(update, text, [[caller.button("home", "m:home")]])
        return ConversationHandler.END
    session.ticket_kind = kind
    session.ticket_service = service_id
    await _prompt(update, caller, session)
    return WRITING


async def ask(update: Update, context: AssistantContext) -> int:
    """Ask the person to write their question for the team."""
    caller = context.caller
    return await _begin(update, context, caller, QUESTION)


async def request_service(update: Update, context: AssistantContext) -> int:
    """Ask the person what they need, from a service's "Request this service" button."""
    caller = context.caller
    service_id = context.match.group(1)
    if caller.services.catalogue.service(service_id) is None:
        await show(update, caller.render("not_available"), [[caller.button("home", "m:home")]])
        return ConversationHandler.END
    return await _begin(update, context, caller, SERVICE_REQUEST, service_id)


async def reply_pressed(update: Update, context: AssistantContext) -> int:
    """Ask the person for their reply to the team, from the button under an answer."""
    caller = context.caller
    tickets = caller.services.tickets
    ticket = await tickets.get(int(context.match.group(1)))
    if ticket is None or ticket.person_id != caller.person.id:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return ConversationHandler.END
    session = _session(context)
    _forget(session)
    if not ticket.is_open:
        text = caller.render("ticket_closed", ticket_id=ticket.id, by_staff=False)
        await _reply(update, text, _new_question_rows(caller))
        return ConversationHandler.END
    session.ticket_kind = REPLY
    session.ticket_id = ticket.id
    text = _prompt_text(caller, REPLY, ticket_id=ticket.id)
    prompt = await _reply(update, text, [[caller.button("ticket_cancel", "tk:cancel")]])
    # Stored like every ticket message: a Telegram reply to the prompt continues the ticket.
    await tickets.add_post(ticket.id, prompt.chat_id, prompt.message_id, MEMBER, PROMPT)
    return WRITING


def _problem(draft: Draft, kind: str) -> str | None:
    """Return why a draft can't go to the team, if it can't."""
    if draft.is_empty:
        return "empty"
    # A reply may be a bare "👍"; a new question or request needs words or a file.
    if kind != REPLY and draft.attachment is None and not questions.has_words(draft.text):
        return "no_words"
    return None


async def written(update: Update, context: AssistantContext) -> int:
    """Send what the person wrote to the team: a new ticket, or their reply to one."""
    session = _session(context)
    kind = session.ticket_kind
    if kind is None:
        # A reply to a ticket message already answered the prompt (see `reply_received`).
        return await _not_for_the_team(update, context)
    caller = context.caller
    message = update.effective_message
    assert message is not None
    draft = draft_of(message)
    assert draft is not None  # the state's filter lets only text, photos and documents in
    reason = _problem(draft, kind)
    if reason is not None:
        await _prompt(update, caller, session, reason)
        return WRITING
    service_id, ticket_id = session.ticket_service, session.ticket_id
    _forget(session)
    if kind != REPLY:
        await _open_ticket(update, context, caller, kind, service_id, draft)
        return ConversationHandler.END
    ticket = await caller.services.tickets.get(ticket_id) if ticket_id is not None else None
    if ticket is None or ticket.person_id != caller.person.id:
        await _reply(update, caller.render("not_available"), [])
        return ConversationHandler.END
    await _follow_up(update, context, caller, ticket, draft)
    return ConversationHandler.END


async def _not_for_the_team(update: Update, context: AssistantContext) -> int:
    """Handle a message as if no ticket conversation were open."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await questions.answer_question(update, context)
    else:
        await fallback.anything_else(update, context)
    return ConversationHandler.END


async def wrong_kind(update: Update, context: AssistantContext) -> int:
    """Ask for text, a photo or a document after a sticker, voice message or the like."""
    caller = context.caller
    await _prompt(update, caller, _session(context), "other")
    return WRITING


async def cancel(update: Update, context: AssistantContext) -> int:
    """Leave the question without sending anything."""
    caller = context.caller
    _forget(_session(context))
    text = caller.render("ticket_cancelled", timeout=False)
    await show(update, text, [[caller.button("home", "m:home")]])
    return ConversationHandler.END


async def timed_out(update: Update, context: AssistantContext) -> None:
    """Tell the person we stopped waiting for their question."""
    caller = context.caller
    _forget(_session(context))
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, caller.render("ticket_cancelled", timeout=True))


async def _open_ticket(
    update: Update,
    context: AssistantContext,
    caller: Caller,
    kind: str,
    service_id: str | None,
    draft: Draft,
) -> None:
    """Hand the person's message to the team as a new ticket, and confirm it to them."""
    services = caller.services
    message = update.effective_message
    assert message is not None
    ticket = await open_ticket(
        context.bot,
        services,
        message,
        draft,
        caller.person,
        kind=kind,
        service_id=service_id,
        language=caller.language,
    )
    home = [[caller.button("home", "m:home")]]
    if ticket is None:
        contact = services.catalogue.cluster.contact
        await _reply(
            update, caller.render("ticket_unavailable", failed=True, contact=contact), home
        )
        return
    text = caller.render("ticket_sent", follow_up=False, kind=kind, ticket_id=ticket.id)
    receipt = await _reply(update, text, home)
    await services.tickets.add_post(ticket.id, receipt.chat_id, receipt.message_id, MEMBER, RECEIPT)


async def _follow_up(
    update: Update, context: AssistantContext, caller: Caller, ticket: Ticket, draft: Draft
) -> None:
    """Pass the person's answer on to the ticket's staff thread(s), if the ticket is open."""
    services = caller.services
    if not ticket.is_open:
        text = caller.render("ticket_closed", ticket_id=ticket.id, by_staff=False)
        await _reply(update, text, _new_question_rows(caller))
        return
    message = update.effective_message
    assert message is not None
    if not await add_follow_up(context.bot, services, ticket, message, draft, caller.person):
        contact = services.catalogue.cluster.contact
        await _reply(update, caller.render("ticket_unavailable", failed=True, contact=contact), [])
        return
    text = caller.render("ticket_sent", follow_up=True, kind=ticket.kind, ticket_id=ticket.id)
    receipt = await _reply(update, text, [])
    await services.tickets.add_post(ticket.id, receipt.chat_id, receipt.message_id, MEMBER, RECEIPT)


async def reply_received(update: Update, context: AssistantContext) -> None:
    """Continue a ticket when someone replies to one of its messages; else let others handle it."""
    message = update.message
    if message is None or message.reply_to_message is None:
        return
    post = await context.services.tickets.post_at(
        message.chat_id, message.reply_to_message.message_id
    )
    if post is None:
        return
    if post.audience == STAFF:
        await ticket_staff.staff_replied(update, context, post)
    else:
        await _person_replied(update, context, post)
    # Handled: the handlers of the later groups must not treat it as a question too.
    raise ApplicationHandlerStop


async def _person_replied(update: Update, context: AssistantContext, post: TicketPost) -> None:
    """Add the person's reply to their ticket."""
    caller = context.caller
    message = update.effective_message
    assert message is not None
    ticket = await caller.services.tickets.get(post.ticket_id)
    if ticket is None or ticket.person_id != caller.person.id:
        await _reply(update, caller.render("not_available"), [])
        return
    draft = draft_of(message)
    if draft is None or draft.is_empty:
        reason = "other" if draft is None else "empty"
        await _reply(update, _prompt_text(caller, REPLY, ticket_id=ticket.id, reason=reason), [])
        return
    session = _session(context)
    if session.ticket_kind == REPLY:
        # The reply they were prompted for came as a Telegram reply: the prompt is answered.
        _forget(session)
    await _follow_up(update, context, caller, ticket, draft)


def conversation() -> ConversationHandler[AssistantContext]:
    """Return the "write your question for the team" conversation."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    content = private & ((filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL)
    anything_else = private & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    # Tracked per person and chat, not per message, like the profile form: the buttons that
    # start it live on many different messages.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("ask", ask, filters=filters.ChatType.PRIVATE),
                CallbackQueryHandler(ask, pattern=r"^(m:ask|tk:new)$"),
                CallbackQueryHandler(request_service, pattern=rf"^tk:svc:({ENTRY_ID})$"),
                CallbackQueryHandler(reply_pressed, pattern=rf"^tk:re:({TICKET_ID})$"),
            ],
            states={
                WRITING: [
                    MessageHandler(content, written),
                    MessageHandler(anything_else, wrong_kind),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=r"^tk:cancel$"),
            ],
            conversation_timeout=TICKET_TIMEOUT,
            name="tickets",
            allow_reentry=True,
        )


def handlers() -> dict[int, list[BaseHandler[Update, AssistantContext, None]]]:
    """Return both sides' handlers: replies to ticket messages first, in a group of their own."""
    # In the early group a reply that continues a ticket stops there; any other update goes on
    # to the features as if nothing had looked at it.
    replies = filters.UpdateType.MESSAGE & filters.REPLY & ~filters.COMMAND
    return {
        TICKET_REPLIES: [MessageHandler(replies & ~filters.StatusUpdate.ALL, reply_received)],
        FEATURES: [
            conversation(),  # type: ignore[list-item]
            *ticket_staff.handlers(),
        ],
    }
