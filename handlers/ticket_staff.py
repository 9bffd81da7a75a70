"""Ask the team, the staff side: answering a ticket by replying to its post, and closing it.

A staff answer reaches the person as from the cluster team, with a "Reply" button; only
staff who manage may answer or close, whoever else is in the staff chat. Closing asks once more
(a mis-tap closes nothing). A service request closes as delivered or not delivered; a reply to
its closing note is its outcome note. Any other reply to a closed ticket is held: staff are asked
whether to send it and reopen the ticket, and nothing reaches the person unless they say so.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ExtBot

from bot.context import AssistantContext, Services
from bot.domain.access import Ability
from bot.domain.tickets import CAPTION_BUDGET, TEXT_BUDGET, Draft, shorten
from bot.screens.buttons import CloseTicket, NewTicket, RelayToClosed, ReplyToTicket
from handlers.ticket_posts import (
    close_buttons,
    confirm_close_buttons,
    draft_of,
    reply_parameters,
    send_file,
    staff_note,
)
from storage.tickets import (
    COPY,
    DELIVERED,
    FROM_STAFF,
    MEMBER,
    NOT_DELIVERED,
    OUTCOME_NOTE_LIMIT,
    RECEIPT,
    SERVICE_REQUEST,
    STAFF,
    Ticket,
    TicketPost,
)

logger = logging.getLogger(__name__)
# A service request's close buttons say how it ended; "c" (an older post's one button) says not.
_OUTCOMES = {"d": DELIVERED, "n": NOT_DELIVERED}


def _may_answer(context: AssistantContext) -> bool:
    """Tell whether the sender may answer and close tickets."""
    caller = context.known_caller
    return caller is not None and caller.can(Ability.MANAGE)


async def staff_replied(update: Update, context: AssistantContext, post: TicketPost) -> None:
    """Relay a staff reply to the person, as from the cluster team."""
    services = context.services
    message = update.message
    user = update.effective_user
    assert message is not None and user is not None
    ticket_id = post.ticket_id
    ticket = await services.tickets.get(ticket_id)
    draft = draft_of(message)
    if not _may_answer(context):
        outcome = "not_staff"
    elif ticket is not None and _is_closing_note(post, ticket):
        # A reply to a service request's closing note is its outcome note, for the report.
        outcome = await _note_outcome(services, ticket, draft)
    elif ticket is None or ticket.person_id is None:
        outcome = "erased"
    elif draft is None or draft.is_empty:
        outcome = "unsupported"
    elif not ticket.is_open:
        await _offer_to_reopen(message, services, ticket)
        return
    else:
        outcome = await _relay(context.bot, services, ticket, draft, message, user.id)
    note = await message.reply_text(
        staff_note(services, outcome, ticket_id=ticket_id), do_quote=True
    )
    if outcome == "delivered":
        await services.tickets.add_post(ticket_id, note.chat_id, note.message_id, STAFF, RECEIPT)


def _is_closing_note(post: TicketPost, ticket: Ticket) -> bool:
    """Tell whether a post is the note that closed a service request (asking for its outcome)."""
    return (
        ticket.kind == SERVICE_REQUEST
        and not ticket.is_open
        and post.audience == STAFF
        and post.purpose == RECEIPT
        and post.created_at is not None
        and ticket.closed_at is not None
        and post.created_at >= ticket.closed_at
    )


async def _offer_to_reopen(message: Message, services: Services, ticket: Ticket) -> None:
    """Hold a reply to a closed ticket and ask whether to send it and reopen the ticket.

    The note answers the reply, so the press finds it again as the note's replied message."""
    label = partial(services.texts.label, services.settings.default_language)
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label("ticket_reopen_send"), callback_data=RelayToClosed(ticket.id, "y").data
                ),
                InlineKeyboardButton(
                    label("ticket_reopen_keep"), callback_data=RelayToClosed(ticket.id, "n").data
                ),
            ]
        ]
    )
    note = staff_note(
        services,
        "closed_ask",
        ticket_id=ticket.id,
        outcome_note=ticket.kind == SERVICE_REQUEST and ticket.outcome is not None,
    )
    await message.reply_text(note, reply_markup=markup, do_quote=True)


async def relay_pressed(update: Update, context: AssistantContext) -> None:
    """Send a held reply to a closed ticket's person and reopen it, or leave it unsent."""
    services = context.services
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    if not _may_answer(context):
        language = services.language_of(await services.people.get(user.id), user)
        text = services.texts.render(language, "ticket_staff_note", what="not_staff")
        await context.acknowledge(text, alert=True)
        return
    pressed = RelayToClosed.of(update)
    ticket = await services.tickets.get(pressed.ticket_id)
    note = query.message if isinstance(query.message, Message) else None
    held = note.reply_to_message if note is not None else None
    if pressed.choice == "n":
        outcome = "kept_unsent"
    elif ticket is None or ticket.person_id is None:
        outcome = "erased"
    elif held is None:
        outcome = "held_gone"
    elif await services.tickets.relayed(ticket.id, held.chat_id, held.message_id):
        outcome = "already_sent"
    elif (draft := draft_of(held)) is None or draft.is_empty:
        outcome = "unsupported"
    else:
        author = held.from_user.id if held.from_user is not None else user.id
        outcome = await _relay(context.bot, services, ticket, draft, held, author)
        if outcome == "delivered":
            await _reopen(context.bot, services, ticket)
            outcome = "reopened"
    text = staff_note(services, outcome, ticket_id=pressed.ticket_id, staff_name=user.first_name)
    if note is None:
        return
    # A send that failed may be tried again from the same buttons.
    markup = note.reply_markup if outcome == "failed" else None
    try:
        await note.edit_text(text, reply_markup=markup)
    except TelegramError as error:
        logger.debug("Could not update the note on a closed ticket's reply: %s", error)
    if outcome == "reopened":
        await services.tickets.add_post(
            pressed.ticket_id, note.chat_id, note.message_id, STAFF, RECEIPT
        )


async def _reopen(bot: ExtBot[None], services: Services, ticket: Ticket) -> None:
    """Open the ticket again and give its staff posts back their close buttons."""
    await services.tickets.reopen(ticket.id)
    reopened = await services.tickets.get(ticket.id)
    if reopened is None:
        return
    markup = InlineKeyboardMarkup(close_buttons(services, reopened))
    for post in await services.tickets.ticket_posts(ticket.id):
        try:
            await bot.edit_message_reply_markup(post.chat_id, post.message_id, reply_markup=markup)
        except TelegramError as error:
            logger.debug("Could not give a reopened ticket its close button: %s", error)


async def _note_outcome(services: Services, ticket: Ticket, draft: Draft | None) -> str:
    """Keep a staff reply to a closed service request as its outcome note."""
    text = (draft.text or "").strip() if draft is not None else ""
    if not text:
        return "outcome_note_text"
    if len(text) > OUTCOME_NOTE_LIMIT:
        return "outcome_note_long"
    await services.tickets.note_outcome(ticket.id, text)
    return "outcome_noted"


async def _relay(
    bot: ExtBot[None],
    services: Services,
    ticket: Ticket,
    draft: Draft,
    message: Message,
    staff_user_id: int,
) -> str:
    """Send a staff answer to the person and add it to the thread; return the note for staff."""
    person_id = ticket.person_id
    assert person_id is not None
    language = await services.language_of_person(person_id)
    button = InlineKeyboardButton(
        services.texts.label(language, "ticket_reply"), callback_data=ReplyToTicket(ticket.id).data
    )
    markup = InlineKeyboardMarkup([[button]])
    text, truncated = shorten(draft.text, CAPTION_BUDGET if draft.attachment else TEXT_BUDGET)
    answer = services.texts.render(
        language, "ticket_answer", ticket_id=ticket.id, text=text, truncated=truncated
    )
    try:
        if draft.attachment is None:
            relayed = await bot.send_message(person_id, answer, reply_markup=markup)
        else:
            relayed = await send_file(bot, person_id, draft.attachment, answer, markup=markup)
    except Forbidden:
        await services.people.mark_unreachable(person_id)
        return "blocked"
    except TelegramError as error:
        logger.warning("Could not relay an answer to ticket #%s: %s", ticket.id, error)
        return "failed"
    # Linked first: the person may answer it at once.
    await services.tickets.add_post(ticket.id, relayed.chat_id, relayed.message_id, MEMBER, COPY)
    await services.tickets.add_message(
        ticket.id,
        FROM_STAFF,
        draft.text or None,
        draft.attachment,
        chat_id=message.chat_id,
        message_id=message.message_id,
        staff_user_id=staff_user_id,
    )
    return "delivered"


async def close_pressed(update: Update, context: AssistantContext) -> None:
    """Close a ticket from its staff post (staff only) and tell the person."""
    services = context.services
    user = update.effective_user
    assert user is not None
    if not _may_answer(context):
        # Whoever pressed it may be a person: tell them in their own language.
        language = services.language_of(await services.people.get(user.id), user)
        text = services.texts.render(language, "ticket_staff_note", what="staff_only")
        await context.acknowledge(text, alert=True)
        return
    pressed = CloseTicket.of(update)
    ticket_id = pressed.ticket_id
    ticket = await services.tickets.get(ticket_id)
    if ticket is None:
        language = services.settings.default_language
        await context.acknowledge(services.texts.render(language, "not_available"), alert=True)
        return
    if pressed.step != "y" and ticket.is_open:
        await _ask_or_keep(update, context, ticket, pressed)
        return
    outcome = _OUTCOMES.get(pressed.outcome) if ticket.kind == SERVICE_REQUEST else None
    closed = await services.tickets.close(ticket_id, user.id, outcome)
    if closed is None:
        await context.acknowledge(staff_note(services, "already_closed", ticket_id=ticket_id))
        await _remove_close_buttons(context.bot, await services.tickets.ticket_posts(ticket_id))
        return
    await context.acknowledge(staff_note(services, "closed_alert", ticket_id=ticket_id))
    posts = await services.tickets.ticket_posts(ticket_id)
    await _remove_close_buttons(context.bot, posts)
    pressed_on = update.effective_message
    if pressed_on is not None and all(
        (post.chat_id, post.message_id) != (pressed_on.chat_id, pressed_on.message_id)
        for post in posts
    ):
        # A ticket's card from the staff list: it loses its buttons too.
        await _remove_close_buttons(
            context.bot,
            [TicketPost(pressed_on.chat_id, pressed_on.message_id, ticket_id, STAFF, COPY)],
        )
    person_told = await _tell_person_closed(context.bot, services, closed)
    note = staff_note(
        services,
        "closed_note",
        ticket_id=ticket_id,
        staff_name=user.first_name,
        person_told=person_told,
        outcome=outcome,
    )
    await _note_under_posts(context.bot, services, ticket_id, posts, note)


async def _ask_or_keep(
    update: Update, context: AssistantContext, ticket: Ticket, pressed: CloseTicket
) -> None:
    """Ask "close it?" on the pressed post, or put its close buttons back ("Vazgeç")."""
    services = context.services
    query = update.callback_query
    assert query is not None
    if pressed.step == "a":
        rows = confirm_close_buttons(services, pressed)
        what = "close_confirm"
    else:
        rows = close_buttons(services, ticket)
        what = "close_kept"
    await context.acknowledge(staff_note(services, what, ticket_id=ticket.id))
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    except TelegramError as error:
        logger.debug("Could not change a ticket post's buttons: %s", error)


async def _remove_close_buttons(bot: ExtBot[None], posts: list[TicketPost]) -> None:
    """Take the close button off each of a ticket's staff posts."""
    for post in posts:
        try:
            await bot.edit_message_reply_markup(post.chat_id, post.message_id)
        except TelegramError as error:
            # Already without buttons ("not modified"), or deleted by someone in the chat.
            logger.debug("Could not remove the close button: %s", error)


async def _tell_person_closed(bot: ExtBot[None], services: Services, ticket: Ticket) -> bool:
    """Tell the person their ticket was closed; return whether they could be told."""
    if ticket.person_id is None:
        return False
    language = await services.language_of_person(ticket.person_id)
    text = services.texts.render(language, "ticket_closed", ticket_id=ticket.id, by_staff=True)
    button = InlineKeyboardButton(
        services.texts.label(language, "ticket_new"), callback_data=NewTicket().data
    )
    try:
        await bot.send_message(
            ticket.person_id, text, reply_markup=InlineKeyboardMarkup([[button]])
        )
    except Forbidden:
        await services.people.mark_unreachable(ticket.person_id)
        return False
    except TelegramError as error:
        logger.warning("Could not tell the person ticket #%s closed: %s", ticket.id, error)
        return False
    return True


async def _note_under_posts(
    bot: ExtBot[None], services: Services, ticket_id: int, posts: list[TicketPost], note: str
) -> None:
    """Reply to each staff post with a note, so every staff chat sees what happened."""
    for post in posts:
        try:
            sent = await bot.send_message(
                post.chat_id, note, reply_parameters=reply_parameters(post.message_id)
            )
        except TelegramError as error:
            logger.warning("Could not note the closing of ticket #%s: %s", ticket_id, error)
            continue
        await services.tickets.add_post(ticket_id, sent.chat_id, sent.message_id, STAFF, RECEIPT)


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the staff side's handlers (staff replies are routed by `tickets.reply_received`)."""
    return [
        CallbackQueryHandler(close_pressed, pattern=CloseTicket.pattern()),
        CallbackQueryHandler(relay_pressed, pattern=RelayToClosed.pattern()),
    ]
