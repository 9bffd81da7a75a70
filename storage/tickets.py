"""Tickets: questions and service requests handed to the team, and what the assistant missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database

QUESTION = "question"
SERVICE_REQUEST = "service_request"
OPEN = "open"
CLOSED = "closed"
# How staff close a service request; an outcome note is at most this long.
DELIVERED = "delivered"
NOT_DELIVERED = "not_delivered"
OUTCOMES = (DELIVERED, NOT_DELIVERED)
OUTCOME_NOTE_LIMIT = 500
FROM_MEMBER = "member"
FROM_STAFF = "staff"
# Who a ticket post was sent to, and what it is (see 0004_tickets.sql).
STAFF = "staff"
MEMBER = "member"
TICKET_POST = "ticket"
COPY = "copy"
PROMPT = "prompt"
RECEIPT = "receipt"
# How an unanswered question ended.
NOT_FOUND = "not_found"
TO_TEAM = "team"
# Normalised questions are for counting, not reading in full.
NORMALISED_LIMIT = 300
# A "not found" passed on to the team within this long is the same question asked once.
PASSED_ON_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class Attachment:
    """A photo or document sent with a ticket message, by Telegram file id."""

    kind: str
    file_id: str
    file_name: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A question or service request a person handed to the team."""

    id: int
    person_id: int | None
    kind: str
    service_id: str | None
    status: str
    language: str
    created_at: datetime
    closed_at: datetime | None
    staff_chat_id: int | None
    staff_message_id: int | None
    outcome: str | None = None  # a closed service request: one of OUTCOMES, if staff said
    outcome_note: str | None = None

    @property
    def is_open(self) -> bool:
        """Tell whether the team still works on the ticket."""
        return self.status == OPEN


@dataclass(frozen=True)
class TicketMessage:
    """One message of a ticket's thread, from the person or from the staff."""

    id: int
    ticket_id: int
    direction: str
    text: str | None
    attachment: Attachment | None
    staff_user_id: int | None
    chat_id: int | None
    message_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class TicketPost:
    """A message the bot sent for a ticket; replying to it continues the ticket."""

    chat_id: int
    message_id: int
    ticket_id: int
    audience: str
    purpose: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class OpenTicket:
    """An open ticket as staff list it: who asked, what first, and whose turn it is."""

    ticket: Ticket
    name: str | None  # the person's profile name; None without a profile or after erasure
    company: str | None
    first_text: str | None
    last_direction: str | None  # FROM_MEMBER: waiting for the team
    last_at: datetime


@dataclass(frozen=True)
class UnansweredQuestion:
    """A normalised question the assistant could not answer, with how often it came."""

    question: str
    asked: int
    not_found: int
    to_team: int
    languages: tuple[str, ...]
    last_asked_at: datetime


def _ticket(row: Any) -> Ticket:
    return Ticket(
        id=row["id"],
        person_id=row["person_id"],
        kind=row["kind"],
        service_id=row["service_id"],
        status=row["status"],
        language=row["language"],
        created_at=parse_utc(row["created_at"]),
        closed_at=parse_utc(row["closed_at"]) if row["closed_at"] else None,
        staff_chat_id=row["staff_chat_id"],
        staff_message_id=row["staff_message_id"],
        outcome=row["outcome"],
        outcome_note=row["outcome_note"],
    )


# An open ticket with its person, first message and latest turn (see `OpenTicket`).
_OPEN_TICKETS = (
    "SELECT t.*, p.full_name AS person_name, COALESCE(c.name, p.company) AS person_company, "
    "(SELECT m.text FROM ticket_messages m WHERE m.ticket_id = t.id AND m.direction = 'member' "
    "  ORDER BY m.id LIMIT 1) AS first_text, "
    "(SELECT m.direction FROM ticket_messages m WHERE m.ticket_id = t.id ORDER BY m.id DESC "
    "  LIMIT 1) AS last_direction, "
    "(SELECT MAX(m.created_at) FROM ticket_messages m WHERE m.ticket_id = t.id) AS last_at "
    "FROM tickets t LEFT JOIN people p ON p.id = t.person_id "
    "LEFT JOIN companies c ON c.id = p.company_id WHERE t.status = 'open' "
)


def _open_ticket(row: Any) -> OpenTicket:
    ticket = _ticket(row)
    return OpenTicket(
        ticket=ticket,
        name=row["person_name"],
        company=row["person_company"],
        first_text=row["first_text"],
        last_direction=row["last_direction"],
        last_at=parse_utc(row["last_at"]) if row["last_at"] else ticket.created_at,
    )


def _message(row: Any) -> TicketMessage:
    attachment = None
    if row["file_kind"] is not None and row["file_id"] is not None:
        attachment = Attachment(row["file_kind"], row["file_id"], row["file_name"])
    return TicketMessage(
        id=row["id"],
        ticket_id=row["ticket_id"],
        direction=row["direction"],
        text=row["text"],
        attachment=attachment,
        staff_user_id=row["staff_user_id"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        created_at=parse_utc(row["created_at"]),
    )


def _post(row: Any) -> TicketPost:
    return TicketPost(
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        ticket_id=row["ticket_id"],
        audience=row["audience"],
        purpose=row["purpose"],
        created_at=parse_utc(row["created_at"]),
    )


def _now() -> str:
    return utc_text(datetime.now(UTC))


class TicketRepository:
    """Reads and writes tickets, their threads, and unanswered questions."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def open(
        self,
        person_id: int,
        kind: str,
        language: str,
        text: str | None,
        attachment: Attachment | None,
        *,
        service_id: str | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> Ticket:
        """Create a ticket with the person's first message, in one step."""
        now = _now()
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO tickets (person_id, kind, service_id, language, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (person_id, kind, service_id, language, now),
            )
            ticket_id = cursor.lastrowid
            await tx.execute(
                "INSERT INTO ticket_messages (ticket_id, direction, text, file_kind, file_id, "
                "file_name, chat_id, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket_id,
                    FROM_MEMBER,
                    text,
                    attachment.kind if attachment else None,
                    attachment.file_id if attachment else None,
                    attachment.file_name if attachment else None,
                    chat_id,
                    message_id,
                    now,
                ),
            )
            row = await tx.fetch_one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        assert row is not None
        return _ticket(row)

    async def discard(self, ticket_id: int) -> None:
        """Delete a ticket that never reached the team, with its messages."""
        await self._db.execute("DELETE FROM tickets WHERE id = ?", (ticket_id,))

    async def get(self, ticket_id: int) -> Ticket | None:
        """Return a ticket, if it exists."""
        row = await self._db.fetch_one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        return _ticket(row) if row is not None else None

    async def of_person(self, person_id: int) -> list[Ticket]:
        """Return a person's tickets, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM tickets WHERE person_id = ? ORDER BY id", (person_id,)
        )
        return [_ticket(row) for row in rows]

    async def open_list(self, limit: int) -> list[OpenTicket]:
        """Return open tickets, those waiting for the team first, each part oldest first."""
        rows = await self._db.fetch_all(
            _OPEN_TICKETS + "ORDER BY (last_direction IS ?) DESC, t.created_at, t.id LIMIT ?",
            (FROM_MEMBER, limit),
        )
        return [_open_ticket(row) for row in rows]

    async def open_count(self) -> int:
        """Return how many tickets are open."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n FROM tickets WHERE status = ?", (OPEN,)
        )
        return int(row["n"]) if row is not None else 0

    async def open_item(self, ticket_id: int) -> OpenTicket | None:
        """Return one open ticket as staff list it; None when it is closed or gone."""
        row = await self._db.fetch_one(_OPEN_TICKETS + "AND t.id = ?", (ticket_id,))
        return _open_ticket(row) if row is not None else None

    async def questions_to_team(self, since: datetime) -> list[str]:
        """Return what people first wrote in the questions they handed to the team since a time,
        oldest first (a later wording of the same question wins where they are folded alike)."""
        rows = await self._db.fetch_all(
            "SELECT m.text FROM tickets t JOIN ticket_messages m ON m.id = (SELECT MIN(id) "
            "FROM ticket_messages WHERE ticket_id = t.id AND direction = ?) "
            "WHERE t.kind = ? AND t.created_at >= ? AND m.text IS NOT NULL ORDER BY t.id",
            (FROM_MEMBER, QUESTION, utc_text(since)),
        )
        return [row["text"] for row in rows]

    async def in_progress(self, person_id: int, since: datetime) -> Ticket | None:
        """Return the person's latest open ticket with a message since `since`: the one what
        they write next most likely continues."""
        row = await self._db.fetch_one(
            "SELECT t.* FROM tickets t WHERE t.person_id = ? AND t.status = ? AND EXISTS "
            "(SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id AND m.created_at >= ?) "
            "ORDER BY t.id DESC LIMIT 1",
            (person_id, OPEN, utc_text(since)),
        )
        return _ticket(row) if row is not None else None

    async def add_message(
        self,
        ticket_id: int,
        direction: str,
        text: str | None,
        attachment: Attachment | None,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        staff_user_id: int | None = None,
    ) -> TicketMessage:
        """Add a message to a ticket's thread."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO ticket_messages (ticket_id, direction, text, file_kind, file_id, "
                "file_name, staff_user_id, chat_id, message_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket_id,
                    direction,
                    text,
                    attachment.kind if attachment else None,
                    attachment.file_id if attachment else None,
                    attachment.file_name if attachment else None,
                    staff_user_id,
                    chat_id,
                    message_id,
                    _now(),
                ),
            )
            row = await tx.fetch_one(
                "SELECT * FROM ticket_messages WHERE id = ?", (cursor.lastrowid,)
            )
        assert row is not None
        return _message(row)

    async def messages(self, ticket_id: int) -> list[TicketMessage]:
        """Return a ticket's thread in order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM ticket_messages WHERE ticket_id = ? ORDER BY id", (ticket_id,)
        )
        return [_message(row) for row in rows]

    async def add_post(
        self, ticket_id: int, chat_id: int, message_id: int, audience: str, purpose: str
    ) -> None:
        """Remember a message the bot sent for a ticket; the first staff post is the ticket's."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT OR REPLACE INTO ticket_posts "
                "(chat_id, message_id, ticket_id, audience, purpose, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, message_id, ticket_id, audience, purpose, _now()),
            )
            if purpose == TICKET_POST:
                await tx.execute(
                    "UPDATE tickets SET staff_chat_id = ?, staff_message_id = ? "
                    "WHERE id = ? AND staff_message_id IS NULL",
                    (chat_id, message_id, ticket_id),
                )

    async def post_at(self, chat_id: int, message_id: int) -> TicketPost | None:
        """Return the ticket post a message is, if it is one."""
        row = await self._db.fetch_one(
            "SELECT * FROM ticket_posts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return _post(row) if row is not None else None

    async def ticket_posts(self, ticket_id: int) -> list[TicketPost]:
        """Return the posts staff reply to: one per staff chat the ticket went to."""
        rows = await self._db.fetch_all(
            "SELECT * FROM ticket_posts WHERE ticket_id = ? AND purpose = ? "
            "ORDER BY created_at, chat_id",
            (ticket_id, TICKET_POST),
        )
        return [_post(row) for row in rows]

    async def close(
        self, ticket_id: int, staff_user_id: int, outcome: str | None = None
    ) -> Ticket | None:
        """Close an open ticket (a service request as delivered or not); return it, or None
        when it was not open."""
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE tickets SET status = ?, closed_at = ?, closed_by = ?, outcome = ? "
                "WHERE id = ? AND status = ?",
                (CLOSED, _now(), staff_user_id, outcome, ticket_id, OPEN),
            )
            if cursor.rowcount != 1:
                return None
            row = await tx.fetch_one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        assert row is not None
        return _ticket(row)

    async def reopen(self, ticket_id: int) -> bool:
        """Open a closed ticket again (staff sent its person one more answer); its outcome
        waits for the next closing. False when it was not closed."""
        changed = await self._db.execute(
            "UPDATE tickets SET status = ?, closed_at = NULL, closed_by = NULL, outcome = NULL "
            "WHERE id = ? AND status = ?",
            (OPEN, ticket_id, CLOSED),
        )
        return changed == 1

    async def relayed(self, ticket_id: int, chat_id: int, message_id: int) -> bool:
        """Tell whether a staff message was already passed on to the ticket's person."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM ticket_messages WHERE ticket_id = ? AND direction = ? "
            "AND chat_id = ? AND message_id = ?",
            (ticket_id, FROM_STAFF, chat_id, message_id),
        )
        return row is not None

    async def note_outcome(self, ticket_id: int, note: str) -> bool:
        """Keep staff's outcome note on a closed service request (the latest note wins)."""
        changed = await self._db.execute(
            "UPDATE tickets SET outcome_note = ? WHERE id = ? AND status = ? AND kind = ?",
            (note[:OUTCOME_NOTE_LIMIT], ticket_id, CLOSED, SERVICE_REQUEST),
        )
        return changed == 1

    async def record_unanswered(
        self, normalised: str, language: str, outcome: str, person_id: int
    ) -> None:
        """Count a question (folded by `normalise_question`) the assistant found nothing for.

        One question asked is one row: passing on to the team the question the assistant just
        said it found nothing for turns that row into one the team got, instead of adding one.
        """
        normalised = normalised[:NORMALISED_LIMIT].strip()
        if not normalised:
            return
        if outcome == TO_TEAM:
            since = utc_text(datetime.now(UTC) - PASSED_ON_WITHIN)
            passed_on = await self._db.execute(
                "UPDATE unanswered_questions SET outcome = ? WHERE id = (SELECT id "
                "FROM unanswered_questions WHERE person_id = ? AND question = ? "
                "AND outcome = ? AND created_at >= ? ORDER BY id DESC LIMIT 1)",
                (TO_TEAM, person_id, normalised, NOT_FOUND, since),
            )
            if passed_on:
                return
        await self._db.execute(
            "INSERT INTO unanswered_questions (question, language, outcome, person_id, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (normalised, language, outcome, person_id, _now()),
        )

    async def most_unanswered(self, since: datetime, limit: int) -> list[UnansweredQuestion]:
        """Return the most frequent unanswered questions since a time, most asked first."""
        rows = await self._db.fetch_all(
            "SELECT question, COUNT(*) AS asked, "
            "SUM(outcome = ?) AS not_found, SUM(outcome = ?) AS to_team, "
            "GROUP_CONCAT(DISTINCT language) AS languages, MAX(created_at) AS last_asked_at "
            "FROM unanswered_questions WHERE created_at >= ? "
            "GROUP BY question ORDER BY asked DESC, last_asked_at DESC, question LIMIT ?",
            (NOT_FOUND, TO_TEAM, utc_text(since), limit),
        )
        return [
            UnansweredQuestion(
                question=row["question"],
                asked=row["asked"],
                not_found=row["not_found"],
                to_team=row["to_team"],
                languages=tuple(sorted(str(row["languages"]).split(","))),
                last_asked_at=parse_utc(row["last_asked_at"]),
            )
            for row in rows
        ]
