"""The question inside a longer message: greetings and a description of the company left out.

People write politely: "Merhaba, firmamız Bursa'da tekstil makineleri üretiyor, ihracat desteği
hakkında bilgi almak istiyoruz." Every word of the company's description weighs in the search as
much as the question's own words and drowns them. When the whole message finds no answer, the
index asks again with the description left out, then clause by clause, the question first.
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
