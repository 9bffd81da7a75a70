"""Content-defined questions on the one form engine: their steps, answers as read, summaries.

Each question of storage/questions.py becomes a step of bot/domain/forms.py named
`q:<question id>`; the answer a step stores is the question's answer. Staff read the answers
as labels in the person's or their own language, and a summary counts each choice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.forms import (
    LONG_TEXT_LIMIT,
    SHORT_TEXT_LIMIT,
    YES,
    ChoiceStep,
    MultiChoiceStep,
    NumberStep,
    ScaleStep,
    Step,
    TextStep,
    YesNoStep,
)
from storage.questions import (
    CHOICE,
    LONG_TEXT,
    MULTI_CHOICE,
    NUMBER,
    NUMERIC_TYPES,
    PERCENTAGE,
    SCALE,
    TEXT,
    YES_NO,
    Question,
    is_answer,
)

STEP_PREFIX = "q:"


def step_name(question: Question) -> str:
    """Return the name of the step that asks `question`."""
    return STEP_PREFIX + question.id


def question_id(step: str) -> str | None:
    """Return the question a step asks, or None for a step that is not a question."""
    return step[len(STEP_PREFIX) :] if step.startswith(STEP_PREFIX) else None


def question_step(question: Question) -> Step:
    """Return the form step that asks `question`."""
    name, optional = step_name(question), question.optional
    if question.type == TEXT:
        return TextStep(name, optional=optional, limit=SHORT_TEXT_LIMIT)
    if question.type == LONG_TEXT:
        return TextStep(name, optional=optional, limit=LONG_TEXT_LIMIT, multiline=True)
    if question.type == CHOICE:
        return ChoiceStep(name, optional=optional)
    if question.type == MULTI_CHOICE:
        return MultiChoiceStep(name, optional=optional)
    if question.type == YES_NO:
        return YesNoStep(name, optional=optional)
    if question.type == NUMBER:
        bounds = [bound for bound in (question.minimum, question.maximum) if bound is not None]
        return NumberStep(
            name,
            optional=optional,
            minimum=question.minimum,
            maximum=question.maximum,
            whole=not question.decimal and all(float(bound).is_integer() for bound in bounds),
        )
    if question.type == SCALE:
        low, high = int(question.minimum or 0), int(question.maximum or 5)
        return ScaleStep(name, optional=optional, minimum=low, maximum=high)
    if question.type == PERCENTAGE:
        return NumberStep(
            name, optional=optional, minimum=0, maximum=100, whole=False, percent=True
        )
    raise ValueError(f"unknown question type {question.type!r}")


def choice_options(question: Question, language: str) -> list[tuple[str, str]]:
    """Return a choice question's buttons as (value, label); a scale's are its points."""
    if question.type == SCALE:
        low, high = int(question.minimum or 0), int(question.maximum or 5)
        return [(str(point), str(point)) for point in range(low, high + 1)]
    return [(choice.id, choice.label.get(language)) for choice in question.choices]


def shown_answer(question: Question, value: Any, language: str, yes_no: Mapping[str, str]) -> str:
    """Return an answer as people read it: labels for choices, `yes_no` for yes and no."""
    if value is None or not is_answer(question, value):
        return ""
    if question.type == CHOICE:
        choice = question.choice(value)
        return choice.label.get(language) if choice else ""
    if question.type == MULTI_CHOICE:
        labels = [question.choice(item) for item in value]
        return ", ".join(choice.label.get(language) for choice in labels if choice is not None)
    if question.type == YES_NO:
        return yes_no[value]
    if question.type in NUMERIC_TYPES:
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


def answer_cell(
    question: Question, value: Any, language: str, yes_no: Mapping[str, str]
) -> str | int | float:
    """Return an answer for a spreadsheet cell: a number stays a number, the rest as read."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if question.type in NUMERIC_TYPES and numeric and is_answer(question, value):
        return int(value) if float(value).is_integer() else float(value)
    return shown_answer(question, value, language, yes_no)


@dataclass(frozen=True)
class QuestionSummary:
    """How a question was answered across people: counts per choice, or the numbers' range."""

    question: Question
    answered: int
    counts: tuple[tuple[str, int], ...] = ()  # (choice id or yes/no, how many), in order
    smallest: float | None = None
    largest: float | None = None
    average: float | None = None


def summarise(question: Question, values: Iterable[Any]) -> QuestionSummary:
    """Return the summary of the answers people gave to one question."""
    valid = [value for value in values if value is not None and is_answer(question, value)]
    if question.type in (CHOICE, MULTI_CHOICE):
        counter: Counter[str] = Counter()
        for value in valid:
            counter.update(value if isinstance(value, list) else [value])
        counts = tuple((choice.id, counter[choice.id]) for choice in question.choices)
        return QuestionSummary(question, len(valid), counts)
    if question.type == YES_NO:
        yes = sum(value == YES for value in valid)
        return QuestionSummary(question, len(valid), (("yes", yes), ("no", len(valid) - yes)))
    if question.type in NUMERIC_TYPES and valid:
        numbers = [float(value) for value in valid]
        return QuestionSummary(
            question,
            len(valid),
            smallest=min(numbers),
            largest=max(numbers),
            average=sum(numbers) / len(numbers),
        )
    return QuestionSummary(question, len(valid))


def summaries(
    questions: Sequence[Question], answers: Iterable[Mapping[str, Any]]
) -> list[QuestionSummary]:
    """Return a summary per question of everyone's answers."""
    everyone = list(answers)
    return [
        summarise(question, (person.get(question.id) for person in everyone))
        for question in questions
    ]


def answer_lines(
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    language: str,
    yes_no: Mapping[str, str],
) -> list[tuple[str, str]]:
    """Return (question, answer) pairs as people read them; "" for a question left unanswered."""
    return [
        (
            question.text.get(language),
            shown_answer(question, answers.get(question.id), language, yes_no),
        )
        for question in questions
    ]


# Telegram shows at most 4096 characters a message; a screen listing answers shortens them to fit.
MESSAGE_LIMIT = 4096
# How long each answer may be on a screen, tried in turn until the whole screen fits.
SHOWN_LIMITS = (300, 120, 40, 0)
# A question named in a list without a short name: its wording cut to a few words.
HEADING_LIMIT = 24


def shortened(text: str, limit: int) -> str:
    """Return `text` cut to `limit` characters with an ellipsis (0: nothing left)."""
    if limit <= 0:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heading(question: Question, language: str, limit: int = HEADING_LIMIT) -> str:
    """Return what a list calls the question: its short name, else its first words."""
    if question.short is not None:
        return question.short.get(language)
    wording = question.text.get(language)
    if len(wording) <= limit:
        return wording
    head = wording[: limit - 1]
    # Whole words where there is a space to cut at: "Bu eğitimden firmanız…", not "… n…".
    words = head.rsplit(" ", 1)[0] if " " in head else head
    return words.rstrip(" ,;:") + "…"


def column_title(question: Question, language: str) -> str:
    """Return a spreadsheet column's title for the question: its short name, else its wording."""
    return (
        question.short.get(language) if question.short is not None else question.text.get(language)
    )


def fitting(render: Callable[[int], str]) -> str:
    """Return the first rendering, with answers cut ever shorter, that fits one message."""
    text = ""
    for limit in SHOWN_LIMITS:
        text = render(limit)
        if len(text) <= MESSAGE_LIMIT:
            return text
    return text
