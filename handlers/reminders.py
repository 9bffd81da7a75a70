"""The post-event survey and the buttons reminders carry.

A rating (stored at once, in the table the impact report counts) opens two optional questions
on the one form engine (handlers/forms.py): what was most useful, then what the cluster should
do next. The text typed next is the answer, whatever else it would mean; each answer is stored
as soon as it is given, so anything else (a command, another button, a sticker) closes the
form without a word, loses nothing, and is handled as usual; so does the timeout.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller, Services
from bot.domain.forms import Flow, MessageStep, Moved, Reply
from bot.screens.buttons import RATINGS, SKIP_COMMENT, SurveyAnswer
from bot.screens.reminders import rating_row
from handlers.forms import Form, FormCall, close_form, open_form, step_keyboard
from handlers.replies import show
from storage.feedback import Feedback, FeedbackRepository

# How long a rating waits for its comment.
COMMENT_TIMEOUT = 60 * 60


def _feedback(caller: Caller) -> FeedbackRepository:
    return FeedbackRepository(caller.services.database)


def _title(caller: Caller, answer: Feedback) -> str | None:
    event = caller.services.catalogue.event(answer.event_id)
    return event.title.get(caller.language) if event is not None else None


class CommentForm(Form):
    """The comment on a rating just given; the form's subject is the registration."""

    kind = "survey_comment"
    code = "sc"
    closed_template = "survey_thanks"
    flow = Flow(
        "survey_comment",
        (
            MessageStep("comment", optional=True, back=False),
            MessageStep("next", optional=True),
        ),
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=COMMENT_TIMEOUT)

    def passes(self, call: FormCall, reply: Reply) -> bool:
        # Only typed text (or the form's skip and back) answers; a sticker is handled as usual.
        return reply.text is None and reply.action is None

    def closed_text(self, services: Services, language: str, *, timeout: bool) -> str | None:
        return None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        answer = await _feedback(caller).of_registration(_registration(call))
        if answer is None:
            return
        if call.state.step == "next":
            # Keep "most useful" now: leaving before the last question loses nothing.
            answer = await _store_comment(call) or answer
        rows = [
            rating_row(answer.registration_id, answer.rating),
            *step_keyboard(call, self),
            [caller.button("survey_skip", SurveyAnswer(answer.registration_id, SKIP_COMMENT))],
        ]
        template = "survey_next" if call.state.step == "next" else "survey_rated"
        text = caller.render(template, title=_title(caller, answer), answer=answer)
        await show(call.update, text, rows)

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        answer = await _store_comment(call)
        wish = (call.state.answers.get("next") or {}).get("text")
        if answer is not None and wish is not None:
            answer = await _feedback(caller).add_next_wish(
                _registration(call), caller.person.id, wish, datetime.now(UTC)
            )
        if answer is None:
            await show(call.update, caller.render("not_available"))
            return None
        await _thank(call.update, caller, answer)
        return None

    async def cancelled(self, call: FormCall) -> None:
        # /cancel at the comment step: no comment, and the thanks that skipping gives.
        answer = await _feedback(call.caller).of_registration(_registration(call))
        if answer is not None:
            await _thank(call.update, call.caller, answer)


async def _store_comment(call: FormCall) -> Feedback | None:
    """Store the "most useful" answer given (a skipped one leaves any stored before alone)."""
    feedback = _feedback(call.caller)
    registration_id = _registration(call)
    comment = (call.state.answers.get("comment") or {}).get("text")
    if comment is None:
        return await feedback.of_registration(registration_id)
    return await feedback.add_comment(
        registration_id, call.caller.person.id, comment, datetime.now(UTC)
    )


def _registration(call: FormCall) -> int:
    assert call.state.subject is not None
    return int(call.state.subject)


COMMENT = CommentForm()


async def rate(update: Update, context: AssistantContext) -> None:
    """Store the rating (replacing an earlier answer) and ask for the optional comment."""
    caller = context.caller
    pressed = SurveyAnswer.of(update)
    registration_id, score = pressed.registration_id, int(pressed.answer)
    answer = await _feedback(caller).rate(
        registration_id, caller.person.id, score, datetime.now(UTC)
    )
    if answer is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await open_form(update, context, caller, COMMENT, subject=str(registration_id))


async def skip_comment(update: Update, context: AssistantContext) -> None:
    """Close the survey without a comment."""
    caller = context.caller
    registration_id = SurveyAnswer.of(update).registration_id
    await close_form(caller.services, caller.person.id, COMMENT.kind)
    answer = await _feedback(caller).of_registration(registration_id)
    registration = await caller.services.registrations.get(registration_id)
    if answer is None or registration is None or registration.person_id != caller.person.id:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await _thank(update, caller, answer)


async def _thank(update: Update, caller: Caller, answer: Feedback) -> None:
    rows = [rating_row(answer.registration_id, answer.rating)]
    await show(
        update, caller.render("survey_thanks", title=_title(caller, answer), answer=answer), rows
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the survey's buttons."""
    return [
        CallbackQueryHandler(rate, pattern=SurveyAnswer.pattern(answer=RATINGS)),
        CallbackQueryHandler(skip_comment, pattern=SurveyAnswer.pattern(answer=SKIP_COMMENT)),
    ]
