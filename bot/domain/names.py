"""A person's name as typed into a form: told apart from a question, written with capitals.

People on phones type "ayşe yılmaz" in lower case, and sometimes answer the name question with
what they came to ask ("eğitim ne zaman?"). A name has no question mark or digits, a handful of
words at most and no question words; one typed all in lower case gets its capitals the Turkish
way ("ismail ışık" -> "İsmail Işık"), which Python's own `str.upper` gets wrong for i and ı.
"""

from __future__ import annotations

import re

from bot.domain.profile import clean_line, fold_turkish

NAME_LIMIT = 80
# "Mehmet Ali Hasan Yılmaz Öztürk" is as long as names get; more words make a sentence.
NAME_WORDS = 5
# Words no one is named, which a question or a greeting has ("ne zaman", "nasıl", "merhaba").
_NOT_NAMES = frozenset(
    {
        *("ne", "nasil", "neden", "niye", "nerede", "nereye", "nereden", "kim", "kac", "hangi"),
        *("mi", "mu", "midir", "nedir", "zaman", "lutfen", "merhaba", "selam", "slm", "mrb"),
        *("hello", "hi", "what", "when", "where", "how", "why", "who", "please"),
    }
)
_TURKISH_LETTERS = frozenset("çğıöşüÇĞİÖŞÜ")
_UPPER = {"i": "İ", "ı": "I"}


def check_name(text: str) -> tuple[str | None, str | None]:
    """Return (name, None) or (None, reason) for a full name; the name is kept as typed."""
    name = clean_line(text)
    if len(name) > NAME_LIMIT:
        return None, "too_long"
    if sum(char.isalpha() for char in name) < 2:
        return None, "no_letters"
    words = fold_turkish(name).replace("-", " ").split()
    if (
        "?" in name
        or any(char.isdigit() for char in name)
        or len(words) > NAME_WORDS
        or any(re.sub(r"\W", "", word) in _NOT_NAMES for word in words)
    ):
        return None, "not_a_name"
    return name, None


def with_capitals(name: str, language: str = "tr") -> str:
    """Give a name typed all in lower case its capitals: "ayşe yılmaz" -> "Ayşe Yılmaz".

    The Turkish way (i -> İ, ı -> I) for a Turkish speaker or a name with Turkish letters;
    a name with any capital is left as its owner wrote it ("McDonald", "de Vries").
    """
    if any(char.isupper() for char in name):
        return name
    turkish = language == "tr" or any(char in _TURKISH_LETTERS for char in name)
    return re.sub(r"\w+", lambda word: _capital(word.group(), turkish), name)


def _capital(word: str, turkish: bool) -> str:
    first = _UPPER.get(word[0], word[0].upper()) if turkish else word[0].upper()
    return first + word[1:]
