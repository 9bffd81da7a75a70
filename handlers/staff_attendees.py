"""Who signed up and who came: paged lists, CSV and Excel exports, attendance and check-in."""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.exports import attendee_sheet, host_sheet, to_csv, to_xlsx
from bot.domain.questions import fitting, heading, shortened, shown_answer, summaries
from bot.screens.buttons import (
    STAFF_HOME,
    AnswerSummary,
    Attendance,
    AttendeeList,
    ExportAttendees,
    StaffEventPage,
    StaffRegistrant,
    ToggleAttended,
)
from bot.screens.callback_data import CallbackData
from bot.screens.outgoing import file_name
from handlers.registrations import yes_no_labels
from handlers.replies import Keyboard, show, show_staff_gone
from handlers.staff_access import staff
from storage.answers import AnswerRepository
from storage.attendees import CONFIRMED, WAITLISTED, Attendee, AttendeeRepository
from storage.content import Event
from storage.privacy import host_purpose

PAGE_SIZE = 10
BUTTON_NAME_LIMIT = 40
# An answer in the chat list is cut here; the exports hold it whole.
LISTED_ANSWER_LIMIT = 80
LISTS = {"c": CONFIRMED, "w": WAITLISTED}
# Turkish Excel expects ";" between columns (the comma is its decimal mark); English ",".
CSV_DELIMITERS = {"tr": ";", "en": ","}


def _attendees(caller: Caller) -> AttendeeRepository:
    return AttendeeRepository(caller.services.database)


def _pages(total: int) -> int:
    return max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def _sector_names(caller: Caller) -> dict[str, str]:
    return {s.id: s.name.get(caller.language) for s in caller.services.catalogue.sectors}


def _paging(
    caller: Caller, button: Callable[[int], CallbackData], page: int, pages: int
) -> list[InlineKeyboardButton]:
    buttons = []
    if page > 0:
        buttons.append(caller.button("previous_page", button(page - 1)))
    if page < pages - 1:
        buttons.append(caller.button("next_page", button(page + 1)))
    return buttons


async def event_answers(
    caller: Caller, event: Event, people: Collection[int | None] | None = None
) -> dict[int, list[str]]:
    """Return the answers to the event's questions as staff read them, by person: everyone's,
    or only those of `people` (the page shown; staff-added people have none)."""
    if not event.questions:
        return {}
    asked = None if people is None else {person for person in people if person is not None}
    given = await AnswerRepository(caller.services.database).for_event(event.id, asked)
    labels = yes_no_labels(caller)
    return {
        person_id: [
            shown_answer(question, answers.get(question.id), caller.language, labels)
            for question in event.questions
        ]
        for person_id, answers in given.items()
    }


def listed_answers(
    event: Event, answers: list[str], language: str, limit: int
) -> list[tuple[str, str]]:
    """Return a person's answers for a chat list under their questions' short names, long
    ones cut (none at 0)."""
    return [
        (heading(question, language), shortened(answer, limit))
        for question, answer in zip(event.questions, answers, strict=False)
        if answer and limit > 0
    ]


async def attendee_list(update: Update, context: AssistantContext) -> None:
    """Show a page of an event's confirmed list or its waiting list."""
    caller = context.caller
    pressed = AttendeeList.of(update)
    which, event_id = pressed.which, pressed.event_id
    event = caller.services.catalogue.event(event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    status = LISTS[which]
    repository = _attendees(caller)
    total = await repository.count(event_id, status)
    pages = _pages(total)
    page = min(pressed.page, pages - 1)
    shown = await repository.page(event_id, status, page * PAGE_SIZE, PAGE_SIZE)
    answers = await event_answers(caller, event, [attendee.person_id for attendee in shown])
    host_consent = await _host_consent(caller, event)
    text = fitting(
        lambda limit: caller.render(
            "staff_attendees",
            answers={
                person: listed_answers(
                    event, given, caller.language, min(limit, LISTED_ANSWER_LIMIT)
                )
                for person, given in answers.items()
            },
            event=event,
            host_consent=host_consent,
            status=status,
            attendees=shown,
            total=total,
            page=page,
            pages=pages,
            sectors=_sector_names(caller),
        )
    )
    # Each number opens the person's card: their place, to cancel it or give a free seat.
    numbers = [
        InlineKeyboardButton(
            str(attendee.number), callback_data=StaffRegistrant(attendee.registration_id).data
        )
        for attendee in shown
    ]
    rows: Keyboard = [
        *(numbers[start : start + 5] for start in range(0, len(numbers), 5)),
        _paging(caller, partial(AttendeeList, which, event_id), page, pages),
        [caller.button("staff_back_to_event", StaffEventPage(event_id))],
    ]
    await show(update, text, rows)


async def attendance(update: Update, context: AssistantContext) -> None:
    """Show a page of confirmed people with a present/absent button each."""
    caller = context.caller
    pressed = Attendance.of(update)
    event_id = pressed.event_id
    event = caller.services.catalogue.event(event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    await show_attendance(update, caller, event, pressed.page)


async def show_attendance(update: Update, caller: Caller, event: Event, page: int) -> None:
    """Render one page of the attendance list."""
    repository = _attendees(caller)
    total = await repository.count(event.id, CONFIRMED)
    pages = _pages(total)
    page = min(max(page, 0), pages - 1)
    shown = await repository.page(event.id, CONFIRMED, page * PAGE_SIZE, PAGE_SIZE)
    present = await repository.attended_count(event.id)
    text = caller.render(
        "staff_attendance", event=event, total=total, present=present, page=page, pages=pages
    )
    rows = [
        [
            InlineKeyboardButton(
                _toggle_label(caller, attendee),
                callback_data=ToggleAttended(attendee.registration_id, page).data,
            )
        ]
        for attendee in shown
    ]
    rows.append(_paging(caller, partial(Attendance, event.id), page, pages))
    rows.append([caller.button("staff_back_to_event", StaffEventPage(event.id))])
    await show(update, text, rows)


def _toggle_label(caller: Caller, attendee: Attendee) -> str:
    mark = "✅" if attendee.attended else "⬜"
    name = caller.label("staff_deleted_person") if attendee.erased else attendee.full_name or ""
    if len(name) > BUTTON_NAME_LIMIT:
        name = name[: BUTTON_NAME_LIMIT - 1] + "…"
    return f"{mark} {attendee.number}. {name}"


async def toggle_attended(update: Update, context: AssistantContext) -> None:
    """Mark a confirmed person present or absent, and show the list again."""
    caller = context.caller
    pressed_toggle = ToggleAttended.of(update)
    registration_id, page = pressed_toggle.registration_id, pressed_toggle.page
    services = caller.services
    repository = _attendees(caller)
    attendee = await repository.get(registration_id)
    event = services.catalogue.event(attendee.event_id) if attendee is not None else None
    if attendee is None or event is None or attendee.status != CONFIRMED:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    present = not attendee.attended
    async with services.database.transaction() as tx:
        changed = await repository.set_attended(registration_id, present, tx)
        if changed is not None:
            await services.audit.record(
                caller.person.id,
                "attendance.set",
                f"registration:{registration_id}",
                {"event": event.id, "attended": present},
                tx=tx,
            )
    await show_attendance(update, caller, event, page)


async def _host_consent(caller: Caller, event: Event) -> set[int] | None:
    """Return who consented to sharing with the event's host abroad; None without a host."""
    if event.transfer_abroad is None:
        return None
    return await caller.services.privacy.consenting(host_purpose(event.id))


async def export(update: Update, context: AssistantContext) -> None:
    """Send the event's attendee list as a CSV or an Excel file."""
    caller = context.caller
    pressed_export = ExportAttendees.of(update)
    kind, event_id = pressed_export.format, pressed_export.event_id
    services = caller.services
    event = services.catalogue.event(event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    attendees = await _attendees(caller).for_export(event_id)
    names = _sector_names(caller)
    consented = await _host_consent(caller, event)
    if kind == "h":
        await _export_for_host(context, caller, event, attendees, consented or set())
        return
    sheet = attendee_sheet(
        attendees,
        caller.label,
        lambda sector_id: names.get(sector_id or "", ""),
        services.settings.timezone,
        consented,
        questions=[
            f"{number}. {question.text.get(caller.language)}"
            for number, question in enumerate(event.questions, start=1)
        ],
        answers=await event_answers(caller, event),
    )
    if kind == "c":
        content = to_csv(sheet, CSV_DELIMITERS[caller.language])
        filename, file_format = _file_name(caller, "staff_sheet_title", event, ".csv"), "csv"
    else:
        content = to_xlsx(sheet)
        filename, file_format = _file_name(caller, "staff_sheet_title", event, ".xlsx"), "xlsx"
    await context.bot.send_document(
        caller.person.id,
        document=content,
        filename=filename,
        caption=caller.render("staff_export_ready", event=event, rows=len(attendees)),
    )
    await services.audit.record(
        caller.person.id,
        "attendees.export",
        f"event:{event.id}",
        {"format": file_format, "rows": len(attendees)},
    )


async def answer_summary(update: Update, context: AssistantContext) -> None:
    """Show how people registered for an event answered its questions, per choice."""
    caller = context.caller
    event = caller.services.catalogue.event(AnswerSummary.of(update).event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    given = await AnswerRepository(caller.services.database).for_event(event.id)
    active = await _attendees(caller).active_people(event.id)
    counted = [answers for person_id, answers in given.items() if person_id in active]
    text = caller.render(
        "staff_answer_summary",
        event=event,
        people=len(counted),
        summaries=summaries(event.questions, counted),
    )
    await show(update, text, [[caller.button("staff_back_to_event", StaffEventPage(event.id))]])


def _file_name(caller: Caller, what: str, event: Event, suffix: str) -> str:
    """Return an export's file name staff recognise: "Katılımcılar - <event>.xlsx"."""
    return file_name(caller.label(what), event.title.get(caller.language), suffix=suffix)


async def _export_for_host(
    context: AssistantContext,
    caller: Caller,
    event: Event,
    attendees: list[Attendee],
    consented: set[int],
) -> None:
    """Send the list meant for the host abroad: only confirmed people who consented."""
    if event.transfer_abroad is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    names = _sector_names(caller)
    sheet = host_sheet(
        attendees, caller.label, lambda sector_id: names.get(sector_id or "", ""), consented
    )
    await context.bot.send_document(
        caller.person.id,
        document=to_xlsx(sheet),
        filename=_file_name(caller, "staff_host_sheet_title", event, ".xlsx"),
        caption=caller.render(
            "staff_host_export_ready",
            event=event,
            transfer=event.transfer_abroad,
            rows=len(sheet.rows),
        ),
    )
    await caller.services.audit.record(
        caller.person.id,
        "attendees.export",
        f"event:{event.id}",
        {"format": "host", "rows": len(sheet.rows)},
    )


async def check_in(update: Update, context: AssistantContext, caller: Caller, token: str) -> None:
    """Mark the person whose check-in code a staff member scanned present, and say who it is."""
    services = caller.services
    repository = _attendees(caller)
    async with services.database.transaction() as tx:
        outcome = await repository.check_in(token, tx)
        if outcome is not None and not outcome.already:
            await services.audit.record(
                caller.person.id,
                "attendance.checkin",
                f"registration:{outcome.attendee.registration_id}",
                {"event": outcome.attendee.event_id},
                tx=tx,
            )
    attendee = outcome.attendee if outcome is not None else None
    if attendee is None:
        attendee = await repository.by_checkin_token(token)
    event = services.catalogue.event(attendee.event_id) if attendee is not None else None
    if attendee is None:
        result = "unknown"
    elif outcome is None:
        result = "not_confirmed"
    else:
        result = "already" if outcome.already else "present"
    text = caller.render(
        "staff_checkin",
        result=result,
        attendee=attendee,
        event=event,
        sector=_sector_names(caller).get(attendee.sector_id or "", "") if attendee else "",
    )
    rows: Keyboard = [[caller.button("staff_menu", STAFF_HOME)]]
    if event is not None:
        rows = [[caller.button("staff_attendance", Attendance(event.id))], *rows]
    await show(update, text, rows)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return [
        *staff(
            Ability.READ,
            [
                CallbackQueryHandler(attendee_list, pattern=AttendeeList.pattern()),
                CallbackQueryHandler(export, pattern=ExportAttendees.pattern()),
                CallbackQueryHandler(answer_summary, pattern=AnswerSummary.pattern()),
            ],
        ),
        *staff(
            Ability.CHECK_IN,
            [
                CallbackQueryHandler(attendance, pattern=Attendance.pattern()),
                CallbackQueryHandler(toggle_attended, pattern=ToggleAttended.pattern()),
            ],
        ),
    ]
