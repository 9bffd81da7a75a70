"""Staff changes to events: a draft checked answer by answer, then publish, change or cancel.

Every change is written in one transaction with its audit entry, the moved or withdrawn
reminders, and the notices to registrants queued in the outbox (sent by the dispatcher within
a second, at the shared rate, even to members who switched reminders off); then the catalogue
is reloaded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import ExtBot

from bot.catalogue import (
    Event,
    Phrases,
    Text,
    catalogue_to_document,
    event_to_document,
    parse_catalogue,
)
from bot.cluster import Cluster
from bot.notices import tell_promoted
from bot.profile import clean_line
from storage import events as event_store
from storage.catalogue import utc_text
from storage.deliveries import Attendee, announce_event_cancelled, announce_event_change
from storage.registrations import Registration

TITLE_LIMIT = 150
DESCRIPTION_LIMIT = 2500
PLACE_LIMIT = 200
URL_LIMIT = 500
CAPACITY_LIMIT = 100_000
SLUG_LIMIT = 36  # leaves room for "-2027-01" and "-12" inside the 48-character id

# The questions of the new-event form, in the order they are asked.
STEPS = (
    "kind",
    "title_tr",
    "title_en",
    "description_tr",
    "description_en",
    "starts",
    "ends",
    "place",
    "location_tr",
    "location_en",
    "online_url",
    "capacity",
    "deadline",
    "sectors",
    "max_per_company",
)
PREVIEW = "preview"
# What a staff member can change from an event's page, and the questions each change asks.
CHANGES = {
    "title": ("title_tr", "title_en"),
    "description": ("description_tr", "description_en"),
    "time": ("starts", "ends"),
    "place": ("place", "location_tr", "location_en", "online_url"),
    "capacity": ("capacity",),
    "deadline": ("deadline",),
}
# Fields of the event document whose change registrants are told about.
TIME_FIELDS = ("starts_at", "ends_at")
PLACE_FIELDS = ("online", "online_url", "location")

_TURKISH_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_ASCII = str.maketrans({"ı": "i", "ğ": "g", "ü": "u", "ş": "s", "ö": "o", "ç": "c"})
_DATE_TIME = re.compile(
    r"^(?:(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"(?:[ T]+|\s*,\s*)(?P<h>\d{1,2})[:.](?P<min>\d{2})$"
)
_TIME_ONLY = re.compile(r"^(?P<h>\d{1,2})[:.](?P<min>\d{2})$")
# Draft attributes whose name differs from their question's.
_FIELDS = {"starts": "starts_at", "ends": "ends_at"}
_SKIPPABLE = ("title_en", "description_en", "location_en", "deadline", "max_per_company")
_UNLIMITED = {"sınırsız", "sinirsiz", "limitsiz", "unlimited", "no limit", "none", "yok", "-"}

Answer = tuple[Any, str | None]


@dataclass
class EventDraft:
    """A new event, or a change to one, as the staff member's answers fill it in."""

    event_id: str | None = None  # the event being changed; None while creating one
    asking: tuple[str, ...] = STEPS
    step: str = "kind"
    kind: str | None = None
    title_tr: str | None = None
    title_en: str | None = None
    description_tr: str | None = None
    description_en: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    online: bool = False
    location_tr: str | None = None
    location_en: str | None = None
    online_url: str | None = None
    capacity: int | None = None
    deadline: datetime | None = None
    sectors: list[str] = field(default_factory=list)
    max_per_company: int | None = None
    service_id: str | None = None
    language: str = "tr"
    keywords: Phrases = field(default_factory=Phrases)
    seats_taken: int = 0  # confirmed seats: a capacity below this is refused
    preview_language: str | None = None

    @classmethod
    def changing(cls, event: Event, change: str, seats_taken: int) -> EventDraft:
        """Return a draft holding the event as it is, asking only the questions of `change`."""
        asking = CHANGES[change]
        return cls(
            event_id=event.id,
            asking=asking,
            step=asking[0],
            kind=event.kind,
            title_tr=event.title.tr,
            title_en=event.title.en,
            description_tr=event.description.tr,
            description_en=event.description.en,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            online=event.online,
            location_tr=event.location.tr if event.location else None,
            location_en=event.location.en if event.location else None,
            online_url=event.online_url,
            capacity=event.capacity,
            deadline=event.registration_deadline,
            sectors=list(event.sectors),
            max_per_company=event.max_per_company,
            service_id=event.service_id,
            language=event.language,
            keywords=event.keywords,
            seats_taken=seats_taken,
        )

    @property
    def is_change(self) -> bool:
        """Tell whether the draft changes an existing event."""
        return self.event_id is not None

    def applies(self, step: str) -> bool:
        """Tell whether a question is asked for this draft: a place or a link, not both."""
        if step in ("location_tr", "location_en"):
            return not self.online
        if step == "online_url":
            return self.online
        return True

    def next_step(self, after: str) -> str:
        """Return the question after `after`, or the preview when none is left."""
        if (
            self.is_change
            and after == "ends"
            and self.deadline is not None
            and self.starts_at is not None
            and self.deadline > self.starts_at
        ):
            return "deadline"  # the old deadline falls after the new start: ask again
        later = STEPS[STEPS.index(after) + 1 :] if after in STEPS else ()
        for step in later:
            if step in self.asking and self.applies(step):
                return step
        return PREVIEW

    def answer(self, text: str, timezone: ZoneInfo, now: datetime) -> str | None:
        """Take a typed answer to the current question; return why it can't be used, if so."""
        step = self.step
        value: Any
        if step in ("title_tr", "title_en"):
            value, reason = check_title(text)
        elif step in ("description_tr", "description_en"):
            value, reason = check_description(text)
        elif step in ("location_tr", "location_en"):
            value, reason = check_place(text)
        elif step == "online_url":
            value, reason = check_url(text)
        elif step == "starts":
            value, reason = check_start(text, timezone, now)
        elif step == "ends" and self.starts_at is not None:
            value, reason = check_end(text, self.starts_at, timezone)
        elif step == "deadline" and self.starts_at is not None:
            value, reason = check_deadline(text, self.starts_at, timezone, now)
        elif step == "capacity":
            value, reason = check_capacity(text, self.seats_taken)
        elif step == "max_per_company":
            value, reason = check_per_company(text)
        else:
            return "choose"
        if reason is None:
            setattr(self, _FIELDS.get(step, step), value)
        return reason

    def skip(self) -> None:
        """Leave out an optional answer: the Turkish text, no deadline, no company limit."""
        if self.step in _SKIPPABLE:
            setattr(self, _FIELDS.get(self.step, self.step), None)

    def keep(self) -> str | None:
        """Keep the current answer while changing an event; return why it no longer fits."""
        if (
            self.step == "ends"
            and self.starts_at is not None
            and self.ends_at is not None
            and self.ends_at <= self.starts_at
        ):
            return "before_start"
        if (
            self.step == "deadline"
            and self.deadline is not None
            and self.starts_at is not None
            and self.deadline > self.starts_at
        ):
            return "deadline_conflict"
        return None

    def to_event(self, event_id: str) -> Event:
        """Return the event the draft describes."""
        assert self.kind and self.title_tr and self.description_tr
        assert self.starts_at is not None and self.ends_at is not None
        # An online event may keep a place it already had; choosing "online" drops it.
        keeps_place = not self.online or "place" not in self.asking
        location = None
        if self.location_tr and keeps_place:
            location = Text(self.location_tr, self.location_en or self.location_tr)
        return Event(
            id=event_id,
            kind=self.kind,
            service_id=self.service_id,
            title=Text(self.title_tr, self.title_en or self.title_tr),
            description=Text(self.description_tr, self.description_en or self.description_tr),
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            location=location,
            online=self.online,
            online_url=self.online_url if self.online else None,
            capacity=self.capacity,
            registration_deadline=self.deadline,
            sectors=tuple(self.sectors),
            language=self.language,
            max_per_company=self.max_per_company,
            keywords=self.keywords,
        )


# -- answers ---------------------------------------------------------------------------


def check_line(text: str, limit: int) -> Answer:
    """Return a one-line answer (a title, a place), or the reason it can't be used."""
    line = clean_line(text)
    if not line:
        return None, "empty"
    if len(line) > limit:
        return None, "too_long"
    return line, None


def check_title(text: str) -> Answer:
    """Return a title, or the reason it can't be used."""
    return check_line(text, TITLE_LIMIT)


def check_place(text: str) -> Answer:
    """Return a place, or the reason it can't be used."""
    return check_line(text, PLACE_LIMIT)


def check_description(text: str) -> Answer:
    """Return a description with its line breaks, or the reason it can't be used."""
    lines = [clean_line(line) for line in text.replace("\r", "").split("\n")]
    description = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not description:
        return None, "empty"
    if len(description) > DESCRIPTION_LIMIT:
        return None, "too_long"
    return description, None


def check_url(text: str) -> Answer:
    """Return an http(s) link, or the reason it is not one."""
    url = text.strip()
    if len(url) > URL_LIMIT:
        return None, "too_long"
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", url, flags=re.IGNORECASE):
        return None, "url"
    return url, None


def parse_local_time(text: str, timezone: ZoneInfo) -> datetime | None:
    """Read "19.01.2027 09:30" or "2027-01-19 09:30" in the cluster's zone; return UTC."""
    match = _DATE_TIME.match(clean_line(text))
    if match is None:
        return None
    parts = match.groupdict()
    year = parts["y"] or parts["iy"]
    month = parts["m"] or parts["im"]
    day = parts["d"] or parts["id"]
    try:
        local = datetime(
            int(year), int(month), int(day), int(parts["h"]), int(parts["min"]), tzinfo=timezone
        )
    except ValueError:
        return None
    return local.astimezone(UTC)


def check_start(text: str, timezone: ZoneInfo, now: datetime) -> Answer:
    """Return a start time in the future, or the reason it can't be used."""
    moment = parse_local_time(text, timezone)
    if moment is None:
        return None, "moment"
    if moment <= now:
        return None, "past"
    return moment, None


def check_end(text: str, starts_at: datetime, timezone: ZoneInfo) -> Answer:
    """Return an end time after the start; a bare "17:00" means the start's day."""
    moment = parse_local_time(text, timezone)
    bare = _TIME_ONLY.match(clean_line(text))
    if moment is None and bare is not None:
        start_day = starts_at.astimezone(timezone)
        try:
            local = start_day.replace(hour=int(bare["h"]), minute=int(bare["min"]))
        except ValueError:
            return None, "moment"
        moment = local.astimezone(UTC)
    if moment is None:
        return None, "moment"
    if moment <= starts_at:
        return None, "before_start"
    return moment, None


def check_deadline(text: str, starts_at: datetime, timezone: ZoneInfo, now: datetime) -> Answer:
    """Return a sign-up deadline between now and the start."""
    moment = parse_local_time(text, timezone)
    if moment is None:
        return None, "moment"
    if moment <= now:
        return None, "past"
    if moment > starts_at:
        return None, "after_start"
    return moment, None


def _number(text: str) -> int | None:
    digits = clean_line(text).replace(".", "").replace(" ", "")
    return int(digits) if digits.isdigit() else None


def check_capacity(text: str, seats_taken: int) -> Answer:
    """Return a number of seats, None for "unlimited", or the reason it can't be used."""
    if clean_line(text).lower() in _UNLIMITED:
        return None, None
    number = _number(text)
    if number is None or number < 1 or number > CAPACITY_LIMIT:
        return None, "number"
    if number < seats_taken:
        return None, "below_taken"
    return number, None


def check_per_company(text: str) -> Answer:
    """Return the most people one company may send, or the reason it can't be used."""
    number = _number(text)
    if number is None or number < 1 or number > CAPACITY_LIMIT:
        return None, "number"
    return number, None


def slug(title: str) -> str:
    """Fold a Turkish title into an id: "Yalın Üretim Eğitimi" -> "yalin-uretim-egitimi"."""
    lowered = unicodedata.normalize("NFKC", title).translate(_TURKISH_LOWER).lower()
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_ASCII))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.findall(r"[a-z0-9]+", plain)
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > SLUG_LIMIT:
            break
        text = f"{text}-{word}" if text else word
    return text or (words[0][:SLUG_LIMIT] if words else "event")


def event_id_base(draft: EventDraft, timezone: ZoneInfo) -> str:
    """Return the id a new event is given before de-duplication: title slug and month."""
    assert draft.title_tr is not None and draft.starts_at is not None
    month = draft.starts_at.astimezone(timezone).strftime("%Y-%m")
    return f"{slug(draft.title_tr)}-{month}"


# -- changes ----------------------------------------------------------------------------


class EventRejected(ValueError):
    """An event the catalogue would refuse to load; nothing was written."""


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


def _document_zone(cluster: Cluster) -> ZoneInfo:
    return ZoneInfo(cluster.catalogue.cluster.timezone)


def _check_loadable(cluster: Cluster, event: Event) -> None:
    """Run the event through the catalogue's own validation, so a reload can never fail."""
    alone = replace(cluster.catalogue, events=(event,), faq=())
    try:
        parse_catalogue(catalogue_to_document(alone), "staff")
    except ValueError as error:
        raise EventRejected(str(error)) from error


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


async def publish_event(
    cluster: Cluster, staff_id: int, draft: EventDraft, now: datetime | None = None
) -> Event:
    """Write a new event with its audit entry, and reload the catalogue."""
    moment = now or datetime.now(UTC)
    zone = _document_zone(cluster)
    _check_loadable(cluster, draft.to_event("draft"))
    async with cluster.database.transaction() as tx:
        event_id = await event_store.free_event_id(
            tx, event_id_base(draft, cluster.settings.timezone)
        )
        event = draft.to_event(event_id)
        await event_store.create_event(event, zone, moment, tx)
        await cluster.audit.record(
            staff_id,
            "event.create",
            f"event:{event.id}",
            event_to_document(event, zone),
            tx=tx,
        )
    await cluster.reload_catalogue()
    return event


async def change_event(
    bot: ExtBot[None],
    cluster: Cluster,
    staff_id: int,
    before: Event,
    after: Event,
    now: datetime | None = None,
) -> EventChange | None:
    """Write a changed event with its audit entry; promote, and tell registrants of a move.

    A new time moves the registrants' reminders and survey in the same transaction.
    Returns None when the event was cancelled or removed meanwhile.
    """
    moment = now or datetime.now(UTC)
    zone = _document_zone(cluster)
    _check_loadable(cluster, after)
    changes = changed_fields(before, after, zone)
    if not changes:
        return EventChange(before, after, ())
    time_changed = any(name in changes for name in TIME_FIELDS)
    place_changed = any(name in changes for name in PLACE_FIELDS)
    notified = 0
    async with cluster.database.transaction() as tx:
        if not await event_store.update_event(after, zone, moment, tx):
            return None
        await cluster.audit.record(staff_id, "event.update", f"event:{after.id}", changes, tx=tx)
        if time_changed or place_changed:
            notified = await announce_event_change(
                tx,
                cluster.registrations.plan,
                after.id,
                starts_at=after.starts_at,
                ends_at=after.ends_at,
                times_changed=time_changed,
                payload=change_notice(before, time_changed, place_changed),
                now=moment,
            )
    await cluster.reload_catalogue()
    current = cluster.catalogue.event(after.id) or after
    change = EventChange(before, current, tuple(changes), notified=notified)
    if _more_seats(before, current):
        promoted = await cluster.registrations.promote_waiting(current)
        await tell_promoted(bot, cluster, current, promoted)
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
    cluster: Cluster, staff_id: int, event: Event, now: datetime | None = None
) -> int | None:
    """Cancel an event and its registrations, drop its reminders, audit it, tell registrants.

    Returns how many registrants will be told, or None when the event was already gone.
    """
    moment = now or datetime.now(UTC)
    # The event leaves the catalogue, so the notice carries what it needs to say.
    payload = {
        "title": {"tr": event.title.tr, "en": event.title.en},
        "starts_at": utc_text(event.starts_at),
    }
    async with cluster.database.transaction() as tx:
        registrants = await event_store.cancel_event(event.id, moment, tx)
        if registrants is None:
            return None
        told = await announce_event_cancelled(
            tx,
            event.id,
            [Attendee(r.registration_id, r.member_id) for r in registrants],
            payload,
            moment,
        )
        await cluster.audit.record(
            staff_id,
            "event.cancel",
            f"event:{event.id}",
            {
                "confirmed": sum(r.status == "confirmed" for r in registrants),
                "waitlisted": sum(r.status == "waitlisted" for r in registrants),
            },
            tx=tx,
        )
    await cluster.reload_catalogue()
    return told
