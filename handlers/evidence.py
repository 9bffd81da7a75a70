"""An event's evidence for funders, from its staff page: the attendance sheet to print, and the
signed sheet (a photo or PDF scan) attached to the event and sent again on request.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.forms import Flow, MessageStep, Moved
from bot.screens.buttons import AddEvidence, AttendanceSheet, ShowEvidence, StaffEventPage
from bot.screens.evidence import attendance_sheet_document, evidence_message
from bot.screens.outgoing import post
from handlers.forms import Form, FormCall, open_form
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from storage.content import Event
from storage.evidence import DOCUMENT, PHOTO, EvidenceRepository

# Telegram lets a bot download files of up to 20 MB; a scanned sheet is far smaller.
FILE_LIMIT_MB = 20
PDF = "application/pdf"


def _event(caller: Caller, event_id: str) -> Event | None:
    return caller.services.catalogue.event(event_id)


def _back(caller: Caller, event_id: str) -> Keyboard:
    return [[caller.button("staff_back_to_event", StaffEventPage(event_id))]]


async def staff_page_rows(caller: Caller, event_id: str) -> Keyboard:
    """Return the evidence buttons of an event's staff page that the caller's role allows."""
    count = (await EvidenceRepository(caller.services.database).counts([event_id])).get(event_id, 0)
    rows: list[list[InlineKeyboardButton]] = []
    if caller.can(Ability.CHECK_IN):
        rows.append(
            [
                caller.button("staff_attendance_sheet", AttendanceSheet(event_id)),
                caller.button("staff_add_evidence", AddEvidence(event_id)),
            ]
        )
    if count and caller.can(Ability.READ):
        label = caller.label("staff_show_evidence").format(count=count)
        rows.append([InlineKeyboardButton(label, callback_data=ShowEvidence(event_id).data)])
    return rows


async def sheet_pressed(update: Update, context: AssistantContext) -> None:
    """Send the event's attendance sheet as a PDF (audited: it lists people)."""
    caller = context.caller
    services = caller.services
    event = _event(caller, AttendanceSheet.of(update).event_id)
    if event is None:
        await show(update, caller.render("not_available"))
        return
    await context.acknowledge()
    entries = await EvidenceRepository(services.database).sheet(event.id)
    document = await asyncio.to_thread(
        attendance_sheet_document,
        services.texts,
        services.catalogue.cluster,
        event,
        entries,
        caller.language,
        datetime.now(UTC),
    )
    await services.audit.record(
        caller.person.id, "attendees.sheet", f"event:{event.id}", {"rows": len(entries)}
    )
    await post(context.bot, caller.person.id, document)


async def show_evidence(update: Update, context: AssistantContext) -> None:
    """Send the signed sheets attached to the event again, each with who attached it, when."""
    caller = context.caller
    services = caller.services
    event = _event(caller, ShowEvidence.of(update).event_id)
    if event is None:
        await show(update, caller.render("not_available"))
        return
    files = await EvidenceRepository(services.database).of_event(event.id)
    if not files:
        text = caller.render("staff_evidence", step="none", event=event)
        await show(update, text, _back(caller, event.id))
        return
    await context.acknowledge()
    for number, evidence in enumerate(files, start=1):
        staff_person = await services.people.get(evidence.staff_id)
        name = (staff_person.full_name if staff_person else None) or str(evidence.staff_id)
        caption = caller.render(
            "staff_evidence",
            step="caption",
            event=event,
            number=number,
            count=len(files),
            staff=name,
            added_at=evidence.added_at,
        )
        await post(context.bot, caller.person.id, evidence_message(evidence, caption))


class EvidenceForm(Form):
    """One step: the photo or PDF scan of the event's signed attendance sheet."""

    kind = "evidence"
    code = "sd"
    ability = Ability.CHECK_IN
    closed_template = "staff_evidence_closed"
    flow = Flow(
        "evidence", (MessageStep("sheet", back=False, text=False, photos=True, documents=True),)
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(minutes=15)

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        if value["kind"] == DOCUMENT:
            mime = (value["mime_type"] or "").lower()
            name = (value["file_name"] or "").lower()
            if not (mime == PDF or mime.startswith("image/") or name.endswith(".pdf")):
                return None, "type"
        if (value["size"] or 0) > FILE_LIMIT_MB * 1024 * 1024:
            return None, "too_big"
        return value, None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        event = _event(call.caller, call.state.subject or "")
        if event is None:
            await show(call.update, call.caller.render("not_available"))
            return
        text = call.caller.render(
            "staff_evidence", step="ask", reason=reason, event=event, limit=FILE_LIMIT_MB
        )
        await show(call.update, text)

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        services = call.services
        event = _event(caller, call.state.subject or "")
        if event is None:
            await show(call.update, caller.render("not_available"))
            return None
        sheet = call.state.answers["sheet"]
        repository = EvidenceRepository(services.database)
        added = await repository.attach(
            event.id,
            file_id=sheet["file_id"],
            file_unique_id=sheet.get("unique_id") or sheet["file_id"],
            media=PHOTO if sheet["kind"] == PHOTO else DOCUMENT,
            file_name=sheet["file_name"],
            mime_type=sheet["mime_type"],
            file_size=sheet["size"],
            staff_id=caller.person.id,
            now=datetime.now(UTC),
        )
        count = len(await repository.of_event(event.id))
        if added:
            await services.audit.record(
                caller.person.id, "evidence.attach", f"event:{event.id}", {"files": count}
            )
        rows: Keyboard = [
            [caller.button("staff_add_another_sheet", AddEvidence(event.id))],
            *_back(caller, event.id),
        ]
        step = "added" if added else "duplicate"
        await show(
            call.update, caller.render("staff_evidence", step=step, event=event, count=count), rows
        )
        return None


EVIDENCE = EvidenceForm()


async def add_pressed(update: Update, context: AssistantContext) -> None:
    """Ask for the photo or scan of the event's signed attendance sheet."""
    caller = context.caller
    event = _event(caller, AddEvidence.of(update).event_id)
    if event is None:
        await show(update, caller.render("not_available"))
        return
    await open_form(update, context, caller, EVIDENCE, subject=event.id)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return [
        *staff(
            Ability.CHECK_IN,
            [
                CallbackQueryHandler(sheet_pressed, pattern=AttendanceSheet.pattern()),
                CallbackQueryHandler(add_pressed, pattern=AddEvidence.pattern()),
            ],
        ),
        *staff(Ability.READ, [CallbackQueryHandler(show_evidence, pattern=ShowEvidence.pattern())]),
    ]
