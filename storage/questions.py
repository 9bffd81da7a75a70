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
QUESTION_TYPES = (TEXT, LONG_TEXT, CHOICE, MULTI_CHOICE, YES_NO, NUMBER)
CHOICE_TYPES = (CHOICE, MULTI_CHOICE)

# A question's wording and a choice's label: both fit a message and a button.
QUESTION_TEXT_LIMIT = 300
CHOICE_LABEL_LIMIT = 60
CHOICES_LIMIT = 12
QUESTIONS_LIMIT = 15


@dataclass(frozen=True)
class Choice:
    """One choice of a choice question: a stable id (stored) and its label."""

    id: str
    label: Text


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
    if question.minimum is not None:
        entry["min"] = _number(question.minimum)
    if question.maximum is not None:
        entry["max"] = _number(question.maximum)
    if question.optional:
        entry["optional"] = True
    return entry


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
    if question.type == NUMBER:
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
