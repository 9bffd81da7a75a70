"""Changes to a published event that its registrants must hear about: a new time, a cancellation.

Each change is one transaction: the event row, its reminders and survey, and a notice per
registrant queued in the outbox, which the dispatcher sends within a second (or at the next
start, if the bot is not running). Notices go even to members who switched reminders off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.catalogue import Event, catalogue_to_document
from bot.cluster import Cluster
from storage.catalogue import utc_text
from storage.deliveries import DeliveryRepository


@dataclass(frozen=True)
class EventChange:
    """An event as it is after the change, and how many registrants will be told."""

    event: Event
    told: int


async def reschedule_event(
    cluster: Cluster,
    event_id: str,
    starts_at: datetime,
    ends_at: datetime,
    *,
    now: datetime | None = None,
) -> EventChange | None:
    """Move a scheduled event; its reminders and survey follow and its registrants are told.

    Returns None when no scheduled event has this id. A registration deadline after the new
    start is brought forward to it.
    """
    event = cluster.catalogue.event(event_id)
    if event is None:
        return None
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("an event's times need their UTC offset")
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if ends_at <= starts_at:
        raise ValueError("an event must end after it starts")
    deadline = event.registration_deadline
    if deadline is not None and deadline > starts_at:
        deadline = starts_at
    moved = replace(event, starts_at=starts_at, ends_at=ends_at, registration_deadline=deadline)
    told = await DeliveryRepository(cluster.database).move_event(
        cluster.registrations.plan,
        event_id,
        starts_at=starts_at,
        ends_at=ends_at,
        registration_deadline=deadline,
        document=_stored_document(cluster, moved),
        now=now or datetime.now(UTC),
    )
    if told is None:
        return None
    await cluster.reload_catalogue()
    return EventChange(moved, len(told))


async def cancel_event(
    cluster: Cluster, event_id: str, *, now: datetime | None = None
) -> EventChange | None:
    """Cancel a scheduled event and its registrations, drop its reminders, tell registrants.

    Returns None when no scheduled event has this id.
    """
    event = cluster.catalogue.event(event_id)
    if event is None:
        return None
    # The event leaves the catalogue, so the notice carries what it needs to say.
    payload = {
        "title": {"tr": event.title.tr, "en": event.title.en},
        "starts_at": utc_text(event.starts_at),
    }
    told = await DeliveryRepository(cluster.database).cancel_event(
        event_id, payload, now or datetime.now(UTC)
    )
    if told is None:
        return None
    await cluster.reload_catalogue()
    return EventChange(event, len(told))


def _stored_document(cluster: Cluster, event: Event) -> str:
    """Return the event in the content format, as the catalogue import stores it."""
    only_this = replace(cluster.catalogue, events=(event,))
    entry = catalogue_to_document(only_this)["events"][0]
    return json.dumps(entry, ensure_ascii=False, sort_keys=True)
