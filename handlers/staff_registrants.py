"""One registrant, from an event's attendee list: staff cancel their place or give a waiting
person a free seat by hand (rules in bot/domain/seats.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.forms import ChoiceStep, Flow, Moved, TextStep
from bot.domain.seats import REASON_LIMIT, cancel_seat, give_seat
from bot.screens.buttons import (
    AttendeeList,
    StaffCancelRegistrant,
    StaffGiveSeat,
    StaffRegistrant,
)
from handlers.forms import Form, FormCall, close_form, open_form, step_keyboard
from handlers.replies import show, show_staff_gone
from handlers.staff_access import staff
from storage.attendees import CONFIRMED, WAITLISTED, Attendee, AttendeeRepository
from storage.content import Event
from storage.registrations import NoSeatFree, place_free_now

CONFIRM = "yes"
FORM_TIMEOUT = timedelta(minutes=30)


async def _found(caller: Caller, registration_id: int) -> tuple[Attendee, Event] | None:
    """Return the registrant and their event, if both still exist."""
    attendee = await AttendeeRepository(caller.services.database).get(registration_id)
    if attendee is None:
        return None
    event = caller.services.catalogue.event(attendee.event_id)
    return (attendee, event) if event is not None else None


def _list_of(attendee: Attendee) -> AttendeeList:
    return AttendeeList("w" if attendee.status == WAITLISTED else "c", attendee.event_id)


async def show_registrant(
    update: Update, caller: Caller, registration_id: int, notice: str = "", **details: object
) -> None:
    """Render one registrant's card with what staff may do about their place."""
    found = await _found(caller, registration_id)
    if found is None:
        await show_staff_gone(update, caller)
        return
    attendee, event = found
    services = caller.services
    registration = await services.registrations.get(registration_id)
    position = registration.position if registration is not None else None
    upcoming = event.starts_at > datetime.now(UTC)
    active = attendee.status in (CONFIRMED, WAITLISTED)
    free = await place_free_now(services.database, event)
    manage = caller.can(Ability.MANAGE)
    rows: list[list[InlineKeyboardButton]] = []
    # Places chosen from applications are given on the applications' screens, not by hand.
    if manage and upcoming and attendee.status == WAITLISTED and free and not event.by_application:
        rows.append([caller.button("staff_give_seat", StaffGiveSeat(registration_id))])
    if manage and upcoming and active:
        rows.append(
            [caller.button("staff_cancel_registrant", StaffCancelRegistrant(registration_id))]
        )
    rows.append([caller.button("staff_back_to_list", _list_of(attendee))])
    text = caller.render(
        "staff_registrant",
        attendee=attendee,
        event=event,
        position=position,
        free=free,
        upcoming=upcoming,
        notice=notice,
        details=details,
    )
    await show(update, text, rows)


async def registrant_pressed(update: Update, context: AssistantContext) -> None:
    """Open a registrant's card from the attendee list."""
    await show_registrant(update, context.caller, StaffRegistrant.of(update).registration_id)


# -- giving a waiting person a seat by hand --------------------------------------------------


async def give_seat_pressed(update: Update, context: AssistantContext) -> None:
    """Ask to confirm giving a waiting person a free seat, then give it."""
    caller = context.caller
    pressed = StaffGiveSeat.of(update)
    registration_id = pressed.registration_id
    found = await _found(caller, registration_id)
    if found is None:
        await show_staff_gone(update, caller)
        return
    attendee, event = found
    if event.by_application:
        await show_registrant(update, caller, registration_id, "applied")
        return
    if event.starts_at <= datetime.now(UTC):
        await show_registrant(update, caller, registration_id, "started")
        return
    if pressed.confirmed == "n":
        rows = [
            [caller.button("staff_confirm_give_seat", StaffGiveSeat(registration_id, "y"))],
            [caller.button("staff_keep_waiting", StaffRegistrant(registration_id))],
        ]
        await show(update, caller.render("staff_give_seat", attendee=attendee, event=event), rows)
        return
    try:
        promoted = await give_seat(caller.services, caller.person.id, registration_id, event)
    except NoSeatFree:
        await show_registrant(update, caller, registration_id, "full")
        return
    # A colleague was quicker, or they left the list themselves: the card says where it stands.
    notice = "promoted" if promoted is not None else "not_waiting"
    await show_registrant(update, caller, registration_id, notice)


# -- cancelling a registrant's place ---------------------------------------------------------


class CancelRegistrantForm(Form):
    """Why the place is cancelled (optional, told to the person), then the confirmation."""

    kind = "registrant_cancel"
    code = "rx"
    ability = Ability.MANAGE
    closed_template = "staff_registrant_cancel_closed"
    flow = Flow(
        kind,
        (
            TextStep("reason", back=False, optional=True, limit=REASON_LIMIT),
            ChoiceStep("confirm"),
        ),
    )

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    def options(self, call: FormCall) -> Sequence[tuple[str, str]]:
        if call.state.step == "confirm":
            return [(CONFIRM, call.caller.label("staff_confirm_cancel_registrant"))]
        return ()

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        registration_id = int(call.state.subject or 0)
        found = await _found(caller, registration_id)
        if found is None or found[0].status not in (CONFIRMED, WAITLISTED):
            await close_form(call.services, caller.person.id, self.kind)
            await show_registrant(call.update, caller, registration_id, "not_active")
            return
        attendee, event = found
        listing = await call.services.catalogue_store.listing(call.services.catalogue, event.id)
        text = caller.render(
            "staff_registrant_cancel",
            step=call.state.step,
            attendee=attendee,
            event=event,
            reason=call.state.answers.get("reason"),
            problem=reason,
            limit=REASON_LIMIT,
            waiting=listing.waitlisted if listing is not None else 0,
            told=attendee.person_id is not None,
        )
        keep = [caller.button("staff_keep_registrant", StaffRegistrant(registration_id))]
        await show(call.update, text, [*step_keyboard(call, self), keep])

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        await call.acknowledge()
        registration_id = int(call.state.subject or 0)
        found = await _found(caller, registration_id)
        if found is None:
            await show_staff_gone(call.update, caller)
            return None
        event = found[1]
        if event.starts_at <= datetime.now(UTC):
            await show_registrant(call.update, caller, registration_id, "started")
            return None
        reason = call.state.answers.get("reason") or None
        services = caller.services
        # At an event where staff select, the team hears of a place nobody is left to take.
        staff = await services.applications.staff_to_tell(sorted(services.settings.staff_ids))
        outcome = await cancel_seat(
            services, caller.person.id, registration_id, event, reason, staff
        )
        if outcome is None:
            await show_registrant(call.update, caller, registration_id, "not_active")
            return None
        await show_registrant(
            call.update,
            caller,
            registration_id,
            "cancelled",
            told=outcome.told,
            promoted=len(outcome.cancellation.promoted),
        )
        return None


CANCEL_REGISTRANT = CancelRegistrantForm()


async def cancel_pressed(update: Update, context: AssistantContext) -> None:
    """Start cancelling a registrant's place: an optional reason, then the confirmation."""
    caller = context.caller
    registration_id = StaffCancelRegistrant.of(update).registration_id
    found = await _found(caller, registration_id)
    if found is None:
        await show_staff_gone(update, caller)
        return
    attendee, event = found
    if attendee.status not in (CONFIRMED, WAITLISTED):
        await show_registrant(update, caller, registration_id, "not_active")
        return
    if event.starts_at <= datetime.now(UTC):
        await show_registrant(update, caller, registration_id, "started")
        return
    await open_form(update, context, caller, CANCEL_REGISTRANT, subject=str(registration_id))


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return [
        *staff(
            Ability.READ,
            [CallbackQueryHandler(registrant_pressed, pattern=StaffRegistrant.pattern())],
        ),
        *staff(
            Ability.MANAGE,
            [
                CallbackQueryHandler(give_seat_pressed, pattern=StaffGiveSeat.pattern()),
                CallbackQueryHandler(cancel_pressed, pattern=StaffCancelRegistrant.pattern()),
            ],
        ),
    ]
