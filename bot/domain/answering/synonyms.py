"""Synonym groups from the catalogue: each group becomes one extra index term, "~N".

A group lists words or phrases that mean the same to people, in either language ("aidat",
"üyelik ücreti", "membership fee"). Wherever a person of a group occurs, in the catalogue or in a
question, the group's term is added, so the two meet even when they share no word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from bot.domain.answering.normalise import is_stop, stem, tokenize


class Synonyms:
    """Where the groups' people occur in a sequence of stems."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.single: dict[str, set[str]] = defaultdict(set)  # stem -> group terms
        self.multi: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.words: dict[str, set[str]] = defaultdict(set)  # written form -> stems, for typo search
        for number, group in enumerate(groups):
            term = f"~{number}"
            for person in group:
                words = [word for word in tokenize(person) if not is_stop(word, "tr")]
                # The language of a person is unknown: both stemmers' results stand for it.
                for language in ("tr", "en"):
                    stems = tuple(stem(word, language) for word in words)
                    for word, word_stem in zip(words, stems, strict=True):
                        self.words[word].add(word_stem)
                        self.words[word_stem].add(word_stem)
                    if len(stems) == 1:
                        self.single[stems[0]].add(term)
                    elif stems:
                        self.multi[stems[0]].append((stems, term))

    def spans(self, stems: Sequence[str]) -> list[tuple[int, int, str]]:
        """Return (start, end, group term) for every multi-word person in a stem sequence."""
        found = []
        for start, first in enumerate(stems):
            for person, term in self.multi.get(first, ()):
                end = start + len(person)
                if tuple(stems[start:end]) == person:
                    found.append((start, end, term))
        return found

    def reached_spans(
        self, reachable: Sequence[Mapping[str, float]]
    ) -> list[tuple[int, int, str, float]]:
        """Return (start, end, group term, strength) for multi-word people a question reaches.

        `reachable` holds, per question word, the terms it reaches (through suffixes or typos) and
        how strongly, so "bekelme listesi" still reaches the group of "bekleme listesi".
        """
        found = []
        for start, terms in enumerate(reachable):
            for first in terms:
                for person, term in self.multi.get(first, ()):
                    end = start + len(person)
                    if end > len(reachable):
                        continue
                    strengths = [reachable[start + k].get(part) for k, part in enumerate(person)]
                    if all(strengths):
                        found.append((start, end, term, min(s for s in strengths if s)))
        return found

    def groups(self, stems: Sequence[str]) -> list[set[str]]:
        """Return the group terms of each word; a multi-word person wins over its words' own."""
        groups = [set(self.single.get(word_stem, ())) for word_stem in stems]
        spans = self.spans(stems)
        for start, end, _term in spans:
            for position in range(start, end):
                groups[position].clear()
        for start, end, term in spans:
            for position in range(start, end):
                groups[position].add(term)
        return groups
