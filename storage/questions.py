"""Questions the cluster asks people in a form: an event's registration questions (and surveys').

A question has an id, a type, its wording in both languages, choices for the choice types, a
range for numbers, and whether it may be skipped. The content file writes them as::

    questions:
      - id: topic
        type: choice            # text | long_text | choice | multi_choice | yes_no | number
        text: {tr: ..., en: ...}
        choices:
          - {id: lean, label: {tr: ..., en: ...}}
        optional: true          # default false: the question must be answered
        short: {tr: Konu, en: Topic}   # optional: what staff lists call it (text cut otherwise)
      - id: people
        type: number
        min: 1
        max: 5

The catalogue reader (storage/content.py) validates them; the form engine asks them
(bot/domain/questions.py turns each into a step of bot/domain/forms.py). Answers are JSON values:
a text, a choice id, a list of choice ids, "yes"/"no", or a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.content import Text

TEXT = "text"
LONG_TEXT = "long_text"
CHOICE = "choice"
MULTI_CHOICE = "multi_choice"
YES_NO = "yes_no"
NUMBER = "number"
# Surveys' own types: a scale of buttons (1-5, 0-10) and a percentage (0-100, "%12" typed).
SCALE = "scale"
PERCENTAGE = "percentage"
QUESTION_TYPES = (TEXT, LONG_TEXT, CHOICE, MULTI_CHOICE, YES_NO, NUMBER)
SURVEY_QUESTION_TYPES = (*QUESTION_TYPES, SCALE, PERCENTAGE)
CHOICE_TYPES = (CHOICE, MULTI_CHOICE)
# Types whose answers are numbers, counted as such in results and benchmarks.
NUMERIC_TYPES = (NUMBER, SCALE, PERCENTAGE)
# Types a condition can look at: the answer is one of a few known values.
CONDITION_TYPES = (CHOICE, MULTI_CHOICE, YES_NO)
SCALES = ((1, 5), (0, 10))
UNIT_LIMIT = 20
SURVEY_QUESTIONS_LIMIT = 40
SURVEY_QUESTION_FIELDS = frozenset({"unit", "decimal", "labels", "when", "section", "typical"})

# A question's wording and a choice's label: both fit a message and a button.
QUESTION_TEXT_LIMIT = 300
CHOICE_LABEL_LIMIT = 60
SHORT_LIMIT = 30
CHOICES_LIMIT = 12
QUESTIONS_LIMIT = 15


@dataclass(frozen=True)
class Choice:
    """One choice of a choice question: a stable id (stored) and its label."""

    id: str
    label: Text


@dataclass(frozen=True)
class Condition:
    """Ask a question only when an earlier one was answered with one of `values`."""

    question: str
    values: tuple[str, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Tell whether the earlier answer (a choice, choices or yes/no) is one of the values."""
        given = answers.get(self.question)
        if isinstance(given, list):
            return any(item in self.values for item in given)
        return isinstance(given, str) and given in self.values


@dataclass(frozen=True)
class Question:
    """One question of a form, as the content file defines it."""

    id: str
    type: str
    text: Text
    choices: tuple[Choice, ...] = ()
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    # Surveys: a number's unit ("TL", "kişi") and whether it takes decimals; a scale's end
    # labels; the condition for asking it; the section it opens (a heading above it).
    unit: Text | None = None
    decimal: bool = False
    low_label: Text | None = None
    high_label: Text | None = None
    when: Condition | None = None
    section: Text | None = None
    short: Text | None = None  # a word or two naming it in staff's lists ("Pasaport")
    # Where most answers fall (revenue in TL, not thousands): a number outside it, valid as it
    # is, is shown back for a "sure?" before it is taken.
    typical: tuple[float, float] | None = None

    def choice(self, choice_id: str) -> Choice | None:
        """Return the choice with this id, if the question has it."""
        return next((choice for choice in self.choices if choice.id == choice_id), None)


def question_to_document(question: Question) -> dict[str, Any]:
    """Return a question as a YAML-ready entry in the content format."""
    entry: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "text": {"tr": question.text.tr, "en": question.text.en},
    }
    if question.choices:
        entry["choices"] = [
            {"id": choice.id, "label": {"tr": choice.label.tr, "en": choice.label.en}}
            for choice in question.choices
        ]
    # A percentage's range and decimals are its type's, not written.
    ranged = question.type != PERCENTAGE
    if question.minimum is not None and ranged:
        entry["min"] = _number(question.minimum)
    if question.maximum is not None and ranged:
        entry["max"] = _number(question.maximum)
    if question.optional:
        entry["optional"] = True
    if question.short is not None:
        entry["short"] = _text(question.short)
    if question.unit is not None:
        entry["unit"] = _text(question.unit)
    if question.decimal and ranged:
        entry["decimal"] = True
    if question.low_label is not None and question.high_label is not None:
        entry["labels"] = {"low": _text(question.low_label), "high": _text(question.high_label)}
    if question.when is not None:
        values = question.when.values
        entry["when"] = {
            "question": question.when.question,
            "is": values[0] if len(values) == 1 else list(values),
        }
    if question.section is not None:
        entry["section"] = _text(question.section)
    if question.typical is not None:
        entry["typical"] = [_number(bound) for bound in question.typical]
    return entry


def _text(text: Text) -> dict[str, str]:
    return {"tr": text.tr, "en": text.en}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def is_answer(question: Question, value: Any) -> bool:
    """Tell whether a stored value still answers the question (choices may have changed)."""
    if question.type == CHOICE:
        return isinstance(value, str) and question.choice(value) is not None
    if question.type == MULTI_CHOICE:
        return isinstance(value, list) and all(
            isinstance(item, str) and question.choice(item) is not None for item in value
        )
    if question.type in NUMERIC_TYPES:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if question.type == YES_NO:
        return value in ("yes", "no")
    return isinstance(value, str)


def answers_of(questions: tuple[Question, ...], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Return the stored answers that still fit the event's questions, in question order."""
    return {
        question.id: stored[question.id]
        for question in questions
        if question.id in stored and is_answer(question, stored[question.id])
    }
