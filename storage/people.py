"""People: everyone who started the assistant, with a profile once they read the notice."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.catalogue import utc_text
from storage.database import Database
from storage.outbox import ERASE_STATEMENTS as OUTBOX_ERASE_STATEMENTS
from storage.outbox import queue_ticket_copies
from storage.survey_definitions import FEEDBACK, FEEDBACK_RATING

# The optional gender question's answers; 'unsaid' is "prefer not to say".
GENDERS = ("woman", "man", "unsaid")
# When a person was last seen is kept to this precision; a visit within it writes nothing.
LAST_SEEN_PRECISION = timedelta(hours=1)


@dataclass(frozen=True)
class Person:
    """A person on Telegram who talks to the assistant."""

    id: int
    language: str | None
    telegram_language: str | None
    informed_at: str | None  # when they acknowledged the privacy notice ("read, continue")
    notice_version: str | None
    full_name: str | None
    company: str | None
    sector_id: str | None
    phone: str | None
    email: str | None
    reminders_on: bool
    announcements_on: bool
    unreachable: bool
    gender: str | None = None  # one of GENDERS, if the person answered the optional question

    @property
    def informed(self) -> bool:
        """Tell whether the person acknowledged a privacy notice (informing, not consent)."""
        return self.informed_at is not None

    def needs_notice(self, version: str) -> bool:
        """Tell whether the notice of `version` must be shown before collecting anything."""
        return not self.informed or self.notice_version != version

    @property
    def has_profile(self) -> bool:
        """Tell whether the sign-up form was completed."""
        return self.informed and bool(self.full_name) and bool(self.company)


def _person(row: Any) -> Person:
    return Person(
        id=row["id"],
        language=row["language"],
        telegram_language=row["telegram_language"],
        informed_at=row["informed_at"],
        notice_version=row["notice_version"],
        full_name=row["full_name"],
        company=row["company"],
        sector_id=row["sector_id"],
        phone=row["phone"],
        email=row["email"],
        reminders_on=bool(row["reminders_on"]),
        announcements_on=bool(row["announcements_on"]),
        unreachable=row["unreachable_at"] is not None,
        gender=row["gender"],
    )


def _visit_changes(row: Any, telegram_language: str | None, moment: datetime) -> bool:
    """Tell whether a visit now changes what is stored about the person."""
    if row["unreachable_at"] is not None:
        return True
    if telegram_language is not None and telegram_language != row["telegram_language"]:
        return True
    # Stored times share one format (utc_text), so they compare as text.
    return bool(row["last_seen_at"] <= utc_text(moment - LAST_SEEN_PRECISION))


class PeopleRepository:
    """Reads and writes people."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def seen(self, person_id: int, telegram_language: str | None) -> Person:
        """Record that a person wrote to the assistant and return them.

        Writing again clears the unreachable mark: a person who unblocked us is reachable.
        Nothing is written when nothing changed and the last visit is recent: this runs on
        every update, and a write transaction costs more than the rest of a reply.
        """
        moment = datetime.now(UTC)
        row = await self._db.fetch_one("SELECT * FROM people WHERE id = ?", (person_id,))
        if row is not None and not _visit_changes(row, telegram_language, moment):
            return _person(row)
        now = utc_text(moment)
        async with self._db.transaction() as tx:
            await tx.execute(
                # Announcements need explicit consent: off until the person says yes.
                "INSERT INTO people (id, first_seen_at, last_seen_at, telegram_language, "
                "announcements_on) VALUES (?, ?, ?, ?, 0) ON CONFLICT (id) DO UPDATE SET "
                "last_seen_at = excluded.last_seen_at, "
                "telegram_language = COALESCE(excluded.telegram_language, telegram_language), "
                "unreachable_at = NULL",
                (person_id, now, now, telegram_language),
            )
            row = await tx.fetch_one("SELECT * FROM people WHERE id = ?", (person_id,))
        assert row is not None
        return _person(row)

    async def get(self, person_id: int) -> Person | None:
        """Return a person, if known."""
        row = await self._db.fetch_one("SELECT * FROM people WHERE id = ?", (person_id,))
        return _person(row) if row is not None else None

    async def set_language(self, person_id: int, language: str) -> None:
        """Remember the language the person chose."""
        await self._db.execute("UPDATE people SET language = ? WHERE id = ?", (language, person_id))

    async def mark_unreachable(self, person_id: int) -> None:
        """Record that the person blocked the assistant."""
        await self._db.execute(
            "UPDATE people SET unreachable_at = ? WHERE id = ? AND unreachable_at IS NULL",
            (utc_text(datetime.now(UTC)), person_id),
        )

    async def save_profile(self, person_id: int, profile: Profile) -> None:
        """Store the sign-up form's answers; allowed only after consent."""
        changed = await self._db.execute(
            "UPDATE people SET full_name = ?, company = ?, company_key = ?, sector_id = ?, "
            "phone = ?, email = ? WHERE id = ? AND informed_at IS NOT NULL",
            (
                profile.full_name,
                profile.company,
                profile.company_key,
                profile.sector_id,
                profile.phone,
                profile.email,
                person_id,
            ),
        )
        if changed != 1:
            raise PermissionError("a profile is stored only after the notice was read")

    async def set_gender(self, person_id: int, gender: str) -> None:
        """Store what the person chose to say: woman, man, or 'unsaid' (prefer not to say)."""
        if gender not in GENDERS:
            raise ValueError(f"unknown gender answer {gender!r}")
        await self._db.execute(
            "UPDATE people SET gender = ? WHERE id = ? AND informed_at IS NOT NULL",
            (gender, person_id),
        )

    async def set_reminders(self, person_id: int, on: bool) -> None:
        """Switch event reminders on or off."""
        await self._db.execute(
            "UPDATE people SET reminders_on = ? WHERE id = ?", (int(on), person_id)
        )

    async def company_key(self, person_id: int) -> str | None:
        """Return the folded company name used for per-company limits."""
        row = await self._db.fetch_one("SELECT company_key FROM people WHERE id = ?", (person_id,))
        return row["company_key"] if row is not None else None

    async def personal_data(self, person_id: int) -> dict[str, Any]:
        """Return everything stored about a person, for their data export."""
        row = await self._db.fetch_one("SELECT * FROM people WHERE id = ?", (person_id,))
        if row is None:
            return {}
        registrations = await self._db.fetch_all(
            "SELECT r.id, r.event_id, r.status, r.created_at, r.confirmed_at, r.cancelled_at, "
            "r.attended FROM registrations r WHERE r.person_id = ? ORDER BY r.created_at",
            (person_id,),
        )
        document: dict[str, Any] = {"member": dict(row)}
        document["registrations"] = [dict(item) for item in registrations]
        for table, query in _PERSONAL_TABLES:
            rows = await self._db.fetch_all(query, (person_id,))
            document[table] = [dict(item) for item in rows]
        return document

    async def erase(self, person_id: int) -> None:
        """Delete the person's personal data; registrations stay, without the person.

        Deleting the row sets `person_id` to NULL in registrations (ON DELETE SET NULL);
        `secure_delete` overwrites the freed pages so the data is not left in the file.
        Attendance is kept for funders' audits (a legal obligation) under a random pseudonym,
        so one person's rows still count as one, and nothing leads back to them. Each team
        chat the person's tickets were posted to is asked, through the outbox, to delete its
        copies there (Telegram keeps them; the assistant can't).
        """
        async with self._db.transaction() as tx:
            # Read before the tickets lose the person; sent even if a restart comes between.
            await queue_ticket_copies(tx, person_id, datetime.now(UTC))
            await tx.execute(
                "UPDATE registrations SET pseudonym = ? "
                "WHERE person_id = ? AND anonymised_at IS NULL",
                (secrets.token_hex(8), person_id),
            )
            for statement in _ERASE_STATEMENTS:
                await tx.execute(statement, (person_id,))
            await tx.execute("DELETE FROM people WHERE id = ?", (person_id,))
        # The write-ahead log still holds the old pages: fold it into the file and empty it.
        await self._db.checkpoint()


@dataclass(frozen=True)
class Profile:
    """The answers of the sign-up form."""

    full_name: str
    company: str
    company_key: str
    sector_id: str | None
    phone: str | None
    email: str | None


# Other features add (table name, query by person id) here for the data export, and
# statements that remove what they store about a person.
_PERSONAL_TABLES: list[tuple[str, str]] = []
# Registrations stay for statistics (their person_id becomes NULL with the person row), but
# lose what could still point at the person: the company and the check-in code.
_ERASE_STATEMENTS: list[str] = [
    "UPDATE registrations SET company_key = NULL, checkin_token = NULL WHERE person_id = ?",
]

# Tickets ("ask the team"): the export shows the person's tickets and their threads; erasure
# deletes the threads and the person's side of them, and closes the tickets, which stay
# without the person (person_id becomes NULL) so the team's workload remains countable.
_PERSONAL_TABLES += [
    (
        "tickets",
        "SELECT id, kind, service_id, status, language, created_at, closed_at, outcome, "
        "outcome_note FROM tickets WHERE person_id = ? ORDER BY id",
    ),
    (
        "ticket_messages",
        "SELECT m.ticket_id, m.direction, m.text, m.file_kind, m.file_name, m.created_at "
        "FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
        "WHERE t.person_id = ? ORDER BY m.id",
    ),
]
_ERASE_STATEMENTS += [
    "DELETE FROM ticket_messages WHERE ticket_id IN (SELECT id FROM tickets WHERE person_id = ?)",
    # Staff's outcome note may name the person; whether the service was delivered stays.
    "UPDATE tickets SET outcome_note = NULL WHERE person_id = ?",
    "DELETE FROM ticket_posts WHERE audience = 'member' "
    "AND ticket_id IN (SELECT id FROM tickets WHERE person_id = ?)",
    "UPDATE tickets SET status = 'closed', "
    "closed_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') "
    "WHERE person_id = ? AND status = 'open'",
]

# Reminders, surveys, notices and broadcasts: the export shows the person's messages (of a
# broadcast, not its text, which is the cluster's) and survey answers; erasure deletes their
# outbox rows and the comments of their answers. Ratings stay, without the person, for the
# funders' impact reports, and a broadcast's counts in its report.
_PERSONAL_TABLES += [
    (
        "deliveries",
        "SELECT kind, event_id, due_at, status, sent_at FROM outbox "
        "WHERE person_id = ? AND broadcast_id IS NULL ORDER BY due_at, id",
    ),
    (
        "broadcasts",
        "SELECT broadcast_id, status, sent_at FROM outbox "
        "WHERE person_id = ? AND broadcast_id IS NOT NULL ORDER BY id",
    ),
    (
        "feedback",
        "SELECT f.event_id, f.rating, f.comment, f.next_wish, f.answered_at FROM feedback f "
        "JOIN registrations r ON r.id = f.registration_id WHERE r.person_id = ? "
        "ORDER BY f.answered_at",
    ),
]
# A post-event feedback response (the `feedback` view reads them) keeps its rating and its
# registration without the person; every other answer in it is the person's words and goes.
# The person's other survey responses go with the person row (ON DELETE CASCADE).
_FEEDBACK_RESPONSES = (
    "SELECT s.id FROM survey_responses s JOIN survey_rounds o ON o.id = s.round_id "
    f"WHERE o.survey_id = '{FEEDBACK}' AND s.registration_id IS NOT NULL AND s.person_id = ?"
)
_ERASE_STATEMENTS += [
    *OUTBOX_ERASE_STATEMENTS,
    f"DELETE FROM survey_answers WHERE question != '{FEEDBACK_RATING}' "
    f"AND response_id IN ({_FEEDBACK_RESPONSES})",
    f"UPDATE survey_responses SET person_id = NULL WHERE id IN ({_FEEDBACK_RESPONSES})",
]

# Forms: the answers of a form left half-filled are the person's data until it closes.
_PERSONAL_TABLES += [
    ("forms", "SELECT kind, step, answers, subject, updated_at FROM forms WHERE person_id = ?"),
]
_ERASE_STATEMENTS += [
    "DELETE FROM forms WHERE person_id = ?",
    "DELETE FROM closed_forms WHERE person_id = ?",
]

# Typed questions: the person's own words and what answered them, with their ratings.
_PERSONAL_TABLES += [
    (
        "asked_questions",
        "SELECT question, language, decision, entry, helpful, ticket_id, created_at "
        "FROM asked_questions WHERE person_id = ? ORDER BY id",
    ),
]
_ERASE_STATEMENTS += ["DELETE FROM asked_questions WHERE person_id = ?"]

# The inbox holds the updates of the last minutes (messages as sent): erasure deletes the
# person's handled ones now; those still waiting are handled first and pruned soon after.
_ERASE_STATEMENTS += ["DELETE FROM inbox WHERE person_id = ? AND handled_at IS NOT NULL"]

# Informing and consent: the notice versions acknowledged and each explicit consent, so the
# person sees what the cluster can prove. Erasure removes them with the person (CASCADE).
_PERSONAL_TABLES += [
    (
        "notice_acknowledgements",
        "SELECT version, language, acknowledged_at FROM notice_acknowledgements "
        "WHERE person_id = ? ORDER BY id",
    ),
    (
        "consents",
        "SELECT purpose, notice_version, given_at, withdrawn_at FROM consents "
        "WHERE person_id = ? ORDER BY id",
    ),
]

# An event's own registration questions: the person's answers, by event. Erasure removes them
# with the person (CASCADE); the statement says so where the others are listed.
_PERSONAL_TABLES += [
    (
        "event_answers",
        "SELECT event_id, question_id, value, answered_at FROM event_answers "
        "WHERE person_id = ? ORDER BY event_id, question_id",
    ),
]
_ERASE_STATEMENTS += ["DELETE FROM event_answers WHERE person_id = ?"]

# Special-category answers (KVKK Art. 6): in the export, and erased with the person (the
# CASCADE would too; the statement says so where erasure is read).
_PERSONAL_TABLES += [
    (
        "special_category_answers",
        "SELECT event_id, answer, answered_at FROM special_category_answers "
        "WHERE person_id = ? ORDER BY id",
    ),
]
_ERASE_STATEMENTS += ["DELETE FROM special_category_answers WHERE person_id = ?"]

# Certificates of participation: the export lists the person's certificates; erasure takes their
# name and company off them, so a code no longer vouches for anyone and verifies as withdrawn.
# The certificate row stays (without the person) so a withdrawn code is not taken for a forgery.
_PERSONAL_TABLES += [
    (
        "certificates",
        "SELECT code, event_id, holder_name, company, held_at, hours, issued_at, revoked_at, "
        "revoked_reason FROM certificates WHERE person_id = ? ORDER BY id",
    ),
]
_ERASE_STATEMENTS += [
    "UPDATE certificates SET holder_name = NULL, company = NULL, revoked_reason = NULL, "
    "withdrawn_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') WHERE person_id = ?",
]

# B2B matchmaking: the export shows the person's profiles, requests and meetings; erasure
# deletes the profiles (ON DELETE CASCADE) after their meetings were cancelled and the other
# sides told (handlers.privacy); requests and meetings stay without the person, for the counts.
_PERSONAL_TABLES += [
    (
        "match_profiles",
        "SELECT event_id, company, sector_id, offers, seeks, offers_text, seeks_text, languages, "
        "description, listed_at, updated_at FROM match_profiles WHERE person_id = ? ORDER BY id",
    ),
    (
        "meeting_requests",
        "SELECT event_id, requester_id = ?1 AS sent, note, reply, status, created_at "
        "FROM meeting_requests WHERE requester_id = ?1 OR invitee_id = ?1 ORDER BY id",
    ),
    (
        "meetings",
        "SELECT event_id, starts_at, table_no, status FROM meetings "
        "WHERE person_a = ?1 OR person_b = ?1 ORDER BY id",
    ),
]
_ERASE_STATEMENTS += [
    "UPDATE meeting_requests SET note = NULL, reply = NULL "
    "WHERE requester_id = ?1 OR invitee_id = ?1",
]
# A claim to a company asks its contact by name: the question goes with the claimant (sent
# or not), among the outbox's statements above.

# Applications to events where staff select: the export shows each with its decision; erasure
# withdraws the ones still open (their place frees up) and keeps the rest without the person
# (person_id becomes NULL with the person row), for the counts of the impact report.
_PERSONAL_TABLES += [
    (
        "applications",
        "SELECT event_id, status, created_at, decided_at, note, confirm_by "
        "FROM applications WHERE person_id = ? ORDER BY created_at, id",
    ),
]
_ERASE_STATEMENTS += [
    "UPDATE applications SET status = 'withdrawn', confirm_by = NULL, version = version + 1 "
    "WHERE person_id = ? AND status IN ('pending', 'accepted', 'reserve')",
    "UPDATE applications SET company_key = NULL, note = NULL, company_override = NULL "
    "WHERE person_id = ?",
]
