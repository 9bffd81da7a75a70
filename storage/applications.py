"""Applications to events where staff select the participants, each change one transaction.

A person applies (pending); staff accept, put on the reserve list or decline, one by one or in
bulk, as often as they like; "notify" queues each changed decision to its person through the
outbox, once. An accepted person confirms within the event's deadline (a confirmed
registration is made) or the place lapses; a place freed (lapsed, withdrawn, given back) is
offered to the first on the reserve list until the reserve cutoff, after which staff are told.

Places: accepted applications and confirmed registrations together never outnumber the
event's capacity. Every check and write happens in one transaction (and a trigger refuses an
acceptance past the capacity), so two staff members deciding at once can't overfill it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from storage.answers import record_answers
from storage.audit import AuditLog
from storage.catalogue import parse_utc, utc_text
from storage.content import Event
from storage.database import Database, Transaction
from storage.outbox import (
    EVENT_CANCELLED,
    PLACES_UNFILLED,
    DeliveryPlan,
    Personal,
    queue_application_news,
    queue_personal,
    queue_staff_notice,
    withdraw_for_registration,
)
from storage.registrations import (
    Cancellation,
    cancel_for_staff,
    cancel_registration,
    company_at_limit,
    place_free,
    write_registration,
)

PENDING = "pending"
ACCEPTED = "accepted"
RESERVE = "reserve"
DECLINED = "declined"
CONFIRMED = "confirmed"
WITHDRAWN = "withdrawn"
LAPSED = "lapsed"
DECISIONS = (ACCEPTED, RESERVE, DECLINED)
# What staff may still change: a confirmed place, a withdrawal or a lapse is the person's.
OPEN_TO_DECISION = (PENDING, ACCEPTED, RESERVE, DECLINED)
# The person may withdraw from these (a confirmed place is cancelled with its registration).
WITHDRAWABLE = (PENDING, ACCEPTED, RESERVE, CONFIRMED)
# A confirmation deadline ends a local day (people read "by 23:59 on Friday", not "by 02:01");
# the reminder comes that morning, or halfway through a window too short for it.
DEADLINE_TIME = time(23, 59)
REMINDER_TIME = time(10, 0)
# decided_by for what the assistant did itself (a lapse, a reserve place offered).
ASSISTANT = 0


@dataclass(frozen=True)
class Applicant:
    """An application with the person's details (none once they erased their data)."""

    id: int
    event_id: str
    person_id: int | None
    status: str
    created_at: datetime
    decided_at: datetime | None
    note: str | None
    company_override: str | None
    notified_status: str | None
    notified_round: int
    confirm_by: datetime | None
    registration_id: int | None
    version: int
    sector_id: str | None
    company_id: int | None
    full_name: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None
    member_company: bool = False  # the person's company is in the registry (a member SME)
    attended_before: int = 0  # other events the person was marked present at
    number: int = 0  # place in the list shown

    @property
    def told(self) -> bool:
        """Tell whether the person was told of the current decision."""
        return self.notified_status == self.status

    @property
    def erased(self) -> bool:
        """Tell whether the person deleted their personal data."""
        return self.person_id is None


@dataclass(frozen=True)
class Applied:
    """The outcome of applying: the application, and whether it existed already."""

    application: Applicant
    existing: bool


@dataclass(frozen=True)
class Balance:
    """Where an event's selection stands: places and how the decisions are spread."""

    places: int | None
    confirmed: int  # confirmed registrations (applications confirmed, or registered earlier)
    accepted: int  # accepted applications not confirmed yet: their places are held
    pending: int
    reserve: int
    declined: int
    withdrawn: int
    untold: tuple[tuple[str, int], ...]  # decision -> how many are not told yet
    companies: int  # companies with an accepted or confirmed person
    sectors: tuple[tuple[str, int], ...]  # sector id -> accepted or confirmed people

    @property
    def taken(self) -> int:
        """Return the places held: confirmed plus accepted."""
        return self.confirmed + self.accepted

    @property
    def left(self) -> int | None:
        """Return the places still free, or None without a capacity."""
        return None if self.places is None else max(self.places - self.taken, 0)

    @property
    def applications(self) -> int:
        """Return how many applied (withdrawn ones included)."""
        return self.pending + self.accepted + self.reserve + self.declined + self.withdrawn

    @property
    def to_notify(self) -> int:
        """Return how many decisions "notify" would tell now."""
        return sum(count for _, count in self.untold)

    def untold_of(self, decision: str) -> int:
        """Return how many people would be told this decision (accepted, reserve, declined)."""
        return dict(self.untold).get(decision, 0)


@dataclass(frozen=True)
class Decided:
    """What a decision did: `done`, or why not: `stale`, `final`, `full`, `company_full`."""

    outcome: str
    applicant: Applicant | None


@dataclass(frozen=True)
class BulkDecided:
    """What a bulk decision did, counted."""

    decided: int
    full: int  # left pending: no place left
    company_full: int  # left pending: their company's places are taken


class _Rehearsal(Exception):
    """Raised inside a transaction to roll a rehearsed bulk decision back."""

    def __init__(self, result: BulkDecided) -> None:
        super().__init__("rehearsal")
        self.result = result


def confirmation_deadline(now: datetime, event: Event, zone: tzinfo) -> datetime:
    """Return when an accepted place must be confirmed: 23:59 local time, `confirm_days` on.

    Never after the event starts.
    """
    last_day = (now + timedelta(days=event.confirm_days)).astimezone(zone).date()
    end_of_day = datetime.combine(last_day, DEADLINE_TIME, tzinfo=zone).astimezone(UTC)
    return min(end_of_day, event.starts_at)


def reminder_due(now: datetime, deadline: datetime, zone: tzinfo) -> datetime:
    """Return when to remind an unconfirmed place: the deadline's morning, else halfway."""
    morning = datetime.combine(deadline.astimezone(zone).date(), REMINDER_TIME, tzinfo=zone)
    halfway = now + (deadline - now) / 2
    return morning.astimezone(UTC) if halfway <= morning < deadline else halfway


@dataclass(frozen=True)
class ReviewFilter:
    """Which applications staff look at: by status, sector, member company, earlier attendance.

    `status` is one of OPEN_TO_DECISION or "" (all); `member` and `attended` are "" (any),
    "y" or "n".
    """

    status: str = PENDING
    sector_id: str = ""
    member: str = ""
    attended: str = ""


_SELECT = """
SELECT a.*, p.full_name, p.company, p.phone, p.email,
    (p.company_id IS NOT NULL) AS member_company,
    (SELECT COUNT(*) FROM registrations r
     WHERE r.person_id = a.person_id AND r.attended = 1 AND r.event_id != a.event_id)
        AS attended_before
FROM applications a LEFT JOIN people p ON p.id = a.person_id
"""


def _moment(value: str | None) -> datetime | None:
    return parse_utc(value) if value else None


def _applicant(row: Any, number: int = 0) -> Applicant:
    erased = row["person_id"] is None
    return Applicant(
        id=row["id"],
        event_id=row["event_id"],
        person_id=row["person_id"],
        status=row["status"],
        created_at=parse_utc(row["created_at"]),
        decided_at=_moment(row["decided_at"]),
        note=row["note"],
        company_override=row["company_override"],
        notified_status=row["notified_status"],
        notified_round=row["notified_round"],
        confirm_by=_moment(row["confirm_by"]),
        registration_id=row["registration_id"],
        version=row["version"],
        sector_id=row["sector_id"],
        company_id=row["company_id"],
        full_name=None if erased else row["full_name"],
        company=None if erased else row["company"],
        phone=None if erased else row["phone"],
        email=None if erased else row["email"],
        member_company=bool(row["member_company"]) and not erased,
        attended_before=row["attended_before"] or 0,
        number=number,
    )


def _where(event_id: str, chosen: ReviewFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["a.event_id = :event"]
    params: dict[str, Any] = {"event": event_id}
    if chosen.status:
        clauses.append("a.status = :status")
        params["status"] = chosen.status
    else:
        clauses.append("a.status IN ('pending', 'accepted', 'reserve', 'declined', 'confirmed')")
    if chosen.sector_id:
        clauses.append("a.sector_id = :sector")
        params["sector"] = chosen.sector_id
    if chosen.member:
        clauses.append(f"(p.company_id IS {'NOT ' if chosen.member == 'y' else ''}NULL)")
    if chosen.attended:
        earlier = (
            "EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = a.person_id "
            "AND r.attended = 1 AND r.event_id != a.event_id)"
        )
        clauses.append(earlier if chosen.attended == "y" else f"NOT {earlier}")
    return " AND ".join(clauses), params


# Reserve order first, then arrival: the list staff see and the order places pass down.
_ORDER = "ORDER BY (a.status = 'reserve') DESC, a.reserve_at, a.created_at, a.id"


class ApplicationRepository:
    """Reads and changes applications; each change and its messages in one transaction."""

    def __init__(
        self, database: Database, plan: DeliveryPlan, audit: AuditLog, zone: tzinfo = UTC
    ) -> None:
        self._db = database
        self.plan = plan
        self._audit = audit
        self._zone = zone  # the cluster's: deadlines end a local day

    # -- the person's side ---------------------------------------------------------------

    async def apply(
        self,
        event: Event,
        person_id: int,
        company_key: str | None,
        sector_id: str | None,
        answers: Mapping[str, Any] | None,
        now: datetime | None = None,
    ) -> Applied | None:
        """Record an application (pending) with its answers; None when the event is gone.

        Applying again finds the application there; one withdrawn can be made again.
        """
        current = now or datetime.now(UTC)
        moment = utc_text(current)
        async with self._db.transaction() as tx:
            state = await tx.fetch_one("SELECT status FROM events WHERE id = ?", (event.id,))
            if state is None or state["status"] != "scheduled":
                return None
            row = await tx.fetch_one(
                f"{_SELECT} WHERE a.event_id = ? AND a.person_id = ?", (event.id, person_id)
            )
            if row is not None and row["status"] not in (WITHDRAWN, LAPSED):
                return Applied(_applicant(row), existing=True)
            person = await tx.fetch_one("SELECT company_id FROM people WHERE id = ?", (person_id,))
            company_id = person["company_id"] if person is not None else None
            if row is None:
                await tx.execute(
                    "INSERT INTO applications (event_id, person_id, status, company_id, "
                    "company_key, sector_id, created_at) VALUES (?, ?, 'pending', ?, ?, ?, ?)",
                    (event.id, person_id, company_id, company_key, sector_id, moment),
                )
            else:
                await tx.execute(
                    "UPDATE applications SET status = 'pending', company_id = ?, "
                    "company_key = ?, sector_id = ?, created_at = ?, decided_at = NULL, "
                    "decided_by = NULL, note = NULL, company_override = NULL, "
                    "notified_status = NULL, confirm_by = NULL, reserve_at = NULL, "
                    "registration_id = NULL, version = version + 1 WHERE id = ?",
                    (company_id, company_key, sector_id, moment, row["id"]),
                )
            if answers is not None:
                await record_answers(tx, event.id, person_id, answers, current)
            fresh = await tx.fetch_one(
                f"{_SELECT} WHERE a.event_id = ? AND a.person_id = ?", (event.id, person_id)
            )
            assert fresh is not None
        return Applied(_applicant(fresh), existing=False)

    async def get(self, application_id: int) -> Applicant | None:
        """Return one application with its person's details."""
        row = await self._db.fetch_one(f"{_SELECT} WHERE a.id = ?", (application_id,))
        return _applicant(row) if row is not None else None

    async def of_person(self, person_id: int) -> list[Applicant]:
        """Return a person's applications, oldest first."""
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE a.person_id = ? ORDER BY a.created_at, a.id", (person_id,)
        )
        return [_applicant(row) for row in rows]

    async def of_person_for_event(self, person_id: int, event_id: str) -> Applicant | None:
        """Return the person's application for an event, whatever its status."""
        row = await self._db.fetch_one(
            f"{_SELECT} WHERE a.person_id = ? AND a.event_id = ?", (person_id, event_id)
        )
        return _applicant(row) if row is not None else None

    async def confirm(
        self, application_id: int, person_id: int, event: Event, now: datetime | None = None
    ) -> tuple[str, Applicant | None]:
        """Take an accepted place: make the confirmed registration and plan its reminders.

        Returns ("done" | "already" | "late" | "not_accepted", the application).
        """
        current = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                f"{_SELECT} WHERE a.id = ? AND a.person_id = ?", (application_id, person_id)
            )
            if row is None:
                return "not_accepted", None
            if row["status"] == CONFIRMED:
                return "already", _applicant(row)
            if row["status"] != ACCEPTED or row["confirm_by"] is None:
                return "not_accepted", _applicant(row)
            if parse_utc(row["confirm_by"]) < current or event.starts_at <= current:
                return "late", _applicant(row)
            registration_id = await self._register(tx, event, row, current)
            await tx.execute(
                "UPDATE applications SET status = 'confirmed', registration_id = ?, "
                "version = version + 1 WHERE id = ?",
                (registration_id, application_id),
            )
            fresh = await tx.fetch_one(f"{_SELECT} WHERE a.id = ?", (application_id,))
            assert fresh is not None
        return "done", _applicant(fresh)

    async def _register(self, tx: Transaction, event: Event, row: Any, now: datetime) -> int:
        """Write the confirmed registration of an accepted place (its place is already held)."""
        return await write_registration(
            tx,
            self.plan,
            event,
            row["person_id"],
            status=CONFIRMED,
            company_key=row["company_key"],
            company_id=row["company_id"],
            sector_id=row["sector_id"],
            now=now,
        )

    async def withdraw(
        self,
        application_id: int,
        person_id: int,
        event: Event,
        staff_ids: Sequence[int],
        now: datetime | None = None,
    ) -> Applicant | None:
        """Withdraw the person's application or give back their place; the place passes on.

        Returns None when the application is not theirs or can't be withdrawn any more.
        """
        current = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT * FROM applications WHERE id = ? AND person_id = ?",
                (application_id, person_id),
            )
            if row is None or row["status"] not in WITHDRAWABLE:
                return None
            if event.starts_at <= current:
                return None
            await self._withdraw(tx, row, current)
            if row["status"] in (ACCEPTED, CONFIRMED):
                await self._pass_on(tx, event, current, staff_ids)
            fresh = await tx.fetch_one(f"{_SELECT} WHERE a.id = ?", (application_id,))
        return _applicant(fresh) if fresh is not None else None

    async def _withdraw(self, tx: Transaction, row: Any, now: datetime) -> None:
        moment = utc_text(now)
        await tx.execute(
            "UPDATE applications SET status = 'withdrawn', confirm_by = NULL, "
            "version = version + 1 WHERE id = ?",
            (row["id"],),
        )
        if row["status"] == CONFIRMED and row["registration_id"] is not None:
            await tx.execute(
                "UPDATE registrations SET status = 'cancelled', cancelled_at = ? "
                "WHERE id = ? AND status = 'confirmed'",
                (moment, row["registration_id"]),
            )
            await withdraw_for_registration(tx, row["registration_id"])
        await self._audit.record(
            ASSISTANT,
            "application.withdrawn",
            f"application:{row['id']}",
            {"event": row["event_id"], "was": row["status"]},
            tx=tx,
        )

    async def cancel_place(
        self,
        registration_id: int,
        person_id: int | None,
        event: Event,
        staff_ids: Sequence[int],
        now: datetime | None = None,
        *,
        then: Callable[[Transaction, Cancellation], Awaitable[None]] | None = None,
    ) -> Cancellation | None:
        """Cancel a registration from /my and, in the same transaction, pass its place on.

        A place confirmed from an application is withdrawn with it and offered down the
        reserve list (or staff are told after the cutoff); a crash can't cancel the one and
        lose the other. Returns None when the registration is not the person's or not active.
        `person_id` None: staff cancel anyone's place at the event, and `then` writes what
        goes with it (the person's notice, the audit entry) in the same transaction.
        """
        current = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            if person_id is None:
                cancellation = await cancel_for_staff(
                    tx, self.plan, registration_id, event, current
                )
            else:
                cancellation = await cancel_registration(
                    tx, self.plan, registration_id, person_id, event, current
                )
            if cancellation is None:
                return None
            if then is not None:
                await then(tx, cancellation)
            row = await tx.fetch_one(
                "SELECT * FROM applications WHERE registration_id = ? AND status = 'confirmed'",
                (registration_id,),
            )
            if row is None:
                return cancellation
            await tx.execute(
                "UPDATE applications SET status = 'withdrawn', version = version + 1 WHERE id = ?",
                (row["id"],),
            )
            await self._audit.record(
                ASSISTANT,
                "application.withdrawn",
                f"application:{row['id']}",
                {"event": row["event_id"], "was": CONFIRMED},
                tx=tx,
            )
            if event.starts_at > current:
                await self._pass_on(tx, event, current, staff_ids)
        return cancellation

    # -- staff's side --------------------------------------------------------------------

    async def balance(self, event: Event) -> Balance:
        """Return the event's places and how its applications stand."""
        counts = {
            row["status"]: row["n"]
            for row in await self._db.fetch_all(
                "SELECT status, COUNT(*) AS n FROM applications WHERE event_id = ? GROUP BY status",
                (event.id,),
            )
        }
        confirmed = await self._db.fetch_one(
            "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'confirmed'",
            (event.id,),
        )
        untold = await self._db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM applications WHERE event_id = ? "
            "AND person_id IS NOT NULL AND status IN ('accepted', 'reserve', 'declined') "
            "AND notified_status IS NOT status GROUP BY status",
            (event.id,),
        )
        waiting = {row["status"]: row["n"] for row in untold}
        holding = (
            "FROM applications WHERE event_id = :event AND status IN ('accepted', 'confirmed')"
        )
        companies = await self._db.fetch_one(
            "SELECT COUNT(DISTINCT COALESCE(CAST(company_id AS TEXT), company_key)) "
            f"{holding} AND COALESCE(CAST(company_id AS TEXT), company_key) IS NOT NULL",
            {"event": event.id},
        )
        sectors = await self._db.fetch_all(
            f"SELECT sector_id, COUNT(*) AS n {holding} AND sector_id IS NOT NULL "
            "GROUP BY sector_id ORDER BY n DESC, sector_id",
            {"event": event.id},
        )
        return Balance(
            places=event.capacity,
            confirmed=confirmed[0] if confirmed is not None else 0,
            accepted=counts.get(ACCEPTED, 0),
            pending=counts.get(PENDING, 0),
            reserve=counts.get(RESERVE, 0),
            declined=counts.get(DECLINED, 0),
            withdrawn=counts.get(WITHDRAWN, 0) + counts.get(LAPSED, 0),
            untold=tuple(
                (decision, waiting[decision]) for decision in DECISIONS if decision in waiting
            ),
            companies=companies[0] if companies is not None else 0,
            sectors=tuple((row["sector_id"], row["n"]) for row in sectors),
        )

    async def review(
        self, event_id: str, chosen: ReviewFilter, offset: int, limit: int
    ) -> tuple[int, list[Applicant]]:
        """Return how many applications match the filter, and one page of them."""
        where, params = _where(event_id, chosen)
        base = "FROM applications a LEFT JOIN people p ON p.id = a.person_id"
        total = await self._db.fetch_one(f"SELECT COUNT(*) {base} WHERE {where}", params)
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE {where} {_ORDER} LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )
        return (
            total[0] if total is not None else 0,
            [_applicant(row, offset + index + 1) for index, row in enumerate(rows)],
        )

    async def for_export(self, event_id: str) -> list[Applicant]:
        """Return every application of an event, in the review's order."""
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE a.event_id = :event {_ORDER}", {"event": event_id}
        )
        return [_applicant(row, index + 1) for index, row in enumerate(rows)]

    async def decide(
        self,
        event: Event,
        application_id: int,
        decision: str,
        staff_id: int,
        *,
        version: int | None = None,
        override: str | None = None,
        now: datetime | None = None,
    ) -> Decided:
        """Accept, put on the reserve list or decline one application.

        `version`: the application as staff saw it; a change since (another staff member
        decided) refuses the decision. `override`: the reason to accept past the company limit.
        """
        current = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(f"{_SELECT} WHERE a.id = ?", (application_id,))
            if row is None or row["event_id"] != event.id:
                return Decided("final", None)
            if version is not None and row["version"] != version:
                return Decided("stale", _applicant(row))
            outcome = await self._decide(tx, event, row, decision, staff_id, override, current)
            fresh = await tx.fetch_one(f"{_SELECT} WHERE a.id = ?", (application_id,))
        return Decided(outcome, _applicant(fresh) if fresh is not None else None)

    async def _decide(
        self,
        tx: Transaction,
        event: Event,
        row: Any,
        decision: str,
        staff_id: int,
        override: str | None,
        now: datetime,
    ) -> str:
        """Apply one decision inside a transaction; return "done" or why not."""
        if row["status"] not in OPEN_TO_DECISION:
            return "final"
        if row["status"] == decision and override is None:
            return "done"
        if decision == ACCEPTED:
            if row["status"] != ACCEPTED and not await place_free(tx, event):
                return "full"
            if override is None and await company_at_limit(
                tx, event, row["company_key"], row["company_id"], except_application=row["id"]
            ):
                return "company_full"
        moment = utc_text(now)
        reserve_at = (row["reserve_at"] or moment) if decision == RESERVE else None
        await tx.execute(
            "UPDATE applications SET status = ?, decided_at = ?, decided_by = ?, "
            "reserve_at = ?, confirm_by = CASE WHEN ? = 'accepted' THEN confirm_by END, "
            "company_override = COALESCE(?, company_override), version = version + 1 "
            "WHERE id = ?",
            (decision, moment, staff_id, reserve_at, decision, override, row["id"]),
        )
        detail: dict[str, Any] = {"event": event.id, "from": row["status"], "to": decision}
        if override is not None:
            detail["company_override"] = override
        await self._audit.record(
            staff_id, "application.decided", f"application:{row['id']}", detail, tx=tx
        )
        return "done"

    async def decide_many(
        self,
        event: Event,
        chosen: ReviewFilter,
        decision: str,
        staff_id: int,
        note: str | None = None,
        now: datetime | None = None,
        *,
        rehearse: bool = False,
    ) -> BulkDecided:
        """Decide every application the filter shows, in the list's order, in one transaction.

        Accepting stops giving places once none is left; those left over stay as they were.
        `rehearse`: work it all out the same way, then roll it back (what staff are asked to
        confirm is what would happen).
        """
        current = now or datetime.now(UTC)
        where, params = _where(event.id, chosen)
        decided = full = company_full = 0
        try:
            async with self._db.transaction() as tx:
                rows = await tx.fetch_all(f"{_SELECT} WHERE {where} {_ORDER}", params)
                for row in rows:
                    outcome = await self._decide(tx, event, row, decision, staff_id, None, current)
                    if outcome == "done" and row["status"] != decision:
                        decided += 1
                        if note:
                            await tx.execute(
                                "UPDATE applications SET note = ? WHERE id = ?", (note, row["id"])
                            )
                    elif outcome == "full":
                        full += 1
                    elif outcome == "company_full":
                        company_full += 1
                result = BulkDecided(decided, full, company_full)
                if rehearse:
                    raise _Rehearsal(result)
                await self._audit.record(
                    staff_id,
                    "application.bulk",
                    f"event:{event.id}",
                    {
                        "to": decision,
                        "decided": decided,
                        "full": full,
                        "company_full": company_full,
                    },
                    tx=tx,
                )
        except _Rehearsal as rehearsal:
            return rehearsal.result
        return result

    async def set_note(self, application_id: int, note: str | None, staff_id: int) -> bool:
        """Set (or clear) the personal line sent with the decision; False once final."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE applications SET note = ?, version = version + 1 "
                "WHERE id = ? AND status IN ('pending', 'accepted', 'reserve', 'declined')",
                (note, application_id),
            )
            if cursor.rowcount != 1:
                return False
            await self._audit.record(
                staff_id, "application.note", f"application:{application_id}", {}, tx=tx
            )
        return True

    async def notify(self, event: Event, staff_id: int, now: datetime | None = None) -> int:
        """Queue each decision not told yet to its person, once; return how many."""
        current = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT * FROM applications WHERE event_id = ? AND person_id IS NOT NULL "
                "AND status IN ('accepted', 'reserve', 'declined') "
                "AND notified_status IS NOT status ORDER BY id",
                (event.id,),
            )
            for row in rows:
                await self._tell(tx, event, row, current)
            if rows:
                await self._audit.record(
                    staff_id, "application.notify", f"event:{event.id}", {"told": len(rows)}, tx=tx
                )
        return len(rows)

    async def _tell(self, tx: Transaction, event: Event, row: Any, now: datetime) -> None:
        """Queue the decision's message (and an accepted place's reminder), marked as told."""
        told_round = row["notified_round"] + 1
        confirm_by = None
        if row["status"] == ACCEPTED:
            confirm_by = utc_text(confirmation_deadline(now, event, self._zone))
        await tx.execute(
            "UPDATE applications SET notified_status = status, notified_round = ?, "
            "confirm_by = ? WHERE id = ?",
            (told_round, confirm_by, row["id"]),
        )
        payload = {
            "application": row["id"],
            "round": told_round,
            "decision": row["status"],
            "note": row["note"],
        }
        reminder = None
        due = None
        if confirm_by is not None:
            due = reminder_due(now, parse_utc(confirm_by), self._zone)
            reminder = {"application": row["id"], "round": told_round}
        await queue_application_news(
            tx, row["person_id"], event.id, payload, now, reminder=reminder, reminder_due=due
        )

    async def any_overdue(self, now: datetime) -> bool:
        """Tell whether an accepted place is past its confirmation deadline (one indexed read)."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM applications WHERE status = 'accepted' "
            "AND confirm_by IS NOT NULL AND confirm_by < ? LIMIT 1",
            (utc_text(now),),
        )
        return row is not None

    async def lapse_overdue(
        self, events: Mapping[str, Event], staff_ids: Sequence[int], now: datetime | None = None
    ) -> int:
        """Let accepted places not confirmed in time lapse, and pass each on; return how many."""
        current = now or datetime.now(UTC)
        lapsed = 0
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT * FROM applications WHERE status = 'accepted' "
                "AND confirm_by IS NOT NULL AND confirm_by < ? ORDER BY confirm_by, id",
                (utc_text(current),),
            )
            touched: dict[str, Event] = {}
            for row in rows:
                await tx.execute(
                    "UPDATE applications SET status = 'lapsed', confirm_by = NULL, "
                    "version = version + 1 WHERE id = ?",
                    (row["id"],),
                )
                await self._audit.record(
                    ASSISTANT,
                    "application.lapsed",
                    f"application:{row['id']}",
                    {"event": row["event_id"]},
                    tx=tx,
                )
                lapsed += 1
                event = events.get(row["event_id"])
                if event is not None and event.starts_at > current:
                    touched[event.id] = event
            for event in touched.values():
                await self._pass_on(tx, event, current, staff_ids)
        return lapsed

    async def _pass_on(
        self, tx: Transaction, event: Event, now: datetime, staff_ids: Sequence[int]
    ) -> None:
        """Offer free places down the reserve list; after the cutoff, tell staff instead."""
        if not await place_free(tx, event):
            return
        if now >= event.reserve_closes_at:
            await self._tell_staff(tx, event, now, staff_ids)
            return
        waiting = await tx.fetch_all(
            "SELECT * FROM applications WHERE event_id = ? AND status = 'reserve' "
            "AND person_id IS NOT NULL ORDER BY reserve_at, created_at, id",
            (event.id,),
        )
        for row in waiting:
            if not await place_free(tx, event):
                return
            if await company_at_limit(
                tx, event, row["company_key"], row["company_id"], except_application=row["id"]
            ):
                continue  # their company's places are taken; the next in line may fit
            await tx.execute(
                "UPDATE applications SET status = 'accepted', decided_at = ?, decided_by = ?, "
                "version = version + 1 WHERE id = ?",
                (utc_text(now), ASSISTANT, row["id"]),
            )
            await self._audit.record(
                ASSISTANT,
                "application.offered",
                f"application:{row['id']}",
                {"event": event.id, "from": RESERVE},
                tx=tx,
            )
            fresh = await tx.fetch_one("SELECT * FROM applications WHERE id = ?", (row["id"],))
            assert fresh is not None
            # Told at once: a reserve place waits for nobody's "notify".
            await self._tell(tx, event, fresh, now)
        if await place_free(tx, event):
            await self._tell_staff(tx, event, now, staff_ids)

    async def _tell_staff(
        self, tx: Transaction, event: Event, now: datetime, staff_ids: Sequence[int]
    ) -> None:
        """Queue a note to the team that a place is free and nobody is left to offer it to."""
        payload = {"event": event.id, "after_cutoff": now >= event.reserve_closes_at}
        await queue_staff_notice(
            tx, staff_ids, payload, now, kind=PLACES_UNFILLED, event_id=event.id
        )

    async def staff_to_tell(self, admins: Sequence[int]) -> list[int]:
        """Return who on the team hears about places left unfilled: admins and staff."""
        rows = await self._db.fetch_all(
            "SELECT person_id FROM staff_roles WHERE role IN ('admin', 'staff')"
        )
        return sorted({*admins, *(row["person_id"] for row in rows)})


async def close_for_cancelled_event(
    tx: Transaction, event_id: str, payload: Mapping[str, Any], now: datetime
) -> int:
    """In the cancellation's transaction: withdraw open applications and queue their notice.

    Confirmed places are registrations, told with the registrants; this tells those still
    waiting for a decision, on the reserve list, or offered a place. Returns how many.
    """
    notice = {**payload, "applied": True}
    applicants = await tx.fetch_all(
        "SELECT person_id FROM applications WHERE event_id = ? AND person_id IS NOT NULL "
        "AND status IN ('pending', 'accepted', 'reserve') ORDER BY id",
        (event_id,),
    )
    told = await queue_personal(
        tx,
        [Personal(EVENT_CANCELLED, row["person_id"], now, notice, event_id) for row in applicants],
        now,
    )
    await tx.execute(
        "UPDATE applications SET status = 'withdrawn', confirm_by = NULL, version = version + 1 "
        "WHERE event_id = ? AND status IN ('pending', 'accepted', 'reserve')",
        (event_id,),
    )
    return told
