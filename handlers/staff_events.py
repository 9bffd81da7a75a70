"""Staff events: the event list, an event's staff page, and cancelling an event.

The page's change buttons open the event form (handlers/staff_event_form.py), gathered here
with this feature's handlers; the form ends on this page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from bot.domain.event_changes import cancel_event
from bot.screens.links import ENTRY_ID, staff_event_change, staff_event_list, staff_event_page
from handlers import staff_event_form
from handlers.replies import Keyboard, Visit, acknowledge, show, visit
from handlers.staff_access import staff_only
from storage import events as event_store
from storage.attendees import AttendeeRepository
from storage.catalogue import EventListing

PAGE_SIZE = 8


# -- the event list and an event's page ------------------------------------------------------


async def events_command(update: Update, context: AssistantContext) -> None:
    """List upcoming events for staff."""
    guest = await visit(update, context)
    await acknowledge(update)
    await show_event_list(update, guest, "u", "m", 0)


async def export_command(update: Update, context: AssistantContext) -> None:
    """List events to download an attendee list from."""
    guest = await visit(update, context)
    await acknowledge(update)
    await show_event_list(update, guest, "u", "x", 0)


async def list_page(update: Update, context: AssistantContext) -> None:
    """Show another page or the other half (upcoming, past) of the staff event list."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    scope, purpose, page = context.matches[0].groups()
    await show_event_list(update, guest, scope, purpose, int(page))


async def show_event_list(
    update: Update, guest: Visit, scope: str, purpose: str, page: int
) -> None:
    """Render one page of scheduled events: upcoming soonest first, past latest first."""
    now = datetime.now(UTC)
    events = guest.services.catalogue.events
    if scope == "u":
        chosen = sorted((e for e in events if e.ends_at > now), key=lambda e: e.starts_at)
    else:
        chosen = sorted((e for e in events if e.ends_at <= now), key=lambda e: e.starts_at)
        chosen.reverse()
    counts = await event_store.seat_counts(guest.services.database)
    pages = max((len(chosen) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    shown = [
        EventListing(event, *counts.get(event.id, (0, 0)))
        for event in chosen[first : first + PAGE_SIZE]
    ]
    text = guest.render(
        "staff_events_list",
        listings=shown,
        first=first,
        page=page,
        pages=pages,
        scope=scope,
        purpose=purpose,
    )
    numbers = [
        InlineKeyboardButton(str(first + index + 1), callback_data=staff_event_page(item.event.id))
        for index, item in enumerate(shown)
    ]
    paging = []
    if page > 0:
        paging.append(guest.button("previous_page", staff_event_list(scope, purpose, page - 1)))
    if page < pages - 1:
        paging.append(guest.button("next_page", staff_event_list(scope, purpose, page + 1)))
    other = "p" if scope == "u" else "u"
    other_label = "staff_past_events" if scope == "u" else "staff_upcoming_events"
    rows: Keyboard = [
        numbers[:4],
        numbers[4:],
        paging,
        [guest.button(other_label, staff_event_list(other, purpose, 0))],
        [guest.button("staff_new_event", "sm:newevent"), guest.button("staff_menu", "sm:home")],
    ]
    await show(update, text, rows)


async def open_event(update: Update, context: AssistantContext) -> None:
    """Open an event's staff page from a button."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    await show_staff_event(update, guest, context.matches[0].group(1))


async def show_staff_event(
    update: Update, guest: Visit, event_id: str, notice: str = "", **details: object
) -> None:
    """Render an event's staff page with what staff can do with it."""
    services = guest.services
    listing = await services.catalogue_store.listing(services.catalogue, event_id)
    if listing is None:
        await show(
            update,
            guest.render("not_available"),
            [[guest.button("staff_event_list", staff_event_list())]],
        )
        return
    event = listing.event
    attended = await AttendeeRepository(services.database).attended_count(event_id)
    timezone = services.settings.timezone
    sectors = [
        sector.name.get(guest.language)
        for sector_id in event.sectors
        if (sector := services.catalogue.sector(sector_id)) is not None
    ]
    text = guest.render(
        "staff_event",
        event=event,
        listing=listing,
        attended=attended,
        sectors=sectors,
        same_day=event.starts_at.astimezone(timezone).date()
        == event.ends_at.astimezone(timezone).date(),
        link=f"https://t.me/{update.get_bot().username}?start=event_{event.id}",
        notice=notice,
        details=details,
    )
    changes = [
        guest.button(f"staff_change_{name}", staff_event_change(name, event.id))
        for name in ("title", "description", "time", "place", "capacity", "deadline")
    ]
    rows: Keyboard = [
        changes[0:2],
        changes[2:4],
        changes[4:6],
        [
            guest.button("staff_attendees", f"sa:c:{event.id}:0"),
            guest.button("staff_waitlist", f"sa:w:{event.id}:0"),
        ],
        [guest.button("staff_attendance", f"sa:a:{event.id}:0")],
        [
            guest.button("staff_export_csv", f"sa:x:c:{event.id}"),
            guest.button("staff_export_xlsx", f"sa:x:x:{event.id}"),
        ],
        [guest.button("staff_cancel_event", f"se:c:{event.id}")],
        [
            guest.button("staff_event_list", staff_event_list()),
            guest.button("staff_menu", "sm:home"),
        ],
    ]
    await show(update, text, rows)


# -- cancelling an event ----------------------------------------------------------------------


async def ask_cancel(update: Update, context: AssistantContext) -> None:
    """Ask the staff member to confirm cancelling an event."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    services = guest.services
    listing = await services.catalogue_store.listing(
        services.catalogue, context.matches[0].group(1)
    )
    if listing is None:
        await show(
            update,
            guest.render("not_available"),
            [[guest.button("staff_event_list", staff_event_list())]],
        )
        return
    event = listing.event
    rows = [
        [guest.button("staff_confirm_cancel", f"se:cy:{event.id}")],
        [guest.button("staff_keep_event", staff_event_page(event.id))],
    ]
    await show(update, guest.render("staff_cancel_confirm", listing=listing), rows)


async def confirm_cancel(update: Update, context: AssistantContext) -> None:
    """Cancel the event, its registrations, and tell the registrants."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    services = guest.services
    event = services.catalogue.event(context.matches[0].group(1))
    told = None
    if event is not None:
        told = await cancel_event(services, guest.person.id, event)
    rows = [[guest.button("staff_event_list", staff_event_list())]]
    if event is None or told is None:
        await show(update, guest.render("not_available"), rows)
        return
    await show(update, guest.render("staff_event_cancelled", event=event, told=told), rows)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    private = filters.ChatType.PRIVATE
    return [
        # The form first: while it is open, typed text is its answer.
        staff_event_form.conversation(show_staff_event),
        CommandHandler("export", staff_only(export_command), filters=private),
        CallbackQueryHandler(staff_only(events_command), pattern=r"^sm:events$"),
        CallbackQueryHandler(staff_only(export_command), pattern=r"^sm:exports$"),
        CallbackQueryHandler(staff_only(list_page), pattern=r"^se:l:([up]):([mx]):(\d{1,3})$"),
        CallbackQueryHandler(staff_only(open_event), pattern=rf"^se:s:({ENTRY_ID})$"),
        CallbackQueryHandler(staff_only(ask_cancel), pattern=rf"^se:c:({ENTRY_ID})$"),
        CallbackQueryHandler(staff_only(confirm_cancel), pattern=rf"^se:cy:({ENTRY_ID})$"),
    ]
