"""An event's evidence as staff get it: the attendance sheet PDF and the signed sheets attached."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.attendance_sheet import SheetLine, SheetWording, attendance_sheet_pdf
from bot.screens.outgoing import DocumentMessage, PhotoMessage, file_name
from bot.screens.texts import Texts
from storage.content import ClusterInfo, Event
from storage.evidence import PHOTO, EvidenceFile, SheetEntry

# Before the event: a blank line for every five registered, at least five, at most thirty.
MIN_BLANK_LINES = 5
MAX_BLANK_LINES = 30


def blank_lines(registered: int) -> int:
    """Return how many blank lines a sheet printed before the event leaves for walk-ins."""
    return min(MAX_BLANK_LINES, max(MIN_BLANK_LINES, -(-registered // 5)))


def attendance_sheet_document(
    texts: Texts,
    cluster: ClusterInfo,
    event: Event,
    entries: Sequence[SheetEntry],
    language: str,
    now: datetime,
) -> DocumentMessage:
    """Return the sheet to print: blank lines before the event, check-in times once it began.

    Slow (fpdf2 reads the font): build it off the event loop.
    """

    def label(name: str) -> str:
        return texts.label(language, name)

    after = now >= event.starts_at
    same_day = texts.day(event.starts_at, language) == texts.day(event.ends_at, language)
    ends = texts.clock(event.ends_at, language) if same_day else texts.when(event.ends_at, language)
    place = event.location.get(language) if event.location is not None else label("sheet_online")
    wording = SheetWording(
        cluster=cluster.name.get(language),
        heading=label("sheet_heading_after" if after else "sheet_heading"),
        title=event.title.get(language),
        when=f"{label('sheet_when')}: {texts.when(event.starts_at, language)} – {ends}",
        where=f"{label('sheet_where')}: {place}",
        columns=(
            label("sheet_column_number"),
            label("sheet_column_name"),
            label("sheet_column_company"),
            label("sheet_column_checked_in"),
            label("sheet_column_signature"),
        ),
        walk_ins=label("sheet_walk_ins"),
        organiser=label("sheet_organiser"),
        printed=label("sheet_printed").format(moment=texts.when(now, language)),
        page=label("sheet_page"),
    )
    lines = [_line(texts, event, entry, language, after) for entry in entries]
    pdf = attendance_sheet_pdf(wording, lines, 0 if after else blank_lines(len(lines)), now)
    return DocumentMessage(pdf, file_name(label("sheet_filename"), wording.title, suffix=".pdf"))


def _line(texts: Texts, event: Event, entry: SheetEntry, language: str, after: bool) -> SheetLine:
    note = ""
    if entry.full_name is None:
        note = texts.label(language, "sheet_erased")
    elif entry.staff_added:
        note = texts.label(language, "sheet_staff_added")
    checked_in = ""
    if after and entry.attended_at is not None:
        same_day = texts.day(entry.attended_at, language) == texts.day(event.starts_at, language)
        clock = texts.clock(entry.attended_at, language)
        local = entry.attended_at.astimezone(texts.timezone)
        checked_in = clock if same_day else f"{local:%d.%m} {clock}"
    elif after and entry.attended is False:
        checked_in = texts.label(language, "sheet_absent")
    return SheetLine(entry.full_name or "", entry.company or "", note, checked_in)


def evidence_message(evidence: EvidenceFile, caption: str) -> PhotoMessage | DocumentMessage:
    """Return a signed sheet as it was sent, by its Telegram file id."""
    if evidence.media == PHOTO:
        return PhotoMessage(evidence.file_id, caption)
    return DocumentMessage(evidence.file_id, None, caption)
