"""Questions people typed: what answered them, whether it helped, their hand-over to the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from storage.catalogue import parse_utc, utc_text
from storage.database import Database

QUESTION_LIMIT = 4096  # a Telegram message at most
NORMALISED_LIMIT = 300
HANDING_OVER = 0  # ticket_id while the ticket is being opened

Rating = Literal["rated", "already", "missing"]


@dataclass(frozen=True)
class AskedQuestion:
    """A question a person typed and what the assistant did with it."""

    id: int
    person_id: int | None
    question: str
    message_id: int | None
    language: str
    decision: str
    entry: str | None
    candidates: tuple[str, ...]
    helpful: bool | None
    ticket_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Handover:
    """Whether a question may be handed to the team now, or already was (as `ticket_id`)."""

    question: AskedQuestion | None
    claimed: bool


@dataclass(frozen=True)
class EntryUse:
    """How often an entry answered a question, and how people rated it."""

    entry: str
    asked: int
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class Unhelpful:
    """A folded question an entry's answer did not help with, and how often."""

    entry: str
    question: str
    count: int


def _now() -> str:
    return utc_text(datetime.now(UTC))


class AskedQuestionRepository:
    """Reads and writes the asked questions."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(
        self,
        person_id: int,
        question: str,
        normalised: str,
        language: str,
        decision: str,
        entry: str | None,
        candidates: tuple[str, ...],
        message_id: int | None,
    ) -> int:
        """Keep a question and what answered it; return its id."""
        return await self._db.insert(
            "INSERT INTO asked_questions (person_id, question, message_id, normalised, "
            "language, decision, entry, candidates, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person_id,
                question[:QUESTION_LIMIT],
                message_id,
                normalised[:NORMALISED_LIMIT],
                language,
                decision,
                entry,
                " ".join(candidates),
                _now(),
            ),
        )

    async def get(self, asked_id: int, person_id: int) -> AskedQuestion | None:
        """Return one of the person's questions; None for someone else's or a deleted one."""
        row = await self._db.fetch_one(
            "SELECT id, person_id, question, message_id, language, decision, entry, candidates, "
            "helpful, ticket_id, created_at FROM asked_questions WHERE id = ? AND person_id = ?",
            (asked_id, person_id),
        )
        if row is None:
            return None
        return AskedQuestion(
            id=row["id"],
            person_id=row["person_id"],
            question=row["question"],
            message_id=row["message_id"],
            language=row["language"],
            decision=row["decision"],
            entry=row["entry"],
            candidates=tuple(row["candidates"].split()),
            helpful=None if row["helpful"] is None else bool(row["helpful"]),
            ticket_id=row["ticket_id"],
            created_at=parse_utc(row["created_at"]),
        )

    async def rate(self, asked_id: int, person_id: int, helpful: bool) -> Rating:
        """Record whether the answer helped; only the first rating counts."""
        changed = await self._db.execute(
            "UPDATE asked_questions SET helpful = ?, rated_at = ? "
            "WHERE id = ? AND person_id = ? AND helpful IS NULL AND entry IS NOT NULL",
            (int(helpful), _now(), asked_id, person_id),
        )
        if changed:
            return "rated"
        return "already" if await self.get(asked_id, person_id) is not None else "missing"

    async def choose(self, asked_id: int, person_id: int, entry: str) -> bool:
        """Record the suggestion the person chose as the question's entry, if none is yet.

        Return whether the question's entry is now `entry` (so 👍 / 👎 rate that entry)."""
        await self._db.execute(
            "UPDATE asked_questions SET entry = ? WHERE id = ? AND person_id = ? AND entry IS NULL",
            (entry, asked_id, person_id),
        )
        asked = await self.get(asked_id, person_id)
        return asked is not None and asked.entry == entry

    async def claim_handover(self, asked_id: int, person_id: int) -> Handover:
        """Claim a question for handing it to the team; a second claim gets `claimed=False`."""
        changed = await self._db.execute(
            "UPDATE asked_questions SET ticket_id = ? "
            "WHERE id = ? AND person_id = ? AND ticket_id IS NULL",
            (HANDING_OVER, asked_id, person_id),
        )
        return Handover(await self.get(asked_id, person_id), bool(changed))

    async def handed_over(self, asked_id: int, ticket_id: int | None) -> None:
        """Record the ticket a claimed question became, or release the claim (None)."""
        await self._db.execute(
            "UPDATE asked_questions SET ticket_id = ? WHERE id = ?", (ticket_id, asked_id)
        )

    async def as_typed(self, normalised: list[str]) -> dict[str, str]:
        """Return a question as a person typed it for each folded form (the latest wording)."""
        if not normalised:
            return {}
        marks = ", ".join("?" for _ in normalised)
        rows = await self._db.fetch_all(
            f"SELECT normalised, question FROM asked_questions WHERE normalised IN ({marks}) "
            "ORDER BY id",
            tuple(normalised),
        )
        return {row["normalised"]: row["question"] for row in rows}

    async def entry_uses(self, since: datetime, limit: int) -> list[EntryUse]:
        """Return the entries that answered most questions since a time, with their ratings."""
        rows = await self._db.fetch_all(
            "SELECT entry, COUNT(*) AS asked, SUM(helpful = 1) AS helpful, "
            "SUM(helpful = 0) AS unhelpful FROM asked_questions "
            "WHERE created_at >= ? AND decision = 'answer' AND entry IS NOT NULL "
            "GROUP BY entry ORDER BY asked DESC, entry LIMIT ?",
            (utc_text(since), limit),
        )
        return [
            EntryUse(row["entry"], row["asked"], row["helpful"] or 0, row["unhelpful"] or 0)
            for row in rows
        ]

    async def unhelpful(self, since: datetime, limit: int) -> list[Unhelpful]:
        """Return the questions whose answers people said did not help, most frequent first."""
        rows = await self._db.fetch_all(
            "SELECT entry, normalised, COUNT(*) AS n FROM asked_questions "
            "WHERE created_at >= ? AND helpful = 0 AND entry IS NOT NULL "
            "GROUP BY entry, normalised ORDER BY n DESC, entry, normalised LIMIT ?",
            (utc_text(since), limit),
        )
        return [Unhelpful(row["entry"], row["normalised"], row["n"]) for row in rows]
