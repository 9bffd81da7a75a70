"""Tickets posted for the team, and the person's follow-ups under them.

A ticket is posted to the staff chat, or privately to each staff member when there is none.
Every message the bot sends for a ticket is stored as a ticket post, so a reply to it on
either side finds its ticket, even after a restart.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, User
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.context import Services
from bot.domain.answering import normalise_question
from bot.domain.tickets import (
    DOCUMENT,
    PHOTO,
    TEXT_BUDGET,
    Draft,
    Sender,
    sender_of,
    shorten,
    staff_chats,
)
from bot.screens.buttons import CloseTicket
from storage.people import Person
from storage.tickets import (
    COPY,
    FROM_MEMBER,
    QUESTION,
    SERVICE_REQUEST,
    STAFF,
    TICKET_POST,
    TO_TEAM,
    Attachment,
    Ticket,
)

logger = logging.getLogger(__name__)


def draft_of(message: Message) -> Draft | None:
    """Return what a message carries for a ticket, or None for stickers, voice and the like."""
    if message.photo:
        attachment = Attachment(PHOTO, message.photo[-1].file_id)
        return Draft((message.caption or "").strip(), attachment)
    if message.document is not None:
        document = message.document
        attachment = Attachment(DOCUMENT, document.file_id, document.file_name)
        return Draft((message.caption or "").strip(), attachment)
    if message.text is not None:
        return Draft(message.text.strip(), None)
    return None


def _sender(services: Services, person: Person, user: User | None) -> Sender:
    language = services.settings.default_language
    return sender_of(services.catalogue, language, person, user.first_name if user else None)


def reply_parameters(message_id: int | None) -> ReplyParameters | None:
    """Return how to reply to a message, still sending if it was deleted meanwhile."""
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


def close_buttons(services: Services, ticket: Ticket) -> list[list[InlineKeyboardButton]]:
    """Return a ticket post's close buttons: a service request closes as delivered or not."""
    label = partial(services.texts.label, services.settings.default_language)
    if ticket.kind != SERVICE_REQUEST:
        return [
            [InlineKeyboardButton(label("ticket_close"), callback_data=CloseTicket(ticket.id).data)]
        ]
    return [
        [
            InlineKeyboardButton(
                label("ticket_close_delivered"), callback_data=CloseTicket(ticket.id, "d").data
            ),
            InlineKeyboardButton(
                label("ticket_close_not_delivered"),
                callback_data=CloseTicket(ticket.id, "n").data,
            ),
        ]
    ]


def confirm_close_buttons(
    services: Services, pressed: CloseTicket
) -> list[list[InlineKeyboardButton]]:
    """Return the buttons that ask "close it?" once more: yes (as pressed) or take it back."""
    label = partial(services.texts.label, services.settings.default_language)
    yes = {"d": "ticket_close_yes_delivered", "n": "ticket_close_yes_not_delivered"}
    ticket_id, outcome = pressed.ticket_id, pressed.outcome
    return [
        [
            InlineKeyboardButton(
                label(yes.get(outcome, "ticket_close_yes")),
                callback_data=CloseTicket(ticket_id, outcome, "y").data,
            ),
            InlineKeyboardButton(
                label("ticket_close_back"), callback_data=CloseTicket(ticket_id, outcome, "x").data
            ),
        ]
    ]


def staff_note(services: Services, what: str, **context: object) -> str:
    """Render a short note for staff, in the cluster's default language."""
    return services.texts.render(
        services.settings.default_language, "ticket_staff_note", what=what, **context
    )


async def send_file(
    bot: ExtBot[None],
    chat_id: int,
    attachment: Attachment,
    caption: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """Re-send a photo or document by its file id (no download, no upload)."""
    if attachment.kind == PHOTO:
        return await bot.send_photo(
            chat_id,
            attachment.file_id,
            caption=caption,
            reply_markup=markup,
            reply_parameters=reply_parameters(reply_to),
        )
    return await bot.send_document(
        chat_id,
        attachment.file_id,
        caption=caption,
        reply_markup=markup,
        reply_parameters=reply_parameters(reply_to),
    )


async def open_ticket(
    bot: ExtBot[None],
    services: Services,
    message: Message,
    draft: Draft,
    person: Person,
    *,
    kind: str,
    service_id: str | None,
    language: str,
) -> Ticket | None:
    """Store a new ticket and post it for the staff; None, keeping nothing, if no one got it."""
    return await open_ticket_from(
        bot,
        services,
        draft,
        person,
        kind=kind,
        service_id=service_id,
        language=language,
        origin=(message.chat_id, message.message_id),
        user=message.from_user,
    )


async def open_ticket_from(
    bot: ExtBot[None],
    services: Services,
    draft: Draft,
    person: Person,
    *,
    kind: str,
    service_id: str | None,
    language: str,
    origin: tuple[int, int | None],
    user: User | None,
) -> Ticket | None:
    """Open a ticket from what the person wrote earlier (`origin`: its chat and message)."""
    chat_id, message_id = origin
    ticket = await services.tickets.open(
        person.id,
        kind,
        language,
        draft.text or None,
        draft.attachment,
        service_id=service_id,
        chat_id=chat_id,
        message_id=message_id,
    )
    sender = _sender(services, person, user)
    if not await _post_ticket(bot, services, ticket, draft, sender):
        await services.tickets.discard(ticket.id)
        return None
    if kind == QUESTION and draft.text:
        await services.tickets.record_unanswered(
            normalise_question(draft.text), language, TO_TEAM, person.id
        )
    return ticket


async def add_follow_up(
    bot: ExtBot[None],
    services: Services,
    ticket: Ticket,
    message: Message,
    draft: Draft,
    person: Person,
) -> bool:
    """Post the person's answer under the ticket's staff posts and add it to the thread."""
    origin = (message.chat_id, message.message_id)
    return await add_follow_up_from(
        bot, services, ticket, draft, person, origin=origin, user=message.from_user
    )


async def add_follow_up_from(
    bot: ExtBot[None],
    services: Services,
    ticket: Ticket,
    draft: Draft,
    person: Person,
    *,
    origin: tuple[int, int | None],
    user: User | None,
) -> bool:
    """Add what the person wrote earlier (`origin`: its chat and message) to their ticket."""
    sender = _sender(services, person, user)
    if not await _post_follow_up(bot, services, ticket, draft, sender):
        return False
    chat_id, message_id = origin
    await services.tickets.add_message(
        ticket.id,
        FROM_MEMBER,
        draft.text or None,
        draft.attachment,
        chat_id=chat_id,
        message_id=message_id,
    )
    return True


async def _post_ticket(
    bot: ExtBot[None], services: Services, ticket: Ticket, draft: Draft, sender: Sender
) -> bool:
    """Post a new ticket to every staff chat, with its close button; tell whether any got it."""
    language = services.settings.default_language
    service = services.catalogue.service(ticket.service_id or "")
    text, truncated = shorten(draft.text, TEXT_BUDGET)
    post = services.texts.render(
        language,
        "ticket_staff_post",
        ticket_id=ticket.id,
        kind=ticket.kind,
        service=service.title.get(language) if service is not None else ticket.service_id,
        name=sender.name,
        has_profile=sender.has_profile,
        company=sender.company,
        sector=sender.sector,
        person_language=ticket.language,
        text=text,
        truncated=truncated,
        length=len(draft.text),
        attachment=draft.attachment,
    )
    markup = InlineKeyboardMarkup(close_buttons(services, ticket))
    delivered = False
    for chat_id in staff_chats(services.settings):
        delivered |= await _post_to_staff(
            bot, services, ticket.id, chat_id, post, draft.attachment, TICKET_POST, markup=markup
        )
    return delivered


async def _post_follow_up(
    bot: ExtBot[None], services: Services, ticket: Ticket, draft: Draft, sender: Sender
) -> bool:
    """Post the person's answer under the ticket's staff posts; tell whether any got it."""
    text, truncated = shorten(draft.text, TEXT_BUDGET)
    post = services.texts.render(
        services.settings.default_language,
        "ticket_staff_followup",
        ticket_id=ticket.id,
        name=sender.name,
        text=text,
        truncated=truncated,
        length=len(draft.text),
        attachment=draft.attachment,
    )
    threads: list[tuple[int, int | None]] = [
        (thread.chat_id, thread.message_id)
        for thread in await services.tickets.ticket_posts(ticket.id)
    ]
    delivered = False
    for chat_id, ticket_post in threads or [
        (chat, None) for chat in staff_chats(services.settings)
    ]:
        delivered |= await _post_to_staff(
            bot, services, ticket.id, chat_id, post, draft.attachment, COPY, reply_to=ticket_post
        )
    return delivered


async def _post_to_staff(
    bot: ExtBot[None],
    services: Services,
    ticket_id: int,
    chat_id: int,
    text: str,
    attachment: Attachment | None,
    purpose: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> bool:
    """Post a person's message in one staff chat, its file just below; tell whether it went."""
    try:
        post = await bot.send_message(
            chat_id, text, reply_markup=markup, reply_parameters=reply_parameters(reply_to)
        )
    except TelegramError as error:
        # A staff member who never opened the bot, or a chat the bot was removed from.
        logger.warning("Could not post ticket #%s to chat %s: %s", ticket_id, chat_id, error)
        return False
    await services.tickets.add_post(ticket_id, chat_id, post.message_id, STAFF, purpose)
    if attachment is not None:
        caption = staff_note(services, "attachment", ticket_id=ticket_id)
        try:
            copy = await send_file(bot, chat_id, attachment, caption, reply_to=post.message_id)
        except TelegramError as error:
            logger.warning("Could not post the file of ticket #%s: %s", ticket_id, error)
        else:
            await services.tickets.add_post(ticket_id, chat_id, copy.message_id, STAFF, COPY)
    return True
