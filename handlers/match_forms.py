"""The forms a B2B day and the member directory share: the matchmaking profile and a search.

A profile is listed for one event (the form's subject is the event's id) or in the year-round
directory (the subject is `DIRECTORY`): one form asks the same steps for both, starting from
the person's last profile, stores and lists it on their consent, and returns to the page it
was opened from. A search looks for words among those listed in the same one place.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.forms import (
    YES,
    Answers,
    Flow,
    Moved,
    MultiChoiceStep,
    Reply,
    TextStep,
    YesNoStep,
)
from bot.screens.b2b import MEETING_LANGUAGES
from bot.screens.buttons import B2bScreen, DirHub, DirScreen
from handlers import b2b, directory
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import show
from storage.matchmaking import DIRECTORY, ProfileDraft

FORM_TIMEOUT = timedelta(minutes=15)
KEEP = "keep"
# The screens of /b2b and of the directory that open these forms.
SHARED_SCREENS = ("profile", "search")


def _now() -> datetime:
    return datetime.now(UTC)


def _every_step(step: str, answers: Answers) -> bool:
    return True


class ProfileForm(Form):
    """What the company offers and looks for, languages, a description, then the listing."""

    kind = "b2b_profile"
    code = "mp"
    closed_template = "form_cancelled"
    flow = Flow(
        "b2b_profile",
        (
            MultiChoiceStep("offers", back=False, minimum=0),
            TextStep("offers_text", optional=True, limit=200),
            MultiChoiceStep("seeks", minimum=0),
            TextStep("seeks_text", optional=True, limit=200),
            MultiChoiceStep("languages"),
            TextStep("description", optional=True, limit=300, multiline=True),
            YesNoStep("listing"),
        ),
        _every_step,
    )

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        step, language = call.state.step, call.caller.language
        if step in ("offers", "seeks"):
            return [(c.id, c.name.get(language)) for c in call.services.catalogue.categories]
        if step == "languages":
            return [
                (code, call.caller.label(f"meeting_language_{code}")) for code in MEETING_LANGUAGES
            ]
        return []

    def translate(self, call: FormCall, reply: Reply) -> Reply:
        current = call.state.answers.get("current", {}).get(call.state.step)
        if reply.pressed == KEEP and current:
            return Reply(text=current)
        return reply

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller, step = call.caller, call.state.step
        current = call.state.answers.get("current", {}).get(step)
        text = caller.render(
            "b2b_profile_step",
            step=step,
            reason=reason,
            current=current,
            event=b2b.matchmaking_event(caller, call.state.subject or ""),
            directory=call.state.subject == DIRECTORY,
            company=call.state.answers.get("company"),
        )
        rows = step_keyboard(call, self)
        if current and step in ("offers_text", "seeks_text", "description"):
            rows = [[call.button(self, caller.label("keep_current"), KEEP)], *rows]
        await show(call.update, text, rows)

    async def finish(self, call: FormCall) -> Moved | None:
        caller, answers = call.caller, call.state.answers
        store = caller.services.matchmaking
        in_directory = call.state.subject == DIRECTORY
        event = b2b.matchmaking_event(caller, call.state.subject or "")
        await call.acknowledge()
        if event is None and not (
            in_directory and await store.is_verified_member(caller.person.id)
        ):
            await b2b.gone(call.update, caller)
            return None
        wants = answers.get("listing") == YES
        if wants:
            await store.save_profile(
                caller.person.id,
                event.id if event is not None else None,
                _draft(caller, answers),
                caller.services.catalogue.cluster.privacy_notice.version,
                _now(),
            )
        note = caller.render("b2b_listed" if wants else "b2b_not_listed")
        if event is not None:
            await b2b.show_hub(call.update, caller, event, note=note)
        else:
            await show(call.update, note, [[caller.button("directory_open", DirHub())]])
        return None


def _draft(caller: Caller, answers: Answers) -> ProfileDraft:
    """Return the profile form's answers as a profile to store."""
    return ProfileDraft(
        company=str(answers.get("company") or caller.person.company or ""),
        company_id=None,
        sector_id=caller.person.sector_id,
        offers=tuple(answers.get("offers") or ()),
        seeks=tuple(answers.get("seeks") or ()),
        offers_text=answers.get("offers_text"),
        seeks_text=answers.get("seeks_text"),
        languages=tuple(answers.get("languages") or ()),
        description=answers.get("description"),
    )


async def open_profile_form(
    update: Update, context: AssistantContext, caller: Caller, event_id: str | None
) -> None:
    """Open the profile form for an event (None: the member directory), prefilled."""
    store = caller.services.matchmaking
    previous = await store.profile(caller.person.id, event_id)
    previous = previous or await store.latest_profile(caller.person.id)
    known = {c.id for c in caller.services.catalogue.categories}
    answers: dict[str, Any] = {
        "company": caller.person.company,
        "offers": [c for c in previous.offers if c in known] if previous else [],
        "seeks": [c for c in previous.seeks if c in known] if previous else [],
        "languages": list(previous.languages) if previous else [caller.language],
        "current": {
            "offers_text": previous.offers_text if previous else None,
            "seeks_text": previous.seeks_text if previous else None,
            "description": previous.description if previous else None,
        },
    }
    await open_form(
        update, context, caller, PROFILE, answers=answers, subject=event_id or DIRECTORY
    )


class SearchForm(Form):
    """Words to look for among those listed for an event, or in the directory."""

    kind = "b2b_search"
    code = "ms"
    closed_template = "form_cancelled"
    flow = Flow("b2b_search", (TextStep("words", back=False, limit=100),))

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        await show(call.update, call.caller.render("b2b_search_ask", reason=reason))

    async def finish(self, call: FormCall) -> Moved | None:
        words = str(call.state.answers["words"])
        subject = call.state.subject or ""
        if subject == DIRECTORY:
            await directory.show_search(call.update, call.caller, words)
        else:
            await b2b.show_search(call.update, call.caller, subject, words)
        return None


PROFILE = ProfileForm()
SEARCH = SearchForm()
FORMS = (PROFILE, SEARCH)


async def event_form_pressed(update: Update, context: AssistantContext) -> None:
    """Open an event's profile form (for a confirmed participant) or its search (listed)."""
    caller = context.caller
    pressed = B2bScreen.of(update)
    event = b2b.matchmaking_event(caller, pressed.event_id)
    if event is None:
        await b2b.gone(update, caller)
        return
    if pressed.screen == "profile":
        if not await b2b.is_registered(caller, event):
            await b2b.show_hub(update, caller, event)
            return
        await open_profile_form(update, context, caller, event.id)
        return
    me = await caller.services.matchmaking.profile(caller.person.id, event.id)
    if me is None or not me.listed:
        await b2b.show_hub(update, caller, event)
        return
    await open_form(update, context, caller, SEARCH, subject=event.id)


async def directory_form_pressed(update: Update, context: AssistantContext) -> None:
    """Open the directory's profile form (a verified member) or its search (listed)."""
    caller = context.caller
    pressed = DirScreen.of(update)
    if not await caller.services.matchmaking.is_verified_member(caller.person.id):
        await directory.show_directory(update, caller)
        return
    if pressed.screen == "profile":
        await open_profile_form(update, context, caller, None)
        return
    if await directory.listing_of(caller) is None:
        await directory.show_directory(update, caller)
        return
    await open_form(update, context, caller, SEARCH, subject=DIRECTORY)


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the buttons that open the shared forms, on /b2b and in the directory."""
    return [
        CallbackQueryHandler(event_form_pressed, pattern=B2bScreen.pattern(screen=SHARED_SCREENS)),
        CallbackQueryHandler(
            directory_form_pressed, pattern=DirScreen.pattern(screen=SHARED_SCREENS)
        ),
    ]
