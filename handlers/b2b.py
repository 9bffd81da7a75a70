"""/b2b: a B2B day's participants find each other, request meetings and keep an agenda.

A registered participant publishes a matchmaking profile (what their company offers and looks
for) and is listed only on their explicit consent; listed participants browse, search and get
suggestions, ask each other for meetings with a short note, accept or decline with an optional
line, and find their agenda (time, table, whom) here, as a calendar file too. Everything the
other side must hear of goes through the outbox, queued with the change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.calendar import MeetingEntry, meetings_calendar
from bot.domain.forms import (
    Flow,
    Moved,
    TextStep,
)
from bot.domain.matchmaking import Filter, MatchIndex, schedule_of
from bot.screens.b2b import card, meeting_view
from bot.screens.buttons import (
    B2B_SCREENS,
    HOME,
    OUTCOME_CODES,
    B2bAnswer,
    B2bBrowse,
    B2bCalendar,
    B2bCancelMeeting,
    B2bHub,
    B2bNarrow,
    B2bOutcome,
    B2bParticipant,
    B2bRequest,
    B2bScreen,
    B2bWithdraw,
    DirHub,
    EventPage,
)
from bot.screens.outgoing import DocumentMessage, post
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import Keyboard, show
from storage.content import Event
from storage.matchmaking import (
    CAP,
    MatchProfile,
)

FORM_TIMEOUT = timedelta(minutes=15)
PAGE_SIZE = 8
SUGGESTIONS = 8
CLOSED = "closed"  # the event is over: no more requests
# The event's screens this module opens; the profile and the search are handlers.match_forms'.
OWN_SCREENS = tuple(screen for screen in B2B_SCREENS if screen not in ("profile", "search"))


# -- what a person may do -------------------------------------------------------------------


def matchmaking_event(caller: Caller, event_id: str) -> Event | None:
    """Return the event if it has matchmaking."""
    event = caller.services.catalogue.event(event_id)
    return event if event is not None and event.matchmaking is not None else None


async def is_registered(caller: Caller, event: Event) -> bool:
    """Tell whether the person holds a confirmed seat at the event."""
    registration = await caller.services.registrations.of_person_for_event(
        caller.person.id, event.id
    )
    return registration is not None and registration.status == "confirmed"


async def _index(caller: Caller, event: Event) -> MatchIndex:
    listed = await caller.services.matchmaking.listed(event.id)
    return MatchIndex(listed, caller.services.catalogue.categories)


def _now() -> datetime:
    return datetime.now(UTC)


async def gone(update: Update, caller: Caller, event_id: str | None = None) -> None:
    """Say the pressed thing no longer applies, with a way back."""
    rows = [[caller.button("b2b_open", B2bHub(event_id))]] if event_id else []
    await show(update, caller.render("not_available"), [*rows, [caller.button("home", HOME)]])


# -- /b2b and an event's page ---------------------------------------------------------------


async def b2b_command(update: Update, context: AssistantContext) -> None:
    """Open the B2B page of the person's event, or list the events with matchmaking."""
    caller = context.caller
    now = _now()
    events = [
        event
        for event in caller.services.catalogue.events
        if event.matchmaking is not None and event.ends_at > now
    ]
    mine = [event for event in events if await is_registered(caller, event)]
    # With exactly one B2B day to look at, it opens at once (its page leads to the directory).
    if len(mine) == 1 or (not mine and len(events) == 1):
        await show_hub(update, caller, (mine or events)[0])
        return
    rows = [
        [
            InlineKeyboardButton(
                event.title.get(caller.language), callback_data=B2bHub(event.id).data
            )
        ]
        for event in (mine or events)
    ]
    text = caller.render("b2b_events", events=mine or events, registered=bool(mine))
    directory = [caller.button("directory_open", DirHub())]
    await show(update, text, [*rows, directory, [caller.button("home", HOME)]])


async def hub_pressed(update: Update, context: AssistantContext) -> None:
    """Show one event's B2B page."""
    caller = context.caller
    event = matchmaking_event(caller, B2bHub.of(update).event_id)
    if event is None:
        await gone(update, caller)
        return
    await show_hub(update, caller, event)


async def show_hub(
    update: Update, caller: Caller, event: Event, *, note: str | None = None
) -> None:
    """Show the person's B2B page of an event: their listing, requests, agenda, and the ways on."""
    services = caller.services
    person = caller.person.id
    registered = await is_registered(caller, event)
    profile = await services.matchmaking.profile(person, event.id)
    listed = profile is not None and profile.listed
    requests = await services.matchmaking.requests_of(event.id, person)
    agenda = await services.matchmaking.agenda(event.id, person)
    over = event.ends_at <= _now()
    everyone = await services.matchmaking.count_listed(event.id) if listed else 0
    text = caller.render(
        "b2b_hub",
        event=event,
        registered=registered,
        listed=listed,
        over=over,
        everyone=everyone,
        incoming=sum(r.invitee_id == person for r in requests),
        outgoing=sum(r.requester_id == person for r in requests),
        meetings=len(agenda),
        note=note,
    )
    rows: list[list[InlineKeyboardButton]] = []
    if not registered and not listed:
        rows.append([caller.button("event_page", EventPage(event.id))])
    elif listed and not over:
        rows += [
            [caller.button("b2b_suggested", B2bScreen(event.id, "suggested"))],
            [
                caller.button("b2b_browse", B2bBrowse(event.id)),
                caller.button("b2b_search", B2bScreen(event.id, "search")),
            ],
            [caller.button("b2b_requests", B2bScreen(event.id, "requests"))],
        ]
    elif registered and not over:
        rows.append([caller.button("b2b_create_profile", B2bScreen(event.id, "profile"))])
    if agenda or listed:
        agenda_row = [caller.button("b2b_agenda", B2bScreen(event.id, "agenda"))]
        if agenda:
            agenda_row.append(caller.button("b2b_calendar", B2bCalendar(event.id)))
        rows.append(agenda_row)
    if listed and not over:
        rows.append(
            [
                caller.button("b2b_edit_profile", B2bScreen(event.id, "profile")),
                caller.button("b2b_unlist", B2bScreen(event.id, "unlist")),
            ]
        )
    rows.append([caller.button("directory_open", DirHub()), caller.button("home", HOME)])
    await show(update, text, rows)


async def screen_pressed(update: Update, context: AssistantContext) -> None:
    """Open one of an event's B2B screens."""
    caller = context.caller
    pressed = B2bScreen.of(update)
    event = matchmaking_event(caller, pressed.event_id)
    if event is None:
        await gone(update, caller)
        return
    if pressed.screen == "agenda":
        await show_agenda(update, caller, event)
        return
    if pressed.screen == "requests":
        await show_requests(update, caller, event)
        return
    if pressed.screen == "unlist":
        await unlist(update, caller, event)
        return
    me = await caller.services.matchmaking.profile(caller.person.id, event.id)
    if me is None or not me.listed:
        await show_hub(update, caller, event)
        return
    await show_suggestions(update, caller, event, me)


async def unlist(update: Update, caller: Caller, event: Event) -> None:
    """Stop being listed for the event: requests waiting are cancelled, the others told."""
    cancelled = await caller.services.matchmaking.unlist(caller.person.id, event.id, _now())
    await show_hub(update, caller, event, note=caller.render("b2b_unlisted", cancelled=cancelled))


# -- lists of participants ------------------------------------------------------------------


async def show_suggestions(update: Update, caller: Caller, event: Event, me: MatchProfile) -> None:
    """Show who matches what the person offers and looks for, with the reason."""
    index = await _index(caller, event)
    found = index.suggest(me, SUGGESTIONS)
    services = caller.services
    people = [
        card(services.texts, services.catalogue, s.profile, caller.language, s.reasons)
        for s in found
    ]
    text = caller.render(
        "b2b_list", kind="suggested", people=people, title=None, page=0, pages=1, directory=False
    )
    rows = _participant_rows(caller, event, [s.profile for s in found])
    rows.append([caller.button("b2b_browse", B2bBrowse(event.id))])
    rows.append([caller.button("b2b_back", B2bHub(event.id))])
    await show(update, text, rows)


def _participant_rows(
    caller: Caller, event: Event, profiles: list[MatchProfile]
) -> list[list[InlineKeyboardButton]]:
    return [
        [
            InlineKeyboardButton(
                f"🏭 {profile.company} · {profile.full_name}"[:60],
                callback_data=B2bParticipant(profile.id).data,
            )
        ]
        for profile in profiles
    ]


async def browse_pressed(update: Update, context: AssistantContext) -> None:
    """Browse the listed participants: everyone, a category chooser, or one category."""
    caller = context.caller
    pressed = B2bBrowse.of(update)
    event = matchmaking_event(caller, pressed.event_id)
    if event is None:
        await gone(update, caller)
        return
    me = await caller.services.matchmaking.profile(caller.person.id, event.id)
    if me is None or not me.listed:
        await show_hub(update, caller, event)
        return
    categories = caller.services.catalogue.categories
    if pressed.side != "a" and pressed.category == 0:
        text = caller.render("b2b_choose_category", side=pressed.side)
        rows = [
            [
                InlineKeyboardButton(
                    category.name.get(caller.language),
                    callback_data=B2bBrowse(event.id, pressed.side, number).data,
                )
            ]
            for number, category in enumerate(categories, start=1)
        ]
        rows.append([caller.button("b2b_back", B2bBrowse(event.id))])
        await show(update, text, rows)
        return
    chosen = Filter()
    title = None
    if pressed.side != "a":
        if pressed.category > len(categories):
            await gone(update, caller, event.id)
            return
        category = categories[pressed.category - 1]
        chosen = Filter(category.id, "offers" if pressed.side == "o" else "seeks")
        title = category.name.get(caller.language)
    index = await _index(caller, event)
    found = index.browse(chosen, exclude=caller.person.id)
    await _show_page(
        update,
        caller,
        event,
        found,
        pressed.page,
        kind="browse",
        title=title,
        side=pressed.side,
        page_of=lambda page: B2bBrowse(event.id, pressed.side, pressed.category, page),
    )


async def show_search(update: Update, caller: Caller, event_id: str, words: str) -> None:
    """Show the participants whose profile matches the words searched for."""
    event = matchmaking_event(caller, event_id)
    if event is None:
        await gone(update, caller)
        return
    found = (await _index(caller, event)).search(words, exclude=caller.person.id)
    await _show_page(update, caller, event, found, 0, kind="search", title=words)


async def _show_page(
    update: Update,
    caller: Caller,
    event: Event,
    found: list[MatchProfile],
    page: int,
    *,
    kind: str,
    title: str | None,
    side: str = "a",
    page_of: Any = None,
    narrowed: tuple[int, Literal["a", "m"]] = (0, "a"),
) -> None:
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages - 1)
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    services = caller.services
    people = [card(services.texts, services.catalogue, p, caller.language) for p in shown]
    text = caller.render(
        "b2b_list",
        kind=kind,
        people=people,
        title=title,
        side=side,
        page=page,
        pages=pages,
        directory=False,
    )
    rows = _participant_rows(caller, event, shown)
    if page_of is not None:
        moves = []
        if page > 0:
            moves.append(caller.button("previous_page", page_of(page - 1)))
        if page + 1 < pages:
            moves.append(caller.button("next_page", page_of(page + 1)))
        rows.append(moves)
    if kind == "browse":
        rows.append(
            [
                caller.button("b2b_filter_offers", B2bBrowse(event.id, "o")),
                caller.button("b2b_filter_seeks", B2bBrowse(event.id, "s")),
            ]
        )
        rows += _narrowing_rows(caller, event, *narrowed)
    rows.append([caller.button("b2b_back", B2bHub(event.id))])
    await show(update, text, rows)


def _narrowing_rows(
    caller: Caller, event: Event, sector: int, members: Literal["a", "m"]
) -> list[list[InlineKeyboardButton]]:
    """Return the sector buttons (the chosen one marked) and the member-companies switch."""
    sectors = [
        InlineKeyboardButton(
            ("• " if number == sector else "") + item.name.get(caller.language)[:28],
            callback_data=B2bNarrow(event.id, 0 if number == sector else number, members).data,
        )
        for number, item in enumerate(caller.services.catalogue.sectors[:99], start=1)
    ]
    switch: Literal["a", "m"] = "m" if members == "a" else "a"
    label = "b2b_members_only" if members == "a" else "b2b_all_companies"
    return [
        sectors[0:2],
        sectors[2:4],
        sectors[4:6],
        [caller.button(label, B2bNarrow(event.id, sector, switch))],
    ]


async def narrow_pressed(update: Update, context: AssistantContext) -> None:
    """Browse the participants of one sector, or of member companies only."""
    caller = context.caller
    pressed = B2bNarrow.of(update)
    event = matchmaking_event(caller, pressed.event_id)
    if event is None:
        await gone(update, caller)
        return
    me = await caller.services.matchmaking.profile(caller.person.id, event.id)
    if me is None or not me.listed:
        await show_hub(update, caller, event)
        return
    sectors = caller.services.catalogue.sectors
    sector = sectors[pressed.sector - 1] if 0 < pressed.sector <= len(sectors) else None
    chosen = Filter(sector_id=sector.id if sector else None, members_only=pressed.members == "m")
    found = (await _index(caller, event)).browse(chosen, exclude=caller.person.id)
    title = caller.render(
        "b2b_narrowed",
        sector=sector.name.get(caller.language) if sector else None,
        members=pressed.members == "m",
    )
    await _show_page(
        update,
        caller,
        event,
        found,
        pressed.page,
        kind="browse",
        title=title,
        side="n",
        page_of=lambda page: B2bNarrow(event.id, pressed.sector, pressed.members, page),
        narrowed=(pressed.sector if sector else 0, pressed.members),
    )


async def participant_pressed(update: Update, context: AssistantContext) -> None:
    """Show another listed participant, why they are suggested, and "request a meeting"."""
    caller = context.caller
    found = await caller.services.matchmaking.profile_by_id(B2bParticipant.of(update).profile_id)
    event = matchmaking_event(caller, found.event_id or "") if found else None
    if found is None or event is None:
        await gone(update, caller)
        return
    index = await _index(caller, event)
    other = index.get(found.person_id)
    me = index.get(caller.person.id)
    if other is None or me is None:
        await show(
            update,
            caller.render("b2b_refused", reason="unlisted" if me else "not_listed"),
            [[caller.button("b2b_back", B2bHub(event.id))]],
        )
        return
    reasons = next(
        (s.reasons for s in index.suggest(me, len(index.profiles)) if s.profile == other), ()
    )
    services = caller.services
    text = caller.render(
        "b2b_participant",
        who=card(services.texts, services.catalogue, other, caller.language, reasons),
        itself=other.person_id == me.person_id,
        directory=False,
    )
    rows: Keyboard = [
        [caller.button("b2b_request", B2bRequest(other.id))],
        [caller.button("b2b_back", B2bHub(event.id))],
    ]
    if other.person_id == me.person_id:
        rows = rows[1:]
    await show(update, text, rows)


# -- requests -------------------------------------------------------------------------------


async def _refusal(caller: Caller, event: Event, invitee: int) -> str | None:
    """Return why the person can't ask `invitee` for a meeting now, None when they can."""
    assert event.matchmaking is not None
    if event.ends_at <= _now():
        return CLOSED
    if invitee == caller.person.id:
        return "self"
    store = caller.services.matchmaking
    me = await store.profile(caller.person.id, event.id)
    if me is None or not me.listed or me.absent:
        return "not_listed"
    other = await store.profile(invitee, event.id)
    if other is None or not other.listed or other.absent:
        return "unlisted"
    requests = await store.requests_of(event.id, caller.person.id)
    if any(invitee in (request.requester_id, request.invitee_id) for request in requests):
        return "twice"
    if any(invitee in (m.person_a, m.person_b) for m in await store.agenda(event.id, me.person_id)):
        return "twice"
    waiting = [r for r in requests if r.requester_id == caller.person.id]
    if len(waiting) >= event.matchmaking.pending_cap:
        return CAP
    return None


async def request_pressed(update: Update, context: AssistantContext) -> None:
    """Ask for a short note, then send the request (refused at once when it can't be made)."""
    caller = context.caller
    other = await caller.services.matchmaking.profile_by_id(B2bRequest.of(update).profile_id)
    event = matchmaking_event(caller, other.event_id or "") if other else None
    if other is None or event is None:
        await gone(update, caller)
        return
    refused = await _refusal(caller, event, other.person_id)
    if refused is not None:
        await _show_refusal(update, caller, event, refused)
        return
    name = await caller.services.matchmaking.name_of(other.person_id)
    await open_form(
        update,
        context,
        caller,
        NOTE,
        answers={"who": name},
        subject=f"{event.id}|{other.person_id}",
    )


async def _show_refusal(update: Update, caller: Caller, event: Event, reason: str) -> None:
    assert event.matchmaking is not None
    text = caller.render("b2b_refused", reason=reason, cap=event.matchmaking.pending_cap)
    await show(update, text, [[caller.button("b2b_back", B2bHub(event.id))]])


async def show_requests(update: Update, caller: Caller, event: Event) -> None:
    """Show the requests waiting: received (accept, decline) and sent (take back)."""
    store = caller.services.matchmaking
    person = caller.person.id
    requests = await store.requests_of(event.id, person)
    names = await store.names_of(p for r in requests for p in (r.requester_id, r.invitee_id))
    incoming, outgoing, rows = [], [], []
    for request in requests:
        if request.invitee_id == person:
            name = names.get(request.requester_id or 0, "")
            incoming.append({"who": name, "note": request.note})
            short = name[:40]
            rows.append(
                [
                    InlineKeyboardButton(
                        f"✅ {short}", callback_data=B2bAnswer(request.id, "y").data
                    ),
                    InlineKeyboardButton(
                        caller.label("b2b_decline"), callback_data=B2bAnswer(request.id, "n").data
                    ),
                ]
            )
        else:
            name = names.get(request.invitee_id or 0, "")
            outgoing.append({"who": name, "note": request.note})
            rows.append(
                [
                    InlineKeyboardButton(
                        f"{caller.label('b2b_withdraw')} · {name}"[:60],
                        callback_data=B2bWithdraw(request.id).data,
                    )
                ]
            )
    text = caller.render("b2b_requests", incoming=incoming, outgoing=outgoing)
    rows.append([caller.button("b2b_back", B2bHub(event.id))])
    await show(update, text, rows)


async def answer_pressed(update: Update, context: AssistantContext) -> None:
    """Accept or decline a request: an optional line first, then the answer."""
    caller = context.caller
    pressed = B2bAnswer.of(update)
    request = await caller.services.matchmaking.get_request(pressed.request_id)
    if request is None or request.invitee_id != caller.person.id:
        await gone(update, caller)
        return
    if request.status != "pending":
        await show(
            update,
            caller.render(
                "b2b_answer",
                outcome="gone",
                other="",
                reply=None,
                meeting=None,
                to_requester=False,
                event=None,
                status=request.status,
            ),
            [[caller.button("b2b_open", B2bHub(request.event_id))]],
        )
        return
    name = await caller.services.matchmaking.name_of(request.requester_id)
    await open_form(
        update,
        context,
        caller,
        REPLY,
        answers={"who": name, "accept": pressed.answer == "y"},
        subject=str(request.id),
    )


async def withdraw_pressed(update: Update, context: AssistantContext) -> None:
    """Take back one's own request while it waits."""
    caller = context.caller
    request_id = B2bWithdraw.of(update).request_id
    request = await caller.services.matchmaking.get_request(request_id)
    if request is None or request.requester_id != caller.person.id:
        await gone(update, caller)
        return
    withdrawn = await caller.services.matchmaking.withdraw_request(
        request_id, caller.person.id, _now()
    )
    event = matchmaking_event(caller, request.event_id)
    if event is None:
        await gone(update, caller)
        return
    if not withdrawn:
        await context.acknowledge(caller.render("b2b_already_answered"))
    await show_requests(update, caller, event)


# -- agenda ---------------------------------------------------------------------------------


async def _agenda_views(caller: Caller, event: Event) -> list[dict[str, Any]]:
    store = caller.services.matchmaking
    slots = event.slots()
    agenda = await store.agenda(event.id, caller.person.id)
    names = await store.names_of(meeting.other(caller.person.id) for meeting in agenda)
    views = []
    for meeting in agenda:
        ends = slots[meeting.slot].ends_at if meeting.slot is not None else None
        views.append(
            meeting_view(meeting, ends, names.get(meeting.other(caller.person.id) or 0, ""))
        )
    return views


async def show_agenda(
    update: Update, caller: Caller, event: Event, *, note: str | None = None
) -> None:
    """Show the person's meetings: time, table, whom, the note; cancel one; the calendar file."""
    views = await _agenda_views(caller, event)
    text = caller.render("b2b_agenda", event=event, meetings=views, note=note)
    rows: list[list[InlineKeyboardButton]] = []
    if any(view["status"] == "scheduled" for view in views):
        rows.append([caller.button("b2b_calendar", B2bCalendar(event.id))])
    if event.ends_at > _now():
        for view in views:
            when = (
                caller.services.texts.clock(view["starts_at"], caller.language)
                if view["starts_at"]
                else "–"
            )
            rows.append(
                [
                    InlineKeyboardButton(
                        f"{caller.label('b2b_cancel_meeting')} · {when} {view['with']}"[:60],
                        callback_data=B2bCancelMeeting(view["id"]).data,
                    )
                ]
            )
    rows.append([caller.button("b2b_back", B2bHub(event.id))])
    await show(update, text, rows)


async def calendar_pressed(update: Update, context: AssistantContext) -> None:
    """Send the person's meetings at the event as a calendar file."""
    caller = context.caller
    event = matchmaking_event(caller, B2bCalendar.of(update).event_id)
    if event is None:
        await gone(update, caller)
        return
    views = [v for v in await _agenda_views(caller, event) if v["status"] == "scheduled"]
    if not views:
        await show_agenda(update, caller, event)
        return
    services = caller.services
    entries = [
        MeetingEntry(
            meeting_id=view["id"],
            starts_at=view["starts_at"],
            ends_at=view["ends_at"],
            summary=caller.render("b2b_calendar_entry", part="summary", meeting=view),
            description=caller.render(
                "b2b_calendar_entry", part="description", meeting=view, event=event
            ),
        )
        for view in views
    ]
    document = meetings_calendar(
        event, entries, services.catalogue.cluster, services.settings.timezone, caller.language
    )
    await context.acknowledge()
    await post(
        context.bot,
        caller.person.id,
        DocumentMessage(document, f"{event.id}-b2b.ics", caller.render("b2b_calendar_caption")),
    )


async def cancel_meeting_pressed(update: Update, context: AssistantContext) -> None:
    """Ask whether to cancel a meeting, then cancel it: the slot is freed, the other told."""
    caller = context.caller
    pressed = B2bCancelMeeting.of(update)
    store = caller.services.matchmaking
    meeting = await store.meeting(pressed.meeting_id)
    if meeting is None or caller.person.id not in (meeting.person_a, meeting.person_b):
        await gone(update, caller)
        return
    event = matchmaking_event(caller, meeting.event_id)
    if event is None or meeting.status == "cancelled":
        await gone(update, caller, meeting.event_id if event else None)
        return
    other = await store.name_of(meeting.other(caller.person.id))
    if pressed.confirmed == "0":
        text = caller.render("b2b_cancel_confirm", meeting=meeting, other=other)
        rows = [
            [caller.button("b2b_cancel_yes", B2bCancelMeeting(meeting.id, "1"))],
            [caller.button("b2b_cancel_no", B2bScreen(event.id, "agenda"))],
        ]
        await show(update, text, rows)
        return
    done = await store.cancel_meeting(meeting.id, caller.person.id, "cancelled", _now())
    note = caller.render("b2b_meeting_cancelled", other=other, done=done is not None)
    await show_agenda(update, caller, event, note=note)


async def outcome_pressed(update: Update, context: AssistantContext) -> None:
    """Record what a meeting led to, as the person says after the event."""
    caller = context.caller
    pressed = B2bOutcome.of(update)
    outcome = OUTCOME_CODES[pressed.outcome]
    recorded = await caller.services.matchmaking.record_outcome(
        pressed.meeting_id, caller.person.id, outcome
    )
    if not recorded:
        await gone(update, caller)
        return
    await show(update, caller.render("b2b_outcome_thanks", outcome=outcome))


# -- forms: the profile, a search, a request's note, an answer's line -----------------------


class NoteForm(Form):
    """The short note that goes with a meeting request (optional)."""

    kind = "b2b_note"
    code = "mn"
    closed_template = "form_cancelled"
    flow = Flow("b2b_note", (TextStep("note", back=False, optional=True, limit=300),))

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        text = call.caller.render("b2b_note_ask", who=call.state.answers.get("who"), reason=reason)
        await show(call.update, text, step_keyboard(call, self))

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        event_id, _, invitee = (call.state.subject or "").partition("|")
        event = matchmaking_event(caller, event_id)
        await call.acknowledge()
        if event is None or event.matchmaking is None or not invitee.isdigit():
            await gone(call.update, caller)
            return None
        refused = await _refusal(caller, event, int(invitee))
        if refused is not None:
            await _show_refusal(call.update, caller, event, refused)
            return None
        made = await caller.services.matchmaking.request(
            event.id,
            caller.person.id,
            int(invitee),
            call.state.answers.get("note"),
            event.matchmaking.pending_cap,
            _now(),
        )
        if made.refused is not None:
            await _show_refusal(call.update, caller, event, made.refused)
            return None
        text = caller.render("b2b_requested", who=call.state.answers.get("who"))
        await show(
            call.update,
            text,
            [
                [caller.button("b2b_requests", B2bScreen(event.id, "requests"))],
                [caller.button("b2b_back", B2bHub(event.id))],
            ],
        )
        return None


NOTE = NoteForm()


class ReplyForm(Form):
    """The optional line that goes with accepting or declining a request."""

    kind = "b2b_reply"
    code = "mr"
    closed_template = "form_cancelled"
    flow = Flow("b2b_reply", (TextStep("reply", back=False, optional=True, limit=300),))

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        answers = call.state.answers
        text = call.caller.render(
            "b2b_reply_ask", who=answers.get("who"), accept=answers.get("accept"), reason=reason
        )
        await show(call.update, text, step_keyboard(call, self))

    async def finish(self, call: FormCall) -> Moved | None:
        caller, answers = call.caller, call.state.answers
        store = caller.services.matchmaking
        await call.acknowledge()
        request = await store.get_request(int(call.state.subject or 0))
        event = matchmaking_event(caller, request.event_id) if request else None
        if request is None or event is None:
            await gone(call.update, caller)
            return None
        accept = bool(answers.get("accept"))
        if accept and event.ends_at <= _now():
            await _show_refusal(call.update, caller, event, CLOSED)
            return None
        done = await store.answer(
            request.id, caller.person.id, accept, answers.get("reply"), schedule_of(event), _now()
        )
        current = await store.get_request(request.id)
        text = caller.render(
            "b2b_answer",
            event=event,
            outcome=done.outcome,
            other=answers.get("who"),
            reply=None,
            meeting=done.meeting,
            to_requester=False,
            status=current.status if current else None,
        )
        await show(
            call.update,
            text,
            [
                [caller.button("b2b_agenda", B2bScreen(event.id, "agenda"))],
                [caller.button("b2b_back", B2bHub(event.id))],
            ],
        )
        return None


REPLY = ReplyForm()
FORMS = (NOTE, REPLY)


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return /b2b and its buttons."""
    return [
        CommandHandler("b2b", b2b_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(hub_pressed, pattern=B2bHub.pattern()),
        # The profile and the search are the shared forms' (handlers.match_forms).
        CallbackQueryHandler(screen_pressed, pattern=B2bScreen.pattern(screen=OWN_SCREENS)),
        CallbackQueryHandler(browse_pressed, pattern=B2bBrowse.pattern()),
        CallbackQueryHandler(narrow_pressed, pattern=B2bNarrow.pattern()),
        CallbackQueryHandler(participant_pressed, pattern=B2bParticipant.pattern()),
        CallbackQueryHandler(request_pressed, pattern=B2bRequest.pattern()),
        CallbackQueryHandler(answer_pressed, pattern=B2bAnswer.pattern()),
        CallbackQueryHandler(withdraw_pressed, pattern=B2bWithdraw.pattern()),
        CallbackQueryHandler(cancel_meeting_pressed, pattern=B2bCancelMeeting.pattern()),
        CallbackQueryHandler(calendar_pressed, pattern=B2bCalendar.pattern()),
        CallbackQueryHandler(outcome_pressed, pattern=B2bOutcome.pattern()),
    ]
