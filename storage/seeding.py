"""Bulk rows for the demo's history and the benchmarks: people, registrations, feedback,
tickets, questions and announcements written in a few statements instead of one per action.

Nothing here runs in the assistant itself; the rows are what its features would have written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.database import Database


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
    """A registration, with attendance and a rating when the person came and answered."""

    event_id: str
    person_id: int
    company_id: int | None
    sector_id: str | None
    status: str
    created_at: str
    attended: int | None
    attended_at: str | None
    rating: int | None


@dataclass(frozen=True)
class SeedTicket:
    """A question or service request, answered by the team at `answered_at` if at all."""

    person_id: int
    kind: str
    service_id: str | None
    status: str
    created_at: str
    answered_at: str | None


async def add_people(database: Database, people: Sequence[SeedPerson]) -> None:
    """Insert people who read the notice and filled their profile (no announcements consent)."""
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, first_seen_at, last_seen_at, language, telegram_language, "
            "informed_at, full_name, company, company_key, company_id, sector_id, "
            "announcements_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, lower(?), ?, ?, 0)",
            [
                (
                    p.id,
                    p.seen_at,
                    p.seen_at,
                    p.language,
                    p.language,
                    p.seen_at,
                    p.full_name,
                    p.company,
                    p.company,
                    p.company_id,
                    p.sector_id,
                )
                for p in people
            ],
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
        await tx.executemany(
            "INSERT INTO feedback (registration_id, event_id, rating, answered_at) "
            "SELECT id, event_id, ?, ? FROM registrations WHERE event_id = ? AND person_id = ?",
            [
                (r.rating, r.attended_at, r.event_id, r.person_id)
                for r in registrations
                if r.rating is not None
            ],
        )


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
            if ticket.answered_at is not None:
                await tx.execute(
                    "INSERT INTO ticket_messages (ticket_id, direction, text, created_at) "
                    "VALUES (?, 'staff', '', ?)",
                    (cursor.lastrowid, ticket.answered_at),
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
