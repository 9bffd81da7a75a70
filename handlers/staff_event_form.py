"""The staff event form: a new event with `/newevent`, or one change from an event's page.

One form asks the questions of a new event, or of one change (title, description, time,
place, capacity, deadline). Each answer is checked and asked again with the reason; the
preview shows the event exactly as people will see it. Saving a change writes only what its
answers changed, onto the event as it is by then.

The form runs on the form engine (handlers/forms.py), so it survives a restart and gives way
to any other command. Which question comes next depends on the answers in ways the event
draft already knows (bot/domain/event_form.py: online or in a place, a deadline that no longer
fits), so the draft reads the replies (`EventForm.take`) and is kept whole as the answers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from markupsafe import Markup
from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.event_changes import (
    EventRejected,
    SeatsTaken,
    apply_edits,
    change_event,
    changed_fields,
    publish_event,
)
from bot.domain.event_form import PREVIEW, STEPS, EventDraft
from bot.domain.forms import (
    DONE,
    SKIP,
    ChoiceStep,
    Finished,
    Flow,
    FormState,
    Moved,
    MultiChoiceStep,
    Reply,
    Step,
    TextStep,
)
from bot.screens.buttons import (
    CODE_OF_KIND,
    KIND_CODES,
    STAFF_CHANGE_CODES,
    STAFF_HOME,
    ChangeEvent,
    StaffEventList,
    StaffEventPage,
    StaffMenu,
)
from handlers.events import render_event
from handlers.forms import Form, FormCall, open_form
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
    "max_per_company": "staff_unlimited",
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
# The values of the form's buttons (callback data `f:ev:c:<value>`).
KIND, PLACE, SECTOR, AUDIENCE, CERTIFICATE, SELECTION = "k:", "p:", "s:", "a:", "b:", "sl:"
PROJECT = "j:"
NO_PROJECT = "-"
AUDIENCE_CODES = {"all": "all", "mem": "members"}
SELECTION_CODES = {"open": "open", "app": "application"}
UNLIMITED, KEEP, PUBLISH, LANGUAGE, DISCARD = "unl", "keep", "pub", "lang", "del"


class ShowEvent(Protocol):
    """Show an event's staff page, with a notice of what was just done to it."""

    async def __call__(
        self, update: Update, caller: Caller, event_id: str, notice: str = "", **details: object
    ) -> None: ...


def _declared(name: str) -> Step:
    if name in ("kind", "place", "audience", "certificate", "selection", "project"):
        return ChoiceStep(name, back=False)
    if name == "sectors":
        return MultiChoiceStep(name, back=False, minimum=0)
    return TextStep(name, back=False, optional=name in SKIP_LABELS)


def _draft(call: FormCall) -> EventDraft:
    return EventDraft.from_answers(call.state.answers["draft"])


def _state(call: FormCall, draft: EventDraft, **more: Any) -> FormState:
    return replace(call.state, step=draft.step, answers={"draft": draft.to_answers(), **more})


class EventForm(Form):
    """A new event's questions, or one change's, then the preview."""

    kind = "event"
    code = "ev"
    ability = Ability.MANAGE
    closed_template = "staff_form_closed"
    flow = Flow("event", tuple(_declared(name) for name in (*STEPS, "project", PREVIEW)))

    def __init__(self, show_event: ShowEvent) -> None:
        self.show_event = show_event

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    async def take(self, call: FormCall, reply: Reply) -> Moved | Finished | None:
        draft = _draft(call)
        step = draft.step
        pressed = reply.pressed or ""
        if step == PREVIEW:
            if pressed == LANGUAGE:
                current = draft.preview_language or call.caller.language
                draft.preview_language = "en" if current == "tr" else "tr"
                return Moved(_state(call, draft))
            if pressed in (PUBLISH, DISCARD):
                return Finished(_state(call, draft, action=pressed))
            return Moved(call.state, "choose")
        if reply.action == SKIP and step in SKIP_LABELS:
            draft.skip()
        elif pressed == KEEP and draft.is_change and step in TYPED_STEPS:
            reason = draft.keep()
            if reason is not None:
                # The screen may look the same as before: say why in the button's answer too.
                why = call.caller.render("staff_form_reason", reason=reason, draft=draft)
                await call.acknowledge(why, alert=True)
                return Moved(call.state, reason)
        elif step == "kind" and pressed.startswith(KIND) and pressed[2:] in KIND_CODES:
            draft.kind = KIND_CODES[pressed[2:]]
        elif step == "place" and pressed in (f"{PLACE}p", f"{PLACE}o"):
            draft.online = pressed == f"{PLACE}o"
        elif step == "audience" and pressed.startswith(AUDIENCE) and pressed[2:] in AUDIENCE_CODES:
            draft.audience = AUDIENCE_CODES[pressed[2:]]
        elif step == "certificate" and pressed in (f"{CERTIFICATE}y", f"{CERTIFICATE}n"):
            draft.certificate = pressed == f"{CERTIFICATE}y"
        elif (
            step == "selection" and pressed.startswith(SELECTION) and pressed[3:] in SELECTION_CODES
        ):
            draft.selection = SELECTION_CODES[pressed[3:]]
        elif step == "project" and pressed.startswith(PROJECT):
            chosen = pressed[len(PROJECT) :]
            if chosen != NO_PROJECT and call.services.catalogue.project(chosen) is None:
                return Moved(call.state, "choose")  # removed from the content meanwhile
            draft.project_id = None if chosen == NO_PROJECT else chosen
        elif step == "capacity" and pressed == UNLIMITED:
            draft.capacity = None
        elif step == "sectors" and pressed.startswith(SECTOR):
            sector_id = pressed[2:]
            if call.services.catalogue.sector(sector_id) is not None:
                if sector_id in draft.sectors:
                    draft.sectors.remove(sector_id)
                else:
                    draft.sectors.append(sector_id)
            return Moved(_state(call, draft))
        elif step == "sectors" and reply.action == DONE:
            order = [sector.id for sector in call.services.catalogue.sectors]
            draft.sectors.sort(key=order.index)
        elif step in TYPED_STEPS and reply.text is not None:
            timezone = call.services.settings.timezone
            reason = draft.answer(reply.text, timezone, datetime.now(UTC))
            if reason is not None:
                return Moved(call.state, reason)
        else:
            return Moved(call.state, "other" if step in TYPED_STEPS else "choose")
        draft.step = draft.next_step(step)
        return Moved(_state(call, draft))

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller, draft = call.caller, _draft(call)
        if draft.step == PREVIEW:
            await self._preview(call, draft, call.details.get("problem"))
            return
        step = draft.step
        if reason is None and draft.is_change and step == "deadline" and step not in draft.asking:
            # A change of time brought the old deadline after the new start.
            reason = "deadline_conflict"
        project = call.services.catalogue.project(draft.project_id or "")
        text = caller.render(
            "staff_form_step",
            step=step,
            reason=reason,
            draft=draft,
            zone=call.services.settings.timezone.key,
            project_name=project.name.get(caller.language) if project else None,
        )
        await show(call.update, text, self._rows(call, draft))

    def _rows(self, call: FormCall, draft: EventDraft) -> Keyboard:
        caller, step = call.caller, draft.step
        rows: list[list[InlineKeyboardButton]] = []
        if step == "kind":
            buttons = [
                call.button(self, caller.label(f"staff_kind_{kind}"), KIND + CODE_OF_KIND[kind])
                for kind in EVENT_KINDS
            ]
            rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
        elif step == "place":
            rows = [
                [
                    call.button(self, caller.label("staff_in_place"), f"{PLACE}p"),
                    call.button(self, caller.label("staff_online"), f"{PLACE}o"),
                ]
            ]
        elif step == "capacity":
            rows = [[call.button(self, caller.label("staff_unlimited"), UNLIMITED)]]
        elif step == "certificate":
            rows = [
                [call.button(self, caller.label(f"staff_certificate_{code}"), CERTIFICATE + code)]
                for code in ("y", "n")
            ]
        elif step == "audience":
            rows = [
                [call.button(self, caller.label(f"staff_audience_{code}"), AUDIENCE + code)]
                for code in AUDIENCE_CODES
            ]
        elif step == "selection":
            rows = [
                [call.button(self, caller.label(f"staff_selection_{code}"), SELECTION + code)]
                for code in SELECTION_CODES
            ]
        elif step == "project":
            rows = [
                [call.button(self, project.name.get(caller.language)[:60], PROJECT + project.id)]
                for project in call.services.catalogue.projects
            ]
            rows.append([call.button(self, caller.label("staff_no_project"), PROJECT + NO_PROJECT)])
        elif step == "sectors":
            for sector in call.services.catalogue.sectors:
                mark = "✅" if sector.id in draft.sectors else "⬜"
                label = f"{mark} {sector.name.get(caller.language)}"
                rows.append([call.button(self, label, SECTOR + sector.id)])
            rows.append([call.action(self, "staff_done", DONE)])
        if step in SKIP_LABELS:
            rows.append([call.action(self, SKIP_LABELS[step], SKIP)])
        if draft.is_change and step in TYPED_STEPS:
            rows.append([call.button(self, caller.label("staff_keep"), KEEP)])
        return rows

    async def _preview(self, call: FormCall, draft: EventDraft, problem: str | None) -> None:
        """Show the event as people will see it, with publish (or save) and discard."""
        caller, services = call.caller, call.services
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
                base, problem = started, problem or rejection(caller, error)
            listing = EventListing(event, current.confirmed, current.waitlisted)
            # "online" and "location" are one thing to staff: where the event is.
            zone = services.settings.timezone
            named = (
                "location" if name == "online" else name
                for name in changed_fields(base, event, zone)
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
        publish = "staff_save" if draft.is_change else "staff_publish"
        rows: Keyboard = [
            [call.button(self, caller.label(publish), PUBLISH)],
            [
                call.button(self, caller.label(f"staff_show_{other}"), LANGUAGE),
                call.button(self, caller.label("staff_discard"), DISCARD),
            ],
        ]
        await show(call.update, text, rows)

    async def finish(self, call: FormCall) -> Moved | None:
        caller, draft = call.caller, _draft(call)
        await call.acknowledge()
        if call.state.answers["action"] == DISCARD:
            rows: Keyboard = [[caller.button("staff_menu", STAFF_HOME)]]
            if draft.event_id is not None:
                rows = [[caller.button("staff_back_to_event", StaffEventPage(draft.event_id))]]
            await show(call.update, caller.render("staff_form_closed", timeout=False), rows)
            return None
        return await self._publish(call, draft)

    async def _publish(self, call: FormCall, draft: EventDraft) -> Moved | None:
        """Publish the new event, or save the change; then show the event's staff page."""
        caller, services = call.caller, call.services
        try:
            if draft.started is None:
                event = await publish_event(services, caller.person.id, draft)
                await self.show_event(call.update, caller, event.id, "published")
                return None
            edited = draft.to_event(draft.started.id)
            change = await change_event(services, caller.person.id, draft.started, edited)
        except SeatsTaken as refusal:
            # Seats were confirmed while the form was open: ask for the capacity again.
            draft.capacity, draft.seats_taken = refusal.capacity, refusal.confirmed
            draft.step = "capacity"
            return Moved(_state(call, draft), "taken_meanwhile")
        except EventRejected as error:
            call.details["problem"] = rejection(caller, error)
            return Moved(_state(call, draft), "rejected")
        if change is None:
            await show(
                call.update,
                caller.render("not_available"),
                [[caller.button("staff_event_list", StaffEventList())]],
            )
            return None
        await self.show_event(
            call.update,
            caller,
            change.after.id,
            "saved" if change.fields else "unchanged",
            notified=change.notified,
            promoted=len(change.promoted),
            moved=change.moved,
        )
        return None

    async def cancelled(self, call: FormCall) -> None:
        await show(call.update, call.caller.render("staff_form_closed", timeout=False))


def handlers(form: EventForm) -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return the ways into `form`: /newevent, the staff menu, an event page's change buttons."""

    async def new_event(update: Update, context: AssistantContext) -> None:
        """Start the new-event form."""
        caller = context.caller
        answers = {"draft": EventDraft().to_answers()}
        await open_form(update, context, caller, form, answers=answers, step="kind")

    async def begin_change(update: Update, context: AssistantContext) -> None:
        """Start changing one thing about an event, from its staff page."""
        caller = context.caller
        pressed = ChangeEvent.of(update)
        code, event_id = pressed.change, pressed.event_id
        services = caller.services
        event = services.catalogue.event(event_id)
        if event is None:
            rows = [[caller.button("staff_event_list", StaffEventList())]]
            await show(update, caller.render("not_available"), rows)
            return
        change = STAFF_CHANGE_CODES[code]
        # An event held stays as it was, but may still be counted for a funded project.
        if event.ends_at <= datetime.now(UTC) and change != "project":
            await refuse_held_event(update, caller, event.id)
            return
        taken = await event_store.confirmed_count(services.database, event.id)
        draft = EventDraft.changing(event, change, taken)
        answers = {"draft": draft.to_answers()}
        await open_form(
            update, context, caller, form, answers=answers, subject=event.id, step=draft.step
        )

    return [
        CommandHandler("newevent", new_event, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(new_event, pattern=StaffMenu.pattern(screen="newevent")),
        CallbackQueryHandler(begin_change, pattern=ChangeEvent.pattern()),
    ]


async def refuse_held_event(update: Update, caller: Caller, event_id: str) -> None:
    """Say that an event that has taken place can no longer be changed or cancelled."""
    rows = [
        [caller.button("staff_back_to_event", StaffEventPage(event_id))],
        [caller.button("staff_event_list", StaffEventList())],
    ]
    await show(update, caller.render("staff_event_held"), rows)


def rejection(caller: Caller, error: EventRejected) -> str:
    """Say why the catalogue refused the event, in the staff member's language."""
    if error.content is None:
        return str(error)
    return caller.render("content_problem", error=error.content, field=True)
