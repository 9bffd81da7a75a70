"""The company registry: the cluster's SMEs, members or not, that people belong to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass, field, fields
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from storage.catalogue import utc_text
from storage.database import Database
from storage.outbox import queue_claim_decided, queue_company_claim

MEMBERSHIPS = ("member", "non_member", "former")
SIZE_CLASSES = ("micro", "small", "medium", "large")
# Feedback comments a company's staff page shows, newest first.
COMMENTS_LISTED = 3


@dataclass(frozen=True)
class Company:
    """One company of the registry; `id` is None until it is stored."""

    id: int | None
    name: str
    name_key: str
    short_name: str | None = None
    tax_number: str | None = None
    sector_id: str | None = None
    employees: int | None = None
    turnover_band: str | None = None  # one of SIZE_CLASSES
    city: str | None = None
    membership: str = "non_member"  # one of MEMBERSHIPS
    member_since: str | None = None  # YYYY-MM-DD
    website: str | None = None

    def same_as(self, other: Company) -> bool:
        """Tell whether two versions hold the same data (ids aside)."""
        return astuple(self)[1:] == astuple(other)[1:]


_COLUMNS = tuple(column.name for column in fields(Company))
_DATA_COLUMNS = _COLUMNS[1:]


def bundled_companies_path() -> Path:
    """Return the path of the demo company registry shipped inside the package."""
    return Path(str(resources.files("storage") / "demo-companies.yaml"))


def _company(row: Any) -> Company:
    return Company(**{name: row[name] for name in _COLUMNS})


class CompanyRepository:
    """Reads and writes the company registry."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def all(self) -> list[Company]:
        """Return every company, by name."""
        rows = await self._db.fetch_all(
            f"SELECT {', '.join(_COLUMNS)} FROM companies ORDER BY name_key, id"
        )
        return [_company(row) for row in rows]

    async def get(self, company_id: int) -> Company | None:
        """Return one company, if it exists."""
        row = await self._db.fetch_one(
            f"SELECT {', '.join(_COLUMNS)} FROM companies WHERE id = ?", (company_id,)
        )
        return _company(row) if row is not None else None

    async def name_of(self, company_id: int | None) -> str | None:
        """Return a company's name as the registry writes it; None for none or one gone."""
        if company_id is None:
            return None
        row = await self._db.fetch_one("SELECT name FROM companies WHERE id = ?", (company_id,))
        return str(row["name"]) if row is not None else None

    async def count(self) -> int:
        """Return how many companies the registry holds."""
        row = await self._db.fetch_one("SELECT COUNT(*) FROM companies")
        return int(row[0]) if row is not None else 0

    async def save(self, added: Sequence[Company], changed: Sequence[Company]) -> None:
        """Insert `added` and update `changed` (by id) in one transaction."""
        now = utc_text(datetime.now(UTC))
        placeholders = ", ".join("?" for _ in _DATA_COLUMNS)
        async with self._db.transaction() as tx:
            await tx.executemany(
                f"INSERT INTO companies ({', '.join(_DATA_COLUMNS)}, created_at, updated_at) "
                f"VALUES ({placeholders}, ?, ?)",
                [(*astuple(company)[1:], now, now) for company in added],
            )
            assignments = ", ".join(f"{name} = ?" for name in _DATA_COLUMNS)
            await tx.executemany(
                f"UPDATE companies SET {assignments}, updated_at = ? WHERE id = ?",
                [(*astuple(company)[1:], now, company.id) for company in changed],
            )

    async def referenced(self) -> set[int]:
        """Return the ids of companies that people or registrations point to."""
        rows = await self._db.fetch_all(
            "SELECT company_id FROM people WHERE company_id IS NOT NULL "
            "UNION SELECT company_id FROM registrations WHERE company_id IS NOT NULL"
        )
        return {row[0] for row in rows}

    async def delete_unreferenced(self, company_id: int) -> bool:
        """Delete a company nothing points to; return False (and keep it) otherwise."""
        changed = await self._db.execute(
            "DELETE FROM companies WHERE id = :id "
            "AND NOT EXISTS (SELECT 1 FROM people WHERE company_id = :id) "
            "AND NOT EXISTS (SELECT 1 FROM registrations WHERE company_id = :id)",
            {"id": company_id},
        )
        return changed == 1

    async def activity(self, company_id: int, events: int) -> CompanyActivity:
        """Return a company's people, its latest `events` events and its other figures."""
        people = await self._db.fetch_all(
            "SELECT full_name FROM people WHERE company_id = ? AND full_name IS NOT NULL "
            "ORDER BY full_name",
            (company_id,),
        )
        rows = await self._db.fetch_all(
            "SELECT r.event_id, e.starts_at, COUNT(*) AS registered, "
            "COUNT(*) FILTER (WHERE r.attended = 1) AS attended "
            "FROM registrations r JOIN events e ON e.id = r.event_id "
            "LEFT JOIN people p ON p.id = r.person_id "
            "WHERE COALESCE(r.company_id, p.company_id) = :company AND r.status != 'cancelled' "
            "GROUP BY r.event_id ORDER BY e.starts_at DESC LIMIT :limit",
            {"company": company_id, "limit": events},
        )
        totals = await self._db.fetch_one(
            "SELECT COUNT(*) AS registrations, COUNT(*) FILTER (WHERE r.attended = 1) AS attended, "
            "(SELECT COUNT(*) FROM feedback f WHERE f.registration_id IN "
            f" (SELECT r.id {_REGISTRATIONS_OF})) AS ratings, "
            "(SELECT AVG(f.rating) FROM feedback f WHERE f.registration_id IN "
            f" (SELECT r.id {_REGISTRATIONS_OF})) AS average "
            f"{_REGISTRATIONS_OF}",
            {"company": company_id},
        )
        requests = await self._db.fetch_all(
            "SELECT t.status, COUNT(*) AS n FROM tickets t JOIN people p ON p.id = t.person_id "
            "WHERE p.company_id = ? AND t.kind = 'service_request' GROUP BY t.status",
            (company_id,),
        )
        uses = await self._db.fetch_all(
            "SELECT t.service_id, COUNT(*) AS requested, "
            "COUNT(*) FILTER (WHERE t.status = 'open') AS open, "
            "COUNT(*) FILTER (WHERE t.status = 'closed' AND t.outcome IS NOT 'not_delivered') "
            "AS delivered, "
            "COUNT(*) FILTER (WHERE t.status = 'closed' AND t.outcome = 'not_delivered') "
            "AS not_delivered, "
            "(SELECT n.outcome_note FROM tickets n JOIN people q ON q.id = n.person_id "
            " WHERE q.company_id = :company AND n.kind = 'service_request' "
            " AND n.service_id IS t.service_id AND n.outcome_note IS NOT NULL "
            " ORDER BY n.closed_at DESC, n.id DESC LIMIT 1) AS last_note "
            "FROM tickets t JOIN people p ON p.id = t.person_id "
            "WHERE p.company_id = :company AND t.kind = 'service_request' "
            "GROUP BY t.service_id ORDER BY requested DESC, t.service_id",
            {"company": company_id},
        )
        ratings = await self._db.fetch_all(
            "SELECT f.rating, COUNT(*) AS n FROM feedback f WHERE f.registration_id IN "
            f"(SELECT r.id {_REGISTRATIONS_OF}) GROUP BY f.rating",
            {"company": company_id},
        )
        comments = await self._db.fetch_all(
            "SELECT f.comment FROM feedback f WHERE f.comment IS NOT NULL AND f.comment != '' "
            f"AND f.registration_id IN (SELECT r.id {_REGISTRATIONS_OF}) "
            "ORDER BY f.answered_at DESC LIMIT :limit",
            {"company": company_id, "limit": COMMENTS_LISTED},
        )
        counts = dict.fromkeys(range(1, 6), 0) | {row["rating"]: row["n"] for row in ratings}
        assert totals is not None
        return CompanyActivity(
            people=[row["full_name"] for row in people],
            events=[
                Participation(row["event_id"], row["starts_at"], row["registered"], row["attended"])
                for row in rows
            ],
            registrations=totals["registrations"],
            attended=totals["attended"],
            service_requests={row["status"]: row["n"] for row in requests},
            ratings=totals["ratings"],
            average_rating=round(totals["average"], 1) if totals["average"] is not None else None,
            services=[
                ServiceUse(
                    row["service_id"],
                    row["requested"],
                    row["open"],
                    row["delivered"],
                    row["not_delivered"],
                    row["last_note"],
                )
                for row in uses
            ],
            rating_counts=tuple(counts[score] for score in range(1, 6)),
            comments=[row["comment"] for row in comments],
        )


@dataclass(frozen=True)
class TypedCompany:
    """A person whose company is only the name they typed, not a registry company."""

    person_id: int
    company: str
    company_key: str | None


class MergeError(ValueError):
    """A merge that can't be done: a company into itself, or one that does not exist."""


@dataclass(frozen=True)
class CompanyLink:
    """The registry company a person belongs to, and whether that was confirmed."""

    company_id: int | None
    verified: bool
    membership: str | None  # the company's membership, None without a company
    name: str | None = None


@dataclass(frozen=True)
class PendingClaim:
    """Someone who picked a company by typing its name and waits for staff or its contact."""

    person_id: int
    name: str
    company_id: int
    company: str
    contact_asked: bool  # the company has a contact, who was asked to confirm it


# A contact person who no longer belongs to the company, verified, is its contact no more.
_STALE_CONTACT = (
    "UPDATE companies SET contact_person_id = NULL WHERE contact_person_id = :person "
    "AND id IS NOT (SELECT company_id FROM people WHERE id = :person AND company_verified = 1)"
)


# A person linked to a registry company is named with it the registry's way; one who has not
# given a company yet (joined by invite before the profile form) still has the form to fill in.
_REGISTRY_NAME = (
    "CASE WHEN company IS NULL THEN NULL ELSE (SELECT name FROM companies WHERE id = :company) END"
)


class CompanyLinks:
    """Who belongs to which registry company: joining, claims and their approval, the
    company's contact person, matching typed names, merging duplicates."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def typed_only(self) -> list[TypedCompany]:
        """Return the people with a typed company name and no registry company."""
        rows = await self._db.fetch_all(
            "SELECT id, company, company_key FROM people "
            "WHERE company IS NOT NULL AND company_id IS NULL ORDER BY id"
        )
        return [TypedCompany(row["id"], row["company"], row["company_key"]) for row in rows]

    async def link(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Point each (person, company) person at the company, unless linked meanwhile."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                f"UPDATE people SET company_id = :company, company = {_REGISTRY_NAME} "
                "WHERE id = :person AND company_id IS NULL",
                [{"company": company_id, "person": person_id} for person_id, company_id in pairs],
            )

    async def merge(self, source_id: int, target_id: int) -> tuple[int, int]:
        """Move a company's people and registrations to another and delete it, atomically.

        Return how many people and registrations moved.
        """
        if source_id == target_id:
            raise MergeError("same")
        async with self._db.transaction() as tx:
            for company_id in (source_id, target_id):
                if (
                    await tx.fetch_one("SELECT 1 FROM companies WHERE id = ?", (company_id,))
                    is None
                ):
                    raise MergeError(f"unknown:{company_id}")
            people = await tx.execute(
                "UPDATE people SET company_id = ? WHERE company_id = ?", (target_id, source_id)
            )
            registrations = await tx.execute(
                "UPDATE registrations SET company_id = ? WHERE company_id = ?",
                (target_id, source_id),
            )
            # The merged company's contact stays the contact when the target had none.
            await tx.execute(
                "UPDATE companies SET contact_person_id = COALESCE(contact_person_id, "
                "(SELECT contact_person_id FROM companies WHERE id = ?)) WHERE id = ?",
                (source_id, target_id),
            )
            await tx.execute("DELETE FROM companies WHERE id = ?", (source_id,))
        return people.rowcount, registrations.rowcount

    async def join(self, person_id: int, company_id: int) -> bool:
        """Make the person one of the company's people, verified; False if the company is gone."""
        params = {"company": company_id, "person": person_id}
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE people SET company_id = :company, company_verified = 1, "
                f"company = {_REGISTRY_NAME} WHERE id = :person "
                "AND EXISTS (SELECT 1 FROM companies WHERE id = :company)",
                params,
            )
            await tx.execute(_STALE_CONTACT, params)
        return cursor.rowcount == 1

    async def claim(self, person_id: int, company_id: int | None) -> bool:
        """Record the company a person picked in the profile form: unverified, unless it is the
        one they already belong to verified (through an invite); None: theirs is not listed,
        which leaves a verified company in place.

        A new claim asks the company's contact, if it has one, to confirm it (outbox, in the same
        transaction). Return whether the claim waits for approval.
        """
        async with self._db.transaction() as tx:
            before = await tx.fetch_one(
                "SELECT company_id, company_verified FROM people WHERE id = ?", (person_id,)
            )
            await tx.execute(
                "UPDATE people SET company_verified = CASE WHEN company_verified = 1 "
                "AND company_id IS :company THEN 1 ELSE 0 END, company_id = :company "
                "WHERE id = :person AND NOT (:company IS NULL AND company_verified = 1)",
                {"company": company_id, "person": person_id},
            )
            await tx.execute(_STALE_CONTACT, {"person": person_id})
            after = await tx.fetch_one(
                "SELECT p.company_id, p.company_verified, c.contact_person_id "
                "FROM people p LEFT JOIN companies c ON c.id = p.company_id WHERE p.id = ?",
                (person_id,),
            )
            if after is None or after["company_id"] is None or after["company_verified"]:
                return False
            already = before is not None and tuple(before) == (after["company_id"], 0)
            contact = after["contact_person_id"]
            if not already and contact is not None and contact != person_id:
                await queue_company_claim(
                    tx, contact, after["company_id"], person_id, datetime.now(UTC)
                )
            return True

    async def claimants(self, company_id: int) -> list[tuple[int, str]]:
        """Return (person id, name) of those who claimed the company and wait for approval."""
        rows = await self._db.fetch_all(
            "SELECT id, full_name FROM people WHERE company_id = ? AND company_verified = 0 "
            "AND full_name IS NOT NULL ORDER BY full_name, id",
            (company_id,),
        )
        return [(row["id"], row["full_name"]) for row in rows]

    async def pending_claims(self, limit: int) -> tuple[list[PendingClaim], int]:
        """Return the claims waiting for approval, by company and name, and how many in all."""
        where = (
            "FROM people p JOIN companies c ON c.id = p.company_id "
            "WHERE p.company_verified = 0 AND p.full_name IS NOT NULL "
        )
        rows = await self._db.fetch_all(
            "SELECT p.id, p.full_name, c.id AS company_id, c.name, c.contact_person_id "
            + where
            + "ORDER BY c.name_key, p.full_name, p.id LIMIT ?",
            (limit,),
        )
        total = await self._db.fetch_one("SELECT COUNT(*) AS n " + where)
        claims = [
            PendingClaim(
                person_id=row["id"],
                name=row["full_name"],
                company_id=row["company_id"],
                company=row["name"],
                contact_asked=row["contact_person_id"] not in (None, row["id"]),
            )
            for row in rows
        ]
        return claims, int(total["n"]) if total is not None else 0

    async def decide_claim(self, person_id: int, company_id: int, approve: bool) -> bool:
        """Approve (verified) or decline (unlinked) a pending claim and tell the claimant (outbox);
        False if it is not pending (decided by someone else a moment ago, or erased)."""
        if approve:
            sql = "UPDATE people SET company_verified = 1 "
        else:
            sql = "UPDATE people SET company_id = NULL "
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                sql + "WHERE id = ? AND company_id = ? AND company_verified = 0",
                (person_id, company_id),
            )
            if cursor.rowcount != 1:
                return False
            await queue_claim_decided(tx, person_id, company_id, approve, datetime.now(UTC))
        return True

    async def of_person(self, person_id: int) -> CompanyLink:
        """Return the person's registry company, verified or not, with its membership."""
        row = await self._db.fetch_one(
            "SELECT p.company_id, p.company_verified, c.membership, c.name FROM people p "
            "LEFT JOIN companies c ON c.id = p.company_id WHERE p.id = ?",
            (person_id,),
        )
        if row is None or row["company_id"] is None:
            return CompanyLink(None, False, None)
        return CompanyLink(
            row["company_id"], bool(row["company_verified"]), row["membership"], row["name"]
        )

    async def contact_of(self, company_id: int) -> int | None:
        """Return the person id of the company's contact, if it has one."""
        row = await self._db.fetch_one(
            "SELECT contact_person_id FROM companies WHERE id = ?", (company_id,)
        )
        return row["contact_person_id"] if row is not None else None

    async def set_contact(self, company_id: int, person_id: int | None) -> bool:
        """Make a verified person of the company its contact (None: no contact); False when the
        person is not (or no longer) one of its verified people, or the company is gone."""
        changed = await self._db.execute(
            "UPDATE companies SET contact_person_id = :person WHERE id = :company "
            "AND (:person IS NULL OR EXISTS (SELECT 1 FROM people WHERE id = :person "
            "  AND company_id = :company AND company_verified = 1))",
            {"company": company_id, "person": person_id},
        )
        return changed == 1

    async def verified(self, company_id: int, limit: int) -> list[tuple[int, str]]:
        """Return (person id, name) of the company's verified people, by name."""
        rows = await self._db.fetch_all(
            "SELECT id, full_name FROM people WHERE company_id = ? AND company_verified = 1 "
            "AND full_name IS NOT NULL ORDER BY full_name, id LIMIT ?",
            (company_id, limit),
        )
        return [(row["id"], row["full_name"]) for row in rows]


@dataclass(frozen=True)
class Participation:
    """An event someone of the company signed up for, and whether they came."""

    event_id: str
    starts_at: str
    registered: int
    attended: int


@dataclass(frozen=True)
class ServiceUse:
    """The requests the company's people made for one service, and how they ended."""

    service_id: str | None
    requested: int
    open: int
    delivered: int  # closed as delivered (or closed before outcomes were asked)
    not_delivered: int
    last_note: str | None  # the latest outcome note staff wrote


@dataclass(frozen=True)
class CompanyActivity:
    """What a company did with the cluster, for its staff page."""

    people: list[str]  # the names of its people with a profile
    events: list[Participation]  # newest first
    registrations: int
    attended: int
    service_requests: dict[str, int]  # status -> count
    ratings: int
    average_rating: float | None
    services: list[ServiceUse] = field(default_factory=list)  # most requested first
    rating_counts: tuple[int, ...] = (0, 0, 0, 0, 0)  # how many rated 1, 2, 3, 4, 5
    comments: list[str] = field(default_factory=list)  # the latest feedback comments, no names


_REGISTRATIONS_OF = (
    "FROM registrations r LEFT JOIN people p ON p.id = r.person_id "
    "WHERE COALESCE(r.company_id, p.company_id) = :company AND r.status != 'cancelled'"
)
