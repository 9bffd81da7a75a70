"""Joining a company through its invite link (`/start co<id>-<signature>`)."""

from __future__ import annotations

from telegram import Update

from bot.context import Caller
from bot.domain.invites import company_of_invite, invite_key, is_invite
from bot.screens.buttons import HOME
from handlers.replies import show
from storage.companies import join_company


def invite_secret(caller: Caller) -> bytes:
    """Return the key invite codes are signed with."""
    return invite_key(caller.services.settings.require_token().reveal())


async def join(update: Update, caller: Caller, payload: str) -> bool:
    """Act on an invite code; False when the payload is not one (a different deep link)."""
    if not is_invite(payload):
        return False
    services = caller.services
    company_id = company_of_invite(payload, invite_secret(caller))
    joined = company_id is not None and await join_company(
        services.database, caller.person.id, company_id
    )
    company = await services.companies.get(company_id) if joined and company_id else None
    text = caller.render("company_joined", company=company)
    await show(update, text, [[caller.button("home", HOME)]])
    return True
