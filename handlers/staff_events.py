"""Staff events: the event list and page, `/newevent`, changing an event, and cancelling it.

One conversation asks the questions of a new event, or of one change from an event's page
(title, description, time, place, capacity, deadline). Each answer is checked and asked
again with the reason; the preview shows the event exactly as members will see it.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardButton, Update
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

from bot.catalogue import EVENT_KINDS
from bot.cluster import ClusterContext
from bot.event_changes import (
    PREVIEW,
    EventDraft,
    EventRejected,
    cancel_event,
    change_event,
    changed_fields,
    publish_event,
)
from handlers.events import render_event
from handlers.links import CODE_OF_KIND, ENTRY_ID, KIND_CODES
from handlers.replies import Keyboard, Visit, acknowledge, show, visit
from handlers.staff_access import staff_only
from storage import events as event_store
from storage.attendees import AttendeeRepository
from storage.catalogue import EventListing

FORM_TIMEOUT = 30 * 60
PAGE_SIZE = 8
# Change codes on the event page's buttons, short to stay inside 64 bytes of callback data.
CHANGE_CODES = {
    "t": "title",
    "d": "description",
    "w": "time",
    "p": "place",
    "c": "capacity",
    "l": "deadline",
}
CODE_OF_CHANGE = {change: code for code, change in CHANGE_CODES.items()}
# Questions that can be left out, and the label of the button that does it.
SKIP_LABELS = {
    "title_en": "staff_same_as_turkish",
    "description_en": "staff_same_as_turkish",
    "location_en": "staff_same_as_turkish",
    "deadline": "staff_until_start",
    "max_per_company": "staff_no_limit",
}
TYPED_STEPS = (
    "title_tr",
    "title_en",
    "description_tr",
    "description_en",
    "starts",
    "ends",
    "location_tr",
    "location_en",
    "online_url",
    "capacity",
    "deadline",
    "max_per_company",
)


# -- the draft, kept per chat while the form is open ---------------------------------------


def _draft(context: ClusterContext) -> EventDraft:
    assert context.chat_data is not None
    draft = context.chat_data.get(EventDraft)
    if not isinstance(draft, EventDraft):
        draft = context.chat_data[EventDraft] = EventDraft()
    return draft


def _start_draft(context: ClusterContext, draft: EventDraft) -> EventDraft:
    assert context.chat_data is not None
    context.chat_data[EventDraft] = draft
    return draft


def _drop_draft(context: ClusterContext) -> None:
    if context.chat_data is not None:
        context.chat_data.pop(EventDraft, None)


# -- the event list and an event's page ------------------------------------------------------


def event_list_data(scope: str = "u", purpose: str = "m", page: int = 0) -> str:
    """Return the callback data of a staff event list: upcoming/past, manage/export."""
    return f"se:l:{scope}:{purpose}:{page}"


def staff_event_data(event_id: str) -> str:
    """Return the callback data that opens an event's staff page."""
    return f"se:s:{event_id}"


async def events_command(update: Update, context: ClusterContext) -> None:
    """List upcoming events for staff."""
    guest = await visit(update, context)
    await acknowledge(update)
    await show_event_list(update, guest, "u", "m", 0)


async def export_command(update: Update, context: ClusterContext) -> None:
    """List events to download an attendee list from."""
    guest = await visit(update, context)
    await acknowledge(update)
    await show_event_list(update, guest, "u", "x", 0)


async def list_page(update: Update, context: ClusterContext) -> None:
    """Show another page or the other half (upcoming, past) of the staff event list."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    scope, purpose, page = context.matches[0].groups()
    await show_event_list(update, guest, scope, purpose, int(page))


async def show_event_list(
    update: Update, guest: Visit, scope: str, purpose: str, page: int
) -> None:
    """Render one page of scheduled events: upcoming soonest first, past latest first."""
    now = datetime.now(UTC)
    events = guest.cluster.catalogue.events
    if scope == "u":
        chosen = sorted((e for e in events if e.ends_at > now), key=lambda e: e.starts_at)
    else:
        chosen = sorted((e for e in events if e.ends_at <= now), key=lambda e: e.starts_at)
        chosen.reverse()
    counts = await event_store.seat_counts(guest.cluster.database)
    pages = max((len(chosen) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    shown = [
        EventListing(event, *counts.get(event.id, (0, 0)))
        for event in chosen[first : first + PAGE_SIZE]
    ]
    text = guest.render(
        "staff_events_list",
        listings=shown,
        first=first,
        page=page,
        pages=pages,
        scope=scope,
        purpose=purpose,
    )
    numbers = [
        InlineKeyboardButton(str(first + index + 1), callback_data=staff_event_data(item.event.id))
        for index, item in enumerate(shown)
    ]
    paging = []
    if page > 0:
        paging.append(guest.button("previous_page", event_list_data(scope, purpose, page - 1)))
    if page < pages - 1:
        paging.append(guest.button("next_page", event_list_data(scope, purpose, page + 1)))
    other = "p" if scope == "u" else "u"
    other_label = "staff_past_events" if scope == "u" else "staff_upcoming_events"
    rows: Keyboard = [
        numbers[:4],
        numbers[4:],
        paging,
        [guest.button(other_label, event_list_data(other, purpose, 0))],
        [guest.button("staff_new_event", "sm:newevent"), guest.button("staff_menu", "sm:home")],
    ]
    await show(update, text, rows)


async def open_event(update: Update, context: ClusterContext) -> None:
    """Open an event's staff page from a button."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    await show_staff_event(update, guest, context.matches[0].group(1))


async def show_staff_event(
    update: Update, guest: Visit, event_id: str, notice: str = "", **details: object
) -> None:
    """Render an event's staff page with what staff can do with it."""
    cluster = guest.cluster
    listing = await cluster.catalogue_store.listing(cluster.catalogue, event_id)
    if listing is None:
        await show(
            update,
            guest.render("not_available"),
            [[guest.button("staff_event_list", event_list_data())]],
        )
        return
    event = listing.event
    attended = await AttendeeRepository(cluster.database).attended_count(event_id)
    timezone = cluster.settings.timezone
    sectors = [
        sector.name.get(guest.language)
        for sector_id in event.sectors
        if (sector := cluster.catalogue.sector(sector_id)) is not None
    ]
    text = guest.render(
        "staff_event",
        event=event,
        listing=listing,
        attended=attended,
        sectors=sectors,
        same_day=event.starts_at.astimezone(timezone).date()
        == event.ends_at.astimezone(timezone).date(),
        link=f"https://t.me/{update.get_bot().username}?start=event_{event.id}",
        notice=notice,
        details=details,
    )
    code = CODE_OF_CHANGE
    rows: Keyboard = [
        [
            guest.button("staff_change_title", f"se:e:{code['title']}:{event.id}"),
            guest.button("staff_change_description", f"se:e:{code['description']}:{event.id}"),
        ],
        [
            guest.button("staff_change_time", f"se:e:{code['time']}:{event.id}"),
            guest.button("staff_change_place", f"se:e:{code['place']}:{event.id}"),
        ],
        [
            guest.button("staff_change_capacity", f"se:e:{code['capacity']}:{event.id}"),
            guest.button("staff_change_deadline", f"se:e:{code['deadline']}:{event.id}"),
        ],
        [
            guest.button("staff_attendees", f"sa:c:{event.id}:0"),
            guest.button("staff_waitlist", f"sa:w:{event.id}:0"),
        ],
        [guest.button("staff_attendance", f"sa:a:{event.id}:0")],
        [
            guest.button("staff_export_csv", f"sa:x:c:{event.id}"),
            guest.button("staff_export_xlsx", f"sa:x:x:{event.id}"),
        ],
        [guest.button("staff_cancel_event", f"se:c:{event.id}")],
        [
            guest.button("staff_event_list", event_list_data()),
            guest.button("staff_menu", "sm:home"),
        ],
    ]
    await show(update, text, rows)


# -- cancelling an event ----------------------------------------------------------------------


async def ask_cancel(update: Update, context: ClusterContext) -> None:
    """Ask the staff member to confirm cancelling an event."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    cluster = guest.cluster
    listing = await cluster.catalogue_store.listing(cluster.catalogue, context.matches[0].group(1))
    if listing is None:
        await show(
            update,
            guest.render("not_available"),
            [[guest.button("staff_event_list", event_list_data())]],
        )
        return
    event = listing.event
    rows = [
        [guest.button("staff_confirm_cancel", f"se:cy:{event.id}")],
        [guest.button("staff_keep_event", staff_event_data(event.id))],
    ]
    await show(update, guest.render("staff_cancel_confirm", listing=listing), rows)


async def confirm_cancel(update: Update, context: ClusterContext) -> None:
    """Cancel the event, its registrations, and tell the registrants."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    cluster = guest.cluster
    event = cluster.catalogue.event(context.matches[0].group(1))
    told = None
    if event is not None:
        told = await cancel_event(cluster, guest.member.id, event)
    rows = [[guest.button("staff_event_list", event_list_data())]]
    if event is None or told is None:
        await show(update, guest.render("not_available"), rows)
        return
    await show(update, guest.render("staff_event_cancelled", event=event, told=told), rows)


# -- the form: a new event, or one change to an event ----------------------------------------


async def new_event(update: Update, context: ClusterContext) -> object:
    """Start the new-event form."""
    guest = await visit(update, context)
    await acknowledge(update)
    draft = _start_draft(context, EventDraft())
    return await ask_step(update, guest, draft)


async def begin_change(update: Update, context: ClusterContext) -> object:
    """Start changing one thing about an event, from its staff page."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    code, event_id = context.matches[0].groups()
    cluster = guest.cluster
    event = cluster.catalogue.event(event_id)
    if event is None:
        await show(
            update,
            guest.render("not_available"),
            [[guest.button("staff_event_list", event_list_data())]],
        )
        return ConversationHandler.END
    taken = await event_store.confirmed_count(cluster.database, event.id)
    draft = _start_draft(context, EventDraft.changing(event, CHANGE_CODES[code], taken))
    return await ask_step(update, guest, draft)


async def ask_step(
    update: Update, guest: Visit, draft: EventDraft, reason: str | None = None
) -> object:
    """Ask the draft's current question (again, with a reason, after a wrong answer)."""
    if draft.step == PREVIEW:
        return await show_preview(update, guest, draft)
    step = draft.step
    if reason is None and draft.is_change and step == "deadline" and "deadline" not in draft.asking:
        reason = "deadline_conflict"
    text = guest.render(
        "staff_form_step",
        step=step,
        reason=reason,
        draft=draft,
        zone=guest.cluster.settings.timezone.key,
    )
    await show(update, text, _step_rows(guest, draft))
    return step


def _step_rows(guest: Visit, draft: EventDraft) -> Keyboard:
    step = draft.step
    rows: list[list[InlineKeyboardButton]] = []
    if step == "kind":
        buttons = [
            guest.button(f"staff_kind_{kind}", f"se:f:k:{CODE_OF_KIND[kind]}")
            for kind in EVENT_KINDS
        ]
        rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    elif step == "place":
        rows = [
            [guest.button("staff_in_place", "se:f:pl:p"), guest.button("staff_online", "se:f:pl:o")]
        ]
    elif step == "capacity":
        rows = [[guest.button("staff_unlimited", "se:f:unl")]]
    elif step == "sectors":
        for sector in guest.cluster.catalogue.sectors:
            mark = "✅" if sector.id in draft.sectors else "⬜"
            rows.append(
                [
                    InlineKeyboardButton(
                        f"{mark} {sector.name.get(guest.language)}",
                        callback_data=f"se:f:sec:{sector.id}",
                    )
                ]
            )
        rows.append([guest.button("staff_done", "se:f:sec:done")])
    if step in SKIP_LABELS:
        rows.append([guest.button(SKIP_LABELS[step], "se:f:skip")])
    if draft.is_change and step in TYPED_STEPS:
        rows.append([guest.button("staff_keep", "se:f:keep")])
    return rows


async def typed_answer(update: Update, context: ClusterContext) -> object:
    """Check a typed answer; store it and ask the next question, or ask again with why."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None
    draft = _draft(context)
    timezone = guest.cluster.settings.timezone
    reason = draft.answer(message.text or "", timezone, datetime.now(UTC))
    if reason is None:
        draft.step = draft.next_step(draft.step)
    return await ask_step(update, guest, draft, reason)


async def wrong_kind(update: Update, context: ClusterContext) -> object:
    """Ask the current question again after a sticker, a photo or text where a button is due."""
    guest = await visit(update, context)
    draft = _draft(context)
    reason = "other" if draft.step in TYPED_STEPS else "choose"
    return await ask_step(update, guest, draft, reason)


async def kind_chosen(update: Update, context: ClusterContext) -> object:
    """Store the kind of event."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    draft = _draft(context)
    draft.kind = KIND_CODES[context.matches[0].group(1)]
    draft.step = draft.next_step("kind")
    return await ask_step(update, guest, draft)


async def place_chosen(update: Update, context: ClusterContext) -> object:
    """Store whether the event is in a place or online."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    draft = _draft(context)
    draft.online = context.matches[0].group(1) == "o"
    draft.step = draft.next_step("place")
    return await ask_step(update, guest, draft)


async def unlimited(update: Update, context: ClusterContext) -> object:
    """Leave the event without a seat limit."""
    guest = await visit(update, context)
    await acknowledge(update)
    draft = _draft(context)
    draft.capacity = None
    draft.step = draft.next_step("capacity")
    return await ask_step(update, guest, draft)


async def skipped(update: Update, context: ClusterContext) -> object:
    """Leave out an optional answer."""
    guest = await visit(update, context)
    await acknowledge(update)
    draft = _draft(context)
    draft.skip()
    draft.step = draft.next_step(draft.step)
    return await ask_step(update, guest, draft)


async def kept(update: Update, context: ClusterContext) -> object:
    """Keep the current answer while changing an event."""
    guest = await visit(update, context)
    draft = _draft(context)
    reason = draft.keep()
    if reason is not None:
        # The screen may look the same as before: say why in the button's answer too.
        why = guest.render("staff_form_reason", reason=reason, draft=draft)
        await acknowledge(update, why, alert=True)
        return await ask_step(update, guest, draft, reason)
    await acknowledge(update)
    draft.step = draft.next_step(draft.step)
    return await ask_step(update, guest, draft)


async def sector_toggled(update: Update, context: ClusterContext) -> object:
    """Add or remove a sector the event is for."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    draft = _draft(context)
    sector_id = context.matches[0].group(1)
    if guest.cluster.catalogue.sector(sector_id) is not None:
        if sector_id in draft.sectors:
            draft.sectors.remove(sector_id)
        else:
            draft.sectors.append(sector_id)
    return await ask_step(update, guest, draft)


async def sectors_done(update: Update, context: ClusterContext) -> object:
    """Move on from the sectors."""
    guest = await visit(update, context)
    await acknowledge(update)
    draft = _draft(context)
    order = [sector.id for sector in guest.cluster.catalogue.sectors]
    draft.sectors.sort(key=order.index)
    draft.step = draft.next_step("sectors")
    return await ask_step(update, guest, draft)


async def show_preview(
    update: Update, guest: Visit, draft: EventDraft, problem: str | None = None
) -> object:
    """Show the event as members will see it, with publish (or save) and discard."""
    cluster = guest.cluster
    draft.step = PREVIEW
    before = cluster.catalogue.event(draft.event_id) if draft.event_id else None
    event = draft.to_event(draft.event_id or "preview")
    listing = EventListing(event, 0, 0)
    if draft.event_id is not None:
        listing = (
            await cluster.catalogue_store.listing(cluster.catalogue, draft.event_id) or listing
        )
        listing = EventListing(event, listing.confirmed, listing.waitlisted)
    viewer = Visit(cluster, guest.member, draft.preview_language or guest.language)
    page, _ = render_event(viewer, listing, datetime.now(UTC), None)
    fields: tuple[str, ...] = ()
    if before is not None:
        zone = cluster.settings.timezone
        # "online" and "location" are one thing to staff: where the event is.
        named = (
            "location" if name == "online" else name for name in changed_fields(before, event, zone)
        )
        fields = tuple(dict.fromkeys(named))
    text = guest.render(
        "staff_event_preview",
        page=Markup(page),
        is_change=draft.is_change,
        fields=fields,
        listing=listing,
        problem=problem,
    )
    other = "en" if viewer.language == "tr" else "tr"
    rows: Keyboard = [
        [guest.button("staff_save" if draft.is_change else "staff_publish", "se:f:pub")],
        [
            guest.button(f"staff_show_{other}", "se:f:lang"),
            guest.button("staff_discard", "se:f:del"),
        ],
    ]
    await show(update, text, rows)
    return PREVIEW


async def preview_language(update: Update, context: ClusterContext) -> object:
    """Show the preview in the other language."""
    guest = await visit(update, context)
    await acknowledge(update)
    draft = _draft(context)
    current = draft.preview_language or guest.language
    draft.preview_language = "en" if current == "tr" else "tr"
    return await show_preview(update, guest, draft)


async def publish(update: Update, context: ClusterContext) -> object:
    """Publish the new event, or save the change; then show the event's staff page."""
    guest = await visit(update, context)
    await acknowledge(update)
    draft = _draft(context)
    cluster = guest.cluster
    try:
        if draft.event_id is None:
            event = await publish_event(cluster, guest.member.id, draft)
            _drop_draft(context)
            await show_staff_event(update, guest, event.id, "published")
            return ConversationHandler.END
        before = cluster.catalogue.event(draft.event_id)
        change = None
        if before is not None:
            after = draft.to_event(before.id)
            change = await change_event(context.bot, cluster, guest.member.id, before, after)
    except EventRejected as error:
        return await show_preview(update, guest, draft, problem=str(error))
    _drop_draft(context)
    if change is None:
        await show(
            update,
            guest.render("not_available"),
            [[guest.button("staff_event_list", event_list_data())]],
        )
        return ConversationHandler.END
    await show_staff_event(
        update,
        guest,
        change.after.id,
        "saved" if change.fields else "unchanged",
        notified=change.notified,
        promoted=len(change.promoted),
        moved=change.moved,
    )
    return ConversationHandler.END


async def discard(update: Update, context: ClusterContext) -> object:
    """Drop the draft; nothing is written."""
    guest = await visit(update, context)
    await acknowledge(update)
    draft = _draft(context)
    _drop_draft(context)
    rows: Keyboard = [[guest.button("staff_menu", "sm:home")]]
    if draft.event_id is not None:
        rows = [[guest.button("staff_back_to_event", staff_event_data(draft.event_id))]]
    await show(update, guest.render("staff_form_closed", timeout=False), rows)
    return ConversationHandler.END


async def cancel_form(update: Update, context: ClusterContext) -> object:
    """Leave the form with /cancel; nothing is written."""
    guest = await visit(update, context)
    _drop_draft(context)
    await show(update, guest.render("staff_form_closed", timeout=False))
    return ConversationHandler.END


async def timed_out(update: Update, context: ClusterContext) -> None:
    """Tell the staff member the form was closed for lack of an answer."""
    guest = await visit(update, context)
    _drop_draft(context)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, guest.render("staff_form_closed", timeout=True))


def conversation() -> ConversationHandler[ClusterContext]:
    """Return the new-event and change-event form."""
    # Tracked per staff member and chat, not per message: any step's buttons stay usable.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation()


def _conversation() -> ConversationHandler[ClusterContext]:
    text = filters.TEXT & ~filters.COMMAND
    not_text = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    typed = MessageHandler(text, staff_only(typed_answer))
    other = MessageHandler(not_text, staff_only(wrong_kind))
    choose = MessageHandler(text | not_text, staff_only(wrong_kind))
    skip = CallbackQueryHandler(staff_only(skipped), pattern=r"^se:f:skip$")
    keep = CallbackQueryHandler(staff_only(kept), pattern=r"^se:f:keep$")
    kinds = "".join(KIND_CODES)
    states: dict[object, list[BaseHandler[Update, ClusterContext, object]]] = {
        step: [typed, skip, keep, other] for step in TYPED_STEPS
    }
    states["kind"] = [
        CallbackQueryHandler(staff_only(kind_chosen), pattern=rf"^se:f:k:([{kinds}])$"),
        choose,
    ]
    states["place"] = [
        CallbackQueryHandler(staff_only(place_chosen), pattern=r"^se:f:pl:([po])$"),
        choose,
    ]
    states["capacity"] = [
        typed,
        CallbackQueryHandler(staff_only(unlimited), pattern=r"^se:f:unl$"),
        keep,
        other,
    ]
    states["sectors"] = [
        CallbackQueryHandler(staff_only(sectors_done), pattern=r"^se:f:sec:done$"),
        CallbackQueryHandler(staff_only(sector_toggled), pattern=rf"^se:f:sec:({ENTRY_ID})$"),
        choose,
    ]
    states[PREVIEW] = [
        CallbackQueryHandler(staff_only(publish), pattern=r"^se:f:pub$"),
        CallbackQueryHandler(staff_only(preview_language), pattern=r"^se:f:lang$"),
        CallbackQueryHandler(staff_only(discard), pattern=r"^se:f:del$"),
        choose,
    ]
    states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, staff_only(timed_out))]
    changes = "".join(CHANGE_CODES)
    return ConversationHandler(
        entry_points=[
            CommandHandler("newevent", staff_only(new_event), filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(staff_only(new_event), pattern=r"^sm:newevent$"),
            CallbackQueryHandler(
                staff_only(begin_change), pattern=rf"^se:e:([{changes}]):({ENTRY_ID})$"
            ),
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", staff_only(cancel_form))],
        conversation_timeout=FORM_TIMEOUT,
        name="staff_event_form",
        allow_reentry=True,
    )


def handlers() -> list[BaseHandler[Update, ClusterContext, Any]]:
    """Return this feature's handlers."""
    private = filters.ChatType.PRIVATE
    return [
        conversation(),
        CommandHandler("export", staff_only(export_command), filters=private),
        CallbackQueryHandler(staff_only(events_command), pattern=r"^sm:events$"),
        CallbackQueryHandler(staff_only(export_command), pattern=r"^sm:exports$"),
        CallbackQueryHandler(staff_only(list_page), pattern=r"^se:l:([up]):([mx]):(\d{1,3})$"),
        CallbackQueryHandler(staff_only(open_event), pattern=rf"^se:s:({ENTRY_ID})$"),
        CallbackQueryHandler(staff_only(ask_cancel), pattern=rf"^se:c:({ENTRY_ID})$"),
        CallbackQueryHandler(staff_only(confirm_cancel), pattern=rf"^se:cy:({ENTRY_ID})$"),
    ]
