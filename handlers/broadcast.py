"""`/broadcast`: staff write an announcement, choose who gets it, preview it, send or schedule it.

The draft is a row in SQLite (storage.broadcasts) and every button carries its id, so the
buttons keep working after a restart and a forged one is checked like any other: staff only,
the staff member's own draft, still a draft. Only typed answers (the announcement itself, the
second language's text, a time) need a conversation state. Sending belongs to the dispatcher
(bot/dispatcher.py): it claims the recipients' rows within the shared rate budget, edits the
progress message shown here and sends the final report.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.cluster import Cluster, ClusterContext
from bot.event_form import parse_local_time
from bot.texts import Texts
from handlers.links import ENTRY_ID
from handlers.replies import Keyboard, Visit, acknowledge, keyboard, show, visit
from handlers.staff_access import staff_only
from storage.broadcasts import (
    ATTENDEES,
    DOCUMENT,
    EVERYONE,
    LANGUAGE,
    PHOTO,
    REGISTRANT_STATUSES,
    REGISTRANTS,
    SCHEDULED,
    SECTOR,
    SENDING,
    Audience,
    AudienceCount,
    Broadcast,
    BroadcastRepository,
    Progress,
)

COMPOSE, VERSION, WHEN = range(3)
FORM_TIMEOUT = 30 * 60
# Events offered when choosing an event's registrants or attendees.
EVENTS_LISTED = 8
EVENT_TITLE_SHOWN = 48
# Telegram's limit for a photo's or document's caption.
CAPTION_LIMIT = 1024
SCHEDULE_HORIZON = timedelta(days=366)
BROADCAST_ID = r"(\d{1,10})"
# Registrant filters on the draft's buttons: confirmed, waiting list, both.
STATUS_CODES = {"c": ("confirmed",), "w": ("waitlisted",), "b": REGISTRANT_STATUSES}
# Audience choices: the list each opens, and the code of one choice in it.
AUDIENCE_LISTS = ("au", "sec", "lng", "reg", "att")
AUDIENCE_CODES = {"all": EVERYONE, "s": SECTOR, "l": LANGUAGE, "r": REGISTRANTS, "p": ATTENDEES}
CODE_OF_AUDIENCE = {kind: code for code, kind in AUDIENCE_CODES.items()}


@dataclass
class BroadcastForm:
    """The draft whose second-language text or sending time the staff member is typing."""

    broadcast_id: int | None = None


def _form(context: ClusterContext) -> BroadcastForm:
    assert context.chat_data is not None
    form = context.chat_data.get(BroadcastForm)
    if not isinstance(form, BroadcastForm):
        form = context.chat_data[BroadcastForm] = BroadcastForm()
    return form


def _drop_form(context: ClusterContext) -> None:
    if context.chat_data is not None:
        context.chat_data.pop(BroadcastForm, None)


def repository(cluster: Cluster) -> BroadcastRepository:
    """Return the broadcasts' repository."""
    return BroadcastRepository(cluster.database, cluster.settings.default_language)


# -- what members get, and what staff see while it goes out ------------------------------


async def post_broadcast(
    bot: Bot, chat_id: int, broadcast: Broadcast, language: str, texts: Texts
) -> Message:
    """Send the broadcast in `language` to one chat: a member, or the staff's preview."""
    body = texts.render(language, "broadcast_message", body=broadcast.text_for(language))
    if broadcast.media_kind == PHOTO:
        assert broadcast.media_file_id is not None
        return await bot.send_photo(chat_id, broadcast.media_file_id, caption=body or None)
    if broadcast.media_kind == DOCUMENT:
        assert broadcast.media_file_id is not None
        return await bot.send_document(chat_id, broadcast.media_file_id, caption=body or None)
    return await bot.send_message(chat_id, body)


def audience_view(cluster: Cluster, audience: Audience, language: str) -> dict[str, Any]:
    """Return what the templates need to name an audience in `language`."""
    name = audience.value
    if audience.kind == SECTOR:
        sector = cluster.catalogue.sector(audience.value or "")
        name = sector.name.get(language) if sector is not None else name
    elif audience.kind in (REGISTRANTS, ATTENDEES):
        event = cluster.catalogue.event(audience.value or "")
        name = event.title.get(language) if event is not None else name
    return {
        "kind": audience.kind,
        "value": audience.value,
        "name": name,
        "statuses": list(audience.statuses),
    }


def progress_screen(
    cluster: Cluster, broadcast: Broadcast, progress: Progress, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return the progress message of a broadcast being sent (or just finished)."""
    texts = cluster.texts
    text = texts.render(
        language,
        "broadcast_progress",
        broadcast=broadcast,
        progress=progress,
        audience=audience_view(cluster, broadcast.audience, language),
        rate=cluster.settings.broadcast_rate,
    )
    if broadcast.status != SENDING:
        return text, None
    stop = InlineKeyboardButton(
        texts.label(language, "broadcast_stop"), callback_data=stop_data(broadcast.id)
    )
    return text, InlineKeyboardMarkup([[stop]])


def report_text(cluster: Cluster, broadcast: Broadcast, language: str) -> str:
    """Return the final report of a finished or cancelled broadcast."""
    seconds = 0
    if broadcast.started_at is not None and broadcast.finished_at is not None:
        seconds = max(0, round((broadcast.finished_at - broadcast.started_at).total_seconds()))
    return cluster.texts.render(
        language,
        "broadcast_report",
        broadcast=broadcast,
        audience=audience_view(cluster, broadcast.audience, language),
        minutes=seconds // 60,
        seconds=seconds % 60,
    )


def stop_data(broadcast_id: int) -> str:
    """Return the callback data of the button that stops a scheduled or sending broadcast."""
    return f"bc:stop:{broadcast_id}"


# -- writing the announcement ------------------------------------------------------------------


async def begin(update: Update, context: ClusterContext) -> int:
    """Ask for the announcement, listing the ones already scheduled."""
    guest = await visit(update, context)
    await acknowledge(update)
    _drop_form(context)
    await _ask_content(update, guest)
    return COMPOSE


async def _ask_content(
    update: Update, guest: Visit, reason: str | None = None, error: str | None = None
) -> None:
    scheduled = await repository(guest.cluster).scheduled()
    text = guest.render(
        "broadcast_compose",
        reason=reason,
        scheduled=scheduled,
        main=guest.cluster.settings.default_language,
        error=error,
    )
    rows: Keyboard = [
        [
            InlineKeyboardButton(
                f"#{broadcast.id} · {guest.label('broadcast_unschedule')}",
                callback_data=stop_data(broadcast.id),
            )
        ]
        for broadcast in scheduled
    ]
    await show(update, text, rows)


def _content(message: Message) -> tuple[str | None, str | None, str | None]:
    """Return (HTML text, media kind, file id) of the staff member's message."""
    if message.photo:
        caption = message.caption_html if message.caption else None
        return caption, PHOTO, message.photo[-1].file_id
    if message.document is not None:
        caption = message.caption_html if message.caption else None
        return caption, DOCUMENT, message.document.file_id
    return message.text_html, None, None


async def composed(update: Update, context: ClusterContext) -> int:
    """Store the announcement as a draft to everyone and show its preview."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    html, media_kind, file_id = _content(message)
    store = repository(guest.cluster)
    broadcast = await store.create_draft(
        guest.member.id,
        guest.cluster.settings.default_language,
        html,
        media_kind,
        file_id,
        datetime.now(UTC),
    )
    problem = await _post_previews(context, message.chat_id, guest, broadcast)
    if problem is not None:
        await store.discard(broadcast.id, guest.member.id)
        await _ask_content(update, guest, "refused", error=problem)
        return COMPOSE
    await _send_panel(context, message.chat_id, guest, broadcast)
    return ConversationHandler.END


async def not_composable(update: Update, context: ClusterContext) -> int:
    """Ask again after a sticker, a voice message or anything else that can't be broadcast."""
    guest = await visit(update, context)
    await _ask_content(update, guest, "kind")
    return COMPOSE


async def _post_previews(
    context: ClusterContext,
    chat_id: int,
    guest: Visit,
    broadcast: Broadcast,
    languages: tuple[str, ...] | None = None,
) -> str | None:
    """Send the staff member each version exactly as members get it; return Telegram's refusal."""
    if languages is None:
        languages = (broadcast.main_language,)
        if broadcast.has_second_version:
            languages += (broadcast.other_language,)
    try:
        for language in languages:
            await post_broadcast(context.bot, chat_id, broadcast, language, guest.cluster.texts)
    except BadRequest as error:
        return error.message
    return None


# -- the draft's panel: audience, second language, send, schedule, discard ------------------


async def _panel(guest: Visit, broadcast: Broadcast) -> tuple[str, Keyboard]:
    count = await repository(guest.cluster).count_audience(broadcast.audience)
    text = guest.render(
        "broadcast_panel",
        broadcast=broadcast,
        audience=audience_view(guest.cluster, broadcast.audience, guest.language),
        count=count,
    )
    return text, _panel_rows(guest, broadcast, count)


def _panel_rows(guest: Visit, broadcast: Broadcast, count: AudienceCount) -> Keyboard:
    number = broadcast.id
    other = broadcast.other_language
    action = "change" if broadcast.has_second_version else "add"
    version = [guest.button(f"broadcast_{action}_{other}", f"bc:tx:{number}")]
    if broadcast.has_second_version:
        version.append(guest.button(f"broadcast_remove_{other}", f"bc:rx:{number}"))
    rows: list[list[InlineKeyboardButton]] = [
        [guest.button("broadcast_audience", f"bc:au:{number}")]
    ]
    if broadcast.audience.kind == REGISTRANTS:
        rows.append(
            [
                guest.button(f"broadcast_registrants_{code}", f"bc:rs:{number}:{code}")
                for code in STATUS_CODES
            ]
        )
    rows.append(version)
    send = [guest.button("broadcast_schedule", f"bc:at:{number}")]
    if count.total:
        send.insert(0, guest.button("broadcast_send_now", f"bc:go:{number}"))
    rows += [send, [guest.button("broadcast_discard", f"bc:del:{number}")]]
    return rows


async def _send_panel(
    context: ClusterContext, chat_id: int, guest: Visit, broadcast: Broadcast
) -> None:
    """Send the panel as a new message, below the previews it is about."""
    text, rows = await _panel(guest, broadcast)
    await context.bot.send_message(chat_id, text, reply_markup=keyboard(rows))


async def _own_draft(update: Update, context: ClusterContext, guest: Visit) -> Broadcast | None:
    """Return the draft named by the button, if it is this staff member's and still a draft."""
    assert context.matches is not None
    broadcast_id = int(context.matches[0].group(2))
    draft = await repository(guest.cluster).draft_of(broadcast_id, guest.member.id)
    if draft is None:
        await acknowledge(update, guest.render("not_available"), alert=True)
    return draft


async def view(update: Update, context: ClusterContext) -> int:
    """Show the draft's panel again."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    text, rows = await _panel(guest, draft)
    await show(update, text, rows)
    return ConversationHandler.END


async def audience_list(update: Update, context: ClusterContext) -> int:
    """Show the audience choices, or one list of them: sectors, languages, events."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    assert context.matches is not None
    step = context.matches[0].group(1)
    number = draft.id
    cluster = guest.cluster
    events = []
    rows: list[list[InlineKeyboardButton]] = []
    if step == "au":
        rows = [
            [guest.button("broadcast_to_everyone", f"bc:all:{number}")],
            [guest.button("broadcast_by_sector", f"bc:sec:{number}")],
            [guest.button("broadcast_by_language", f"bc:lng:{number}")],
            [guest.button("broadcast_to_registrants", f"bc:reg:{number}")],
            [guest.button("broadcast_to_attendees", f"bc:att:{number}")],
        ]
    elif step == "sec":
        rows = [
            [
                InlineKeyboardButton(
                    sector.name.get(guest.language), callback_data=f"bc:s:{number}:{sector.id}"
                )
            ]
            for sector in cluster.catalogue.sectors
        ]
    elif step == "lng":
        rows = [
            [guest.button(f"broadcast_language_{language}", f"bc:l:{number}:{language}")]
            for language in ("tr", "en")
        ]
    else:
        now = datetime.now(UTC)
        if step == "reg":
            events = sorted(
                (e for e in cluster.catalogue.events if e.ends_at > now), key=lambda e: e.starts_at
            )[:EVENTS_LISTED]
        else:
            events = sorted(
                (e for e in cluster.catalogue.events if e.ends_at <= now),
                key=lambda e: e.starts_at,
                reverse=True,
            )[:EVENTS_LISTED]
        code = "r" if step == "reg" else "p"
        zone = cluster.settings.timezone
        rows = [
            [
                InlineKeyboardButton(
                    f"{event.starts_at.astimezone(zone):%d.%m} · "
                    f"{_shorten(event.title.get(guest.language))}",
                    callback_data=f"bc:{code}:{number}:{event.id}",
                )
            ]
            for event in events
        ]
    back = f"bc:v:{number}" if step == "au" else f"bc:au:{number}"
    rows.append([guest.button("back", back)])
    text = guest.render(
        "broadcast_audience",
        broadcast=draft,
        step=step,
        events=events,
        audience=audience_view(cluster, draft.audience, guest.language),
    )
    await show(update, text, rows)
    return ConversationHandler.END


def _shorten(title: str) -> str:
    if len(title) <= EVENT_TITLE_SHOWN:
        return title
    return title[: EVENT_TITLE_SHOWN - 1].rstrip() + "…"


async def audience_chosen(update: Update, context: ClusterContext) -> int:
    """Set the draft's audience to the choice pressed, then show the panel with its count."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    assert context.matches is not None
    code, _, value = context.matches[0].groups()
    audience = _audience(guest.cluster, draft, code, value)
    if audience is None:
        await acknowledge(update, guest.render("not_available"), alert=True)
        return ConversationHandler.END
    await acknowledge(update)
    changed = await repository(guest.cluster).set_audience(draft.id, guest.member.id, audience)
    if changed is not None:
        text, rows = await _panel(guest, changed)
        await show(update, text, rows)
    return ConversationHandler.END


def _audience(cluster: Cluster, draft: Broadcast, code: str, value: str | None) -> Audience | None:
    """Return the audience a button stands for, or None when it names nothing that exists."""
    if code == "rs":
        statuses = STATUS_CODES.get(value or "")
        if draft.audience.kind != REGISTRANTS or statuses is None:
            return None
        return Audience(REGISTRANTS, draft.audience.value, statuses)
    kind = AUDIENCE_CODES[code]
    if kind == EVERYONE:
        return Audience()
    if kind == SECTOR and cluster.catalogue.sector(value or "") is None:
        return None
    if kind == LANGUAGE and value not in ("tr", "en"):
        return None
    if kind in (REGISTRANTS, ATTENDEES) and cluster.catalogue.event(value or "") is None:
        return None
    return Audience(kind, value)


# -- the second language's version --------------------------------------------------------


async def ask_version(update: Update, context: ClusterContext) -> int:
    """Ask for the text members of the other language get."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    _form(context).broadcast_id = draft.id
    await _ask_version(update, guest, draft)
    return VERSION


async def _ask_version(
    update: Update, guest: Visit, draft: Broadcast, reason: str | None = None, length: int = 0
) -> None:
    text = guest.render(
        "broadcast_version", broadcast=draft, reason=reason, limit=CAPTION_LIMIT, length=length
    )
    await show(update, text, [[guest.button("back", f"bc:v:{draft.id}")]])


async def version_typed(update: Update, context: ClusterContext) -> int:
    """Store the second language's text and preview it."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    draft = await _typing_for(context, guest)
    if draft is None:
        return await _form_gone(update, context, guest)
    text = message.text or ""
    if draft.media_kind is not None and len(text) > CAPTION_LIMIT:
        await _ask_version(update, guest, draft, "too_long", len(text))
        return VERSION
    store = repository(guest.cluster)
    changed = await store.set_version(
        draft.id, guest.member.id, draft.other_language, message.text_html
    )
    if changed is None:
        return await _form_gone(update, context, guest)
    _drop_form(context)
    problem = await _post_previews(
        context, message.chat_id, guest, changed, (changed.other_language,)
    )
    if problem is not None:
        changed = await store.set_version(draft.id, guest.member.id, draft.other_language, None)
        assert changed is not None
        await _ask_version(update, guest, changed, "refused")
        _form(context).broadcast_id = draft.id
        return VERSION
    await _send_panel(context, message.chat_id, guest, changed)
    return ConversationHandler.END


async def not_a_version(update: Update, context: ClusterContext) -> int:
    """Ask again for text after a photo, a sticker or a file."""
    guest = await visit(update, context)
    draft = await _typing_for(context, guest)
    if draft is None:
        return await _form_gone(update, context, guest)
    await _ask_version(update, guest, draft, "text")
    return VERSION


async def remove_version(update: Update, context: ClusterContext) -> int:
    """Drop the second language's text: everyone gets the main one."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    changed = await repository(guest.cluster).set_version(
        draft.id, guest.member.id, draft.other_language, None
    )
    if changed is not None:
        text, rows = await _panel(guest, changed)
        await show(update, text, rows)
    return ConversationHandler.END


async def _typing_for(context: ClusterContext, guest: Visit) -> Broadcast | None:
    """Return the draft whose text or time is being typed, if it is still a draft."""
    broadcast_id = _form(context).broadcast_id
    if broadcast_id is None:
        return None
    return await repository(guest.cluster).draft_of(broadcast_id, guest.member.id)


async def _form_gone(update: Update, context: ClusterContext, guest: Visit) -> int:
    _drop_form(context)
    await show(update, guest.render("not_available"), [[guest.button("staff_menu", "sm:home")]])
    return ConversationHandler.END


# -- sending now, scheduling, discarding, stopping -------------------------------------------


async def send_now(update: Update, context: ClusterContext) -> int:
    """Start sending: the dispatcher turns the panel into the progress message."""
    guest = await visit(update, context)
    assert context.matches is not None
    query = update.callback_query
    assert query is not None and query.message is not None
    broadcast_id = int(context.matches[0].group(2))
    started = await repository(guest.cluster).start(
        broadcast_id,
        guest.member.id,
        datetime.now(UTC),
        query.message.chat.id,
        query.message.message_id,
    )
    if started is None:
        await acknowledge(update, guest.render("not_available"), alert=True)
        return ConversationHandler.END
    await guest.cluster.audit.record(
        guest.member.id,
        "broadcast.send",
        f"broadcast:{started.id}",
        {"audience": started.audience.to_document(), "recipients": started.recipients},
    )
    await acknowledge(update, guest.label("broadcast_started"))
    return ConversationHandler.END


async def ask_when(update: Update, context: ClusterContext) -> int:
    """Ask when to send: a typed time, or a quick button."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    _form(context).broadcast_id = draft.id
    await _ask_when(update, guest, draft)
    return WHEN


async def _ask_when(
    update: Update, guest: Visit, draft: Broadcast, reason: str | None = None
) -> None:
    text = guest.render(
        "broadcast_when",
        broadcast=draft,
        reason=reason,
        zone=guest.cluster.settings.timezone.key,
    )
    number = draft.id
    rows: Keyboard = [
        [
            guest.button("broadcast_in_an_hour", f"bc:q:{number}:h1"),
            guest.button("broadcast_tomorrow_morning", f"bc:q:{number}:t9"),
        ],
        [guest.button("back", f"bc:v:{number}")],
    ]
    await show(update, text, rows)


def quick_time(code: str, now: datetime, cluster: Cluster) -> datetime:
    """Return the time a quick button stands for: in an hour, or tomorrow at 09:00 local."""
    if code == "h1":
        return (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    zone = cluster.settings.timezone
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(9, 0), tzinfo=zone).astimezone(UTC)


async def quick_chosen(update: Update, context: ClusterContext) -> int:
    """Schedule the draft for the time of the quick button."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    assert context.matches is not None
    at = quick_time(context.matches[0].group(3), datetime.now(UTC), guest.cluster)
    return await _schedule(update, context, guest, draft, at)


async def when_typed(update: Update, context: ClusterContext) -> int:
    """Schedule the draft for a typed time in the cluster's zone, or ask again with why."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    draft = await _typing_for(context, guest)
    if draft is None:
        return await _form_gone(update, context, guest)
    now = datetime.now(UTC)
    at = parse_local_time(message.text or "", guest.cluster.settings.timezone)
    reason = None
    if at is None:
        reason = "moment"
    elif at <= now:
        reason = "past"
    elif at > now + SCHEDULE_HORIZON:
        reason = "far"
    if at is None or reason is not None:
        await _ask_when(update, guest, draft, reason)
        return WHEN
    return await _schedule(update, context, guest, draft, at)


async def not_a_time(update: Update, context: ClusterContext) -> int:
    """Ask again for the time after something that is not text."""
    guest = await visit(update, context)
    draft = await _typing_for(context, guest)
    if draft is None:
        return await _form_gone(update, context, guest)
    await _ask_when(update, guest, draft, "moment")
    return WHEN


async def _schedule(
    update: Update, context: ClusterContext, guest: Visit, draft: Broadcast, at: datetime
) -> int:
    _drop_form(context)
    store = repository(guest.cluster)
    scheduled = await store.schedule(draft.id, guest.member.id, at)
    if scheduled is None:
        return await _form_gone(update, context, guest)
    await guest.cluster.audit.record(
        guest.member.id,
        "broadcast.schedule",
        f"broadcast:{scheduled.id}",
        {"scheduled_at": at.isoformat(), "audience": scheduled.audience.to_document()},
    )
    count = await store.count_audience(scheduled.audience)
    text = guest.render(
        "broadcast_scheduled",
        broadcast=scheduled,
        count=count,
        audience=audience_view(guest.cluster, scheduled.audience, guest.language),
    )
    rows = [
        [guest.button("broadcast_unschedule", stop_data(scheduled.id))],
        [guest.button("staff_menu", "sm:home")],
    ]
    await show(update, text, rows)
    return ConversationHandler.END


async def discard(update: Update, context: ClusterContext) -> int:
    """Delete the draft; nothing is sent."""
    guest = await visit(update, context)
    draft = await _own_draft(update, context, guest)
    if draft is None:
        return ConversationHandler.END
    await acknowledge(update)
    _drop_form(context)
    await repository(guest.cluster).discard(draft.id, guest.member.id)
    await show(
        update,
        guest.render("broadcast_closed", what="discarded", number=draft.id),
        [[guest.button("staff_menu", "sm:home")]],
    )
    return ConversationHandler.END


async def stop(update: Update, context: ClusterContext) -> None:
    """Cancel a scheduled broadcast, or stop one being sent: nothing waiting goes out."""
    guest = await visit(update, context)
    assert context.matches is not None
    broadcast_id = int(context.matches[0].group(1))
    before = await repository(guest.cluster).cancel(
        broadcast_id, guest.member.id, datetime.now(UTC)
    )
    if before is None:
        await acknowledge(update, guest.render("not_available"), alert=True)
        return
    await guest.cluster.audit.record(
        guest.member.id, "broadcast.cancel", f"broadcast:{broadcast_id}", {"was": before.status}
    )
    if before.status == SCHEDULED:
        await acknowledge(update)
        await show(
            update,
            guest.render("broadcast_closed", what="unscheduled", number=broadcast_id),
            [[guest.button("staff_menu", "sm:home")]],
        )
        return
    # The dispatcher edits the progress message and sends the report once in-flight settle.
    await acknowledge(update, guest.label("broadcast_stopping"))


async def cancel(update: Update, context: ClusterContext) -> int:
    """Leave with /cancel; a draft already shown stays usable from its panel."""
    guest = await visit(update, context)
    _drop_form(context)
    await show(update, guest.render("broadcast_closed", what="form", number=0))
    return ConversationHandler.END


async def timed_out(update: Update, context: ClusterContext) -> None:
    """Tell the staff member the broadcast form was closed for lack of an answer."""
    guest = await visit(update, context)
    _drop_form(context)
    chat = update.effective_chat
    if chat is not None:
        text = guest.render("broadcast_closed", what="timeout", number=0)
        await context.bot.send_message(chat.id, text)


# -- wiring --------------------------------------------------------------------------------


def conversation() -> ConversationHandler[ClusterContext]:
    """Return the broadcast conversation."""
    # Tracked per staff member and chat, not per message: the panel's buttons carry the
    # draft's id and work from any message, which is what we want.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation()


def _conversation() -> ConversationHandler[ClusterContext]:
    text = filters.TEXT & ~filters.COMMAND
    content = text | filters.PHOTO | filters.Document.ALL
    other = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    not_text = other & ~filters.TEXT
    lists = "|".join(AUDIENCE_LISTS)
    choices = "|".join(code for code in AUDIENCE_CODES if code != "all")

    def button(callback: Any, pattern: str) -> CallbackQueryHandler[ClusterContext, object]:
        return CallbackQueryHandler(staff_only(callback), pattern=pattern)

    # Every draft button is an entry point: it works in any state, and after a restart.
    buttons = [
        button(view, rf"^bc:(v):{BROADCAST_ID}$"),
        button(audience_list, rf"^bc:({lists}):{BROADCAST_ID}$"),
        button(audience_chosen, rf"^bc:(all):{BROADCAST_ID}()$"),
        button(audience_chosen, rf"^bc:({choices}):{BROADCAST_ID}:({ENTRY_ID})$"),
        button(audience_chosen, rf"^bc:(rs):{BROADCAST_ID}:([cwb])$"),
        button(ask_version, rf"^bc:(tx):{BROADCAST_ID}$"),
        button(remove_version, rf"^bc:(rx):{BROADCAST_ID}$"),
        button(send_now, rf"^bc:(go):{BROADCAST_ID}$"),
        button(ask_when, rf"^bc:(at):{BROADCAST_ID}$"),
        button(quick_chosen, rf"^bc:(q):{BROADCAST_ID}:(h1|t9)$"),
        button(discard, rf"^bc:(del):{BROADCAST_ID}$"),
    ]
    states: dict[object, list[BaseHandler[Update, ClusterContext, object]]] = {
        COMPOSE: [
            MessageHandler(content, staff_only(composed)),
            MessageHandler(other, staff_only(not_composable)),
        ],
        VERSION: [
            MessageHandler(text, staff_only(version_typed)),
            MessageHandler(not_text, staff_only(not_a_version)),
        ],
        WHEN: [
            MessageHandler(text, staff_only(when_typed)),
            MessageHandler(not_text, staff_only(not_a_time)),
        ],
        ConversationHandler.TIMEOUT: [TypeHandler(Update, staff_only(timed_out))],
    }
    return ConversationHandler(
        entry_points=[
            CommandHandler("broadcast", staff_only(begin), filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(staff_only(begin), pattern=r"^sm:broadcast$"),
            *buttons,
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", staff_only(cancel))],
        conversation_timeout=FORM_TIMEOUT,
        name="broadcast",
        allow_reentry=True,
    )


def handlers() -> list[BaseHandler[Update, ClusterContext, Any]]:
    """Return this feature's handlers."""
    return [
        conversation(),
        # Outside the conversation: a progress message's button works whatever is being typed.
        CallbackQueryHandler(staff_only(stop), pattern=rf"^bc:stop:{BROADCAST_ID}$"),
    ]
