"""The staff event form: a new event, or a change to one, filled in answer by answer.

Each typed answer is checked and, when it can't be used, the reason is returned for the
form to ask again; the finished draft becomes an event with an id slugged from its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.counts import number_in_words, without_unit
from bot.domain.moments import read_clock, read_moment
from bot.domain.profile import clean_line, fold_turkish
from storage.content import (
    DEFAULT_CONFIRM_DAYS,
    DEFAULT_RESERVE_CUTOFF_DAYS,
    DESCRIPTION_LIMIT,
    LOCATION_LIMIT,
    TITLE_LIMIT,
    URL_LIMIT,
    Event,
    Phrases,
    Text,
)

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
    "audience",
    "certificate",
    "selection",
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
    "audience": ("audience",),
    "certificate": ("certificate",),
    "selection": ("selection",),
    # Asked only when changing an event: which funded project it counts for (or none).
    "project": ("project",),
}
# Draft attributes whose name differs from their question's.
_FIELDS = {"starts": "starts_at", "ends": "ends_at"}
_SKIPPABLE = ("title_en", "description_en", "location_en", "deadline", "max_per_company")
_UNLIMITED = {"sınırsız", "sinirsiz", "limitsiz", "unlimited", "no limit", "none", "yok", "-"}

Answer = tuple[Any, str | None]


@dataclass
class EventDraft:
    """A new event, or a change to one, as the staff member's answers fill it in."""

    # The event being changed as it was when the change began; None while creating one.
    # Only what the answers change from it is saved, onto the event as it is by then.
    started: Event | None = None
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
    audience: str = "all"  # who may sign up: everyone, or member companies only
    certificate: bool = False  # those present get a certificate of participation
    selection: str = "open"  # who gets a place: the first to sign up, or staff's selection
    # An application event's dates, kept as they are (the content file sets them).
    decision_at: datetime | None = None
    confirm_days: int = DEFAULT_CONFIRM_DAYS
    reserve_cutoff_days: int = DEFAULT_RESERVE_CUTOFF_DAYS
    project_id: str | None = None  # the funded project it counts for
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
            started=event,
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
            audience=event.audience,
            certificate=event.certificate,
            selection=event.selection,
            decision_at=event.decision_at,
            confirm_days=event.confirm_days,
            reserve_cutoff_days=event.reserve_cutoff_days,
            project_id=event.project_id,
            service_id=event.service_id,
            language=event.language,
            keywords=event.keywords,
            seats_taken=seats_taken,
        )

    @property
    def event_id(self) -> str | None:
        """Return the id of the event being changed; None while creating one."""
        return self.started.id if self.started is not None else None

    @property
    def is_change(self) -> bool:
        """Tell whether the draft changes an existing event."""
        return self.started is not None

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
            value, reason = check_end(text, self.starts_at, timezone, now)
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

    def to_answers(self) -> dict[str, Any]:
        """Return the draft as JSON values, to keep it with the open form."""
        answers: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "started":
                value = None if value is None else event_to_answers(value)
            elif item.name == "keywords":
                value = {"tr": list(value.tr), "en": list(value.en)}
            elif isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            answers[item.name] = value
        return answers

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> EventDraft:
        """Return the draft `to_answers` kept."""
        values = dict(answers)
        started = values.pop("started")
        keywords = values.pop("keywords")
        for name in ("starts_at", "ends_at", "deadline", "decision_at"):
            if values.get(name) is not None:
                values[name] = datetime.fromisoformat(values[name])
        return cls(
            started=None if started is None else event_from_answers(started),
            keywords=Phrases(tuple(keywords["tr"]), tuple(keywords["en"])),
            **{**values, "asking": tuple(values["asking"])},
        )

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
            audience=self.audience,
            certificate=self.certificate,
            selection=self.selection,
            decision_at=self.decision_at,
            confirm_days=self.confirm_days,
            reserve_cutoff_days=self.reserve_cutoff_days,
            project_id=self.project_id,
        )


def event_to_answers(event: Event) -> dict[str, Any]:
    """Return an event as JSON values, exactly: the base a change is compared with."""
    return {
        "id": event.id,
        "kind": event.kind,
        "service_id": event.service_id,
        "title": [event.title.tr, event.title.en],
        "description": [event.description.tr, event.description.en],
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "location": None if event.location is None else [event.location.tr, event.location.en],
        "online": event.online,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "registration_deadline": _moment(event.registration_deadline),
        "sectors": list(event.sectors),
        "language": event.language,
        "max_per_company": event.max_per_company,
        "keywords": [list(event.keywords.tr), list(event.keywords.en)],
        "audience": event.audience,
        "certificate": event.certificate,
        "selection": event.selection,
        "decision_at": _moment(event.decision_at),
        "confirm_days": event.confirm_days,
        "reserve_cutoff_days": event.reserve_cutoff_days,
        "project_id": event.project_id,
    }


def event_from_answers(data: dict[str, Any]) -> Event:
    """Return the event `event_to_answers` kept."""
    location = data["location"]
    deadline = data["registration_deadline"]
    return Event(
        id=data["id"],
        kind=data["kind"],
        service_id=data["service_id"],
        title=Text(*data["title"]),
        description=Text(*data["description"]),
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]),
        location=None if location is None else Text(*location),
        online=data["online"],
        online_url=data["online_url"],
        capacity=data["capacity"],
        registration_deadline=None if deadline is None else datetime.fromisoformat(deadline),
        sectors=tuple(data["sectors"]),
        language=data["language"],
        max_per_company=data["max_per_company"],
        keywords=Phrases(*(tuple(phrases) for phrases in data["keywords"])),
        # A form opened before events had an audience reads as open to all.
        audience=data.get("audience", "all"),
        certificate=data.get("certificate", False),
        # A form opened before events could be selected reads as open sign-up.
        selection=data.get("selection", "open"),
        decision_at=_parsed(data.get("decision_at")),
        confirm_days=data.get("confirm_days", DEFAULT_CONFIRM_DAYS),
        reserve_cutoff_days=data.get("reserve_cutoff_days", DEFAULT_RESERVE_CUTOFF_DAYS),
        project_id=data.get("project_id"),
    )


def _parsed(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


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
    return check_line(text, LOCATION_LIMIT)


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


def check_start(text: str, timezone: ZoneInfo, now: datetime) -> Answer:
    """Return a start time in the future, or the reason it can't be used."""
    moment = read_moment(text, timezone, now)
    if moment is None:
        return None, "moment"
    if moment <= now:
        return None, "past"
    return moment, None


def check_end(text: str, starts_at: datetime, timezone: ZoneInfo, now: datetime) -> Answer:
    """Return an end time after the start; a bare "17:00" means the start's day."""
    moment = read_moment(text, timezone, now)
    clock = read_clock(text)
    if moment is None and clock is not None:
        start_day = starts_at.astimezone(timezone)
        moment = datetime.combine(start_day.date(), clock, tzinfo=timezone).astimezone(UTC)
    if moment is None:
        return None, "moment"
    if moment <= starts_at:
        return None, "before_start"
    return moment, None


def check_deadline(text: str, starts_at: datetime, timezone: ZoneInfo, now: datetime) -> Answer:
    """Return a sign-up deadline between now and the start."""
    moment = read_moment(text, timezone, now)
    if moment is None:
        return None, "moment"
    if moment <= now:
        return None, "past"
    if moment > starts_at:
        return None, "after_start"
    return moment, None


def _number(text: str) -> int | None:
    # "20", "1.000", "20 kişi", "yirmi kişilik": a count as staff type it.
    digits = without_unit(text).replace(".", "").replace(" ", "")
    return int(digits) if digits.isdigit() else number_in_words(text)


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
    words = re.findall(r"[a-z0-9]+", fold_turkish(title))
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
