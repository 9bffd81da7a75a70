"""Staff set an event's own registration questions from its page: add one step by step, remove.

The question is built on the form engine (its type, the Turkish and English wording, the
choices or the range, whether it may be skipped), previewed, then saved into the event's
content through bot.domain.event_changes.set_questions, which validates it as the content file
would and writes the audit entry. Answers already given stay with their registrations.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.event_changes import EventRejected, set_questions
from bot.domain.event_form import slug
from bot.domain.forms import YES, Answers, ChoiceStep, Flow, Moved, TextStep, YesNoStep
from bot.domain.profile import clean_line
from bot.screens.buttons import AddQuestion, EventQuestions, RemoveQuestion, StaffEventPage
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from storage.content import Event, Text
from storage.questions import (
    CHOICE_LABEL_LIMIT,
    CHOICE_TYPES,
    CHOICES_LIMIT,
    NUMBER,
    QUESTION_TEXT_LIMIT,
    QUESTION_TYPES,
    QUESTIONS_LIMIT,
    Choice,
    Question,
)

FORM_TIMEOUT = timedelta(minutes=30)
SAVE, DISCARD = "save", "discard"
ID_LIMIT = 30
_RANGE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—]|\.\.)\s*(-?\d+(?:[.,]\d+)?)\s*$")


def _applies(step: str, answers: Answers) -> bool:
    kind = answers.get("type")
    if step == "choices":
        return kind in CHOICE_TYPES
    if step == "range":
        return kind == NUMBER
    return True


def read_choices(text: str) -> tuple[list[list[str]] | None, str | None]:
    """Read choices typed one a line, "Türkçe / English" (the English may be left out)."""
    choices = []
    for line in text.splitlines():
        cleaned = clean_line(line)
        if not cleaned:
            continue
        turkish, _, english = (part.strip() for part in cleaned.partition("/"))
        if not turkish:
            return None, "choices"
        label = [turkish, english or turkish]
        if max(len(part) for part in label) > CHOICE_LABEL_LIMIT:
            return None, "choice_long"
        choices.append(label)
    if len(choices) < 2:
        return None, "choices_few"
    if len(choices) > CHOICES_LIMIT:
        return None, "choices_many"
    return choices, None


def read_range(text: str) -> tuple[list[float] | None, str | None]:
    """Read a number question's range typed as "1-5"."""
    found = _RANGE.match(text)
    if found is None:
        return None, "range"
    low, high = (float(part.replace(",", ".")) for part in found.groups())
    if low > high:
        return None, "range"
    return [low, high], None


def _unique(base: str, taken: set[str]) -> str:
    candidate = (base or "q")[:ID_LIMIT].strip("-") or "q"
    number = 2
    while candidate in taken:
        candidate = f"{base[: ID_LIMIT - 3]}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def build_question(answers: Answers, taken: set[str]) -> Question:
    """Return the question the form's answers describe, with ids not among `taken`."""
    turkish = str(answers["text_tr"])
    choices = []
    choice_ids: set[str] = set()
    for turkish_label, english_label in answers.get("choices") or []:
        choice_id = _unique(slug(turkish_label), choice_ids)
        choices.append(Choice(choice_id, Text(turkish_label, english_label)))
    bounds = answers.get("range") or [None, None]
    return Question(
        id=_unique(slug(turkish), taken),
        type=str(answers["type"]),
        text=Text(turkish, str(answers.get("text_en") or turkish)),
        choices=tuple(choices),
        optional=answers.get("optional") == YES,
        minimum=bounds[0],
        maximum=bounds[1],
    )


class QuestionBuilder(Form):
    """One registration question of an event, step by step, then a preview to save."""

    kind = "event_question_builder"
    code = "qb"
    ability = Ability.MANAGE
    closed_template = "staff_form_closed"
    flow = Flow(
        kind,
        (
            ChoiceStep("type", back=False),
            TextStep("text_tr", limit=QUESTION_TEXT_LIMIT),
            TextStep("text_en", optional=True, limit=QUESTION_TEXT_LIMIT),
            TextStep("choices", multiline=True, limit=3000, check=read_choices),
            TextStep("range", optional=True, check=read_range),
            YesNoStep("optional"),
            ChoiceStep("confirm"),
        ),
        _applies,
    )

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        label = call.caller.label
        if call.state.step == "type":
            return [(kind, label(f"staff_question_type_{kind}")) for kind in QUESTION_TYPES]
        if call.state.step == "confirm":
            return [(SAVE, label("staff_question_save")), (DISCARD, label("staff_discard"))]
        return []

    def _event(self, call: FormCall) -> Event | None:
        return call.services.catalogue.event(call.state.subject or "")

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        event = self._event(call)
        if event is None:
            await show(call.update, caller.render("not_available"))
            return
        preview = None
        if call.state.step == "confirm":
            taken = {question.id for question in event.questions}
            preview = build_question(call.state.answers, taken)
        text = caller.render(
            "staff_question_step",
            event=event,
            step=call.state.step,
            answers=call.state.answers,
            preview=preview,
            reason=reason,
            limit=CHOICE_LABEL_LIMIT,
        )
        await show(call.update, text, step_keyboard(call, self))

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        await call.acknowledge()
        event = self._event(call)
        if event is None:
            await show(call.update, caller.render("not_available"))
            return None
        if call.state.answers.get("confirm") != SAVE:
            await show_questions(call.update, caller, event)
            return None
        taken = {question.id for question in event.questions}
        question = build_question(call.state.answers, taken)
        try:
            saved = await set_questions(
                call.services, caller.person.id, event.id, (*event.questions, question)
            )
        except EventRejected as rejected:
            problem = caller.render("content_problem", error=rejected.content, field=True)
            await show_questions(call.update, caller, event, problem=problem)
            return None
        if saved is None:
            await show(call.update, caller.render("not_available"))
            return None
        await show_questions(call.update, caller, saved, notice="added")
        return None


BUILDER = QuestionBuilder()


async def show_questions(
    update: Update, caller: Caller, event: Event, notice: str = "", problem: str = ""
) -> None:
    """Render an event's registration questions with add and remove buttons."""
    rows: Keyboard = []
    if len(event.questions) < QUESTIONS_LIMIT:
        rows = [[caller.button("staff_question_add", AddQuestion(event.id))]]
    removals = [
        InlineKeyboardButton(
            caller.label("staff_question_remove").format(number=number),
            callback_data=RemoveQuestion(event.id, number).data,
        )
        for number in range(1, len(event.questions) + 1)
    ]
    rows = [*rows, *(removals[i : i + 3] for i in range(0, len(removals), 3))]
    rows = [*rows, [caller.button("staff_back_to_event", StaffEventPage(event.id))]]
    text = caller.render("staff_event_questions", event=event, notice=notice, problem=problem)
    await show(update, text, rows)


async def questions_page(update: Update, context: AssistantContext) -> None:
    """Show an event's registration questions."""
    caller = context.caller
    event = caller.services.catalogue.event(EventQuestions.of(update).event_id)
    if event is None:
        await show(update, caller.render("not_available"))
        return
    await show_questions(update, caller, event)


async def add(update: Update, context: AssistantContext) -> None:
    """Open the form that builds one question."""
    caller = context.caller
    event = caller.services.catalogue.event(AddQuestion.of(update).event_id)
    if event is None:
        await show(update, caller.render("not_available"))
        return
    await open_form(update, context, caller, BUILDER, subject=event.id)


async def remove(update: Update, context: AssistantContext) -> None:
    """Ask first, then remove one question (its answers stay, no longer shown)."""
    caller = context.caller
    pressed = RemoveQuestion.of(update)
    event = caller.services.catalogue.event(pressed.event_id)
    if event is None or not 1 <= pressed.number <= len(event.questions):
        await context.acknowledge(caller.render("not_available"), alert=True)
        if event is not None:
            await show_questions(update, caller, event)
        return
    question = event.questions[pressed.number - 1]
    if pressed.sure == "0":
        rows = [
            [
                caller.button(
                    "staff_question_remove_yes", RemoveQuestion(event.id, pressed.number, "1")
                )
            ],
            [caller.button("staff_back_to_questions", EventQuestions(event.id))],
        ]
        text = caller.render("staff_question_remove", event=event, question=question)
        await show(update, text, rows)
        return
    kept = tuple(q for q in event.questions if q.id != question.id)
    saved = await set_questions(caller.services, caller.person.id, event.id, kept)
    if saved is None:
        await show(update, caller.render("not_available"))
        return
    await show_questions(update, caller, saved, notice="removed")


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers (managing an event's content)."""
    return staff(
        Ability.MANAGE,
        [
            CallbackQueryHandler(questions_page, pattern=EventQuestions.pattern()),
            CallbackQueryHandler(add, pattern=AddQuestion.pattern()),
            CallbackQueryHandler(remove, pattern=RemoveQuestion.pattern()),
        ],
    )
