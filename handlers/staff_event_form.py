"""The staff event form: a new event with `/newevent`, or one change from an event's page.

One conversation asks the questions of a new event, or of one change (title, description,
time, place, capacity, deadline). Each answer is checked and asked again with the reason;
the preview shows the event exactly as people will see it. Saving a change writes only
what its answers changed, onto the event as it is by then.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from functools import partial
from typing import Protocol

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

from bot.context import AssistantContext, Caller
from bot.domain.event_changes import (
    EventRejected,
    SeatsTaken,
    apply_edits,
    change_event,
    changed_fields,
    publish_event,
)
from bot.domain.event_form import PREVIEW, EventDraft
from bot.screens.links import (
    CODE_OF_KIND,
    ENTRY_ID,
    KIND_CODES,
    STAFF_CHANGE_CODES,
    staff_event_list,
    staff_event_page,
)
from handlers.events import render_event
from handlers.replies import Keyboard, show
from storage import events as event_store
from storage.catalogue import EventListing
from storage.content import EVENT_KINDS

FORM_TIMEOUT = 30 * 60
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


class ShowEvent(Protocol):
    """Show an event's staff page, with a notice of what was just done to it."""

    async def __call__(
        self, update: Update, caller: Caller, event_id: str, notice: str = "", **details: object
    ) -> None: ...


# -- the draft, kept per chat while the form is open ---------------------------------------


def _draft(context: AssistantContext) -> EventDraft:
    assert context.chat_data is not None
    draft = context.chat_data.get(EventDraft)
    if not isinstance(draft, EventDraft):
        draft = context.chat_data[EventDraft] = EventDraft()
    return draft


def _start_draft(context: AssistantContext, draft: EventDraft) -> EventDraft:
    assert context.chat_data is not None
    context.chat_data[EventDraft] = draft
    return draft


def _drop_draft(context: AssistantContext) -> None:
    if context.chat_data is not None:
        context.chat_data.pop(EventDraft, None)


# -- the questions ------------------------------------------------------------------------


async def new_event(update: Update, context: AssistantContext) -> object:
    """Start the new-event form."""
    caller = context.caller
    draft = _start_draft(context, EventDraft())
    return await ask_step(update, caller, draft)


async def begin_change(update: Update, context: AssistantContext) -> object:
    """Start changing one thing about an event, from its staff page."""
    caller = context.caller
    code, event_id = context.match.groups()
    services = caller.services
    event = services.catalogue.event(event_id)
    if event is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("staff_event_list", staff_event_list())]],
        )
        return ConversationHandler.END
    taken = await event_store.confirmed_count(services.database, event.id)
    draft = _start_draft(context, EventDraft.changing(event, STAFF_CHANGE_CODES[code], taken))
    return await ask_step(update, caller, draft)


async def ask_step(
    update: Update, caller: Caller, draft: EventDraft, reason: str | None = None
) -> object:
    """Ask the draft's current question (again, with a reason, after a wrong answer)."""
    if draft.step == PREVIEW:
        return await show_preview(update, caller, draft)
    step = draft.step
    if reason is None and draft.is_change and step == "deadline" and "deadline" not in draft.asking:
        reason = "deadline_conflict"
    text = caller.render(
        "staff_form_step",
        step=step,
        reason=reason,
        draft=draft,
        zone=caller.services.settings.timezone.key,
    )
    await show(update, text, _step_rows(caller, draft))
    return step


def _step_rows(caller: Caller, draft: EventDraft) -> Keyboard:
    step = draft.step
    rows: list[list[InlineKeyboardButton]] = []
    if step == "kind":
        buttons = [
            caller.button(f"staff_kind_{kind}", f"se:f:k:{CODE_OF_KIND[kind]}")
            for kind in EVENT_KINDS
        ]
        rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    elif step == "place":
        rows = [
            [
                caller.button("staff_in_place", "se:f:pl:p"),
                caller.button("staff_online", "se:f:pl:o"),
            ]
        ]
    elif step == "capacity":
        rows = [[caller.button("staff_unlimited", "se:f:unl")]]
    elif step == "sectors":
        for sector in caller.services.catalogue.sectors:
            mark = "✅" if sector.id in draft.sectors else "⬜"
            rows.append(
                [
                    InlineKeyboardButton(
                        f"{mark} {sector.name.get(caller.language)}",
                        callback_data=f"se:f:sec:{sector.id}",
                    )
                ]
            )
        rows.append([caller.button("staff_done", "se:f:sec:done")])
    if step in SKIP_LABELS:
        rows.append([caller.button(SKIP_LABELS[step], "se:f:skip")])
    if draft.is_change and step in TYPED_STEPS:
        rows.append([caller.button("staff_keep", "se:f:keep")])
    return rows


async def typed_answer(update: Update, context: AssistantContext) -> object:
    """Check a typed answer; store it and ask the next question, or ask again with why."""
    caller = context.caller
    message = update.effective_message
    assert message is not None
    draft = _draft(context)
    timezone = caller.services.settings.timezone
    reason = draft.answer(message.text or "", timezone, datetime.now(UTC))
    if reason is None:
        draft.step = draft.next_step(draft.step)
    return await ask_step(update, caller, draft, reason)


async def wrong_kind(update: Update, context: AssistantContext) -> object:
    """Ask the current question again after a sticker, a photo or text where a button is due."""
    caller = context.caller
    draft = _draft(context)
    reason = "other" if draft.step in TYPED_STEPS else "choose"
    return await ask_step(update, caller, draft, reason)


async def kind_chosen(update: Update, context: AssistantContext) -> object:
    """Store the kind of event."""
    caller = context.caller
    draft = _draft(context)
    draft.kind = KIND_CODES[context.match.group(1)]
    draft.step = draft.next_step("kind")
    return await ask_step(update, caller, draft)


async def place_chosen(update: Update, context: AssistantContext) -> object:
    """Store whether the event is in a place or online."""
    caller = context.caller
    draft = _draft(context)
    draft.online = context.match.group(1) == "o"
    draft.step = draft.next_step("place")
    return await ask_step(update, caller, draft)


async def unlimited(update: Update, context: AssistantContext) -> object:
    """Leave the event without a seat limit."""
    caller = context.caller
    draft = _draft(context)
    draft.capacity = None
    draft.step = draft.next_step("capacity")
    return await ask_step(update, caller, draft)


async def skipped(update: Update, context: AssistantContext) -> object:
    """Leave out an optional answer."""
    caller = context.caller
    draft = _draft(context)
    draft.skip()
    draft.step = draft.next_step(draft.step)
    return await ask_step(update, caller, draft)


async def kept(update: Update, context: AssistantContext) -> object:
    """Keep the current answer while changing an event."""
    caller = context.caller
    draft = _draft(context)
    reason = draft.keep()
    if reason is not None:
        # The screen may look the same as before: say why in the button's answer too.
        why = caller.render("staff_form_reason", reason=reason, draft=draft)
        await context.acknowledge(why, alert=True)
        return await ask_step(update, caller, draft, reason)
    draft.step = draft.next_step(draft.step)
    return await ask_step(update, caller, draft)


async def sector_toggled(update: Update, context: AssistantContext) -> object:
    """Add or remove a sector the event is for."""
    caller = context.caller
    draft = _draft(context)
    sector_id = context.match.group(1)
    if caller.services.catalogue.sector(sector_id) is not None:
        if sector_id in draft.sectors:
            draft.sectors.remove(sector_id)
        else:
            draft.sectors.append(sector_id)
    return await ask_step(update, caller, draft)


async def sectors_done(update: Update, context: AssistantContext) -> object:
    """Move on from the sectors."""
    caller = context.caller
    draft = _draft(context)
    order = [sector.id for sector in caller.services.catalogue.sectors]
    draft.sectors.sort(key=order.index)
    draft.step = draft.next_step("sectors")
    return await ask_step(update, caller, draft)


async def show_preview(
    update: Update, caller: Caller, draft: EventDraft, problem: str | None = None
) -> object:
    """Show the event as people will see it, with publish (or save) and discard."""
    services = caller.services
    draft.step = PREVIEW
    event = draft.to_event(draft.event_id or "preview")
    listing = EventListing(event, 0, 0)
    fields: tuple[str, ...] = ()
    started = draft.started
    current = None
    if started is not None:
        current = await services.catalogue_store.listing(services.catalogue, started.id)
    if started is not None and current is not None:
        # The change goes onto the event as it is now, which a colleague may have changed.
        base = current.event
        try:
            event = apply_edits(services, base, started, event)
        except EventRejected as error:
            base, problem = started, problem or str(error)
        listing = EventListing(event, current.confirmed, current.waitlisted)
        # "online" and "location" are one thing to staff: where the event is.
        zone = services.settings.timezone
        named = (
            "location" if name == "online" else name for name in changed_fields(base, event, zone)
        )
        fields = tuple(dict.fromkeys(named))
    viewer = Caller(services, caller.person, draft.preview_language or caller.language)
    page, _ = render_event(viewer, listing, datetime.now(UTC), None)
    text = caller.render(
        "staff_event_preview",
        page=Markup(page),
        is_change=draft.is_change,
        fields=fields,
        listing=listing,
        problem=problem,
    )
    other = "en" if viewer.language == "tr" else "tr"
    rows: Keyboard = [
        [caller.button("staff_save" if draft.is_change else "staff_publish", "se:f:pub")],
        [
            caller.button(f"staff_show_{other}", "se:f:lang"),
            caller.button("staff_discard", "se:f:del"),
        ],
    ]
    await show(update, text, rows)
    return PREVIEW


async def preview_language(update: Update, context: AssistantContext) -> object:
    """Show the preview in the other language."""
    caller = context.caller
    draft = _draft(context)
    current = draft.preview_language or caller.language
    draft.preview_language = "en" if current == "tr" else "tr"
    return await show_preview(update, caller, draft)


async def publish(update: Update, context: AssistantContext, show_event: ShowEvent) -> object:
    """Publish the new event, or save the change; then show the event's staff page."""
    caller = context.caller
    draft = _draft(context)
    services = caller.services
    try:
        if draft.started is None:
            event = await publish_event(services, caller.person.id, draft)
            _drop_draft(context)
            await show_event(update, caller, event.id, "published")
            return ConversationHandler.END
        edited = draft.to_event(draft.started.id)
        change = await change_event(services, caller.person.id, draft.started, edited)
    except SeatsTaken as refusal:
        # Seats were confirmed while the form was open: ask for the capacity again.
        draft.capacity, draft.seats_taken = refusal.capacity, refusal.confirmed
        draft.step = "capacity"
        return await ask_step(update, caller, draft, "taken_meanwhile")
    except EventRejected as error:
        return await show_preview(update, caller, draft, problem=str(error))
    _drop_draft(context)
    if change is None:
        await show(
            update,
            caller.render("not_available"),
            [[caller.button("staff_event_list", staff_event_list())]],
        )
        return ConversationHandler.END
    await show_event(
        update,
        caller,
        change.after.id,
        "saved" if change.fields else "unchanged",
        notified=change.notified,
        promoted=len(change.promoted),
        moved=change.moved,
    )
    return ConversationHandler.END


async def discard(update: Update, context: AssistantContext) -> object:
    """Drop the draft; nothing is written."""
    caller = context.caller
    draft = _draft(context)
    _drop_draft(context)
    rows: Keyboard = [[caller.button("staff_menu", "sm:home")]]
    if draft.event_id is not None:
        rows = [[caller.button("staff_back_to_event", staff_event_page(draft.event_id))]]
    await show(update, caller.render("staff_form_closed", timeout=False), rows)
    return ConversationHandler.END


async def cancel_form(update: Update, context: AssistantContext) -> object:
    """Leave the form with /cancel; nothing is written."""
    caller = context.caller
    _drop_draft(context)
    await show(update, caller.render("staff_form_closed", timeout=False))
    return ConversationHandler.END


async def timed_out(update: Update, context: AssistantContext) -> None:
    """Tell the staff member the form was closed for lack of an answer."""
    caller = context.caller
    _drop_draft(context)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, caller.render("staff_form_closed", timeout=True))


def conversation(show_event: ShowEvent) -> ConversationHandler[AssistantContext]:
    """Return the new-event and change-event form, which ends on the page `show_event` shows."""
    # Tracked per staff member and chat, not per message: any step's buttons stay usable.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation(show_event)


def _conversation(show_event: ShowEvent) -> ConversationHandler[AssistantContext]:
    text = filters.TEXT & ~filters.COMMAND
    not_text = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    typed = MessageHandler(text, typed_answer)
    other = MessageHandler(not_text, wrong_kind)
    choose = MessageHandler(text | not_text, wrong_kind)
    skip = CallbackQueryHandler(skipped, pattern=r"^se:f:skip$")
    keep = CallbackQueryHandler(kept, pattern=r"^se:f:keep$")
    kinds = "".join(KIND_CODES)
    states: dict[object, list[BaseHandler[Update, AssistantContext, object]]] = {
        step: [typed, skip, keep, other] for step in TYPED_STEPS
    }
    states["kind"] = [
        CallbackQueryHandler(kind_chosen, pattern=rf"^se:f:k:([{kinds}])$"),
        choose,
    ]
    states["place"] = [
        CallbackQueryHandler(place_chosen, pattern=r"^se:f:pl:([po])$"),
        choose,
    ]
    states["capacity"] = [
        typed,
        CallbackQueryHandler(unlimited, pattern=r"^se:f:unl$"),
        keep,
        other,
    ]
    states["sectors"] = [
        CallbackQueryHandler(sectors_done, pattern=r"^se:f:sec:done$"),
        CallbackQueryHandler(sector_toggled, pattern=rf"^se:f:sec:({ENTRY_ID})$"),
        choose,
    ]
    states[PREVIEW] = [
        CallbackQueryHandler(partial(publish, show_event=show_event), pattern=r"^se:f:pub$"),
        CallbackQueryHandler(preview_language, pattern=r"^se:f:lang$"),
        CallbackQueryHandler(discard, pattern=r"^se:f:del$"),
        choose,
    ]
    states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, timed_out)]
    changes = "".join(STAFF_CHANGE_CODES)
    return ConversationHandler(
        entry_points=[
            CommandHandler("newevent", new_event, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(new_event, pattern=r"^sm:newevent$"),
            CallbackQueryHandler(begin_change, pattern=rf"^se:e:([{changes}]):({ENTRY_ID})$"),
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", cancel_form)],
        conversation_timeout=FORM_TIMEOUT,
        name="staff_event_form",
        allow_reentry=True,
    )
