"""What each staff role may do.

Admins do everything, staff everything but managing the team; check-in staff only take
attendance (toggles and QR codes); viewers only read lists, exports and statistics. Everyone in
the team may open the staff menu and the staff event pages, which show each of them only the
buttons their role allows.
"""

from __future__ import annotations

from enum import Enum

from storage.roles import Role


class Ability(Enum):
    """Something a staff handler needs; handlers declare one where they are registered."""

    # The staff menu and the staff event list and pages.
    BROWSE = "browse"
    # Attendee and waiting lists, exports, statistics, unanswered questions.
    READ = "read"
    # Attendance by toggles or by scanning a person's QR code.
    CHECK_IN = "check_in"
    # Creating, changing and cancelling events, broadcasts, imports, answering tickets.
    MANAGE = "manage"
    # Who is in the team and with which role (/team): admins only.
    TEAM = "team"
    # A benchmark survey's raw values, company by company (each view audited): admins only.
    RAW_ANSWERS = "raw_answers"


ABILITIES: dict[Role, frozenset[Ability]] = {
    Role.ADMIN: frozenset(Ability),
    Role.STAFF: frozenset(Ability) - {Ability.TEAM, Ability.RAW_ANSWERS},
    Role.CHECKIN: frozenset({Ability.BROWSE, Ability.CHECK_IN}),
    Role.VIEWER: frozenset({Ability.BROWSE, Ability.READ}),
}


def can(role: Role | None, ability: Ability) -> bool:
    """Tell whether someone with this role (None: not in the team) may do this."""
    return role is not None and ability in ABILITIES[role]
