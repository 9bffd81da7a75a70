"""An attendance list from elsewhere (a partner's sheet, phone or e-mail registrations): who
was there, read from an XLSX or CSV file before anything is added.

The columns are found by their titles in Turkish or English (Turkish letters optional); every
problem names its row and column, and a list with a problem adds nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.companies import CompanyIndex, Problem, core_name
from bot.domain.company_files import read_spreadsheet
from bot.domain.profile import clean_line, fold_turkish
from storage.companies import Company
from storage.content import EMAIL

# A list longer than this is not one event's attendance.
ROW_LIMIT = 2_000
NAME_LIMIT = 100
COMPANY_LIMIT = 150
CONTACT_LIMIT = 100

_TITLES = {
    "name": (
        "ad soyad",
        "adi soyadi",
        "ad",
        "isim",
        "katilimci",
        "name",
        "full name",
        "participant",
    ),
    "company": ("firma", "sirket", "kurum", "firma adi", "company", "organisation", "organization"),
    "phone": ("telefon", "tel", "gsm", "cep", "phone", "mobile"),
    "email": ("e posta", "eposta", "email", "e mail", "mail"),
    "present": ("katildi", "geldi", "katilim", "imza", "present", "attended"),
}
_HEADERS = {title: name for name, titles in _TITLES.items() for title in titles}
_YES = {"evet", "e", "x", "1", "var", "geldi", "katildi", "yes", "y", "true", "✓", "✔"}


def _folded(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold_turkish(text)))


@dataclass(frozen=True)
class ListedParticipant:
    """One row of the list: its number in the file and what it says."""

    row: int
    full_name: str
    company: str | None = None
    phone: str | None = None
    email: str | None = None
    present: bool = False


@dataclass
class AttendanceList:
    """What a file holds: its participants, its problems, the columns that mean nothing here."""

    participants: list[ListedParticipant] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # field -> the file's column title


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_attendance_list(content: bytes, filename: str) -> AttendanceList:
    """Read an attendance list; nothing in it is used while it has a problem."""
    found = AttendanceList()
    table, problems = read_spreadsheet(content, filename)
    found.problems += problems
    if table is None or found.problems:
        return found
    filled = [(number, cells) for number, cells in table if not all(map(_blank, cells))]
    if not filled:
        found.problems.append(Problem("empty"))
        return found
    header_row, header = filled[0]
    columns: dict[int, str] = {}
    for position, title in enumerate(header):
        if _blank(title):
            continue
        name = _HEADERS.get(_folded(str(title)))
        if name is None:
            found.ignored_columns.append(str(title))
        elif name in columns.values():
            found.problems.append(Problem("column_twice", header_row, str(title)))
        else:
            columns[position] = name
    found.titles = {name: str(header[position]) for position, name in columns.items()}
    if "name" not in columns.values():
        found.problems.append(Problem("no_name_column", header_row))
        return found
    if len(filled) - 1 > ROW_LIMIT:
        found.problems.append(Problem("too_many_rows", value=str(len(filled) - 1)))
        return found
    for number, cells in filled[1:]:
        values: dict[str, Any] = {}
        for position, name in columns.items():
            raw = cells[position] if position < len(cells) else None
            value, reason = _cell(name, raw)
            if reason is not None:
                found.problems.append(Problem(reason, number, found.titles[name], str(raw)))
            values[name] = value
        if not values.get("name"):
            found.problems.append(Problem("missing", number, found.titles["name"]))
            continue
        found.participants.append(
            ListedParticipant(
                row=number,
                full_name=values["name"],
                company=values.get("company"),
                phone=values.get("phone"),
                email=values.get("email"),
                present=bool(values.get("present")),
            )
        )
    if not found.participants and not found.problems:
        found.problems.append(Problem("empty"))
    return found


_LIMITS = {
    "name": NAME_LIMIT,
    "company": COMPANY_LIMIT,
    "phone": CONTACT_LIMIT,
    "email": CONTACT_LIMIT,
}


def _cell(name: str, raw: Any) -> tuple[Any, str | None]:
    """Return (value, None) or (None, reason) for one cell."""
    if _blank(raw):
        return (False if name == "present" else None), None
    text = clean_line(str(raw))
    if name == "present":
        return _folded(text) in _YES or text in _YES, None
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))  # a phone number Excel kept as a number
    if len(text) > _LIMITS[name]:
        return None, "too_long"
    if name == "email" and not EMAIL.match(text):
        return None, "email"
    return text, None


# How close a typed company name must be to a registry company's to be taken for it.
LIKELY = 90


def registry_match(index: CompanyIndex, typed: str) -> Company | None:
    """Return the registry company a typed name surely means: one likely match, not two."""
    likely = [item for item in index.search(typed, limit=2) if item.score >= LIKELY]
    return likely[0].company if len(likely) == 1 else None


def match_companies(
    companies: Sequence[Company], typed: Iterable[str]
) -> dict[str, Company | None]:
    """Return the registry company each typed name surely means, each name looked up once.

    A name that is exactly one company's (legal form and Turkish letters aside) is that
    company; any other is searched for, typos allowed (`registry_match`).
    """
    exact: dict[str, list[Company]] = {}
    for company in companies:
        exact.setdefault(core_name(company.name), []).append(company)
    index: CompanyIndex | None = None
    found: dict[str, Company | None] = {}
    for name in set(typed):
        same = exact.get(core_name(name), [])
        if len(same) == 1:
            found[name] = same[0]
            continue
        if same:
            found[name] = None  # two registry companies by that name: not sure
            continue
        index = index or CompanyIndex(companies)
        found[name] = registry_match(index, name)
    return found
