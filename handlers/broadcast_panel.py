"""A broadcast draft's panel, and the buttons that finish it: send now, schedule, discard, stop.

The sending time typed after "Schedule" is a step of the broadcast form (handlers/broadcast.py),
which uses `ask_when` and `schedule_typed` here.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from telegram import InlineKeyboardButton, Update

from bot.context import AssistantContext, Caller, Services
from bot.domain.moments import read_moment
from bot.screens.broadcasts import audience_view
from bot.screens.buttons import (
    STAFF_HOME,
    AudienceChoice,
    DraftStep,
    QuickTime,
    RegistrantStatus,
    StopBroadcast,
)
from handlers.broadcast_approval import ask_approval, needs_approval
from handlers.replies import Keyboard, keyboard, show
from storage.broadcasts import (
    REGISTRANT_STATUSES,
    REGISTRANTS,
    SCHEDULED,
    AudienceCount,
    Broadcast,
    BroadcastRepository,
)

SCHEDULE_HORIZON = timedelta(days=366)
# Registrant filters on the draft's buttons: confirmed, waiting list, both.
STATUS_CODES = {"c": ("confirmed",), "w": ("waitlisted",), "b": REGISTRANT_STATUSES}


def repository(services: Services) -> BroadcastRepository:
    """Return the broadcasts' repository."""
    return BroadcastRepository(services.database, services.settings.default_language)


# -- the draft's panel ---------------------------------------------------------------------


async def panel_screen(caller: Caller, broadcast: Broadcast) -> tuple[str, Keyboard]:
    count = await repository(caller.services).count_audience(broadcast.audience)
    text = caller.render(
        "broadcast_panel",
        broadcast=broadcast,
        audience=audience_view(caller.services.catalogue, broadcast.audience, caller.language),
        count=count,
    )
    return text, _panel_rows(caller, broadcast, count)


def _panel_rows(caller: Caller, broadcast: Broadcast, count: AudienceCount) -> Keyboard:
    number = broadcast.id
    other = broadcast.other_language
    action = "change" if broadcast.has_second_version else "add"
    version = [caller.button(f"broadcast_{action}_{other}", DraftStep("tx", number))]
    if broadcast.has_second_version:
        version.append(caller.button(f"broadcast_remove_{other}", DraftStep("rx", number)))
    rows: list[list[InlineKeyboardButton]] = [
        [caller.button("broadcast_audience", DraftStep("au", number))]
    ]
    if broadcast.audience.kind == REGISTRANTS:
        rows.append(
            [
                caller.button(f"broadcast_registrants_{code}", RegistrantStatus(number, code))
                for code in STATUS_CODES
            ]
        )
    rows.append(version)
    send = [caller.button("broadcast_schedule", DraftStep("at", number))]
    if count.total:
        send.insert(0, caller.button("broadcast_send_now", DraftStep("go", number)))
    rows += [send, [caller.button("broadcast_discard", DraftStep("del", number))]]
    return rows


async def send_panel(
    context: AssistantContext, chat_id: int, caller: Caller, broadcast: Broadcast
) -> None:
    """Send the panel as a new message, below the previews it is about."""
    text, rows = await panel_screen(caller, broadcast)
    await context.bot.send_message(chat_id, text, reply_markup=keyboard(rows))


def _draft_id(update: Update) -> int:
    """Return the id of the draft whose button was pressed."""
    data = update.callback_query.data or "" if update.callback_query else ""
    pressed = (
        DraftStep.parse(data)
        or AudienceChoice.parse(data)
        or RegistrantStatus.parse(data)
        or QuickTime.parse(data)
    )
    if pressed is None:
        raise ValueError("not a draft's button")
    return pressed.broadcast_id


async def own_draft(update: Update, context: AssistantContext, caller: Caller) -> Broadcast | None:
    """Return the draft named by the button, if it is this staff member's and still a draft."""
    draft = await repository(caller.services).draft_of(_draft_id(update), caller.person.id)
    if draft is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
    return draft


async def view(update: Update, context: AssistantContext) -> None:
    """Show the draft's panel again."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    text, rows = await panel_screen(caller, draft)
    await show(update, text, rows)


async def draft_gone(update: Update, caller: Caller) -> None:
    """Say the draft being worked on is no longer a draft (sent, discarded by a colleague)."""
    await show(update, caller.render("not_available"), [[caller.button("staff_menu", STAFF_HOME)]])


# -- sending now, scheduling, discarding, stopping -------------------------------------------


async def send_now(update: Update, context: AssistantContext) -> None:
    """Start sending: the outbox worker turns the panel into the progress message."""
    caller = context.caller
    query = update.callback_query
    assert query is not None and query.message is not None
    broadcast_id = DraftStep.of(update).broadcast_id
    draft = await repository(caller.services).draft_of(broadcast_id, caller.person.id)
    if draft is not None and needs_approval(caller.services, draft):
        await ask_approval(update, context, caller, draft, None)
        return
    started = await repository(caller.services).start(
        broadcast_id,
        caller.person.id,
        datetime.now(UTC),
        query.message.chat.id,
        query.message.message_id,
    )
    if started is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await caller.services.audit.record(
        caller.person.id,
        "broadcast.send",
        f"broadcast:{started.id}",
        {"audience": started.audience.to_document(), "recipients": started.recipients},
    )
    await context.acknowledge(caller.label("broadcast_started"))


async def show_when(
    update: Update, caller: Caller, draft: Broadcast, reason: str | None = None
) -> None:
    """Ask when to send: a typed time, or a quick button (again, saying why)."""
    text = caller.render(
        "broadcast_when",
        broadcast=draft,
        reason=reason,
        zone=caller.services.settings.timezone.key,
    )
    number = draft.id
    rows: Keyboard = [
        [
            caller.button("broadcast_in_an_hour", QuickTime(number, "h1")),
            caller.button("broadcast_tomorrow_morning", QuickTime(number, "t9")),
        ],
        [caller.button("back", DraftStep("v", number))],
    ]
    await show(update, text, rows)


def quick_time(code: str, now: datetime, services: Services) -> datetime:
    """Return the time a quick button stands for: in an hour, or tomorrow at 09:00 local."""
    if code == "h1":
        return (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    zone = services.settings.timezone
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(9, 0), tzinfo=zone).astimezone(UTC)


async def quick_chosen(update: Update, context: AssistantContext) -> None:
    """Schedule the draft for the time of the quick button."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    at = quick_time(QuickTime.of(update).when, datetime.now(UTC), caller.services)
    await schedule(update, context, caller, draft, at)


def typed_time(text: str, services: Services, now: datetime) -> tuple[datetime | None, str | None]:
    """Return the sending time typed in the cluster's zone, or why it can't be used."""
    at = read_moment(text, services.settings.timezone, now)
    if at is None:
        return None, "moment"
    if at <= now:
        return None, "past"
    if at > now + SCHEDULE_HORIZON:
        return None, "far"
    return at, None


async def schedule(
    update: Update, context: AssistantContext, caller: Caller, draft: Broadcast, at: datetime
) -> None:
    """Schedule the draft and show when it goes out, to how many people."""
    if needs_approval(caller.services, draft):
        await ask_approval(update, context, caller, draft, at)
        return
    store = repository(caller.services)
    scheduled = await store.schedule(draft.id, caller.person.id, at)
    if scheduled is None:
        await draft_gone(update, caller)
        return
    await caller.services.audit.record(
        caller.person.id,
        "broadcast.schedule",
        f"broadcast:{scheduled.id}",
        {"scheduled_at": at.isoformat(), "audience": scheduled.audience.to_document()},
    )
    count = await store.count_audience(scheduled.audience)
    text = caller.render(
        "broadcast_scheduled",
        broadcast=scheduled,
        count=count,
        audience=audience_view(caller.services.catalogue, scheduled.audience, caller.language),
    )
    rows = [
        [caller.button("broadcast_unschedule", StopBroadcast(scheduled.id))],
        [caller.button("staff_menu", STAFF_HOME)],
    ]
    await show(update, text, rows)


async def discard(update: Update, context: AssistantContext) -> None:
    """Delete the draft; nothing is sent."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    await repository(caller.services).discard(draft.id, caller.person.id)
    await show(
        update,
        caller.render("broadcast_closed", what="discarded", number=draft.id),
        [[caller.button("staff_menu", STAFF_HOME)]],
    )


async def stop(update: Update, context: AssistantContext) -> None:
    """Cancel a scheduled broadcast, or stop one being sent: nothing waiting goes out."""
    caller = context.caller
    broadcast_id = StopBroadcast.of(update).broadcast_id
    before = await repository(caller.services).cancel(
        broadcast_id, caller.person.id, datetime.now(UTC)
    )
    if before is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await caller.services.audit.record(
        caller.person.id, "broadcast.cancel", f"broadcast:{broadcast_id}", {"was": before.status}
    )
    if before.status == SCHEDULED:
        await show(
            update,
            caller.render("broadcast_closed", what="unscheduled", number=broadcast_id),
            [[caller.button("staff_menu", STAFF_HOME)]],
        )
        return
    # The outbox worker edits the progress message and sends the report once in-flight settle.
    await context.acknowledge(caller.label("broadcast_stopping"))
