"""Managing the team: giving, changing and taking away roles, each audited, the person told.

STAFF_IDS are admins whatever the database says, so their role is not changed here; and when
there are no STAFF_IDS the last stored admin can't be demoted or removed: someone must stay
able to manage the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from storage.audit import AuditLog
from storage.database import Database, Transaction
from storage.outbox import queue_staff_notice
from storage.roles import Role, RoleRepository

Outcome = Literal[
    "granted", "changed", "unchanged", "removed", "not_in_team", "fixed", "last_admin"
]


@dataclass(frozen=True)
class TeamChange:
    """What a change of the team did, and whether the person could be told."""

    outcome: Outcome
    person_id: int
    role: Role | None = None
    previous: Role | None = None
    told: bool = False


@dataclass(frozen=True)
class Team:
    """The repositories a team change writes to, in one transaction."""

    database: Database
    roles: RoleRepository
    audit: AuditLog
    staff_ids: frozenset[int]

    async def set_role(self, actor: int, person_id: int, role: Role) -> TeamChange:
        """Give a person a role (adding them, or changing the one they have)."""
        if person_id in self.staff_ids:
            return TeamChange("fixed", person_id, Role.ADMIN)
        try:
            async with self.database.transaction() as tx:
                previous = await self.roles.assign(tx, person_id, role, actor)
                if previous is role:
                    return TeamChange("unchanged", person_id, role, previous)
                if await self._lost_last_admin(tx, previous):
                    raise _LastAdmin
                outcome: Outcome = "granted" if previous is None else "changed"
                detail = {"role": role.value, "previous": previous.value if previous else None}
                await self.audit.record(actor, f"team.{outcome}", str(person_id), detail, tx=tx)
                told = await queue_staff_notice(
                    tx, [person_id], {"about": f"role_{outcome}", "role": role.value}, _now()
                )
        except _LastAdmin:
            return TeamChange("last_admin", person_id, Role.ADMIN)
        return TeamChange(outcome, person_id, role, previous, bool(told))

    async def remove(self, actor: int, person_id: int) -> TeamChange:
        """Take a person's role away."""
        if person_id in self.staff_ids:
            return TeamChange("fixed", person_id, Role.ADMIN)
        try:
            async with self.database.transaction() as tx:
                previous = await self.roles.withdraw(tx, person_id)
                if previous is None:
                    return TeamChange("not_in_team", person_id)
                if await self._lost_last_admin(tx, previous):
                    raise _LastAdmin
                detail = {"previous": previous.value}
                await self.audit.record(actor, "team.removed", str(person_id), detail, tx=tx)
                told = await queue_staff_notice(tx, [person_id], {"about": "role_removed"}, _now())
        except _LastAdmin:
            return TeamChange("last_admin", person_id, Role.ADMIN)
        return TeamChange("removed", person_id, None, previous, bool(told))

    async def _lost_last_admin(self, tx: Transaction, previous: Role | None) -> bool:
        """Tell whether the change just made took away the team's last admin."""
        if previous is not Role.ADMIN or self.staff_ids:
            return False
        return not await self.roles.count_admins(tx)


class _LastAdmin(Exception):
    """Rolls back a change that would leave the team without an admin."""


def _now() -> datetime:
    return datetime.now(UTC)
