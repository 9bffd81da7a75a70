"""The answer index: finds the FAQ entries, services and events that answer a person's question.

Every entry is a set of fields (question, variants, keywords, title, summary, answer, description),
each in Turkish and English. A question is reduced to its meaningful words, each weighted by BM25's
inverse document frequency so that rare words count more than common ones; each word reaches index
terms exactly, through a suffix, a typo or a synonym (see `vocabulary`). An entry's score is half:

* coverage: the share of the question's weight the entry explains, each word counting with the
  weight of the best field it was found in (a word only in a long answer counts less than one in a
  title), and half:
* best phrasing: the share of the question one short phrasing (question, variant, keyword, title)
  explains, reduced when that phrasing says much more than the question ("english" fits the
  keyword "English" better than "Are the trainings in English?").

The decision is "answer" when the best entry is good and clearly ahead of entries on other topics,
"suggest" when some entries are plausible, and "none" when nothing is: a question about the weather
is mostly unknown words, and an unknown word weighs as much as the rarest known one. The rule is
the same for both languages. Before any of this, small talk is recognised (`small_talk`) and a
question about the facts of one event goes to that event, or to "choose" among several (`events`).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.answering.event_lists import EventsAsked, events_asked, events_for
from bot.domain.answering.events import MAX_CHOICES, EventFinder, EventTerms
from bot.domain.answering.focus import (
    asking_parts,
    asking_sentences,
    focused,
    is_long,
    refers_back,
    sentence_before,
)
from bot.domain.answering.normalise import (
    WEAK_WORDS,
    WHEN_WORDS,
    guess_language,
    is_stop,
    looks_like_verb,
    stem,
    tokenize,
)
from bot.domain.answering.small_talk import SmallTalk, recognise_small_talk
from bot.domain.answering.synonyms import Synonyms
from bot.domain.answering.vocabulary import SYNONYM, Vocabulary
from storage.content import Catalogue, Phrases, Text

# "choose": several events fit a question about one event; the person picks one.
# "list": the question asks which events there are (of a kind, in a period); matches are those.
Decision = Literal["answer", "suggest", "choose", "list", "none"]
AnswerKind = Literal["faq", "service", "event", "events", "smalltalk", "none"]

# Field weights: a word in a title or phrasing says more about the entry than one in its body text.
PHRASING = 1.0
KEYWORD = 1.0
SUMMARY = 0.7
BODY = 0.45
# Score mix and decision thresholds, tuned on the development set and private tuning sets.
COVERAGE_SHARE = 0.5  # pooled coverage over all fields; the rest is the best single phrasing
PHRASE_FIT_SHARE = 0.6  # in a phrasing's score, how much its own words left unsaid cost
ANSWER_MIN = 0.5
ANSWER_MARGIN = 0.08
# A question that one phrasing of the best entry says almost word for word needs less margin:
# its rivals then differ in the few words that tell them apart ("how" / "who can"). The margin
# shrinks in proportion as the score goes from NEAR_EXACT to 1.
NEAR_EXACT = 0.9
# A rival on the same topic (a service and its event, an FAQ entry and its service) is no doubt:
# either answers. Two entries are on one topic from this cosine similarity of their terms.
RELATED_MIN = 0.4
# A confident answer needs evidence: the weight of the question's words the entry explains must
# reach this share of the rarest word's weight. One common word ("eğitim", "hizmetler") is not
# enough to pick one entry among many.
EVIDENCE_MIN = 0.55
# A question with a word the catalogue does not know ("bitcoin fiyatı") is about something else
# unless the best entry explains at least this share of it: then there is nothing to suggest.
UNKNOWN_COVERAGE_MIN = 0.5
SUGGEST_MIN = 0.3
SUGGEST_RATIO = 0.6
WEAK_SHARE = 0.3  # weight of a question word ("who", "nerede") relative to a topic word
EVENT_WHEN_BONUS = 0.05  # "ne zaman", "when": the person is probably after an event
LONG_QUESTION = 24  # meaningful words: longer messages go to the team, never a confident answer
LONG_QUESTION_CHARS = 400
MAX_WORDS = 48  # only this many distinct words of a very long message are looked at
MAX_MATCHES = 5
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Match:
    """One catalogue entry that may answer the question."""

    id: str  # "faq:membership-fee", "service:ipr", "event:lean-2027-01"
    kind: str  # "faq" | "service" | "event"
    entry_id: str
    score: float  # 0..1


@dataclass(frozen=True)
class Answer:
    """What the assistant should do with a question, and the entries it found, best first."""

    decision: Decision
    matches: tuple[Match, ...] = ()
    small_talk: SmallTalk | None = None
    about_event: bool = False  # asks for an event's facts (when, where, seats, deadline)
    events_asked: EventsAsked | None = None  # asks which events there are
    after_period: bool = False  # nothing falls in the period asked: the soonest after it

    @property
    def kind(self) -> AnswerKind:
        """Return what the person is given: an FAQ answer, a service, an event, small talk."""
        if self.small_talk is not None:
            return "smalltalk"
        if self.decision == "choose":
            return "event"
        if self.decision == "list":
            return "events"
        if self.decision != "answer" or not self.matches:
            return "none"
        kind = self.matches[0].kind
        return "faq" if kind == "faq" else "service" if kind == "service" else "event"


@dataclass(frozen=True)
class _Field:
    text: str
    language: str
    weight: float
    phrase: bool  # a short phrasing (question, variant, keyword, title) a question may fit whole


@dataclass
class _Phrase:
    weight: float  # the field weight
    terms: list[tuple[str, float]]  # each term with its weight (rarity, lower for weak words)
    total: float  # the sum of its terms' weights


@dataclass
class _Question:
    """A question reduced to its meaningful words, each with its weight and reachable terms."""

    weights: list[float]
    expansions: list[dict[str, float]]
    when: bool  # asks when something happens
    long: bool  # too long to be one question
    unknown: bool  # has a word the catalogue does not know


_EVENT_KINDS = {
    "training": Text("eğitim", "training"),
    "webinar": Text("webinar çevrimiçi seminer", "webinar online seminar"),
    "workshop": Text("atölye", "workshop"),
    "study_visit": Text("çalışma ziyareti", "study visit"),
    "b2b": Text("B2B eşleştirme", "B2B matchmaking"),
    "info_day": Text("bilgi günü", "info day"),
    "conference": Text("konferans", "conference"),
}
_ONLINE = Text("çevrimiçi", "online")


def _bm25_idf(entries: int, frequency: int) -> float:
    return math.log(1.0 + (entries - frequency + 0.5) / (frequency + 0.5))


def _text_fields(text: Text, weight: float, phrase: bool) -> list[_Field]:
    return [_Field(text.tr, "tr", weight, phrase), _Field(text.en, "en", weight, phrase)]


def _phrase_fields(phrases: Phrases, weight: float) -> list[_Field]:
    return [_Field(item, "tr", weight, True) for item in phrases.tr] + [
        _Field(item, "en", weight, True) for item in phrases.en
    ]


def _catalogue_fields(catalogue: Catalogue) -> Iterable[tuple[Match, str, list[_Field]]]:
    """Yield each entry with its family (a service and its events are one) and its fields."""
    for faq in catalogue.faq:
        fields = _text_fields(faq.question, PHRASING, True)
        fields += _phrase_fields(faq.variants, PHRASING)
        fields += _phrase_fields(faq.keywords, KEYWORD)
        fields += _text_fields(faq.answer, BODY, False)
        family = f"service:{faq.service_id}" if faq.service_id else f"faq:{faq.id}"
        yield Match(f"faq:{faq.id}", "faq", faq.id, 0.0), family, fields
    for service in catalogue.services:
        fields = _text_fields(service.title, PHRASING, True)
        fields += _phrase_fields(service.keywords, KEYWORD)
        fields += _text_fields(service.summary, SUMMARY, False)
        fields += _text_fields(service.description, BODY, False)
        yield (
            Match(f"service:{service.id}", "service", service.id, 0.0),
            f"service:{service.id}",
            fields,
        )
    for event in catalogue.events:
        fields = _text_fields(event.title, PHRASING, True)
        fields += _phrase_fields(event.keywords, KEYWORD)
        fields += _text_fields(event.description, BODY, False)
        # What kind of event it is and where: people ask for "the webinar", "the Bursa workshop".
        kind = _EVENT_KINDS.get(event.kind, Text(event.kind, event.kind))
        fields += _text_fields(kind, SUMMARY, False)
        if event.online:
            fields += _text_fields(_ONLINE, SUMMARY, False)
        if event.location is not None:
            fields += _text_fields(event.location, BODY, False)
        family = f"service:{event.service_id}" if event.service_id else f"event:{event.id}"
        yield Match(f"event:{event.id}", "event", event.id, 0.0), family, fields


class AnswerIndex:
    """A search index over one catalogue; build it again when the content changes."""

    def __init__(self) -> None:
        self._entries: list[Match] = []
        self._families: list[str] = []
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)  # term -> entry -> weight
        self._phrases: list[list[_Phrase]] = []  # the short phrasings of each entry
        self._idf: dict[str, float] = {}
        self._unknown_idf = 1.0
        self._vectors: list[dict[str, float]] = []  # weighted terms of each entry, unit length
        self._family_head: dict[str, int] = {}  # service family -> the service's entry
        self._related_cache: dict[tuple[int, int], bool] = {}
        self._synonyms = Synonyms(())
        self._vocabulary = Vocabulary({}, {})
        self._events = EventFinder((), ZoneInfo("UTC"))
        self._starts: dict[int, datetime] = {}  # event entry -> when it starts

    @classmethod
    def build(cls, catalogue: Catalogue) -> AnswerIndex:
        """Index every FAQ entry, service and event of a catalogue."""
        index = cls()
        index._synonyms = Synonyms(catalogue.synonyms)
        forms: dict[str, set[str]] = defaultdict(set)
        phrases: list[tuple[int, float, dict[str, bool]]] = []
        for match, family, fields in _catalogue_fields(catalogue):
            number = len(index._entries)
            index._entries.append(match)
            index._families.append(family)
            for item in fields:
                terms, phrase_terms = index._analyse(item, forms)
                for term in terms:
                    postings = index._postings[term]
                    postings[number] = max(postings.get(number, 0.0), item.weight)
                if item.phrase and phrase_terms:
                    phrases.append((number, item.weight, phrase_terms))
        total = len(index._entries)
        index._idf = {term: _bm25_idf(total, len(found)) for term, found in index._postings.items()}
        index._unknown_idf = _bm25_idf(total, 1)
        index._phrases = [[] for _ in index._entries]
        for number, weight, phrase_terms in phrases:
            weights = [
                (term, index._idf[term] * (WEAK_SHARE if weak else 1.0))
                for term, weak in phrase_terms.items()
            ]
            total_weight = sum(term_weight for _, term_weight in weights)
            index._phrases[number].append(_Phrase(weight, weights, total_weight))
        index._vectors = index._entry_vectors()
        index._family_head = {
            family: number
            for number, (match, family) in enumerate(
                zip(index._entries, index._families, strict=True)
            )
            if match.kind == "service"
        }
        for word, stems in index._synonyms.words.items():
            forms[word].update(stems)
        synonyms = {term: sorted(groups) for term, groups in index._synonyms.single.items()}
        index._vocabulary = Vocabulary(forms, synonyms)
        index._events = index._event_finder(catalogue, forms)
        first = len(catalogue.faq) + len(catalogue.services)
        index._starts = {
            number: event.starts_at for number, event in enumerate(catalogue.events, start=first)
        }
        return index

    def _event_finder(self, catalogue: Catalogue, forms: dict[str, set[str]]) -> EventFinder:
        """Gather what names each event: its title, kind and place, and its keywords."""
        timezone = ZoneInfo(catalogue.cluster.timezone)
        first = len(catalogue.faq) + len(catalogue.services)

        def terms(fields: list[_Field]) -> set[str]:
            found: set[str] = set()
            for item in fields:
                found |= self._analyse(item, forms)[0]
            return found

        events = []
        for number, event in enumerate(catalogue.events, start=first):
            kind = _EVENT_KINDS.get(event.kind, Text(event.kind, event.kind))
            titles = terms(_text_fields(kind, 1.0, False) + _text_fields(event.title, 1.0, False))
            if event.online:
                titles |= terms(_text_fields(_ONLINE, 1.0, False))
            places = set()
            if event.location is not None:
                places = terms(_text_fields(event.location, 1.0, False))
            events.append(
                EventTerms(
                    number=number,
                    kind=event.kind,
                    online=event.online,
                    titles=frozenset(titles),
                    places=frozenset(places),
                    keywords=frozenset(terms(_phrase_fields(event.keywords, 1.0))),
                    month=event.starts_at.astimezone(timezone).month,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                )
            )
        return EventFinder(events, timezone)

    def _analyse(
        self, item: _Field, forms: dict[str, set[str]]
    ) -> tuple[set[str], dict[str, bool]]:
        """Return a field's index terms, and its phrase terms (term -> is a weak word).

        Index terms are the stems plus a term for each synonym group found. In the phrase terms the
        words of a synonym stand replaced by their group, so that "aidat" fits "membership fee".
        """
        words = [word for word in tokenize(item.text) if not is_stop(word, item.language)]
        stems = [stem(word, item.language) for word in words]
        groups = self._synonyms.groups(stems)
        terms: set[str] = set()
        phrase: dict[str, bool] = {}
        for word, word_stem, word_groups in zip(words, stems, groups, strict=True):
            forms[word].add(word_stem)
            forms[word_stem].add(word_stem)
            terms.add(word_stem)
            terms.update(word_groups)
            if word_groups:
                phrase.update(dict.fromkeys(word_groups, False))
            else:
                phrase[word_stem] = phrase.get(word_stem, True) and word in WEAK_WORDS
        return terms, phrase

    def _entry_vectors(self) -> list[dict[str, float]]:
        """Return each entry's terms weighted by field and rarity, scaled to unit length."""
        vectors: list[dict[str, float]] = [{} for _ in self._entries]
        for term, postings in self._postings.items():
            for number, weight in postings.items():
                vectors[number][term] = weight * self._idf[term]
        for vector in vectors:
            norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
            for term in vector:
                vector[term] /= norm
        return vectors

    def _similarity(self, first: int, second: int) -> float:
        one, other = self._vectors[first], self._vectors[second]
        if len(other) < len(one):
            one, other = other, one
        return sum(value * other.get(term, 0.0) for term, value in one.items())

    def _related(self, first: int, second: int) -> bool:
        """Return whether two entries are on one topic, so either of them answers well.

        A service and its events are one topic; so are entries nearly alike (an FAQ entry and the
        service it describes), and through its service an event and such an FAQ entry.
        """
        key = (min(first, second), max(first, second))
        known = self._related_cache.get(key)
        if known is not None:
            return known
        pairs = [(first, second)]
        for one, other in ((first, second), (second, first)):
            head = self._family_head.get(self._families[other])
            if head is not None and head != other:
                pairs.append((one, head))
        related = self._families[first] == self._families[second] or any(
            self._similarity(one, other) >= RELATED_MIN for one, other in pairs
        )
        if len(self._related_cache) > 100_000:
            self._related_cache.clear()
        self._related_cache[key] = related
        return related

    def ask(
        self, question: str, language: str | None = None, now: datetime | None = None
    ) -> Answer:
        """Find the entries that answer a question, in either language.

        `language` is the person's chosen language: only a hint for words both languages spell
        alike ("is" is "iş" in Turkish). With `now`, events already started are left out (a
        question about an event's facts looks at events not yet over): the live chat and the
        `ask` command decide on the same matches.
        """
        small_talk = recognise_small_talk(question)
        if small_talk is not None:
            return Answer("answer", small_talk=small_talk)
        if is_long(question):
            return self._ask_long(question, language, now)
        answer = self._ask(question, language, now)
        if answer.decision in ("answer", "choose", "list"):
            return answer
        # A polite message that describes the company first: ask again without the description,
        # then clause by clause (the question itself is usually one of them).
        for part in focused(question):
            if recognise_small_talk(part) is not None or refers_back(part):
                continue  # "bu konuda ...?" alone says nothing of what about
            found = self._ask(part, language, now)
            if found.decision in ("answer", "choose", "list"):
                return found
        return answer

    def _ask_long(self, message: str, language: str | None, now: datetime | None) -> Answer:
        """Answer a long message from its asking sentences; the story around them only suggests.

        A message with no asking sentence ("... kaydımı iptal etmek istiyorum.") is looked at
        whole and clause by clause, as a short one is.
        """
        parts = asking_parts(message)
        if not parts:
            parts = focused(message)
        sentences = set(asking_sentences(message))
        suggestion: Answer | None = None
        for part in parts:
            if recognise_small_talk(part) is not None:
                continue
            if refers_back(part):
                # "Bu konuda destek veriyor musunuz?": the sentence before says what about; the
                # answer is only a suggestion, the words being the story's.
                found = self._ask(sentence_before(message, part) or part, language, now)
                if suggestion is None and found.matches and found.small_talk is None:
                    suggestion = Answer("suggest", found.matches[:MAX_SUGGESTIONS])
                continue
            found = self._ask(part, language, now)
            if found.decision in ("answer", "choose", "list"):
                return found
            # Suggestions come from a whole asking sentence: a clause of one that found nothing
            # ("fiyatları hakkında bilginiz var mı?" after a hotel) would suggest beside the point.
            if suggestion is None and found.decision == "suggest" and part in sentences:
                suggestion = found
        if suggestion is not None:
            return suggestion
        whole = self._ask(message, language, now)
        if not sentences or whole.decision in ("suggest", "none"):
            return whole
        # "Bu konuda destek veriyor musunuz?": the topic is in the story, which may only suggest.
        ranked = [
            match for match in whole.matches if match.kind != "event" or not whole.events_asked
        ]
        return Answer("suggest", tuple(ranked[:MAX_SUGGESTIONS])) if ranked else Answer("none")

    def _ask(self, question: str, language: str | None, now: datetime | None) -> Answer:
        """Answer one question or clause, small talk aside."""
        words = tokenize(question)
        language = guess_language(question, words, language)
        asked = events_asked(words, language, now or datetime.now(UTC), self._events.timezone)
        if asked is not None:
            events = self._events.find(words, language, self._vocabulary.expand, now)
            # "mart'taki eğitim ne zaman" names one event: its page says more than a list.
            if asked.listing or events is None or len(events) != 1:
                return self._event_list(asked, now)
        parsed = self._parse(question, words, language)
        if parsed is None:
            return Answer("none")
        if not parsed.long:
            events = self._events.find(words, language, self._vocabulary.expand, now)
            if events is not None:
                matches = tuple(self._match(event.number, 1.0) for event in events)
                decision: Decision = "answer" if len(matches) == 1 else "choose"
                return Answer(decision, matches[:MAX_CHOICES], about_event=True)
        return self._decide(self._score(parsed, now), parsed)

    def _event_list(self, asked: EventsAsked, now: datetime | None) -> Answer:
        """Answer a question for a list of events with the events of its kinds and period."""
        listed, after = events_for(asked, self._events.dated, now or datetime.now(UTC))
        matches = tuple(self._match(event.number, 1.0) for event in listed)
        return Answer("list", matches, events_asked=asked, after_period=after)

    def _parse(self, question: str, words: list[str], language: str) -> _Question | None:
        """Return the question's meaningful words with their weights and terms, if it has any."""
        meaningful = [word for word in words if not is_stop(word, language)]
        unique = list(dict.fromkeys(meaningful))
        expansions = {word: dict(self._vocabulary.expand(word)) for word in unique[:MAX_WORDS]}
        sequence = [word for word in meaningful if word in expansions]
        reachable = [expansions[word] for word in sequence]
        for start, end, term, strength in self._synonyms.reached_spans(reachable):
            for word in sequence[start:end]:
                expansions[word][term] = max(expansions[word].get(term, 0.0), strength * SYNONYM)
        weights: list[float] = []
        found: list[dict[str, float]] = []
        for word, terms in expansions.items():
            known = {term: strength for term, strength in terms.items() if term in self._idf}
            if known:
                best = max(known, key=lambda term: (known[term], self._idf[term]))
                weight = self._idf[best]
            elif self._vocabulary.is_misspelt_stop_word(word):
                continue
            else:
                # An unknown word is rare, so it weighs a lot: the question is about something
                # else. Unknown verbs say less ("belirleniyor"), so they count half.
                weight = self._unknown_idf * (0.5 if looks_like_verb(word) else 1.0)
            weights.append(weight * (WEAK_SHARE if word in WEAK_WORDS else 1.0))
            found.append(known)
        if not weights:
            return None
        return _Question(
            weights=weights,
            expansions=found,
            when=any(word in WHEN_WORDS for word in words),
            long=len(unique) > LONG_QUESTION or len(question) > LONG_QUESTION_CHARS,
            unknown=not all(found),
        )

    def _score(
        self, question: _Question, now: datetime | None = None
    ) -> list[tuple[float, int, float]]:
        """Return (score, entry, evidence) for the best entries, best first.

        Coverage is counted for every entry the question touches. The best phrasing can only lower
        a score below its coverage, so phrasings are looked at for the entries with the most
        coverage only, until no further entry can reach the best scores found.
        """
        total = sum(question.weights)
        coverage: dict[int, float] = defaultdict(float)  # the question's weight each explains
        reached: dict[str, list[tuple[int, float]]] = defaultdict(list)  # term -> (word, strength)
        for word, terms in enumerate(question.expansions):
            weight = question.weights[word]
            in_entry: dict[int, float] = {}
            for term, strength in terms.items():
                reached[term].append((word, strength))
                for entry, field_weight in self._postings[term].items():
                    value = strength * field_weight
                    if value > in_entry.get(entry, 0.0):
                        in_entry[entry] = value
            for entry, value in in_entry.items():
                coverage[entry] += weight * value
        bonus = EVENT_WHEN_BONUS if question.when else 0.0
        best: list[tuple[float, int, float]] = []
        for entry, explained in sorted(coverage.items(), key=lambda item: -item[1]):
            started = self._starts.get(entry)
            if now is not None and started is not None and started <= now:
                continue  # an event already held answers nothing: it neither wins nor competes
            share = explained / total
            if len(best) >= MAX_MATCHES and share + bonus < best[-1][0]:
                break  # the score never exceeds the coverage (plus the event bonus)
            score = COVERAGE_SHARE * share + (1.0 - COVERAGE_SHARE) * self._best_phrase(
                entry, question, reached, total
            )
            if bonus and self._entries[entry].kind == "event":
                score += bonus
            best.append((min(score, 1.0), entry, explained))
            best.sort(key=lambda item: (-item[0], item[1]))
            del best[MAX_MATCHES:]
        return best

    def _best_phrase(
        self,
        entry: int,
        question: _Question,
        reached: dict[str, list[tuple[int, float]]],
        total: float,
    ) -> float:
        """Return the share of the question the entry's best-fitting short phrasing explains."""
        best = 0.0
        for phrase in self._phrases[entry]:
            per_word: dict[int, float] = {}
            said = 0.0  # the weight of the phrasing the question says
            for term, term_weight in phrase.terms:
                hits = reached.get(term)
                if not hits:
                    continue
                strongest = 0.0
                for word, strength in hits:
                    strongest = max(strongest, strength)
                    if strength > per_word.get(word, 0.0):
                        per_word[word] = strength
                said += term_weight * strongest
            if not per_word:
                continue
            explained = sum(question.weights[word] * value for word, value in per_word.items())
            fit = said / phrase.total if phrase.total else 0.0
            value = phrase.weight * explained / total
            best = max(best, value * (1.0 - PHRASE_FIT_SHARE + PHRASE_FIT_SHARE * fit))
        return best

    def _decide(self, ranked: list[tuple[float, int, float]], question: _Question) -> Answer:
        """Answer when the best entry is good and clearly ahead of entries on other topics."""
        if not ranked or ranked[0][0] < SUGGEST_MIN:
            return Answer("none")
        top_score, top, evidence = ranked[0]
        if question.unknown and evidence < UNKNOWN_COVERAGE_MIN * sum(question.weights):
            return Answer("none")
        matches = tuple(
            self._match(number, score)
            for score, number, _ in ranked[:MAX_MATCHES]
            if score >= SUGGEST_MIN
        )
        margin = ANSWER_MARGIN * min(1.0, (1.0 - top_score) / (1.0 - NEAR_EXACT))
        ahead = all(
            top_score - score >= margin or self._related(top, number)
            for score, number, _ in ranked[1:MAX_MATCHES]
        )
        confident = top_score >= ANSWER_MIN and evidence >= EVIDENCE_MIN * self._unknown_idf
        if confident and ahead and not question.long:
            return Answer("answer", matches)
        floor = top_score * SUGGEST_RATIO
        return Answer("suggest", tuple(m for m in matches[:MAX_SUGGESTIONS] if m.score >= floor))

    def _match(self, number: int, score: float) -> Match:
        match = self._entries[number]
        return Match(match.id, match.kind, match.entry_id, round(score, 4))


@functools.lru_cache(maxsize=4)
def index_of(catalogue: Catalogue) -> AnswerIndex:
    """Return the index of a catalogue, built once per content and reused while it is the same.

    The catalogue is frozen and compared by value, so a restart in the same process (the tests,
    the demo) or a reload that changed nothing reuses the index instead of building it again.
    """
    return AnswerIndex.build(catalogue)
