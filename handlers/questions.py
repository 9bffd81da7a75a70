"""Typed questions, answered first by the assistant and handed to the team only when it can't.

A question typed in the chat, or after "Ask a question" and /ask, is answered from the FAQ,
services and events: the answer's links become buttons and "Did this help?" is asked. Small talk
gets a friendly word. When nothing fits, or the person says the answer didn't help, one tap
passes the very text they typed to the team (handlers/ticket_posts.py), at most once.
"""

from __future__ import annotations

import contextlib
import html
import unicodedata
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.answering import Match, normalise_question
from bot.domain.answering.event_lists import EventsAsked, events_for
from bot.domain.tickets import Draft
from bot.screens.answers import AnswerScreens, suggestion
from bot.screens.buttons import (
    KIND_OF_SUGGESTION,
    Contact,
    HandOver,
    Helpful,
    Menu,
    ReplyToTicket,
    Suggestion,
)
from bot.screens.office_hours import expected_answer
from handlers import events, services, staff_questions, ticket_follow_ups
from handlers.replies import Keyboard, show
from handlers.ticket_posts import open_ticket_from
from storage.tickets import MEMBER, QUESTION, RECEIPT

# A message of a few sentences is read whole for its question (bot.domain.answering.focus); a
# longer one is answered from its beginning.
QUESTION_LIMIT = 2_000


def has_words(text: str) -> bool:
    """Tell whether a text holds at least one letter or digit (not only emoji or marks)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _is_fragment(text: str) -> bool:
    """Tell whether a message is too little to be a question: "a", "7", "?", "...", emoji."""
    return sum(1 for char in text if unicodedata.category(char)[0] in "LN") < 2


def _has_latin_letters(text: str) -> bool:
    """Tell whether a text has a letter of the Latin script (Turkish and English use it)."""
    return any(char.isalpha() and "LATIN" in unicodedata.name(char, "") for char in text) or any(
        char.isdigit() for char in text
    )


def can_ask_team(caller: Caller) -> bool:
    """Tell whether questions can be handed to the team."""
    settings = caller.services.settings
    return settings.staff_chat_id is not None or bool(settings.staff_ids)


def _screens(caller: Caller) -> AnswerScreens:
    return AnswerScreens(caller.services.texts, caller.services.catalogue, caller.language)


def _team_row(caller: Caller, asked_id: int) -> list[InlineKeyboardButton]:
    if not can_ask_team(caller):
        return []
    return [caller.button("hand_over", HandOver(asked_id))]


async def answer_question(update: Update, context: AssistantContext) -> None:
    """Answer a typed question, suggest close matches, or offer the team."""
    caller = context.caller
    message = update.effective_message
    if message is None or message.text is None:
        return
    await answer_text(update, caller, message.text.strip(), message.message_id)


async def answer_text(update: Update, caller: Caller, text: str, message_id: int | None) -> None:
    """Answer a question the person wrote; `message_id` is their message, for the team."""
    message = update.effective_message
    assert message is not None
    services = caller.services
    now = datetime.now(UTC)
    answer = services.answers.ask(text[:QUESTION_LIMIT], caller.language, now)
    if answer.small_talk is not None:
        screen = _screens(caller).small_talk(answer.small_talk)
        await show(update, screen.text, screen.rows)
        return
    if _is_fragment(text):
        # Not a question: a hint, never logged as unanswered nor offered to the team.
        await show(update, caller.render("no_words"), [_screens(caller).home_row()])
        return
    # The index already left out events held before `now`: `python -m bot ask` decides alike.
    matches = list(answer.matches)
    if not _has_latin_letters(text):
        # Another script: the catalogue can't answer it, but the team may read it.
        asked_id = await services.asked.record(
            caller.person.id, text, normalise_question(text), caller.language, "none", None, (),
            message_id,
        )  # fmt: skip
        team = can_ask_team(caller)
        rows = [_team_row(caller, asked_id), _screens(caller).home_row()]
        # In English, which more people read than Turkish; and in Turkish for a Turkish setting.
        texts = caller.services.texts
        said = [texts.render(lang, "other_script", can_ask_team=team) for lang in ("en", "tr")]
        text = said[0] if caller.language != "tr" else "\n\n".join(said)
        await show(update, text, [row for row in rows if row])
        return
    if answer.decision == "list" and answer.events_asked is not None:
        await list_events(update, caller, text, answer.events_asked, message_id, now)
        return
    answered = bool(matches) and (
        answer.decision == "answer" or (answer.decision == "choose" and len(matches) == 1)
    )
    entry = matches[0].id if answered else None
    if len(text) > QUESTION_LIMIT:
        # Promise 👎 only where the answer shows it: with a found entry, not with suggestions.
        note = caller.render("too_long", rated=entry is not None, team=can_ask_team(caller))
        await message.reply_text(note)
    others = tuple(match.id for match in matches if match.id != entry)
    decision = "answer" if answered else answer.decision if matches else "none"
    asked_id = await services.asked.record(
        caller.person.id,
        text,
        normalise_question(text),
        caller.language,
        decision,
        entry,
        others,
        message_id,
    )
    if entry is not None:
        await open_entry(update, caller, entry, asked_id)
    elif decision == "choose":
        screen = _screens(caller).which_event([match.entry_id for match in matches])
        await show(update, screen.text, screen.rows)
    else:
        await suggest(update, caller, matches if decision == "suggest" else [], asked_id)


async def list_events(
    update: Update,
    caller: Caller,
    text: str,
    asked: EventsAsked,
    message_id: int | None,
    now: datetime,
) -> None:
    """List the events of the kinds and period asked about, from the live calendar."""
    services = caller.services
    upcoming = await services.catalogue_store.upcoming(services.catalogue, now)
    listed, after_period = events_for(asked, [listing.event for listing in upcoming], now)
    # Kept as a choice among events: it counts as answered, and the events are its candidates.
    await services.asked.record(
        caller.person.id, text, normalise_question(text), caller.language, "choose", None,
        tuple(f"event:{event.id}" for event in listed), message_id,
    )  # fmt: skip
    registered = {
        registration.event_id: registration.status
        for registration in await services.registrations.of_person(caller.person.id)
        if registration.is_active
    }
    screen = _screens(caller).events_asked(asked, listed, after_period, registered)
    await show(update, screen.text, screen.rows)


async def suggest(update: Update, caller: Caller, matches: list[Match], asked_id: int) -> None:
    """Offer up to three entries, or say honestly that nothing was found, and the team."""
    screens = _screens(caller)
    rows: list[list[InlineKeyboardButton]] = []
    for match in matches[:3]:
        title = screens.entry_title(match.id)
        if title is not None:
            data = suggestion(match.id, asked_id).data
            rows.append([InlineKeyboardButton(title[:60], callback_data=data)])
    team = can_ask_team(caller)
    if rows:
        text = caller.render("did_you_mean", can_ask_team=team)
    else:
        contact = caller.services.catalogue.cluster.contact
        text = caller.render("not_found", can_ask_team=team, contact=contact)
        await staff_questions.record_not_found(update, caller)
    team_rows = [_team_row(caller, asked_id)]
    # With an open ticket, what she typed may belong to it: one tap adds it there instead.
    ticket = await ticket_follow_ups.ticket_to_continue(caller) if team else None
    if ticket is not None:
        text += "\n\n" + caller.render("ticket_add_offer", ticket_id=ticket.id)
        team_rows = ticket_follow_ups.offer_rows(caller, asked_id, ticket)
    await show(update, text, [*rows, *team_rows, screens.home_row()])


async def open_entry(
    update: Update, caller: Caller, entry: str, asked_id: int | None, team: Keyboard = ()
) -> None:
    """Show an FAQ answer, a service or an event; with `asked_id`, ask whether it helped.

    `team` rows (the way to the team) come after the rating, above the menu."""
    screens = _screens(caller)
    kind, _, entry_id = entry.partition(":")
    feedback: Keyboard = [screens.feedback_row(asked_id)] if asked_id is not None else []
    if kind == "service":
        await services.show_service(update, caller, entry_id, [*feedback, *team])
        return
    if kind == "event":
        await events.show_event(update, caller, entry_id, extra=[*feedback, *team])
        return
    screen = screens.faq(entry_id, asked_id or 0, datetime.now(UTC))
    if screen is None:
        await show(update, caller.render("not_available"), [screens.home_row()])
        return
    rows = screen.rows if asked_id is not None else [r for r in screen.rows if not _is_rating(r)]
    await show(update, screen.text, [*rows[:-1], *team, *rows[-1:]])


def _is_rating(row: list[InlineKeyboardButton]) -> bool:
    return any(Helpful.parse(str(button.callback_data)) for button in row)


async def suggestion_pressed(update: Update, context: AssistantContext) -> None:
    """Open the entry behind a "did you mean" or "other answers" button.

    The chosen entry becomes the question's answer: its page asks whether it helped (unless the
    question was rated already) and keeps the way to the team while the question is not there.
    """
    caller = context.caller
    pressed = Suggestion.of(update)
    entry = f"{KIND_OF_SUGGESTION[pressed.kind]}:{pressed.entry_id}"
    asked_store = caller.services.asked
    asked = None
    if pressed.asked_id:
        asked = await asked_store.get(pressed.asked_id, caller.person.id)
    if asked is None:
        await open_entry(update, caller, entry, None)
        return
    rate = asked.helpful is None and await asked_store.choose(asked.id, caller.person.id, entry)
    team = [row] if asked.ticket_id is None and (row := _team_row(caller, asked.id)) else []
    await open_entry(update, caller, entry, asked.id if rate else None, team)


async def ask_command(update: Update, context: AssistantContext) -> None:
    """Answer "/ask QUESTION", or invite the person to type their question."""
    caller = context.caller
    message = update.effective_message
    question = " ".join(context.args or []).strip()
    if question and message is not None:
        await answer_text(update, caller, question, message.message_id)
        return
    await show(update, caller.render("ask_prompt"), [_screens(caller).home_row()])


async def rated(update: Update, context: AssistantContext) -> None:
    """Record 👍 or 👎 on an answer; after 👎 offer the other candidates and the team."""
    caller = context.caller
    pressed = Helpful.of(update)
    asked_id, helpful = pressed.asked_id, pressed.helpful == "y"
    outcome = await caller.services.asked.rate(asked_id, caller.person.id, helpful)
    if outcome != "rated":
        name = "rated_already" if outcome == "already" else "not_available"
        await context.acknowledge(caller.render(name), alert=True)
        return
    thanks = caller.render("rated_thanks", helpful=helpful)
    await context.acknowledge(thanks)
    await _drop_rating_row(update, thanks)
    if helpful:
        return
    asked = await caller.services.asked.get(asked_id, caller.person.id)
    assert asked is not None
    screens = _screens(caller)
    rows = [
        [InlineKeyboardButton(title[:60], callback_data=suggestion(entry, asked_id).data)]
        for entry in asked.candidates[:3]
        if (title := screens.entry_title(entry)) is not None
    ]
    team = can_ask_team(caller)
    text = caller.render("unhelpful", others=bool(rows), can_ask_team=team)
    message = update.effective_message
    if message is not None:
        markup = InlineKeyboardMarkup(
            [row for row in [*rows, _team_row(caller, asked_id), screens.home_row()] if row]
        )
        await message.chat.send_message(text, reply_markup=markup)


async def _drop_rating_row(update: Update, thanks: str) -> None:
    """Take "Did this help?" off the answer once it is answered, and say thank you instead."""
    query = update.callback_query
    message = query.message if query is not None else None
    if query is None or not isinstance(message, Message):
        return
    markup = message.reply_markup
    if markup is None:
        return
    rows = InlineKeyboardMarkup(
        [list(row) for row in markup.inline_keyboard if not _is_rating(list(row))]
    )
    text = message.text_html if message.text else ""
    head, _, last = text.rpartition("\n")
    with contextlib.suppress(BadRequest):  # too old to edit: the rating is stored all the same
        if head and last.startswith("<i>") and last.endswith("?</i>"):
            # An FAQ answer ends with the question in italics: the thanks take its place.
            await query.edit_message_text(
                f"{head}\n<i>{html.escape(thanks)}</i>", reply_markup=rows
            )
        else:
            await query.edit_message_reply_markup(rows)


async def hand_over(update: Update, context: AssistantContext) -> None:
    """Pass the question the person typed to the team, in one tap, at most once."""
    caller = context.caller
    asked_id = HandOver.of(update).asked_id
    services_ = caller.services
    home = [_screens(caller).home_row()]
    if not can_ask_team(caller):
        contact = services_.catalogue.cluster.contact
        await show(update, caller.render("ticket_unavailable", failed=False, contact=contact), home)
        return
    claim = await services_.asked.claim_handover(asked_id, caller.person.id)
    if claim.question is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    if not claim.claimed:
        ticket_id = claim.question.ticket_id
        await context.acknowledge(
            caller.render("handed_over_already", ticket_id=ticket_id), alert=True
        )
        return
    message = update.effective_message
    assert message is not None
    ticket = await open_ticket_from(
        context.bot,
        services_,
        Draft(claim.question.question, None),
        caller.person,
        kind=QUESTION,
        service_id=None,
        language=caller.language,
        origin=(message.chat_id, claim.question.message_id),
        user=update.effective_user,
    )
    if ticket is None:
        await services_.asked.handed_over(asked_id, None)  # it may be tried again
        contact = services_.catalogue.cluster.contact
        text = caller.render("ticket_unavailable", failed=True, contact=contact)
        await message.chat.send_message(text, reply_markup=InlineKeyboardMarkup(home))
        return
    await services_.asked.handed_over(asked_id, ticket.id)
    expected = expected_answer(services_.settings, caller.language, datetime.now(UTC))
    text = caller.render(
        "handed_over", ticket_id=ticket.id, question=claim.question.question, expected=expected
    )
    rows = [[caller.button("add_detail", ReplyToTicket(ticket.id))], *home]
    receipt = await message.chat.send_message(text, reply_markup=InlineKeyboardMarkup(rows))
    # Stored like every ticket message: a Telegram reply to it adds to the ticket.
    await services_.tickets.add_post(
        ticket.id, receipt.chat_id, receipt.message_id, MEMBER, RECEIPT
    )


async def contact_pressed(update: Update, context: AssistantContext) -> None:
    """Show the office's e-mail address or phone number (buttons can't open mailto: links)."""
    caller = context.caller
    way = "email" if Contact.of(update).way == "e" else "phone"
    contact = caller.services.catalogue.cluster.contact
    message = update.effective_message
    if message is not None:
        await message.chat.send_message(caller.render("contact_way", way=way, contact=contact))


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("ask", ask_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(ask_command, pattern=Menu.pattern(screen="ask")),
        CallbackQueryHandler(suggestion_pressed, pattern=Suggestion.pattern()),
        CallbackQueryHandler(rated, pattern=Helpful.pattern()),
        CallbackQueryHandler(hand_over, pattern=HandOver.pattern()),
        CallbackQueryHandler(contact_pressed, pattern=Contact.pattern()),
    ]


def text_handler() -> BaseHandler[Update, AssistantContext, None]:
    """Return the catch-all for typed questions; registered after every conversation."""
    return MessageHandler(
        filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, answer_question
    )
