"""The company registry as a file staff edit: XLSX, CSV (UTF-8 or Windows-1254) or YAML.

Reading checks everything before anything is written: a missing name column, merged cells,
formulas, an unknown sector or a tax number that is not one each become a `Problem` naming the
row and the column, and the import applies nothing while there is one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import yaml

from bot.domain.companies import CompanyRow, ImportPlan, Problem, plan_import, size_of
from bot.domain.exports import Sheet, to_csv, to_xlsx
from bot.domain.profile import COMPANY_LIMIT, clean_line, fold_turkish
from storage.companies import (
    MEMBERSHIPS,
    SIZE_CLASSES,
    Company,
    CompanyRepository,
    bundled_companies_path,
)
from storage.content import Catalogue

ROW_LIMIT = 20_000
FILE_SUFFIXES = (".xlsx", ".csv", ".txt", ".yaml", ".yml")
# Fields in file order; `size` and `check` are written for people and ignored when read.
FIELDS = (
    "id",
    "name",
    "short_name",
    "tax_number",
    "sector_id",
    "employees",
    "turnover_band",
    "city",
    "membership",
    "member_since",
    "website",
)
WRITTEN_ONLY = ("size", "check")
# Column titles read as each field, folded: both languages' export titles and common variants.
_PHRASES = {
    "id": ("id", "no", "kayit no", "firma no", "company id"),
    "name": (
        "name",
        "company",
        "company name",
        "firma",
        "firma adi",
        "unvan",
        "ticari unvan",
        "sirket",
        "sirket adi",
    ),
    "short_name": ("short name", "kisa ad", "kisa adi"),
    "tax_number": (
        "tax number",
        "tax no",
        "vergi no",
        "vergi numarasi",
        "vkn",
        "vergi kimlik no",
        "vergi kimlik numarasi",
    ),
    "sector_id": ("sector", "sektor"),
    "employees": ("employees", "headcount", "calisan", "calisan sayisi", "personel sayisi"),
    "turnover_band": (
        "turnover band",
        "turnover",
        "ciro",
        "ciro bandi",
        "ciro sinifi",
        "yillik ciro",
    ),
    "city": ("city", "il", "sehir"),
    "membership": ("membership", "member", "uyelik", "uyelik durumu", "uye"),
    "member_since": ("member since", "uyelik tarihi", "uye olma tarihi", "uyelik baslangici"),
    "website": ("website", "web site", "web sitesi", "web"),
    "size": ("size", "size class", "kobi sinifi", "olcek", "buyukluk"),
    "check": ("check", "kontrol", "not", "notes"),
}
_HEADERS = {phrase: name for name, phrases in _PHRASES.items() for phrase in phrases}
_HEADERS.update({name: name for name in (*FIELDS, *WRITTEN_ONLY)})  # YAML keys, as written
_MEMBERSHIP_WORDS = {
    "member": "member",
    "uye": "member",
    "evet": "member",
    "yes": "member",
    "non member": "non_member",
    "non_member": "non_member",
    "not a member": "non_member",
    "uye degil": "non_member",
    "hayir": "non_member",
    "no": "non_member",
    "former": "former",
    "former member": "former",
    "eski uye": "former",
    "eski": "former",
}
_SIZE_WORDS = {
    "micro": "micro",
    "mikro": "micro",
    "small": "small",
    "kucuk": "small",
    "medium": "medium",
    "orta": "medium",
    "large": "large",
    "buyuk": "large",
}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
_UNDEFINED_IN_1254 = re.compile("[\x81\x8d\x8e\x8f\x90\x9d\x9e]")


def _folded(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9_]+", fold_turkish(text)))


@dataclass
class CompanyFile:
    """A file's rows, what was wrong in it, and the columns it had that mean nothing here."""

    rows: list[CompanyRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # field name -> the file's title


def is_company_yaml(content: bytes) -> bool:
    """Tell whether a YAML file is a company list (`companies:`) rather than a catalogue."""
    head = content[:4096].decode("utf-8-sig", errors="replace")
    return re.search(r"^companies:", head, re.MULTILINE) is not None and not re.search(
        r"^(events|services|cluster):", head, re.MULTILINE
    )


def read_company_file(content: bytes, filename: str, sectors: Mapping[str, str]) -> CompanyFile:
    """Read a registry file; `sectors` maps each sector id and folded name to its id."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    found = CompanyFile()
    if not content.strip():
        found.problems.append(Problem("empty"))
        return found
    if suffix in ("yaml", "yml"):
        table = _yaml_table(content, found)
    elif suffix == "xlsx":
        table = _xlsx_table(content, found)
    elif suffix in ("csv", "txt"):
        table = _csv_table(content, found)
    else:
        found.problems.append(Problem("format", value=filename))
        return found
    if table is None or found.problems:
        return found
    _read_rows(table, sectors, found)
    return found


Table = list[tuple[int, list[Any]]]  # (row number in the file, cells); the first is the header


def read_spreadsheet(content: bytes, filename: str) -> tuple[Table | None, list[Problem]]:
    """Read an XLSX or CSV file's cells (any list, not only companies), with the problems a
    spreadsheet can have: empty, unreadable, a wrong encoding, merged cells, formulas."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    found = CompanyFile()
    if not content.strip():
        return None, [Problem("empty")]
    if suffix == "xlsx":
        table = _xlsx_table(content, found)
    elif suffix in ("csv", "txt"):
        table = _csv_table(content, found)
    else:
        return None, [Problem("format", value=filename)]
    return table, found.problems


def _yaml_table(content: bytes, found: CompanyFile) -> Table | None:
    try:
        document = yaml.safe_load(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        found.problems.append(Problem("unreadable"))
        return None
    entries = document.get("companies") if isinstance(document, dict) else document
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        found.problems.append(Problem("unreadable"))
        return None
    header = [name for name in FIELDS if any(name in entry for entry in entries)]
    header += sorted({str(key) for entry in entries for key in entry} - set(header))
    table: Table = [(0, header)]
    table += [
        (number, [entry.get(name) for name in header])
        for number, entry in enumerate(entries, start=1)
    ]
    return table


def _xlsx_table(content: bytes, found: CompanyFile) -> Table | None:
    # Imported here: openpyxl (and Pillow with it) would weigh 25 MB in every running bot.
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=False, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        found.problems.append(Problem("unreadable"))
        return None
    sheet = workbook.worksheets[0]
    for merged in sheet.merged_cells.ranges:
        found.problems.append(Problem("merged", merged.min_row, None, str(merged)))
    table: Table = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if cell.data_type == "f":
                found.problems.append(
                    Problem(
                        "formula", cell.row, None, f"{get_column_letter(cell.column)}{cell.row}"
                    )
                )
            cells.append(cell.value)
        if row:
            table.append((row[0].row, cells))
    return table


def _csv_table(content: bytes, found: CompanyFile) -> Table | None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Turkish saves CSV as Windows-1254; bytes it leaves undefined mean neither.
        text = content.decode("cp1254", errors="replace")
        if "\ufffd" in text or _UNDEFINED_IN_1254.search(text):
            found.problems.append(Problem("encoding"))
            return None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [
        (number, list(cells))
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
    ]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_rows(table: Table, sectors: Mapping[str, str], found: CompanyFile) -> None:
    filled = [(number, cells) for number, cells in table if not all(map(_blank, cells))]
    if not filled:
        found.problems.append(Problem("empty"))
        return
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
        elif name not in WRITTEN_ONLY:
            columns[position] = name
    if "name" not in columns.values() and "id" not in columns.values():
        found.problems.append(Problem("no_name_column", header_row))
        return
    if len(filled) - 1 > ROW_LIMIT:
        found.problems.append(Problem("too_many_rows", value=str(len(filled) - 1)))
        return
    titles = {position: str(header[position]) for position in columns}
    found.titles = {name: titles[position] for position, name in columns.items()}
    for number, cells in filled[1:]:
        values: dict[str, Any] = {}
        for position, name in columns.items():
            raw = cells[position] if position < len(cells) else None
            value, reason = _parse(name, raw, sectors)
            if reason is not None:
                found.problems.append(Problem(reason, number, titles[position], str(raw)))
            else:
                values[name] = value
        if values.get("name") is None and "name" in values:
            found.problems.append(Problem("missing", number, titles[_position(columns, "name")]))
            continue
        if "name" in values and values.get("membership") is None and "membership" in values:
            values["membership"] = "non_member"
        found.rows.append(CompanyRow(number, values))


def _position(columns: dict[int, str], name: str) -> int:
    return next(position for position, field_name in columns.items() if field_name == name)


def _parse(name: str, raw: Any, sectors: Mapping[str, str]) -> tuple[Any, str | None]:
    """Return (value, None) or (None, reason) for one cell."""
    if _blank(raw):
        return None, None
    text = clean_line(str(raw)).lstrip("'")
    if name in ("id", "employees"):
        number = raw if isinstance(raw, int | float) else text.replace(".", "").replace(",", "")
        try:
            value = int(number)
        except ValueError:
            return None, "number"
        return (value, None) if value >= 0 and value == float(number) else (None, "number")
    if name == "tax_number":
        digits = re.sub(r"\D", "", str(int(raw)) if isinstance(raw, float) else text)
        return (digits, None) if len(digits) in (10, 11) else (None, "tax_number")
    if name == "sector_id":
        return _sector(text, sectors)
    if name == "turnover_band":
        size = _SIZE_WORDS.get(_folded(text)) or (text if text in SIZE_CLASSES else None)
        return (size, None) if size else (None, "size_class")
    if name == "membership":
        membership = _MEMBERSHIP_WORDS.get(_folded(text)) or (text if text in MEMBERSHIPS else None)
        return (membership, None) if membership else (None, "membership")
    if name == "member_since":
        return _date(raw, text)
    if name == "name" and len(text) > COMPANY_LIMIT:
        return None, "too_long"
    return text, None


def _sector(text: str, sectors: Mapping[str, str]) -> tuple[str | None, str | None]:
    """Return the sector an id, a name or the start of one names ("Tekstil": textile)."""
    folded = _folded(text)
    exact = sectors.get(text) or sectors.get(folded)
    if exact:
        return exact, None
    starting = {sector for name, sector in sectors.items() if name.startswith(folded)}
    if len(folded) >= 3 and len(starting) == 1:
        return starting.pop(), None
    return None, "sector"


def _date(raw: Any, text: str) -> tuple[str | None, str | None]:
    if isinstance(raw, datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, date):
        return raw.isoformat(), None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat(), None
        except ValueError:
            continue
    return None, "date"


def company_sheet(
    companies: Sequence[Company],
    label: Callable[[str], str],
    sector_name: Callable[[str | None], str],
    duplicates: Mapping[int, Sequence[int]],
) -> Sheet:
    """Return the registry as a table in the staff's language, suspected duplicates marked."""
    rows = []
    for company in companies:
        size = size_of(company)
        size_text = label(f"company_size_{size.size_class}") if size.size_class else ""
        if size.basis in ("employees", "turnover"):
            size_text += " " + label(f"company_size_by_{size.basis}")
        others = duplicates.get(company.id or 0, ())
        check = label("company_check_duplicate") + " " + ", ".join(map(str, others))
        rows.append(
            (
                str(company.id),
                company.name,
                company.short_name or "",
                company.tax_number or "",
                sector_name(company.sector_id) if company.sector_id else "",
                "" if company.employees is None else str(company.employees),
                label(f"company_size_{company.turnover_band}") if company.turnover_band else "",
                company.city or "",
                label(f"company_membership_{company.membership}"),
                company.member_since or "",
                company.website or "",
                size_text,
                check if others else "",
            )
        )
    return Sheet(
        title=label("company_sheet_title"),
        header=tuple(label(f"company_column_{name}") for name in (*FIELDS, *WRITTEN_ONLY)),
        rows=tuple(rows),
    )


def write_company_file(
    filename: str, sheet: Sheet, companies: Sequence[Company], csv_delimiter: str
) -> bytes:
    """Return the registry in the format the file name asks for (YAML keeps field ids)."""
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix == "xlsx":
        return to_xlsx(sheet)
    if suffix in ("csv", "txt"):
        return to_csv(sheet, csv_delimiter)
    entries = [
        {
            name: getattr(company, name)
            for name in FIELDS
            if getattr(company, name) is not None or name in ("id", "name")
        }
        for company in companies
    ]
    text = yaml.safe_dump({"companies": entries}, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8")


def sector_lookup(sectors: Sequence[tuple[str, Sequence[str]]]) -> dict[str, str]:
    """Return the map read_company_file needs from (sector id, its names in every language)."""
    lookup: dict[str, str] = {}
    for sector_id, names in sectors:
        lookup[sector_id] = sector_id
        for name in names:
            lookup[_folded(name)] = sector_id
    return lookup


async def import_companies(
    repository: CompanyRepository, company_file: CompanyFile, *, dry_run: bool
) -> ImportPlan:
    """Plan a file's import and apply it unless it is a dry run or the file has problems."""
    plan = plan_import(company_file.rows, await repository.all())
    titles = company_file.titles
    plan.problems = company_file.problems + [
        replace(problem, column=titles.get(problem.column or "", problem.column))
        for problem in plan.problems
    ]
    plan.ignored_columns = list(company_file.ignored_columns)
    if not dry_run and not plan.problems and plan.has_changes:
        await repository.save(plan.added, [after for _, after in plan.changed])
    return plan


def catalogue_sectors(catalogue: Catalogue) -> dict[str, str]:
    """Return the sector lookup of a catalogue: ids and names in both languages."""
    return sector_lookup(
        [(sector.id, (sector.name.tr, sector.name.en)) for sector in catalogue.sectors]
    )


async def load_demo_companies(repository: CompanyRepository, catalogue: Catalogue) -> None:
    """Fill the registry with the demo companies shipped with the demo catalogue."""
    path = bundled_companies_path()
    company_file = read_company_file(path.read_bytes(), path.name, catalogue_sectors(catalogue))
    plan = await import_companies(repository, company_file, dry_run=False)
    if plan.problems:
        raise ValueError(f"{path}: {plan.problems[0]}")
