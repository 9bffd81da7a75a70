"""The outbox: every message sent later or in bulk, as a row planned, claimed and settled.

Reminders, surveys, event notices, waiting-list promotions and each person's copy of a
broadcast are rows of one table with a `kind` and a due time in UTC. The worker claims due
rows atomically (pending -> sending, in one transaction), sends them, and records the outcome:
sent, missed, blocked, failed, skipped or cancelled. A row is claimed by one run only, so a
message is sent once; the only repeats possible are the rows a crash left in 'sending' (the
messages in flight), which the next startup retries once.

Rows are queued inside the transaction of the change they follow (a seat confirmed, an event
moved, a broadcast started), so a crash never leaves a change without its messages. A message
of several parts (the promotion's text, calendar file and check-in code) is one row per part,
each waiting for the one before it to settle: every part goes once, in order, none is lost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.content import Event
from storage.database import Database, Transaction
from storage.tickets import TICKET_POST

# Kinds of message. A new feature adds one here, with its rules in `_verdict` if it needs any,
# and a composer in bot.outbox.kinds.
REMINDER = "reminder"
SURVEY = "survey"
EVENT_CHANGED = "event_changed"
EVENT_CANCELLED = "event_cancelled"
PROMOTED = "promoted"  # a seat from the waiting list: the text...
CALENDAR = "calendar"  # ...then the .ics file...
CHECKIN_CODE = "checkin_code"  # ...then the QR code, for events held in a place
BROADCAST = "broadcast"
# Asking once whether the person wants announcements (explicit consent), in bulk.
CONSENT_REQUEST = "consent_request"
# What the team must know about the assistant itself or their place in it: the staff chat
# moved, a backup failed, their role changed. The payload says which (`about`) and its facts.
STAFF_NOTICE = "staff_notice"
# A certificate of participation (PDF), after an event flagged for certificates.
CERTIFICATE = "certificate"
# The holder of a revoked certificate is told, with the team's reason (payload: certificate_id).
CERTIFICATE_REVOKED = "certificate_revoked"
# B2B matchmaking: a request, its answer, a meeting's reminder, a cancellation, the follow-up.
MEETING_REQUEST = "meeting_request"
MEETING_ANSWER = "meeting_answer"
MEETING_REMINDER = "meeting_reminder"
MEETING_CANCELLED = "meeting_cancelled"
MEETING_FOLLOWUP = "meeting_followup"
MEETING_PROPOSAL = "meeting_proposal"  # the team suggests a participant to meet
# The member directory: one member's first message to another, relayed (no numbers shown).
DIRECTORY_MESSAGE = "directory_message"
# A company's contact is asked to confirm someone who claims the company (payload: company,
# claimant); the claimant is told what the contact or staff decided (payload: company, approved).
COMPANY_CLAIM = "company_claim"
CLAIM_DECIDED = "claim_decided"
# Events where staff select: a decision told to the applicant (accepted, reserve, declined;
# payload: application, round, decision, note), the reminder to confirm an accepted place
# before its deadline, and the note to the team that a place is free with nobody to offer it.
APPLICATION_DECISION = "application_decision"
PLACE_REMINDER = "place_reminder"
PLACES_UNFILLED = "places_unfilled"
# A survey round's invitation, and its one reminder to those who have not finished.
SURVEY_INVITATION = "survey_invitation"
SURVEY_REMINDER = "survey_reminder"
# After an erasure, the request to a team chat, under one of the person's tickets' posts, to
# delete its copies there by hand (payload: ticket, message); addressed by `chat_id`, no person.
TICKET_COPIES = "ticket_copies"
# Staff cancelled a person's registration: told politely, with the team's reason if any
# (payload: title, starts_at, waitlisted, reason).
REGISTRATION_CANCELLED = "registration_cancelled"
# Staff's operational notice to one event's registrants (room change, bring your ID): part of
# the service they signed up for, not an announcement, so no consent is asked (payload: html,
# registration; bulk, at the shared rate).
EVENT_MESSAGE = "event_message"
KINDS = (
    REMINDER,
    SURVEY,
    EVENT_CHANGED,
    EVENT_CANCELLED,
    PROMOTED,
    CALENDAR,
    CHECKIN_CODE,
    BROADCAST,
    CONSENT_REQUEST,
    STAFF_NOTICE,
    CERTIFICATE,
    CERTIFICATE_REVOKED,
    MEETING_REQUEST,
    MEETING_ANSWER,
    MEETING_REMINDER,
    MEETING_CANCELLED,
    MEETING_FOLLOWUP,
    MEETING_PROPOSAL,
    DIRECTORY_MESSAGE,
    COMPANY_CLAIM,
    CLAIM_DECIDED,
    APPLICATION_DECISION,
    PLACE_REMINDER,
    PLACES_UNFILLED,
    SURVEY_INVITATION,
    SURVEY_REMINDER,
    TICKET_COPIES,
    REGISTRATION_CANCELLED,
    EVENT_MESSAGE,
)
# A decision about a place is worth nothing once the event is cancelled or has started.
SELECTION = (APPLICATION_DECISION, PLACE_REMINDER)
# These go only while the registration is confirmed and the event scheduled.
FOLLOW_REGISTRATION = (REMINDER, SURVEY, PROMOTED, CALENDAR, CHECKIN_CODE)
# A seat's news is worth nothing once the event has started.
PROMOTION = (PROMOTED, CALENDAR, CHECKIN_CODE)

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
MISSED = "missed"
BLOCKED = "blocked"
FAILED = "failed"
SKIPPED = "skipped"
CANCELLED = "cancelled"
SETTLED = (SENT, MISSED, BLOCKED, FAILED, SKIPPED, CANCELLED)


@dataclass(frozen=True)
class DeliveryPlan:
    """When a confirmed registration's messages go out: reminders before, survey after."""

    reminder_offsets: tuple[timedelta, ...] = ()
    feedback_delay: timedelta | None = None

    def reminders(self, starts_at: datetime, now: datetime) -> list[tuple[timedelta, datetime]]:
        """Return (offset, due time) of the reminders still ahead; past ones are not planned."""
        return [
            (offset, starts_at - offset)
            for offset in self.reminder_offsets
            if starts_at - offset > now
        ]

    def survey(self, ends_at: datetime) -> datetime | None:
        """Return when the feedback survey is due, if surveys are planned."""
        return None if self.feedback_delay is None else ends_at + self.feedback_delay


@dataclass(frozen=True)
class OutboxMessage:
    """One message in the outbox, to one person."""

    id: int
    kind: str
    person_id: int | None
    registration_id: int | None
    event_id: str | None
    broadcast_id: int | None
    offset: timedelta | None
    language: str | None
    payload: dict[str, Any]
    due_at: datetime
    status: str
    attempts: int
    interrupted: bool
    last_error: str | None
    sent_at: datetime | None
    meeting_id: int | None = None
    chat_id: int | None = None  # a chat that is no person's (the team's group), if not theirs

    @property
    def chat(self) -> int | None:
        """Return the chat the message goes to: its own, or the person's."""
        return self.chat_id if self.chat_id is not None else self.person_id


@dataclass(frozen=True)
class Recovery:
    """What a startup found in 'sending', left by a crash: retried once, or given up."""

    retried: int
    failed: int


@dataclass(frozen=True)
class Addressee:
    """A registrant a notice about their event goes to."""

    registration_id: int
    person_id: int


def _message(row: Any) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        kind=row["kind"],
        person_id=row["person_id"],
        registration_id=row["registration_id"],
        event_id=row["event_id"],
        broadcast_id=row["broadcast_id"],
        offset=None if row["offset_seconds"] is None else timedelta(seconds=row["offset_seconds"]),
        language=row["language"],
        payload=json.loads(row["payload"]) if row["payload"] else {},
        due_at=parse_utc(row["due_at"]),
        status=row["status"],
        attempts=row["attempts"],
        interrupted=bool(row["interrupted"]),
        last_error=row["last_error"],
        sent_at=parse_utc(row["sent_at"]) if row["sent_at"] else None,
        meeting_id=row["meeting_id"],
        chat_id=row["chat_id"],
    )


# -- queueing, inside the transaction of the change a message follows ----------------------


async def plan_for_registration(
    tx: Transaction,
    plan: DeliveryPlan,
    *,
    registration_id: int,
    person_id: int,
    event_id: str,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> None:
    """Queue a newly confirmed registration's reminders and survey, inside its transaction."""
    moment = utc_text(now)
    rows: list[tuple[Any, ...]] = [
        (REMINDER, registration_id, person_id, event_id, int(offset.total_seconds()), due, moment)
        for offset, due in ((o, utc_text(d)) for o, d in plan.reminders(starts_at, now))
    ]
    survey_due = plan.survey(ends_at)
    if survey_due is not None:
        rows.append(
            (SURVEY, registration_id, person_id, event_id, None, utc_text(survey_due), moment)
        )
    # OR IGNORE: a copy already waiting (unique while pending) is kept, never doubled.
    await tx.executemany(
        "INSERT OR IGNORE INTO outbox (kind, registration_id, person_id, event_id, "
        "offset_seconds, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


async def queue_promotion(
    tx: Transaction, event: Event, *, registration_id: int, person_id: int, now: datetime
) -> None:
    """Queue "a seat opened up", its calendar file and (in a place) its check-in code.

    Call in the transaction that confirms the seat: the news can't be lost to a crash.
    """
    moment = utc_text(now)
    parts = [PROMOTED, CALENDAR] + ([CHECKIN_CODE] if event.location is not None else [])
    before: int | None = None
    for kind in parts:
        cursor = await tx.execute(
            "INSERT OR IGNORE INTO outbox (kind, registration_id, person_id, event_id, after_id, "
            "due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, registration_id, person_id, event.id, before, moment, moment),
        )
        if cursor.rowcount == 0:
            return  # the same news is already waiting, with its parts
        before = cursor.lastrowid


async def withdraw_for_registration(tx: Transaction, registration_id: int) -> None:
    """Drop a registration's messages still waiting, inside the transaction that ended it."""
    await tx.execute(
        "DELETE FROM outbox WHERE registration_id = ? AND status = 'pending'",
        (registration_id,),
    )


async def replan_event(
    tx: Transaction,
    plan: DeliveryPlan,
    event_id: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> None:
    """Plan an event's reminders and survey afresh for new times, in the move's transaction.

    Waiting ones are dropped and every confirmed registration gets those still ahead; a
    reminder already sent for the old time may come again for the new one, as it should.
    """
    await tx.execute(
        "DELETE FROM outbox WHERE event_id = ? AND status = 'pending' "
        "AND kind IN ('reminder', 'survey')",
        (event_id,),
    )
    for addressee, status in await _active_registrants(tx, event_id):
        if status == "confirmed":
            await plan_for_registration(
                tx,
                plan,
                registration_id=addressee.registration_id,
                person_id=addressee.person_id,
                event_id=event_id,
                starts_at=starts_at,
                ends_at=ends_at,
                now=now,
            )


async def withdraw_for_event(tx: Transaction, event_id: str) -> None:
    """Drop every message still waiting about an event, inside the transaction cancelling it."""
    await tx.execute("DELETE FROM outbox WHERE event_id = ? AND status = 'pending'", (event_id,))


async def announce_event_change(
    tx: Transaction,
    plan: DeliveryPlan,
    event_id: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    times_changed: bool,
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """In the change's transaction: re-plan reminders for new times, queue the notices.

    Returns how many registrants will be told.
    """
    if times_changed:
        await replan_event(tx, plan, event_id, starts_at=starts_at, ends_at=ends_at, now=now)
    registrants = await _active_registrants(tx, event_id)
    told = [addressee for addressee, _ in registrants]
    moment = utc_text(now)
    await _queue_notices(tx, EVENT_CHANGED, event_id, told, payload, moment)
    # A seat's calendar file again, after the notice: same UID, a higher SEQUENCE (the event's,
    # read when it is sent), so the person's calendar moves the entry instead of adding one.
    await tx.executemany(
        "INSERT OR IGNORE INTO outbox (kind, registration_id, person_id, event_id, after_id, "
        "due_at, created_at) VALUES (:kind, :registration, :person, :event, (SELECT id FROM "
        "outbox WHERE kind = :notice AND registration_id = :registration AND status = 'pending'), "
        ":now, :now)",
        [
            {
                "kind": CALENDAR,
                "notice": EVENT_CHANGED,
                "registration": a.registration_id,
                "person": a.person_id,
                "event": event_id,
                "now": moment,
            }
            for a, status in registrants
            if status == "confirmed"
        ],
    )
    return len(told)


async def announce_event_cancelled(
    tx: Transaction,
    event_id: str,
    registrants: Sequence[Addressee],
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """In the cancellation's transaction: drop the event's waiting messages, queue notices."""
    await withdraw_for_event(tx, event_id)
    await _queue_notices(tx, EVENT_CANCELLED, event_id, registrants, payload, utc_text(now))
    return len(registrants)


async def queue_bulk(
    tx: Transaction,
    kind: str,
    people: str,
    language: str,
    params: dict[str, Any],
    now: datetime,
    *,
    due: datetime | None = None,
    payload: dict[str, Any] | None = None,
    broadcast_id: int | None = None,
) -> int:
    """Queue one bulk row of `kind` per person of an audience, due at `due` (now); return how
    many.

    `people` is the FROM/WHERE clause over people `m` that selects the audience and
    `language` the SQL expression of the language each gets, with their `params`.
    """
    cursor = await tx.execute(
        "INSERT INTO outbox (kind, person_id, broadcast_id, bulk, language, payload, due_at, "
        f"created_at) SELECT :outbox_kind, m.id, :outbox_broadcast, 1, {language}, "
        f":outbox_payload, :outbox_due, :outbox_now {people} ORDER BY m.id",
        {
            **params,
            "outbox_kind": kind,
            "outbox_broadcast": broadcast_id,
            "outbox_payload": _payload(payload),
            "outbox_due": utc_text(due or now),
            "outbox_now": utc_text(now),
        },
    )
    return cursor.rowcount


async def queue_event_message(
    tx: Transaction, event_id: str, statuses: Sequence[str], html: str, now: datetime
) -> int:
    """Queue staff's notice to an event's registrants of these statuses who are on Telegram,
    one bulk row each, due now; return how many. Only this event's registrants: it can't reach
    anyone else."""
    moment = utc_text(now)
    cursor = await tx.execute(
        "INSERT INTO outbox (kind, person_id, event_id, bulk, payload, due_at, created_at) "
        "SELECT ?, r.person_id, r.event_id, 1, json_object('html', ?, 'registration', r.id), "
        "?, ? FROM registrations r "
        f"WHERE r.event_id = ? AND r.person_id IS NOT NULL AND r.status IN "
        f"({', '.join('?' * len(statuses))}) ORDER BY r.queued_at, r.id",
        (EVENT_MESSAGE, html, moment, moment, event_id, *statuses),
    )
    return cursor.rowcount


async def queue_broadcast(
    tx: Transaction,
    broadcast_id: int,
    people: str,
    language: str,
    params: dict[str, Any],
    now: datetime,
) -> int:
    """Queue one bulk row per person a broadcast reaches, due now; return how many."""
    return await queue_bulk(tx, BROADCAST, people, language, params, now, broadcast_id=broadcast_id)


async def cancel_broadcast_copies(tx: Transaction, broadcast_id: int) -> None:
    """Cancel a broadcast's copies still waiting, in the transaction that stops it."""
    await tx.execute(
        "UPDATE outbox SET status = 'cancelled', "
        "last_error = 'broadcast cancelled' WHERE broadcast_id = ? AND status = 'pending'",
        (broadcast_id,),
    )


async def queue_staff_notice(
    tx: Transaction,
    person_ids: Sequence[int],
    payload: dict[str, Any],
    now: datetime,
    *,
    kind: str = STAFF_NOTICE,
    event_id: str | None = None,
) -> int:
    """Queue a notice to each of these people the assistant knows; return how many.

    Someone who never wrote to the assistant can't be written to, and has no row in people.
    """
    if not person_ids:
        return 0
    moment = utc_text(now)
    cursor = await tx.execute(
        "INSERT INTO outbox (kind, person_id, event_id, payload, due_at, created_at) "
        "SELECT ?, id, ?, ?, ?, ? FROM people "
        f"WHERE id IN ({', '.join('?' * len(person_ids))}) ORDER BY id",
        (kind, event_id, _payload(payload), moment, moment, *person_ids),
    )
    return cursor.rowcount


async def queue_consent_requests(tx: Transaction, purpose: str, now: datetime) -> int:
    """Queue one request for the consent to `purpose` to each informed, reachable person who
    never gave it (a withdrawn one counts), never said no to it and was never asked (whatever
    they answered); return how many."""
    moment = utc_text(now)
    cursor = await tx.execute(
        "INSERT INTO outbox (kind, person_id, bulk, due_at, created_at) "
        f"SELECT '{CONSENT_REQUEST}', p.id, 1, :now, :now FROM people p "
        "WHERE p.informed_at IS NOT NULL AND p.unreachable_at IS NULL "
        "AND p.announcements_declined_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id "
        "  AND c.purpose = :purpose) "
        "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.person_id = p.id "
        f"  AND o.kind = '{CONSENT_REQUEST}') "
        "ORDER BY p.id",
        {"now": moment, "purpose": purpose},
    )
    return cursor.rowcount


async def cancel_announcements(tx: Transaction, person_id: int) -> None:
    """Cancel the broadcast copies and consent requests still waiting for a person, in the
    transaction of their consent's withdrawal."""
    await tx.execute(
        "UPDATE outbox SET status = 'cancelled', last_error = 'announcement consent withdrawn' "
        f"WHERE person_id = ? AND kind IN ('{BROADCAST}', '{CONSENT_REQUEST}') "
        "AND status = 'pending'",
        (person_id,),
    )


async def queue_company_claim(
    tx: Transaction, contact_id: int, company_id: int, claimant_id: int, now: datetime
) -> None:
    """Queue the question to a company's contact: does the claimant work there?

    The row names the claimant (`about_person_id`): erasing them takes the question along.
    """
    moment = utc_text(now)
    payload = _payload({"company": company_id, "claimant": claimant_id})
    await tx.execute(
        "INSERT INTO outbox (kind, person_id, about_person_id, payload, due_at, created_at) "
        f"VALUES ('{COMPANY_CLAIM}', ?, ?, ?, ?, ?)",
        (contact_id, claimant_id, payload, moment, moment),
    )


async def queue_claim_decided(
    tx: Transaction, claimant_id: int, company_id: int, approved: bool, now: datetime
) -> None:
    """Queue the news of a decided claim to the person who made it."""
    moment = utc_text(now)
    payload = json.dumps({"company": company_id, "approved": approved}, sort_keys=True)
    await tx.execute(
        "INSERT INTO outbox (kind, person_id, payload, due_at, created_at) "
        f"VALUES ('{CLAIM_DECIDED}', ?, ?, ?, ?)",
        (claimant_id, payload, moment, moment),
    )


@dataclass(frozen=True)
class Personal:
    """One message to one person, queued as it is: a B2B day's or the directory's news."""

    kind: str
    person_id: int | None  # None: nobody left to tell (erased); nothing is queued
    due: datetime
    payload: dict[str, Any] | None = None
    event_id: str | None = None
    meeting_id: int | None = None


async def queue_personal(tx: Transaction, messages: Sequence[Personal], now: datetime) -> int:
    """Queue each message that has someone to go to, in one statement; return how many."""
    moment = utc_text(now)
    rows = [
        (
            message.kind,
            message.person_id,
            message.event_id,
            message.meeting_id,
            None
            if message.payload is None
            else json.dumps(message.payload, ensure_ascii=False, sort_keys=True),
            utc_text(message.due),
            moment,
        )
        for message in messages
        if message.person_id is not None
    ]
    await tx.executemany(
        "INSERT INTO outbox (kind, person_id, event_id, meeting_id, payload, due_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


async def withdraw_meeting_reminders(tx: Transaction, meeting_ids: Sequence[int]) -> None:
    """Drop the waiting reminders of meetings cancelled or moved, in the change's transaction."""
    if not meeting_ids:
        return
    await tx.execute(
        f"DELETE FROM outbox WHERE kind = '{MEETING_REMINDER}' AND status = 'pending' "
        f"AND meeting_id IN ({', '.join('?' * len(meeting_ids))})",
        tuple(meeting_ids),
    )


async def queue_meeting_followups(
    tx: Transaction, event_id: str, due: datetime, now: datetime
) -> int:
    """Queue the question "what did it lead to?" to each side of each meeting held, once."""
    cursor = await tx.execute(
        "INSERT INTO outbox (kind, person_id, event_id, meeting_id, due_at, created_at) "
        "SELECT :kind, x.person_id, m.event_id, m.id, :due, :now FROM meetings m "
        "JOIN meeting_seats x ON x.meeting_id = m.id "
        "WHERE m.event_id = :e AND m.status = 'scheduled' AND NOT EXISTS ("
        "  SELECT 1 FROM outbox o WHERE o.meeting_id = m.id AND o.kind = :kind "
        "  AND o.person_id = x.person_id)",
        {"kind": MEETING_FOLLOWUP, "due": utc_text(due), "now": utc_text(now), "e": event_id},
    )
    return cursor.rowcount


async def queue_ticket_copies(tx: Transaction, person_id: int, now: datetime) -> int:
    """Queue, in an erasure's transaction, the request to each team chat the person's tickets
    were posted to, under the ticket's post, to delete its copies there; return how many."""
    moment = utc_text(now)
    cursor = await tx.execute(
        "INSERT INTO outbox (kind, chat_id, payload, due_at, created_at) "
        "SELECT :kind, p.chat_id, json_object('message', p.message_id, 'ticket', p.ticket_id), "
        ":now, :now FROM ticket_posts p JOIN tickets t ON t.id = p.ticket_id "
        "WHERE t.person_id = :person AND p.audience = 'staff' AND p.purpose = :purpose "
        "ORDER BY p.created_at, p.chat_id",
        {"kind": TICKET_COPIES, "now": moment, "person": person_id, "purpose": TICKET_POST},
    )
    return cursor.rowcount


async def queue_application_news(
    tx: Transaction,
    person_id: int,
    event_id: str,
    decision: dict[str, Any],
    now: datetime,
    *,
    reminder: dict[str, Any] | None = None,
    reminder_due: datetime | None = None,
) -> None:
    """Queue an application's decision (and an offered place's reminder to confirm it)."""
    moment = utc_text(now)
    rows = [(APPLICATION_DECISION, person_id, event_id, _payload(decision), moment, moment)]
    if reminder is not None and reminder_due is not None:
        due = utc_text(reminder_due)
        rows.append((PLACE_REMINDER, person_id, event_id, _payload(reminder), due, moment))
    # OR IGNORE: the unique index lets one message per application and round exist.
    await tx.executemany(
        "INSERT OR IGNORE INTO outbox (kind, person_id, event_id, payload, due_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


async def queue_certificate(
    tx: Transaction,
    *,
    registration_id: int,
    person_id: int,
    event_id: str,
    certificate_id: int,
    now: datetime,
) -> None:
    """Queue a certificate to its holder, in the transaction that issues it."""
    moment = utc_text(now)
    # OR IGNORE: one copy waiting per registration, however often the job runs.
    await tx.execute(
        "INSERT OR IGNORE INTO outbox (kind, registration_id, person_id, event_id, "
        "payload, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            CERTIFICATE,
            registration_id,
            person_id,
            event_id,
            _payload({"certificate_id": certificate_id}),
            moment,
            moment,
        ),
    )


async def record_sent_survey(
    tx: Transaction, registration_id: int, person_id: int, event_id: str, sent_at: datetime
) -> None:
    """Record a post-event survey message as sent back then (a past written for the demo)."""
    moment = utc_text(sent_at)
    await tx.execute(
        "INSERT INTO outbox (kind, person_id, registration_id, event_id, language, due_at, "
        "status, attempts, sent_at, created_at) VALUES (?, ?, ?, ?, 'tr', ?, 'sent', 1, ?, ?)",
        (SURVEY, person_id, registration_id, event_id, moment, moment, moment),
    )


async def record_sent_when_queued(
    tx: Transaction, kinds: Sequence[str], except_person_id: int
) -> None:
    """Mark waiting messages of these kinds sent when they were queued, but one person's: what
    a demo's past participants got long ago."""
    await tx.execute(
        "UPDATE outbox SET status = 'sent', sent_at = created_at "
        f"WHERE kind IN ({', '.join('?' * len(kinds))}) AND person_id != ? "
        "AND status = 'pending'",
        (*kinds, except_person_id),
    )


async def forget_settled(tx: Transaction, registrations: str, params: dict[str, Any]) -> None:
    """Delete the settled messages of these registrations (`registrations` selects their ids,
    with `params`): the retention job's part of the outbox."""
    settled = ", ".join(f"'{status}'" for status in SETTLED)
    await tx.execute(
        f"DELETE FROM outbox WHERE status IN ({settled}) AND registration_id IN ({registrations})",
        params,
    )


# What erasing a person deletes of the outbox, each statement taking the person's id: their
# messages, and those about them (a claim to a company names them to its contact, sent or not).
ERASE_STATEMENTS = (
    "DELETE FROM outbox WHERE person_id = ?",
    "DELETE FROM outbox WHERE about_person_id = ?",
)


def _payload(value: dict[str, Any] | None) -> str | None:
    """Return a payload as stored: JSON, keys sorted, letters as they are."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


async def _active_registrants(tx: Transaction, event_id: str) -> list[tuple[Addressee, str]]:
    rows = await tx.fetch_all(
        "SELECT id, person_id, status FROM registrations WHERE event_id = ? "
        "AND status IN ('confirmed', 'waitlisted') AND person_id IS NOT NULL ORDER BY id",
        (event_id,),
    )
    return [(Addressee(row["id"], row["person_id"]), row["status"]) for row in rows]


async def _queue_notices(
    tx: Transaction,
    kind: str,
    event_id: str,
    addressees: Sequence[Addressee],
    payload: dict[str, Any],
    moment: str,
) -> None:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True) if payload else None
    # OR IGNORE: a notice still waiting says the same (it reads the event when sent).
    await tx.executemany(
        "INSERT OR IGNORE INTO outbox (kind, registration_id, person_id, event_id, "
        "payload, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (kind, a.registration_id, a.person_id, event_id, text, moment, moment)
            for a in addressees
        ],
    )


# -- claiming and settling -------------------------------------------------------------------

# Everything a verdict needs about a due row, read in the claiming transaction; one lane
# (personal or bulk) at a time, so each is a range of the `outbox_due` index.
_DUE = """
SELECT o.*,
    e.starts_at AS event_starts_at, e.status AS event_status,
    r.status AS registration_status, r.attended AS attended,
    m.id AS person_exists, m.reminders_on AS reminders_on,
    m.announcements_on AS announcements_on, m.unreachable_at AS unreachable_at,
    b.status AS broadcast_status,
    CASE WHEN o.kind = 'survey' THEN EXISTS (
        SELECT 1 FROM registrations t
        WHERE t.event_id = o.event_id AND t.attended IS NOT NULL) END AS attendance_taken,
    CASE WHEN o.kind = 'reminder' THEN EXISTS (
        SELECT 1 FROM outbox later
        WHERE later.registration_id = o.registration_id AND later.kind = 'reminder'
        AND later.status IN ('pending', 'sending', 'sent')
        AND later.due_at > o.due_at AND later.due_at <= :now) END AS superseded
FROM outbox o
LEFT JOIN events e ON e.id = o.event_id
LEFT JOIN registrations r ON r.id = o.registration_id
LEFT JOIN people m ON m.id = o.person_id
LEFT JOIN broadcasts b ON b.id = o.broadcast_id
WHERE o.status = 'pending' AND o.bulk = :bulk AND o.due_at <= :now
AND (o.after_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM outbox p WHERE p.id = o.after_id AND p.status IN ('pending', 'sending')))
ORDER BY o.due_at, o.id
LIMIT :limit
"""


def _verdict(row: Any, now: str) -> tuple[str, str | None]:
    """Decide what happens to a due row: claim it for sending, or settle it without a send."""
    kind = row["kind"]
    if kind == TICKET_COPIES:
        return SENDING, None  # to a team chat: no person or event to ask after
    if kind == BROADCAST:
        if row["broadcast_status"] != SENDING:
            return CANCELLED, "broadcast cancelled"
        if row["person_exists"] is None:
            return SKIPPED, "person no longer exists"
        if row["unreachable_at"] is not None:
            return BLOCKED, "person unreachable (blocked the bot)"
        if not row["announcements_on"]:
            return SKIPPED, "announcements switched off"
        return SENDING, None
    if kind in (SURVEY_INVITATION, SURVEY_REMINDER):
        if row["person_exists"] is None:
            return SKIPPED, "person no longer exists"
        if row["unreachable_at"] is not None:
            return BLOCKED, "person unreachable (blocked the bot)"
        return SENDING, None
    if kind == CONSENT_REQUEST:
        if row["person_exists"] is None:
            return SKIPPED, "person no longer exists"
        if row["unreachable_at"] is not None:
            return BLOCKED, "person unreachable (blocked the bot)"
        if row["announcements_on"]:
            return SKIPPED, "already consented"
        return SENDING, None
    if row["person_exists"] is None or (row["event_id"] and row["event_status"] is None):
        return SKIPPED, "person or event no longer exists"
    if kind in FOLLOW_REGISTRATION:
        if row["registration_status"] != "confirmed":
            return SKIPPED, "registration no longer confirmed"
        if row["event_status"] != "scheduled":
            return SKIPPED, "event cancelled"
        if row["unreachable_at"] is not None:
            return SKIPPED, "person unreachable (blocked the bot)"
    if kind in SELECTION:
        if row["event_status"] != "scheduled":
            return SKIPPED, "event cancelled"
        if row["event_starts_at"] <= now:
            return MISSED, "event had started"
    if kind in PROMOTION and row["event_starts_at"] <= now:
        return MISSED, "event had started"
    if kind == REMINDER:
        if row["event_starts_at"] <= now:
            return MISSED, "event had started"
        if row["superseded"]:
            return SKIPPED, "superseded by a later reminder"
        if not row["reminders_on"]:
            return SKIPPED, "reminders switched off"
    if kind == SURVEY and row["attendance_taken"] and row["attended"] != 1:
        return SKIPPED, "not marked present"
    if kind == EVENT_MESSAGE and row["event_status"] != "scheduled":
        return SKIPPED, "event cancelled"
    if (
        kind in (CERTIFICATE, CERTIFICATE_REVOKED, EVENT_MESSAGE, REGISTRATION_CANCELLED)
        and row["unreachable_at"] is not None
    ):
        return BLOCKED, "person unreachable (blocked the bot)"
    return SENDING, None


class OutboxRepository:
    """Claims, settles and recovers the outbox's rows: one protocol for every kind."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def recover_interrupted(self) -> Recovery:
        """Put rows a crash left in 'sending' back in line, once; a second crash fails them.

        Call at startup, before the worker runs: then every 'sending' row is a message
        that was in flight when the previous process died, and may or may not have gone out.
        """
        async with self._db.transaction() as tx:
            failed = await tx.execute(
                "UPDATE outbox SET status = 'failed', "
                "last_error = 'interrupted twice while sending' "
                "WHERE status = 'sending' AND interrupted = 1"
            )
            retried = await tx.execute(
                "UPDATE OR IGNORE outbox SET status = 'pending', interrupted = 1, "
                "last_error = 'interrupted while sending; retried once' "
                "WHERE status = 'sending'"
            )
            # A row whose twin is already waiting again must not be sent twice.
            await tx.execute(
                "UPDATE outbox SET status = 'skipped', last_error = 'duplicate' "
                "WHERE status = 'sending'"
            )
        return Recovery(retried=retried.rowcount, failed=failed.rowcount)

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` due rows for sending; settle the ones that must not be sent.

        Personal rows come first and bulk rows fill the rest, so a long broadcast holds a
        reminder back by one batch at most. Due reminders of an event that has started become
        'missed'; an older reminder with a later one also due (after downtime) is 'skipped',
        so a person gets only the latest.
        """
        if limit <= 0:
            return []
        moment = utc_text(now)
        # Most sweeps find nothing due: a read, without taking the write lock, tells.
        if not await self._db.fetch_one(
            "SELECT 1 FROM outbox WHERE status = 'pending' AND bulk IN (0, 1) AND due_at <= ? "
            "LIMIT 1",
            (moment,),
        ):
            return []
        claimed: list[OutboxMessage] = []
        async with self._db.transaction() as tx:
            for bulk in (0, 1):
                await self._claim_lane(tx, bulk, moment, limit, claimed)
        return claimed

    async def _claim_lane(
        self, tx: Transaction, bulk: int, moment: str, limit: int, claimed: list[OutboxMessage]
    ) -> None:
        while len(claimed) < limit:
            rows = await tx.fetch_all(
                _DUE, {"now": moment, "limit": limit - len(claimed), "bulk": bulk}
            )
            if not rows:
                return
            settled: list[tuple[str, str | None, int]] = []
            chosen: list[OutboxMessage] = []
            for row in rows:
                status, reason = _verdict(row, moment)
                if status == SENDING:
                    chosen.append(
                        replace(_message(row), status=SENDING, attempts=row["attempts"] + 1)
                    )
                else:
                    settled.append((status, reason, row["id"]))
            await tx.executemany(
                "UPDATE outbox SET status = ?, last_error = ? WHERE id = ?", settled
            )
            await tx.executemany(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, "
                "attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
                [(moment, message.id) for message in chosen],
            )
            claimed.extend(chosen)

    async def mark_sent(self, message_id: int, now: datetime, telegram_id: int | None) -> None:
        """Record that the message went out (and Telegram's id for it)."""
        await self._db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL "
            "WHERE id = ? AND status = 'sending'",
            (utc_text(now), telegram_id, message_id),
        )

    async def mark_settled(self, message_id: int, status: str, reason: str) -> None:
        """Record that a claimed row ended without a send: missed, blocked, failed..."""
        if status not in SETTLED or status == SENT:
            raise ValueError(f"{status!r} does not settle an outbox message without a send")
        await self._db.execute(
            "UPDATE outbox SET status = ?, last_error = ? WHERE id = ? AND status = 'sending'",
            (status, reason[:500], message_id),
        )

    async def postpone(self, message_id: int, due_at: datetime, reason: str) -> None:
        """Put a claimed row back in line for later (Telegram asked us to slow down)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE OR IGNORE outbox SET status = 'pending', due_at = ?, last_error = ? "
                "WHERE id = ? AND status = 'sending'",
                (utc_text(due_at), reason[:500], message_id),
            )
            if cursor.rowcount == 0:
                await tx.execute(
                    "UPDATE outbox SET status = 'skipped', last_error = 'duplicate' "
                    "WHERE id = ? AND status = 'sending'",
                    (message_id,),
                )

    async def of_registration(self, registration_id: int) -> list[OutboxMessage]:
        """Return a registration's messages, in due order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE registration_id = ? ORDER BY due_at, id",
            (registration_id,),
        )
        return [_message(row) for row in rows]

    async def count_by_status(self, kind: str | None = None) -> dict[str, int]:
        """Return how many rows (of a kind, or all) are in each status."""
        rows = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE ? IS NULL OR kind = ? GROUP BY status",
            (kind, kind),
        )
        return {row["status"]: row["n"] for row in rows}

    async def count_resent(self) -> int:
        """Return how many messages went out again after a crash had caught them in flight."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM outbox WHERE interrupted = 1 AND status = 'sent'"
        )
        return int(row[0]) if row is not None else 0
