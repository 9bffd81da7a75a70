"""Questions about one event: "yalın üretim eğitimi ne zaman", "is the Italy visit full?".

Such a question asks for a fact of an event (when, where, seats left, deadline) or names a month
("mart'taki eğitim"), and every other word of it points at events: a word of the title, the kind
("eğitim", "visit"), the place, a keyword. The events every word points at are the answer: one is
shown with its live facts, several make the assistant ask which one is meant. A question with a
word no event explains ("webinar linki ne zaman gelir") is left to the FAQ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.answering.normalise import WEAK_WORDS, is_stop, looks_like_verb, stem_en, stem_tr
from bot.domain.answering.periods import month_of

# The weakest way a word may still point at an event: through a suffix, a typo or a synonym.
_MIN_STRENGTH = 0.7
MAX_CHOICES = 6


def _words(text: str) -> list[str]:
    return text.split()


# Words that ask for a fact of an event (when, where, seats, deadline), as they start, and short
# ones as they are: they trigger the search and need no event to explain them.
_FACTS = """
    zaman zamn zmn tarih when date kacta basla start begin nerede nerde nereye neresi nerda
    where venue konum location place dolu doldu dolmus full kontenjan kaldi seat spot space
    available musait kisilik capacity deadline until close kapan
"""
_FACT_WORDS = frozenset(_words("saat yer yeri yerin yerler bos son left"))
# Words that ask to take part: they need no event to explain them ("son kayıt ne zaman").
_ACTIONS = """
    basvur kayit kaydol register registr sign signup apply enrol enroll katil join attend
"""
# Words that fit any event.
_NEUTRAL = """
    etkinlik event organizasyon aktivite program kume cluster sonraki next upcoming gelecek
    yaklasan ilk first held take happen run open gun day hafta week ay month yil year ne what
    the for of in on at is var yok mi mu
"""
_FACT_STARTS = tuple(_words(_FACTS))
_ACTION_STARTS = tuple(_words(_ACTIONS))
_NEUTRAL_WORDS = frozenset(_words(_NEUTRAL))


def _is_fact(word: str) -> bool:
    return word in _FACT_WORDS or word.startswith(_FACT_STARTS)


def _is_neutral(word: str, language: str) -> bool:
    return (
        word in WEAK_WORDS
        or is_stop(word, language)
        or not _NEUTRAL_WORDS.isdisjoint((word, stem_tr(word), stem_en(word)))
    )


def _is_action(word: str) -> bool:
    return word.startswith(_ACTION_STARTS)


# How well a word names an event, by where the event has it.
_BY_TITLE = 1.0  # its title or kind
_BY_KEYWORD = 0.8
_BY_PLACE = 0.6


@dataclass(frozen=True)
class EventTerms:
    """What points at one event: its title and kind, its place, its keywords."""

    number: int  # the event's entry number in the index
    kind: str  # training, webinar, ...
    online: bool
    titles: frozenset[str]  # title and kind
    places: frozenset[str]
    keywords: frozenset[str]
    month: int  # the month it starts, in the cluster's time zone
    starts_at: datetime
    ends_at: datetime

    @property
    def terms(self) -> frozenset[str]:
        """Return every term that points at the event."""
        return self.titles | self.places | self.keywords

    def score(self, references: Sequence[Mapping[str, float]]) -> float | None:
        """Return how well the words name this event; None unless every word points at it.

        A keyword alone does not name an event ("proje" is a keyword of a conference about a
        project): some word must be in its title, kind or place, or the question names a month.
        """
        total = 0.0
        anchored = not references
        for terms in references:
            best = 0.0
            for term, strength in terms.items():
                if term in self.titles:
                    best = max(best, strength * _BY_TITLE)
                    anchored = True
                elif term in self.keywords:
                    best = max(best, strength * _BY_KEYWORD)
                elif term in self.places:
                    best = max(best, strength * _BY_PLACE)
                    anchored = True
            if not best:
                return None
            total += best
        return total if anchored else None


class EventFinder:
    """Finds the events a question about an event's facts is about."""

    def __init__(self, events: Sequence[EventTerms], timezone: ZoneInfo) -> None:
        self._events = list(events)
        self.timezone = timezone
        self._by_term: dict[str, list[EventTerms]] = {}
        for event in self._events:
            for term in event.terms:
                self._by_term.setdefault(term, []).append(event)

    @property
    def dated(self) -> Sequence[EventTerms]:
        """Return every event, each with its kind and start."""
        return self._events

    def find(
        self,
        words: Sequence[str],
        language: str,
        expand: Callable[[str], Mapping[str, float]],
        now: datetime | None,
    ) -> list[EventTerms] | None:
        """Return the events the question is about, soonest first, or None if not about one."""
        if not self._events:
            return None
        months: set[int] = set()
        asks_fact = False
        references: list[Mapping[str, float]] = []
        for position, word in enumerate(words):
            month = month_of(word, words[position - 1] if position else None)
            if month is not None:
                months.add(month)
            elif _is_fact(word):
                asks_fact = True
            elif _is_action(word) or _is_neutral(word, language):
                continue
            else:
                terms = {term: s for term, s in expand(word).items() if s >= _MIN_STRENGTH}
                if looks_like_verb(word) and not any(term in self._by_term for term in terms):
                    continue  # a verb no event has ("yapılacak", "başlıyor") says nothing of which
                if not terms:
                    return None  # a word no event explains: the question is about something else
                references.append(terms)
        if not (asks_fact or months) or not (references or months):
            return None
        scored: list[tuple[float, EventTerms]] = []
        for event in self._candidates(references):
            if now is not None and event.ends_at <= now:
                continue
            if months and event.month not in months:
                continue
            score = event.score(references)
            if score is not None:
                scored.append((score, event))
        if not scored:
            return None
        # Events named by more of the question's words, or by title rather than place, win:
        # "konferans" is the conference, not an event held in the conference hall.
        best = max(score for score, _ in scored)
        found = [event for score, event in scored if score >= best - 1e-9]
        found.sort(key=lambda event: event.starts_at)
        return found

    def _candidates(self, references: list[Mapping[str, float]]) -> list[EventTerms]:
        if not references:
            return self._events
        candidates: dict[int, EventTerms] = {}
        for term in references[0]:
            for event in self._by_term.get(term, ()):
                candidates[event.number] = event
        return list(candidates.values())
