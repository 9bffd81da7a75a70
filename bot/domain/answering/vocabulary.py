"""The index's known terms, and how a person's word reaches them despite suffixes and typos.

A word is looked up by its Turkish and English stems; failing an exact hit it may meet a term it
is a prefix of (a suffix the stemmer left), and failing that a term one typo away (rapidfuzz).
Each way of meeting has a strength below 1 so that exact words always win.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process

from bot.domain.answering.normalise import STOP_WORDS, stem_en, stem_tr

EXACT = 1.0
PREFIX = 0.85  # one word starts with the other: "katil" / "katilimci"
NEAR_PREFIX = 0.7  # long common start: "registr" / "regist"
SYNONYM = 0.95
_FUZZY = 0.9  # times the similarity: a typo counts a little less than a suffix
_FUZZY_MIN_LENGTH = 5  # four-letter words are too often one letter from another word
_PREFIX_MIN_LENGTH = 4


def _fuzzy_cutoff(length: int) -> float:
    """Return the fuzz.ratio a word of this length needs: one typo, a second one in long words."""
    return 85.0 if length <= 5 else 80.0 if length <= 8 else 76.0


def _common_prefix(first: str, second: str) -> int:
    size = min(len(first), len(second))
    for position in range(size):
        if first[position] != second[position]:
            return position
    return size


class Vocabulary:
    """Known terms and the words they were seen as, sorted for prefix and grouped for typo search.

    `forms` maps each searchable form to the index terms it stands for: a stem stands for itself,
    a word as written in the catalogue ("egitimler") for its stem, so a typo in a long word
    ("egitmler") is measured against the whole word rather than against a short stem.
    """

    def __init__(
        self, forms: Mapping[str, Iterable[str]], synonyms: Mapping[str, Iterable[str]]
    ) -> None:
        self._forms = {form: tuple(sorted(set(terms))) for form, terms in forms.items()}
        self._sorted = sorted(self._forms)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for form in self._sorted:
            if form.isascii() and form.isalpha():
                self._by_length[len(form)].append(form)
        # Single-word synonym: term -> the group terms it stands for.
        self._synonyms = {term: tuple(groups) for term, groups in synonyms.items()}
        self._stop_by_length: dict[int, list[str]] = defaultdict(list)
        for word in STOP_WORDS:
            if len(word) >= _FUZZY_MIN_LENGTH:
                self._stop_by_length[len(word)].append(word)
        self._cache: dict[str, dict[str, float]] = {}

    def expand(self, token: str) -> dict[str, float]:
        """Return the terms a folded word may stand for, with the strength of each (0..1)."""
        found = self._cache.get(token)
        if found is None:
            found = self._expand(token)
            if len(self._cache) > 50_000:  # long-running bot: keep memory bounded
                self._cache.clear()
            self._cache[token] = found
        return found

    def _expand(self, token: str) -> dict[str, float]:
        found: dict[str, float] = {}

        def add(term: str, strength: float) -> None:
            if strength > found.get(term, 0.0):
                found[term] = strength

        forms = dict.fromkeys((stem_tr(token), stem_en(token), token))
        for form in forms:
            for term in self._forms.get(form, ()):
                add(term, EXACT)
        full_prefix = False
        known_as_is = bool(found)
        for form in forms:
            for known, strength in self._prefixed(form):
                # A word known as it is keeps its meaning ("tasarruf" must not reach "tasar(im)")
                # but still reaches longer words of its family ("paylas" -> "paylasil(maz)").
                if known_as_is and (strength != PREFIX or len(known) < len(form) or len(form) < 5):
                    continue
                for term in self._forms[known]:
                    add(term, strength)
                full_prefix = full_prefix or strength == PREFIX
        if not found or (not full_prefix and max(found.values()) < EXACT):
            for form in dict.fromkeys((token, stem_tr(token))):
                for known, strength in self._typos(form):
                    for term in self._forms[known]:
                        add(term, strength)
        for term, strength in list(found.items()):
            for group in self._synonyms.get(term, ()):
                add(group, strength * SYNONYM)
        return found

    def _prefixed(self, form: str) -> list[tuple[str, float]]:
        """Return known forms sharing a long start with the form: a leftover suffix, -ion/-er."""
        if len(form) < _PREFIX_MIN_LENGTH or not form.isalpha():
            return []
        start = form[:_PREFIX_MIN_LENGTH]
        low = bisect.bisect_left(self._sorted, start)
        high = bisect.bisect_left(self._sorted, start + "\x7f")
        found = []
        for term in self._sorted[low:high]:
            if term == form:
                continue
            common = _common_prefix(form, term)
            shorter = min(len(form), len(term))
            if common == shorter:
                found.append((term, PREFIX))
            elif common >= 5 and common >= shorter - 2:
                found.append((term, NEAR_PREFIX))
        return found

    def _typos(self, form: str) -> list[tuple[str, float]]:
        """Return known forms one keystroke away from the form (two in long words)."""
        length = len(form)
        if length < _FUZZY_MIN_LENGTH or not form.isalpha():
            return []
        cutoff = _fuzzy_cutoff(length)
        found = []
        for size in range(length - 2, length + 3):
            choices = self._by_length.get(size)
            if not choices:
                continue
            for term, score, _ in process.extract(
                form, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3
            ):
                found.append((term, _FUZZY * score / 100.0))
        found.sort(key=lambda item: -item[1])
        return found[:4]

    def is_misspelt_stop_word(self, token: str) -> bool:
        """Return whether an unknown word is a stop word with a typo ("lutfn", "isityorum")."""
        length = len(token)
        if length < _FUZZY_MIN_LENGTH:
            return False
        for size in (length - 1, length, length + 1):
            choices = self._stop_by_length.get(size)
            if choices and process.extractOne(token, choices, scorer=fuzz.ratio, score_cutoff=85):
                return True
        return False
