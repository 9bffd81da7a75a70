"""Who signed up and who came: paged lists, CSV and Excel exports, attendance and check-in."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext
from bot.domain.exports import attendee_sheet, to_csv, to_xlsx
from bot.screens.links import ENTRY_ID, staff_event_page
from handlers.replies import Keyboard, Visit, acknowledge, show, visit
from handlers.staff_access import staff_only
from storage.attendees import CONFIRMED, WAITLISTED, Attendee, AttendeeRepository
from storage.content import Event

PAGE_SIZE = 10
BUTTON_NAME_LIMIT = 40
LISTS = {"c": CONFIRMED, "w": WAITLISTED}
# Turkish Excel expects ";" between columns (the comma is its decimal mark); English ",".
CSV_DELIMITERS = {"tr": ";", "en": ","}


def _attendees(guest: Visit) -> AttendeeRepository:
    return AttendeeRepository(guest.services.database)


def _pages(total: int) -> int:
    return max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def _sector_names(guest: Visit) -> dict[str, str]:
    return {s.id: s.name.get(guest.language) for s in guest.services.catalogue.sectors}


async def _gone(update: Update, guest: Visit) -> None:
    await show(update, guest.render("not_available"), [[guest.button("staff_menu", "sm:home")]])


def _paging(guest: Visit, prefix: str, page: int, pages: int) -> list[InlineKeyboardButton]:
    buttons = []
    if page > 0:
        buttons.append(guest.button("previous_page", f"{prefix}:{page - 1}"))
    if page < pages - 1:
        buttons.append(guest.button("next_page", f"{prefix}:{page + 1}"))
    return buttons


async def attendee_list(update: Update, context: AssistantContext) -> None:
    """Show a page of an event's confirmed list or its waiting list."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    which, event_id, page_text = context.matches[0].groups()
    event = guest.services.catalogue.event(event_id)
    if event is None:
        await _gone(update, guest)
        return
    status = LISTS[which]
    repository = _attendees(guest)
    total = await repository.count(event_id, status)
    pages = _pages(total)
    page = min(int(page_text), pages - 1)
    shown = await repository.page(event_id, status, page * PAGE_SIZE, PAGE_SIZE)
    text = guest.render(
        "staff_attendees",
        event=event,
        status=status,
        attendees=shown,
        total=total,
        page=page,
        pages=pages,
        sectors=_sector_names(guest),
    )
    rows: Keyboard = [
        _paging(guest, f"sa:{which}:{event_id}", page, pages),
        [guest.button("staff_back_to_event", staff_event_page(event_id))],
    ]
    await show(update, text, rows)


async def attendance(update: Update, context: AssistantContext) -> None:
    """Show a page of confirmed people with a present/absent button each."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    event_id, page_text = context.matches[0].groups()
    event = guest.services.catalogue.event(event_id)
    if event is None:
        await _gone(update, guest)
        return
    await show_attendance(update, guest, event, int(page_text))


async def show_attendance(update: Update, guest: Visit, event: Event, page: int) -> None:
    """Render one page of the attendance list."""
    repository = _attendees(guest)
    total = await repository.count(event.id, CONFIRMED)
    pages = _pages(total)
    page = min(max(page, 0), pages - 1)
    shown = await repository.page(event.id, CONFIRMED, page * PAGE_SIZE, PAGE_SIZE)
    present = await repository.attended_count(event.id)
    text = guest.render(
        "staff_attendance", event=event, total=total, present=present, page=page, pages=pages
    )
    rows = [
        [
            InlineKeyboardButton(
                _toggle_label(guest, attendee),
                callback_data=f"sa:t:{attendee.registration_id}:{page}",
            )
        ]
        for attendee in shown
    ]
    rows.append(_paging(guest, f"sa:a:{event.id}", page, pages))
    rows.append([guest.button("staff_back_to_event", staff_event_page(event.id))])
    await show(update, text, rows)


def _toggle_label(guest: Visit, attendee: Attendee) -> str:
    mark = "✅" if attendee.attended else "⬜"
    name = guest.label("staff_deleted_person") if attendee.erased else attendee.full_name or ""
    if len(name) > BUTTON_NAME_LIMIT:
        name = name[: BUTTON_NAME_LIMIT - 1] + "…"
    return f"{mark} {attendee.number}. {name}"


async def toggle_attended(update: Update, context: AssistantContext) -> None:
    """Mark a confirmed person present or absent, and show the list again."""
    guest = await visit(update, context)
    assert context.matches is not None
    registration_id, page = (int(part) for part in context.matches[0].groups())
    services = guest.services
    repository = _attendees(guest)
    attendee = await repository.get(registration_id)
    event = services.catalogue.event(attendee.event_id) if attendee is not None else None
    if attendee is None or event is None or attendee.status != CONFIRMED:
        await acknowledge(update, guest.render("not_available"), alert=True)
        return
    present = not attendee.attended
    async with services.database.transaction() as tx:
        changed = await repository.set_attended(registration_id, present, tx)
        if changed is not None:
            await services.audit.record(
                guest.person.id,
                "attendance.set",
                f"registration:{registration_id}",
                {"event": event.id, "attended": present},
                tx=tx,
            )
    await acknowledge(update)
    await show_attendance(update, guest, event, page)


async def export(update: Update, context: AssistantContext) -> None:
    """Send the event's attendee list as a CSV or an Excel file."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    kind, event_id = context.matches[0].groups()
    services = guest.services
    event = services.catalogue.event(event_id)
    if event is None:
        await _gone(update, guest)
        return
    attendees = await _attendees(guest).for_export(event_id)
    names = _sector_names(guest)
    sheet = attendee_sheet(
        attendees,
        guest.label,
        lambda sector_id: names.get(sector_id or "", ""),
        services.settings.timezone,
    )
    if kind == "c":
        content = to_csv(sheet, CSV_DELIMITERS[guest.language])
        filename, file_format = f"{event.id}-attendees.csv", "csv"
    else:
        content = to_xlsx(sheet)
        filename, file_format = f"{event.id}-attendees.xlsx", "xlsx"
    await context.bot.send_document(
        guest.person.id,
        document=content,
        filename=filename,
        caption=guest.render("staff_export_ready", event=event, rows=len(attendees)),
    )
    await services.audit.record(
        guest.person.id,
        "attendees.export",
        f"event:{event.id}",
        {"format": file_format, "rows": len(attendees)},
    )


async def check_in(update: Update, context: AssistantContext, guest: Visit, token: str) -> None:
    """Mark the person whose check-in code a staff member scanned present, and say who it is."""
    services = guest.services
    repository = _attendees(guest)
    async with services.database.transaction() as tx:
        outcome = await repository.check_in(token, tx)
        if outcome is not None and not outcome.already:
            await services.audit.record(
                guest.person.id,
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
    text = guest.render(
        "staff_checkin",
        result=result,
        attendee=attendee,
        event=event,
        sector=_sector_names(guest).get(attendee.sector_id or "", "") if attendee else "",
    )
    rows: Keyboard = [[guest.button("staff_menu", "sm:home")]]
    if event is not None:
        rows = [[guest.button("staff_attendance", f"sa:a:{event.id}:0")], *rows]
    await show(update, text, rows)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return [
        CallbackQueryHandler(
            staff_only(attendee_list), pattern=rf"^sa:([cw]):({ENTRY_ID}):(\d{{1,4}})$"
        ),
        CallbackQueryHandler(staff_only(attendance), pattern=rf"^sa:a:({ENTRY_ID}):(\d{{1,4}})$"),
        CallbackQueryHandler(staff_only(toggle_attended), pattern=r"^sa:t:(\d{1,12}):(\d{1,4})$"),
        CallbackQueryHandler(staff_only(export), pattern=rf"^sa:x:([cx]):({ENTRY_ID})$"),
    ]
