"""Broadcasts: drafts, their audience, scheduling, progress and the final report.

A broadcast is written as a draft, then scheduled or started. Starting resolves the audience
into one outbox row per person (kind 'broadcast'), in one transaction; the outbox worker then
sends them like every other row (storage.outbox). This table stays as the broadcast's header:
its text, audience, schedule, progress message and the counts frozen when every row settled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database, Transaction
from storage.outbox import (
    BLOCKED,
    FAILED,
    SENT,
    SKIPPED,
    cancel_broadcast_copies,
    queue_broadcast,
)

DRAFT = "draft"
AWAITING_APPROVAL = "approval"  # the two-person rule: waits for a second staff member
SCHEDULED = "scheduled"
SENDING = "sending"
DONE = "done"
CANCELLED = "cancelled"

PHOTO = "photo"
DOCUMENT = "document"

# How a person's outbox row of a broadcast can be settled ('cancelled' as the broadcast).
SETTLED = (SENT, BLOCKED, FAILED, SKIPPED, CANCELLED)

# Audiences
EVERYONE = "all"
SECTOR = "sector"
LANGUAGE = "language"
REGISTRANTS = "registrants"
ATTENDEES = "attendees"
REGISTRANT_STATUSES = ("confirmed", "waitlisted")

# The language a person is written to in, as `Services.language_of` decides it without an
# update at hand: their choice, else Telegram's language, else the cluster's default.
LANGUAGE_OF_MEMBER = (
    "CASE WHEN m.language IS NOT NULL THEN m.language "
    "WHEN m.telegram_language IS NULL OR m.telegram_language = '' THEN :default_language "
    "WHEN lower(m.telegram_language) LIKE 'tr%' THEN 'tr' ELSE 'en' END"
)
# Who may get announcements at all: they did not switch them off, block us, or erase themselves.
_REACHABLE = "m.announcements_on = 1 AND m.unreachable_at IS NULL"


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to: everyone, or a sector, a language, an event's people."""

    kind: str = EVERYONE
    value: str | None = None  # the sector id, language or event id
    statuses: tuple[str, ...] = REGISTRANT_STATUSES  # registrants: confirmed and/or waitlisted

    def to_document(self) -> dict[str, Any]:
        """Return the audience as a JSON-ready mapping (stored, and in the audit log)."""
        document: dict[str, Any] = {"kind": self.kind}
        if self.value is not None:
            document["value"] = self.value
        if self.kind == REGISTRANTS:
            document["statuses"] = list(self.statuses)
        return document

    def to_json(self) -> str:
        """Return the audience as stored."""
        return json.dumps(self.to_document(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Audience:
        """Read a stored audience back."""
        document = json.loads(text)
        statuses = document.get("statuses") or REGISTRANT_STATUSES
        return cls(document["kind"], document.get("value"), tuple(statuses))


@dataclass(frozen=True)
class AudienceCount:
    """How many people an audience reaches now, by the language they will get."""

    by_language: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Return the number of people."""
        return sum(self.by_language.values())


@dataclass(frozen=True)
class Broadcast:
    """An announcement and where it is in its life: draft, scheduled, sending, done, cancelled."""

    id: int
    staff_id: int
    main_language: str
    text_tr: str | None
    text_en: str | None
    media_kind: str | None
    media_file_id: str | None
    audience: Audience
    status: str
    scheduled_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None
    recipients: int
    sent: int
    blocked: int
    failed: int
    skipped: int
    cancelled: int

    @property
    def other_language(self) -> str:
        """Return the language of the optional second version."""
        return "en" if self.main_language == "tr" else "tr"

    def own_text(self, language: str) -> str | None:
        """Return the version written for this language, if there is one."""
        return self.text_tr if language == "tr" else self.text_en

    def text_for(self, language: str) -> str:
        """Return the HTML a person with this language gets: theirs, else the main version."""
        return self.own_text(language) or self.own_text(self.main_language) or ""

    @property
    def has_second_version(self) -> bool:
        """Tell whether a version in the other language was added."""
        return self.own_text(self.other_language) is not None


@dataclass(frozen=True)
class Progress:
    """A broadcast's rows by status, while it is being sent."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Return the number of recipients."""
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        """Return how many rows are settled (sent, or given up, or cancelled)."""
        return sum(self.counts.get(status, 0) for status in SETTLED)

    def __getitem__(self, status: str) -> int:
        return self.counts.get(status, 0)


def _time(value: str | None) -> datetime | None:
    return parse_utc(value) if value else None


def _broadcast(row: Any) -> Broadcast:
    return Broadcast(
        id=row["id"],
        staff_id=row["staff_id"],
        main_language=row["main_language"],
        text_tr=row["text_tr"],
        text_en=row["text_en"],
        media_kind=row["media_kind"],
        media_file_id=row["media_file_id"],
        audience=Audience.from_json(row["audience"]),
        status=row["status"],
        scheduled_at=_time(row["scheduled_at"]),
        created_at=parse_utc(row["created_at"]),
        started_at=_time(row["started_at"]),
        finished_at=_time(row["finished_at"]),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        recipients=row["recipients"],
        sent=row["sent"],
        blocked=row["blocked"],
        failed=row["failed"],
        skipped=row["skipped"],
        cancelled=row["cancelled"],
    )


def _audience_filter(audience: Audience) -> tuple[str, dict[str, Any]]:
    """Return the WHERE clause over people `m` that selects an audience, and its parameters."""
    clauses = [_REACHABLE]
    params: dict[str, Any] = {}
    if audience.kind == SECTOR:
        clauses.append("m.sector_id = :value")
    elif audience.kind == LANGUAGE:
        clauses.append(f"({LANGUAGE_OF_MEMBER}) = :value")
    elif audience.kind == REGISTRANTS:
        statuses = [s for s in audience.statuses if s in REGISTRANT_STATUSES] or ["none"]
        clauses.append(
            "EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = m.id "
            "AND r.event_id = :value AND r.status IN (:first_status, :second_status))"
        )
        params["first_status"] = statuses[0]
        params["second_status"] = statuses[-1]
    elif audience.kind == ATTENDEES:
        clauses.append(
            "EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = m.id "
            "AND r.event_id = :value AND r.attended = 1)"
        )
    elif audience.kind != EVERYONE:
        raise ValueError(f"unknown audience {audience.kind!r}")
    if audience.kind != EVERYONE:
        params["value"] = audience.value
    return " AND ".join(clauses), params


class BroadcastRepository:
    """Reads and changes broadcasts and their recipients."""

    def __init__(self, database: Database, default_language: str) -> None:
        self._db = database
        self._default_language = default_language

    # -- drafts ---------------------------------------------------------------------------

    async def create_draft(
        self,
        staff_id: int,
        language: str,
        html: str | None,
        media_kind: str | None,
        media_file_id: str | None,
        now: datetime,
    ) -> Broadcast:
        """Store a new draft to everyone, its text in `language` (the main version)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO broadcasts (staff_id, main_language, text_tr, text_en, media_kind, "
                "media_file_id, audience, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    staff_id,
                    language,
                    html if language == "tr" else None,
                    html if language == "en" else None,
                    media_kind,
                    media_file_id,
                    Audience().to_json(),
                    utc_text(now),
                ),
            )
            assert cursor.lastrowid is not None
            return await self._get(tx, cursor.lastrowid)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """Return a broadcast, if it exists."""
        row = await self._db.fetch_one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row is not None else None

    async def _get(self, tx: Transaction, broadcast_id: int) -> Broadcast:
        row = await tx.fetch_one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        assert row is not None
        return _broadcast(row)

    async def draft_of(self, broadcast_id: int, staff_id: int) -> Broadcast | None:
        """Return the staff member's own draft; None once it is scheduled, sent or gone."""
        row = await self._db.fetch_one(
            "SELECT * FROM broadcasts WHERE id = ? AND staff_id = ? AND status = 'draft'",
            (broadcast_id, staff_id),
        )
        return _broadcast(row) if row is not None else None

    async def set_version(
        self, broadcast_id: int, staff_id: int, language: str, html: str | None
    ) -> Broadcast | None:
        """Add, replace or (with None) remove the second-language version of a draft."""
        column = {"tr": "text_tr", "en": "text_en"}[language]
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                f"UPDATE broadcasts SET {column} = ? WHERE id = ? AND staff_id = ? "
                "AND status = 'draft' AND main_language != ?",
                (html, broadcast_id, staff_id, language),
            )
            return await self._get(tx, broadcast_id) if cursor.rowcount == 1 else None

    async def set_audience(
        self, broadcast_id: int, staff_id: int, audience: Audience
    ) -> Broadcast | None:
        """Choose who a draft goes to."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcasts SET audience = ? WHERE id = ? AND staff_id = ? "
                "AND status = 'draft'",
                (audience.to_json(), broadcast_id, staff_id),
            )
            return await self._get(tx, broadcast_id) if cursor.rowcount == 1 else None

    async def discard(self, broadcast_id: int, staff_id: int) -> bool:
        """Delete a draft that was never scheduled or sent."""
        changed = await self._db.execute(
            "DELETE FROM broadcasts WHERE id = ? AND staff_id = ? AND status = 'draft'",
            (broadcast_id, staff_id),
        )
        return changed == 1

    async def count_audience(self, audience: Audience) -> AudienceCount:
        """Return how many people the audience reaches now, by language."""
        where, params = _audience_filter(audience)
        rows = await self._db.fetch_all(
            f"SELECT {LANGUAGE_OF_MEMBER} AS language, COUNT(*) AS n FROM people m "
            f"WHERE {where} GROUP BY 1",
            {**params, "default_language": self._default_language},
        )
        return AudienceCount({row["language"]: row["n"] for row in rows})

    # -- scheduling, starting and cancelling ------------------------------------------------

    async def schedule(self, broadcast_id: int, staff_id: int, at: datetime) -> Broadcast | None:
        """Schedule the staff member's draft; its audience is resolved when it starts."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcasts SET status = 'scheduled', scheduled_at = ? "
                "WHERE id = ? AND staff_id = ? AND status = 'draft'",
                (utc_text(at), broadcast_id, staff_id),
            )
            return await self._get(tx, broadcast_id) if cursor.rowcount == 1 else None

    async def start(
        self,
        broadcast_id: int,
        staff_id: int,
        now: datetime,
        progress_chat_id: int | None = None,
        progress_message_id: int | None = None,
    ) -> Broadcast | None:
        """Start sending the staff member's draft now: one outbox row per person reached.

        Returns None when the draft is gone or already on its way (a second press).
        """
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?, "
                "progress_chat_id = ?, progress_message_id = ? "
                "WHERE id = ? AND staff_id = ? AND status = 'draft'",
                (utc_text(now), progress_chat_id, progress_message_id, broadcast_id, staff_id),
            )
            if cursor.rowcount != 1:
                return None
            return await self._fill(tx, broadcast_id, now)

    # -- the two-person rule --------------------------------------------------------------------

    async def request_approval(
        self,
        broadcast_id: int,
        staff_id: int,
        at: datetime | None,
        progress_chat_id: int | None = None,
        progress_message_id: int | None = None,
    ) -> Broadcast | None:
        """Put the staff member's draft up for approval, to go at `at` (None: once approved).

        Returns None when it is no longer their draft (a second press, discarded).
        """
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcasts SET status = 'approval', scheduled_at = ?, "
                "progress_chat_id = ?, progress_message_id = ? "
                "WHERE id = ? AND staff_id = ? AND status = 'draft'",
                (
                    utc_text(at) if at is not None else None,
                    progress_chat_id,
                    progress_message_id,
                    broadcast_id,
                    staff_id,
                ),
            )
            return await self._get(tx, broadcast_id) if cursor.rowcount == 1 else None

    async def awaiting(self, broadcast_id: int) -> Broadcast | None:
        """Return the broadcast if it is still waiting for approval."""
        row = await self._db.fetch_one(
            "SELECT * FROM broadcasts WHERE id = ? AND status = 'approval'", (broadcast_id,)
        )
        return _broadcast(row) if row is not None else None

    async def approve(self, broadcast_id: int, staff_id: int, now: datetime) -> Broadcast | None:
        """Release a broadcast another staff member wrote: scheduled if its time is ahead,
        otherwise queued in the outbox at once. None when it no longer waits (or is theirs)."""
        moment = utc_text(now)
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcasts SET decided_by = ?, decided_at = ?, "
                "status = CASE WHEN scheduled_at > ? THEN 'scheduled' ELSE 'sending' END, "
                "started_at = CASE WHEN scheduled_at > ? THEN NULL ELSE ? END "
                "WHERE id = ? AND status = 'approval' AND staff_id != ?",
                (staff_id, moment, moment, moment, moment, broadcast_id, staff_id),
            )
            if cursor.rowcount != 1:
                return None
            approved = await self._get(tx, broadcast_id)
            if approved.status == SENDING:
                return await self._fill(tx, broadcast_id, now)
            return approved

    async def reject(self, broadcast_id: int, staff_id: int, now: datetime) -> Broadcast | None:
        """Turn down a broadcast another staff member wrote: nothing is sent."""
        moment = utc_text(now)
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, decided_by = ?, "
                "decided_at = ?, finished_at = ? "
                "WHERE id = ? AND status = 'approval' AND staff_id != ?",
                (staff_id, staff_id, moment, moment, broadcast_id, staff_id),
            )
            return await self._get(tx, broadcast_id) if cursor.rowcount == 1 else None

    async def start_due(self, now: datetime) -> list[Broadcast]:
        """Start every scheduled broadcast whose time has come; return them."""
        moment = utc_text(now)
        if not await self._db.fetch_one(
            "SELECT 1 FROM broadcasts WHERE status = 'scheduled' AND scheduled_at <= ? LIMIT 1",
            (moment,),
        ):
            return []
        started = []
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT id FROM broadcasts WHERE status = 'scheduled' AND scheduled_at <= ? "
                "ORDER BY scheduled_at, id",
                (moment,),
            )
            for row in rows:
                await tx.execute(
                    "UPDATE broadcasts SET status = 'sending', started_at = ? WHERE id = ?",
                    (moment, row["id"]),
                )
                started.append(await self._fill(tx, row["id"], now))
        return started

    async def _fill(self, tx: Transaction, broadcast_id: int, now: datetime) -> Broadcast:
        """Resolve the audience into outbox rows, one per person, due now, and count them."""
        row = await tx.fetch_one("SELECT audience FROM broadcasts WHERE id = ?", (broadcast_id,))
        assert row is not None
        where, params = _audience_filter(Audience.from_json(row["audience"]))
        queued = await queue_broadcast(
            tx,
            broadcast_id,
            f"FROM people m WHERE {where}",
            LANGUAGE_OF_MEMBER,
            {**params, "default_language": self._default_language},
            now,
        )
        await tx.execute(
            "UPDATE broadcasts SET recipients = ? WHERE id = ?", (queued, broadcast_id)
        )
        return await self._get(tx, broadcast_id)

    async def cancel(self, broadcast_id: int, staff_id: int, now: datetime) -> Broadcast | None:
        """Stop a scheduled or sending broadcast: nothing still waiting will be sent.

        Returns the broadcast as it was before, or None when there was nothing to stop.
        A scheduled one is finished at once; a sending one when its messages in flight settle.
        """
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT * FROM broadcasts WHERE id = ? AND status IN ('scheduled', 'sending')",
                (broadcast_id,),
            )
            if row is None:
                return None
            before = _broadcast(row)
            finished = utc_text(now) if before.status == SCHEDULED else None
            await tx.execute(
                "UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, finished_at = ? "
                "WHERE id = ?",
                (staff_id, finished, broadcast_id),
            )
            await cancel_broadcast_copies(tx, broadcast_id)
        return before

    async def is_sending(self, broadcast_id: int) -> bool:
        """Tell whether a broadcast is still being sent (not cancelled)."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM broadcasts WHERE id = ? AND status = 'sending'", (broadcast_id,)
        )
        return row is not None

    async def drafts_of(self, staff_id: int, limit: int = 5) -> list[Broadcast]:
        """Return the staff member's drafts not yet sent or scheduled, newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM broadcasts WHERE staff_id = ? AND status = 'draft' "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (staff_id, limit),
        )
        return [_broadcast(row) for row in rows]

    async def scheduled(self, limit: int = 5) -> list[Broadcast]:
        """Return broadcasts waiting for their time, soonest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM broadcasts WHERE status = 'scheduled' ORDER BY scheduled_at, id LIMIT ?",
            (limit,),
        )
        return [_broadcast(row) for row in rows]

    # -- following a broadcast being sent ------------------------------------------------------

    async def unfinished(self) -> list[Broadcast]:
        """Return started broadcasts whose report is still due: sending, or just cancelled."""
        rows = await self._db.fetch_all(
            "SELECT * FROM broadcasts WHERE status IN ('sending', 'cancelled') "
            "AND started_at IS NOT NULL AND finished_at IS NULL ORDER BY id"
        )
        return [_broadcast(row) for row in rows]

    async def progress(self, broadcast_id: int) -> Progress:
        """Return a broadcast's rows counted by status."""
        rows = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,),
        )
        return Progress({row["status"]: row["n"] for row in rows})

    async def is_settled(self, broadcast_id: int) -> bool:
        """Tell whether no row of the broadcast is waiting or in flight."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM outbox WHERE broadcast_id = ? "
            "AND status IN ('pending', 'sending') LIMIT 1",
            (broadcast_id,),
        )
        return row is None

    async def finish(self, broadcast_id: int, now: datetime) -> Broadcast | None:
        """Close a broadcast whose rows are all settled, freezing its counters, exactly once.

        Returns the finished broadcast, or None when it was finished already or is not done.
        """
        async with self._db.transaction() as tx:
            if await tx.fetch_one(
                "SELECT 1 FROM outbox WHERE broadcast_id = ? "
                "AND status IN ('pending', 'sending') LIMIT 1",
                (broadcast_id,),
            ):
                return None
            rows = await tx.fetch_all(
                "SELECT status, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY status",
                (broadcast_id,),
            )
            counts = {row["status"]: row["n"] for row in rows}
            cursor = await tx.execute(
                "UPDATE broadcasts SET status = CASE status WHEN 'sending' THEN 'done' "
                "ELSE status END, finished_at = ?, sent = ?, blocked = ?, failed = ?, "
                "skipped = ?, cancelled = ? WHERE id = ? AND finished_at IS NULL "
                "AND status IN ('sending', 'cancelled')",
                (
                    utc_text(now),
                    counts.get(SENT, 0),
                    counts.get(BLOCKED, 0),
                    counts.get(FAILED, 0),
                    counts.get(SKIPPED, 0),
                    counts.get(CANCELLED, 0),
                    broadcast_id,
                ),
            )
            return await self._get(tx, broadcast_id) if cursor.rowcount == 1 else None

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember the message that shows a broadcast's progress."""
        await self._db.execute(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )
