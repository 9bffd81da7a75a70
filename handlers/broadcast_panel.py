"""A broadcast draft's panel, and the buttons that finish it: send now, schedule, discard, stop.

Also the draft whose text or time is being typed, shared with the compose conversation
(handlers/broadcast.py), which wires the handlers here into its states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from telegram import InlineKeyboardButton, Update
from telegram.ext import ConversationHandler

from bot.context import AssistantContext, Caller, Services
from bot.domain.event_form import parse_local_time
from bot.screens.broadcasts import audience_view, stop_data
from handlers.replies import Keyboard, keyboard, show
from storage.broadcasts import (
    REGISTRANT_STATUSES,
    REGISTRANTS,
    SCHEDULED,
    AudienceCount,
    Broadcast,
    BroadcastRepository,
)

# The conversation's states, here because the schedule button opens WHEN.
COMPOSE, VERSION, WHEN = range(3)
SCHEDULE_HORIZON = timedelta(days=366)
# Registrant filters on the draft's buttons: confirmed, waiting list, both.
STATUS_CODES = {"c": ("confirmed",), "w": ("waitlisted",), "b": REGISTRANT_STATUSES}


@dataclass
class BroadcastForm:
    """The draft whose second-language text or sending time the staff member is typing."""

    broadcast_id: int | None = None


def form_of(context: AssistantContext) -> BroadcastForm:
    assert context.chat_data is not None
    form = context.chat_data.get(BroadcastForm)
    if not isinstance(form, BroadcastForm):
        form = context.chat_data[BroadcastForm] = BroadcastForm()
    return form


def drop_form(context: AssistantContext) -> None:
    if context.chat_data is not None:
        context.chat_data.pop(BroadcastForm, None)


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
    version = [caller.button(f"broadcast_{action}_{other}", f"bc:tx:{number}")]
    if broadcast.has_second_version:
        version.append(caller.button(f"broadcast_remove_{other}", f"bc:rx:{number}"))
    rows: list[list[InlineKeyboardButton]] = [
        [caller.button("broadcast_audience", f"bc:au:{number}")]
    ]
    if broadcast.audience.kind == REGISTRANTS:
        rows.append(
            [
                caller.button(f"broadcast_registrants_{code}", f"bc:rs:{number}:{code}")
                for code in STATUS_CODES
            ]
        )
    rows.append(version)
    send = [caller.button("broadcast_schedule", f"bc:at:{number}")]
    if count.total:
        send.insert(0, caller.button("broadcast_send_now", f"bc:go:{number}"))
    rows += [send, [caller.button("broadcast_discard", f"bc:del:{number}")]]
    return rows


async def send_panel(
    context: AssistantContext, chat_id: int, caller: Caller, broadcast: Broadcast
) -> None:
    """Send the panel as a new message, below the previews it is about."""
    text, rows = await panel_screen(caller, broadcast)
    await context.bot.send_message(chat_id, text, reply_markup=keyboard(rows))


async def own_draft(update: Update, context: AssistantContext, caller: Caller) -> Broadcast | None:
    """Return the draft named by the button, if it is this staff member's and still a draft."""
    broadcast_id = int(context.match.group(2))
    draft = await repository(caller.services).draft_of(broadcast_id, caller.person.id)
    if draft is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
    return draft


async def view(update: Update, context: AssistantContext) -> int:
    """Show the draft's panel again."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return ConversationHandler.END
    text, rows = await panel_screen(caller, draft)
    await show(update, text, rows)
    return ConversationHandler.END


async def typing_for(context: AssistantContext, caller: Caller) -> Broadcast | None:
    """Return the draft whose text or time is being typed, if it is still a draft."""
    broadcast_id = form_of(context).broadcast_id
    if broadcast_id is None:
        return None
    return await repository(caller.services).draft_of(broadcast_id, caller.person.id)


async def form_gone(update: Update, context: AssistantContext, caller: Caller) -> int:
    drop_form(context)
    await show(update, caller.render("not_available"), [[caller.button("staff_menu", "sm:home")]])
    return ConversationHandler.END


# -- sending now, scheduling, discarding, stopping -------------------------------------------


async def send_now(update: Update, context: AssistantContext) -> int:
    """Start sending: the dispatcher turns the panel into the progress message."""
    caller = context.caller
    query = update.callback_query
    assert query is not None and query.message is not None
    broadcast_id = int(context.match.group(2))
    started = await repository(caller.services).start(
        broadcast_id,
        caller.person.id,
        datetime.now(UTC),
        query.message.chat.id,
        query.message.message_id,
    )
    if started is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return ConversationHandler.END
    await caller.services.audit.record(
        caller.person.id,
        "broadcast.send",
        f"broadcast:{started.id}",
        {"audience": started.audience.to_document(), "recipients": started.recipients},
    )
    await context.acknowledge(caller.label("broadcast_started"))
    return ConversationHandler.END


async def ask_when(update: Update, context: AssistantContext) -> int:
    """Ask when to send: a typed time, or a quick button."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return ConversationHandler.END
    form_of(context).broadcast_id = draft.id
    await _ask_when(update, caller, draft)
    return WHEN


async def _ask_when(
    update: Update, caller: Caller, draft: Broadcast, reason: str | None = None
) -> None:
    text = caller.render(
        "broadcast_when",
        broadcast=draft,
        reason=reason,
        zone=caller.services.settings.timezone.key,
    )
    number = draft.id
    rows: Keyboard = [
        [
            caller.button("broadcast_in_an_hour", f"bc:q:{number}:h1"),
            caller.button("broadcast_tomorrow_morning", f"bc:q:{number}:t9"),
        ],
        [caller.button("back", f"bc:v:{number}")],
    ]
    await show(update, text, rows)


def quick_time(code: str, now: datetime, services: Services) -> datetime:
    """Return the time a quick button stands for: in an hour, or tomorrow at 09:00 local."""
    if code == "h1":
        return (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    zone = services.settings.timezone
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(9, 0), tzinfo=zone).astimezone(UTC)


async def quick_chosen(update: Update, context: AssistantContext) -> int:
    """Schedule the draft for the time of the quick button."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return ConversationHandler.END
    at = quick_time(context.match.group(3), datetime.now(UTC), caller.services)
    return await _schedule(update, context, caller, draft, at)


async def when_typed(update: Update, context: AssistantContext) -> int:
    """Schedule the draft for a typed time in the cluster's zone, or ask again with why."""
    caller = context.caller
    message = update.effective_message
    assert message is not None
    draft = await typing_for(context, caller)
    if draft is None:
        return await form_gone(update, context, caller)
    now = datetime.now(UTC)
    at = parse_local_time(message.text or "", caller.services.settings.timezone)
    reason = None
    if at is None:
        reason = "moment"
    elif at <= now:
        reason = "past"
    elif at > now + SCHEDULE_HORIZON:
        reason = "far"
    if at is None or reason is not None:
        await _ask_when(update, caller, draft, reason)
        return WHEN
    return await _schedule(update, context, caller, draft, at)


async def not_a_time(update: Update, context: AssistantContext) -> int:
    """Ask again for the time after something that is not text."""
    caller = context.caller
    draft = await typing_for(context, caller)
    if draft is None:
        return await form_gone(update, context, caller)
    await _ask_when(update, caller, draft, "moment")
    return WHEN


async def _schedule(
    update: Update, context: AssistantContext, caller: Caller, draft: Broadcast, at: datetime
) -> int:
    drop_form(context)
    store = repository(caller.services)
    scheduled = await store.schedule(draft.id, caller.person.id, at)
    if scheduled is None:
        return await form_gone(update, context, caller)
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
        [caller.button("broadcast_unschedule", stop_data(scheduled.id))],
        [caller.button("staff_menu", "sm:home")],
    ]
    await show(update, text, rows)
    return ConversationHandler.END


async def discard(update: Update, context: AssistantContext) -> int:
    """Delete the draft; nothing is sent."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return ConversationHandler.END
    drop_form(context)
    await repository(caller.services).discard(draft.id, caller.person.id)
    await show(
        update,
        caller.render("broadcast_closed", what="discarded", number=draft.id),
        [[caller.button("staff_menu", "sm:home")]],
    )
    return ConversationHandler.END


async def stop(update: Update, context: AssistantContext) -> None:
    """Cancel a scheduled broadcast, or stop one being sent: nothing waiting goes out."""
    caller = context.caller
    broadcast_id = int(context.match.group(1))
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
            [[caller.button("staff_menu", "sm:home")]],
        )
        return
    # The dispatcher edits the progress message and sends the report once in-flight settle.
    await context.acknowledge(caller.label("broadcast_stopping"))
