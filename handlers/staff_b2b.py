"""Staff side of a B2B day: the meeting grid (slots x tables), the schedule as a workbook,
placing meetings left waiting, proposing meetings to fill gaps, marking a no-show, and the
follow-up question after the event, whose answers feed the figures shown here."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.b2b_workbook import schedule_workbook
from bot.domain.event_changes import EventRejected, change_event
from bot.domain.forms import ChoiceStep, Flow, Moved, NumberStep, Reply, TextStep
from bot.domain.matchmaking import MatchIndex, proposals, read_sessions, schedule_of
from bot.domain.table_cards import CardWording, table_cards_pdf
from bot.screens.b2b import grid_lines
from bot.screens.buttons import (
    StaffB2b,
    StaffB2bAbsent,
    StaffB2bMeetings,
    StaffB2bMove,
    StaffB2bPeople,
    StaffEventPage,
)
from bot.screens.outgoing import file_name
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import Keyboard, show, show_staff_gone
from handlers.staff_access import staff
from handlers.staff_event_form import rejection
from storage.content import MATCH_SCHEDULING, MAX_TABLES, Event, Matchmaking, MatchSession

PAGE_SIZE = 10
# A place travels in a button as slot * PLACE + table (tables are fewer than a thousand).
PLACE = 1000
KEEP = "keep"
PROPOSALS = 10
WORKBOOK_HEADINGS = (
    "grid",
    "agendas",
    "time",
    "table",
    "participant",
    "with",
    "status",
    "note",
    "status_scheduled",
    "status_held",
    "status_unscheduled",
)


def _event(caller: Caller, event_id: str) -> Event | None:
    event = caller.services.catalogue.event(event_id)
    return event if event is not None and event.matchmaking is not None else None


async def show_grid(update: Update, caller: Caller, event: Event, note: str | None = None) -> None:
    """Show the event's matchmaking: figures, the grid, and what staff can do."""
    store = caller.services.matchmaking
    figures = await store.figures(event.id)
    meetings = await store.meetings(event.id, "scheduled")
    over = event.ends_at <= datetime.now(UTC)
    text = caller.render(
        "staff_b2b",
        event=event,
        figures=figures,
        grid=grid_lines(caller.services.texts, event, meetings, caller.language),
        over=over,
        note=note,
    )
    manage = caller.can(Ability.MANAGE)
    rows: Keyboard = [
        [
            caller.button("staff_b2b_export", StaffB2b(event.id, "export")),
            caller.button("staff_b2b_cards", StaffB2b(event.id, "cards")),
        ],
        [
            caller.button("staff_b2b_fill", StaffB2b(event.id, "fill")),
            caller.button("staff_b2b_propose", StaffB2b(event.id, "propose")),
        ]
        if manage and not over
        else [],
        [caller.button("staff_b2b_settings", StaffB2b(event.id, "settings"))]
        if manage and not over
        else [],
        [
            caller.button("staff_b2b_absent", StaffB2bPeople(event.id)),
            caller.button("staff_b2b_move", StaffB2bMeetings(event.id)),
        ]
        if manage and not over
        else [],
        [caller.button("staff_b2b_followup", StaffB2b(event.id, "followup"))]
        if manage and over
        else [],
        [caller.button("staff_b2b_event", StaffEventPage(event.id))],
    ]
    await show(update, text, rows)


async def grid_pressed(update: Update, context: AssistantContext) -> None:
    """Show the grid, or send it with every agenda as a workbook."""
    caller = context.caller
    pressed = StaffB2b.of(update)
    event = _event(caller, pressed.event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    if pressed.action == "export":
        await send_workbook(context, caller, event)
        return
    if pressed.action == "cards":
        await send_cards(context, caller, event)
        return
    await show_grid(update, caller, event)


async def send_workbook(context: AssistantContext, caller: Caller, event: Event) -> None:
    """Send the grid and the agendas as an Excel workbook (audited)."""
    services = caller.services
    meetings = await services.matchmaking.meetings(event.id)
    people = {p for m in meetings for p in (m.person_a, m.person_b) if p is not None}
    known = await services.matchmaking.names_of(people)
    names = {person: known.get(person, "") for person in people}
    headings = {key: caller.label(f"b2b_sheet_{key}") for key in WORKBOOK_HEADINGS}
    content = schedule_workbook(event, meetings, names, headings, services.settings.timezone)
    await context.acknowledge()
    await context.bot.send_document(
        caller.person.id,
        document=content,
        filename=file_name(
            caller.label("b2b_file_workbook"), event.title.get(caller.language), suffix=".xlsx"
        ),
        caption=caller.render("staff_b2b_export", event=event, meetings=len(meetings)),
    )
    await services.audit.record(
        caller.person.id, "b2b.export", f"event:{event.id}", {"meetings": len(meetings)}
    )


async def send_cards(context: AssistantContext, caller: Caller, event: Event) -> None:
    """Send a printable PDF with one page per table: its times and who meets there."""
    assert event.matchmaking is not None
    services = caller.services
    meetings = await services.matchmaking.meetings(event.id, "scheduled")
    names = await services.matchmaking.names_of(
        p for m in meetings for p in (m.person_a, m.person_b)
    )
    placed = {
        (meeting.slot, meeting.table_no): (
            names.get(meeting.person_a or 0, ""),
            names.get(meeting.person_b or 0, ""),
        )
        for meeting in meetings
        if meeting.slot is not None and meeting.table_no is not None
    }
    times = [services.texts.clock(slot.starts_at, caller.language) for slot in event.slots()]
    wording = CardWording(
        cluster=services.catalogue.cluster.name.get(caller.language),
        title=event.title.get(caller.language),
        table=caller.label("b2b_card_table"),
        columns=(
            caller.label("b2b_sheet_time"),
            caller.label("b2b_sheet_participant"),
            caller.label("b2b_sheet_with"),
        ),
        free=caller.label("b2b_card_free"),
    )
    # A PDF takes a moment to build: off the loop, so updates keep flowing.
    content = await asyncio.to_thread(
        table_cards_pdf, wording, event.matchmaking.tables, times, placed, datetime.now(UTC)
    )
    await context.acknowledge()
    await context.bot.send_document(
        caller.person.id,
        document=content,
        filename=file_name(
            caller.label("b2b_file_cards"), event.title.get(caller.language), suffix=".pdf"
        ),
        caption=caller.render("staff_b2b_cards", event=event, tables=event.matchmaking.tables),
    )


async def act_pressed(update: Update, context: AssistantContext) -> None:
    """Place waiting meetings, propose meetings for free times, or ask for follow-ups."""
    caller = context.caller
    pressed = StaffB2b.of(update)
    event = _event(caller, pressed.event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    store, now = caller.services.matchmaking, datetime.now(UTC)
    over = event.ends_at <= now
    count = 0
    if pressed.action == "fill" and not over:
        count = await store.place_waiting(event.id, schedule_of(event), now)
    elif pressed.action == "propose" and not over:
        count = await _propose(caller, event, now)
    elif pressed.action == "followup" and over:
        count = await store.plan_followups(event.id, now, now)
    note = caller.render("staff_b2b_done", action=pressed.action, count=count, over=over)
    await show_grid(update, caller, event, note)


async def _propose(caller: Caller, event: Event, now: datetime) -> int:
    """Suggest to both sides of the best-matched pairs with free times that they meet."""
    store = caller.services.matchmaking
    listed = await store.listed(event.id)
    index = MatchIndex(listed, caller.services.catalogue.categories)
    meetings = await store.meetings(event.id)
    load: dict[int, int] = {}
    paired: set[frozenset[int]] = set()
    for meeting in meetings:
        if meeting.status == "cancelled" or meeting.person_a is None or meeting.person_b is None:
            continue
        paired.add(frozenset((meeting.person_a, meeting.person_b)))
        for person in (meeting.person_a, meeting.person_b):
            load[person] = load.get(person, 0) + 1
    paired |= await store.waiting_pairs(event.id)
    found = proposals(index, load, paired, len(event.slots()), PROPOSALS)
    pairs: list[tuple[int, int]] = []
    for proposal in found:
        pairs.append((proposal.requester.person_id, proposal.invitee.id))
        pairs.append((proposal.invitee.person_id, proposal.requester.id))
    return await store.propose(event.id, pairs, now)


async def people_pressed(update: Update, context: AssistantContext) -> None:
    """List the listed participants, to mark one absent."""
    caller = context.caller
    pressed = StaffB2bPeople.of(update)
    event = _event(caller, pressed.event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    listed = await caller.services.matchmaking.listed(event.id)
    pages = max(1, -(-len(listed) // PAGE_SIZE))
    page = min(pressed.page, pages - 1)
    shown = listed[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows: list[list[InlineKeyboardButton]] = [
        [
            InlineKeyboardButton(
                f"🚷 {profile.company} · {profile.full_name}"[:60],
                callback_data=StaffB2bAbsent(profile.id).data,
            )
        ]
        for profile in shown
    ]
    moves = []
    if page > 0:
        moves.append(caller.button("previous_page", StaffB2bPeople(event.id, page - 1)))
    if page + 1 < pages:
        moves.append(caller.button("next_page", StaffB2bPeople(event.id, page + 1)))
    rows += [moves, [caller.button("staff_b2b_back", StaffB2b(event.id, "grid"))]]
    text = caller.render("staff_b2b_people", event=event, page=page, pages=pages, count=len(listed))
    await show(update, text, rows)


async def absent_pressed(update: Update, context: AssistantContext) -> None:
    """Ask, then mark a participant absent: their meetings go and the others are told."""
    caller = context.caller
    pressed = StaffB2bAbsent.of(update)
    store = caller.services.matchmaking
    profile = await store.profile_by_id(pressed.profile_id)
    event = _event(caller, profile.event_id or "") if profile is not None else None
    if profile is None or event is None:
        await show_staff_gone(update, caller)
        return
    who: dict[str, Any] = {"name": profile.full_name, "company": profile.company}
    if pressed.confirmed == "0":
        agenda = await store.agenda(event.id, profile.person_id)
        text = caller.render("staff_b2b_absent_confirm", who=who, meetings=len(agenda))
        rows = [
            [caller.button("staff_b2b_absent_yes", StaffB2bAbsent(profile.id, "1"))],
            [caller.button("staff_b2b_back", StaffB2b(event.id, "grid"))],
        ]
        await show(update, text, rows)
        return
    cancelled = await store.mark_absent(event.id, profile.person_id, datetime.now(UTC))
    await caller.services.audit.record(
        caller.person.id, "b2b.absent", f"event:{event.id}", {"meetings": cancelled}
    )
    note = caller.render("staff_b2b_absent_done", who=who, cancelled=cancelled)
    await show_grid(update, caller, event, note)


async def meetings_pressed(update: Update, context: AssistantContext) -> None:
    """List the event's scheduled and waiting meetings, to move one."""
    caller = context.caller
    pressed = StaffB2bMeetings.of(update)
    event = _event(caller, pressed.event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    store = caller.services.matchmaking
    meetings = [m for m in await store.meetings(event.id) if m.status != "cancelled"]
    pages = max(1, -(-len(meetings) // PAGE_SIZE))
    page = min(pressed.page, pages - 1)
    shown = meetings[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    names = await store.names_of(p for m in shown for p in (m.person_a, m.person_b))
    rows: list[list[InlineKeyboardButton]] = []
    for meeting in shown:
        when = (
            caller.services.texts.clock(meeting.starts_at, caller.language)
            if meeting.starts_at
            else "–"
        )
        sides = [names.get(p or 0, "") for p in (meeting.person_a, meeting.person_b)]
        short = " / ".join(name.partition(" · ")[2] or name for name in sides)
        label = f"{when} T{meeting.table_no or '–'} · {short}"[:60]
        rows.append([InlineKeyboardButton(label, callback_data=StaffB2bMove(meeting.id).data)])
    moves = []
    if page > 0:
        moves.append(caller.button("previous_page", StaffB2bMeetings(event.id, page - 1)))
    if page + 1 < pages:
        moves.append(caller.button("next_page", StaffB2bMeetings(event.id, page + 1)))
    rows += [moves, [caller.button("staff_b2b_back", StaffB2b(event.id, "grid"))]]
    text = caller.render("staff_b2b_meetings", event=event, count=len(meetings))
    await show(update, text, rows)


async def move_pressed(update: Update, context: AssistantContext) -> None:
    """Offer the places where both sides are free, then move the meeting there."""
    caller = context.caller
    pressed = StaffB2bMove.of(update)
    store = caller.services.matchmaking
    meeting = await store.meeting(pressed.meeting_id)
    event = _event(caller, meeting.event_id) if meeting is not None else None
    if meeting is None or event is None or meeting.status == "cancelled":
        await show_staff_gone(update, caller)
        return
    now, schedule = datetime.now(UTC), schedule_of(event)
    back = [caller.button("staff_b2b_back", StaffB2b(event.id, "grid"))]
    if pressed.to == 0:
        places = await store.free_places(meeting, schedule, now)
        rows: list[list[InlineKeyboardButton]] = [
            [
                InlineKeyboardButton(
                    caller.render(
                        "staff_b2b_place", starts_at=schedule.slots[slot].starts_at, table=table
                    ),
                    callback_data=StaffB2bMove(meeting.id, slot * PLACE + table).data,
                )
            ]
            for slot, table in places
        ]
        text = caller.render("staff_b2b_move", meeting=meeting, places=len(places))
        await show(update, text, [*rows, back])
        return
    slot, table = divmod(pressed.to, PLACE)
    moved = await store.move(meeting.id, slot, table, schedule, now)
    if moved:
        await caller.services.audit.record(
            caller.person.id, "b2b.move", f"event:{event.id}", {"meeting": meeting.id}
        )
    note = caller.render("staff_b2b_moved", moved=moved)
    await show_grid(update, caller, event, note)


async def settings_pressed(update: Update, context: AssistantContext) -> None:
    """Open the form for the event's sessions, meeting length, tables, cap and placement."""
    caller = context.caller
    event = _event(caller, StaffB2b.of(update).event_id)
    if event is None or event.matchmaking is None:
        await show_staff_gone(update, caller)
        return
    settings = event.matchmaking
    zone = caller.services.settings.timezone
    clock = caller.services.texts.clock
    sessions = settings.sessions or (MatchSession(event.starts_at, event.ends_at),)
    current = {
        "sessions": ", ".join(
            f"{clock(s.starts_at, caller.language)}-{clock(s.ends_at, caller.language)}"
            for s in sessions
        ),
        "minutes": settings.meeting_minutes,
        "tables": settings.tables,
        "cap": settings.pending_cap,
        "scheduling": settings.scheduling,
        "day": event.starts_at.astimezone(zone).date().isoformat(),
    }
    await open_form(
        update, context, caller, SETTINGS, answers={"current": current}, subject=event.id
    )


class SettingsForm(Form):
    """A B2B day's sessions (time windows), meeting length, tables, cap and placement."""

    kind = "b2b_settings"
    code = "mg"
    ability = Ability.MANAGE
    closed_template = "staff_form_closed"
    flow = Flow(
        "b2b_settings",
        (
            TextStep("sessions", back=False, limit=200),
            NumberStep("minutes", minimum=5, maximum=240),
            NumberStep("tables", minimum=1, maximum=MAX_TABLES),
            NumberStep("cap", minimum=1, maximum=100),
            ChoiceStep("scheduling"),
        ),
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(minutes=15)

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        if call.state.step != "scheduling":
            return []
        return [
            (mode, call.caller.label(f"staff_b2b_scheduling_{mode}")) for mode in MATCH_SCHEDULING
        ]

    def translate(self, call: FormCall, reply: Reply) -> Reply:
        current = call.state.answers.get("current", {}).get(call.state.step)
        if reply.pressed == KEEP and current is not None:
            step = call.state.step
            return Reply(pressed=current) if step == "scheduling" else Reply(text=str(current))
        return reply

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        if step != "sessions":
            return value, None
        day = date.fromisoformat(call.state.answers["current"]["day"])
        sessions, reason = read_sessions(str(value), day, call.services.settings.timezone)
        return (value, None) if sessions is not None else (None, reason)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller, step = call.caller, call.state.step
        current = call.state.answers.get("current", {}).get(step)
        shown = caller.label(f"staff_b2b_scheduling_{current}") if step == "scheduling" else current
        text = caller.render("staff_b2b_settings_step", step=step, current=shown, reason=reason)
        rows = [[call.button(self, caller.label("keep_current"), KEEP)], *step_keyboard(call, self)]
        await show(call.update, text, rows)

    async def finish(self, call: FormCall) -> Moved | None:
        caller, answers = call.caller, call.state.answers
        event = _event(caller, call.state.subject or "")
        await call.acknowledge()
        if event is None or event.matchmaking is None:
            await show_staff_gone(call.update, caller)
            return None
        day = date.fromisoformat(answers["current"]["day"])
        sessions, _ = read_sessions(
            str(answers["sessions"]), day, caller.services.settings.timezone
        )
        settings = Matchmaking(
            sessions=sessions or (),
            meeting_minutes=int(answers["minutes"]),
            tables=int(answers["tables"]),
            pending_cap=int(answers["cap"]),
            scheduling=str(answers["scheduling"]),
        )
        store = caller.services.matchmaking
        placed = await store.meetings(event.id, "scheduled")
        # Slots are numbered from the sessions: they stay as they are once meetings sit in them.
        reshaped = (settings.sessions, settings.meeting_minutes) != (
            event.matchmaking.sessions,
            event.matchmaking.meeting_minutes,
        ) and settings.slots(event.starts_at, event.ends_at) != event.slots()
        highest = max((m.table_no or 0 for m in placed), default=0)
        if (placed and reshaped) or settings.tables < highest:
            note = caller.render("staff_b2b_settings_refused", tables=highest, reshaped=reshaped)
            await show_grid(call.update, caller, event, note)
            return None
        try:
            change = await change_event(
                caller.services, caller.person.id, event, replace(event, matchmaking=settings)
            )
        except EventRejected as error:
            await show_grid(call.update, caller, event, rejection(caller, error))
            return None
        current = change.after if change is not None else event
        await show_grid(call.update, caller, current, caller.render("staff_b2b_settings_saved"))
        return None


SETTINGS = SettingsForm()
FORMS = (SETTINGS,)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return the staff's B2B buttons, each with the ability it needs."""
    return [
        *staff(
            Ability.READ,
            [
                CallbackQueryHandler(
                    grid_pressed, pattern=StaffB2b.pattern(action=("grid", "export", "cards"))
                )
            ],
        ),
        *staff(
            Ability.MANAGE,
            [
                CallbackQueryHandler(
                    act_pressed, pattern=StaffB2b.pattern(action=("fill", "propose", "followup"))
                ),
                CallbackQueryHandler(settings_pressed, pattern=StaffB2b.pattern(action="settings")),
                CallbackQueryHandler(people_pressed, pattern=StaffB2bPeople.pattern()),
                CallbackQueryHandler(absent_pressed, pattern=StaffB2bAbsent.pattern()),
                CallbackQueryHandler(meetings_pressed, pattern=StaffB2bMeetings.pattern()),
                CallbackQueryHandler(move_pressed, pattern=StaffB2bMove.pattern()),
            ],
        ),
    ]
