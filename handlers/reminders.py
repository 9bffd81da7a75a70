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

from bot.context import AssistantContext
from bot.screens.links import rating_row, skip_data
from handlers.groups import SURVEY_COMMENTS
from handlers.replies import Visit, acknowledge, show, visit
from storage.feedback import Feedback, FeedbackRepository


def _feedback(guest: Visit) -> FeedbackRepository:
    return FeedbackRepository(guest.services.database)


def _title(guest: Visit, answer: Feedback) -> str | None:
    event = guest.services.catalogue.event(answer.event_id)
    return event.title.get(guest.language) if event is not None else None


async def rate(update: Update, context: AssistantContext) -> None:
    """Store the rating (replacing an earlier answer) and offer the comment step."""
    guest = await visit(update, context)
    assert context.matches is not None and context.user_data is not None
    registration_id, score = (int(part) for part in context.matches[0].groups())
    answer = await _feedback(guest).rate(registration_id, guest.person.id, score, datetime.now(UTC))
    if answer is None:
        await acknowledge(update, guest.render("not_available"), alert=True)
        raise ApplicationHandlerStop
    await acknowledge(update)
    context.user_data.survey_registration = registration_id
    rows = [
        rating_row(registration_id, answer.rating),
        [guest.button("survey_skip", skip_data(registration_id))],
    ]
    await show(
        update, guest.render("survey_rated", title=_title(guest, answer), answer=answer), rows
    )
    raise ApplicationHandlerStop


async def skip_comment(update: Update, context: AssistantContext) -> None:
    """Close the survey without a comment."""
    guest = await visit(update, context)
    assert context.matches is not None and context.user_data is not None
    registration_id = int(context.matches[0].group(1))
    context.user_data.survey_registration = None
    answer = await _feedback(guest).of_registration(registration_id)
    registration = await guest.services.registrations.get(registration_id)
    if answer is None or registration is None or registration.person_id != guest.person.id:
        await acknowledge(update, guest.render("not_available"), alert=True)
        raise ApplicationHandlerStop
    await acknowledge(update)
    await _thank(update, guest, answer)
    raise ApplicationHandlerStop


async def comment_typed(update: Update, context: AssistantContext) -> None:
    """Save the text typed right after a rating as its comment; let any other text pass."""
    session = context.user_data
    message = update.effective_message
    if session is None or session.survey_registration is None or message is None:
        return
    registration_id, session.survey_registration = session.survey_registration, None
    guest = await visit(update, context)
    answer = await _feedback(guest).add_comment(
        registration_id, guest.person.id, message.text or "", datetime.now(UTC)
    )
    if answer is None:
        return  # the answer is gone (data erased): the text is an ordinary message again
    await _thank(update, guest, answer)
    raise ApplicationHandlerStop


async def close_comment_step(update: Update, context: AssistantContext) -> None:
    """Forget a comment step when the person does something else; the update goes on."""
    if context.user_data is not None:
        context.user_data.survey_registration = None


async def _thank(update: Update, guest: Visit, answer: Feedback) -> None:
    rows = [rating_row(answer.registration_id, answer.rating)]
    await show(
        update, guest.render("survey_thanks", title=_title(guest, answer), answer=answer), rows
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
