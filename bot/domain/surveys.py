"""Surveys on the one form engine: their steps, which questions apply, and when to remind.

A survey's questions become steps of bot/domain/forms.py (named as bot/domain/questions.py
names them), followed by a review of every answer; a question with a condition applies only
when the earlier answer it looks at holds. Changing an answer from the review asks that
question alone and comes back to the review. Nothing here talks to Telegram or the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain.forms import Answers, ChoiceStep, Flow
from bot.domain.questions import STEP_PREFIX, question_id, question_step
from storage.questions import Question
from storage.survey_definitions import FEEDBACK, Survey
from storage.surveys import Round, SurveyRepository

FORM_KIND = "survey"
REVIEW = "review"
SUBMIT = "submit"
CHANGE = "e:"  # a review button's value: "e:<question id>"
# Keys of the form's answers that are not answers: the question being changed from the review,
# the revision of the company's answer the person started from (per-company surveys).
EDITING = "_editing"
BASE = "_base"
# The survey a form answers (its subject is the round): the steps come from it.
SURVEY_KEY = "_survey"
# A reminder later than this before the closing would come too late to act on.
LAST_MOMENT = timedelta(hours=2)


def by_question(answers: Answers) -> dict[str, Any]:
    """Return the form's answers keyed by question id (leaving out the form's own keys)."""
    found = {}
    for step, value in answers.items():
        asked = question_id(step)
        if asked is not None:
            found[asked] = value
    return found


def as_steps(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return answers keyed by question id as the form keeps them, by step name."""
    return {STEP_PREFIX + question: value for question, value in answers.items()}


def applies(survey: Survey, question: Question, answers: Mapping[str, Any]) -> bool:
    """Tell whether a question is asked, given the answers so far (by question id)."""
    return question.when is None or question.when.holds(answers)


def survey_flow(survey: Survey) -> Flow:
    """Return the survey's steps: its questions in order, then the review (unless it has none)."""

    def asked(step: str, answers: Answers) -> bool:
        wanted = question_id(step)
        if wanted is None:
            return True  # the review
        editing = answers.get(EDITING)
        if editing and wanted != editing:
            return False
        question = survey.question(wanted)
        return question is not None and applies(survey, question, by_question(answers))

    steps = [question_step(question) for question in survey.questions]
    if not survey.review:
        return Flow(FORM_KIND, tuple(steps), asked)  # the last answer submits
    return Flow(FORM_KIND, (*steps, ChoiceStep(REVIEW, back=False)), asked)


def asked_questions(survey: Survey, answers: Mapping[str, Any]) -> list[Question]:
    """Return the questions asked given the answers so far (by question id), in order: what
    "question 3 of 6" and the review's numbers count, so a skipped question leaves no gap."""
    return [question for question in survey.questions if applies(survey, question, answers)]


def still_open(survey: Survey, answers: Mapping[str, Any]) -> int:
    """Return how many questions may yet be asked: their condition looks at an answer not given
    yet, to a question that is or may be asked (so "question 1 of 5–6" tells the truth)."""
    possible = {question.id for question in asked_questions(survey, answers)}
    undecided = 0
    for question in survey.questions:  # a condition looks at an earlier question
        condition = question.when
        if question.id in possible or condition is None or condition.question in answers:
            continue
        if condition.question in possible:
            possible.add(question.id)
            undecided += 1
    return undecided


def submitted_answers(survey: Survey, answers: Answers) -> dict[str, Any]:
    """Return the answers to keep: those of the questions that apply, by question id.

    An answer to a question whose condition no longer holds (the answer it looked at changed
    since) is dropped rather than stored against a question that was not asked.
    """
    given = by_question(answers)
    return {
        question.id: given[question.id]
        for question in survey.questions
        if question.id in given
        and given[question.id] is not None
        and applies(survey, question, given)
    }


def missing(survey: Survey, answers: Answers) -> Question | None:
    """Return the first required question that applies and has no answer, if any."""
    given = by_question(answers)
    for question in survey.questions:
        if question.optional or not applies(survey, question, given):
            continue
        if given.get(question.id) is None:
            return question
    return None


def first_step(survey: Survey) -> str:
    """Return the step a new answer to the survey starts at."""
    first = survey_flow(survey).first({})
    assert first is not None  # a survey has at least one question, the first has no condition
    return first


def reminder_time(survey: Survey, now: datetime, lead: timedelta) -> datetime | None:
    """Return when the one reminder goes: `lead` before closing (or after sending), if useful."""
    if survey.closes_at is None:
        return now + lead
    # A survey open for less than the lead gets its reminder halfway.
    due = max(survey.closes_at - lead, now + (survey.closes_at - now) / 2)
    if survey.closes_at - due < LAST_MOMENT:
        return None
    return due


def change_value(question: Question) -> str:
    """Return the review button's value that changes a question's answer."""
    return CHANGE + question.id


class NotOpen(Exception):
    """A survey that can't be sent now: before its opening or after its closing."""


class AskedAfterEvents(Exception):
    """The post-event feedback: each event's attendees are asked by the outbox's post-event
    message, so it is never sent to an audience."""


async def send(
    surveys: SurveyRepository,
    survey: Survey,
    now: datetime,
    lead: timedelta,
    sent_by: int | None = None,
) -> tuple[Round, int]:
    """Open a new round of the survey and queue its invitations and one reminder."""
    if survey.id == FEEDBACK:
        raise AskedAfterEvents(survey.id)
    if not survey.is_open(now):
        raise NotOpen(survey.id)
    return await surveys.launch(survey, now, reminder_time(survey, now, lead), sent_by)


# A follow-up goes for events that ended within this long before it was due: older events
# (before the survey was in the content, or while the bot was down for long) are left alone.
FOLLOW_UP_WINDOW = timedelta(days=7)
# How long an event's follow-up round takes answers.
FOLLOW_UP_OPEN = timedelta(days=30)


async def send_follow_ups(
    surveys: SurveyRepository, defined: Sequence[Survey], now: datetime, lead: timedelta
) -> int:
    """Send each follow-up survey to the attendees of the events that ended its days ago."""
    sent = 0
    for survey in defined:
        days = survey.after_event_days
        if days is None or not survey.is_open(now):
            continue
        for event_id in await surveys.events_due_follow_up(survey, now, days, FOLLOW_UP_WINDOW):
            closes = now + FOLLOW_UP_OPEN
            reminder = closes - lead if closes - lead > now else None
            _, invited = await surveys.launch(
                survey, now, reminder, event_id=event_id, closes_at=closes
            )
            sent += invited
    return sent
