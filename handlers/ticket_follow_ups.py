"""What a person types while they have an open ticket, when the assistant has no answer for it.

Right after the team answered, what a person types next is often about that answer. The "not
found" and "did you mean" screens then offer one tap to add it to the open ticket (the team sees
it under the ticket's post, as a reply would be) beside asking it as a new question. What the
assistant can answer is answered as always.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, Update

from bot.context import AssistantContext, Caller
from bot.domain.tickets import Draft
from bot.screens.buttons import HOME, AddToTicket, HandOver
from handlers.replies import show
from handlers.ticket_posts import add_follow_up_from
from storage.tickets import MEMBER, RECEIPT, Ticket

# An open ticket with a message this recent is the one a typed message may continue.
RECENT = timedelta(days=7)


async def ticket_to_continue(caller: Caller) -> Ticket | None:
    """Return the person's open ticket a typed message may be about, if there is one."""
    since = datetime.now(UTC) - RECENT
    return await caller.services.tickets.in_progress(caller.person.id, since)


def offer_rows(caller: Caller, asked_id: int, ticket: Ticket) -> list[list[InlineKeyboardButton]]:
    """Return the two ways on: add to the open ticket, or ask the team as a new question."""
    add = caller.label("ticket_add_to").format(ticket=ticket.id)
    return [
        [InlineKeyboardButton(add, callback_data=AddToTicket(asked_id, ticket.id).data)],
        [caller.button("hand_over_new", HandOver(asked_id))],
    ]


async def add_pressed(update: Update, context: AssistantContext) -> None:
    """Add the typed message to the person's open ticket, once, and tell them it went."""
    caller = context.caller
    services = caller.services
    pressed = AddToTicket.of(update)
    asked = await services.asked.get(pressed.asked_id, caller.person.id)
    ticket = await services.tickets.get(pressed.ticket_id)
    if asked is None or ticket is None or ticket.person_id != caller.person.id:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    home = [caller.button("home", HOME)]
    if not ticket.is_open:
        # Closed meanwhile: the message can still go as a new question.
        text = caller.render("ticket_closed", ticket_id=ticket.id, by_staff=False)
        await show(update, text, [[caller.button("hand_over_new", HandOver(asked.id))], home])
        return
    claim = await services.asked.claim_handover(asked.id, caller.person.id)
    if not claim.claimed:
        ticket_id = claim.question.ticket_id if claim.question is not None else None
        text = caller.render("handed_over_already", ticket_id=ticket_id)
        await context.acknowledge(text, alert=True)
        return
    message = update.effective_message
    assert message is not None
    added = await add_follow_up_from(
        context.bot,
        services,
        ticket,
        Draft(asked.question, None),
        caller.person,
        origin=(message.chat_id, asked.message_id),
        user=update.effective_user,
    )
    if not added:
        await services.asked.handed_over(asked.id, None)  # it may be tried again
        contact = services.catalogue.cluster.contact
        text = caller.render("ticket_unavailable", failed=True, contact=contact)
        await show(update, text, [home])
        return
    await services.asked.handed_over(asked.id, ticket.id)
    text = caller.render("ticket_sent", follow_up=True, kind=ticket.kind, ticket_id=ticket.id)
    await show(update, text, [home])
    # The screen became the receipt: a Telegram reply to it continues the ticket too.
    await services.tickets.add_post(ticket.id, message.chat_id, message.message_id, MEMBER, RECEIPT)
