"""B2B matchmaking: profiles, meeting requests and the meetings they become.

Every change that someone else must hear of queues its outbox row in the same transaction (a
request, an answer, a cancellation, a meeting's reminders). Scheduling is race-safe by the
schema: a unique index allows one meeting per table and slot, another one seat per person and
slot (the seats are written by the database with each meeting), so two acceptances that race
for the last place can't both take it, whatever the code above does; the earliest free place
is looked up and taken inside one write transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.content import Slot
from storage.database import Database, Transaction
from storage.outbox import (
    DIRECTORY_MESSAGE,
    MEETING_ANSWER,
    MEETING_CANCELLED,
    MEETING_PROPOSAL,
    MEETING_REMINDER,
    MEETING_REQUEST,
    Personal,
    queue_meeting_followups,
    queue_personal,
    withdraw_meeting_reminders,
)

# Consent purposes: being listed for one event, or in the year-round directory.
MATCH_PREFIX = "match:"
DIRECTORY = "directory"
OUTCOMES = ("nothing", "follow_up", "offer", "deal")


def listing_purpose(event_id: str | None) -> str:
    """Return the consent purpose of being listed for an event (None: the directory)."""
    return f"{MATCH_PREFIX}{event_id or DIRECTORY}"


@dataclass(frozen=True)
class MatchProfile:
    """What one participant's company offers and looks for, as they published it."""

    id: int
    person_id: int
    event_id: str | None
    full_name: str
    company: str
    company_id: int | None
    verified: bool
    sector_id: str | None
    offers: tuple[str, ...]
    seeks: tuple[str, ...]
    offers_text: str | None
    seeks_text: str | None
    languages: tuple[str, ...]
    description: str | None
    listed: bool
    absent: bool


@dataclass(frozen=True)
class ProfileDraft:
    """The answers of the profile form."""

    company: str
    company_id: int | None
    sector_id: str | None
    offers: tuple[str, ...]
    seeks: tuple[str, ...]
    offers_text: str | None
    seeks_text: str | None
    languages: tuple[str, ...]
    description: str | None


@dataclass(frozen=True)
class MeetingRequest:
    """A request for a one-to-one meeting."""

    id: int
    event_id: str
    requester_id: int | None
    invitee_id: int | None
    note: str | None
    reply: str | None
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Meeting:
    """A meeting between two participants: where and when, or why not."""

    id: int
    request_id: int | None
    event_id: str
    person_a: int | None
    person_b: int | None
    slot: int | None
    table_no: int | None
    starts_at: datetime | None
    status: str
    note: str | None
    outcome_a: str | None
    outcome_b: str | None

    def other(self, person_id: int) -> int | None:
        """Return the other side of the meeting."""
        return self.person_b if self.person_a == person_id else self.person_a

    def outcome_of(self, person_id: int) -> str | None:
        """Return what the person said the meeting led to."""
        return self.outcome_a if self.person_a == person_id else self.outcome_b


@dataclass(frozen=True)
class DayFigures:
    """An event's matchmaking in numbers, for staff and the impact report."""

    listed: int
    pending: int
    scheduled: int
    held: int  # accepted, waiting for staff to place
    unscheduled: int  # accepted, no place was free
    cancelled: int
    answered: int  # meetings at least one side said what they led to
    follow_ups: int
    offers: int
    deals: int


@dataclass(frozen=True)
class Schedule:
    """An event's meeting times and tables, and how accepted meetings are placed."""

    slots: Sequence[Slot]
    tables: int
    auto: bool = True
    reminder_before: timedelta = timedelta(minutes=10)

    def first_open(self, now: datetime) -> int:
        """Return the number of the first slot that has not started."""
        return next((s.number for s in self.slots if s.starts_at > now), len(self.slots))


# Why a request could not be made.
SELF = "self"
UNLISTED = "unlisted"
NOT_LISTED_YOURSELF = "not_listed"
TWICE = "twice"
CAP = "cap"


@dataclass(frozen=True)
class Requested:
    """A request made, or why not (`refused`: one of the reasons above)."""

    request_id: int | None = None
    refused: str | None = None


# How an answer ended.
ACCEPTED = "accepted"  # scheduled at a slot and table
HELD = "held"  # accepted; staff will place it
NO_SLOT = "no_slot"  # accepted, but no slot is free for both
DECLINED = "declined"
GONE = "gone"  # withdrawn or answered meanwhile, or not theirs to answer


@dataclass(frozen=True)
class Answer:
    """What answering a request did."""

    outcome: str
    meeting: Meeting | None = None


def _reminders(meeting: Meeting, schedule: Schedule, slot: int, now: datetime) -> list[Personal]:
    """Return each side's reminder of the meeting placed at `slot`, unless it is due already."""
    due = schedule.slots[slot].starts_at - schedule.reminder_before
    if due <= now:
        return []
    return [
        Personal(
            MEETING_REMINDER,
            person,
            due,
            {"slot": slot},
            event_id=meeting.event_id,
            meeting_id=meeting.id,
        )
        for person in (meeting.person_a, meeting.person_b)
    ]


def _moved(meeting: Meeting, now: datetime) -> list[Personal]:
    """Return the news to both sides that a meeting has (another) place."""
    return [
        Personal(
            MEETING_ANSWER,
            person,
            now,
            {"request_id": meeting.request_id, "outcome": "moved"},
            event_id=meeting.event_id,
            meeting_id=meeting.id,
        )
        for person in (meeting.person_a, meeting.person_b)
    ]


def _profile(row: Any) -> MatchProfile:
    return MatchProfile(
        id=row["id"],
        person_id=row["person_id"],
        event_id=row["event_id"],
        full_name=row["full_name"] or "",
        company=row["company"],
        company_id=row["company_id"],
        verified=bool(row["company_verified"]),
        sector_id=row["sector_id"],
        offers=tuple(json.loads(row["offers"])),
        seeks=tuple(json.loads(row["seeks"])),
        offers_text=row["offers_text"],
        seeks_text=row["seeks_text"],
        languages=tuple(json.loads(row["languages"])),
        description=row["description"],
        listed=row["listed_at"] is not None,
        absent=row["absent_at"] is not None,
    )


def _request(row: Any) -> MeetingRequest:
    return MeetingRequest(
        id=row["id"],
        event_id=row["event_id"],
        requester_id=row["requester_id"],
        invitee_id=row["invitee_id"],
        note=row["note"],
        reply=row["reply"],
        status=row["status"],
        created_at=parse_utc(row["created_at"]),
    )


def _meeting(row: Any) -> Meeting:
    return Meeting(
        id=row["id"],
        request_id=row["request_id"],
        event_id=row["event_id"],
        person_a=row["person_a"],
        person_b=row["person_b"],
        slot=row["slot"],
        table_no=row["table_no"],
        starts_at=parse_utc(row["starts_at"]) if row["starts_at"] else None,
        status=row["status"],
        note=row["note"],
        outcome_a=row["outcome_a"],
        outcome_b=row["outcome_b"],
    )


_PROFILE = (
    "SELECT f.*, p.full_name, p.company_verified FROM match_profiles f "
    "JOIN people p ON p.id = f.person_id "
)
_MEETING = "SELECT m.*, r.note FROM meetings m LEFT JOIN meeting_requests r ON r.id = m.request_id "
# The earliest slot from :first where neither side sits and a table is free, with its lowest
# free table: a count per slot (one range of the partial index) rules out the full slots, and
# the free table is looked for at the one slot found only.
_EARLIEST = """
WITH RECURSIVE
    slot (n) AS (SELECT :first UNION ALL SELECT n + 1 FROM slot WHERE n + 1 < :slots),
    seat (t) AS (SELECT 1 UNION ALL SELECT t + 1 FROM seat WHERE t < :tables),
    found (n) AS (
        SELECT slot.n FROM slot
        WHERE :first < :slots
        AND NOT EXISTS (
            SELECT 1 FROM meeting_seats s WHERE s.event_id = :event AND s.slot = slot.n
            AND s.person_id IN (:a, :b))
        AND (SELECT COUNT(*) FROM meetings m WHERE m.event_id = :event
            AND m.status = 'scheduled' AND m.slot = slot.n) < :tables
        ORDER BY slot.n LIMIT 1)
SELECT found.n AS slot, (
    SELECT min(seat.t) FROM seat WHERE NOT EXISTS (
        SELECT 1 FROM meetings m WHERE m.event_id = :event AND m.status = 'scheduled'
        AND m.slot = found.n AND m.table_no = seat.t)
) AS table_no
FROM found
"""


async def _earliest(
    tx: Transaction,
    event_id: str,
    people: tuple[int | None, int | None],
    schedule: Schedule,
    now: datetime,
) -> tuple[int, int] | None:
    """Return the earliest (slot, table) where both are free and a table is, if any."""
    found = await tx.fetch_one(
        _EARLIEST,
        {
            "first": schedule.first_open(now),
            "slots": len(schedule.slots),
            "tables": schedule.tables,
            "event": event_id,
            "a": people[0],
            "b": people[1],
        },
    )
    if found is None or found["table_no"] is None:
        return None
    return int(found["slot"]), int(found["table_no"])


_NAMES = "SELECT id, full_name, company FROM people WHERE id IN ({})"
# A person of a member company whose link to it is verified (invite link or staff approval).
_VERIFIED_MEMBER = (
    "p.company_verified = 1 AND EXISTS (SELECT 1 FROM companies c "
    "WHERE c.id = p.company_id AND c.membership = 'member')"
)


def _named(row: Any) -> str:
    return " · ".join(part for part in (row["full_name"], row["company"]) if part)


async def _names(read: Database | Transaction, person_ids: Iterable[int | None]) -> dict[int, str]:
    """Return how each of these people is named to others, in one query (erased: absent)."""
    wanted = sorted({person for person in person_ids if person is not None})
    if not wanted:
        return {}
    rows = await read.fetch_all(_NAMES.format(", ".join("?" * len(wanted))), tuple(wanted))
    return {row["id"]: _named(row) for row in rows}


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


class MatchmakingRepository:
    """Profiles, requests and meetings of B2B days and the directory."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # -- profiles and listing ---------------------------------------------------------------

    async def profile(self, person_id: int, event_id: str | None) -> MatchProfile | None:
        """Return the person's profile for an event (None: the directory), if any."""
        row = await self._db.fetch_one(
            _PROFILE + "WHERE f.person_id = ? AND IFNULL(f.event_id, '') = ?",
            (person_id, event_id or ""),
        )
        return _profile(row) if row is not None else None

    async def profile_by_id(self, profile_id: int) -> MatchProfile | None:
        """Return a profile by its id (what a participant's buttons carry)."""
        row = await self._db.fetch_one(_PROFILE + "WHERE f.id = ?", (profile_id,))
        return _profile(row) if row is not None else None

    async def profiles_by_id(self, profile_ids: Sequence[int]) -> list[MatchProfile]:
        """Return these profiles, read at once, in the order asked (missing ones left out)."""
        if not profile_ids:
            return []
        rows = await self._db.fetch_all(
            _PROFILE + f"WHERE f.id IN ({_marks(profile_ids)})", tuple(profile_ids)
        )
        found = {row["id"]: _profile(row) for row in rows}
        return [found[i] for i in profile_ids if i in found]

    async def latest_profile(self, person_id: int) -> MatchProfile | None:
        """Return the profile the person saved last, whatever it was for (to start from)."""
        row = await self._db.fetch_one(
            _PROFILE + "WHERE f.person_id = ? ORDER BY f.updated_at DESC, f.id DESC LIMIT 1",
            (person_id,),
        )
        return _profile(row) if row is not None else None

    async def save_profile(
        self,
        person_id: int,
        event_id: str | None,
        draft: ProfileDraft,
        notice_version: str | None,
        now: datetime,
    ) -> None:
        """Store the profile and list it, recording the consent to be listed, in one go."""
        moment = utc_text(now)
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO match_profiles (person_id, event_id, company_id, company, sector_id, "
                "offers, seeks, offers_text, seeks_text, languages, description, listed_at, "
                "updated_at) VALUES (:person, :event, "
                "IFNULL(:company_id, (SELECT company_id FROM people WHERE id = :person)), "
                ":company, :sector, :offers, :seeks, :offers_text, :seeks_text, :languages, "
                ":description, :now, :now) "
                "ON CONFLICT (person_id, IFNULL(event_id, '')) DO UPDATE SET "
                "company_id = excluded.company_id, company = excluded.company, "
                "sector_id = excluded.sector_id, offers = excluded.offers, "
                "seeks = excluded.seeks, offers_text = excluded.offers_text, "
                "seeks_text = excluded.seeks_text, languages = excluded.languages, "
                "description = excluded.description, "
                "listed_at = IFNULL(listed_at, excluded.listed_at), "
                "updated_at = excluded.updated_at",
                {
                    "person": person_id,
                    "event": event_id,
                    "company_id": draft.company_id,
                    "company": draft.company,
                    "sector": draft.sector_id,
                    "offers": json.dumps(list(draft.offers)),
                    "seeks": json.dumps(list(draft.seeks)),
                    "offers_text": draft.offers_text,
                    "seeks_text": draft.seeks_text,
                    "languages": json.dumps(list(draft.languages)),
                    "description": draft.description,
                    "now": moment,
                },
            )
            await tx.execute(
                "INSERT OR IGNORE INTO consents (person_id, purpose, notice_version, given_at) "
                "VALUES (?, ?, ?, ?)",
                (person_id, listing_purpose(event_id), notice_version, moment),
            )

    async def unlist(self, person_id: int, event_id: str | None, now: datetime) -> int:
        """Withdraw the listing: the consent ends, requests waiting are cancelled politely.

        Returns how many requests were cancelled; each other side is told. Meetings already
        agreed stay: both sides agreed to them, and either can cancel one.
        """
        moment = utc_text(now)
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE consents SET withdrawn_at = ? "
                "WHERE person_id = ? AND purpose = ? AND withdrawn_at IS NULL",
                (moment, person_id, listing_purpose(event_id)),
            )
            await tx.execute(
                "UPDATE match_profiles SET listed_at = NULL "
                "WHERE person_id = ? AND IFNULL(event_id, '') = ?",
                (person_id, event_id or ""),
            )
            if event_id is None:
                return 0
            return await self._cancel_requests(tx, person_id, event_id, "unlisted", now)

    async def _cancel_requests(
        self, tx: Transaction, person_id: int, event_id: str | None, reason: str, now: datetime
    ) -> int:
        rows = await tx.fetch_all(
            "UPDATE meeting_requests SET status = 'cancelled', answered_at = :now "
            "WHERE status = 'pending' AND (requester_id = :p OR invitee_id = :p) "
            "AND (:e IS NULL OR event_id = :e) RETURNING id, event_id, requester_id, invitee_id",
            {"p": person_id, "e": event_id, "now": utc_text(now)},
        )
        name = (await _names(tx, [person_id])).get(person_id, "")
        await queue_personal(
            tx,
            [
                Personal(
                    MEETING_CANCELLED,
                    row["invitee_id"] if row["requester_id"] == person_id else row["requester_id"],
                    now,
                    {"request_id": row["id"], "reason": reason, "who": name},
                    event_id=row["event_id"],
                )
                for row in sorted(rows, key=lambda row: int(row["id"]))
            ],
            now,
        )
        return len(rows)

    async def listed(self, event_id: str | None) -> list[MatchProfile]:
        """Return the profiles listed for an event, present ones; None: the directory, where
        only people whose member company is verified are listed."""
        members = "" if event_id else f"AND ({_VERIFIED_MEMBER}) "
        rows = await self._db.fetch_all(
            _PROFILE + "WHERE IFNULL(f.event_id, '') = ? AND f.listed_at IS NOT NULL "
            f"AND f.absent_at IS NULL {members}ORDER BY f.company, p.full_name",
            (event_id or "",),
        )
        return [_profile(row) for row in rows]

    async def count_listed(self, event_id: str | None) -> int:
        """Return how many are listed for an event (None: the directory), as `listed` counts."""
        members = "" if event_id else f"AND ({_VERIFIED_MEMBER}) "
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM match_profiles f JOIN people p ON p.id = f.person_id "
            "WHERE IFNULL(f.event_id, '') = ? AND f.listed_at IS NOT NULL "
            f"AND f.absent_at IS NULL {members}",
            (event_id or "",),
        )
        return int(row[0]) if row is not None else 0

    async def is_verified_member(self, person_id: int) -> bool:
        """Tell whether the person belongs, verified, to a member company (the directory)."""
        row = await self._db.fetch_one(
            f"SELECT {_VERIFIED_MEMBER} FROM people p WHERE p.id = ?", (person_id,)
        )
        return row is not None and bool(row[0])

    async def relay(
        self, sender: MatchProfile, recipient: MatchProfile, text: str, now: datetime
    ) -> bool:
        """Pass one first message from one directory member to another through the assistant;
        False when this sender has already written to this recipient."""
        async with self._db.transaction() as tx:
            # The key allows one first message per sender and recipient, whatever races.
            first = await tx.execute(
                "INSERT OR IGNORE INTO directory_first_messages "
                "(sender_profile_id, recipient_id, sent_at) VALUES (?, ?, ?)",
                (sender.id, recipient.person_id, utc_text(now)),
            )
            if first.rowcount == 0:
                return False
            payload = {"from": sender.id, "text": text}
            message = Personal(DIRECTORY_MESSAGE, recipient.person_id, now, payload)
            await queue_personal(tx, [message], now)
        return True

    async def listed_events(self, person_id: int) -> list[str]:
        """Return the events the person has a listed profile for."""
        rows = await self._db.fetch_all(
            "SELECT event_id FROM match_profiles WHERE person_id = ? AND event_id IS NOT NULL "
            "AND listed_at IS NOT NULL",
            (person_id,),
        )
        return [row["event_id"] for row in rows]

    # -- requests ---------------------------------------------------------------------------

    async def request(
        self,
        event_id: str,
        requester_id: int,
        invitee_id: int,
        note: str | None,
        cap: int,
        now: datetime,
    ) -> Requested:
        """Ask for a meeting; refused for oneself, someone unlisted, twice, or over the cap."""
        if requester_id == invitee_id:
            return Requested(refused=SELF)
        async with self._db.transaction() as tx:
            listed = await tx.fetch_all(
                "SELECT person_id FROM match_profiles WHERE event_id = ? AND person_id IN (?, ?) "
                "AND listed_at IS NOT NULL AND absent_at IS NULL",
                (event_id, requester_id, invitee_id),
            )
            found = {row["person_id"] for row in listed}
            if requester_id not in found:
                return Requested(refused=NOT_LISTED_YOURSELF)
            if invitee_id not in found:
                return Requested(refused=UNLISTED)
            open_ = await tx.fetch_one(
                "SELECT 1 FROM meeting_requests WHERE event_id = ? AND status IN "
                "('pending', 'accepted') AND ((requester_id = ? AND invitee_id = ?) "
                "OR (requester_id = ? AND invitee_id = ?))",
                (event_id, requester_id, invitee_id, invitee_id, requester_id),
            )
            if open_ is not None:
                return Requested(refused=TWICE)
            waiting = await tx.fetch_one(
                "SELECT COUNT(*) FROM meeting_requests WHERE event_id = ? AND requester_id = ? "
                "AND status = 'pending'",
                (event_id, requester_id),
            )
            if waiting is not None and waiting[0] >= cap:
                return Requested(refused=CAP)
            cursor = await tx.execute(
                "INSERT INTO meeting_requests (event_id, requester_id, invitee_id, note, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                (event_id, requester_id, invitee_id, note, utc_text(now)),
            )
            request_id = cursor.lastrowid
            assert request_id is not None
            payload = {"request_id": request_id}
            message = Personal(MEETING_REQUEST, invitee_id, now, payload, event_id=event_id)
            await queue_personal(tx, [message], now)
        return Requested(request_id=request_id)

    async def get_request(self, request_id: int) -> MeetingRequest | None:
        """Return a request, if it exists."""
        row = await self._db.fetch_one("SELECT * FROM meeting_requests WHERE id = ?", (request_id,))
        return _request(row) if row is not None else None

    async def requests_of(self, event_id: str, person_id: int) -> list[MeetingRequest]:
        """Return the person's requests waiting for an answer, sent and received."""
        rows = await self._db.fetch_all(
            "SELECT * FROM meeting_requests WHERE event_id = :e AND status = 'pending' "
            "AND (requester_id = :p OR invitee_id = :p) ORDER BY id",
            {"e": event_id, "p": person_id},
        )
        return [_request(row) for row in rows]

    async def waiting_pairs(self, event_id: str) -> set[frozenset[int]]:
        """Return who asked whom of an event's requests waiting for an answer (either way)."""
        rows = await self._db.fetch_all(
            "SELECT requester_id, invitee_id FROM meeting_requests WHERE event_id = ? "
            "AND status = 'pending' AND requester_id IS NOT NULL AND invitee_id IS NOT NULL",
            (event_id,),
        )
        return {frozenset((row["requester_id"], row["invitee_id"])) for row in rows}

    async def withdraw_request(self, request_id: int, person_id: int, now: datetime) -> bool:
        """Take back one's own request while it waits; False when it no longer waits."""
        changed = await self._db.execute(
            "UPDATE meeting_requests SET status = 'withdrawn', answered_at = ? "
            "WHERE id = ? AND requester_id = ? AND status = 'pending'",
            (utc_text(now), request_id, person_id),
        )
        return changed == 1

    async def answer(
        self,
        request_id: int,
        person_id: int,
        accept: bool,
        reply: str | None,
        schedule: Schedule,
        now: datetime,
    ) -> Answer:
        """Accept (and place the meeting) or decline a request, telling the one who asked.

        Every acceptance of a B2B day can come at once: the transaction is kept to a few
        statements (the request answered and read in one, the messages queued in one).
        """
        status = "accepted" if accept else "declined"
        moment = utc_text(now)
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE meeting_requests SET status = ?, reply = ?, answered_at = ? "
                "WHERE id = ? AND invitee_id = ? AND status = 'pending' RETURNING *",
                (status, reply, moment, request_id, person_id),
            )
            if not rows:
                return Answer(GONE)
            request = _request(rows[0])
            if not accept:
                payload = {"request_id": request_id, "outcome": DECLINED}
                declined = Personal(
                    MEETING_ANSWER, request.requester_id, now, payload, event_id=request.event_id
                )
                await queue_personal(tx, [declined], now)
                return Answer(DECLINED)
            meeting = await self._place(tx, request, schedule, now)
            outcome = {"scheduled": ACCEPTED, "held": HELD}.get(meeting.status, NO_SLOT)
            answer = {"request_id": request_id, "outcome": outcome, "meeting_id": meeting.id}
            messages = [
                Personal(
                    MEETING_ANSWER,
                    request.requester_id,
                    now,
                    answer,
                    event_id=request.event_id,
                    meeting_id=meeting.id,
                )
            ]
            if meeting.slot is not None:
                messages += _reminders(meeting, schedule, meeting.slot, now)
            await queue_personal(tx, messages, now)
            return Answer(outcome, meeting)

    async def _place(
        self, tx: Transaction, request: MeetingRequest, schedule: Schedule, now: datetime
    ) -> Meeting:
        """Create the meeting of an accepted request at the earliest place both are free (its
        seats too; its messages are the caller's)."""
        a, b = request.requester_id, request.invitee_id
        found = (
            await _earliest(tx, request.event_id, (a, b), schedule, now) if schedule.auto else None
        )
        status = (
            "scheduled" if found is not None else ("held" if not schedule.auto else "unscheduled")
        )
        slot, table = found if found is not None else (None, None)
        starts = schedule.slots[slot].starts_at if slot is not None else None
        cursor = await tx.execute(
            "INSERT INTO meetings (request_id, event_id, person_a, person_b, slot, table_no, "
            "starts_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                request.id,
                request.event_id,
                a,
                b,
                slot,
                table,
                utc_text(starts) if starts else None,
                status,
                utc_text(now),
            ),
        )
        meeting_id = cursor.lastrowid
        assert meeting_id is not None
        # Its seats are written by the database (migration 0029), in the same statement.
        # Built here rather than read back: one statement less in the busiest transaction.
        return Meeting(
            meeting_id,
            request.id,
            request.event_id,
            a,
            b,
            slot,
            table,
            starts,
            status,
            request.note,
            None,
            None,
        )

    # -- meetings ---------------------------------------------------------------------------

    async def meeting(self, meeting_id: int) -> Meeting | None:
        """Return a meeting, if it exists."""
        row = await self._db.fetch_one(_MEETING + "WHERE m.id = ?", (meeting_id,))
        return _meeting(row) if row is not None else None

    async def agenda(self, event_id: str, person_id: int) -> list[Meeting]:
        """Return the person's meetings at an event that are not cancelled, in time order."""
        rows = await self._db.fetch_all(
            _MEETING + "WHERE m.event_id = :e AND (m.person_a = :p OR m.person_b = :p) "
            "AND m.status != 'cancelled' ORDER BY m.slot IS NULL, m.slot, m.id",
            {"e": event_id, "p": person_id},
        )
        return [_meeting(row) for row in rows]

    async def meetings(self, event_id: str, status: str | None = None) -> list[Meeting]:
        """Return an event's meetings (of one status, when given), by slot and table."""
        rows = await self._db.fetch_all(
            _MEETING + "WHERE m.event_id = :e AND (:s IS NULL OR m.status = :s) "
            "ORDER BY m.slot IS NULL, m.slot, m.table_no, m.id",
            {"e": event_id, "s": status},
        )
        return [_meeting(row) for row in rows]

    async def cancel_meeting(
        self, meeting_id: int, by: int | None, reason: str, now: datetime
    ) -> Meeting | None:
        """Cancel a meeting (by one side, or staff when `by` is None), freeing its place.

        Each side other than `by` is told; returns the meeting as it was, None when it was
        cancelled already or `by` is not in it.
        """
        async with self._db.transaction() as tx:
            cancelled = await self._cancel(tx, "m.id = :m", {"m": meeting_id}, by, reason, now)
        return cancelled[0] if cancelled else None

    async def _cancel(
        self,
        tx: Transaction,
        which: str,
        params: dict[str, Any],
        by: int | None,
        reason: str,
        now: datetime,
    ) -> list[Meeting]:
        """Cancel the meetings `which` selects that `by` is in (any, for None), all at once;
        each other side is told. Returns the meetings as they were."""
        rows = await tx.fetch_all(
            _MEETING + f"WHERE ({which}) AND m.status != 'cancelled' ORDER BY m.id", params
        )
        meetings = [
            meeting
            for meeting in map(_meeting, rows)
            if by is None or by in (meeting.person_a, meeting.person_b)
        ]
        if not meetings:
            return []
        ids = [meeting.id for meeting in meetings]
        await tx.execute(
            "UPDATE meetings SET status = 'cancelled', slot = NULL, table_no = NULL, "
            f"cancel_reason = ?, cancelled_at = ? WHERE id IN ({_marks(ids)})",
            (reason, utc_text(now), *ids),
        )
        await withdraw_meeting_reminders(tx, ids)
        requests = [meeting.request_id for meeting in meetings if meeting.request_id is not None]
        if requests:
            await tx.execute(
                "UPDATE meeting_requests SET status = 'cancelled' "
                f"WHERE id IN ({_marks(requests)})",
                tuple(requests),
            )
        names = await _names(tx, (p for m in meetings for p in (m.person_a, m.person_b)))
        # Left without a partner by a no-show: who else is free then, to meet instead.
        free = await self._free_at(tx, meetings) if reason == "absent" else {}
        messages = []
        for meeting in meetings:
            for person in (meeting.person_a, meeting.person_b):
                if person is None or person == by:
                    continue
                other = meeting.other(person)
                payload: dict[str, Any] = {
                    "reason": reason,
                    "who": names.get(other, "") if other is not None else "",
                    "starts_at": utc_text(meeting.starts_at) if meeting.starts_at else None,
                    "table_no": meeting.table_no,
                }
                if meeting.id in free:
                    payload["free"] = free[meeting.id]
                messages.append(
                    Personal(MEETING_CANCELLED, person, now, payload, event_id=meeting.event_id)
                )
        await queue_personal(tx, messages, now)
        return meetings

    async def name_of(self, person_id: int | None) -> str:
        """Return how a participant is named to others: "name · company" ("" once erased)."""
        return (await _names(self._db, [person_id])).get(person_id or 0, "")

    async def names_of(self, person_ids: Iterable[int | None]) -> dict[int, str]:
        """Return how each of these participants is named to others, read at once (erased:
        absent, so `.get(person, "")` names them as `name_of` does)."""
        return await _names(self._db, person_ids)

    async def leave(self, person_id: int, reason: str, now: datetime) -> int:
        """Before an erasure: cancel the person's meetings to come and open requests, telling
        the others. Meetings that took place stay (without the person) for the impact report.

        Returns how many meetings were cancelled.
        """
        to_come = (
            "(m.person_a = :p OR m.person_b = :p) AND (m.starts_at > :now OR "
            "(m.starts_at IS NULL AND m.event_id IN (SELECT id FROM events WHERE ends_at > :now)))"
        )
        async with self._db.transaction() as tx:
            cancelled = await self._cancel(
                tx, to_come, {"p": person_id, "now": utc_text(now)}, person_id, reason, now
            )
            await self._cancel_requests(tx, person_id, None, reason, now)
        return len(cancelled)

    async def mark_absent(self, event_id: str, person_id: int, now: datetime) -> int:
        """Staff: the person did not come; their meetings go, the others are told and offered
        the participants also free at that time (someone else left without a partner).

        Returns how many meetings were cancelled; None-like 0 when the person is not listed.
        """
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE match_profiles SET absent_at = ? WHERE event_id = ? AND person_id = ?",
                (utc_text(now), event_id, person_id),
            )
            cancelled = await self._cancel(
                tx,
                "m.event_id = :e AND (m.person_a = :p OR m.person_b = :p)",
                {"e": event_id, "p": person_id},
                person_id,
                "absent",
                now,
            )
        return len(cancelled)

    async def _free_at(self, tx: Transaction, meetings: Sequence[Meeting]) -> dict[int, list[int]]:
        """Return, per meeting, up to three profiles of listed, present participants with no
        meeting at its slot (its own two aside), read in one query for all."""
        wanted = [m for m in meetings if m.slot is not None]
        if not wanted:
            return {}
        rows = await tx.fetch_all(
            "WITH wanted (meeting, event, slot, a, b) AS (VALUES "
            + ", ".join("(?, ?, ?, ?, ?)" for _ in wanted)
            + ") SELECT meeting, id FROM (SELECT w.meeting, f.id, ROW_NUMBER() OVER ("
            "  PARTITION BY w.meeting ORDER BY f.company, f.id) AS n "
            "  FROM wanted w JOIN match_profiles f ON f.event_id = w.event "
            "  WHERE f.listed_at IS NOT NULL AND f.absent_at IS NULL "
            "  AND f.person_id IS NOT w.a AND f.person_id IS NOT w.b "
            "  AND NOT EXISTS (SELECT 1 FROM meeting_seats s WHERE s.event_id = w.event "
            "    AND s.slot = w.slot AND s.person_id = f.person_id)) "
            "WHERE n <= 3 ORDER BY meeting, n",
            tuple(
                value
                for m in wanted
                for value in (m.id, m.event_id, m.slot, m.person_a, m.person_b)
            ),
        )
        free: dict[int, list[int]] = {m.id: [] for m in wanted}
        for row in rows:
            free[row["meeting"]].append(row["id"])
        return free

    async def place_waiting(self, event_id: str, schedule: Schedule, now: datetime) -> int:
        """Staff: give the meetings held or left without a place the earliest free place;
        both sides are told. Returns how many were placed."""
        placed: list[int] = []
        messages: list[Personal] = []
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                _MEETING + "WHERE m.event_id = ? AND m.status IN ('held', 'unscheduled') "
                "AND m.person_a IS NOT NULL AND m.person_b IS NOT NULL ORDER BY m.id",
                (event_id,),
            )
            # One at a time: each placement takes a place the next one's search must see.
            for meeting in map(_meeting, rows):
                people = (meeting.person_a, meeting.person_b)
                found = await _earliest(tx, event_id, people, schedule, now)
                if found is None:
                    continue
                slot, table = found
                await tx.execute(
                    "UPDATE meetings SET status = 'scheduled', slot = ?, table_no = ?, "
                    "starts_at = ? WHERE id = ?",
                    (slot, table, utc_text(schedule.slots[slot].starts_at), meeting.id),
                )
                placed.append(meeting.id)
                messages += _reminders(meeting, schedule, slot, now) + _moved(meeting, now)
            # A held meeting has no reminders; one left without a place may have old ones.
            await withdraw_meeting_reminders(tx, placed)
            await queue_personal(tx, messages, now)
        return len(placed)

    async def propose(self, event_id: str, pairs: Sequence[tuple[int, int]], now: datetime) -> int:
        """Staff: suggest to each person of `pairs` (person, profile id) the participant to
        meet; they decide whether to ask. Returns how many suggestions were queued."""
        messages = [
            Personal(MEETING_PROPOSAL, person, now, {"profile_id": profile}, event_id=event_id)
            for person, profile in pairs
        ]
        async with self._db.transaction() as tx:
            await queue_personal(tx, messages, now)
        return len(pairs)

    async def figures(self, event_id: str) -> DayFigures:
        """Return the event's matchmaking in numbers."""
        row = await self._db.fetch_one(
            "SELECT "
            "(SELECT COUNT(*) FROM match_profiles WHERE event_id = :e AND listed_at IS NOT NULL) "
            "  AS listed, "
            "(SELECT COUNT(*) FROM meeting_requests WHERE event_id = :e AND status = 'pending') "
            "  AS pending, "
            "SUM(status = 'scheduled') AS scheduled, SUM(status = 'held') AS held, "
            "SUM(status = 'unscheduled') AS unscheduled, SUM(status = 'cancelled') AS cancelled, "
            "SUM(outcome_a IS NOT NULL OR outcome_b IS NOT NULL) AS answered, "
            "SUM('follow_up' IN (outcome_a, outcome_b)) AS follow_ups, "
            "SUM('offer' IN (outcome_a, outcome_b)) AS offers, "
            "SUM('deal' IN (outcome_a, outcome_b)) AS deals "
            "FROM meetings WHERE event_id = :e",
            {"e": event_id},
        )
        assert row is not None
        return DayFigures(**{key: int(row[key] or 0) for key in row.keys()})  # noqa: SIM118

    async def free_places(
        self, meeting: Meeting, schedule: Schedule, now: datetime, limit: int = 12
    ) -> list[tuple[int, int]]:
        """Return (slot, lowest free table) where both sides of the meeting are free, from the
        first slot that has not started; the meeting's own place does not count as taken."""
        rows = await self._db.fetch_all(
            "WITH RECURSIVE slot (n) AS (SELECT :first UNION ALL SELECT n + 1 FROM slot "
            "  WHERE n + 1 < :slots), "
            "seat (t) AS (SELECT 1 UNION ALL SELECT t + 1 FROM seat WHERE t < :tables) "
            "SELECT slot.n AS slot, (SELECT min(seat.t) FROM seat WHERE NOT EXISTS ("
            "  SELECT 1 FROM meetings m WHERE m.event_id = :event AND m.status = 'scheduled' "
            "  AND m.slot = slot.n AND m.table_no = seat.t AND m.id != :meeting)) AS table_no "
            "FROM slot WHERE :first < :slots AND NOT EXISTS (SELECT 1 FROM meeting_seats s "
            "  WHERE s.event_id = :event AND s.slot = slot.n AND s.meeting_id != :meeting "
            "  AND s.person_id IN (:a, :b)) AND table_no IS NOT NULL "
            "AND slot.n IS NOT :current ORDER BY slot.n LIMIT :limit",
            {
                "first": schedule.first_open(now),
                "slots": len(schedule.slots),
                "tables": schedule.tables,
                "event": meeting.event_id,
                "meeting": meeting.id,
                "a": meeting.person_a,
                "b": meeting.person_b,
                "current": meeting.slot,
                "limit": limit,
            },
        )
        return [(row["slot"], row["table_no"]) for row in rows]

    async def move(
        self, meeting_id: int, slot: int, table_no: int, schedule: Schedule, now: datetime
    ) -> bool:
        """Staff: put a meeting at another slot and table; False when either side or the
        table is taken there. Both sides are told its new time and table (outcome "moved")."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                _MEETING + "WHERE m.id = ? AND m.status != 'cancelled'", (meeting_id,)
            )
            if row is None or not 0 <= slot < len(schedule.slots) or table_no < 1:
                return False
            meeting = _meeting(row)
            people = (meeting.person_a, meeting.person_b)
            busy = await tx.fetch_one(
                "SELECT 1 FROM meeting_seats WHERE event_id = ? AND slot = ? AND meeting_id != ? "
                "AND person_id IN (?, ?) UNION ALL SELECT 1 FROM meetings WHERE event_id = ? "
                "AND slot = ? AND table_no = ? AND status = 'scheduled' AND id != ?",
                (
                    meeting.event_id,
                    slot,
                    meeting_id,
                    *people,
                    meeting.event_id,
                    slot,
                    table_no,
                    meeting_id,
                ),
            )
            if busy is not None or table_no > schedule.tables:
                return False
            await tx.execute(
                "UPDATE meetings SET status = 'scheduled', slot = ?, table_no = ?, starts_at = ? "
                "WHERE id = ?",
                (slot, table_no, utc_text(schedule.slots[slot].starts_at), meeting_id),
            )
            await withdraw_meeting_reminders(tx, [meeting_id])
            await queue_personal(
                tx, _reminders(meeting, schedule, slot, now) + _moved(meeting, now), now
            )
        return True

    async def record_outcome(self, meeting_id: int, person_id: int, outcome: str) -> bool:
        """Record what a held meeting led to, as one side says; False when not theirs."""
        if outcome not in OUTCOMES:
            return False
        changed = await self._db.execute(
            "UPDATE meetings SET "
            "outcome_a = CASE WHEN person_a = :p THEN :o ELSE outcome_a END, "
            "outcome_b = CASE WHEN person_b = :p THEN :o ELSE outcome_b END "
            "WHERE id = :m AND status = 'scheduled' AND (person_a = :p OR person_b = :p)",
            {"p": person_id, "o": outcome, "m": meeting_id},
        )
        return changed == 1

    async def plan_followups(self, event_id: str, due: datetime, now: datetime) -> int:
        """Queue one follow-up question per side of each meeting held; returns how many."""
        async with self._db.transaction() as tx:
            return await queue_meeting_followups(tx, event_id, due, now)

    async def double_bookings(self, event_id: str) -> int:
        """Return how many places or people are booked twice at a slot (the schema forbids it).

        Read from the meetings themselves, not from the seats that enforce it.
        """
        row = await self._db.fetch_one(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM meetings WHERE event_id = :e "
            "AND status = 'scheduled' GROUP BY slot, table_no HAVING COUNT(*) > 1)) + "
            "(SELECT COUNT(*) FROM (SELECT slot, person FROM ("
            "  SELECT slot, person_a AS person FROM meetings WHERE event_id = :e "
            "  AND status = 'scheduled' UNION ALL "
            "  SELECT slot, person_b FROM meetings WHERE event_id = :e AND status = 'scheduled'"
            ") GROUP BY slot, person HAVING COUNT(*) > 1))",
            {"e": event_id},
        )
        return int(row[0]) if row is not None else 0
