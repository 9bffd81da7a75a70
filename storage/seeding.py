"""Bulk rows for the demo's history and the benchmarks: people, registrations, feedback,
tickets, questions and announcements written in a few statements instead of one per action.

Nothing here runs in the assistant itself; the rows are what its features would have written.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from storage.catalogue import parse_utc
from storage.database import Database, Transaction
from storage.outbox import record_sent_survey
from storage.privacy import ANNOUNCEMENTS
from storage.survey_definitions import FEEDBACK, FEEDBACK_RATING
from storage.surveys import count_invited


@dataclass(frozen=True)
class SeedPerson:
    """A person with a finished profile."""

    id: int
    full_name: str
    company: str
    company_id: int | None
    sector_id: str | None
    language: str
    seen_at: str


@dataclass(frozen=True)
class SeedRegistration:
    """A registration, with attendance and a rating (and words) when the person came and
    answered the feedback."""

    event_id: str
    person_id: int
    company_id: int | None
    sector_id: str | None
    status: str
    created_at: str
    attended: int | None
    attended_at: str | None
    rating: int | None
    useful: str | None = None  # what was most useful, with the rating
    wish: str | None = None  # what the cluster should do next


@dataclass(frozen=True)
class SeedTicket:
    """A question or service request, answered by the team at `answered_at` if at all."""

    person_id: int
    kind: str
    service_id: str | None
    status: str
    created_at: str
    answered_at: str | None
    question: str = ""  # what the person wrote; nothing when empty
    answer: str = ""


async def add_people(
    database: Database, people: Sequence[SeedPerson], notice_version: str | None = None
) -> None:
    """Insert people who read the notice and filled their profile (no announcements consent).

    With `notice_version`, each read that version when first seen, as the sign-up records it
    (the version on the person and an acknowledgement); without it, the old unversioned notice.
    """
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, first_seen_at, last_seen_at, language, telegram_language, "
            "informed_at, notice_version, full_name, company, company_key, company_id, "
            "sector_id, announcements_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, lower(?), ?, ?, 0)",
            [
                (
                    p.id,
                    p.seen_at,
                    p.seen_at,
                    p.language,
                    p.language,
                    p.seen_at,
                    notice_version,
                    p.full_name,
                    p.company,
                    p.company,
                    p.company_id,
                    p.sector_id,
                )
                for p in people
            ],
        )
        if notice_version is not None:
            await tx.executemany(
                "INSERT INTO notice_acknowledgements (person_id, version, language, "
                "acknowledged_at) VALUES (?, ?, ?, ?)",
                [(p.id, notice_version, p.language, p.seen_at) for p in people],
            )


async def verify_company_links(
    database: Database, person_ids: Sequence[int], contacts: int = 0
) -> None:
    """Mark these people's company links verified; make the first verified person of the
    first `contacts` member companies (by name) their contact."""
    async with database.transaction() as tx:
        await tx.executemany(
            "UPDATE people SET company_verified = 1 WHERE id = ?", [(i,) for i in person_ids]
        )
        if contacts:
            await tx.execute(
                "UPDATE companies SET contact_person_id = (SELECT MIN(p.id) FROM people p "
                "  WHERE p.company_id = companies.id AND p.company_verified = 1) "
                "WHERE id IN (SELECT c.id FROM companies c WHERE c.membership = 'member' "
                "  AND EXISTS (SELECT 1 FROM people p WHERE p.company_id = c.id "
                "  AND p.company_verified = 1) ORDER BY c.name_key LIMIT ?)",
                (contacts,),
            )


async def add_registrations(database: Database, registrations: Sequence[SeedRegistration]) -> None:
    """Insert registrations and the feedback of those who rated the event."""
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO registrations (event_id, person_id, status, company_id, sector_id, "
            "created_at, queued_at, confirmed_at, cancelled_at, attended, attended_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.event_id,
                    r.person_id,
                    r.status,
                    r.company_id,
                    r.sector_id,
                    r.created_at,
                    r.created_at,
                    r.created_at if r.status == "confirmed" else None,
                    r.created_at if r.status == "cancelled" else None,
                    r.attended,
                    r.attended_at,
                )
                for r in registrations
            ],
        )
        rated = []
        for r in registrations:
            if r.rating is None:
                continue
            row = await tx.fetch_one(
                "SELECT id FROM registrations WHERE event_id = ? AND person_id = ?",
                (r.event_id, r.person_id),
            )
            assert row is not None and r.attended_at is not None
            rated.append(SeedFeedback(row["id"], r.rating, r.attended_at, r.useful, r.wish))
        await _add_feedback(tx, rated)


@dataclass(frozen=True)
class SeedFeedback:
    """A registration's post-event feedback: the rating, and what the person wrote."""

    registration_id: int
    rating: int
    answered_at: str
    useful: str | None = None
    wish: str | None = None


async def add_feedback(database: Database, feedback: Sequence[SeedFeedback]) -> None:
    """Insert post-event feedback as the survey engine stores it (see _add_feedback)."""
    async with database.transaction() as tx:
        await _add_feedback(tx, feedback)


async def _add_feedback(tx: Transaction, rated: Sequence[SeedFeedback]) -> None:
    """Insert each registration's feedback as the survey engine stores it: the event's round
    of the survey `feedback` (opened on first use), a response, its answers, a finisher."""
    if not rated:
        return
    events = {}
    for item in rated:
        row = await tx.fetch_one(
            "SELECT event_id FROM registrations WHERE id = ?", (item.registration_id,)
        )
        assert row is not None
        events[item.registration_id] = row["event_id"]
    # Rounds numbered in the order the events ended, as the migration numbers them.
    ordered = sorted(set(events.values()))
    placed = ", ".join("?" for _ in ordered)
    rows = await tx.fetch_all(
        f"SELECT id FROM events WHERE id IN ({placed}) ORDER BY ends_at, id", tuple(ordered)
    )
    ordered = [row["id"] for row in rows]
    await tx.executemany(
        "INSERT INTO survey_rounds (survey_id, number, event_id, opened_at, closes_at) "
        "SELECT :survey, (SELECT COALESCE(MAX(number), 0) + 1 FROM survey_rounds "
        "WHERE survey_id = :survey), e.id, e.ends_at, "
        "strftime('%Y-%m-%dT%H:%M:%S+00:00', e.ends_at, '+30 days') FROM events e "
        "WHERE e.id = :event ON CONFLICT (survey_id, event_id) WHERE event_id IS NOT NULL "
        "DO NOTHING",
        [{"survey": FEEDBACK, "event": event_id} for event_id in ordered],
    )
    responses = [(secrets.token_hex(12), item) for item in rated]
    await tx.executemany(
        "INSERT INTO survey_responses (id, round_id, person_id, revision, submitted_at, "
        "registration_id) SELECT ?, o.id, r.person_id, 0, ?, r.id FROM registrations r "
        "JOIN survey_rounds o ON o.survey_id = ? AND o.event_id = r.event_id WHERE r.id = ?",
        [
            (response_id, item.answered_at, FEEDBACK, item.registration_id)
            for response_id, item in responses
        ],
    )
    answers = [
        (question, value, number, response_id)
        for response_id, item in responses
        for question, value, number in (
            (FEEDBACK_RATING, str(item.rating), item.rating),
            ("useful", json.dumps(item.useful, ensure_ascii=False), None),
            ("next", json.dumps(item.wish, ensure_ascii=False), None),
        )
        if value != "null"
    ]
    await tx.executemany(
        "INSERT INTO survey_answers (response_id, round_id, question, value, number) "
        "SELECT id, round_id, ?, ?, ? FROM survey_responses WHERE id = ?",
        answers,
    )
    await tx.executemany(
        "INSERT OR IGNORE INTO survey_finishers (round_id, person_id) "
        "SELECT round_id, person_id FROM survey_responses WHERE id = ? AND person_id IS NOT NULL",
        [(response_id,) for response_id, _ in responses],
    )
    for event_id in ordered:
        row = await tx.fetch_one(
            "SELECT id FROM survey_rounds WHERE survey_id = ? AND event_id = ?",
            (FEEDBACK, event_id),
        )
        if row is not None:
            await count_invited(tx, row["id"], event_id)


async def add_feedback_asked(
    database: Database, event_id: str, person_id: int, sent_at: str
) -> None:
    """Record that the post-event feedback message reached the person (its invitation)."""
    async with database.transaction() as tx:
        rows = await tx.fetch_all(
            "SELECT id FROM registrations WHERE event_id = ? AND person_id = ?",
            (event_id, person_id),
        )
        for row in rows:
            await record_sent_survey(tx, row["id"], person_id, event_id, parse_utc(sent_at))


async def add_tickets(database: Database, tickets: Sequence[SeedTicket]) -> None:
    """Insert tickets with the person's message and the team's answer when there is one."""
    async with database.transaction() as tx:
        for ticket in tickets:
            cursor = await tx.execute(
                "INSERT INTO tickets (person_id, kind, service_id, status, language, created_at, "
                "closed_at) VALUES (?, ?, ?, ?, 'tr', ?, ?)",
                (
                    ticket.person_id,
                    ticket.kind,
                    ticket.service_id,
                    ticket.status,
                    ticket.created_at,
                    ticket.answered_at if ticket.status == "closed" else None,
                ),
            )
            if ticket.question:
                await tx.execute(
                    "INSERT INTO ticket_messages (ticket_id, direction, text, created_at) "
                    "VALUES (?, 'member', ?, ?)",
                    (cursor.lastrowid, ticket.question, ticket.created_at),
                )
            if ticket.answered_at is not None:
                await tx.execute(
                    "INSERT INTO ticket_messages (ticket_id, direction, text, created_at) "
                    "VALUES (?, 'staff', ?, ?)",
                    (cursor.lastrowid, ticket.answer, ticket.answered_at),
                )


async def add_questions(
    database: Database, questions: Sequence[tuple[int, str, str, int | None, str]]
) -> None:
    """Insert typed questions: (person id, normalised text, decision, helpful, when)."""
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO asked_questions (person_id, question, normalised, language, decision, "
            "helpful, created_at) VALUES (?, ?, ?, 'tr', ?, ?, ?)",
            [
                (p, text, text, decision, helpful, at)
                for p, text, decision, helpful, at in questions
            ],
        )


@dataclass(frozen=True)
class SeedMeeting:
    """A B2B meeting two people agreed on: held at its slot and table, or a no-show."""

    event_id: str
    person_a: int
    person_b: int
    requested_at: str
    starts_at: str
    slot: int | None  # None: cancelled (the table and slot were given back)
    table_no: int | None
    cancel_reason: str | None = None
    outcome_a: str | None = None  # what it led to, as each side said afterwards
    outcome_b: str | None = None


async def add_meetings(database: Database, meetings: Sequence[SeedMeeting]) -> None:
    """Insert meetings with the accepted requests they came from (the seats follow by trigger)."""
    async with database.transaction() as tx:
        for meeting in meetings:
            cursor = await tx.execute(
                "INSERT INTO meeting_requests (event_id, requester_id, invitee_id, status, "
                "created_at, answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    meeting.event_id,
                    meeting.person_a,
                    meeting.person_b,
                    "accepted" if meeting.slot is not None else "cancelled",
                    meeting.requested_at,
                    meeting.requested_at,
                ),
            )
            held = meeting.slot is not None
            await tx.execute(
                "INSERT INTO meetings (request_id, event_id, person_a, person_b, slot, table_no, "
                "starts_at, status, cancel_reason, outcome_a, outcome_b, created_at, "
                "cancelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cursor.lastrowid,
                    meeting.event_id,
                    meeting.person_a,
                    meeting.person_b,
                    meeting.slot,
                    meeting.table_no,
                    meeting.starts_at,
                    "scheduled" if held else "cancelled",
                    meeting.cancel_reason,
                    meeting.outcome_a,
                    meeting.outcome_b,
                    meeting.requested_at,
                    None if held else meeting.starts_at,
                ),
            )


async def add_announcement_consents(
    database: Database, notice_version: str | None, given: Sequence[tuple[int, str]]
) -> None:
    """Record (person id, when) consents to announcements, switching announcements on."""
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO consents (person_id, purpose, notice_version, given_at) "
            "VALUES (?, ?, ?, ?)",
            [(person_id, ANNOUNCEMENTS, notice_version, at) for person_id, at in given],
        )
        await tx.executemany(
            "UPDATE people SET announcements_on = 1 WHERE id = ?",
            [(person_id,) for person_id, _ in given],
        )


async def add_broadcasts(
    database: Database, broadcasts: Sequence[tuple[int, str, str, int, int]]
) -> None:
    """Insert finished announcements: (staff id, audience JSON, when, recipients, sent)."""
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO broadcasts (staff_id, main_language, text_tr, audience, status, "
            "created_at, started_at, finished_at, recipients, sent) "
            "VALUES (?, 'tr', '-', ?, 'done', ?, ?, ?, ?, ?)",
            [(s, audience, at, at, at, n, sent) for s, audience, at, n, sent in broadcasts],
        )


async def add_started_people(database: Database, ids: range, seen_at: str) -> None:
    """Insert people who only started the assistant (the benchmarks' thousands of chats)."""
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, first_seen_at, last_seen_at, telegram_language) "
            "VALUES (?, ?, ?, 'tr')",
            [(person_id, seen_at, seen_at) for person_id in ids],
        )


async def set_genders(database: Database, answers: Sequence[tuple[str, int]]) -> None:
    """Store (gender, person id) answers to the optional gender question."""
    async with database.transaction() as tx:
        await tx.executemany("UPDATE people SET gender = ? WHERE id = ?", answers)


async def add_survey_round(
    database: Database, survey_id: str, number: int, opened_at: str, invited: int
) -> int:
    """Record a survey round sent in the past (its invitations long delivered); return its id."""
    async with database.transaction() as tx:
        row = await tx.fetch_one(
            "INSERT INTO survey_rounds (survey_id, number, opened_at, invited) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (survey_id, number, opened_at, invited),
        )
    assert row is not None
    return int(row["id"])
