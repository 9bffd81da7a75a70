"""Calendar files (.ics) for a person's registration, made with the icalendar library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from storage.content import ClusterInfo, Event

PRODUCT_ID = "-//clustem-bot//Cluster event calendar//EN"


def registration_uid(registration_id: int, event_id: str, domain: str) -> str:
    """Return a UID that stays the same for a registration, so updates replace the entry."""
    return f"registration-{registration_id}-{event_id}@{domain}"


def event_calendar(
    event: Event,
    registration_id: int,
    cluster: ClusterInfo,
    timezone: ZoneInfo,
    language: str,
    *,
    sequence: int = 0,
    now: datetime | None = None,
) -> bytes:
    """Return an .ics file with the event, in the cluster's time zone."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", str(timezone))
    entry = icalendar.Event()
    domain = cluster.contact.email.rpartition("@")[2] or "clustem.invalid"
    entry.add("uid", registration_uid(registration_id, event.id, domain))
    entry.add("dtstamp", now or datetime.now(UTC))
    entry.add("sequence", sequence)
    entry.add("dtstart", event.starts_at.astimezone(timezone))
    entry.add("dtend", event.ends_at.astimezone(timezone))
    entry.add("summary", event.title.get(language))
    description = event.description.get(language)
    if event.online and event.online_url:
        entry.add("location", event.online_url)
        entry.add("url", event.online_url)
        description = f"{description}\n\n{event.online_url}"
    elif event.location is not None:
        entry.add("location", event.location.get(language))
    entry.add("description", description)
    entry.add(
        "organizer",
        f"mailto:{cluster.contact.email}",
        parameters={"cn": cluster.name.get(language)},
    )
    entry.add("status", "CONFIRMED")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def calendar_filename(event: Event) -> str:
    """Return the file name people see for an event's calendar file."""
    return f"{event.id}.ics"


@dataclass(frozen=True)
class MeetingEntry:
    """One meeting in a participant's calendar file."""

    meeting_id: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str


def meetings_calendar(
    event: Event,
    meetings: Sequence[MeetingEntry],
    cluster: ClusterInfo,
    timezone: ZoneInfo,
    language: str,
    now: datetime | None = None,
) -> bytes:
    """Return an .ics file with a participant's meetings at a B2B day, one entry each.

    A meeting's UID stays the same when staff move it, so importing again updates it.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", str(timezone))
    domain = cluster.contact.email.rpartition("@")[2] or "clustem.invalid"
    for meeting in meetings:
        entry = icalendar.Event()
        entry.add("uid", f"meeting-{meeting.meeting_id}-{event.id}@{domain}")
        entry.add("dtstamp", now or datetime.now(UTC))
        entry.add("dtstart", meeting.starts_at.astimezone(timezone))
        entry.add("dtend", meeting.ends_at.astimezone(timezone))
        entry.add("summary", meeting.summary)
        entry.add("description", meeting.description)
        if event.location is not None:
            entry.add("location", event.location.get(language))
        entry.add("status", "CONFIRMED")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
