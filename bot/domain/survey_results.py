"""A survey round's results, computed once for the chat, the chart and the workbook.

Choices, yes/no and scales are counted; numbers are summarised (a benchmark survey's only
through disclosure control, bot/domain/benchmark.py: no figure staff see is one company's);
free texts are listed in alphabetical order, so their order says nothing about who wrote them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.benchmark import Spread, spread
from storage.questions import (
    CHOICE,
    LONG_TEXT,
    MULTI_CHOICE,
    NUMBER,
    PERCENTAGE,
    SCALE,
    TEXT,
    YES_NO,
    Question,
)
from storage.survey_definitions import Survey
from storage.surveys import Tally

COUNTED = (CHOICE, MULTI_CHOICE, YES_NO, SCALE)
TEXTS = (TEXT, LONG_TEXT)


@dataclass(frozen=True)
class QuestionResult:
    """How one question was answered."""

    question: Question
    answered: int
    # Counted questions: (value, how many) in the question's order (choice id, yes/no, point).
    counts: tuple[tuple[str, int], ...] = ()
    # Numbers: the smallest, average and largest (not for benchmarks), or the safe spread.
    smallest: float | None = None
    average: float | None = None
    largest: float | None = None
    spread: Spread | None = None
    suppressed: bool = False  # a benchmark figure with fewer than K answers
    texts: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RoundResults:
    """A round's response rate and every question's result."""

    survey: Survey
    round_number: int
    tally: Tally
    questions: tuple[QuestionResult, ...]
    about: str | None = None  # the event a round is about, as shown ("title · date")

    @property
    def rate(self) -> float | None:
        """Return the share of those invited who finished (None when nobody was invited)."""
        if not self.tally.invited:
            return None
        return min(1.0, self.tally.completed / self.tally.invited)


def _values(question: Question) -> list[str]:
    if question.type == YES_NO:
        return ["yes", "no"]
    if question.type == SCALE:
        low, high = int(question.minimum or 0), int(question.maximum or 5)
        return [str(point) for point in range(low, high + 1)]
    return [choice.id for choice in question.choices]


def question_result(
    survey: Survey, question: Question, given: Sequence[Any], k: int
) -> QuestionResult:
    """Return one question's result from its answers (in no particular order)."""
    answers = [value for value in given if value is not None]
    if question.type in COUNTED:
        counter: Counter[str] = Counter()
        for value in answers:
            counter.update(str(item) for item in (value if isinstance(value, list) else [value]))
        counts = tuple((value, counter[value]) for value in _values(question))
        return QuestionResult(question, len(answers), counts)
    if question.type in (NUMBER, PERCENTAGE):
        numbers = [
            float(value)
            for value in answers
            if isinstance(value, int | float) and not isinstance(value, bool)
        ]
        if survey.benchmark:
            shown = spread(numbers, k, survey.places(question))
            return QuestionResult(question, len(numbers), spread=shown, suppressed=shown is None)
        if not numbers:
            return QuestionResult(question, 0)
        return QuestionResult(
            question,
            len(numbers),
            smallest=min(numbers),
            average=sum(numbers) / len(numbers),
            largest=max(numbers),
        )
    texts = tuple(sorted(str(value) for value in answers if isinstance(value, str)))
    return QuestionResult(question, len(texts), texts=texts)


def round_results(
    survey: Survey,
    round_number: int,
    tally: Tally,
    by_question: Mapping[str, Sequence[Any]],
    k: int,
) -> RoundResults:
    """Return the round's results, question by question in the survey's order."""
    return RoundResults(
        survey,
        round_number,
        tally,
        tuple(
            question_result(survey, question, by_question.get(question.id, ()), k)
            for question in survey.questions
        ),
    )
