"""Companies: KOBİ size classes, comparing and searching names, planning a registry import."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process

from bot.domain.profile import company_key, fold_turkish
from storage.companies import SIZE_CLASSES, Company, TypedCompany

# The KOBİ regulation (Küçük ve Orta Büyüklükteki İşletmelerin Tanımı, Nitelikleri ve
# Sınıflandırılması Hakkında Yönetmelik, as amended in 2018): a company is in the smallest class
# whose headcount limit (fewer than) AND turnover-or-balance-sheet ceiling (TL) it meets.
EMPLOYEE_LIMITS = {"micro": 10, "small": 50, "medium": 250}
TURNOVER_CEILINGS_TL = {"micro": 3_000_000, "small": 25_000_000, "medium": 125_000_000}

# Words of a legal form or a generic business word: "Akın Makina San. ve Tic. A.Ş." and
# "Akın Makina" are the same company to a person searching or to a duplicate check.
_LEGAL_WORDS = frozenset(
    {
        "a",
        "s",
        "as",
        "ltd",
        "sti",
        "sirketi",
        "sirket",
        "san",
        "sanayi",
        "tic",
        "ticaret",
        "ve",
        "ith",
        "ihr",
        "ithalat",
        "ihracat",
        "limited",
        "anonim",
        "koll",
        "kollektif",
        "paz",
        "pazarlama",
        "inc",
        "llc",
        "co",
        "gmbh",
    }
)
_WORD = re.compile(r"[a-z0-9]+")
SEARCH_LIMIT = 5
_SEARCH_CUTOFF = 70
_DUPLICATE_CUTOFF = 92


@dataclass(frozen=True)
class Size:
    """A company's KOBİ size class and what it rests on."""

    size_class: str | None  # one of SIZE_CLASSES, None when nothing is known
    basis: str | None  # "both", "employees" or "turnover": what was known


def employee_class(employees: int) -> str:
    """Return the size class a headcount alone points to."""
    for size_class, limit in EMPLOYEE_LIMITS.items():
        if employees < limit:
            return size_class
    return "large"


def size_of(company: Company) -> Size:
    """Return the size class by the regulation: the larger of headcount's and turnover's."""
    by_staff = employee_class(company.employees) if company.employees is not None else None
    by_money = company.turnover_band
    if by_staff is not None and by_money is not None:
        larger = max(by_staff, by_money, key=SIZE_CLASSES.index)
        return Size(larger, "both")
    if by_staff is not None:
        return Size(by_staff, "employees")
    if by_money is not None:
        return Size(by_money, "turnover")
    return Size(None, None)


def name_key(name: str) -> str:
    """Fold a name to compare it: the key people.company_key has held since the profile form."""
    return company_key(name)


def core_name(name: str) -> str:
    """Return the words of a name that tell companies apart: folded, legal forms dropped."""
    words = _WORD.findall(fold_turkish(name))
    kept = [word for word in words if word not in _LEGAL_WORDS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Found:
    """A company that matches what someone typed, with how well (0-100)."""

    company: Company
    score: float


class CompanyIndex:
    """Company names ready for typo-tolerant search, Turkish letters optional."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self._companies = list(companies)
        self._names = [core_name(company.name) for company in companies]
        self._short = [
            (position, fold_turkish(company.short_name))
            for position, company in enumerate(companies)
            if company.short_name
        ]

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[Found]:
        """Return up to `limit` companies whose name or short name matches `text`, best first."""
        query = core_name(text)
        if len(query.replace(" ", "")) < 2:
            return []
        best: dict[int, float] = {}
        for _, score, position in process.extract(
            query, self._names, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=_SEARCH_CUTOFF
        ):
            # A name that starts with what was typed is the one meant more often than not.
            bonus = 5 if self._names[position].startswith(query) else 0
            best[position] = min(100.0, score + bonus)
        # Short names are abbreviations ("GBA"): typed as they are, so no fuzzy pass for them.
        folded = fold_turkish(text).strip()
        for position, short in self._short:
            if short.startswith(folded):
                best[position] = 100.0
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._names[item[0]]))
        return [Found(self._companies[position], score) for position, score in ranked[:limit]]


def suspected_duplicates(companies: Sequence[Company]) -> dict[int, list[int]]:
    """Return, per company id, the other companies whose names look like the same company."""
    blocks: dict[str, list[Company]] = {}
    for company in companies:
        if company.id is not None:
            blocks.setdefault(core_name(company.name)[:2], []).append(company)
    found: dict[int, list[int]] = {}
    for block in blocks.values():
        names = [core_name(company.name) for company in block]
        for position, company in enumerate(block):
            for _, _, other in process.extract(
                names[position],
                names,
                scorer=fuzz.ratio,
                limit=None,
                score_cutoff=_DUPLICATE_CUTOFF,
            ):
                match = block[other]
                if (
                    other != position
                    and match.id is not None
                    and company.id is not None
                    and not _different_tax(company, match)
                ):
                    found.setdefault(company.id, []).append(match.id)
    return found


def _different_tax(one: Company, other: Company) -> bool:
    """Tell whether two companies are surely distinct: both have tax numbers, not the same."""
    return bool(one.tax_number and other.tax_number and one.tax_number != other.tax_number)


@dataclass(frozen=True)
class Problem:
    """Something wrong in an import file: where (row, column) and what (a reason code)."""

    reason: str
    row: int | None = None
    column: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class CompanyRow:
    """One row of an import file: its number and the fields its file has columns for."""

    row: int
    values: Mapping[str, Any]  # field name -> value, only the file's columns


@dataclass
class ImportPlan:
    """What importing a file would change; nothing is applied while it has problems."""

    added: list[Company] = field(default_factory=list)
    changed: list[tuple[Company, Company]] = field(default_factory=list)  # before, after
    unchanged: int = 0
    duplicates: list[tuple[Company, Company]] = field(default_factory=list)  # new, existing
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """Tell whether applying the plan would change anything."""
        return bool(self.added or self.changed)


def plan_import(rows: Iterable[CompanyRow], existing: Sequence[Company]) -> ImportPlan:
    """Match each row by id, else tax number, else folded name, and say what would change.

    Columns a file does not have keep their stored values; an empty cell clears a value.
    """
    plan = ImportPlan()
    by_id = {company.id: company for company in existing}
    by_tax = {company.tax_number: company for company in existing if company.tax_number}
    by_key: dict[str, Company] = {}
    for company in existing:
        by_key.setdefault(company.name_key, company)
    first_row: dict[tuple[str, Any], int] = {}  # (what, value) -> the row that had it first
    for row in rows:
        values = dict(row.values)
        wanted_id = values.pop("id", None)
        name = values.get("name")
        tax = values.get("tax_number")
        if name is not None:
            values["name_key"] = name_key(name)
        if wanted_id is not None and wanted_id not in by_id:
            plan.problems.append(Problem("unknown_id", row.row, "id", str(wanted_id)))
            continue
        current = (
            by_id.get(wanted_id)
            or (by_tax.get(tax) if tax else None)
            or (by_key.get(values["name_key"]) if name else None)
        )
        marks = [("tax", tax)] if tax else []
        if current is not None:
            marks.append(("id", current.id))
        elif name is not None:
            marks.append(("name", values["name_key"]))
        repeated = next((mark for mark in marks if mark in first_row), None)
        if repeated is not None:
            column = {"tax": "tax_number", "id": "name", "name": "name"}[repeated[0]]
            shown = tax if repeated[0] == "tax" else name
            plan.problems.append(
                Problem(f"repeats_row:{first_row[repeated]}", row.row, column, shown)
            )
            continue
        for mark in marks:
            first_row[mark] = row.row
        if current is None:
            if name is None:
                plan.problems.append(Problem("missing", row.row, "name"))
            else:
                plan.added.append(Company(id=None, **values))
            continue
        owner = by_tax.get(tax) if tax else None
        if owner is not None and owner.id != current.id:
            plan.problems.append(Problem("tax_number_taken", row.row, "tax_number", tax))
            continue
        if wanted_id is None and tax and current.tax_number and tax != current.tax_number:
            # Same name, another tax number: another company, or a typo; staff decide.
            plan.problems.append(Problem("tax_number_differs", row.row, "tax_number", tax))
            continue
        updated = replace(current, **values)
        if updated.same_as(current):
            plan.unchanged += 1
        else:
            plan.changed.append((current, updated))
    _flag_duplicates(plan, existing)
    return plan


def _flag_duplicates(plan: ImportPlan, existing: Sequence[Company]) -> None:
    """Name the new companies that look like one already in the registry."""
    if not plan.added or not existing:
        return
    cores = [core_name(company.name) for company in existing]
    for company in plan.added:
        for _, _, position in process.extract(
            core_name(company.name), cores, scorer=fuzz.ratio, score_cutoff=_DUPLICATE_CUTOFF
        ):
            if not _different_tax(company, existing[position]):
                plan.duplicates.append((company, existing[position]))
                break


@dataclass(frozen=True)
class Matching:
    """Typed company names matched to the registry: sure links, and the rest for staff."""

    sure: list[tuple[TypedCompany, Company]]
    unsure: list[tuple[TypedCompany, list[Company]]]  # with the likeliest companies, if any


def match_typed(typed: Sequence[TypedCompany], companies: Sequence[Company]) -> Matching:
    """Link a typed name where exactly one company has the same name once folded.

    Same folded name, or the same name without its legal form ("Akın Makina" for "Akın Makina
    San. ve Tic. A.Ş."), and only one company like it: anything looser is left for staff.
    """
    by_key: dict[str, list[Company]] = {}
    by_core: dict[str, list[Company]] = {}
    for company in companies:
        by_key.setdefault(company.name_key, []).append(company)
        by_core.setdefault(core_name(company.name), []).append(company)
    index = CompanyIndex(companies)
    sure: list[tuple[TypedCompany, Company]] = []
    unsure: list[tuple[TypedCompany, list[Company]]] = []
    for person in typed:
        same = by_key.get(name_key(person.company)) or by_core.get(core_name(person.company), [])
        if len(same) == 1:
            sure.append((person, same[0]))
        else:
            likely = same or [found.company for found in index.search(person.company, limit=3)]
            unsure.append((person, likely))
    return Matching(sure, unsure)
