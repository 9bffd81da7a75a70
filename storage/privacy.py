"""KVKK / GDPR records: notices acknowledged, explicit consents, retention, requests made.

Informing and consent are kept apart, as the law does: acknowledging the notice (aydınlatma)
is stored with its version and time; an explicit consent (açık rıza) is a row per purpose with
the time it was given and withdrawn. A person's requests (exports, erasures) go to the audit
log without any of their data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from storage.catalogue import parse_utc, utc_text
from storage.database import Database
from storage.outbox import cancel_announcements, forget_settled, queue_consent_requests
from storage.survey_definitions import FEEDBACK, FEEDBACK_RATING

# Purposes that need explicit consent. Sharing with a study visit's host and answering an
# event's special-category question (KVKK Art. 6) are per event.
ANNOUNCEMENTS = "announcements"
HOST_PREFIX = "host:"
SPECIAL_PREFIX = "special:"
EVENT_SCOPED = (HOST_PREFIX, SPECIAL_PREFIX)
# The audit log's staff id for what a person did themselves.
PERSON_ACTION = 0


def host_purpose(event_id: str) -> str:
    """Return the purpose of sharing one's details with the host of one event."""
    return f"{HOST_PREFIX}{event_id}"


def special_purpose(event_id: str) -> str:
    """Return the purpose of answering one event's special-category question."""
    return f"{SPECIAL_PREFIX}{event_id}"


def scoped_event(purpose: str) -> str | None:
    """Return the event a consent is scoped to, or None for a standing one."""
    for prefix in EVENT_SCOPED:
        if purpose.startswith(prefix):
            return purpose.removeprefix(prefix)
    return None


@dataclass(frozen=True)
class Consent:
    """An explicit consent: what for, under which notice, when given, when withdrawn."""

    purpose: str
    notice_version: str | None
    given_at: datetime
    withdrawn_at: datetime | None

    @property
    def in_force(self) -> bool:
        """Tell whether the consent has not been withdrawn."""
        return self.withdrawn_at is None


@dataclass(frozen=True)
class Anonymised:
    """What one retention run anonymised."""

    registrations: int
    questions: int
    tickets: int
    certificates: int = 0


@dataclass(frozen=True)
class EventDataCleared:
    """What was cleared for one event that is over: its scoped consents, its special answers."""

    event_id: str
    consents: int
    special_answers: int


# The events whose scoped data is no longer needed: over, or cancelled by staff.
_OVER = "SELECT id FROM events WHERE ends_at < :now OR status = 'cancelled'"
_SCOPED_EVENT = "substr(purpose, instr(purpose, ':') + 1)"


class PrivacyRepository:
    """Writes and reads the records that prove informing and consent; runs retention."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def acknowledge_notice(self, person_id: int, version: str, language: str) -> None:
        """Record that the person read the notice of `version` ("read, continue")."""
        now = utc_text(datetime.now(UTC))
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE people SET informed_at = ?, notice_version = ? WHERE id = ?",
                (now, version, person_id),
            )
            await tx.execute(
                "INSERT INTO notice_acknowledgements (person_id, version, language, "
                "acknowledged_at) VALUES (?, ?, ?, ?)",
                (person_id, version, language, now),
            )

    async def consents(self, person_id: int) -> list[Consent]:
        """Return every consent the person gave, the latest first, withdrawn ones included."""
        rows = await self._db.fetch_all(
            "SELECT purpose, notice_version, given_at, withdrawn_at FROM consents "
            "WHERE person_id = ? ORDER BY given_at DESC, id DESC",
            (person_id,),
        )
        return [
            Consent(
                purpose=row["purpose"],
                notice_version=row["notice_version"],
                given_at=parse_utc(row["given_at"]),
                withdrawn_at=parse_utc(row["withdrawn_at"]) if row["withdrawn_at"] else None,
            )
            for row in rows
        ]

    async def in_force(self, person_id: int) -> set[str]:
        """Return the purposes the person's consent is in force for."""
        rows = await self._db.fetch_all(
            "SELECT purpose FROM consents WHERE person_id = ? AND withdrawn_at IS NULL",
            (person_id,),
        )
        return {row["purpose"] for row in rows}

    async def consenting(self, purpose: str) -> set[int]:
        """Return the people whose consent to `purpose` is in force."""
        rows = await self._db.fetch_all(
            "SELECT person_id FROM consents WHERE purpose = ? AND withdrawn_at IS NULL",
            (purpose,),
        )
        return {row["person_id"] for row in rows}

    async def give(self, person_id: int, purpose: str, notice_version: str | None) -> None:
        """Record an explicit consent (nothing changes when it is in force already)."""
        now = utc_text(datetime.now(UTC))
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT OR IGNORE INTO consents (person_id, purpose, notice_version, given_at) "
                "VALUES (?, ?, ?, ?)",
                (person_id, purpose, notice_version, now),
            )
            if purpose == ANNOUNCEMENTS:
                await tx.execute(
                    "UPDATE people SET announcements_on = 1 WHERE id = ?", (person_id,)
                )

    async def withdraw(self, person_id: int, purpose: str) -> None:
        """Withdraw a consent; for announcements, drop the copies still waiting to go."""
        now = utc_text(datetime.now(UTC))
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE consents SET withdrawn_at = ? "
                "WHERE person_id = ? AND purpose = ? AND withdrawn_at IS NULL",
                (now, person_id, purpose),
            )
            if purpose.startswith(SPECIAL_PREFIX):
                # Without the consent the answer has no ground: it goes with it.
                await tx.execute(
                    "DELETE FROM special_category_answers WHERE person_id = ? AND event_id = ?",
                    (person_id, purpose.removeprefix(SPECIAL_PREFIX)),
                )
            if purpose == ANNOUNCEMENTS:
                await tx.execute(
                    "UPDATE people SET announcements_on = 0 WHERE id = ?", (person_id,)
                )
                # At once: a broadcast already queued for them does not reach them either.
                await cancel_announcements(tx, person_id)

    async def decline_announcements(self, person_id: int) -> None:
        """Record that the person said no to announcements when asked (no consent is stored)."""
        await self._db.execute(
            "UPDATE people SET announcements_declined_at = ? WHERE id = ?",
            (utc_text(datetime.now(UTC)), person_id),
        )

    async def announcements_question(self, person_id: int) -> str | None:
        """Return how the team's question about announcements is put to the person, or None
        when it no longer is: they have answered (yes or no), withdrew a consent, or are gone.

        "switched_off": informed under the old notice, whose announcements the rule of
        explicit consent switched off; "never_answered": anyone else not asked yet.
        """
        row = await self._db.fetch_one(
            "SELECT notice_version, announcements_declined_at, EXISTS (SELECT 1 FROM consents "
            "  WHERE person_id = people.id AND purpose = ?) AS consented "
            "FROM people WHERE id = ?",
            (ANNOUNCEMENTS, person_id),
        )
        if row is None or row["consented"] or row["announcements_declined_at"] is not None:
            return None
        return "switched_off" if row["notice_version"] is None else "never_answered"

    async def wants_announcements(self, person_id: int) -> bool:
        """Tell whether the person's announcement consent is in force right now."""
        row = await self._db.fetch_one(
            "SELECT announcements_on FROM people WHERE id = ?", (person_id,)
        )
        return row is not None and bool(row["announcements_on"])

    async def ask_for_announcements(self, now: datetime) -> int:
        """Queue one consent request to each informed person never asked; return how many.

        Asked once: a person who gave a consent (in force or withdrawn), said no when asked at
        sign-up, or was sent a request before (whatever they answered), is not asked again.
        """
        async with self._db.transaction() as tx:
            return await queue_consent_requests(tx, ANNOUNCEMENTS, now)

    async def record_request(self, action: str, detail: dict[str, int] | None = None) -> None:
        """Write a person's export or erasure to the audit log, without who or what."""
        await self._db.execute(
            "INSERT INTO audit_log (staff_id, action, subject, detail, created_at) "
            "VALUES (?, ?, NULL, ?, ?)",
            (
                PERSON_ACTION,
                action,
                json.dumps(detail or {}, sort_keys=True),
                utc_text(datetime.now(UTC)),
            ),
        )

    async def clear_past_events(self, now: datetime) -> list[EventDataCleared]:
        """Delete what was only needed for an event once it is over, with one audit entry each.

        Consents scoped to one event (sharing with its host, its special-category question)
        have nothing left to allow; special-category answers (KVKK Art. 6) go right after the
        event, and at once when their registration was cancelled.
        """
        params = {"now": utc_text(now)}
        scoped = " OR ".join(f"purpose LIKE '{prefix}%'" for prefix in EVENT_SCOPED)
        async with self._db.transaction() as tx:
            consents = await tx.fetch_all(
                f"SELECT {_SCOPED_EVENT} AS event_id, COUNT(*) AS n FROM consents "
                f"WHERE ({scoped}) AND {_SCOPED_EVENT} IN ({_OVER}) GROUP BY 1",
                params,
            )
            answers = await tx.fetch_all(
                "SELECT event_id, COUNT(*) AS n FROM special_category_answers a "
                f"WHERE event_id IN ({_OVER}) OR NOT EXISTS (SELECT 1 FROM registrations r "
                "  WHERE r.event_id = a.event_id AND r.person_id = a.person_id "
                "  AND r.status IN ('confirmed', 'waitlisted')) GROUP BY event_id",
                params,
            )
            await tx.execute(
                f"DELETE FROM consents WHERE ({scoped}) AND {_SCOPED_EVENT} IN ({_OVER})", params
            )
            await tx.execute(
                "DELETE FROM special_category_answers AS a "
                f"WHERE event_id IN ({_OVER}) OR NOT EXISTS (SELECT 1 FROM registrations r "
                "  WHERE r.event_id = a.event_id AND r.person_id = a.person_id "
                "  AND r.status IN ('confirmed', 'waitlisted'))",
                params,
            )
            per_event: dict[str, list[int]] = {}
            for row in consents:
                per_event.setdefault(row["event_id"], [0, 0])[0] = row["n"]
            for row in answers:
                per_event.setdefault(row["event_id"], [0, 0])[1] = row["n"]
            cleared = [
                EventDataCleared(event_id, counts[0], counts[1])
                for event_id, counts in sorted(per_event.items())
            ]
            for item in cleared:
                await tx.execute(
                    "INSERT INTO audit_log (staff_id, action, subject, detail, created_at) "
                    "VALUES (?, 'privacy.event_data_cleared', ?, ?, ?)",
                    (
                        PERSON_ACTION,
                        f"event:{item.event_id}",
                        json.dumps(
                            {"consents": item.consents, "special_answers": item.special_answers},
                            sort_keys=True,
                        ),
                        utc_text(datetime.now(UTC)),
                    ),
                )
        if cleared:
            await self._db.checkpoint()
        return cleared

    async def anonymise_before(self, cutoff: datetime) -> Anonymised:
        """Anonymise personal data of events that ended before `cutoff`; counts stay.

        Registrations keep their event, status, company, sector and attendance (the impact
        report's figures) and lose the person, the pseudonym and the check-in code; feedback
        keeps its rating and loses its words and its person; the messages sent about them go.
        Questions and closed tickets older than the cutoff lose the person and the thread.
        """
        moment = utc_text(cutoff)
        now = utc_text(datetime.now(UTC))
        async with self._db.transaction() as tx:
            past = (
                "SELECT r.id FROM registrations r JOIN events e ON e.id = r.event_id "
                "WHERE e.ends_at < :cutoff AND r.anonymised_at IS NULL"
            )
            params = {"cutoff": moment, "now": now}
            # Post-event feedback keeps its rating and registration; the words and who gave
            # them go (the finisher row too, which names the person for the round).
            feedback = (
                "SELECT s.id FROM survey_responses s JOIN survey_rounds o ON o.id = s.round_id "
                f"WHERE o.survey_id = '{FEEDBACK}' AND s.registration_id IN ({past})"
            )
            await tx.execute(
                f"DELETE FROM survey_answers WHERE question != '{FEEDBACK_RATING}' "
                f"AND response_id IN ({feedback})",
                params,
            )
            await tx.execute(
                "DELETE FROM survey_finishers WHERE EXISTS (SELECT 1 FROM survey_responses s "
                "WHERE s.round_id = survey_finishers.round_id "
                "AND s.person_id = survey_finishers.person_id "
                f"AND s.id IN ({feedback}))",
                params,
            )
            await tx.execute(
                f"UPDATE survey_responses SET person_id = NULL WHERE id IN ({feedback})",
                params,
            )
            await tx.execute(
                "DELETE FROM survey_drafts WHERE round_id IN (SELECT id FROM survey_rounds "
                f"WHERE survey_id = '{FEEDBACK}' AND event_id IN "
                "(SELECT id FROM events WHERE ends_at < :cutoff))",
                params,
            )
            await forget_settled(tx, past, params)
            # Applications keep their event and decision (the impact report counts them).
            await tx.execute(
                "UPDATE applications SET person_id = NULL, company_key = NULL, note = NULL, "
                "company_override = NULL WHERE person_id IS NOT NULL AND event_id IN "
                "(SELECT id FROM events WHERE ends_at < :cutoff)",
                params,
            )
            # Answers to an event's own questions are the person's words: they go entirely.
            await tx.execute(
                "DELETE FROM event_answers WHERE event_id IN "
                "(SELECT id FROM events WHERE ends_at < :cutoff)",
                params,
            )
            # A past B2B day's profiles, notes and who met whom go; the meetings and what they
            # led to stay, without the people (the impact report counts them).
            held = "SELECT id FROM events WHERE ends_at < :cutoff"
            await tx.execute(f"DELETE FROM match_profiles WHERE event_id IN ({held})", params)
            await tx.execute(
                "UPDATE meeting_requests SET requester_id = NULL, invitee_id = NULL, note = NULL, "
                f"reply = NULL WHERE event_id IN ({held})",
                params,
            )
            await tx.execute(
                f"UPDATE meetings SET person_a = NULL, person_b = NULL WHERE event_id IN ({held})",
                params,
            )
            # Participants staff added keep their registration (it counts) and lose who they were.
            await tx.execute(
                "UPDATE staff_added_participants SET full_name = NULL, company_name = NULL, "
                "phone = NULL, email = NULL, anonymised_at = :now "
                f"WHERE anonymised_at IS NULL AND registration_id IN ({past})",
                params,
            )
            # Certificates keep what verifying them needs (code, event, date, hours, valid or
            # revoked) and lose who held them: /verify then vouches for the participation alone.
            cursor = await tx.execute(
                "UPDATE certificates SET holder_name = NULL, company = NULL, person_id = NULL, "
                "revoked_reason = NULL, anonymised_at = :now "
                "WHERE anonymised_at IS NULL AND withdrawn_at IS NULL AND (event_id IN "
                "(SELECT id FROM events WHERE ends_at < :cutoff) OR (held_at < :cutoff AND "
                "event_id NOT IN (SELECT id FROM events)))",
                params,
            )
            certificates = cursor.rowcount
            cursor = await tx.execute(
                "UPDATE registrations SET person_id = NULL, pseudonym = NULL, "
                f"checkin_token = NULL, anonymised_at = :now WHERE id IN ({past})",
                params,
            )
            registrations = cursor.rowcount
            cursor = await tx.execute(
                "UPDATE asked_questions SET person_id = NULL, message_id = NULL "
                "WHERE created_at < :cutoff AND person_id IS NOT NULL",
                params,
            )
            questions = cursor.rowcount
            old_tickets = (
                "SELECT id FROM tickets WHERE status = 'closed' AND closed_at < :cutoff "
                "AND person_id IS NOT NULL"
            )
            await tx.execute(
                f"DELETE FROM ticket_messages WHERE ticket_id IN ({old_tickets})", params
            )
            cursor = await tx.execute(
                f"UPDATE tickets SET person_id = NULL WHERE id IN ({old_tickets})", params
            )
            tickets = cursor.rowcount
        if registrations or questions or tickets or certificates:
            await self._db.checkpoint()
        return Anonymised(registrations, questions, tickets, certificates)
