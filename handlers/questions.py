"""Free-text questions answered from the FAQ, services and events."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.answering import Answer, Match
from bot.screens.links import ENTRY_ID, event_page, service_page
from handlers import events, services, staff_questions
from handlers.replies import show

# Long messages are answered from their beginning: a question is in its first sentences.
QUESTION_LIMIT = 500
KIND_CODES = {"faq": "f", "service": "s", "event": "e"}
KIND_OF_CODE = {code: kind for kind, code in KIND_CODES.items()}


def has_words(text: str) -> bool:
    """Tell whether a text holds at least one letter or digit (not only emoji or marks)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def can_ask_team(caller: Caller) -> bool:
    """Tell whether questions can be handed to the team."""
    settings = caller.services.settings
    return settings.staff_chat_id is not None or bool(settings.staff_ids)


def _shown_matches(caller: Caller, answer: Answer) -> list[Match]:
    """Drop matches that point at events already started or gone."""
    now = datetime.now(UTC)
    kept = []
    for match in answer.matches:
        kind, _, entry_id = match.id.partition(":")
        if kind == "event":
            event = caller.services.catalogue.event(entry_id)
            if event is None or event.starts_at <= now:
                continue
        kept.append(match)
    return kept


def _title(caller: Caller, match: Match) -> str | None:
    catalogue = caller.services.catalogue
    kind, _, entry_id = match.id.partition(":")
    language = caller.language
    if kind == "faq" and (faq := catalogue.faq_entry(entry_id)) is not None:
        return "❓ " + faq.question.get(language)
    if kind == "service" and (service := catalogue.service(entry_id)) is not None:
        return "🧰 " + service.title.get(language)
    if kind == "event" and (event := catalogue.event(entry_id)) is not None:
        return "📅 " + event.title.get(language)
    return None


async def answer_question(update: Update, context: AssistantContext) -> None:
    """Answer a typed question, suggest close matches, or offer the team."""
    caller = context.caller
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = message.text.strip()
    if not has_words(text):
        await message.reply_text(caller.render("no_words"))
        return
    if len(text) > QUESTION_LIMIT:
        await message.reply_text(caller.render("too_long"))
        text = text[:QUESTION_LIMIT]
    answer = caller.services.answers.ask(text, caller.language)
    matches = _shown_matches(caller, answer)
    if answer.decision == "answer" and matches and matches[0] is answer.matches[0]:
        await open_entry(update, caller, matches[0].id)
        return
    await suggest(update, caller, matches if answer.decision != "none" else [])


async def suggest(update: Update, caller: Caller, matches: list[Match]) -> None:
    """Offer up to three entries, or say honestly that nothing was found."""
    rows: list[list[InlineKeyboardButton]] = []
    for match in matches[:3]:
        title = _title(caller, match)
        if title is not None:
            kind, _, entry_id = match.id.partition(":")
            rows.append(
                [
                    InlineKeyboardButton(
                        title[:60], callback_data=f"qa:{KIND_CODES[kind]}:{entry_id}"
                    )
                ]
            )
    team = can_ask_team(caller)
    tail = [caller.button("ask_team", "tk:new")] if team else []
    if rows:
        text = caller.render("did_you_mean", can_ask_team=team)
    else:
        contact = caller.services.catalogue.cluster.contact
        text = caller.render("not_found", can_ask_team=team, contact=contact)
        await staff_questions.record_not_found(update, caller)
    await show(update, text, [*rows, tail, [caller.button("home", "m:home")]])


async def open_entry(update: Update, caller: Caller, entry: str) -> None:
    """Show a FAQ answer, a service or an event chosen by the matcher."""
    kind, _, entry_id = entry.partition(":")
    if kind == "service":
        await services.show_service(update, caller, entry_id)
        return
    if kind == "event":
        await events.show_event(update, caller, entry_id)
        return
    catalogue = caller.services.catalogue
    faq = catalogue.faq_entry(entry_id)
    if faq is None:
        await show(update, caller.render("not_available"), [[caller.button("home", "m:home")]])
        return
    rows = []
    if faq.service_id is not None and catalogue.service(faq.service_id) is not None:
        rows.append([caller.button("open_service", service_page(faq.service_id))])
    if faq.event_id is not None and catalogue.event(faq.event_id) is not None:
        rows.append([caller.button("open_event", event_page(faq.event_id))])
    await show(
        update, caller.render("faq_answer", faq=faq), [*rows, [caller.button("home", "m:home")]]
    )


async def suggestion_pressed(update: Update, context: AssistantContext) -> None:
    """Open the entry behind a "did you mean" button."""
    caller = context.caller
    code, entry_id = context.match.groups()
    await open_entry(update, caller, f"{KIND_OF_CODE[code]}:{entry_id}")


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CallbackQueryHandler(suggestion_pressed, pattern=rf"^qa:([fse]):({ENTRY_ID})$"),
    ]


def text_handler() -> BaseHandler[Update, AssistantContext, None]:
    """Return the catch-all for typed questions; registered after every conversation."""
    return MessageHandler(
        filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, answer_question
    )
