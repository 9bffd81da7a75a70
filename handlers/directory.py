"""The member directory: year-round matchmaking between verified member companies.

A person whose link to a member company is verified may list what their company offers and
looks for (an explicit consent, like a B2B day's listing), then browse and search the other
listed members and see suggestions with reasons. To make contact they ask the team for an
introduction (a ticket naming both sides) or, both being listed, write a first message the
assistant relays (no phone number or e-mail is shown; they share them if they wish).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.forms import Flow, TextStep
from bot.domain.matchmaking import MatchIndex
from bot.domain.tickets import Draft
from bot.screens.b2b import card
from bot.screens.buttons import (
    DIRECTORY_SCREENS,
    HOME,
    DirCompany,
    DirContact,
    DirHub,
    DirScreen,
)
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import show
from handlers.ticket_posts import open_ticket_from
from storage.matchmaking import MatchProfile

FORM_TIMEOUT = timedelta(minutes=15)
PAGE_SIZE = 8
SUGGESTIONS = 8
# The directory's screens this module opens; the profile and the search are match_forms'.
OWN_SCREENS = tuple(s for s in DIRECTORY_SCREENS if s not in ("profile", "search"))


def _now() -> datetime:
    return datetime.now(UTC)


async def listing_of(caller: Caller) -> MatchProfile | None:
    """Return the person's directory listing, None unless listed and still a verified member."""
    store = caller.services.matchmaking
    profile = await store.profile(caller.person.id, None)
    if profile is None or not profile.listed:
        return None
    return profile if await store.is_verified_member(caller.person.id) else None


async def _index(caller: Caller) -> MatchIndex:
    listed = await caller.services.matchmaking.listed(None)
    return MatchIndex(listed, caller.services.catalogue.categories)


async def hub_pressed(update: Update, context: AssistantContext) -> None:
    """Show the member directory page."""
    await show_directory(update, context.caller)


async def show_directory(update: Update, caller: Caller, note: str | None = None) -> None:
    """Show one's directory listing and the ways to find companies, or why one can't yet."""
    store = caller.services.matchmaking
    member = await store.is_verified_member(caller.person.id)
    me = await listing_of(caller)
    everyone = await store.count_listed(None) if me else 0
    text = caller.render(
        "directory", member=member, listed=me is not None, everyone=everyone, note=note
    )
    rows: list[list[InlineKeyboardButton]] = []
    if me is not None:
        rows += [
            [caller.button("b2b_suggested", DirScreen("suggested"))],
            [
                caller.button("directory_browse", DirScreen("browse")),
                caller.button("b2b_search", DirScreen("search")),
            ],
            [
                caller.button("b2b_edit_profile", DirScreen("profile")),
                caller.button("b2b_unlist", DirScreen("unlist")),
            ],
        ]
    elif member:
        rows.append([caller.button("directory_join", DirScreen("profile"))])
    rows.append([caller.button("home", HOME)])
    await show(update, text, rows)


async def screen_pressed(update: Update, context: AssistantContext) -> None:
    """Open a directory screen: suggestions, everyone, or unlisting."""
    caller = context.caller
    pressed = DirScreen.of(update)
    store = caller.services.matchmaking
    if not await store.is_verified_member(caller.person.id):
        await show_directory(update, caller)
        return
    if pressed.screen == "unlist":
        await store.unlist(caller.person.id, None, _now())
        await show_directory(update, caller, caller.render("directory_unlisted"))
        return
    me = await listing_of(caller)
    if me is None:
        await show_directory(update, caller)
        return
    index = await _index(caller)
    if pressed.screen == "suggested":
        found = index.suggest(me, SUGGESTIONS)
        services = caller.services
        people = [
            card(services.texts, services.catalogue, s.profile, caller.language, s.reasons)
            for s in found
        ]
        await _show_list(update, caller, "suggested", people, [s.profile for s in found], 0, 1)
        return
    everyone = [p for p in index.profiles if p.person_id != me.person_id]
    await _show_page(update, caller, "browse", everyone, pressed.page)


async def show_search(update: Update, caller: Caller, words: str) -> None:
    """Show the listed members whose profile matches the words searched for."""
    if await listing_of(caller) is None:
        await show_directory(update, caller)
        return
    found = (await _index(caller)).search(words, exclude=caller.person.id)
    await _show_page(update, caller, "search", found, 0, words)


async def _show_page(
    update: Update,
    caller: Caller,
    kind: str,
    found: list[MatchProfile],
    page: int,
    title: str | None = None,
) -> None:
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages - 1)
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    services = caller.services
    people = [card(services.texts, services.catalogue, p, caller.language) for p in shown]
    await _show_list(update, caller, kind, people, shown, page, pages, title)


async def _show_list(
    update: Update,
    caller: Caller,
    kind: str,
    people: list[dict[str, Any]],
    profiles: list[MatchProfile],
    page: int,
    pages: int,
    title: str | None = None,
) -> None:
    text = caller.render(
        "b2b_list",
        kind=kind,
        people=people,
        title=title,
        side="a",
        page=page,
        pages=pages,
        directory=True,
    )
    rows = [
        [
            InlineKeyboardButton(
                f"🏭 {profile.company} · {profile.full_name}"[:60],
                callback_data=DirCompany(profile.id).data,
            )
        ]
        for profile in profiles
    ]
    moves = []
    if kind == "browse" and page > 0:
        moves.append(caller.button("previous_page", DirScreen("browse", page - 1)))
    if kind == "browse" and page + 1 < pages:
        moves.append(caller.button("next_page", DirScreen("browse", page + 1)))
    rows += [moves, [caller.button("directory_back", DirHub())]]
    await show(update, text, rows)


async def company_pressed(update: Update, context: AssistantContext) -> None:
    """Show a listed member's profile, why it fits, and the two ways to make contact."""
    caller = context.caller
    me = await listing_of(caller)
    index = await _index(caller)
    other = next((p for p in index.profiles if p.id == DirCompany.of(update).profile_id), None)
    if me is None or other is None or other.person_id == me.person_id:
        await show(
            update, caller.render("not_available"), [[caller.button("directory_back", DirHub())]]
        )
        return
    reasons = next(
        (s.reasons for s in index.suggest(me, len(index.profiles)) if s.profile == other), ()
    )
    services = caller.services
    text = caller.render(
        "b2b_participant",
        who=card(services.texts, services.catalogue, other, caller.language, reasons),
        itself=False,
        directory=True,
    )
    rows = [
        [caller.button("directory_intro", DirContact(other.id, "i"))],
        [caller.button("directory_message", DirContact(other.id, "m"))],
        [caller.button("directory_back", DirHub())],
    ]
    await show(update, text, rows)


async def contact_pressed(update: Update, context: AssistantContext) -> None:
    """Ask what to tell the team (an introduction) or the member (a relayed first message)."""
    caller = context.caller
    pressed = DirContact.of(update)
    me = await listing_of(caller)
    other = await caller.services.matchmaking.profile_by_id(pressed.profile_id)
    if (
        me is None
        or other is None
        or other.event_id is not None
        or not other.listed
        or other.person_id == me.person_id
        or not await caller.services.matchmaking.is_verified_member(other.person_id)
    ):
        await show(
            update, caller.render("not_available"), [[caller.button("directory_back", DirHub())]]
        )
        return
    answers = {"who": f"{other.full_name} · {other.company}", "how": pressed.how}
    await open_form(update, context, caller, CONTACT, answers=answers, subject=str(other.id))


class ContactForm(Form):
    """What to tell the team with an introduction request, or the member in a first message."""

    kind = "directory_contact"
    code = "dc"
    closed_template = "form_cancelled"
    flow = Flow("directory_contact", (TextStep("text", back=False, limit=1000, multiline=True),))

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        answers = call.state.answers
        text = call.caller.render(
            "directory_contact_ask", who=answers.get("who"), how=answers.get("how"), reason=reason
        )
        await show(call.update, text, step_keyboard(call, self))

    async def finish(self, call: FormCall) -> None:
        caller, answers = call.caller, call.state.answers
        store = caller.services.matchmaking
        me = await listing_of(caller)
        other = await store.profile_by_id(int(call.state.subject or 0))
        back = [[caller.button("directory_back", DirHub())]]
        if me is None or other is None or not other.listed:
            await show(call.update, caller.render("not_available"), back)
            return None
        text = str(answers["text"])
        if answers.get("how") == "m":
            sent = await store.relay(me, other, text, _now())
            reply = caller.render("directory_relayed", who=answers.get("who"), sent=sent)
            await show(call.update, reply, back)
            return None
        ticket_text = caller.services.texts.render(
            caller.services.settings.default_language,
            "directory_intro_ticket",
            me=me,
            other=other,
            text=text,
        )
        message = call.update.effective_message
        chat = call.update.effective_chat
        ticket = await open_ticket_from(
            call.context.bot,
            caller.services,
            Draft(ticket_text, None),
            caller.person,
            kind="question",
            service_id=None,
            language=caller.language,
            origin=(chat.id if chat else caller.person.id, message.message_id if message else None),
            user=call.update.effective_user,
        )
        reply = caller.render(
            "directory_intro_sent", who=answers.get("who"), ticket_id=ticket.id if ticket else None
        )
        await show(call.update, reply, back)
        return None


CONTACT = ContactForm()
FORMS = (CONTACT,)


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the member directory's buttons."""
    return [
        CallbackQueryHandler(hub_pressed, pattern=DirHub.pattern()),
        # The profile and the search are the shared forms' (handlers.match_forms).
        CallbackQueryHandler(screen_pressed, pattern=DirScreen.pattern(screen=OWN_SCREENS)),
        CallbackQueryHandler(company_pressed, pattern=DirCompany.pattern()),
        CallbackQueryHandler(contact_pressed, pattern=DirContact.pattern()),
    ]
