"""The question inside a longer message: greetings and a description of the company left out.

People write politely: "Merhaba, firmamız Bursa'da tekstil makineleri üretiyor, ihracat desteği
hakkında bilgi almak istiyoruz." Every word of the company's description weighs in the search as
much as the question's own words and drowns them. When the whole message finds no answer, the
index asks again with the description left out, then clause by clause, the question first.

A long message (a few sentences of context, then the question) is read the other way round: its
asking sentences alone, the last first, since that is where people put the question. A stray word
of the story around them ("500 kişilik salon") then never picks the answer.
"""

from __future__ import annotations

import re

from bot.domain.answering.normalise import fold, tokenize

# A clause ends at a sentence mark, a comma, a semicolon or a line break.
_CLAUSE = re.compile(r"[^.,;:!?\n]+[.,;:!?\n]*")
# Words that say the clause describes the person's own company (folded: no Turkish letters).
_ABOUT_US_WORDS = """
    firmamiz firmamizda firmamizin sirketimiz sirketimizin isletmemiz fabrikamiz kurulusumuz
    firmayiz sirketiz isletmeyiz ureticiyiz uretiyoruz yapiyoruz calisiyoruz faaliyet
    our we're
"""
_ABOUT_US = frozenset(_ABOUT_US_WORDS.split())
_WE_ARE = re.compile(r"\b(?:we|biz)\s+(?:are|make|produce|manufacture|build|supply|run)\b", re.I)
# Words that ask: a clause with one of them is the question, whatever else it says.
_ASKING_WORDS = """
    mi mı mu mü miyiz misiniz miyim musunuz mudur midir nasil ne nedir neler hangi kim kimler nerede
    kac var yok how what who which where when can could should may
"""
_ASKING = frozenset(fold(word) for word in _ASKING_WORDS.split())
# "for our textile machinery company": the company named inside an English question.
_OUR_COMPANY = re.compile(
    r"\b(?:for|of|at|in|from)?\s*our\s+(?:[\w-]+\s+){0,4}?"
    r"(?:company|firm|business|factory|plant|sme|team|workshop)\b",
    re.IGNORECASE,
)
MAX_CLAUSES = 8  # a long message is looked at in its first clauses only
# A sentence ends at a full stop, a question or exclamation mark, a colon or a line break; a full
# stop between digits ("1.5 ton", "4.0") ends nothing.
_SENTENCE = re.compile(r"(?:[^.!?:\n]|(?<=\d)\.(?=\d))+[.!?:\n]*")
# "... mümkün mü bilmiyorum ama kaydımı iptal etmek istiyorum": what comes after "but" is the point.
_BUT = re.compile(r"\s(?:ama|fakat|ancak|yalniz|but|however)\s", re.IGNORECASE)
LONG_MESSAGE = 160  # characters: from here, a message of several sentences is read for its question
MAX_SENTENCES = 4  # asking sentences tried, the last first


def _about_us(clause: str) -> bool:
    """Tell whether a clause describes the person's company and asks nothing."""
    words = {fold(word) for word in tokenize(clause)}
    if "?" in clause or words & _ASKING:
        return False
    return bool(words & _ABOUT_US) or _WE_ARE.search(clause) is not None


def focused(question: str) -> list[str]:
    """Return shorter questions to try, best first; empty when the message is one plain clause.

    First the message without the clauses that describe the company (and without "our ...
    company"), then each remaining clause, those with a question mark first.
    """
    trimmed = _OUR_COMPANY.sub(" ", question)
    clauses = [part.strip() for part in _CLAUSE.findall(trimmed)][:MAX_CLAUSES]
    clauses = [part for part in clauses if any(char.isalnum() for char in part)]
    asking = [part for part in clauses if not _about_us(part)] or clauses
    tries: list[str] = []
    rest = " ".join(asking)
    if rest and rest.strip() != question.strip():
        tries.append(rest)
    if len(asking) > 1:
        tries += sorted(asking, key=lambda part: "?" not in part)
    return list(dict.fromkeys(tries))


def _sentences(message: str) -> list[str]:
    found = [part.strip() for part in _SENTENCE.findall(message)]
    return [part for part in found if any(char.isalnum() for char in part)]


def is_long(message: str) -> bool:
    """Tell whether a message is long enough, and of several sentences, to look for its question."""
    return len(message) >= LONG_MESSAGE and len(_sentences(message)) > 1


def _asks(sentence: str) -> bool:
    return "?" in sentence or bool({fold(word) for word in tokenize(sentence)} & _ASKING)


def asking_sentences(message: str) -> list[str]:
    """Return the sentences of a message that ask, in order: those with a question mark if any."""
    sentences = _sentences(message)
    # A question mark, where there is one, says which sentences ask: "... var." tells, not asks.
    marked = [sentence for sentence in sentences if "?" in sentence]
    return marked or [sentence for sentence in sentences if _asks(sentence)]


def asking_parts(message: str) -> list[str]:
    """Return the sentences of a long message that ask, the last first, each followed by its
    asking clauses ("..., hangi hibe programlarına başvurabiliriz?"), the last first."""
    tries: list[str] = []
    asking = asking_sentences(message)
    for sentence in reversed(asking[-MAX_SENTENCES:]):
        tries.append(sentence)
        clauses = [part.strip() for part in _CLAUSE.findall(sentence)]
        clauses = [part for part in clauses if any(char.isalnum() for char in part)]
        if len(clauses) > 1:
            tries += [part for part in reversed(clauses) if _asks(part)]
        for clause in clauses:
            pieces = _BUT.split(fold(clause))
            if len(pieces) > 1:
                tries += [
                    piece.strip() for piece in reversed(pieces) if any(map(str.isalnum, piece))
                ]
    return list(dict.fromkeys(tries))


# Words that point back at the story: "Bu konuda destek veriyor musunuz?" asks about what came
# before, so the sentence alone is no question to answer ("konu" alone fits the wrong entry).
_BACK = re.compile(
    r"\b(?:bu konu\w*|bununla|bunun icin|buna|bunlar\w*|boyle bir\w*|this|that|these|it)\b"
)


def refers_back(sentence: str) -> bool:
    """Tell whether an asking sentence is about what the sentences before it said."""
    return _BACK.search(fold(sentence)) is not None


def sentence_before(message: str, sentence: str) -> str:
    """Return the sentence that comes before one of a message's sentences, or ""."""
    sentences = _sentences(message)
    if sentence not in sentences:
        return ""
    position = sentences.index(sentence)
    return sentences[position - 1] if position else ""
