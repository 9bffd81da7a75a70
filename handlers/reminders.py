"""The post-event survey (a rating, then an optional comment) and the buttons reminders carry.

The survey's handlers sit in a group of their own (handlers/groups.py), ahead of the
features: a text typed right after a rating is that rating's comment, whatever else would
claim it (the question matcher, a form). Any other update closes the comment step and goes
on to the other groups untouched; the handlers that act stop the update there with
`ApplicationHandlerStop`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import AssistantContext, Caller
from bot.screens.links import rating_row, skip_data
from handlers.groups import SURVEY_COMMENTS
from handlers.replies import show
from storage.feedback import Feedback, FeedbackRepository


def _feedback(caller: Caller) -> FeedbackRepository:
    return FeedbackRepository(caller.services.database)


def _title(caller: Caller, answer: Feedback) -> str | None:
    event = caller.services.catalogue.event(answer.event_id)
    return event.title.get(caller.language) if event is not None else None


async def rate(update: Update, context: AssistantContext) -> None:
    """Store the rating (replacing an earlier answer) and offer the comment step."""
    caller = context.caller
    assert context.user_data is not None
    registration_id, score = (int(part) for part in context.match.groups())
    answer = await _feedback(caller).rate(
        registration_id, caller.person.id, score, datetime.now(UTC)
    )
    if answer is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        raise ApplicationHandlerStop
    context.user_data.survey_registration = registration_id
    rows = [
        rating_row(registration_id, answer.rating),
        [caller.button("survey_skip", skip_data(registration_id))],
    ]
    await show(
        update, caller.render("survey_rated", title=_title(caller, answer), answer=answer), rows
    )
    raise ApplicationHandlerStop


async def skip_comment(update: Update, context: AssistantContext) -> None:
    """Close the survey without a comment."""
    caller = context.caller
    assert context.user_data is not None
    registration_id = int(context.match.group(1))
    context.user_data.survey_registration = None
    answer = await _feedback(caller).of_registration(registration_id)
    registration = await caller.services.registrations.get(registration_id)
    if answer is None or registration is None or registration.person_id != caller.person.id:
        await context.acknowledge(caller.render("not_available"), alert=True)
        raise ApplicationHandlerStop
    await _thank(update, caller, answer)
    raise ApplicationHandlerStop


async def comment_typed(update: Update, context: AssistantContext) -> None:
    """Save the text typed right after a rating as its comment; let any other text pass."""
    session = context.user_data
    message = update.effective_message
    if session is None or session.survey_registration is None or message is None:
        return
    registration_id, session.survey_registration = session.survey_registration, None
    caller = context.caller
    answer = await _feedback(caller).add_comment(
        registration_id, caller.person.id, message.text or "", datetime.now(UTC)
    )
    if answer is None:
        return  # the answer is gone (data erased): the text is an ordinary message again
    await _thank(update, caller, answer)
    raise ApplicationHandlerStop


async def close_comment_step(update: Update, context: AssistantContext) -> None:
    """Forget a comment step when the person does something else; the update goes on."""
    if context.user_data is not None:
        context.user_data.survey_registration = None


async def _thank(update: Update, caller: Caller, answer: Feedback) -> None:
    rows = [rating_row(answer.registration_id, answer.rating)]
    await show(
        update, caller.render("survey_thanks", title=_title(caller, answer), answer=answer), rows
    )


def handlers() -> dict[int, list[BaseHandler[Update, AssistantContext, None]]]:
    """Return the survey's handlers, in their own group (see the module's docstring)."""
    typed_text = (
        filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    )
    return {
        SURVEY_COMMENTS: [
            CallbackQueryHandler(rate, pattern=r"^fb:(\d{1,12}):([1-5])$"),
            CallbackQueryHandler(skip_comment, pattern=r"^fb:(\d{1,12}):s$"),
            MessageHandler(typed_text, comment_typed),
            TypeHandler(Update, close_comment_step),
        ]
    }
