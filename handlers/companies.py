"""Joining a company through its invite link (`/start co<id>-<signature>`, or `cc...` for its
contact person), and the contact's one-tap answer to someone who claims the company."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.invites import invite_key, is_invite, read_invite
from bot.screens.buttons import HOME, ContactApproval
from handlers.replies import show


def invite_secret(caller: Caller) -> bytes:
    """Return the key invite codes are signed with."""
    return invite_key(caller.services.settings.require_token().reveal())


async def join(update: Update, caller: Caller, payload: str) -> bool:
    """Act on an invite code; False when the payload is not one (a different deep link)."""
    if not is_invite(payload):
        return False
    services = caller.services
    found = read_invite(payload, invite_secret(caller))
    company_id, as_contact = found if found is not None else (None, False)
    joined = company_id is not None and await services.company_links.join(
        caller.person.id, company_id
    )
    company = await services.companies.get(company_id) if joined and company_id else None
    if company is not None and as_contact:
        await services.company_links.set_contact(company_id or 0, caller.person.id)
        await services.audit.record(
            caller.person.id, "company.contact", f"company:{company_id}", {"by": "invite"}
        )
    text = caller.render("company_joined", company=company, contact=as_contact)
    await show(update, text, [[caller.button("home", HOME)]])
    return True


async def contact_decided(update: Update, context: AssistantContext) -> None:
    """Take the contact's answer to a claim: only the company's contact may give it."""
    caller = context.caller
    pressed = ContactApproval.of(update)
    services = caller.services
    company = await services.companies.get(pressed.company_id)
    link = await services.company_links.of_person(caller.person.id)
    if (
        company is None
        or await services.company_links.contact_of(company.id or 0) != caller.person.id
        or link.company_id != company.id
        or not link.verified
    ):
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    claimant = await services.people.get(pressed.person_id)
    approve = pressed.decision == "y"
    done = await services.company_links.decide_claim(pressed.person_id, pressed.company_id, approve)
    if done:
        await services.audit.record(
            caller.person.id,
            "company.contact_approve" if approve else "company.contact_decline",
            f"company:{pressed.company_id}",
            {"person": pressed.person_id},
        )
    text = caller.render(
        "company_claim_answered",
        company=company.name,
        claimant=claimant.full_name if claimant is not None else None,
        approved=approve,
        done=done,
    )
    await show(update, text, [[caller.button("home", HOME)]])


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers (the invite itself enters through /start)."""
    return [CallbackQueryHandler(contact_decided, pattern=ContactApproval.pattern())]
