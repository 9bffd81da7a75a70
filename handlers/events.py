"""Browsing events: the paged upcoming list with a filter by kind, and an event's page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from markupsafe import Markup
from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.screens.buttons import (
    ALL_KINDS,
    CODE_OF_KIND,
    HOME,
    KIND_CODES,
    B2bHub,
    ChangeAnswers,
    EventList,
    EventPage,
    Menu,
    ServicePage,
)
from handlers import applications, registrations
from handlers.replies import Keyboard, show
from storage.answers import AnswerRepository
from storage.applications import Applicant
from storage.catalogue import EventListing
from storage.content import EVENT_KINDS
from storage.registrations import Registration

PAGE_SIZE = 5
# Characters of the person's answers an event's page shows, all questions together.
ANSWERS_ON_PAGE = 2_000


async def events_command(update: Update, context: AssistantContext) -> None:
    """List upcoming events, first page, all kinds."""
    caller = context.caller
    await show_list(update, caller, ALL_KINDS, 0)


async def list_page(update: Update, context: AssistantContext) -> None:
    """Show another page or another kind of the event list."""
    caller = context.caller
    pressed = EventList.of(update)
    await show_list(update, caller, pressed.kind, pressed.page)


async def show_list(update: Update, caller: Caller, kind_code: str, page: int) -> None:
    """Render one page of upcoming events."""
    services = caller.services
    kind = KIND_CODES.get(kind_code)
    listings = await services.catalogue_store.upcoming(
        services.catalogue, datetime.now(UTC), kind=kind
    )
    pages = max((len(listings) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    shown = listings[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    first = page * PAGE_SIZE
    # Events the person already holds a seat or a waiting-list place for are marked.
    registered = {
        registration.event_id: registration.status
        for registration in await services.registrations.of_person(caller.person.id)
        if registration.is_active
    }
    text = caller.render(
        "events_list",
        registered=registered,
        listings=shown,
        first=first,
        page=page,
        pages=pages,
        kind_name=caller.label(f"kind_{kind}") if kind else "",
    )
    numbers = [
        InlineKeyboardButton(
            str(first + index + 1), callback_data=EventPage(item.event.id, kind_code, page).data
        )
        for index, item in enumerate(shown)
    ]
    paging = []
    if page > 0:
        paging.append(caller.button("previous_page", EventList(kind_code, page - 1)))
    if page < pages - 1:
        paging.append(caller.button("next_page", EventList(kind_code, page + 1)))
    await show(
        update,
        text,
        [numbers, paging, *_kind_filter(caller, kind_code), [caller.button("home", HOME)]],
    )


def _kind_filter(caller: Caller, current: str) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(
            ("• " if CODE_OF_KIND[kind] == current else "") + caller.label(f"kind_{kind}"),
            callback_data=EventList(CODE_OF_KIND[kind], 0).data,
        )
        for kind in EVENT_KINDS
    ]
    everything = InlineKeyboardButton(
        ("• " if current == ALL_KINDS else "") + caller.label("all_kinds"),
        callback_data=EventList(ALL_KINDS, 0).data,
    )
    return [buttons[:3], buttons[3:6], [*buttons[6:], everything]]


async def open_event(update: Update, context: AssistantContext) -> None:
    """Open an event from a button."""
    caller = context.caller
    pressed = EventPage.of(update)
    event_id, kind_code, page = pressed.event_id, pressed.kind, pressed.page
    await show_event(update, caller, event_id, kind_code or ALL_KINDS, int(page or 0))


async def show_event(
    update: Update,
    caller: Caller,
    event_id: str,
    kind_code: str = ALL_KINDS,
    page: int = 0,
    extra: Keyboard = (),
) -> None:
    """Render an event's page, or say politely that it is gone; `extra` rows go above "back"."""
    services = caller.services
    listing = await services.catalogue_store.listing(services.catalogue, event_id)
    if listing is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("all_events", EventList(ALL_KINDS, 0))]],
        )
        return
    registration = await services.registrations.of_person_for_event(caller.person.id, event_id)
    refused = await registrations.audience_refusal(caller, listing.event)
    application = None
    if listing.event.by_application:
        application = await services.applications.of_person_for_event(caller.person.id, event_id)
    answers: list[tuple[str, str]] = []
    if registration is not None and registration.is_active and listing.event.questions:
        # The person's answers to the sign-up questions live on their registration's page.
        given = await AnswerRepository(services.database).of_person(caller.person.id)
        if given.get(event_id):
            # Long answers are cut so the page, with its description, fits one message.
            limit = max(ANSWERS_ON_PAGE // len(listing.event.questions), 40)
            answers = registrations.answers_shown(caller, listing.event, given[event_id], limit)
    text, rows = render_event(
        caller, listing, datetime.now(UTC), registration, refused, application, answers
    )
    back = caller.button("back", EventList(kind_code, page))
    await show(update, text, [*rows, *extra, [back, caller.button("home", HOME)]])


def render_event(
    caller: Caller,
    listing: EventListing,
    now: datetime,
    registration: Registration | None,
    refused: str | None = None,
    application: Applicant | None = None,
    answers: Sequence[tuple[str, str]] = (),
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """Return an event's page text and its own buttons (without navigation); `refused`: why
    this person may not sign up for a members-only event, already rendered."""
    event = listing.event
    timezone = caller.services.settings.timezone
    same_day = (
        event.starts_at.astimezone(timezone).date() == event.ends_at.astimezone(timezone).date()
    )
    closed = now >= event.signup_closes_at
    # Already rendered (and escaped) HTML: Markup keeps the page template from escaping it again.
    if registration is not None:
        status = caller.render("registration_status", registration=registration, answers=answers)
    elif application is not None:
        status = caller.render("application_status", application=application)
    else:
        status = ""
    status_line = Markup(status)
    text = caller.render(
        "event_page",
        event=event,
        listing=listing,
        same_day=same_day,
        closed=closed,
        status_line=status_line,
        # A seat the person holds is theirs whatever the count: "full" is for the others.
        held=registration.status if registration is not None and registration.is_active else None,
        refused=Markup(refused) if refused and registration is None else "",
    )
    allowed = refused is None
    if event.by_application and registration is None:
        rows = applications.application_rows(caller, listing, application, closed or not allowed)
    else:
        rows = registrations.registration_rows(caller, listing, registration, closed, allowed)
    active = registration is not None and registration.is_active
    if active and event.questions and now < event.starts_at:
        # Answers to the event's own questions can be changed until it starts.
        rows.append([caller.button("change_answers", ChangeAnswers(event.id))])
    confirmed = registration is not None and registration.status == "confirmed"
    if event.matchmaking is not None and confirmed and event.ends_at > now:
        # A B2B day's participant finds their profile, requests and agenda there.
        rows.append([caller.button("b2b_open", B2bHub(event.id))])
    if event.service_id is not None:
        rows.append([caller.button("open_service", ServicePage(event.service_id))])
    return text, rows


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("events", events_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(events_command, pattern=Menu.pattern(screen="events")),
        CallbackQueryHandler(list_page, pattern=EventList.pattern()),
        CallbackQueryHandler(open_event, pattern=EventPage.pattern()),
    ]
