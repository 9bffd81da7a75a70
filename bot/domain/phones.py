"""Phone numbers as people type them: Turkish ones need all ten digits after 0 or +90.

"0555 12 34" is a number with digits missing, not a short number: Turkish mobile and landline
numbers have ten digits after the trunk 0 or the country code (an area or operator code of three,
then seven). Numbers from abroad (+49 ...) and contacts Telegram shares ("905551234567", no
plus) are taken with their country code. A number is stored as its digits, with the plus when
it was typed, and shown the way people write it (`shown_phone`).
"""

from __future__ import annotations

import re

from bot.domain.profile import clean_line

TURKISH_DIGITS = 10
# Turkish numbers after the trunk 0 start with an area code (2, 3, 4), a mobile operator (5)
# or a nationwide line (850).
_TURKISH_FIRST = "23458"
# The shortest and longest international numbers (ITU E.164 allows at most 15 digits).
_ABROAD = (8, 15)


def check_phone(text: str) -> tuple[str | None, str | None]:
    """Return a phone number as its digits (the plus kept), or why it is not one.

    Reasons: "phone" (not a number at all, or not one that exists), "phone_short" (a Turkish
    number with digits missing or too many).
    """
    phone = clean_line(text)
    if not re.fullmatch(r"\+?[\d\s().-]+", phone):
        return None, "phone"
    digits = re.sub(r"\D", "", phone)
    plus = phone.startswith("+")
    if digits.startswith("00"):  # 0049 ... is +49 ...
        digits, plus = digits[2:], True
    if plus:
        if digits.startswith("90"):
            return _turkish(digits[2:], "+" + digits)
        low, high = _ABROAD
        return ("+" + digits, None) if low <= len(digits) <= high else (None, "phone")
    if digits.startswith("0"):
        return _turkish(digits[1:], digits)
    if len(digits) == TURKISH_DIGITS + 2 and digits.startswith("90"):
        return _turkish(digits[2:], digits)  # a shared contact: the country code, no plus
    if len(digits) > TURKISH_DIGITS + 1 and len(digits) <= _ABROAD[1]:
        return digits, None  # a shared contact from abroad
    return _turkish(digits, digits)


def _turkish(national: str, stored: str) -> tuple[str | None, str | None]:
    if len(national) != TURKISH_DIGITS:
        return None, "phone_short"
    if national[0] not in _TURKISH_FIRST:
        return None, "phone"
    return stored, None


def shown_phone(phone: str) -> str:
    """Return a stored phone number as people write it: +90 532 123 45 67 for Turkish ones."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 12 and digits.startswith("90"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    elif not (len(digits) == 10 and not phone.startswith("+")):
        return phone  # a number from abroad: shown as stored
    return f"+90 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
