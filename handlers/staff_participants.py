"""Participants who are not on Telegram, from an event's staff page: a walk-in or someone who
registered by phone, added by hand (a form), or a whole attendance list (XLSX or CSV, previewed
before anything is added).

They are registrations without a person (storage/staff_added.py): counted, listed, exported and
marked present like anyone, and never sent anything. The audit log records how many were added,
never who.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.attendance_list import (
    LIKELY,
    AttendanceList,
    match_companies,
    read_attendance_list,
)
from bot.domain.companies import CompanyIndex
from bot.domain.forms import Answers, ChoiceStep, Flow, Moved, TextStep, YesNoStep
from bot.domain.names import check_name, with_capitals
from bot.domain.phones import check_phone
from bot.domain.profile import check_company, check_email, company_key
from bot.screens.buttons import (
    STAFF_HOME,
    StaffAddedErase,
    StaffAddedList,
    StaffAddParticipant,
    StaffEventPage,
    StaffImportAttendance,
)
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from handlers.uploads import APPLY, DISCARD, UploadForm, upload_flow
from storage.content import Event
from storage.registrations import places_left
from storage.staff_added import HAND, IMPORT, NewParticipant

FORM_TIMEOUT = 15 * 60
# A registry company this close to what was typed is offered as a button.
LIKELY_MATCH = LIKELY
NOT_LISTED = "none"
# An attendance list of two thousand rows is well under a megabyte.
FILE_LIMIT = 2 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv")
# Rows named in the preview; the rest are counted, to stay inside one message.
LISTED = 15


def _over(left: int | None, adding: int) -> int:
    """Return by how many people adding `adding` would go over the capacity (0: it fits)."""
    return 0 if left is None else max(0, adding - max(left, 0))


def _event(call: FormCall) -> Event | None:
    return call.services.catalogue.event(call.state.subject or "")


async def _event_gone(call: FormCall) -> None:
    caller = call.caller
    await show(
        call.update, caller.render("not_available"), [[caller.button("staff_menu", STAFF_HOME)]]
    )


def check_contact(text: str) -> tuple[str | None, str | None]:
    """Return a phone number or an e-mail address, or why it is neither."""
    return check_email(text) if "@" in text else check_phone(text)


# -- one participant by hand -----------------------------------------------------------------


def _applies(step: str, answers: Answers) -> bool:
    if step == "company_pick":
        return isinstance(answers.get("company"), dict)
    return True


class AddParticipantForm(Form):
    """Name, company (registry companies offered), contact, present now."""

    kind = "walk_in"
    code = "wi"
    ability = Ability.MANAGE
    closed_template = "staff_participant_closed"
    flow = Flow(
        "walk_in",
        (
            TextStep("name", back=False, check=check_name),
            TextStep("company", optional=True, check=check_company),
            ChoiceStep("company_pick"),
            TextStep("contact", optional=True, check=check_contact),
            YesNoStep("present"),
        ),
        _applies,
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        if call.state.step != "company_pick":
            return []
        company = call.state.answers.get("company")
        matches = company.get("matches", []) if isinstance(company, dict) else []
        return [(str(match["id"]), match["name"]) for match in matches] + [
            (NOT_LISTED, call.caller.label("participant_company_not_listed"))
        ]

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        if step == "name":
            return with_capitals(value), None
        if step != "company":
            return value, None
        found = CompanyIndex(await call.services.companies.all()).search(value)
        likely = [item.company for item in found if item.score >= LIKELY_MATCH]
        if not likely:
            return value, None
        matches = [{"id": company.id, "name": company.name[:60]} for company in likely]
        return {"name": value, "matches": matches}, None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        event = _event(call)
        if event is None:
            await _event_gone(call)
            return
        # Staff may add someone to a full event (a speaker's guest, a walk-in): said first.
        left = await places_left(call.services.database, event)
        text = call.caller.render(
            "staff_participant_step",
            step=call.state.step,
            reason=reason,
            event=event,
            full=left is not None and left <= 0,
        )
        rows: Keyboard = step_keyboard(call, self)
        await show(call.update, text, rows)

    async def finish(self, call: FormCall) -> Moved | None:
        caller, answers = call.caller, call.state.answers
        event = _event(call)
        if event is None:
            await _event_gone(call)
            return None
        company = answers.get("company")
        picked = answers.get("company_pick")
        registry_id = int(picked) if picked and picked != NOT_LISTED else None
        typed = str(company["name"]) if isinstance(company, dict) else company
        # A registry company is written the registry's way, not as it was typed to find it.
        typed = await call.services.companies.name_of(registry_id) or typed
        contact = answers.get("contact")
        participant = NewParticipant(
            full_name=answers["name"],
            company_name=typed,
            company_key=company_key(typed) if typed else None,
            company_id=registry_id,
            phone=contact if contact and "@" not in contact else None,
            email=contact if contact and "@" in contact else None,
            present=answers.get("present") == "yes",
        )
        over = _over(await places_left(call.services.database, event), 1)
        added = await call.services.staff_added.add(
            event.id,
            [participant],
            caller.person.id,
            HAND,
            datetime.now(UTC),
        )
        if not added:
            await _event_gone(call)
            return None
        await call.services.audit.record(
            caller.person.id,
            "participants.add",
            f"event:{event.id}",
            {"added": 1} | ({"over_capacity": over} if over else {}),
        )
        await call.acknowledge()
        rows = [
            [caller.button("staff_add_another", StaffAddParticipant(event.id))],
            [caller.button("staff_back_to_event", StaffEventPage(event.id))],
        ]
        text = caller.render(
            "staff_participant_added", event=event, participant=participant, over=over
        )
        await show(call.update, text, rows)
        return None


WALK_IN = AddParticipantForm()


# -- an attendance list ----------------------------------------------------------------------


def _list_of(call: FormCall) -> AttendanceList:
    checked = call.state.answers["file"]
    return read_attendance_list(base64.b64decode(checked["content"]), checked["filename"])


class AttendanceImportForm(UploadForm):
    """The list's file, its preview naming rows and columns, then add or discard."""

    kind = "attendance_import"
    code = "al"
    ability = Ability.MANAGE
    closed_template = "staff_participant_closed"
    unnamed = "list.xlsx"
    # A list with a problem (or nobody in it) is shown and the form ends: nothing to confirm.
    ready = "usable"
    flow = upload_flow(kind, ready)

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        caller = call.caller
        # Over the capacity the button says so: adding them anyway is staff's decision.
        add = "staff_add_over_capacity" if call.details.get("over") else "staff_add_listed"
        return [(APPLY, caller.label(add)), (DISCARD, caller.label("staff_discard"))]

    def accepts(self, call: FormCall, filename: str, mime_type: str | None) -> int | None:
        return FILE_LIMIT if filename.lower().endswith(SUFFIXES) else None

    async def read(self, call: FormCall, filename: str, data: bytes) -> tuple[Any, str | None]:
        found = read_attendance_list(data, filename)
        usable = bool(found.participants) and not found.problems
        content = base64.b64encode(data).decode()
        return {"filename": filename, "content": content, "usable": usable}, None

    async def gone(self, call: FormCall) -> bool:
        if _event(call) is not None:
            return False
        await _event_gone(call)
        return True

    def leaving_rows(self, call: FormCall) -> Keyboard:
        return [
            [call.caller.button("staff_back_to_event", StaffEventPage(call.state.subject or ""))]
        ]

    async def ask_for_file(self, call: FormCall, problem: str | None) -> None:
        text = call.caller.render(
            "staff_attendance_import_ask",
            event=_event(call),
            reason=problem,
            filename=call.details.get("filename", ""),
            limit=FILE_LIMIT // (1024 * 1024),
        )
        await show(call.update, text)

    async def preview(self, call: FormCall, added: int | None = None, over: int = 0) -> str:
        found = _list_of(call)
        typed = [p.company for p in found.participants if p.company]
        matches = match_companies(await call.services.companies.all(), typed)
        matched = sum(1 for name in typed if matches[name] is not None)
        event = _event(call)
        left = await places_left(call.services.database, event) if event is not None else None
        if added is None:
            over = _over(left, len(found.participants))
            call.details["over"] = over  # the button under the preview says it too
        return call.caller.render(
            "staff_attendance_import",
            event=_event(call),
            found=found,
            matched=matched,
            present=sum(1 for p in found.participants if p.present),
            listed=LISTED,
            added=added,
            over=over,
            capacity=event.capacity if event is not None else None,
            left=left,
        )

    async def apply(self, call: FormCall, choice: str) -> None:
        caller = call.caller
        event = _event(call)
        assert event is not None  # `gone` said so otherwise
        found = _list_of(call)
        typed = [p.company for p in found.participants if p.company]
        matches = match_companies(await call.services.companies.all(), typed)
        participants = []
        for listed in found.participants:
            registry = matches[listed.company] if listed.company else None
            participants.append(
                NewParticipant(
                    full_name=listed.full_name,
                    company_name=listed.company,
                    company_key=company_key(listed.company) if listed.company else None,
                    company_id=registry.id if registry is not None else None,
                    phone=listed.phone,
                    email=listed.email,
                    present=listed.present,
                )
            )
        over = _over(await places_left(call.services.database, event), len(participants))
        added = await call.services.staff_added.add(
            event.id,
            participants,
            caller.person.id,
            IMPORT,
            datetime.now(UTC),
        )
        await call.services.audit.record(
            caller.person.id,
            "participants.import",
            f"event:{event.id}",
            {"added": len(added), "present": sum(1 for p in participants if p.present)}
            | ({"over_capacity": over} if over and added else {}),
        )
        text = await self.preview(call, added=len(added), over=over if added else 0)
        await show(call.update, text, self.leaving_rows(call))


ATTENDANCE_IMPORT = AttendanceImportForm()


# -- the ways in, from the event's staff page ------------------------------------------------


async def _open_for_event(
    update: Update, context: AssistantContext, form: Form, event_id: str
) -> None:
    caller: Caller = context.caller
    if caller.services.catalogue.event(event_id) is None:
        await show(
            update, caller.render("not_available"), [[caller.button("staff_menu", STAFF_HOME)]]
        )
        return
    await open_form(update, context, caller, form, subject=event_id)


async def add_pressed(update: Update, context: AssistantContext) -> None:
    """Open the form that adds one participant by hand."""
    await _open_for_event(update, context, WALK_IN, StaffAddParticipant.of(update).event_id)


async def import_pressed(update: Update, context: AssistantContext) -> None:
    """Ask for an attendance list to add."""
    event_id = StaffImportAttendance.of(update).event_id
    await _open_for_event(update, context, ATTENDANCE_IMPORT, event_id)


# Staff-added people offered for erasure on one screen.
ERASE_LISTED = 20


async def added_list(update: Update, context: AssistantContext) -> None:
    """List the event's staff-added people, to erase one who asks (KVKK Art. 11)."""
    caller = context.caller
    event_id = StaffAddedList.of(update).event_id
    event = caller.services.catalogue.event(event_id)
    if event is None:
        await show(
            update, caller.render("not_available"), [[caller.button("staff_menu", STAFF_HOME)]]
        )
        return
    people = await caller.services.staff_added.named(event.id)
    rows: Keyboard = [
        [
            InlineKeyboardButton(
                f"🗑 {name[:40]}", callback_data=StaffAddedErase(registration_id).data
            )
        ]
        for registration_id, name in people[:ERASE_LISTED]
    ]
    rows = [*rows, [caller.button("staff_back_to_event", StaffEventPage(event.id))]]
    text = caller.render("staff_added_list", event=event, people=people, listed=ERASE_LISTED)
    await show(update, text, rows)


async def erase_pressed(update: Update, context: AssistantContext) -> None:
    """Ask to confirm erasing one staff-added participant, then erase them."""
    caller = context.caller
    pressed = StaffAddedErase.of(update)
    staff_added = caller.services.staff_added
    found = await staff_added.find(pressed.registration_id)
    if found is None:
        # Erased by a colleague a moment ago, or never there.
        await show(
            update, caller.render("not_available"), [[caller.button("staff_menu", STAFF_HOME)]]
        )
        return
    event_id, name = found
    event = caller.services.catalogue.event(event_id)
    title = event.title.get(caller.language) if event is not None else event_id
    back = StaffAddedList(event_id) if event is not None else STAFF_HOME
    if pressed.confirmed == "n":
        rows = [
            [
                caller.button(
                    "staff_erase_participant", StaffAddedErase(pressed.registration_id, "y")
                )
            ],
            [caller.button("staff_keep_participant", back)],
        ]
        await show(update, caller.render("staff_added_erase", name=name, title=title), rows)
        return
    if await staff_added.erase(pressed.registration_id):
        await caller.services.audit.record(
            caller.person.id, "participants.erase", f"event:{event_id}", {"erased": 1}
        )
    text = caller.render("staff_added_erase", name=None, title=title)
    await show(update, text, [[caller.button("back", back)]])


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers (the answers themselves are the forms')."""
    return staff(
        Ability.MANAGE,
        [
            CallbackQueryHandler(add_pressed, pattern=StaffAddParticipant.pattern()),
            CallbackQueryHandler(import_pressed, pattern=StaffImportAttendance.pattern()),
            CallbackQueryHandler(added_list, pattern=StaffAddedList.pattern()),
            CallbackQueryHandler(erase_pressed, pattern=StaffAddedErase.pattern()),
        ],
    )
