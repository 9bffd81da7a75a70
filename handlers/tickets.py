"""Ask the team: a member's question or service request becomes a ticket the staff answer.

The member writes in a short conversation (`/ask`, the menu, "Ask the team", a service's
"Request this service", or "Reply" under an answer). The ticket is posted to the staff chat,
or privately to each staff member when there is none. Staff answer by replying to a ticket
post; the answer reaches the member as from the cluster team, and the member answers back
with the "Reply" button or by replying to it. Every message the bot sends for a ticket is
stored with its chat and message id, so a reply on either side finds its ticket, even after
a restart.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.error import Forbidden, TelegramError
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

from bot.cluster import Cluster, ClusterContext, MemberSession
from handlers import fallback, questions
from handlers.groups import FEATURES, TICKET_REPLIES
from handlers.links import ENTRY_ID
from handlers.replies import Visit, acknowledge, show, visit
from storage.members import Member
from storage.tickets import (
    COPY,
    FROM_MEMBER,
    FROM_STAFF,
    MEMBER,
    PROMPT,
    QUESTION,
    RECEIPT,
    SERVICE_REQUEST,
    STAFF,
    TICKET_POST,
    TO_TEAM,
    Attachment,
    Ticket,
    TicketPost,
    TicketRepository,
)

logger = logging.getLogger(__name__)

# Replies to ticket messages are looked up before every other handler, in a group of their own
# that runs first (other features keep catch-alls in their early groups, e.g. the survey's): a
# reply that continues a ticket goes to it and stops there (ApplicationHandlerStop); any other
# update goes on to the later groups as if nothing had looked at it.
TICKET_TIMEOUT = 15 * 60
WRITING = 0
# The member's session says what they are writing: a question, a service request, or a reply
# to the ticket they were last prompted for (see TicketRepository.prompted_ticket).
REPLY = "reply"
PHOTO = "photo"
DOCUMENT = "document"
# Telegram allows 4096 characters a message and 1024 a caption, counted in UTF-16 code units.
# Member and staff texts get these budgets; the template around them fits in the rest.
TEXT_BUDGET = 3500
CAPTION_BUDGET = 800
TICKET_ID = r"\d{1,12}"


@dataclass(frozen=True)
class Draft:
    """What a message brings to a ticket: its text or caption, and its photo or document."""

    text: str
    attachment: Attachment | None

    @property
    def is_empty(self) -> bool:
        """Tell whether there is nothing to pass on."""
        return not self.text and self.attachment is None


@dataclass(frozen=True)
class Sender:
    """How staff see a member: their profile, or only their Telegram first name."""

    name: str
    has_profile: bool
    company: str | None
    sector: str | None


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


def utf16_length(text: str) -> int:
    """Return a text's length the way Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, budget: int) -> tuple[str, bool]:
    """Cut a text to a budget of UTF-16 code units, ending it with an ellipsis when cut."""
    if utf16_length(text) <= budget:
        return text, False
    kept: list[str] = []
    used = 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used >= budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…", True


def staff_chats(cluster: Cluster) -> list[int]:
    """Return where new tickets go: the staff chat, else each staff member's private chat."""
    settings = cluster.settings
    if settings.staff_chat_id is not None:
        return [settings.staff_chat_id]
    return sorted(settings.staff_ids)


def sender_of(cluster: Cluster, member: Member, user: User | None) -> Sender:
    """Describe the member to staff; without a profile, by Telegram first name only."""
    if member.has_profile:
        sector = cluster.catalogue.sector(member.sector_id or "")
        language = cluster.settings.default_language
        return Sender(
            name=member.full_name or "",
            has_profile=True,
            company=member.company,
            sector=sector.name.get(language) if sector is not None else None,
        )
    return Sender(user.first_name if user is not None else "", False, None, None)


def _tickets(cluster: Cluster) -> TicketRepository:
    return TicketRepository(cluster.database)


def _session(context: ClusterContext) -> MemberSession:
    assert context.user_data is not None
    return context.user_data


def _forget(session: MemberSession) -> None:
    session.ticket_kind = None
    session.ticket_service = None


def _reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


def _staff_note(cluster: Cluster, what: str, **context: object) -> str:
    return cluster.texts.render(
        cluster.settings.default_language, "ticket_staff_note", what=what, **context
    )


async def _send_file(
    context: ClusterContext,
    chat_id: int,
    attachment: Attachment,
    caption: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """Re-send a photo or document by its file id (no download, no upload)."""
    if attachment.kind == PHOTO:
        return await context.bot.send_photo(
            chat_id,
            attachment.file_id,
            caption=caption,
            reply_markup=markup,
            reply_parameters=_reply_to(reply_to),
        )
    return await context.bot.send_document(
        chat_id,
        attachment.file_id,
        caption=caption,
        reply_markup=markup,
        reply_parameters=_reply_to(reply_to),
    )


async def _post_to_staff(
    context: ClusterContext,
    ticket: Ticket,
    chat_id: int,
    text: str,
    attachment: Attachment | None,
    *,
    purpose: str,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> bool:
    """Post a member's message in one staff chat, its file just below; tell whether it went."""
    cluster = context.cluster
    tickets = _tickets(cluster)
    try:
        post = await context.bot.send_message(
            chat_id, text, reply_markup=markup, reply_parameters=_reply_to(reply_to)
        )
    except TelegramError as error:
        # A staff member who never opened the bot, or a chat the bot was removed from.
        logger.warning("Could not post ticket #%s to chat %s: %s", ticket.id, chat_id, error)
        return False
    await tickets.add_post(ticket.id, chat_id, post.message_id, STAFF, purpose)
    if attachment is not None:
        caption = _staff_note(cluster, "attachment", ticket_id=ticket.id)
        try:
            copy = await _send_file(context, chat_id, attachment, caption, reply_to=post.message_id)
        except TelegramError as error:
            logger.warning("Could not post the file of ticket #%s: %s", ticket.id, error)
        else:
            await tickets.add_post(ticket.id, chat_id, copy.message_id, STAFF, COPY)
    return True


async def _reply(update: Update, text: str, rows: list[list[InlineKeyboardButton]]) -> Message:
    """Send the member a new message (never edit: the message above may be the team's)."""
    message = update.effective_message
    assert message is not None
    markup = InlineKeyboardMarkup(rows) if rows else None
    return await message.chat.send_message(text, reply_markup=markup)


def _new_question_rows(guest: Visit) -> list[list[InlineKeyboardButton]]:
    if not questions.can_ask_team(guest):
        return [[guest.button("home", "m:home")]]
    return [[guest.button("ticket_new", "tk:new")], [guest.button("home", "m:home")]]


def _prompt_text(
    guest: Visit,
    kind: str,
    *,
    service_id: str | None = None,
    ticket_id: int | None = None,
    reason: str | None = None,
) -> str:
    service = guest.cluster.catalogue.service(service_id or "")
    return guest.render(
        "ticket_prompt",
        kind=kind,
        service=service.title.get(guest.language) if service is not None else "",
        ticket_id=ticket_id,
        reason=reason,
        consented=guest.member.has_consented,
    )


async def _prompt(
    update: Update, guest: Visit, session: MemberSession, reason: str | None = None
) -> None:
    """Ask the member to write (again, saying why, after something we can't pass on)."""
    kind = session.ticket_kind or QUESTION
    ticket_id = None
    if kind == REPLY and update.effective_chat is not None:
        ticket_id = await _tickets(guest.cluster).prompted_ticket(update.effective_chat.id)
    text = _prompt_text(
        guest, kind, service_id=session.ticket_service, ticket_id=ticket_id, reason=reason
    )
    rows = [[guest.button("ticket_cancel", "tk:cancel")]]
    if reason is None:
        await show(update, text, rows)
    else:
        await _reply(update, text, rows)


async def _begin(
    update: Update,
    context: ClusterContext,
    guest: Visit,
    kind: str,
    service_id: str | None = None,
) -> int:
    session = _session(context)
    _forget(session)
    if not questions.can_ask_team(guest):
        contact = guest.cluster.catalogue.cluster.contact
        text = guest.render("ticket_unavailable", failed=False, contact=contact)
        await show(update, text, [[guest.button("home", "m:home")]])
        return ConversationHandler.END
    session.ticket_kind = kind
    session.ticket_service = service_id
    await _prompt(update, guest, session)
    return WRITING


async def ask(update: Update, context: ClusterContext) -> int:
    """Ask the member to write their question for the team."""
    guest = await visit(update, context)
    await acknowledge(update)
    return await _begin(update, context, guest, QUESTION)


async def request_service(update: Update, context: ClusterContext) -> int:
    """Ask the member what they need, from a service's "Request this service" button."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    service_id = context.matches[0].group(1)
    if guest.cluster.catalogue.service(service_id) is None:
        await show(update, guest.render("not_available"), [[guest.button("home", "m:home")]])
        return ConversationHandler.END
    return await _begin(update, context, guest, SERVICE_REQUEST, service_id)


async def reply_pressed(update: Update, context: ClusterContext) -> int:
    """Ask the member for their reply to the team, from the button under an answer."""
    guest = await visit(update, context)
    assert context.matches is not None
    tickets = _tickets(guest.cluster)
    ticket = await tickets.get(int(context.matches[0].group(1)))
    if ticket is None or ticket.member_id != guest.member.id:
        await acknowledge(update, guest.render("not_available"), alert=True)
        return ConversationHandler.END
    await acknowledge(update)
    session = _session(context)
    _forget(session)
    if not ticket.is_open:
        text = guest.render("ticket_closed", ticket_id=ticket.id, by_staff=False)
        await _reply(update, text, _new_question_rows(guest))
        return ConversationHandler.END
    session.ticket_kind = REPLY
    text = _prompt_text(guest, REPLY, ticket_id=ticket.id)
    prompt = await _reply(update, text, [[guest.button("ticket_cancel", "tk:cancel")]])
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


async def written(update: Update, context: ClusterContext) -> int:
    """Send what the member wrote to the team: a new ticket, or their reply to one."""
    session = _session(context)
    kind = session.ticket_kind
    if kind is None:
        # A reply to a ticket message already answered the prompt (see `reply_received`).
        return await _not_for_the_team(update, context)
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    draft = draft_of(message)
    assert draft is not None  # the state's filter lets only text, photos and documents in
    reason = _problem(draft, kind)
    if reason is not None:
        await _prompt(update, guest, session, reason)
        return WRITING
    service_id = session.ticket_service
    _forget(session)
    if kind == REPLY:
        tickets = _tickets(guest.cluster)
        ticket_id = await tickets.prompted_ticket(message.chat_id)
        ticket = await tickets.get(ticket_id) if ticket_id is not None else None
        if ticket is None or ticket.member_id != guest.member.id:
            await _reply(update, guest.render("not_available"), [])
            return ConversationHandler.END
        await _follow_up(update, context, guest, ticket, draft)
        return ConversationHandler.END
    await _open_ticket(update, context, guest, kind, service_id, draft)
    return ConversationHandler.END


async def _not_for_the_team(update: Update, context: ClusterContext) -> int:
    """Handle a message as if no ticket conversation were open."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await questions.answer_question(update, context)
    else:
        await fallback.anything_else(update, context)
    return ConversationHandler.END


async def wrong_kind(update: Update, context: ClusterContext) -> int:
    """Ask for text, a photo or a document after a sticker, voice message or the like."""
    guest = await visit(update, context)
    await _prompt(update, guest, _session(context), "other")
    return WRITING


async def cancel(update: Update, context: ClusterContext) -> int:
    """Leave the question without sending anything."""
    guest = await visit(update, context)
    await acknowledge(update)
    _forget(_session(context))
    text = guest.render("ticket_cancelled", timeout=False)
    await show(update, text, [[guest.button("home", "m:home")]])
    return ConversationHandler.END


async def timed_out(update: Update, context: ClusterContext) -> None:
    """Tell the member we stopped waiting for their question."""
    guest = await visit(update, context)
    _forget(_session(context))
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, guest.render("ticket_cancelled", timeout=True))


async def _open_ticket(
    update: Update,
    context: ClusterContext,
    guest: Visit,
    kind: str,
    service_id: str | None,
    draft: Draft,
) -> None:
    """Store the ticket, post it for the staff, and confirm it to the member."""
    cluster = guest.cluster
    tickets = _tickets(cluster)
    message = update.effective_message
    assert message is not None
    ticket = await tickets.open(
        guest.member.id,
        kind,
        guest.language,
        draft.text or None,
        draft.attachment,
        service_id=service_id,
        chat_id=message.chat_id,
        message_id=message.message_id,
    )
    staff_language = cluster.settings.default_language
    service = cluster.catalogue.service(service_id or "")
    sender = sender_of(cluster, guest.member, update.effective_user)
    text, truncated = shorten(draft.text, TEXT_BUDGET)
    post = cluster.texts.render(
        staff_language,
        "ticket_staff_post",
        ticket_id=ticket.id,
        kind=kind,
        service=service.title.get(staff_language) if service is not None else service_id,
        name=sender.name,
        has_profile=sender.has_profile,
        company=sender.company,
        sector=sender.sector,
        member_language=guest.language,
        text=text,
        truncated=truncated,
        length=len(draft.text),
        attachment=draft.attachment,
    )
    close = InlineKeyboardButton(
        cluster.texts.label(staff_language, "ticket_close"), callback_data=f"tk:close:{ticket.id}"
    )
    delivered = False
    for chat_id in staff_chats(cluster):
        delivered |= await _post_to_staff(
            context,
            ticket,
            chat_id,
            post,
            draft.attachment,
            purpose=TICKET_POST,
            markup=InlineKeyboardMarkup([[close]]),
        )
    if not delivered:
        await tickets.discard(ticket.id)
        contact = cluster.catalogue.cluster.contact
        text = guest.render("ticket_unavailable", failed=True, contact=contact)
        await _reply(update, text, [[guest.button("home", "m:home")]])
        return
    if kind == QUESTION and draft.text:
        await tickets.record_unanswered(draft.text, guest.language, TO_TEAM)
    text = guest.render("ticket_sent", follow_up=False, kind=kind, ticket_id=ticket.id)
    receipt = await _reply(update, text, [[guest.button("home", "m:home")]])
    await tickets.add_post(ticket.id, receipt.chat_id, receipt.message_id, MEMBER, RECEIPT)


async def _follow_up(
    update: Update, context: ClusterContext, guest: Visit, ticket: Ticket, draft: Draft
) -> None:
    """Post the member's answer in the ticket's staff thread(s), if the ticket is open."""
    cluster = guest.cluster
    tickets = _tickets(cluster)
    if not ticket.is_open:
        text = guest.render("ticket_closed", ticket_id=ticket.id, by_staff=False)
        await _reply(update, text, _new_question_rows(guest))
        return
    message = update.effective_message
    assert message is not None
    sender = sender_of(cluster, guest.member, update.effective_user)
    text, truncated = shorten(draft.text, TEXT_BUDGET)
    post = cluster.texts.render(
        cluster.settings.default_language,
        "ticket_staff_followup",
        ticket_id=ticket.id,
        name=sender.name,
        text=text,
        truncated=truncated,
        length=len(draft.text),
        attachment=draft.attachment,
    )
    threads: list[tuple[int, int | None]] = [
        (thread.chat_id, thread.message_id) for thread in await tickets.ticket_posts(ticket.id)
    ]
    delivered = False
    for chat_id, ticket_post in threads or [(chat, None) for chat in staff_chats(cluster)]:
        delivered |= await _post_to_staff(
            context, ticket, chat_id, post, draft.attachment, purpose=COPY, reply_to=ticket_post
        )
    if not delivered:
        contact = cluster.catalogue.cluster.contact
        text = guest.render("ticket_unavailable", failed=True, contact=contact)
        await _reply(update, text, [])
        return
    await tickets.add_message(
        ticket.id,
        FROM_MEMBER,
        draft.text or None,
        draft.attachment,
        chat_id=message.chat_id,
        message_id=message.message_id,
    )
    text = guest.render("ticket_sent", follow_up=True, kind=ticket.kind, ticket_id=ticket.id)
    receipt = await _reply(update, text, [])
    await tickets.add_post(ticket.id, receipt.chat_id, receipt.message_id, MEMBER, RECEIPT)


async def reply_received(update: Update, context: ClusterContext) -> None:
    """Continue a ticket when someone replies to one of its messages; else let others handle it."""
    message = update.message
    if message is None or message.reply_to_message is None:
        return
    post = await _tickets(context.cluster).post_at(
        message.chat_id, message.reply_to_message.message_id
    )
    if post is None:
        return
    if post.audience == STAFF:
        await _staff_replied(update, context, post)
    else:
        await _member_replied(update, context, post)
    # Handled: the handlers of the default group must not treat it as a question too.
    raise ApplicationHandlerStop


async def _member_replied(update: Update, context: ClusterContext, post: TicketPost) -> None:
    """Add the member's reply to their ticket."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    ticket = await _tickets(guest.cluster).get(post.ticket_id)
    if ticket is None or ticket.member_id != guest.member.id:
        await _reply(update, guest.render("not_available"), [])
        return
    draft = draft_of(message)
    if draft is None or draft.is_empty:
        reason = "other" if draft is None else "empty"
        await _reply(update, _prompt_text(guest, REPLY, ticket_id=ticket.id, reason=reason), [])
        return
    session = _session(context)
    if session.ticket_kind == REPLY:
        # The reply they were prompted for came as a Telegram reply: the prompt is answered.
        _forget(session)
    await _follow_up(update, context, guest, ticket, draft)


async def _staff_replied(update: Update, context: ClusterContext, post: TicketPost) -> None:
    """Relay a staff reply to the member, as from the cluster team."""
    cluster = context.cluster
    tickets = _tickets(cluster)
    message = update.message
    user = update.effective_user
    assert message is not None and user is not None
    ticket_id = post.ticket_id
    if not cluster.is_staff(user.id):
        await message.reply_text(_staff_note(cluster, "not_staff", ticket_id=ticket_id))
        return
    ticket = await tickets.get(ticket_id)
    if ticket is None or ticket.member_id is None:
        await message.reply_text(_staff_note(cluster, "erased", ticket_id=ticket_id))
        return
    if not ticket.is_open:
        await message.reply_text(_staff_note(cluster, "ticket_closed", ticket_id=ticket_id))
        return
    draft = draft_of(message)
    if draft is None or draft.is_empty:
        await message.reply_text(_staff_note(cluster, "unsupported", ticket_id=ticket_id))
        return
    member_id = ticket.member_id
    language = await cluster.language_of_member(member_id)
    button = InlineKeyboardButton(
        cluster.texts.label(language, "ticket_reply"), callback_data=f"tk:re:{ticket.id}"
    )
    markup = InlineKeyboardMarkup([[button]])
    text, truncated = shorten(draft.text, CAPTION_BUDGET if draft.attachment else TEXT_BUDGET)
    answer = cluster.texts.render(
        language, "ticket_answer", ticket_id=ticket.id, text=text, truncated=truncated
    )
    try:
        if draft.attachment is None:
            relayed = await context.bot.send_message(member_id, answer, reply_markup=markup)
        else:
            relayed = await _send_file(context, member_id, draft.attachment, answer, markup=markup)
    except Forbidden:
        await cluster.members.mark_unreachable(member_id)
        await message.reply_text(_staff_note(cluster, "blocked", ticket_id=ticket_id))
        return
    except TelegramError as error:
        logger.warning("Could not relay an answer to ticket #%s: %s", ticket_id, error)
        await message.reply_text(_staff_note(cluster, "failed", ticket_id=ticket_id))
        return
    # Linked first: the member may answer it at once.
    await tickets.add_post(ticket.id, relayed.chat_id, relayed.message_id, MEMBER, COPY)
    await tickets.add_message(
        ticket.id,
        FROM_STAFF,
        draft.text or None,
        draft.attachment,
        chat_id=message.chat_id,
        message_id=message.message_id,
        staff_user_id=user.id,
    )
    receipt = await message.reply_text(_staff_note(cluster, "delivered", ticket_id=ticket_id))
    await tickets.add_post(ticket.id, receipt.chat_id, receipt.message_id, STAFF, RECEIPT)


async def close_pressed(update: Update, context: ClusterContext) -> None:
    """Close a ticket from its staff post (staff only) and tell the member."""
    cluster = context.cluster
    user = update.effective_user
    query = update.callback_query
    assert user is not None and query is not None and context.matches is not None
    if not cluster.is_staff(user.id):
        language = cluster.language_of(await cluster.members.get(user.id), user)
        text = cluster.texts.render(language, "ticket_staff_note", what="staff_only")
        await acknowledge(update, text, alert=True)
        return
    tickets = _tickets(cluster)
    ticket_id = int(context.matches[0].group(1))
    ticket = await tickets.get(ticket_id)
    if ticket is None:
        language = cluster.settings.default_language
        await acknowledge(update, cluster.texts.render(language, "not_available"), alert=True)
        return
    closed = await tickets.close(ticket_id, user.id)
    if closed is None:
        await acknowledge(update, _staff_note(cluster, "already_closed", ticket_id=ticket_id))
        await _remove_close_buttons(context, await tickets.ticket_posts(ticket_id))
        return
    await acknowledge(update, _staff_note(cluster, "closed_alert", ticket_id=ticket_id))
    posts = await tickets.ticket_posts(ticket_id)
    await _remove_close_buttons(context, posts)
    member_told = await _tell_member_closed(context, closed)
    note = _staff_note(
        cluster,
        "closed_note",
        ticket_id=ticket_id,
        staff_name=user.first_name,
        member_told=member_told,
    )
    for post in posts:
        try:
            sent = await context.bot.send_message(
                post.chat_id, note, reply_parameters=_reply_to(post.message_id)
            )
        except TelegramError as error:
            logger.warning("Could not note the closing of ticket #%s: %s", ticket_id, error)
            continue
        await tickets.add_post(ticket_id, sent.chat_id, sent.message_id, STAFF, RECEIPT)


async def _remove_close_buttons(context: ClusterContext, posts: list[TicketPost]) -> None:
    for post in posts:
        try:
            await context.bot.edit_message_reply_markup(post.chat_id, post.message_id)
        except TelegramError as error:
            # Already without buttons ("not modified"), or deleted by someone in the chat.
            logger.debug("Could not remove the close button: %s", error)


async def _tell_member_closed(context: ClusterContext, ticket: Ticket) -> bool:
    """Tell the member their ticket was closed; return whether they could be told."""
    cluster = context.cluster
    if ticket.member_id is None:
        return False
    language = await cluster.language_of_member(ticket.member_id)
    text = cluster.texts.render(language, "ticket_closed", ticket_id=ticket.id, by_staff=True)
    button = InlineKeyboardButton(
        cluster.texts.label(language, "ticket_new"), callback_data="tk:new"
    )
    try:
        await context.bot.send_message(
            ticket.member_id, text, reply_markup=InlineKeyboardMarkup([[button]])
        )
    except Forbidden:
        await cluster.members.mark_unreachable(ticket.member_id)
        return False
    except TelegramError as error:
        logger.warning("Could not tell the member ticket #%s closed: %s", ticket.id, error)
        return False
    return True


def conversation() -> ConversationHandler[ClusterContext]:
    """Return the "write your question for the team" conversation."""
    # Tracked per member and chat, not per message, like the profile form: the buttons that
    # start it live on many different messages.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation()


def _conversation() -> ConversationHandler[ClusterContext]:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    content = private & ((filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL)
    anything_else = private & ~filters.COMMAND & ~filters.StatusUpdate.ALL
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


def handlers() -> dict[int, list[BaseHandler[Update, ClusterContext, None]]]:
    """Return this feature's handlers: replies to tickets first, in a group of their own."""
    replies = filters.UpdateType.MESSAGE & filters.REPLY & ~filters.COMMAND
    return {
        TICKET_REPLIES: [MessageHandler(replies & ~filters.StatusUpdate.ALL, reply_received)],
        FEATURES: [
            conversation(),  # type: ignore[list-item]
            CallbackQueryHandler(close_pressed, pattern=rf"^tk:close:({TICKET_ID})$"),
        ],
    }
