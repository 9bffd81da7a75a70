"""The applications as a spreadsheet staff mark up, and the marks read back as decisions.

The export has one row per application: its id, the person, their company, sector and
earlier participation, its decision now, then one column per question of the event, and an
empty "mark" column. Staff write accept / reserve / decline (in Turkish or English, or ✅ 🕒 ❌)
in it and send the file back; `read_marks` returns what each row asks for, and `plan` what
would change, so the preview shows it before anything is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.exports import Cell, Sheet
from bot.domain.profile import fold_turkish
from storage.applications import ACCEPTED, DECLINED, OPEN_TO_DECISION, RESERVE, Applicant

# What people write in the mark column, folded (lower case, Turkish letters plain).
MARKS = {
    "accept": ACCEPTED,
    "accepted": ACCEPTED,
    "kabul": ACCEPTED,
    "kabul et": ACCEPTED,
    "evet": ACCEPTED,
    "yes": ACCEPTED,
    "✅": ACCEPTED,
    "reserve": RESERVE,
    "yedek": RESERVE,
    "🕒": RESERVE,
    "decline": DECLINED,
    "declined": DECLINED,
    "reject": DECLINED,
    "ret": DECLINED,
    "red": DECLINED,
    "reddet": DECLINED,
    "hayir": DECLINED,
    "no": DECLINED,
    "❌": DECLINED,
}
# The id and the mark are the first and last columns: staff may add columns between them.
ID_COLUMN = 0


def application_sheet(
    applicants: Sequence[Applicant],
    label: Callable[[str], str],
    sector_name: Callable[[str | None], str],
    questions: Sequence[str],
    answers: Mapping[int, Sequence[Cell]],
    timezone: ZoneInfo,
) -> Sheet:
    """Return the applications as a table with an empty mark column at the end.

    Ids, counts and numeric answers are numbers and the application's time a local time, so
    a spreadsheet sorts and sums them.
    """
    columns = (
        "application_id",
        "name",
        "company",
        "member_company",
        "sector",
        "attended_before",
        "applied_at",
        "application_status",
        "note",
    )
    rows = []
    for applicant in applicants:
        given: list[Cell] = list(answers.get(applicant.person_id or 0, ()))
        given += [""] * (len(questions) - len(given))
        row: tuple[Cell, ...] = (
            applicant.id,
            label("staff_deleted_person") if applicant.erased else applicant.full_name or "",
            applicant.company or "",
            label("staff_yes" if applicant.member_company else "staff_no"),
            sector_name(applicant.sector_id),
            applicant.attended_before,
            applicant.created_at.astimezone(timezone).replace(tzinfo=None),
            label(f"staff_status_{applicant.status}"),
            applicant.note or "",
            *given,
            "",
        )
        rows.append(row)
    header = (
        *(label(f"staff_column_{name}") for name in columns),
        *questions,
        label("staff_column_decision_mark"),
    )
    return Sheet(label("staff_applications_sheet"), tuple(header), tuple(rows))


class SheetProblem(ValueError):
    """A file that is not a marked application sheet; `reason` says why, for the template."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_marks(data: bytes) -> dict[int, str]:
    """Return the decision each marked row asks for, by application id; unmarked rows left out.

    Raises SheetProblem("not_a_sheet") for a file openpyxl can't read and
    SheetProblem("unknown_mark") when a mark is none of MARKS.
    """
    # Imported here: openpyxl weighs 25 MB in the running bot, and only staff need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that isn't XLSX
        raise SheetProblem("not_a_sheet") from error
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise SheetProblem("not_a_sheet")
    marks: dict[int, str] = {}
    mark_column: int | None = None
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if cell is None else str(cell).strip() for cell in row]
        if mark_column is None:
            # The header's last title is the mark column, wherever staff added columns.
            titled = [index for index, cell in enumerate(cells) if cell]
            if not titled:
                continue
            mark_column = titled[-1]
            continue
        if not cells or not cells[ID_COLUMN].isdigit() or len(cells) <= mark_column:
            continue
        written = cells[mark_column]
        if not written:
            continue
        mark = MARKS.get(fold_turkish(written).strip(" .!"))
        if mark is None:
            raise SheetProblem("unknown_mark")
        marks[int(cells[ID_COLUMN])] = mark
    workbook.close()
    if mark_column is None:
        raise SheetProblem("not_a_sheet")
    return marks


@dataclass(frozen=True)
class SheetChange:
    """One decision a marked sheet would make."""

    applicant: Applicant
    decision: str


@dataclass(frozen=True)
class SheetPlan:
    """What a marked sheet would do: the changes, and the rows it can't use."""

    changes: tuple[SheetChange, ...]
    unchanged: int  # marked as they already are
    unknown: int  # ids not among the event's applications
    final: int  # applications no one can decide on any more (confirmed, withdrawn, lapsed)


def plan(marks: Mapping[int, str], applicants: Sequence[Applicant]) -> SheetPlan:
    """Return what the marks would change among the event's applications."""
    by_id = {applicant.id: applicant for applicant in applicants}
    changes = []
    unchanged = unknown = final = 0
    for application_id, decision in marks.items():
        applicant = by_id.get(application_id)
        if applicant is None:
            unknown += 1
        elif applicant.status not in OPEN_TO_DECISION:
            final += 1
        elif applicant.status == decision:
            unchanged += 1
        else:
            changes.append(SheetChange(applicant, decision))
    # Acceptances first in the list's order: places go to the rows in the order staff see them.
    order = {applicant.id: index for index, applicant in enumerate(applicants)}
    changes.sort(key=lambda change: (change.decision != ACCEPTED, order[change.applicant.id]))
    return SheetPlan(tuple(changes), unchanged, unknown, final)
