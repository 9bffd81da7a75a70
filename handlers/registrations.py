"""Signing up, the waiting list, cancelling, calendar files and the person's own list."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.audience import refusal
from bot.domain.forms import NO, YES
from bot.domain.questions import answer_lines, fitting, shortened
from bot.screens.buttons import (
    HOME,
    AccessNeedsConsent,
    CalendarFile,
    CancelRegistration,
    CheckinCode,
    ConfirmCancel,
    EventList,
    EventPage,
    HostConsent,
    Menu,
    MyCertificates,
    SignUp,
)
from bot.screens.notices import calendar_document, checkin_photo
from bot.screens.outgoing import post
from handlers import access_needs
from handlers.replies import show
from storage.answers import AnswerRepository
from storage.applications import ACCEPTED, PENDING, RESERVE, Applicant
from storage.catalogue import EventListing
from storage.certificates import CertificateRepository
from storage.content import Event
from storage.events import calendar_sequence
from storage.privacy import host_purpose
from storage.registrations import Cancellation, EventUnavailable, Registration

logger = logging.getLogger(__name__)
# Applications shown in /my: those still waiting for or holding a place.
APPLYING = (PENDING, ACCEPTED, RESERVE)


@dataclass(frozen=True)
class MyRegistration:
    """An upcoming registration with its event, for the person's list."""

    registration: Registration
    event: Event
    answers: tuple[tuple[str, str], ...] = ()  # the event's own questions, as answered


@dataclass(frozen=True)
class MyApplication:
    """An application to an upcoming event, for the person's list."""

    application: Applicant
    event: Event
    answers: tuple[tuple[str, str], ...] = ()


def yes_no_labels(caller: Caller) -> dict[str, str]:
    """Return how yes and no read in the person's language."""
    return {YES: caller.label("form_yes"), NO: caller.label("form_no")}


def answers_shown(
    caller: Caller, event: Event, answers: dict[str, Any], limit: int | None = None
) -> list[tuple[str, str]]:
    """Return the event's questions with the person's answers, as they read them (each answer
    cut to `limit` characters, when given, so a screen of them fits one message)."""
    lines = answer_lines(event.questions, answers, caller.language, yes_no_labels(caller))
    if limit is None:
        return lines
    return [(question, shortened(answer, limit)) for question, answer in lines]


async def audience_refusal(caller: Caller, event: Event) -> str | None:
    """Return the members-only screen's text when the person may not sign up, else None."""
    if not event.members_only:
        return None
    link = await caller.services.company_links.of_person(caller.person.id)
    reason = refusal(event, link)
    if reason is None:
        return None
    return caller.render(
        "members_only", reason=reason, company=link.name, cluster=caller.services.catalogue.cluster
    )


def registration_rows(
    caller: Caller,
    listing: EventListing,
    registration: Registration | None,
    closed: bool,
    allowed: bool = True,
) -> list[list[InlineKeyboardButton]]:
    """Return the sign-up or cancel buttons an event's page shows this person (`allowed`:
    whether a members-only event lets them sign up)."""
    if registration is not None:
        if listing.event.starts_at <= datetime.now(UTC):
            return []  # once it has started there is nothing left to change
        rows = []
        if registration.status == "confirmed":
            files = [caller.button("calendar_file", CalendarFile(registration.id))]
            if not listing.event.online:
                files.append(caller.button("checkin_code", CheckinCode(registration.id)))
            rows.append(files)
            rows.append([caller.button("cancel_registration", CancelRegistration(registration.id))])
        else:
            rows.append([caller.button("leave_waitlist", CancelRegistration(registration.id))])
        if listing.event.access_needs is not None:
            # The special question again: to answer later, change the answer or withdraw.
            ask = AccessNeedsConsent(listing.event.id, "ask")
            rows.insert(0, [caller.button("access_needs_open", ask)])
        return rows
    if closed or not allowed:
        return []
    label = "join_waitlist" if listing.is_full else "sign_up"
    return [[caller.button(label, SignUp(listing.event.id))]]


async def sign_up(
    update: Update,
    context: AssistantContext,
    caller: Caller,
    event_id: str,
    answers: dict[str, Any] | None = None,
) -> None:
    """Sign the person up (a seat or the waiting list) and confirm with the details."""
    services = caller.services
    listing = await services.catalogue_store.listing(services.catalogue, event_id)
    if listing is None:
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    event = listing.event
    now = datetime.now(UTC)
    if now >= event.signup_closes_at:
        await show(
            update,
            caller.render("signup_closed", event=event, started=now >= event.starts_at),
            [[caller.button("all_events", EventList())]],
        )
        return
    refused = await audience_refusal(caller, event)
    if refused is not None:
        # A forged or old button: the page said so already; nothing is written.
        await show(update, refused, [[caller.button("event_page", EventPage(event.id))]])
        return
    person = caller.person
    company_key = await services.people.company_key(person.id)
    try:
        outcome = await services.registrations.sign_up(
            event, person.id, company_key, person.sector_id, answers=answers
        )
    except EventUnavailable:
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    registration = outcome.registration
    confirmed = registration.status == "confirmed"
    text = caller.render(
        "signed_up",
        event=event,
        registration=registration,
        existing=outcome.existing,
        company_limited=outcome.company_limited,
        with_calendar=confirmed and not outcome.existing,
        reminders_on=person.reminders_on,
    )
    rows = [
        [caller.button("event_page", EventPage(event.id))],
        [caller.button("my_registrations", Menu("my")), caller.button("home", HOME)],
    ]
    await show(update, text, rows)
    if confirmed and not outcome.existing:
        await _send_calendar(context, caller, event, registration.id)
        await _send_checkin_code(context, caller, event, registration)
    if not outcome.existing:
        await ask_host_consent(context, caller, event)
        await access_needs.ask_consent(context, caller, event)


async def ask_host_consent(context: AssistantContext, caller: Caller, event: Event) -> None:
    """Ask, after the sign-up, whether the person's details may go to the event's host abroad.

    A separate, optional explicit consent for this one transfer (KVKK Art. 9, GDPR Art.
    49(1)(a)): the registration stands whatever the answer.
    """
    if event.transfer_abroad is None:
        return
    purpose = host_purpose(event.id)
    if purpose in await caller.services.privacy.in_force(caller.person.id):
        return
    markup = InlineKeyboardMarkup(
        [
            [caller.button("host_share_yes", HostConsent(event.id, "yes"))],
            [caller.button("host_share_no", HostConsent(event.id, "no"))],
        ]
    )
    text = caller.render("host_consent_ask", event=event, transfer=event.transfer_abroad)
    try:
        await context.bot.send_message(caller.person.id, text, reply_markup=markup)
    except Forbidden:
        await caller.services.people.mark_unreachable(caller.person.id)


async def send_seat_files(
    context: AssistantContext, caller: Caller, event: Event, registration: Registration
) -> None:
    """Send a newly confirmed seat's calendar file and (in a place) its check-in code."""
    await _send_calendar(context, caller, event, registration.id)
    await _send_checkin_code(context, caller, event, registration)


async def _send_checkin_code(
    context: AssistantContext, caller: Caller, event: Event, registration: Registration
) -> None:
    """Send the check-in QR code of an in-person event; a failure only logs."""
    services = caller.services
    code = checkin_photo(services.texts, context.bot.username, event, registration, caller.language)
    if code is None:
        return
    try:
        await post(context.bot, caller.person.id, code)
    except Forbidden:
        await services.people.mark_unreachable(caller.person.id)
    except TelegramError:
        # The confirmation went out; a missing code is not worth failing the sign-up.
        logger.exception("Could not send the check-in code to %s", caller.person.id)


async def ask_cancel(update: Update, context: AssistantContext) -> None:
    """Ask the person to confirm cancelling their own registration."""
    caller = context.caller
    found = await _own_active(caller, CancelRegistration.of(update).registration_id)
    if found is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("my_registrations", Menu("my"))]],
        )
        return
    registration, event = found
    if event.starts_at <= datetime.now(UTC):
        await show(
            update,
            caller.render("cancel_too_late", event=event),
            [[caller.button("home", HOME)]],
        )
        return
    rows = [
        [caller.button("confirm_cancel", ConfirmCancel(registration.id))],
        [caller.button("keep_registration", EventPage(event.id))],
    ]
    # The seat passes on only when someone waits for it: say so only then.
    listing = await caller.services.catalogue_store.listing(caller.services.catalogue, event.id)
    waiting = listing is not None and listing.waitlisted > 0
    text = caller.render("cancel_confirm", registration=registration, event=event, waiting=waiting)
    await show(update, text, rows)


async def confirm_cancel(update: Update, context: AssistantContext) -> None:
    """Cancel the registration and pass the seat to the waiting list."""
    caller = context.caller
    found = await _own_active(caller, ConfirmCancel.of(update).registration_id)
    if found is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("my_registrations", Menu("my"))]],
        )
        return
    registration, event = found
    if event.starts_at <= datetime.now(UTC):
        await show(
            update,
            caller.render("cancel_too_late", event=event),
            [[caller.button("home", HOME)]],
        )
        return
    cancellation = await cancel(caller, registration.id, event)
    if cancellation is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("my_registrations", Menu("my"))]],
        )
        return
    rows = [
        [caller.button("event_page", EventPage(event.id))],
        [caller.button("my_registrations", Menu("my")), caller.button("home", HOME)],
    ]
    # Whoever got the seat is told by the outbox: their news was queued with the seat.
    await show(update, caller.render("cancelled", event=event), rows)


async def cancel(caller: Caller, registration_id: int, event: Event) -> Cancellation | None:
    """Cancel the person's registration; a place selected from applications passes down the
    reserve list in the same transaction (or staff are told after the cutoff)."""
    services = caller.services
    if not event.by_application:
        return await services.registrations.cancel(registration_id, caller.person.id, event)
    staff = await services.applications.staff_to_tell(sorted(services.settings.staff_ids))
    return await services.applications.cancel_place(registration_id, caller.person.id, event, staff)


async def calendar_file(update: Update, context: AssistantContext) -> None:
    """Send the calendar file of the person's own confirmed registration."""
    caller = context.caller
    found = await _own_active(caller, CalendarFile.of(update).registration_id)
    if found is None or found[0].status != "confirmed":
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("my_registrations", Menu("my"))]],
        )
        return
    registration, event = found
    await _send_calendar(context, caller, event, registration.id)


async def checkin_code(update: Update, context: AssistantContext) -> None:
    """Send the check-in QR code of the person's own confirmed registration again."""
    caller = context.caller
    found = await _own_active(caller, CheckinCode.of(update).registration_id)
    if found is None or found[0].status != "confirmed" or found[1].online:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("my_registrations", Menu("my"))]],
        )
        return
    registration, event = found
    await _send_checkin_code(context, caller, event, registration)


async def _send_calendar(
    context: AssistantContext, caller: Caller, event: Event, registration_id: int
) -> None:
    services = caller.services
    document = calendar_document(
        services.catalogue.cluster,
        services.settings.timezone,
        event,
        registration_id,
        caller.language,
        await calendar_sequence(services.database, event.id),
    )
    await post(context.bot, caller.person.id, document)


async def _own_active(caller: Caller, registration_id: int) -> tuple[Registration, Event] | None:
    """Return the pressed registration if it is the person's own, active, and its event exists."""
    registration = await caller.services.registrations.get(registration_id)
    if (
        registration is None
        or registration.person_id != caller.person.id
        or not registration.is_active
    ):
        return None
    event = caller.services.catalogue.event(registration.event_id)
    if event is None:
        return None
    return registration, event


async def my_registrations(update: Update, context: AssistantContext) -> None:
    """List the person's upcoming registrations and summarise past ones."""
    caller = context.caller
    now = datetime.now(UTC)
    catalogue = caller.services.catalogue
    upcoming: list[MyRegistration] = []
    past = attended = 0
    given = await AnswerRepository(caller.services.database).of_person(caller.person.id)
    for registration in await caller.services.registrations.of_person(caller.person.id):
        event = catalogue.event(registration.event_id)
        if event is None:
            continue
        if event.starts_at > now and registration.is_active:
            answers = given.get(event.id, {})
            shown = tuple(answers_shown(caller, event, answers)) if answers else ()
            upcoming.append(MyRegistration(registration, event, shown))
        elif event.starts_at <= now and registration.status == "confirmed":
            past += 1
            attended += registration.attended is True
    upcoming.sort(key=lambda item: item.event.starts_at)
    # Applications still waiting for or holding a place, after the registrations.
    applied = []
    for application in await caller.services.applications.of_person(caller.person.id):
        event = catalogue.event(application.event_id)
        if event is not None and event.starts_at > now and application.status in APPLYING:
            answers = given.get(event.id, {})
            shown = tuple(answers_shown(caller, event, answers)) if answers else ()
            applied.append(MyApplication(application, event, shown))
    applied = sorted(applied, key=lambda item: item.event.starts_at)[:5]
    shown_events = [item.event for item in upcoming[:10]] + [item.event for item in applied]
    numbers = [
        InlineKeyboardButton(str(index + 1), callback_data=EventPage(event.id).data)
        for index, event in enumerate(shown_events)
    ]
    certificates = CertificateRepository(caller.services.database)
    has_certificates = bool(await certificates.of_person(caller.person.id))
    rows = [
        numbers[:5],
        numbers[5:10],
        numbers[10:],
        [caller.button("my_certificates", MyCertificates())] if has_certificates else [],
        [caller.button("menu_events", Menu("events")), caller.button("home", HOME)],
    ]
    text = fitting(
        lambda limit: caller.render(
            "my_registrations",
            upcoming=[_brief(item, limit) for item in upcoming[:10]],
            applied=[_brief(item, limit) for item in applied],
            past=past,
            attended=attended,
        )
    )
    await show(update, text, rows)


Listed = TypeVar("Listed", MyRegistration, MyApplication)


def _brief(item: Listed, limit: int) -> Listed:
    """Return the item with its answers cut to `limit` characters (none left at 0)."""
    if limit <= 0:
        return replace(item, answers=())
    return replace(item, answers=tuple((q, shortened(a, limit)) for q, a in item.answers))


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers (sign-up itself enters through the profile form)."""
    return [
        CommandHandler("my", my_registrations, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(my_registrations, pattern=Menu.pattern(screen="my")),
        CallbackQueryHandler(ask_cancel, pattern=CancelRegistration.pattern()),
        CallbackQueryHandler(confirm_cancel, pattern=ConfirmCancel.pattern()),
        CallbackQueryHandler(calendar_file, pattern=CalendarFile.pattern()),
        CallbackQueryHandler(checkin_code, pattern=CheckinCode.pattern()),
    ]
