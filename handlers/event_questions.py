"""An event's own registration questions, asked after the profile on the one form engine.

The steps come from the event's questions in the catalogue (bot/domain/questions.py), then a
review of every answer with a button to change each one and one to send. Sending signs the
person up with the answers, stored with the registration in one transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.forms import LONG_TEXT_LIMIT, Answers, ChoiceStep, Flow, Moved, Reply
from bot.domain.questions import (
    choice_options,
    fitting,
    question_id,
    question_step,
    shown_answer,
    step_name,
)
from bot.screens.buttons import HOME, ChangeAnswers, EventPage
from handlers import applications, registrations
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.registrations import answers_shown, yes_no_labels
from handlers.replies import Keyboard, show
from storage.answers import AnswerRepository
from storage.applications import LAPSED, WITHDRAWN
from storage.content import Event
from storage.questions import Question

FORM_TIMEOUT = timedelta(minutes=30)
REVIEW = "review"
SEND = "send"
EDIT = "e:"
# The answers key of the question being changed from the review: the form comes back to the
# review once it is answered.
EDITING = "editing"
# The answers key saying the person is registered already and changes their answers: the
# review saves them instead of signing up.
CHANGING = "changing"


def _applies(step: str, answers: Answers) -> bool:
    editing = answers.get(EDITING)
    return not (editing and question_id(step) not in (None, editing))


class EventQuestionsForm(Form):
    """The event's questions one at a time, then a review to change any answer or send."""

    kind = "event_questions"
    code = "eq"
    signs_up = True
    closed_template = "form_cancelled"
    flow = Flow(kind, (ChoiceStep(REVIEW),))

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    def _event(self, call: FormCall) -> Event | None:
        return call.services.catalogue.event(call.state.subject or "")

    def flow_for(self, call: FormCall) -> Flow:
        event = self._event(call)
        questions = event.questions if event is not None else ()
        steps = [question_step(question) for question in questions]
        return Flow(self.kind, (*steps, ChoiceStep(REVIEW)), _applies)

    def _question(self, call: FormCall) -> Question | None:
        event = self._event(call)
        asked = question_id(call.state.step)
        return event.question(asked) if event is not None and asked else None

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        if call.state.step == REVIEW:
            event = self._event(call)
            questions = event.questions if event is not None else ()
            edits = [
                (EDIT + question.id, call.caller.label("question_change").format(number=number))
                for number, question in enumerate(questions, start=1)
            ]
            if call.state.answers.get(CHANGING):
                send = "questions_save"
            elif event is not None and event.by_application:
                send = "application_send"
            else:
                send = "questions_send"
            return [(SEND, call.caller.label(send)), *edits]
        question = self._question(call)
        return choice_options(question, call.caller.language) if question is not None else []

    async def take(self, call: FormCall, reply: Reply) -> Moved | None:
        if call.state.step != REVIEW or not (reply.pressed or "").startswith(EDIT):
            return None
        event = self._event(call)
        wanted = (reply.pressed or "")[len(EDIT) :]
        if event is None or event.question(wanted) is None:
            return None  # the review's step reads it: not a button it offers
        question = event.question(wanted)
        assert question is not None
        answers = {**call.state.answers, EDITING: wanted}
        return Moved(replace(call.state, step=step_name(question), answers=answers))

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        event = self._event(call)
        if event is None:
            await show(call.update, caller.render("not_available"), [])
            return
        rows: Keyboard = step_keyboard(call, self)
        if call.state.step == REVIEW:
            given = self._answers(call)
            text = fitting(
                lambda limit: caller.render(
                    "event_questions_review",
                    event=event,
                    answers=answers_shown(caller, event, given, max(limit, 40)),
                    reason=reason,
                    changing=bool(call.state.answers.get(CHANGING)),
                )
            )
            await show(call.update, text, _review_rows(rows, len(event.questions)))
            return
        question = self._question(call)
        assert question is not None
        current = call.state.answers.get(step_name(question))
        text = caller.render(
            "event_question",
            event=event,
            question=question,
            number=event.questions.index(question) + 1,
            total=len(event.questions),
            reason=reason,
            length=call.details.get("length"),
            limit=call.details.get("limit") or LONG_TEXT_LIMIT,
            current=shown_answer(question, current, caller.language, yes_no_labels(caller))
            if call.state.answers.get(EDITING) == question.id
            else "",
        )
        await show(call.update, text, rows)

    def _answers(self, call: FormCall) -> dict[str, Any]:
        """Return the answers given so far, by question id."""
        found = {}
        for step, value in call.state.answers.items():
            asked = question_id(step)
            if asked is not None:
                found[asked] = value
        return found

    async def finish(self, call: FormCall) -> Moved | None:
        await call.acknowledge()
        event_id = call.state.subject or ""
        event = self._event(call)
        answers = self._answers(call)
        if call.state.answers.get(CHANGING):
            await _save_changes(call, event, answers)
            return None
        if event is not None and event.by_application:
            await applications.apply(call.update, call.context, call.caller, event_id, answers)
        else:
            await registrations.sign_up(
                call.update, call.context, call.caller, event_id, answers=answers
            )
        return None


async def _save_changes(call: FormCall, event: Event | None, answers: dict[str, Any]) -> None:
    """Keep the changed answers of a registered person, unless the event started meanwhile."""
    caller = call.caller
    saved = event is not None and await AnswerRepository(caller.services.database).change(
        event.id, caller.person.id, answers, datetime.now(UTC)
    )
    home = [caller.button("home", HOME)]
    rows = [[caller.button("event_page", EventPage(event.id))], home] if event else [home]
    await show(call.update, caller.render("answers_changed", event=event, saved=saved), rows)


def _review_rows(rows: Keyboard, edits: int) -> Keyboard:
    """Put the change buttons (after "send") two to a row, to keep the review short."""
    flat = [button for row in rows[1 : 1 + edits] for button in row]
    paired = [flat[index : index + 2] for index in range(0, len(flat), 2)]
    return [rows[0], *paired, *rows[1 + edits :]]


EVENT_QUESTIONS = EventQuestionsForm()


async def proceed(update: Update, context: AssistantContext, caller: Caller, event_id: str) -> None:
    """Go on to the sign-up once the profile is there: the event's questions first, if any."""
    services = caller.services
    event = services.catalogue.event(event_id)
    if event is not None and event.by_application:
        applied = await services.applications.of_person_for_event(caller.person.id, event_id)
        fresh = applied is None or applied.status in (WITHDRAWN, LAPSED)
        if fresh and event.questions and datetime.now(UTC) < event.signup_closes_at:
            await open_form(update, context, caller, EVENT_QUESTIONS, subject=event_id)
        else:
            await applications.apply(update, context, caller, event_id)
        return
    needs_answers = (
        event is not None
        and bool(event.questions)
        and datetime.now(UTC) < event.signup_closes_at
        and await services.registrations.of_person_for_event(caller.person.id, event_id) is None
    )
    if not needs_answers:
        await registrations.sign_up(update, context, caller, event_id)
        return
    await open_form(update, context, caller, EVENT_QUESTIONS, subject=event_id)


async def change_answers(update: Update, context: AssistantContext) -> None:
    """Open the review of one's answers to an event's questions, to change them before it starts."""
    caller = context.caller
    services = caller.services
    event = services.catalogue.event(ChangeAnswers.of(update).event_id)
    registration = (
        await services.registrations.of_person_for_event(caller.person.id, event.id)
        if event is not None
        else None
    )
    if (
        event is None
        or not event.questions
        or registration is None
        or not registration.is_active
        or datetime.now(UTC) >= event.starts_at
    ):
        rows: Keyboard = [[caller.button("home", HOME)]]
        await show(update, caller.render("answers_changed", event=event, saved=False), rows)
        return
    given = await AnswerRepository(services.database).of(event.id, caller.person.id)
    answers: dict[str, Any] = {
        step_name(question): given[question.id]
        for question in event.questions
        if question.id in given
    }
    # A question added since the sign-up is asked first; then the review, as at the sign-up.
    missing = [
        question
        for question in event.questions
        if question.id not in given and not question.optional
    ]
    step = step_name(missing[0]) if missing else REVIEW
    await open_form(
        update,
        context,
        caller,
        EVENT_QUESTIONS,
        answers={**answers, CHANGING: True},
        subject=event.id,
        step=step,
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [CallbackQueryHandler(change_answers, pattern=ChangeAnswers.pattern())]
