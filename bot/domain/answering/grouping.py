"""Group questions that ask the same thing, so twenty wordings show as one line with a count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.domain.answering.normalise import WEAK_WORDS, is_stop, stem_tr, tokenize

SAME_WORDS = 0.5  # Jaccard similarity of two questions' topic words
SAME_SPELLING = 85.0  # or their topic words spelt nearly alike (typos)


@dataclass(frozen=True)
class QuestionGroup:
    """Questions asking one thing: the most asked wording, how often, in how many wordings."""

    question: str
    count: int
    wordings: int


def _topic(question: str) -> frozenset[str]:
    words = [word for word in tokenize(question) if not is_stop(word, "tr")]
    topic = [word for word in words if word not in WEAK_WORDS] or words
    return frozenset(stem_tr(word) for word in topic)


def _alike(one: frozenset[str], other: frozenset[str]) -> bool:
    if not one or not other:
        return one == other
    if len(one & other) / len(one | other) >= SAME_WORDS:
        return True
    return fuzz.ratio(" ".join(sorted(one)), " ".join(sorted(other))) >= SAME_SPELLING


def group_similar(questions: Sequence[tuple[str, int]]) -> list[QuestionGroup]:
    """Group (question, count) pairs by what they ask; most asked group first."""
    groups: list[tuple[frozenset[str], str, int, int]] = []
    for question, count in sorted(questions, key=lambda item: (-item[1], item[0])):
        topic = _topic(question)
        for number, (key, first, total, wordings) in enumerate(groups):
            if _alike(topic, key):
                groups[number] = (key, first, total + count, wordings + 1)
                break
        else:
            groups.append((topic, question, count, 1))
    found = [QuestionGroup(first, total, wordings) for _, first, total, wordings in groups]
    return sorted(found, key=lambda group: (-group.count, group.question))
