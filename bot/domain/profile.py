"""Checking what people type into the sign-up form, and folding Turkish text to compare it."""

from __future__ import annotations

import unicodedata

from storage.content import EMAIL

_TURKISH_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_ASCII = str.maketrans(
    {"ı": "i", "ğ": "g", "ü": "u", "ş": "s", "ö": "o", "ç": "c", "â": "a", "î": "i", "û": "u"}
)
COMPANY_LIMIT = 120


def fold_turkish(text: str) -> str:
    """Lower-case the Turkish way and drop accents: "İŞLETME Çözüm" -> "isletme cozum"."""
    lowered = unicodedata.normalize("NFKC", text).translate(_TURKISH_LOWER).lower()
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_ASCII))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def company_key(name: str) -> str:
    """Fold a company name so that "ACME Makina A.Ş." and "acme makina aş" compare equal."""
    return "".join(char for char in fold_turkish(name) if char.isalnum())


def clean_line(text: str) -> str:
    """Collapse whitespace and drop control characters from one line of input."""
    printable = "".join(char for char in text if unicodedata.category(char)[0] != "C")
    return " ".join(printable.split())


def check_company(text: str) -> tuple[str | None, str | None]:
    """Return (company, None) or (None, reason) for a company name."""
    company = clean_line(text)
    if len(company) > COMPANY_LIMIT:
        return None, "too_long"
    if len(company_key(company)) < 2:
        return None, "no_letters"
    return company, None


def check_email(text: str) -> tuple[str | None, str | None]:
    """Return an e-mail address, or a reason it is not one."""
    email = clean_line(text)
    local, _, domain = email.rpartition("@")
    try:
        # A domain with Turkish letters (örnek.com.tr) is a real one: checked in its ASCII form.
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None, "email"
    if len(email) > 254 or not EMAIL.match(f"{local}@{ascii_domain}"):
        return None, "email"
    return email, None
