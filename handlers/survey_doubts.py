"""A survey's figures that look unlikely: shown back for a "sure?" before they are taken.

The rule is bot/domain/plausibility.py. The survey form asks it when a number is typed
(`SurveyForm.verify`), shows the value written out with a button confirming it, and takes the
value when that button is pressed (`SurveyForm.take`). The button carries the question's place
in the survey and the value, so an old button confirms nothing but its own question, and the
value is checked against the question's range again, as if typed.
"""

from __future__ import annotations

import math
from typing import Any

from telegram import InlineKeyboardButton

from bot.domain.forms import Answered, Finished, Moved, NumberStep, Reply
from bot.domain.plausibility import Doubt, doubt
from bot.domain.questions import question_id
from bot.domain.surveys import survey_flow
from bot.screens.surveys import ShownDoubt, shown_doubt
from handlers.forms import Form, FormCall
from storage.questions import Question
from storage.survey_definitions import Survey

UNSURE = "unsure"  # the reason the question is asked again, with the value shown back
SURE = "!"  # a confirming button's value: "!<question's place>:<value>"
_DOUBT = "doubt"  # where the doubt waits in the call's details for the question's screen


async def checked(
    call: FormCall, survey: Survey | None, step: str, value: Any
) -> tuple[Any, str | None]:
    """Return a typed answer as it is, or ask about it when it looks unlikely."""
    question = survey.question(question_id(step) or "") if survey is not None else None
    if survey is None or question is None or not _is_number(value):
        return value, None
    found = doubt(question, float(value), await _previous(call, survey, question))
    if found is None:
        return value, None
    call.details[_DOUBT] = found
    return None, UNSURE


async def _previous(call: FormCall, survey: Survey, question: Question) -> float | None:
    """Return the company's answer to the question in the survey's previous round, if any."""
    if not survey.per_company:
        return None
    surveys = call.services.surveys
    company = await surveys.verified_company(call.caller.person.id)
    current = await surveys.get_round(int(call.state.subject or 0))
    if company is None or current is None:
        return None
    earlier = [r for r in await surveys.rounds_of(survey.id) if r.number < current.number]
    answer = await surveys.company_answer(earlier[0].id, company) if earlier else None
    given = answer.answers.get(question.id) if answer is not None else None
    return float(given) if given is not None and _is_number(given) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def confirmed(call: FormCall, survey: Survey | None, reply: Reply) -> Moved | Finished | None:
    """Take the value a "yes, it's right" button confirms; None for any other reply."""
    pressed = reply.pressed or ""
    question = survey.question(question_id(call.state.step) or "") if survey else None
    if survey is None or question is None or not pressed.startswith(SURE):
        return None
    place, _, typed = pressed[len(SURE) :].partition(":")
    flow = survey_flow(survey)
    step = flow.step(call.state.step)
    if place != str(survey.questions.index(question)) or not isinstance(step, NumberStep):
        return None  # another question's button: the engine says it is an earlier one
    try:
        number = float(typed)
    except ValueError:
        return None
    taken = step.taking(number) if math.isfinite(number) else None
    if not isinstance(taken, Answered):
        return None
    return flow.advance(call.state, taken)


def doubt_shown(call: FormCall, question: Question) -> ShownDoubt | None:
    """Return the doubt about the value just typed, written out, for the question's screen."""
    found = call.details.get(_DOUBT)
    if not isinstance(found, Doubt):
        return None
    return shown_doubt(call.services.texts, question, found, call.caller.language)


def sure_rows(
    call: FormCall, form: Form, survey: Survey, question: Question
) -> list[list[InlineKeyboardButton]]:
    """Return the button confirming a doubted value, when the screen asks about one."""
    found = call.details.get(_DOUBT)
    shown = doubt_shown(call, question)
    if not isinstance(found, Doubt) or shown is None:
        return []
    label = call.caller.label("survey_sure").format(value=shown.value)
    value = f"{SURE}{survey.questions.index(question)}:{found.value!r}"
    return [[call.button(form, label[:60], value)]]
