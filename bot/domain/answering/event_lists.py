"""Questions that ask which events there are: "hangi eğitimler var", "bu ay ne var", "next week?".

Such a question is made only of words that ask for a list ("hangi", "neler", "var mı", "what ...
do you have"), words that name a kind of event ("eğitimler", "webinar", "events") and words that
name a period ("bu hafta", "ocakta", "in January"). One word about anything else ("ücret",
"sertifika", "Bursa", "lean") makes it a question for the FAQ or about one event instead.

The answer is the events of those kinds in that period; when there are none, the soonest ones
after it, so that the person still has somewhere to go. `events_asked` recognises the question,
`events_for` picks the events, the same way for the index (from the catalogue) and for the chat
(from the live calendar).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from bot.domain.answering.normalise import WEAK_WORDS, is_stop
from bot.domain.answering.periods import Period, is_period_word, month_of, period_in


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_LISTED = 8  # a longer list is the /events list, which the answer leads to
NEAREST = 3  # nothing in the period: the soonest events after it
_TYPO_MIN = 85.0  # fuzz.ratio of a kind word's start with one letter missing, extra or swapped

# Folded word starts that name a kind of event ("egitimleriniz", "webinarlar", "trainings").
_KIND_STARTS: dict[str, tuple[str, ...]] = {
    "training": ("egitim", "kurs", "training", "course"),
    "webinar": ("webinar", "webiner", "vebinar", "webinr"),
    "workshop": ("atolye", "workshop"),
    "study_visit": ("ziyaret", "gezi", "visit", "trip"),
    "b2b": ("b2b", "eslestirme", "matchmaking"),
    "conference": ("konferans", "conference", "kongre"),
}
_KIND_EXACT = {"train": "training", "kurslar": "training"}
# Words for any event: they ask for the whole calendar.
_ANY_STARTS = ("etkinlik", "event", "organizasyon", "aktivite", "activit", "faaliyet")
# Words asking for events one joins from anywhere: "online eğitim var mı", "çevrimiçi etkinlikler".
_ONLINE = frozenset({"online", "cevrimici", "uzaktan", "internetten", "virtual", "remote"})
# Two words naming a kind together: "bilgi günü", "info day".
_KIND_PAIRS = {("bilgi", "gun"): "info_day", ("info", "day"): "info_day"}
# Plural kind words ask for a list by themselves ("etkinlikler", "trainings").
_PLURAL_ENDINGS = ("ler", "lar", "leri", "lari", "leriniz", "lariniz", "lerde", "larda")
_PLURALS_EN = _words(
    """
    trainings courses events webinars workshops visits trips conferences activities
    """
)
# Words that ask for a list (folded): "hangi eğitimler var", "what events do you have". Not
# "program": "eğitim programı" is the training service's name.
_LISTING = _words(
    """
    hangi hangileri hangisi neler nelerdir var varmi yok what which any list liste listesi
    upcoming yaklasan takvim takvimi takviminiz calendar schedule planlanan planli planned
    scheduled
    """
)
# Words that may stand in such a question and say nothing of which events: verbs of holding,
# the kind of "new", "open", "soon".
_FILLER = _words(
    """
    ne zaman duzenliyor duzenliyormusunuz duzenlenecek duzenleniyor duzenleyecek yapilacak
    yapiyorsunuz olacak olucak olan olanlar acik acilacak yeni yakinda yakin gelecek
    onumuzdeki sonraki siradaki siradakiler kaldi kalan mevcut simdiki guncel gunlerde
    gunlerinde gunler donemde ileride
    when what have offer organise organize hold held run coming soon new open available
    happening there your you do does are is on in at for of the calisma study days
    """
)
# Question words that ask something else of events: how much, how, who, why.
_OTHER_QUESTIONS = _words(
    """
    nasil nasi nsl nasildir kim kimler kime kimden kimin neden niye nicin kac kacta kadar
    how who whom whose why much many
    """
)
# Words that ask for a fact of one event: with one of them and no listing word, a question
# naming a single event is about that event ("mart'taki eğitim ne zaman").
_FACT_STARTS = ("zaman", "when", "nerede", "where", "tarih", "date", "dolu", "full", "kontenjan")


@dataclass(frozen=True)
class EventsAsked:
    """A question for a list of events: of which kinds (none: any) and when (None: upcoming)."""

    kinds: frozenset[str]
    period: Period | None
    listing: bool  # asked as a list ("hangi", "neler", a plural), not for one event's fact
    fact: bool  # asks when or where
    online: bool = False  # only events joined online

    @property
    def kind(self) -> str | None:
        """Return the one kind asked for, if it is one."""
        return next(iter(self.kinds)) if len(self.kinds) == 1 else None


class DatedEvent(Protocol):
    """What picking events needs to know of one: its kind and when it starts."""

    @property
    def kind(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def online(self) -> bool: ...


E = TypeVar("E", bound=DatedEvent)


def _kind_of(word: str) -> str | None:
    for kind, starts in _KIND_STARTS.items():
        if word.startswith(starts):
            return kind
    if word in _KIND_EXACT:
        return _KIND_EXACT[word]
    if len(word) >= 5:
        # One typo in a kind word ("egtimler", "webnar"): its start against each kind's word.
        for kind, starts in _KIND_STARTS.items():
            for start in starts:
                if len(start) < 5 or word[0] != start[0]:
                    continue
                size = len(start)
                best = max(fuzz.ratio(word[:cut], start) for cut in (size - 1, size, size + 1))
                if best >= _TYPO_MIN:
                    return kind
    return None


def _is_any(word: str) -> bool:
    return word.startswith(_ANY_STARTS)


def _plural(word: str) -> bool:
    return word.endswith(_PLURAL_ENDINGS) or word in _PLURALS_EN


def events_asked(
    words: Sequence[str], language: str, now: datetime, timezone: ZoneInfo
) -> EventsAsked | None:
    """Return what a question asks for when it asks for a list of events, else None."""
    kinds: set[str] = set()
    named_kind = plural = listing = fact = online = False
    previous = ""
    for word in words:
        pair = _KIND_PAIRS.get((previous, word[:3] if word.startswith(("gun", "day")) else word))
        if pair is not None:
            kinds.add(pair)
            named_kind = True
        elif (kind := _kind_of(word)) is not None or _is_any(word):
            if kind is not None:
                kinds.add(kind)
            named_kind = True
            plural = plural or _plural(word)
        elif word in _LISTING:
            listing = True
        elif word in _ONLINE:
            online = True
        elif word.startswith(_FACT_STARTS):
            fact = True
        elif (
            is_period_word(word)
            or month_of(word, previous or None) is not None
            or word in _FILLER
            or is_stop(word, language)
            or (word in WEAK_WORDS and word not in _OTHER_QUESTIONS)
        ):
            pass
        else:
            return None  # a word about something else: not a question for a list
        previous = word
    period = period_in(words, now, timezone)
    if not named_kind and period is None:
        return None
    if not (named_kind or listing) and len(words) < 2 and period and period.name != "month":
        return None  # "yarın" alone is too little; "ocakta?" asks for the month's events
    relative = period is not None and period.name != "month"
    listing = listing or plural or relative
    if not (listing or fact or period is not None):
        return None  # "b2b eşleştirme", "eğitim": a topic, for the FAQ and the services
    return EventsAsked(frozenset(kinds), period, listing, fact, online)


def events_for(asked: EventsAsked, events: Iterable[E], now: datetime) -> tuple[list[E], bool]:
    """Return the events to list, soonest first, and whether they are the soonest after the
    period because none falls in it."""
    fitting = sorted(
        (
            event
            for event in events
            if event.starts_at > now
            and (not asked.kinds or event.kind in asked.kinds)
            and (event.online or not asked.online)
        ),
        key=lambda event: event.starts_at,
    )
    period = asked.period
    if period is None:
        return fitting[:MAX_LISTED], False
    inside = [event for event in fitting if period.holds(event.starts_at)]
    if inside:
        return inside[:MAX_LISTED], False
    return [event for event in fitting if event.starts_at >= period.ends][:NEAREST], True
