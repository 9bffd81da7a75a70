"""Applying to an event where staff select: apply, hear the decision, confirm or give back.

"Apply" collects the profile and the event's own questions (handlers/event_questions.py) like
a sign-up, then records a pending application. Decisions reach the person through the outbox
(bot/outbox/kinds.py); an accepted person confirms here, which makes their registration, or
gives the place back; anyone can withdraw before the event, and the place passes on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.screens.buttons import (
    HOME,
    ConfirmPlace,
    EventList,
    EventPage,
    Menu,
    SignUp,
    WithdrawApplication,
)
from handlers import registrations
from handlers.replies import show
from storage.applications import ACCEPTED, PENDING, RESERVE, WITHDRAWABLE, Applicant
from storage.catalogue import EventListing

# What the person still holds or waits for, shown in /my and on the event's page.
ACTIVE = (PENDING, ACCEPTED, RESERVE)


def application_rows(
    caller: Caller, listing: EventListing, application: Applicant | None, closed: bool
) -> list[list[InlineKeyboardButton]]:
    """Return the buttons an application event's page shows the person."""
    event = listing.event
    if event.starts_at <= datetime.now(UTC):
        return []
    if application is None or application.status not in WITHDRAWABLE:
        if closed:
            return []
        return [[caller.button("apply", SignUp(event.id))]]
    rows = []
    if application.status == ACCEPTED and application.told:
        rows.append([caller.button("confirm_place", ConfirmPlace(application.id))])
        rows.append([caller.button("give_back_place", WithdrawApplication(application.id))])
    elif application.status in (PENDING, RESERVE, ACCEPTED):
        rows.append([caller.button("withdraw_application", WithdrawApplication(application.id))])
    return rows


async def apply(
    update: Update,
    context: AssistantContext,
    caller: Caller,
    event_id: str,
    answers: dict[str, Any] | None = None,
) -> None:
    """Record the person's application and say what happens next."""
    services = caller.services
    event = services.catalogue.event(event_id)
    now = datetime.now(UTC)
    if event is None:
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    existing = await services.applications.of_person_for_event(caller.person.id, event_id)
    if now >= event.signup_closes_at and (existing is None or existing.status not in ACTIVE):
        await show(
            update,
            caller.render("signup_closed", event=event, started=now >= event.starts_at),
            [[caller.button("all_events", EventList())]],
        )
        return
    person = caller.person
    company_key = await services.people.company_key(person.id)
    applied = await services.applications.apply(
        event, person.id, company_key, person.sector_id, answers, now
    )
    if applied is None:
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    rows = [
        [caller.button("event_page", EventPage(event.id))],
        [caller.button("my_registrations", Menu("my")), caller.button("home", HOME)],
    ]
    text = caller.render(
        "applied", event=event, application=applied.application, existing=applied.existing
    )
    await show(update, text, rows)


async def confirm_place(update: Update, context: AssistantContext) -> None:
    """Take the place the person was offered, if it is still theirs to take."""
    caller = context.caller
    services = caller.services
    application = await services.applications.get(ConfirmPlace.of(update).application_id)
    event = services.catalogue.event(application.event_id) if application else None
    if application is None or event is None or application.person_id != caller.person.id:
        await _unavailable(update, caller)
        return
    outcome, fresh = await services.applications.confirm(application.id, caller.person.id, event)
    if outcome != "done" or fresh is None or fresh.registration_id is None:
        text = caller.render(
            "place_unavailable", event=event, outcome=outcome, application=fresh or application
        )
        await show(update, text, [[caller.button("my_registrations", Menu("my"))]])
        return
    registration = await services.registrations.get(fresh.registration_id)
    assert registration is not None
    rows = [
        [caller.button("event_page", EventPage(event.id))],
        [caller.button("my_registrations", Menu("my")), caller.button("home", HOME)],
    ]
    text = caller.render("place_confirmed", event=event, reminders_on=caller.person.reminders_on)
    await show(update, text, rows)
    await registrations.send_seat_files(context, caller, event, registration)
    await registrations.ask_host_consent(context, caller, event)


async def withdraw(update: Update, context: AssistantContext) -> None:
    """Ask first, then withdraw the application or give back the place; it passes on."""
    caller = context.caller
    services = caller.services
    pressed = WithdrawApplication.of(update)
    application = await services.applications.get(pressed.application_id)
    event = services.catalogue.event(application.event_id) if application else None
    if (
        application is None
        or event is None
        or application.person_id != caller.person.id
        or application.status not in WITHDRAWABLE
        or event.starts_at <= datetime.now(UTC)
    ):
        await _unavailable(update, caller)
        return
    if pressed.sure == "0":
        rows = [
            [caller.button("withdraw_yes", WithdrawApplication(application.id, "1"))],
            [caller.button("withdraw_keep", EventPage(event.id))],
        ]
        text = caller.render("withdraw_confirm", event=event, application=application)
        await show(update, text, rows)
        return
    staff = await services.applications.staff_to_tell(sorted(services.settings.staff_ids))
    done = await services.applications.withdraw(application.id, caller.person.id, event, staff)
    if done is None:
        await _unavailable(update, caller)
        return
    rows = [[caller.button("my_registrations", Menu("my")), caller.button("home", HOME)]]
    await show(update, caller.render("withdrawn", event=event, was=application.status), rows)


async def _unavailable(update: Update, caller: Caller) -> None:
    await show(
        update, caller.render("not_available"), [[caller.button("my_registrations", Menu("my"))]]
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers (applying itself enters through the profile form)."""
    return [
        CallbackQueryHandler(confirm_place, pattern=ConfirmPlace.pattern()),
        CallbackQueryHandler(withdraw, pattern=WithdrawApplication.pattern()),
    ]
