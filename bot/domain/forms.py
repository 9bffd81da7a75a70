"""Forms asked one step at a time: the kinds of step, how each reads a reply, where it leads.

Nothing here talks to Telegram or the database. A `Flow` is a form's steps in order; the engine
(handlers/forms.py) shows the current step's question, turns what the person sent into a
`Reply`, lets the step read it, and stores the `FormState` that `Flow.advance` returns
(storage/forms.py), in one write. Answers are JSON values, so a form resumes after a restart.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain.counts import number_in_words, without_unit
from bot.domain.profile import clean_line

Answers = Mapping[str, Any]
# A check turns typed text into a value, or says why it can't: (value, None) or (None, reason).
Check = Callable[[str], tuple[Any, str | None]]

# Reasons a step gives when it asks again; the form's template words them.
CHOOSE = "choose"  # a button is expected
OTHER = "other"  # something no step of this kind takes (a sticker, a voice message)
TOO_LONG = "too_long"
EMPTY = "empty"
NUMBER = "number"
RANGE = "range"
DOCUMENT = "document"
POINT = "point"  # a scale's point is due: a button, or a whole number of the scale typed

SHORT_TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 3000


# -- what the person sent --------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file or photo the person sent."""

    kind: str  # "document" or "photo"
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    # The same file sent twice has the same unique id (its file_id may differ).
    unique_id: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the person sent while a step was asked; at most one of the fields is set."""

    text: str | None = None  # typed text, as plain text
    html: str | None = None  # the same text (or a caption) as Telegram HTML
    pressed: str | None = None  # the value of a button of the step
    action: str | None = None  # one of the engine's buttons: BACK, SKIP, DONE
    phone: str | None = None  # from a shared contact
    contact_user_id: int | None = None
    upload: Upload | None = None
    unreadable: str | None = None  # a sticker, voice, location...: nothing a step takes


BACK = "back"
SKIP = "skip"
DONE = "done"


# -- what a step makes of it -----------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """The step's answer: store it and move on."""

    value: Any


@dataclass(frozen=True)
class Stay:
    """Store this value and ask the same step again (a choice toggled in a multiple choice)."""

    value: Any


@dataclass(frozen=True)
class Reask:
    """Nothing stored: ask the same step again, saying why."""

    reason: str


@dataclass(frozen=True)
class GoBack:
    """Go back to the step before."""


@dataclass(frozen=True)
class Skipped:
    """Leave the (optional) step unanswered and move on."""


Outcome = Answered | Stay | Reask | GoBack | Skipped


@dataclass(frozen=True)
class Asked:
    """What the question on screen offered: the values of its choice buttons."""

    offered: frozenset[str] = frozenset()
    # The person asked: a shared contact must be their own.
    person_id: int | None = None
    # Their language: "1,250" is a thousand and a quarter in English, one and a quarter in Turkish.
    language: str = "tr"


# -- the kinds of step -----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One question. `optional` steps can be skipped; `back` allows going to the one before."""

    name: str
    optional: bool = False
    back: bool = True

    def read(self, reply: Reply, asked: Asked, current: Any = None) -> Outcome:
        """Read the person's reply into an outcome (`current`: the answer stored so far)."""
        if reply.action == BACK and self.back:
            return GoBack()
        if reply.action == SKIP and self.optional:
            return Skipped()
        return self.read_answer(reply, asked, current)

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        """Read a reply that is not back or skip."""
        raise NotImplementedError

    def wants_text(self) -> bool:
        """Tell whether the question expects something typed (else a button)."""
        return True


@dataclass(frozen=True)
class TextStep(Step):
    """Short text (one line, tidied) or long text (lines kept), with an optional check."""

    limit: int = SHORT_TEXT_LIMIT
    multiline: bool = False
    check: Check | None = None

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        if reply.text is None:
            return Reask(OTHER)
        if self.check is not None:
            value, reason = self.check(reply.text)
            return Answered(value) if reason is None else Reask(reason)
        text = tidy_text(reply.text) if self.multiline else clean_line(reply.text)
        if len(text) > self.limit:
            return Reask(TOO_LONG)
        if not has_words(text):
            return Reask(EMPTY)
        return Answered(text)


@dataclass(frozen=True)
class ChoiceStep(Step):
    """One of the buttons shown; the values offered come with the question (`Asked`)."""

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        if reply.pressed is not None and reply.pressed in asked.offered:
            return Answered(reply.pressed)
        return Reask(CHOOSE)

    def wants_text(self) -> bool:
        return False


YES = "yes"
NO = "no"


@dataclass(frozen=True)
class YesNoStep(ChoiceStep):
    """Yes or no, as two buttons; the answer is YES or NO."""

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        return super().read_answer(reply, Asked(frozenset((YES, NO))), current)


@dataclass(frozen=True)
class MultiChoiceStep(Step):
    """Any number of the buttons, toggled one by one, then "done"; the answer is a list."""

    minimum: int = 1
    maximum: int | None = None

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        chosen = [value for value in (current or []) if value in asked.offered]
        if reply.action == DONE:
            if len(chosen) < self.minimum:
                return Reask(CHOOSE)
            return Answered(chosen)
        if reply.pressed is None or reply.pressed not in asked.offered:
            return Reask(CHOOSE)
        if reply.pressed in chosen:
            chosen.remove(reply.pressed)
        elif self.maximum is None or len(chosen) < self.maximum:
            chosen.append(reply.pressed)
        else:
            return Reask(TOO_LONG)
        return Stay(chosen)

    def wants_text(self) -> bool:
        return False


@dataclass(frozen=True)
class ScaleStep(ChoiceStep):
    """A point on a scale (1 to 5, 0 to 10): a row of buttons, or the number typed."""

    minimum: int = 1
    maximum: int = 5

    def points(self) -> list[str]:
        """Return the scale's points as button values."""
        return [str(point) for point in range(self.minimum, self.maximum + 1)]

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        if reply.pressed is not None:
            if reply.pressed in asked.offered:
                return Answered(int(reply.pressed))
            return Reask(CHOOSE)
        if reply.text is None:
            return Reask(POINT)
        point = self.typed_point(reply.text)
        return Reask(POINT) if point is None else Answered(point)

    def typed_point(self, text: str) -> int | None:
        """Read a point typed instead of pressed: "4", "4/5", "4 puan", "4️⃣"; None if not one."""
        typed = clean_line(text).replace("\ufe0f\u20e3", "").replace("🔟", "10")
        typed = _POINT_OUT_OF.sub("", typed).strip()
        number = parse_number(typed)
        if number is None or not number.is_integer():
            return None
        return int(number) if self.minimum <= number <= self.maximum else None


@dataclass(frozen=True)
class NumberStep(Step):
    """A typed number within a range; whole numbers unless `whole` is False.

    A percentage takes the sign on either side ("%12", "12 %"), as people write it.
    """

    minimum: float | None = None
    maximum: float | None = None
    whole: bool = True
    percent: bool = False

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        if reply.text is None:
            return Reask(OTHER)
        typed = reply.text.strip()
        if self.percent:
            typed = typed.removeprefix("%").removesuffix("%").strip()
        number = parse_number(typed, asked.language)
        if number is None:
            # "3 kişiyiz", "2,5 saat", "iki": the figure without its word, or in words.
            number = parse_number(without_unit(typed), asked.language)
        if number is None:
            words = number_in_words(typed)
            number = None if words is None else float(words)
        return Reask(NUMBER) if number is None else self.taking(number)

    def taking(self, number: float) -> Outcome:
        """Return the number as the step's answer, or why it can't be one."""
        if self.whole and not number.is_integer():
            return Reask(NUMBER)
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            return Reask(RANGE)
        return Answered(int(number) if self.whole else number)


@dataclass(frozen=True)
class ContactStep(Step):
    """A phone number: shared with Telegram's contact button (only one's own), or typed."""

    check: Check | None = None

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        typed = reply.phone if reply.phone is not None else reply.text
        if typed is None:
            return Reask(OTHER)
        # Only one's own contact: Telegram lets people share anyone's.
        shared = reply.contact_user_id
        if reply.phone is not None and shared is not None and shared != asked.person_id:
            return Reask("phone")
        if self.check is None:
            return Answered(clean_line(typed))
        value, reason = self.check(typed)
        return Answered(value) if reason is None else Reask(reason)


@dataclass(frozen=True)
class MessageStep(Step):
    """A message as sent: text with its formatting, or a photo or document with its caption.

    The answer is a JSON object: `text` and `html`, and for a file `kind`, `file_id`,
    `file_name`, `mime_type`, `size` and `unique_id`.
    """

    text: bool = True
    photos: bool = False
    documents: bool = False

    def read_answer(self, reply: Reply, asked: Asked, current: Any) -> Outcome:
        upload = reply.upload
        if upload is not None:
            if self.documents if upload.kind == "document" else self.photos:
                return Answered(_upload_answer(reply))
        elif self.text and reply.text is not None:
            return Answered({"text": reply.text, "html": reply.html or reply.text})
        only_documents = self.documents and not (self.text or self.photos)
        return Reask(DOCUMENT if only_documents else OTHER)


def _upload_answer(reply: Reply) -> dict[str, Any]:
    assert reply.upload is not None
    return {
        "kind": reply.upload.kind,
        "file_id": reply.upload.file_id,
        "file_name": reply.upload.file_name,
        "mime_type": reply.upload.mime_type,
        "size": reply.upload.size,
        "unique_id": reply.upload.unique_id,
        "text": reply.text,
        "html": reply.html,
    }


# -- a form's steps in order -----------------------------------------------------------------


@dataclass(frozen=True)
class FormState:
    """Where a form stands: the step asked and the answers so far (JSON values)."""

    kind: str
    step: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    subject: str | None = None


@dataclass(frozen=True)
class Moved:
    """The form goes on: ask `state.step` (again, saying `reason`, when given)."""

    state: FormState
    reason: str | None = None


@dataclass(frozen=True)
class Finished:
    """Every step is answered: the form's answers are complete."""

    state: FormState


Applies = Callable[[str, Answers], bool]


def _always(step: str, answers: Answers) -> bool:
    return True


@dataclass(frozen=True)
class Flow:
    """A form's steps in the order they are asked; `applies` leaves out steps that don't."""

    kind: str
    steps: Sequence[Step]
    applies: Applies = _always

    def has(self, name: str) -> bool:
        """Tell whether the form has a step called `name`."""
        return any(step.name == name for step in self.steps)

    def step(self, name: str) -> Step:
        """Return the step called `name`."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"form {self.kind} has no step {name!r}")

    def first(self, answers: Answers) -> str | None:
        """Return the first step that applies, or None when none does."""
        return self._following(-1, answers)

    def after(self, name: str, answers: Answers) -> str | None:
        """Return the step after `name` that applies, or None when the form is complete."""
        return self._following(self._index(name), answers)

    def before(self, name: str, answers: Answers) -> str:
        """Return the step before `name` that applies (the same step when it is the first)."""
        index = self._index(name)
        for step in reversed(self.steps[:index]):
            if self.applies(step.name, answers):
                return step.name
        return name

    def _following(self, index: int, answers: Answers) -> str | None:
        for step in self.steps[index + 1 :]:
            if self.applies(step.name, answers):
                return step.name
        return None

    def _index(self, name: str) -> int:
        return [step.name for step in self.steps].index(name)

    def advance(self, state: FormState, outcome: Outcome) -> Moved | Finished:
        """Return where an outcome leads: the next step, the same one again, or the end."""
        if isinstance(outcome, Reask):
            return Moved(state, outcome.reason)
        if isinstance(outcome, GoBack):
            return Moved(replace(state, step=self.before(state.step, state.answers)))
        answers = dict(state.answers)
        if isinstance(outcome, Stay):
            answers[state.step] = outcome.value
            return Moved(replace(state, answers=answers))
        if isinstance(outcome, Answered):
            answers[state.step] = outcome.value
        else:
            answers.pop(state.step, None)
        following = self.after(state.step, answers)
        moved = replace(state, answers=answers, step=following or state.step)
        return Finished(moved) if following is None else Moved(moved)


# -- reading typed values --------------------------------------------------------------------


def has_words(text: str) -> bool:
    """Tell whether a text holds at least one letter or digit (not only emoji or marks)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def tidy_text(text: str) -> str:
    """Keep the lines of a long answer; drop control characters and trailing spaces."""
    lines = (
        "".join(char for char in line if unicodedata.category(char)[0] != "C").rstrip()
        for line in unicodedata.normalize("NFC", text).splitlines()
    )
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# What may follow a scale's point: "/5", "üzerinden", "puan", "points".
_POINT_OUT_OF = re.compile(r"\s*(?:/\s*\d+|üzerinden|puan|points?)\s*$", re.IGNORECASE)
# Thousands grouped the language's way: "1.250.000,50" in Turkish, "1,250,000.50" in English.
_GROUPED = {
    "tr": (re.compile(r"^[+-]?\d{1,3}(?:[. ]\d{3})+(?:,\d+)?$"), "."),
    "en": (re.compile(r"^[+-]?\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?$"), ","),
}


def parse_number(text: str, language: str = "tr") -> float | None:
    """Read a number as people type it: "12", "-3", "2,5", "2.5", "1.250.000,50", "1 250";
    thousands grouped the person's language's way first ("1,250" is 1250 in English), then
    the other way when nothing else reads it ("1,250,000.50" in Turkish)."""
    typed = clean_line(text).replace("\u00a0", " ")
    own = _GROUPED.get(language, _GROUPED["tr"])
    other = _GROUPED["en" if own is _GROUPED["tr"] else "tr"]
    for grouped, separator in (own, other):
        if grouped.match(typed):
            number = float(typed.replace(separator, "").replace(" ", "").replace(",", "."))
            break
        if _NUMBER.match(typed):
            number = float(typed.replace(",", "."))
            break
    else:
        return None
    return number if math.isfinite(number) else None
