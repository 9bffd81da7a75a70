"""Ask the team: a person's question or service request becomes a ticket the staff answer.

The person writes their message in a one-step form ("Write to the team", "Ask the team something
new", a service's "Request this service", or "Reply" under an answer). The ticket is posted for the
staff (handlers/ticket_posts.py), who answer it by replying to its post (handlers/ticket_staff.py);
the person answers back with the "Reply" button or by replying to the answer. Every message the bot
sends for a ticket is stored, so a reply on either side finds its ticket, even after a restart.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.context import AssistantContext, Caller
from bot.domain.forms import Flow, MessageStep, Moved
from bot.domain.tickets import Draft
from bot.screens.buttons import (
    HOME,
    AddToTicket,
    CancelTicket,
    NewTicket,
    ReplyToTicket,
    RequestService,
)
from bot.screens.office_hours import expected_answer
from handlers import questions, ticket_follow_ups, ticket_staff
from handlers.forms import Form, FormCall, close_form, open_form
from handlers.groups import FEATURES, TICKET_REPLIES
from handlers.replies import show
from handlers.ticket_posts import add_follow_up, draft_of, open_ticket
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

# Seconds the prompt waits for the person's message before it closes.
TICKET_TIMEOUT = 15 * 60
# What the person writes: a question, a service request, or a reply to the ticket that is the
# form's subject.
REPLY = "reply"


async def _reply(update: Update, text: str, rows: list[list[InlineKeyboardButton]]) -> Message:
    """Send the person a new message (never edit: the message above may be the team's)."""
    message = update.effective_message
    assert message is not None
    markup = InlineKeyboardMarkup(rows) if rows else None
    return await message.chat.send_message(text, reply_markup=markup)


def _new_question_rows(caller: Caller) -> list[list[InlineKeyboardButton]]:
    if not questions.can_ask_team(caller):
        return [[caller.button("home", HOME)]]
    return [[caller.button("ticket_new", NewTicket())], [caller.button("home", HOME)]]


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
        has_profile=caller.person.has_profile,
    )


def _problem(draft: Draft, kind: str) -> str | None:
    """Return why a draft can't go to the team, if it can't."""
    if draft.is_empty:
        return "empty"
    # A reply may be a bare "👍"; a new question or request needs words or a file.
    if kind != REPLY and draft.attachment is None and not questions.has_words(draft.text):
        return "no_words"
    return None


class TicketForm(Form):
    """One message for the team: a question, a service request, or a reply to a ticket."""

    kind = "ticket"
    code = "tk"
    closed_template = "ticket_cancelled"
    flow = Flow("ticket", (MessageStep("message", back=False, photos=True, documents=True),))

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=TICKET_TIMEOUT)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller, answers = call.caller, call.state.answers
        kind = answers["kind"]
        ticket_id = int(call.state.subject) if call.state.subject is not None else None
        text = _prompt_text(
            caller,
            kind,
            service_id=answers.get("service"),
            ticket_id=ticket_id,
            reason=reason,
        )
        rows = [[caller.button("ticket_cancel", CancelTicket())]]
        if reason is None and kind != REPLY:
            await show(call.update, text, rows)
            return
        prompt = await _reply(call.update, text, rows)
        if reason is None and ticket_id is not None:
            # Stored like every ticket message: a Telegram reply to the prompt continues it.
            await caller.services.tickets.add_post(
                ticket_id, prompt.chat_id, prompt.message_id, MEMBER, PROMPT
            )

    async def finish(self, call: FormCall) -> Moved | None:
        caller, answers = call.caller, call.state.answers
        message = call.update.effective_message
        assert message is not None
        draft = draft_of(message)
        assert draft is not None  # the step takes only text, photos and documents
        kind = answers["kind"]
        reason = _problem(draft, kind)
        if reason is not None:
            return Moved(replace(call.state, step="message"), reason)
        if kind != REPLY:
            await _open_ticket(
                call.update, call.context, caller, kind, answers.get("service"), draft
            )
            return None
        subject = call.state.subject
        ticket = await caller.services.tickets.get(int(subject)) if subject is not None else None
        if ticket is None or ticket.person_id != caller.person.id:
            await _reply(call.update, caller.render("not_available"), [])
            return None
        await _follow_up(call.update, call.context, caller, ticket, draft)
        return None

    async def cancelled(self, call: FormCall) -> None:
        caller = call.caller
        text = caller.render("ticket_cancelled", timeout=False)
        await show(call.update, text, [[caller.button("home", HOME)]])


TICKET = TicketForm()


async def _begin(
    update: Update,
    context: AssistantContext,
    caller: Caller,
    kind: str,
    service_id: str | None = None,
) -> None:
    if not questions.can_ask_team(caller):
        await close_form(caller.services, caller.person.id)
        contact = caller.services.catalogue.cluster.contact
        text = caller.render("ticket_unavailable", failed=False, contact=contact)
        await show(update, text, [[caller.button("home", HOME)]])
        return
    answers = {"kind": kind, "service": service_id}
    await open_form(update, context, caller, TICKET, answers=answers, step="message")


async def ask(update: Update, context: AssistantContext) -> None:
    """Ask the person to write their question for the team."""
    caller = context.caller
    await _begin(update, context, caller, QUESTION)


async def request_service(update: Update, context: AssistantContext) -> None:
    """Ask the person what they need, from a service's "Request this service" button."""
    caller = context.caller
    service_id = RequestService.of(update).service_id
    if caller.services.catalogue.service(service_id) is None:
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    await _begin(update, context, caller, SERVICE_REQUEST, service_id)


async def reply_pressed(update: Update, context: AssistantContext) -> None:
    """Ask the person for their reply to the team, from the button under an answer."""
    caller = context.caller
    tickets = caller.services.tickets
    ticket = await tickets.get(ReplyToTicket.of(update).ticket_id)
    if ticket is None or ticket.person_id != caller.person.id:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    if not ticket.is_open:
        text = caller.render("ticket_closed", ticket_id=ticket.id, by_staff=False)
        await _reply(update, text, _new_question_rows(caller))
        return
    await open_form(
        update, context, caller, TICKET, answers={"kind": REPLY}, subject=str(ticket.id)
    )


async def cancel(update: Update, context: AssistantContext) -> None:
    """Leave the question without sending anything."""
    caller = context.caller
    await close_form(caller.services, caller.person.id, TICKET.kind)
    text = caller.render("ticket_cancelled", timeout=False)
    await show(update, text, [[caller.button("home", HOME)]])


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
    home = [[caller.button("home", HOME)]]
    if ticket is None:
        contact = services.catalogue.cluster.contact
        await _reply(
            update, caller.render("ticket_unavailable", failed=True, contact=contact), home
        )
        return
    expected = expected_answer(
        services.settings, caller.language, datetime.now(UTC), request=kind != QUESTION
    )
    text = caller.render(
        "ticket_sent", follow_up=False, kind=kind, ticket_id=ticket.id, expected=expected
    )
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
    # A prompt for a reply to this ticket is answered by it.
    open_prompt = await caller.services.forms.of_person(caller.person.id)
    if open_prompt is not None and open_prompt.subject == str(ticket.id):
        await close_form(caller.services, caller.person.id, TICKET.kind)
    await _follow_up(update, context, caller, ticket, draft)


def handlers() -> dict[int, list[BaseHandler[Update, AssistantContext, None]]]:
    """Return both sides' handlers: replies to ticket messages first, in a group of their own."""
    # In the early group a reply that continues a ticket stops there; any other update goes on
    # to the features as if nothing had looked at it.
    replies = filters.UpdateType.MESSAGE & filters.REPLY & ~filters.COMMAND
    return {
        TICKET_REPLIES: [MessageHandler(replies & ~filters.StatusUpdate.ALL, reply_received)],
        FEATURES: [
            # "/ask" and the menu's "Ask a question" go to the assistant first
            # (handlers/questions.py); "Write to the team" and "Ask the team something new" here.
            CallbackQueryHandler(ask, pattern=NewTicket.pattern()),
            CallbackQueryHandler(request_service, pattern=RequestService.pattern()),
            CallbackQueryHandler(reply_pressed, pattern=ReplyToTicket.pattern()),
            CallbackQueryHandler(ticket_follow_ups.add_pressed, pattern=AddToTicket.pattern()),
            CallbackQueryHandler(cancel, pattern=CancelTicket.pattern()),
            *ticket_staff.handlers(),
        ],
    }
