"""Surveys as the content file defines them: who is asked, how, when, and what.

The YAML format (a `surveys:` section of the catalogue, importable on its own) is documented in
the header of the bundled `storage/demo-cluster.yaml`; storage/content.py reads and validates
it. A survey's questions are the one question model of storage/questions.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from storage.questions import NUMBER, Question

if TYPE_CHECKING:
    from storage.content import FaqLink, Text

# Who a survey goes to.
EVERYONE = "everyone"
MEMBERS = "members"  # people of the cluster's member companies
SECTOR = "sector"  # people of one sector
EVENT = "event"  # those who attended one event
EVENT_KIND = "event_kind"  # those who attended events of one kind (trainings)
AUDIENCES = (EVERYONE, MEMBERS, SECTOR, EVENT, EVENT_KIND)

# The built-in post-event feedback: one round per event, its invitation the outbox's 'survey'
# message; a cluster may define its own survey with this id (it needs a 1-5 `rating` scale).
FEEDBACK = "feedback"
FEEDBACK_RATING = "rating"

HIGHER = "higher"
LOWER = "lower"

# An indicator's short name (a chart's title, a line of the report) and its decimals.
INDICATOR_NAME_LIMIT = 40
INDICATOR_DECIMALS = (0, 1, 2, 3)


@dataclass(frozen=True)
class Audience:
    """Who a survey is for: everyone, members, a sector, the attendees of an event or a kind."""

    kind: str = EVERYONE
    target: str | None = None  # the sector, event id or event kind


@dataclass(frozen=True)
class Indicator:
    """A benchmark figure: a numeric question, which way is better, what helps to improve it.

    `name` is what the report, the chart and the PDF call it ("Fire oranı"), and `places` the
    decimals every figure of it is written with, so a column of figures reads alike.
    """

    question: str
    direction: str  # HIGHER or LOWER
    name: Text
    places: int
    links: tuple[FaqLink, ...] = ()


@dataclass(frozen=True)
class Survey:
    """A survey of the cluster, with its questions in the order they are asked."""

    id: str
    title: Text
    intro: Text
    questions: tuple[Question, ...]
    audience: Audience = Audience()
    # One answer per company (any of its people may update it) instead of one per person.
    per_company: bool = False
    # Nobody, staff included, can tell who answered what.
    anonymous: bool = False
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    benchmark: bool = False
    indicators: tuple[Indicator, ...] = ()
    # Sent to an event's attendees this many days after it ends (the audience's event or
    # events of its kind): the post-event feedback (0) or a follow-up on impact (90).
    after_event_days: int | None = None
    # False for a short survey: the last answer submits, with no review step before.
    review: bool = True
    # Shipped with the assistant (the default feedback survey), not written in the content:
    # neither stored with the cluster's content nor exported with it.
    bundled: bool = False

    @property
    def fewest_questions(self) -> int:
        """Return how many questions everyone is asked: those asked whatever the answers."""
        return sum(1 for question in self.questions if question.when is None)

    @property
    def most_questions(self) -> int:
        """Return how many questions someone may be asked, every condition holding."""
        return len(self.questions)

    def question(self, question_id: str) -> Question | None:
        """Return the survey's question with this id, if any."""
        return next((q for q in self.questions if q.id == question_id), None)

    def places(self, question: Question) -> int:
        """Return the decimals the question's shown figures are written with."""
        indicator = next((i for i in self.indicators if i.question == question.id), None)
        return indicator.places if indicator is not None else default_places(question)

    def is_open(self, now: datetime) -> bool:
        """Tell whether the survey takes answers at this moment."""
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at


def default_places(question: Question) -> int:
    """Return the decimals a question's figures are written with when no indicator says."""
    return 0 if question.type == NUMBER and not question.decimal else 1
