"""Staff changes to events: publish a new one, change one, or cancel one.

Every change is written in one transaction with its audit entry, the moved or withdrawn
reminders, and the notices to registrants queued in the outbox (sent by the outbox worker within
a second, at the shared rate, even to people who switched reminders off); then the catalogue
is reloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.domain.event_form import EventDraft, event_id_base
from bot.settings import Settings
from storage import events as event_store
from storage.applications import close_for_cancelled_event
from storage.audit import AuditLog
from storage.catalogue import utc_text
from storage.content import (
    Catalogue,
    ContentError,
    Event,
    catalogue_to_document,
    event_to_document,
    parse_catalogue,
)
from storage.database import Database
from storage.outbox import Addressee, announce_event_cancelled, announce_event_change
from storage.questions import Question, question_to_document
from storage.registrations import Registration, RegistrationRepository

# Fields of the event document whose change registrants are told about.
TIME_FIELDS = ("starts_at", "ends_at")
PLACE_FIELDS = ("online", "online_url", "location")


class EventServices(Protocol):
    """What changing events needs of the running assistant (bot.context.Services has it)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def database(self) -> Database: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def registrations(self) -> RegistrationRepository: ...
    @property
    def catalogue(self) -> Catalogue: ...

    async def reload_catalogue(self) -> None:
        """Reload the catalogue after a change, and what is built from it."""


class EventRejected(ValueError):
    """A change that can't be saved as it is; nothing was written."""

    def __init__(self, message: str, content: ContentError | None = None) -> None:
        super().__init__(message)
        # The catalogue's own objection, for staff to read in their language.
        self.content = content


class SeatsTaken(EventRejected):
    """A capacity below the seats confirmed by the time it was saved; nothing was written."""

    def __init__(self, confirmed: int, capacity: int | None) -> None:
        super().__init__(f"{confirmed} seats are confirmed; the capacity can't be lower")
        self.confirmed = confirmed
        self.capacity = capacity  # the event's capacity as it still is


@dataclass(frozen=True)
class EventChange:
    """What a change did: the fields it touched, who got a seat, who was told."""

    before: Event
    after: Event
    fields: tuple[str, ...]
    promoted: tuple[Registration, ...] = ()
    notified: int = 0

    @property
    def moved(self) -> bool:
        """Tell whether the time or the place changed (registrants are told)."""
        return any(name in self.fields for name in TIME_FIELDS + PLACE_FIELDS)


def _document_zone(services: EventServices) -> ZoneInfo:
    return ZoneInfo(services.catalogue.cluster.timezone)


def _read_event(services: EventServices, document: dict[str, Any]) -> Event:
    """Read an event document with the catalogue's own validation, so a reload can't fail."""
    catalogue = services.catalogue
    # Projects stay (an event may name one), without the events they list.
    projects = tuple(replace(project, event_ids=()) for project in catalogue.projects)
    alone = catalogue_to_document(replace(catalogue, events=(), faq=(), projects=projects))
    alone["events"] = [document]
    try:
        return parse_catalogue(alone, "staff").events[0]
    except ValueError as error:
        content = error if isinstance(error, ContentError) else None
        raise EventRejected(str(error), content) from error


def changed_fields(before: Event, after: Event, timezone: ZoneInfo) -> dict[str, Any]:
    """Return {field: {"before": ..., "after": ...}} for every field that differs."""
    old = event_to_document(before, timezone)
    new = event_to_document(after, timezone)
    names = [*new, *(name for name in old if name not in new)]  # the content format's order
    return {
        name: {"before": old.get(name), "after": new.get(name)}
        for name in names
        if old.get(name) != new.get(name)
    }


def apply_edits(services: EventServices, current: Event, started: Event, edited: Event) -> Event:
    """Return `current` with only what differs between `started` and `edited` put on it.

    A change form copies the whole event when it opens; applying only the fields its
    answers changed keeps what a colleague or an import changed meanwhile. Raises
    EventRejected when the result is not a valid event (an end before a new start).
    """
    zone = _document_zone(services)
    moved_by = edited.starts_at - started.starts_at
    if moved_by and current.matchmaking is not None:
        # A B2B day's meeting sessions move with it.
        current = replace(current, matchmaking=current.matchmaking.moved(moved_by))
    document = event_to_document(current, zone)
    for name, change in changed_fields(started, edited, zone).items():
        if change["after"] is None:
            document.pop(name, None)
        else:
            document[name] = change["after"]
    return _read_event(services, document)


async def publish_event(
    services: EventServices, staff_id: int, draft: EventDraft, now: datetime | None = None
) -> Event:
    """Write a new event with its audit entry, and reload the catalogue."""
    moment = now or datetime.now(UTC)
    zone = _document_zone(services)
    _read_event(services, event_to_document(draft.to_event("draft"), zone))
    async with services.database.transaction() as tx:
        event_id = await event_store.free_event_id(
            tx, event_id_base(draft, services.settings.timezone)
        )
        event = draft.to_event(event_id)
        await event_store.create_event(event, zone, moment, tx)
        await services.audit.record(
            staff_id,
            "event.create",
            f"event:{event.id}",
            event_to_document(event, zone),
            tx=tx,
        )
    await services.reload_catalogue()
    return event


async def change_event(
    services: EventServices,
    staff_id: int,
    started: Event,
    edited: Event,
    now: datetime | None = None,
) -> EventChange | None:
    """Save a staff member's edits with an audit entry; promote, and tell registrants of a move.

    `started` is the event as the staff member saw it when the change began and `edited` the
    same with their answers: only the fields that differ are written, onto the event as it
    is stored by now. A new time moves the registrants' reminders and survey, and a lower
    capacity is checked against the seats confirmed by now, in the same transaction (raising
    SeatsTaken). Returns None when the event was cancelled or removed meanwhile.
    """
    moment = now or datetime.now(UTC)
    zone = _document_zone(services)
    notified = 0
    async with services.database.transaction() as tx:
        stored = await event_store.scheduled_document(tx, started.id)
        if stored is None:
            return None
        before = _read_event(services, stored)
        after = apply_edits(services, before, started, edited)
        changes = changed_fields(before, after, zone)
        if not changes:
            return EventChange(before, after, ())
        if "capacity" in changes and after.capacity is not None:
            confirmed = await event_store.confirmed_count(tx, after.id)
            if after.capacity < confirmed:
                raise SeatsTaken(confirmed, before.capacity)
        time_changed = any(name in changes for name in TIME_FIELDS)
        place_changed = any(name in changes for name in PLACE_FIELDS)
        await event_store.update_event(after, zone, moment, tx)
        await services.audit.record(staff_id, "event.update", f"event:{after.id}", changes, tx=tx)
        if time_changed or place_changed:
            notified = await announce_event_change(
                tx,
                services.registrations.plan,
                after.id,
                starts_at=after.starts_at,
                ends_at=after.ends_at,
                times_changed=time_changed,
                payload=change_notice(before, time_changed, place_changed),
                now=moment,
            )
    await services.reload_catalogue()
    current = services.catalogue.event(after.id) or after
    change = EventChange(before, current, tuple(changes), notified=notified)
    if _more_seats(before, current):
        # Their news is queued with their seats; the outbox worker sends it.
        promoted = await services.registrations.promote_waiting(current, moment)
        change = replace(change, promoted=promoted)
    return change


def change_notice(before: Event, time_changed: bool, place_changed: bool) -> dict[str, Any]:
    """Return what a change notice needs to say about the event as it was."""
    location = before.location
    return {
        "time_changed": time_changed,
        "place_changed": place_changed,
        "previous_starts_at": utc_text(before.starts_at),
        "previous_ends_at": utc_text(before.ends_at),
        "previous_online": before.online,
        "previous_location": {"tr": location.tr, "en": location.en} if location else None,
    }


def _more_seats(before: Event, after: Event) -> bool:
    if after.capacity is None:
        return before.capacity is not None
    return before.capacity is not None and after.capacity > before.capacity


async def cancel_event(
    services: EventServices, staff_id: int, event: Event, now: datetime | None = None
) -> int | None:
    """Cancel an event and its registrations, drop its reminders, audit it, tell registrants.

    Returns how many registrants will be told, or None when the event was already gone.
    """
    moment = now or datetime.now(UTC)
    # The event leaves the catalogue, so the notice carries what it needs to say.
    payload: dict[str, Any] = {
        "title": {"tr": event.title.tr, "en": event.title.en},
        "starts_at": utc_text(event.starts_at),
    }
    async with services.database.transaction() as tx:
        registrants = await event_store.cancel_event(event.id, moment, tx)
        if registrants is None:
            return None
        # Someone on the waiting list held no seat: their notice says so.
        payload["waitlisted"] = [r.registration_id for r in registrants if r.status == "waitlisted"]
        told = await announce_event_cancelled(
            tx,
            event.id,
            [Addressee(r.registration_id, r.person_id) for r in registrants],
            payload,
            moment,
        )
        # Applicants still waiting, on the reserve list or offered a place are told too.
        told += await close_for_cancelled_event(tx, event.id, payload, moment)
        await services.audit.record(
            staff_id,
            "event.cancel",
            f"event:{event.id}",
            {
                "confirmed": sum(r.status == "confirmed" for r in registrants),
                "waitlisted": sum(r.status == "waitlisted" for r in registrants),
            },
            tx=tx,
        )
    await services.reload_catalogue()
    return told


async def set_questions(
    services: EventServices,
    staff_id: int,
    event_id: str,
    questions: tuple[Question, ...],
    now: datetime | None = None,
) -> Event | None:
    """Replace an event's own registration questions, with an audit entry.

    Answers already given stay with the registrations; a question removed is no longer shown.
    Returns None when the event was cancelled or removed meanwhile; raises EventRejected when
    the questions are not valid content.
    """
    moment = now or datetime.now(UTC)
    zone = _document_zone(services)
    async with services.database.transaction() as tx:
        stored = await event_store.scheduled_document(tx, event_id)
        if stored is None:
            return None
        document = dict(stored)
        document.pop("questions", None)
        if questions:
            document["questions"] = [question_to_document(question) for question in questions]
        after = _read_event(services, document)
        await event_store.update_event(after, zone, moment, tx)
        await services.audit.record(
            staff_id,
            "event.questions",
            f"event:{event_id}",
            {"questions": [question.id for question in questions]},
            tx=tx,
        )
    await services.reload_catalogue()
    return services.catalogue.event(event_id) or after
