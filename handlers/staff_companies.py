"""`/company NAME`: staff find a registry company (typos and missing Turkish letters allowed)
and open its page: its data and KOBİ size class, its people, participation and requests."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.companies import CompanyIndex, size_of
from bot.domain.invites import contact_invite_code, invite_code
from bot.screens.buttons import (
    STAFF_HOME,
    CompanyApproval,
    CompanyContact,
    CompanyContactSet,
    CompanyInvite,
    CompanyPage,
    StaffMenu,
)
from handlers.companies import invite_secret
from handlers.replies import show
from handlers.staff_access import staff
from storage.catalogue import parse_utc

# Events listed on a company's page; the totals count them all.
EVENTS_LISTED = 10
PEOPLE_LISTED = 15
# Claims waiting for approval shown as buttons at once; approving one shows the next.
PENDING_LISTED = 5
# The company's verified people offered as its contact person.
CONTACTS_LISTED = 10
# Claims listed on the staff menu's list of claims waiting for approval.
CLAIMS_LISTED = 10


async def company_command(update: Update, context: AssistantContext) -> None:
    """Find companies by what was typed after the command, or open the only one found."""
    caller = context.caller
    typed = " ".join(context.args or []).strip()
    if not typed:
        await show(update, caller.render("staff_company_search", typed=None, found=[]))
        return
    found = CompanyIndex(await caller.services.companies.all()).search(typed)
    if len(found) == 1:
        await _show_company(update, caller, found[0].company.id or 0)
        return
    rows = [
        [
            InlineKeyboardButton(
                item.company.name[:60], callback_data=CompanyPage(item.company.id or 0).data
            )
        ]
        for item in found
    ]
    await show(update, caller.render("staff_company_search", typed=typed, found=found), rows)


async def company_pressed(update: Update, context: AssistantContext) -> None:
    """Open the company whose button was pressed."""
    await _show_company(update, context.caller, CompanyPage.of(update).company_id)


async def _show_company(update: Update, caller: Caller, company_id: int) -> None:
    services = caller.services
    company = await services.companies.get(company_id)
    if company is None:
        # Merged or never there: said plainly, never someone else's company.
        await show(update, caller.render("staff_company_search", typed="", found=[]))
        return
    activity = await services.companies.activity(company_id, EVENTS_LISTED)
    catalogue = services.catalogue
    sector = catalogue.sector(company.sector_id or "")
    titles = {
        event.event_id: found.title.get(caller.language) if found else event.event_id
        for event in activity.events
        for found in (catalogue.event(event.event_id),)
    }
    text = caller.render(
        "staff_company",
        company=company,
        size=size_of(company),
        sector=sector.name.get(caller.language) if sector else None,
        activity=activity,
        titles=titles,
        starts={event.event_id: parse_utc(event.starts_at) for event in activity.events},
        services={
            use.service_id: (found.title.get(caller.language) if found else use.service_id)
            for use in activity.services
            for found in (catalogue.service(use.service_id or ""),)
        },
        people_listed=PEOPLE_LISTED,
    )
    contact_id = await services.company_links.contact_of(company_id)
    contact = await services.people.get(contact_id) if contact_id is not None else None
    pending = await services.company_links.claimants(company_id)
    text += "\n\n" + caller.render(
        "staff_company_pending",
        pending=pending[:PENDING_LISTED],
        contact=contact,
    )
    rows = [
        [
            InlineKeyboardButton(
                f"✅ {name[:40]}", callback_data=CompanyApproval(company_id, person_id, "y").data
            ),
            InlineKeyboardButton(
                "✖️", callback_data=CompanyApproval(company_id, person_id, "n").data
            ),
        ]
        for person_id, name in pending[:PENDING_LISTED]
    ]
    rows += [
        [
            caller.button("company_invite", CompanyInvite(company_id)),
            caller.button("company_contact_invite", CompanyInvite(company_id, "c")),
        ],
        [caller.button("company_contact", CompanyContact(company_id))],
        [caller.button("staff_menu", STAFF_HOME)],
    ]
    await show(update, text, rows)


async def approval_pressed(update: Update, context: AssistantContext) -> None:
    """Approve or decline a person's claim to the company, then show the page (or list) again."""
    caller = context.caller
    pressed = CompanyApproval.of(update)
    approve = pressed.decision == "y"
    done = await caller.services.company_links.decide_claim(
        pressed.person_id, pressed.company_id, approve
    )
    if done:
        await caller.services.audit.record(
            caller.person.id,
            "company.approve" if approve else "company.decline",
            f"company:{pressed.company_id}",
            {"person": pressed.person_id},
        )
        await context.acknowledge(
            caller.label("company_claim_approved" if approve else "company_claim_declined")
        )
    else:
        # Decided by a colleague or the contact a moment ago, or erased: the screen shows it.
        await context.acknowledge(caller.label("company_claim_gone"), alert=True)
    if pressed.back == "l":
        await _show_claims(update, caller)
        return
    await _show_company(update, caller, pressed.company_id)


async def claims_list(update: Update, context: AssistantContext) -> None:
    """List everyone whose company choice waits for approval, across companies."""
    await _show_claims(update, context.caller)


async def _show_claims(update: Update, caller: Caller) -> None:
    claims, total = await caller.services.company_links.pending_claims(CLAIMS_LISTED)
    decide = caller.can(Ability.MANAGE)
    text = caller.render("staff_claims", claims=claims, total=total, decide=decide)
    rows: list[list[InlineKeyboardButton]] = []
    for number, claim in enumerate(claims, start=1):
        page = CompanyPage(claim.company_id).data
        if not decide:
            label = f"🏢 {number}. {claim.company[:40]}"
            rows.append([InlineKeyboardButton(label, callback_data=page)])
            continue
        approve, decline = (
            CompanyApproval(claim.company_id, claim.person_id, decision, "l").data
            for decision in ("y", "n")
        )
        rows.append(
            [
                InlineKeyboardButton(f"✅ {number}. {claim.name[:28]}", callback_data=approve),
                InlineKeyboardButton(f"✖️ {number}", callback_data=decline),
                InlineKeyboardButton(f"🏢 {number}", callback_data=page),
            ]
        )
    rows.append([caller.button("staff_menu", STAFF_HOME)])
    await show(update, text, rows)


async def invite_pressed(update: Update, context: AssistantContext) -> None:
    """Send the company's invite link, to pass on to its contact or its people."""
    caller = context.caller
    company_id = CompanyInvite.of(update).company_id
    company = await caller.services.companies.get(company_id)
    if company is None:
        await show(update, caller.render("staff_company_search", typed="", found=[]))
        return
    for_contact = CompanyInvite.of(update).whom == "c"
    make = contact_invite_code if for_contact else invite_code
    code = make(company_id, invite_secret(caller))
    link = f"https://t.me/{context.bot.username}?start={code}"
    await context.bot.send_message(
        caller.person.id,
        caller.render("company_invite", company=company, link=link, contact=for_contact),
    )
    await caller.services.audit.record(
        caller.person.id,
        "company.invite",
        f"company:{company_id}",
        {"contact": True} if for_contact else {},
    )


async def contact_pressed(update: Update, context: AssistantContext) -> None:
    """Offer the company's verified people as its contact person."""
    caller = context.caller
    company_id = CompanyContact.of(update).company_id
    company = await caller.services.companies.get(company_id)
    if company is None:
        await show(update, caller.render("staff_company_search", typed="", found=[]))
        return
    people = await caller.services.company_links.verified(company_id, CONTACTS_LISTED)
    current = await caller.services.company_links.contact_of(company_id)
    rows = [
        [
            InlineKeyboardButton(
                f"{'👤 ' if person_id == current else ''}{name[:40]}",
                callback_data=CompanyContactSet(company_id, person_id).data,
            )
        ]
        for person_id, name in people
    ]
    if current is not None:
        rows.append([caller.button("company_contact_none", CompanyContactSet(company_id, 0))])
    rows.append([caller.button("company_page", CompanyPage(company_id))])
    text = caller.render("staff_company_contact", company=company, people=people)
    await show(update, text, rows)


async def contact_chosen(update: Update, context: AssistantContext) -> None:
    """Make the chosen person the company's contact (or none), then show the company."""
    caller = context.caller
    pressed = CompanyContactSet.of(update)
    person_id = pressed.person_id or None
    done = await caller.services.company_links.set_contact(pressed.company_id, person_id)
    if done:
        await caller.services.audit.record(
            caller.person.id,
            "company.contact",
            f"company:{pressed.company_id}",
            {"person": person_id},
        )
    else:
        # Unlinked or erased meanwhile: said, and the page shows how things stand.
        await context.acknowledge(caller.label("company_contact_gone"), alert=True)
    await _show_company(update, caller, pressed.company_id)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return [
        *staff(
            Ability.READ,
            [
                CommandHandler("company", company_command, filters=filters.ChatType.PRIVATE),
                CallbackQueryHandler(company_pressed, pattern=CompanyPage.pattern()),
                CallbackQueryHandler(claims_list, pattern=StaffMenu.pattern(screen="claims")),
            ],
        ),
        *staff(
            Ability.MANAGE,
            [
                CallbackQueryHandler(invite_pressed, pattern=CompanyInvite.pattern()),
                CallbackQueryHandler(approval_pressed, pattern=CompanyApproval.pattern()),
                CallbackQueryHandler(contact_pressed, pattern=CompanyContact.pattern()),
                CallbackQueryHandler(contact_chosen, pattern=CompanyContactSet.pattern()),
            ],
        ),
    ]
