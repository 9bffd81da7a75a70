"""Answering people' free-text questions from the catalogue (FAQ, services, events).

Build an `AnswerIndex` once per catalogue and `ask` it; the `Answer` says whether to answer, to
suggest a few entries or to hand the question over to the team.
"""

from bot.domain.answering.index import Answer, AnswerIndex, Decision, Match, index_of
from bot.domain.answering.normalise import fold, fold_case, normalise_question, tokenize

__all__ = [
    "Answer",
    "AnswerIndex",
    "Decision",
    "Match",
    "fold",
    "fold_case",
    "index_of",
    "normalise_question",
    "tokenize",
]
