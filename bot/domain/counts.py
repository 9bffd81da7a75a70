"""A count typed the way people answer "how many?": "3 kişiyiz", "2 kisi", "iki", "yirmi beş".

The figure is read by `forms.parse_number`; here it is freed of the word people put after it
(only words that name what is counted: "kişi", "adet", "saat", never "bin" or "milyon", which
change the figure) or read from Turkish or English number words. What is read neither way stays
unread, and the step asks again with an example.
"""

from __future__ import annotations

import re

from bot.domain.profile import clean_line, fold_turkish

# What follows a count, folded: "kişi" with its suffixes ("kişiyiz", "kişilik", "kişiyle"),
# pieces, staff, time and money units. Multipliers ("bin", "milyon") are deliberately absent.
_UNITS = re.compile(
    r"\s*(?<![a-z])(?:kisi\w*|tane\w*|adet\w*|calisan\w*|personel\w*|katilimci\w*|masa\w*|"
    r"saat\w*|dakika\w*|dk|gun\w*|tl|try|lira\w*|₺|people|persons?|pax|employees?|"
    r"participants?|pieces?|pcs|tables?|hours?|minutes?|mins?|days?)(?:\s+(?:var|olacak|olur))?"
    r"\.?$"
)
_ONES = {
    "bir": 1, "tek": 1, "iki": 2, "uc": 3, "dort": 4, "bes": 5, "alti": 6, "yedi": 7,
    "sekiz": 8, "dokuz": 9, "on": 10, "yirmi": 20, "otuz": 30, "kirk": 40, "elli": 50,
    "altmis": 60, "yetmis": 70, "seksen": 80, "doksan": 90,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50,
}  # fmt: skip
_HUNDRED = ("yuz", "hundred")
_THOUSAND = ("bin", "thousand")


def without_unit(text: str) -> str:
    """Drop the word naming what is counted after a figure: "3 kişiyiz" -> "3"."""
    typed = clean_line(text)
    folded = fold_turkish(typed)
    found = _UNITS.search(folded)
    if found is None or found.start() == 0:
        return typed
    # Folding keeps the length of these words' letters, so the figure's part is cut as typed.
    return typed[: len(folded[: found.start()])].strip() if len(folded) == len(typed) else typed


def number_in_words(text: str) -> int | None:
    """Read a whole number written in words: "iki", "yirmi beş", "yüz elli", "two"."""
    words = fold_turkish(without_unit(text)).replace("-", " ").split()
    if not words:
        return None
    total = current = 0
    for word in words:
        if word in _ONES:
            current += _ONES[word]
        elif word in _HUNDRED:
            current = (current or 1) * 100
        elif word in _THOUSAND:
            total += (current or 1) * 1000
            current = 0
        elif word != "and":
            return None
    return total + current
