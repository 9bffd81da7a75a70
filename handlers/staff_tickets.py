"""Open tickets for staff: the list (oldest waiting first) and a ticket's card to answer it.

The list is a screen of the staff menu; a ticket's button sends its card as a new message, which
is a ticket post like the one in the staff chat: replying to it answers the person, its buttons
close the ticket. Tickets are found here whether or not their post in the staff chat is still
easy to scroll to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.tickets import shorten
from bot.screens.buttons import STAFF_HOME, StaffMenu, StaffTicket
from handlers.replies import show
from handlers.staff_access import staff
from handlers.ticket_posts import close_buttons
from storage.tickets import COPY, FROM_MEMBER, STAFF, OpenTicket

# Tickets listed with a button; the screen says how many there are in all.
LISTED = 15
# The latest messages of a thread shown on a ticket's card, each cut to this many characters.
CARD_MESSAGES = 6
CARD_TEXT = 400


def _minutes_since(moment: datetime, now: datetime) -> int:
    return max(int((now - moment).total_seconds() // 60), 0)


async def open_tickets(update: Update, context: AssistantContext) -> None:
    """List the open tickets: those waiting for the team first, the oldest on top."""
    caller = context.caller
    tickets = caller.services.tickets
    listed, total = await tickets.open_list(LISTED), await tickets.open_count()
    now = datetime.now(UTC)
    waiting = [item for item in listed if item.last_direction == FROM_MEMBER]
    answered = [item for item in listed if item.last_direction != FROM_MEMBER]
    text = caller.render(
        "staff_open_tickets",
        waiting=[_line(caller, item, now) for item in waiting],
        answered=[_line(caller, item, now) for item in answered],
        total=total,
        listed=len(listed),
    )
    rows = [
        [
            InlineKeyboardButton(
                f"#{item.ticket.id} · {_who(caller, item)}"[:60],
                callback_data=StaffTicket(item.ticket.id).data,
            )
        ]
        for item in waiting + answered
    ]
    rows.append([caller.button("staff_menu", STAFF_HOME)])
    await show(update, text, rows)


def _who(caller: Caller, item: OpenTicket) -> str:
    return item.name or caller.label("staff_ticket_no_profile")


def _line(caller: Caller, item: OpenTicket, now: datetime) -> dict[str, Any]:
    service = caller.services.catalogue.service(item.ticket.service_id or "")
    first, _ = shorten((item.first_text or "").split("\n", 1)[0], 80)
    return {
        "id": item.ticket.id,
        "kind": item.ticket.kind,
        "service": service.title.get(caller.language) if service is not None else None,
        "name": item.name,
        "company": item.company,
        "first": first,
        "age": _minutes_since(item.ticket.created_at, now),
        "quiet": _minutes_since(item.last_at, now),
    }


async def ticket_card(update: Update, context: AssistantContext) -> None:
    """Send a ticket's card: who asked, its latest messages, and how to answer or close it."""
    caller = context.caller
    services = caller.services
    ticket_id = StaffTicket.of(update).ticket_id
    found = await services.tickets.open_item(ticket_id)
    if found is None:
        ticket = await services.tickets.get(ticket_id)
        name = "staff_ticket_closed" if ticket is not None else "not_available"
        await context.acknowledge(caller.render(name, ticket_id=ticket_id), alert=True)
        return
    now = datetime.now(UTC)
    thread = (await services.tickets.messages(ticket_id))[-CARD_MESSAGES:]
    messages = [
        {
            "from_member": message.direction == FROM_MEMBER,
            "text": shorten(message.text or "", CARD_TEXT)[0],
            "attachment": message.attachment,
            "ago": _minutes_since(message.created_at, now),
        }
        for message in thread
    ]
    text = caller.render("staff_ticket_card", item=_line(caller, found, now), messages=messages)
    await context.acknowledge()
    chat = update.effective_chat
    assert chat is not None
    markup = InlineKeyboardMarkup(close_buttons(services, found.ticket))
    card = await chat.send_message(text, reply_markup=markup)
    # A ticket post like the staff chat's: a reply to it answers the person.
    await services.tickets.add_post(ticket_id, card.chat_id, card.message_id, STAFF, COPY)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers: answering tickets is for staff who manage."""
    return staff(
        Ability.MANAGE,
        [
            CommandHandler("tickets", open_tickets, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(open_tickets, pattern=StaffMenu.pattern(screen="tickets")),
            CallbackQueryHandler(ticket_card, pattern=StaffTicket.pattern()),
        ],
    )
