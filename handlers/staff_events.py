"""Staff events: the event list, an event's staff page, and cancelling an event.

The page's change buttons open the event form (handlers/staff_event_form.py), gathered here
with this feature's handlers; the form ends on this page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.event_changes import cancel_event
from bot.screens.buttons import (
    CODE_OF_STAFF_CHANGE,
    STAFF_HOME,
    AnswerSummary,
    ApplicationReview,
    Attendance,
    AttendeeList,
    CancelEvent,
    ChangeEvent,
    ConfirmCancelEvent,
    EventQuestions,
    ExportAttendees,
    MessageRegistrants,
    StaffAccessNeeds,
    StaffAddedList,
    StaffAddParticipant,
    StaffB2b,
    StaffEventList,
    StaffEventPage,
    StaffImportAttendance,
    StaffMenu,
)
from handlers import evidence, staff_event_form
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from storage import events as event_store
from storage.attendees import AttendeeRepository
from storage.catalogue import EventListing

PAGE_SIZE = 8


# -- the event list and an event's page ------------------------------------------------------


async def events_command(update: Update, context: AssistantContext) -> None:
    """List upcoming events for staff."""
    caller = context.caller
    await show_event_list(update, caller, "u", "m", 0)


async def export_command(update: Update, context: AssistantContext) -> None:
    """List events to download an attendee list from."""
    caller = context.caller
    await show_event_list(update, caller, "u", "x", 0)


async def list_page(update: Update, context: AssistantContext) -> None:
    """Show another page or the other half (upcoming, past) of the staff event list."""
    caller = context.caller
    pressed = StaffEventList.of(update)
    await show_event_list(update, caller, pressed.scope, pressed.purpose, pressed.page)


async def show_event_list(
    update: Update, caller: Caller, scope: str, purpose: str, page: int
) -> None:
    """Render one page of scheduled events: upcoming soonest first, past latest first."""
    now = datetime.now(UTC)
    events = caller.services.catalogue.events
    if scope == "u":
        chosen = sorted((e for e in events if e.ends_at > now), key=lambda e: e.starts_at)
    else:
        chosen = sorted((e for e in events if e.ends_at <= now), key=lambda e: e.starts_at)
        chosen.reverse()
    counts = await event_store.seat_counts(caller.services.database)
    pages = max((len(chosen) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    shown = [
        EventListing(event, *counts.get(event.id, (0, 0)))
        for event in chosen[first : first + PAGE_SIZE]
    ]
    text = caller.render(
        "staff_events_list",
        listings=shown,
        first=first,
        page=page,
        pages=pages,
        scope=scope,
        purpose=purpose,
    )
    numbers = [
        InlineKeyboardButton(
            str(first + index + 1), callback_data=StaffEventPage(item.event.id).data
        )
        for index, item in enumerate(shown)
    ]
    paging = []
    if page > 0:
        paging.append(caller.button("previous_page", StaffEventList(scope, purpose, page - 1)))
    if page < pages - 1:
        paging.append(caller.button("next_page", StaffEventList(scope, purpose, page + 1)))
    other = "p" if scope == "u" else "u"
    other_label = "staff_past_events" if scope == "u" else "staff_upcoming_events"
    rows: Keyboard = [
        numbers[:4],
        numbers[4:],
        paging,
        [caller.button(other_label, StaffEventList(other, purpose, 0))],
        [
            *(
                [caller.button("staff_new_event", StaffMenu("newevent"))]
                if caller.can(Ability.MANAGE)
                else []
            ),
            caller.button("staff_menu", STAFF_HOME),
        ],
    ]
    await show(update, text, rows)


async def open_event(update: Update, context: AssistantContext) -> None:
    """Open an event's staff page from a button."""
    caller = context.caller
    await show_staff_event(update, caller, StaffEventPage.of(update).event_id)


async def show_staff_event(
    update: Update, caller: Caller, event_id: str, notice: str = "", **details: object
) -> None:
    """Render an event's staff page with what staff can do with it."""
    services = caller.services
    listing = await services.catalogue_store.listing(services.catalogue, event_id)
    if listing is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("staff_event_list", StaffEventList())]],
        )
        return
    event = listing.event
    # A held event is history: only attendance, lists, exports and certificates remain.
    over = event.ends_at <= datetime.now(UTC)
    attended = await AttendeeRepository(services.database).attended_count(event_id)
    timezone = services.settings.timezone
    sectors = [
        sector.name.get(caller.language)
        for sector_id in event.sectors
        if (sector := services.catalogue.sector(sector_id)) is not None
    ]
    text = caller.render(
        "staff_event",
        event=event,
        listing=listing,
        attended=attended,
        sectors=sectors,
        same_day=event.starts_at.astimezone(timezone).date()
        == event.ends_at.astimezone(timezone).date(),
        link=f"https://t.me/{update.get_bot().username}?start=event_{event.id}",
        over=over,
        notice=notice,
        details=details,
        project=services.catalogue.project(event.project_id or ""),
    )
    # An event that takes applications has an application deadline and a reserve list: its
    # buttons say so, and the first-come waiting list shows only if it still holds someone.
    applied = event.by_application
    changes = [
        caller.button(
            "staff_change_application_deadline"
            if applied and name == "deadline"
            else f"staff_change_{name}",
            ChangeEvent(CODE_OF_STAFF_CHANGE[name], event.id),
        )
        for name in (
            "title",
            "description",
            "time",
            "place",
            "capacity",
            "deadline",
            "audience",
            "certificate",
            "selection",
        )
    ]
    to_project = ChangeEvent(CODE_OF_STAFF_CHANGE["project"], event.id)
    # Even after it is held: staff may find out later which project an event counts for.
    project = [caller.button("staff_change_project", to_project)]
    manage, read = caller.can(Ability.MANAGE), caller.can(Ability.READ)
    changeable = manage and not over
    lists = [
        caller.button("staff_attendees", AttendeeList("c", event.id)),
    ]
    if not applied or listing.waitlisted:
        lists.append(caller.button("staff_waitlist", AttendeeList("w", event.id)))
    exports = [
        caller.button("staff_export_csv", ExportAttendees("c", event.id)),
        caller.button("staff_export_xlsx", ExportAttendees("x", event.id)),
    ]
    attendance = [caller.button("staff_attendance", Attendance(event.id))]
    host = [caller.button("staff_export_host", ExportAttendees("h", event.id))]
    summary = [caller.button("staff_answer_summary", AnswerSummary(event.id))]
    # People who are not on Telegram: a walk-in by hand, or a partner's attendance list.
    participants = [
        caller.button("staff_add_participant", StaffAddParticipant(event.id)),
        caller.button("staff_import_attendance", StaffImportAttendance(event.id)),
    ]
    added = await services.staff_added.count(event.id) if manage else 0
    added_row = [caller.button("staff_added_list", StaffAddedList(event.id))] if added else []
    # Special-category answers (KVKK Art. 6): only for those who manage the event.
    special = [caller.button("staff_access_needs", StaffAccessNeeds(event.id))]
    # An operational notice to this event's registrants (not an announcement: no consent asked).
    message = [caller.button("staff_message_registrants", MessageRegistrants(event.id))]
    selection = [caller.button("staff_applications", ApplicationReview(event.id))]
    own_questions = [caller.button("staff_event_questions", EventQuestions(event.id))]
    rows: Keyboard = [
        *([changes[0:2], changes[2:4], changes[4:6], changes[6:]] if changeable else []),
        project if manage and services.catalogue.projects else [],
        selection if read and event.by_application else [],
        lists if read else [],
        message if manage else [],
        attendance if caller.can(Ability.CHECK_IN) else [],
        *await evidence.staff_page_rows(caller, event.id),
        participants if manage else [],
        added_row,
        exports if read else [],
        host if read and event.transfer_abroad is not None else [],
        summary if read and event.questions else [],
        own_questions if manage else [],
        special if manage and event.access_needs is not None else [],
        [caller.button("staff_b2b", StaffB2b(event.id, "grid"))]
        if read and event.matchmaking is not None
        else [],
        [caller.button("staff_cancel_event", CancelEvent(event.id))] if changeable else [],
        [
            caller.button("staff_event_list", StaffEventList()),
            caller.button("staff_menu", STAFF_HOME),
        ],
    ]
    await show(update, text, rows)


# -- cancelling an event ----------------------------------------------------------------------


async def ask_cancel(update: Update, context: AssistantContext) -> None:
    """Ask the staff member to confirm cancelling an event."""
    caller = context.caller
    services = caller.services
    event_id = CancelEvent.of(update).event_id
    listing = await services.catalogue_store.listing(services.catalogue, event_id)
    if listing is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("staff_event_list", StaffEventList())]],
        )
        return
    event = listing.event
    if event.ends_at <= datetime.now(UTC):
        await staff_event_form.refuse_held_event(update, caller, event.id)
        return
    rows = [
        [caller.button("staff_confirm_cancel", ConfirmCancelEvent(event.id))],
        [caller.button("staff_keep_event", StaffEventPage(event.id))],
    ]
    await show(update, caller.render("staff_cancel_confirm", listing=listing), rows)


async def confirm_cancel(update: Update, context: AssistantContext) -> None:
    """Cancel the event, its registrations, and tell the registrants."""
    caller = context.caller
    services = caller.services
    event = services.catalogue.event(ConfirmCancelEvent.of(update).event_id)
    if event is not None and event.ends_at <= datetime.now(UTC):
        # A stale confirmation from before the event ended, or a forged one: nothing changes.
        await staff_event_form.refuse_held_event(update, caller, event.id)
        return
    told = None
    if event is not None:
        told = await cancel_event(services, caller.person.id, event)
    rows = [[caller.button("staff_event_list", StaffEventList())]]
    if event is None or told is None:
        await show(update, caller.render("not_available"), rows)
        return
    await show(update, caller.render("staff_event_cancelled", event=event, told=told), rows)


# The event form ends on the event's staff page.
EVENT_FORM = staff_event_form.EventForm(show_staff_event)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    private = filters.ChatType.PRIVATE
    return [
        *staff(Ability.MANAGE, staff_event_form.handlers(EVENT_FORM)),
        *staff(
            Ability.READ,
            [
                CommandHandler("export", export_command, filters=private),
                CallbackQueryHandler(export_command, pattern=StaffMenu.pattern(screen="exports")),
            ],
        ),
        *staff(
            Ability.BROWSE,
            [
                CallbackQueryHandler(events_command, pattern=StaffMenu.pattern(screen="events")),
                CallbackQueryHandler(list_page, pattern=StaffEventList.pattern()),
                CallbackQueryHandler(open_event, pattern=StaffEventPage.pattern()),
            ],
        ),
        *staff(
            Ability.MANAGE,
            [
                CallbackQueryHandler(ask_cancel, pattern=CancelEvent.pattern()),
                CallbackQueryHandler(confirm_cancel, pattern=ConfirmCancelEvent.pattern()),
            ],
        ),
    ]
