"""Who may sign up for an event: everyone, or only confirmed people of member companies.

A members-only event is seen by everyone; who may not sign up is told why (no company, a
company link not confirmed yet, a company that is not a member) and how to reach the office.
"""

from __future__ import annotations

from storage.companies import CompanyLink
from storage.content import Event

# Why a person may not sign up for a members-only event.
NO_COMPANY = "no_company"
UNVERIFIED = "unverified"
NOT_MEMBER = "not_member"


def refusal(event: Event, link: CompanyLink) -> str | None:
    """Return why the person may not sign up, or None when they may."""
    if not event.members_only:
        return None
    if link.company_id is None:
        return NO_COMPANY
    if not link.verified:
        return UNVERIFIED
    if link.membership != "member":
        return NOT_MEMBER
    return None
