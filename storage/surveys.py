"""Survey rounds, who finished them, answers in progress, and the submitted answers.

A round is one sending of a survey. Who finished a round (for reminders and not asking twice)
and what was answered are kept apart: an anonymous response has no person, company or time,
and a random id in a WITHOUT ROWID table, so nothing joins it to its finisher (see the
migration). Answers in progress are the person's draft until they submit.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database, Transaction
from storage.outbox import SURVEY_INVITATION, SURVEY_REMINDER, queue_bulk
from storage.survey_definitions import (
    EVENT,
    EVENT_KIND,
    EVERYONE,
    FEEDBACK,
    MEMBERS,
    SECTOR,
    Audience,
    Survey,
)

# The language each invited person gets, as broadcasts work it out.
_LANGUAGE = (
    "CASE WHEN m.language IS NOT NULL THEN m.language "
    "WHEN m.telegram_language IS NULL OR m.telegram_language = '' THEN :default_language "
    "WHEN lower(m.telegram_language) LIKE 'tr%' THEN 'tr' ELSE 'en' END"
)
# An event's attendee: marked present, or confirmed where attendance was never taken.
_ATTENDED = (
    "(r.attended = 1 OR (r.status = 'confirmed' AND r.attended IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM registrations t WHERE t.event_id = r.event_id AND t.attended IS NOT NULL)))"
)
# Those a feedback round counts as invited: the event's attendees with a person to ask, and
# those whose answer outlived them (erased or anonymised since). Migration 0036 counts alike.
_INVITED = (
    f"SELECT COUNT(*) FROM registrations r WHERE r.event_id = :event AND {_ATTENDED} AND "
    "(r.person_id IS NOT NULL OR EXISTS (SELECT 1 FROM survey_responses s "
    "WHERE s.registration_id = r.id AND s.round_id = :round))"
)
# How long an event's feedback round takes answers after the event ends.
FEEDBACK_OPEN = timedelta(days=30)


@dataclass(frozen=True)
class Round:
    """One sending of a survey."""

    id: int
    survey_id: str
    number: int
    event_id: str | None
    opened_at: datetime
    closes_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """Tell whether the round still takes answers."""
        return self.closes_at is None or now < self.closes_at


@dataclass(frozen=True)
class Draft:
    """A person's answers in progress: the step they were at and what they answered."""

    step: str
    answers: dict[str, Any]
    base_revision: int | None


@dataclass(frozen=True)
class CompanyAnswer:
    """A company's submitted answers, and the revision a new submission must start from."""

    answers: dict[str, Any]
    revision: int


@dataclass(frozen=True)
class Submitted:
    """The outcome of a submission: stored, or a colleague's answer came in between."""

    stored: bool
    revision: int


@dataclass(frozen=True)
class FeedbackDue:
    """An event the person was asked about (the post-event message reached them)."""

    registration_id: int
    event_id: str
    ends_at: datetime
    round_id: int | None  # None: nobody has answered yet, the round is made on the first answer

    @property
    def closes_at(self) -> datetime:
        """Return when the event's feedback stops taking answers."""
        return self.ends_at + FEEDBACK_OPEN


@dataclass(frozen=True)
class Tally:
    """A round's numbers: how many were invited and how many finished."""

    invited: int
    finished: int  # who finished, as far as the finishers' list still knows them
    # Anonymous answers of people who erased their data since: the finisher went with the
    # person, the answers are no one's and stay in the results.
    erased: int = 0

    @property
    def completed(self) -> int:
        """Return how many answered the round, those who erased their data since included."""
        return self.finished + self.erased


@dataclass(frozen=True)
class RawResponse:
    """One submitted answer set as admins and exports see it (no person in anonymous ones)."""

    person: str | None
    company: str | None
    submitted_at: datetime | None
    answers: dict[str, Any]


@dataclass(frozen=True)
class CompanyFigure:
    """One company's figure for an indicator, with what groups it: no name, no id leaves."""

    value: float
    sector_id: str | None
    employees: int | None
    mine: bool


def _round(row: Any) -> Round:
    return Round(
        id=row["id"],
        survey_id=row["survey_id"],
        number=row["number"],
        event_id=row["event_id"],
        opened_at=parse_utc(row["opened_at"]),
        closes_at=parse_utc(row["closes_at"]) if row["closes_at"] else None,
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def audience_filter(audience: Audience) -> tuple[str, dict[str, Any]]:
    """Return the WHERE clause over people `m` a survey's audience selects, and its parameters.

    Everyone reachable; people of member companies; of a sector (the company's, else their
    own); those who attended an event, or an event of a kind, that has ended.
    """
    clauses = ["m.unreachable_at IS NULL"]
    params: dict[str, Any] = {}
    if audience.kind == MEMBERS:
        clauses.append(
            "EXISTS (SELECT 1 FROM companies c WHERE c.id = m.company_id "
            "AND c.membership = 'member')"
        )
    elif audience.kind == SECTOR:
        clauses.append(
            "COALESCE((SELECT c.sector_id FROM companies c WHERE c.id = m.company_id), "
            "m.sector_id) = :target"
        )
    elif audience.kind == EVENT:
        clauses.append(
            "EXISTS (SELECT 1 FROM registrations r JOIN events e ON e.id = r.event_id "
            f"WHERE r.person_id = m.id AND r.event_id = :target AND {_ATTENDED})"
        )
    elif audience.kind == EVENT_KIND:
        clauses.append(
            "EXISTS (SELECT 1 FROM registrations r JOIN events e ON e.id = r.event_id "
            f"WHERE r.person_id = m.id AND e.kind = :target AND e.ends_at <= :now AND {_ATTENDED})"
        )
    elif audience.kind != EVERYONE:
        raise ValueError(f"unknown audience {audience.kind!r}")
    if audience.target is not None:
        params["target"] = audience.target
    return " AND ".join(clauses), params


class SurveyRepository:
    """Rounds, finishers, drafts and answers of the cluster's surveys."""

    def __init__(self, database: Database, default_language: str = "tr") -> None:
        self._db = database
        self._default_language = default_language

    # -- rounds ------------------------------------------------------------------------------

    async def audience_size(self, audience: Audience, now: datetime) -> int:
        """Return how many people a survey's audience reaches now."""
        where, params = audience_filter(audience)
        row = await self._db.fetch_one(
            f"SELECT COUNT(*) FROM people m WHERE {where}", {**params, "now": utc_text(now)}
        )
        return int(row[0]) if row is not None else 0

    async def launch(
        self,
        survey: Survey,
        now: datetime,
        reminder_at: datetime | None,
        sent_by: int | None = None,
        event_id: str | None = None,
        closes_at: datetime | None = None,
    ) -> tuple[Round, int]:
        """Open a new round and queue an invitation to everyone in the audience (and one
        reminder, when `reminder_at` is given), all in one transaction; return it and how many.
        """
        audience = survey.audience if event_id is None else Audience(EVENT, event_id)
        where, params = audience_filter(audience)
        closing = closes_at or survey.closes_at
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "INSERT INTO survey_rounds (survey_id, number, event_id, opened_at, closes_at, "
                "sent_by) VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM survey_rounds "
                "WHERE survey_id = ?), ?, ?, ?, ?) RETURNING *",
                (
                    survey.id,
                    survey.id,
                    event_id,
                    utc_text(now),
                    utc_text(closing) if closing else None,
                    sent_by,
                ),
            )
            assert row is not None
            launched = _round(row)
            queued = await self._queue(tx, launched, where, params, now, reminder_at)
            await tx.execute(
                "UPDATE survey_rounds SET invited = ? WHERE id = ?", (queued, launched.id)
            )
        return launched, queued

    async def _queue(
        self,
        tx: Transaction,
        launched: Round,
        where: str,
        params: dict[str, Any],
        now: datetime,
        reminder_at: datetime | None,
    ) -> int:
        payload = {"round": launched.id, "survey": launched.survey_id}
        people = f"FROM people m WHERE {where}"
        values = {**params, "now": utc_text(now), "default_language": self._default_language}
        invited = await queue_bulk(
            tx, SURVEY_INVITATION, people, _LANGUAGE, values, now, payload=payload
        )
        if reminder_at is not None:
            await queue_bulk(
                tx,
                SURVEY_REMINDER,
                people,
                _LANGUAGE,
                values,
                now,
                due=reminder_at,
                payload=payload,
            )
        return invited

    async def events_due_follow_up(
        self, survey: Survey, now: datetime, days: int, window: timedelta
    ) -> list[str]:
        """Return the events of a follow-up survey's audience that ended `days` ago (within
        `window`: older ones were before the survey existed) and have no round of it yet."""
        audience = survey.audience
        column = "e.kind" if audience.kind == EVENT_KIND else "e.id"
        latest = now - timedelta(days=days)
        rows = await self._db.fetch_all(
            f"SELECT e.id FROM events e WHERE {column} = :target AND e.status = 'scheduled' "
            "AND e.ends_at <= :latest AND e.ends_at > :earliest AND NOT EXISTS ("
            "SELECT 1 FROM survey_rounds r WHERE r.survey_id = :survey AND r.event_id = e.id) "
            "ORDER BY e.ends_at",
            {
                "target": audience.target,
                "latest": utc_text(latest),
                "earliest": utc_text(latest - window),
                "survey": survey.id,
            },
        )
        return [row["id"] for row in rows]

    async def get_round(self, round_id: int) -> Round | None:
        """Return a round by id."""
        row = await self._db.fetch_one("SELECT * FROM survey_rounds WHERE id = ?", (round_id,))
        return _round(row) if row is not None else None

    async def rounds_of(self, survey_id: str) -> list[Round]:
        """Return a survey's rounds, the latest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM survey_rounds WHERE survey_id = ? ORDER BY number DESC", (survey_id,)
        )
        return [_round(row) for row in rows]

    async def open_rounds(self, now: datetime) -> list[Round]:
        """Return every round still taking answers, the newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM survey_rounds WHERE closes_at IS NULL OR closes_at > ? "
            "ORDER BY opened_at DESC, id DESC",
            (utc_text(now),),
        )
        return [_round(row) for row in rows]

    async def in_audience(self, audience: Audience, person_id: int, now: datetime) -> bool:
        """Tell whether a person belongs to a survey's audience now."""
        where, params = audience_filter(audience)
        row = await self._db.fetch_one(
            f"SELECT 1 FROM people m WHERE m.id = :person AND {where}",
            {**params, "person": person_id, "now": utc_text(now)},
        )
        return row is not None

    async def verified_company(self, person_id: int) -> int | None:
        """Return the company the person verifiably belongs to (invite link or approval)."""
        row = await self._db.fetch_one(
            "SELECT company_id FROM people WHERE id = ? AND company_verified = 1", (person_id,)
        )
        return None if row is None else row["company_id"]

    # -- post-event feedback: a round per event ----------------------------------------------

    async def surveyed_registration(
        self, registration_id: int, person_id: int
    ) -> FeedbackDue | None:
        """Return the person's own registration whose post-event message reached them, if so."""
        rows = await self._due(
            "r.id = :registration AND r.person_id = :person",
            {
                "registration": registration_id,
                "person": person_id,
            },
        )
        return rows[0] if rows else None

    async def feedback_due(self, person_id: int) -> list[FeedbackDue]:
        """Return the events the person was asked about, the latest first."""
        return await self._due("r.person_id = :person", {"person": person_id})

    async def _due(self, where: str, params: dict[str, Any]) -> list[FeedbackDue]:
        rows = await self._db.fetch_all(
            "SELECT r.id, r.event_id, e.ends_at, o.id AS round_id FROM registrations r "
            "JOIN events e ON e.id = r.event_id LEFT JOIN survey_rounds o "
            "ON o.survey_id = :survey AND o.event_id = r.event_id "
            f"WHERE {where} AND EXISTS (SELECT 1 FROM outbox d WHERE d.registration_id = r.id "
            "AND d.kind = 'survey' AND d.status IN ('sending', 'sent')) "
            "ORDER BY e.ends_at DESC, r.id DESC",
            {**params, "survey": FEEDBACK},
        )
        return [
            FeedbackDue(row["id"], row["event_id"], parse_utc(row["ends_at"]), row["round_id"])
            for row in rows
        ]

    async def event_round(self, survey: Survey, event_id: str) -> Round:
        """Return the survey's round about an event, opening it on first use.

        Two first answers at once make one round: the unique (survey, event) index keeps a
        second out, and the one there is returned.
        """
        days = f"+{FEEDBACK_OPEN.days} days"
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO survey_rounds (survey_id, number, event_id, opened_at, closes_at) "
                "SELECT :survey, (SELECT COALESCE(MAX(number), 0) + 1 FROM survey_rounds "
                "WHERE survey_id = :survey), e.id, e.ends_at, "
                f"strftime('%Y-%m-%dT%H:%M:%S+00:00', e.ends_at, '{days}') FROM events e "
                "WHERE e.id = :event ON CONFLICT (survey_id, event_id) WHERE event_id IS NOT NULL "
                "DO NOTHING",
                {"survey": survey.id, "event": event_id},
            )
            row = await tx.fetch_one(
                "SELECT * FROM survey_rounds WHERE survey_id = ? AND event_id = ?",
                (survey.id, event_id),
            )
            assert row is not None
            if cursor.rowcount:
                await count_invited(tx, row["id"], event_id)
        return _round(row)

    async def registration_at(self, event_id: str, person_id: int) -> int | None:
        """Return the person's registration for an event, if any."""
        row = await self._db.fetch_one(
            "SELECT id FROM registrations WHERE event_id = ? AND person_id = ?",
            (event_id, person_id),
        )
        return None if row is None else int(row["id"])

    # -- finishing, drafts -------------------------------------------------------------------

    async def has_finished(self, round_id: int, person_id: int) -> bool:
        """Tell whether the person submitted the round's answers."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM survey_finishers WHERE round_id = ? AND person_id = ?",
            (round_id, person_id),
        )
        return row is not None

    async def finished_rounds(self, person_id: int) -> set[int]:
        """Return the rounds the person finished."""
        rows = await self._db.fetch_all(
            "SELECT round_id FROM survey_finishers WHERE person_id = ?", (person_id,)
        )
        return {row["round_id"] for row in rows}

    async def save_draft(
        self,
        round_id: int,
        person_id: int,
        step: str,
        answers: Mapping[str, Any],
        base_revision: int | None,
        now: datetime,
    ) -> None:
        """Keep the person's answers in progress and the step they are at."""
        await self._db.execute(
            "INSERT INTO survey_drafts (round_id, person_id, step, answers, base_revision, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, person_id) DO UPDATE "
            "SET step = excluded.step, answers = excluded.answers, "
            "base_revision = excluded.base_revision, updated_at = excluded.updated_at",
            (round_id, person_id, step, _json(dict(answers)), base_revision, utc_text(now)),
        )

    async def draft(self, round_id: int, person_id: int) -> Draft | None:
        """Return the person's answers in progress, if any."""
        row = await self._db.fetch_one(
            "SELECT step, answers, base_revision FROM survey_drafts "
            "WHERE round_id = ? AND person_id = ?",
            (round_id, person_id),
        )
        if row is None:
            return None
        return Draft(row["step"], json.loads(row["answers"]), row["base_revision"])

    async def drafts_of(self, person_id: int) -> set[int]:
        """Return the rounds the person has answers in progress for."""
        rows = await self._db.fetch_all(
            "SELECT round_id FROM survey_drafts WHERE person_id = ?", (person_id,)
        )
        return {row["round_id"] for row in rows}

    # -- submitting --------------------------------------------------------------------------

    async def company_answer(self, round_id: int, company_id: int) -> CompanyAnswer | None:
        """Return the company's submitted answers in a per-company survey, if any."""
        row = await self._db.fetch_one(
            "SELECT id, revision FROM survey_responses WHERE round_id = ? AND company_id = ?",
            (round_id, company_id),
        )
        if row is None:
            return None
        rows = await self._db.fetch_all(
            "SELECT question, value FROM survey_answers WHERE response_id = ?", (row["id"],)
        )
        answers = {answer["question"]: json.loads(answer["value"]) for answer in rows}
        return CompanyAnswer(answers, row["revision"])

    async def submit(
        self,
        survey: Survey,
        round_id: int,
        person_id: int,
        company_id: int | None,
        answers: Mapping[str, Any],
        now: datetime,
        base_revision: int | None = None,
        registration_id: int | None = None,
    ) -> Submitted:
        """Store the answers, mark the person finished and drop their draft, in one transaction.

        Per company, the company's one answer is replaced, but only when it is still at
        `base_revision` (None: there was none): a colleague's answer that came in between is
        not overwritten unseen. Anonymous answers are stored with no person and no time. Per
        person, an earlier response of the person (or of the registration, about an event) is
        replaced whole; an event's round then counts its attendees as invited again.
        """
        async with self._db.transaction() as tx:
            if survey.per_company:
                assert company_id is not None
                current = await tx.fetch_one(
                    "SELECT id, revision FROM survey_responses "
                    "WHERE round_id = ? AND company_id = ?",
                    (round_id, company_id),
                )
                revision = current["revision"] if current is not None else None
                if revision != base_revision:
                    return Submitted(False, revision if revision is not None else 0)
                if current is not None:
                    await tx.execute("DELETE FROM survey_responses WHERE id = ?", (current["id"],))
                new_revision = 0 if revision is None else revision + 1
                await self._store(tx, round_id, None, company_id, new_revision, answers, now)
            elif survey.anonymous:
                new_revision = 0
                await self._store(tx, round_id, None, None, 0, answers, None)
            else:
                new_revision = 0
                await tx.execute(
                    "DELETE FROM survey_responses WHERE round_id = ? AND (person_id = ? "
                    "OR registration_id = ?)",
                    (round_id, person_id, registration_id),
                )
                await self._store(tx, round_id, person_id, None, 0, answers, now, registration_id)
                if registration_id is not None:
                    event = await tx.fetch_one(
                        "SELECT event_id FROM survey_rounds WHERE id = ?", (round_id,)
                    )
                    if event is not None and event["event_id"] is not None:
                        await count_invited(tx, round_id, event["event_id"])
            await tx.execute(
                "INSERT OR IGNORE INTO survey_finishers (round_id, person_id) VALUES (?, ?)",
                (round_id, person_id),
            )
            await tx.execute(
                "DELETE FROM survey_drafts WHERE round_id = ? AND person_id = ?",
                (round_id, person_id),
            )
        return Submitted(True, new_revision)

    async def _store(
        self,
        tx: Transaction,
        round_id: int,
        person_id: int | None,
        company_id: int | None,
        revision: int,
        answers: Mapping[str, Any],
        now: datetime | None,
        registration_id: int | None = None,
    ) -> None:
        response_id = secrets.token_hex(12)
        await tx.execute(
            "INSERT INTO survey_responses (id, round_id, person_id, company_id, revision, "
            "submitted_at, registration_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                response_id,
                round_id,
                person_id,
                company_id,
                revision,
                utc_text(now) if now else None,
                registration_id,
            ),
        )
        await tx.executemany(
            "INSERT INTO survey_answers (response_id, round_id, question, value, number) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (response_id, round_id, question, _json(value), _number(value))
                for question, value in answers.items()
                if value is not None
            ],
        )

    # -- results -----------------------------------------------------------------------------

    async def tally(self, round_id: int) -> Tally:
        """Return how many were invited to a round and how many finished it (an erased
        person's post-event rating still counts: its response keeps the registration).

        An anonymous response has no person, company or registration; one more of them than
        there are finishers is a person who answered and then erased their data.
        """
        row = await self._db.fetch_one(
            "SELECT invited, (SELECT COUNT(*) FROM survey_finishers f "
            "WHERE f.round_id = r.id) AS finishers, (SELECT COUNT(*) FROM survey_responses s "
            "WHERE s.round_id = r.id AND s.person_id IS NULL AND s.registration_id IS NOT NULL) "
            "AS rated, (SELECT COUNT(*) FROM survey_responses s WHERE s.round_id = r.id "
            "AND s.person_id IS NULL AND s.company_id IS NULL AND s.registration_id IS NULL) "
            "AS anonymous FROM survey_rounds r WHERE r.id = ?",
            (round_id,),
        )
        if row is None:
            return Tally(0, 0)
        erased = max(0, row["anonymous"] - row["finishers"]) if row["anonymous"] else 0
        return Tally(row["invited"], row["finishers"] + row["rated"], erased)

    async def answers_by_question(self, round_id: int) -> dict[str, list[Any]]:
        """Return every submitted answer of a round, question by question, in no order."""
        rows = await self._db.fetch_all(
            "SELECT question, value FROM survey_answers WHERE round_id = ? ORDER BY question",
            (round_id,),
        )
        found: dict[str, list[Any]] = {}
        for row in rows:
            found.setdefault(row["question"], []).append(json.loads(row["value"]))
        return found

    async def raw_responses(self, round_id: int) -> list[RawResponse]:
        """Return each submitted answer set, with its person or company where not anonymous."""
        rows = await self._db.fetch_all(
            "SELECT s.id, p.full_name AS person, c.name AS company, s.submitted_at "
            "FROM survey_responses s LEFT JOIN people p ON p.id = s.person_id "
            "LEFT JOIN companies c ON c.id = s.company_id WHERE s.round_id = ? "
            "ORDER BY c.name, p.full_name, s.id",
            (round_id,),
        )
        answers = await self._db.fetch_all(
            "SELECT response_id, question, value FROM survey_answers WHERE round_id = ?",
            (round_id,),
        )
        by_response: dict[str, dict[str, Any]] = {}
        for answer in answers:
            by_response.setdefault(answer["response_id"], {})[answer["question"]] = json.loads(
                answer["value"]
            )
        return [
            RawResponse(
                person=row["person"],
                company=row["company"],
                submitted_at=parse_utc(row["submitted_at"]) if row["submitted_at"] else None,
                answers=by_response.get(row["id"], {}),
            )
            for row in rows
        ]

    async def company_figures(
        self, round_id: int, question: str, company_id: int | None
    ) -> list[CompanyFigure]:
        """Return each company's figure for one numeric question, with its sector and size,
        marking the asking company's own (no names or ids leave this method)."""
        rows = await self._db.fetch_all(
            "SELECT a.number, c.sector_id, c.employees, s.company_id = :mine AS mine "
            "FROM survey_answers a JOIN survey_responses s ON s.id = a.response_id "
            "LEFT JOIN companies c ON c.id = s.company_id "
            "WHERE a.round_id = :round AND a.question = :question AND a.number IS NOT NULL "
            "AND s.company_id IS NOT NULL ORDER BY a.number",
            {"round": round_id, "question": question, "mine": company_id},
        )
        return [
            CompanyFigure(
                value=float(row["number"]),
                sector_id=row["sector_id"],
                employees=row["employees"],
                mine=bool(row["mine"]),
            )
            for row in rows
        ]

    async def round_figures(
        self, round_id: int, questions: list[str], company_id: int | None
    ) -> dict[str, list[CompanyFigure]]:
        """Return every company's figures of a round for these numeric questions, in one query,
        each question's in ascending order, the asking company's own marked (no names or ids)."""
        rows = await self._db.fetch_all(
            "SELECT a.question, a.number, c.sector_id, c.employees, s.company_id = :mine AS mine "
            "FROM survey_answers a JOIN survey_responses s ON s.id = a.response_id "
            "LEFT JOIN companies c ON c.id = s.company_id "
            "WHERE a.round_id = :round AND a.number IS NOT NULL AND s.company_id IS NOT NULL "
            "AND a.question IN (SELECT value FROM json_each(:questions)) "
            "ORDER BY a.question, a.number",
            {"round": round_id, "questions": json.dumps(questions), "mine": company_id},
        )
        found: dict[str, list[CompanyFigure]] = {question: [] for question in questions}
        for row in rows:
            found[row["question"]].append(
                CompanyFigure(
                    value=float(row["number"]),
                    sector_id=row["sector_id"],
                    employees=row["employees"],
                    mine=bool(row["mine"]),
                )
            )
        return found


async def count_invited(tx: Transaction, round_id: int, event_id: str) -> None:
    """Count an event round's invited again: its attendees, as they stand now."""
    await tx.execute(
        f"UPDATE survey_rounds SET invited = ({_INVITED}) WHERE id = :round",
        {"round": round_id, "event": event_id},
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
