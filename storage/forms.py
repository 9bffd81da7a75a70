"""Open forms: the one form a person is filling in, its step and answers, kept across restarts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.catalogue import parse_utc, utc_text
from storage.database import Database

_COLUMNS = (
    "person_id, chat_id, kind, step, answers, subject, revision, updated_at, expires_at, update_id"
)


@dataclass(frozen=True)
class OpenForm:
    """A form in progress: whose, which, where it stands and what was answered so far."""

    person_id: int
    chat_id: int
    kind: str
    step: str
    answers: dict[str, Any]
    subject: str | None
    revision: int
    updated_at: datetime
    expires_at: datetime
    # The Telegram update that moved it last: a later copy of it changes nothing.
    update_id: int | None = None


@dataclass(frozen=True)
class LeftForm:
    """A form the person left half-filled: which one, and what it was about."""

    kind: str
    subject: str | None


def _form(row: Any) -> OpenForm:
    return OpenForm(
        person_id=row["person_id"],
        chat_id=row["chat_id"],
        kind=row["kind"],
        step=row["step"],
        answers=json.loads(row["answers"]),
        subject=row["subject"],
        revision=row["revision"],
        updated_at=parse_utc(row["updated_at"]),
        expires_at=parse_utc(row["expires_at"]),
        update_id=row["update_id"],
    )


def _json(answers: dict[str, Any]) -> str:
    return json.dumps(answers, ensure_ascii=False, separators=(",", ":"))


class FormRepository:
    """Opens, moves and closes forms; one write per answer, so nothing lives only in memory."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # Who has a form open, read once: most updates come from people with none, and this
        # spares each of them a query. Only this repository adds rows; erasing a person also
        # removes theirs, which leaves a name here that the query then finds gone.
        self._holders: set[int] | None = None

    async def _with_forms(self) -> set[int]:
        if self._holders is None:
            # Inside a transaction, so no form opens between reading and keeping the names.
            async with self._db.transaction() as tx:
                rows = await tx.fetch_all("SELECT person_id FROM forms")
                self._holders = {row["person_id"] for row in rows}
        return self._holders

    def _closed(self, form: OpenForm | None) -> OpenForm | None:
        if form is not None and self._holders is not None:
            self._holders.discard(form.person_id)
        return form

    async def open(
        self,
        person_id: int,
        chat_id: int,
        kind: str,
        step: str,
        answers: dict[str, Any],
        subject: str | None,
        now: datetime,
        expires_at: datetime,
        update_id: int | None = None,
    ) -> OpenForm:
        """Open a form for the person, closing the one they had open, if any."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "INSERT INTO forms (person_id, chat_id, kind, step, answers, subject, revision, "
                "updated_at, expires_at, update_id) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
                "ON CONFLICT (person_id) DO UPDATE SET chat_id = excluded.chat_id, "
                "kind = excluded.kind, step = excluded.step, answers = excluded.answers, "
                "subject = excluded.subject, revision = forms.revision + 1, "
                "updated_at = excluded.updated_at, expires_at = excluded.expires_at, "
                "update_id = excluded.update_id "
                f"RETURNING {_COLUMNS}",
                (
                    person_id,
                    chat_id,
                    kind,
                    step,
                    _json(answers),
                    subject,
                    utc_text(now),
                    utc_text(expires_at),
                    update_id,
                ),
            )
        assert row is not None
        if self._holders is not None:
            self._holders.add(person_id)
        return _form(row)

    async def of_person(self, person_id: int) -> OpenForm | None:
        """Return the person's open form, if any."""
        if person_id not in await self._with_forms():
            return None
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM forms WHERE person_id = ?", (person_id,)
        )
        return _form(row) if row is not None else None

    async def move(
        self,
        form: OpenForm,
        step: str,
        answers: dict[str, Any],
        now: datetime,
        expires_at: datetime,
        update_id: int | None = None,
    ) -> OpenForm | None:
        """Record the answers and the step they lead to, in one write.

        Returns None when the form closed or moved since it was read (a timeout, another
        update): the answer is then not applied to a form it wasn't given for.
        """
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "UPDATE forms SET step = ?, answers = ?, revision = revision + 1, "
                "updated_at = ?, expires_at = ?, update_id = COALESCE(?, update_id) "
                "WHERE person_id = ? AND kind = ? AND revision = ? "
                f"RETURNING {_COLUMNS}",
                (
                    step,
                    _json(answers),
                    utc_text(now),
                    utc_text(expires_at),
                    update_id,
                    form.person_id,
                    form.kind,
                    form.revision,
                ),
            )
        return _form(row) if row is not None else None

    async def close(
        self,
        person_id: int,
        kind: str | None = None,
        *,
        revision: int | None = None,
        left: bool = False,
    ) -> OpenForm | None:
        """Close the person's open form; return what it was.

        With `kind` or `revision`, only that form: one opened since is left open. `left`: the
        person left it half-filled, remembered so its old buttons can say so (`left_form`).
        """
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "DELETE FROM forms WHERE person_id = ? AND kind = COALESCE(?, kind) "
                f"AND revision = COALESCE(?, revision) RETURNING {_COLUMNS}",
                (person_id, kind, revision),
            )
            if row is not None and left:
                await tx.execute(
                    "INSERT OR REPLACE INTO closed_forms (person_id, kind, subject, closed_at) "
                    "VALUES (?, ?, ?, ?)",
                    (person_id, row["kind"], row["subject"], row["updated_at"]),
                )
        return self._closed(_form(row) if row is not None else None)

    async def left_form(self, person_id: int, kind: str) -> LeftForm | None:
        """Return the form of `kind` the person last left half-filled, if that was the last."""
        row = await self._db.fetch_one(
            "SELECT kind, subject FROM closed_forms WHERE person_id = ? AND kind = ?",
            (person_id, kind),
        )
        return LeftForm(row["kind"], row["subject"]) if row is not None else None

    async def close_expired(self, now: datetime) -> list[OpenForm]:
        """Close every form left unanswered past its expiry; return them to tell the people."""
        moment = utc_text(now)
        # Most sweeps find none: an indexed read tells, without taking the write lock.
        expired = "SELECT 1 FROM forms WHERE expires_at <= ? LIMIT 1"
        if await self._db.fetch_one(expired, (moment,)) is None:
            return []
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                f"DELETE FROM forms WHERE expires_at <= ? RETURNING {_COLUMNS}", (moment,)
            )
        return [form for row in rows if (form := self._closed(_form(row))) is not None]
