"""Staff roles kept in the database: who may do what among the cluster's team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from storage.catalogue import parse_utc, utc_text
from storage.database import Database, Transaction


class Role(StrEnum):
    """A role in the cluster's team; what each may do is decided in `bot.domain.access`."""

    ADMIN = "admin"
    STAFF = "staff"
    CHECKIN = "checkin"
    VIEWER = "viewer"


@dataclass(frozen=True)
class TeamMember:
    """Someone the database gives a role, who gave it and when."""

    person_id: int
    role: Role
    granted_by: int | None
    granted_at: datetime


class RoleRepository:
    """Reads and writes staff roles; the small table is kept in memory once read."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._roles: dict[int, Role] | None = None

    async def role_of(self, person_id: int) -> Role | None:
        """Return the role stored for a person, or None for someone outside the team."""
        if self._roles is None:
            rows = await self._db.fetch_all("SELECT person_id, role FROM staff_roles")
            self._roles = {row["person_id"]: Role(row["role"]) for row in rows}
        return self._roles.get(person_id)

    async def grant(self, person_id: int, role: Role, *, granted_by: int | None = None) -> None:
        """Give a person a role, replacing the one they had."""
        await self._db.execute(
            "INSERT INTO staff_roles (person_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (person_id) DO UPDATE SET role = excluded.role, "
            "granted_by = excluded.granted_by, granted_at = excluded.granted_at",
            (person_id, role.value, granted_by, utc_text(datetime.now(UTC))),
        )
        self._roles = None

    async def revoke(self, person_id: int) -> None:
        """Take a person's role away."""
        await self._db.execute("DELETE FROM staff_roles WHERE person_id = ?", (person_id,))
        self._roles = None

    async def team(self) -> list[TeamMember]:
        """Return everyone with a stored role, admins first."""
        rows = await self._db.fetch_all(
            "SELECT person_id, role, granted_by, granted_at FROM staff_roles "
            "ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'staff' THEN 1 "
            "WHEN 'checkin' THEN 2 ELSE 3 END, granted_at, person_id"
        )
        return [
            TeamMember(
                row["person_id"], Role(row["role"]), row["granted_by"], parse_utc(row["granted_at"])
            )
            for row in rows
        ]

    async def assign(
        self, tx: Transaction, person_id: int, role: Role, granted_by: int
    ) -> Role | None:
        """Give a person a role inside a transaction; return the role they had before."""
        before = await tx.fetch_one(
            "SELECT role FROM staff_roles WHERE person_id = ?", (person_id,)
        )
        await tx.execute(
            "INSERT INTO staff_roles (person_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (person_id) DO UPDATE SET role = excluded.role, "
            "granted_by = excluded.granted_by, granted_at = excluded.granted_at",
            (person_id, role.value, granted_by, utc_text(datetime.now(UTC))),
        )
        self._roles = None
        return None if before is None else Role(before["role"])

    async def withdraw(self, tx: Transaction, person_id: int) -> Role | None:
        """Take a person's role away inside a transaction; return the role they had."""
        before = await tx.fetch_one(
            "SELECT role FROM staff_roles WHERE person_id = ?", (person_id,)
        )
        await tx.execute("DELETE FROM staff_roles WHERE person_id = ?", (person_id,))
        self._roles = None
        return None if before is None else Role(before["role"])

    async def count_admins(self, tx: Transaction) -> int:
        """Return how many people the database makes admins."""
        row = await tx.fetch_one("SELECT COUNT(*) AS n FROM staff_roles WHERE role = 'admin'")
        return int(row["n"]) if row else 0
