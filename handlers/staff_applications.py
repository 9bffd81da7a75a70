"""Staff select participants: the review list with filters and the balance, one application's
card, decisions one by one or in bulk, a personal line, the company-limit override, "notify",
and the spreadsheet round trip (export, mark, read back with a preview).

Every decision is one transaction in storage/applications.py, checked against the places and
the version of the application the staff member saw; nothing reaches a person until "notify"
queues the decisions through the outbox. A JobQueue job lets unconfirmed places lapse.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantApplication, AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.application_sheet import (
    SheetPlan,
    SheetProblem,
    application_sheet,
    plan,
    read_marks,
)
from bot.domain.exports import Cell, to_xlsx
from bot.domain.forms import (
    YES,
    Flow,
    Moved,
    TextStep,
    YesNoStep,
)
from bot.domain.questions import answer_cell, fitting, shortened
from bot.screens.buttons import (
    DECISION_CODES,
    ApplicationCard,
    ApplicationNote,
    ApplicationReview,
    ApplicationSheet,
    BulkDecide,
    DecideApplication,
    Decision,
    NotifyApplicants,
    OverrideCompanyLimit,
    StaffEventPage,
)
from bot.screens.outgoing import file_name
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.registrations import yes_no_labels
from handlers.replies import Keyboard, show, show_staff_gone
from handlers.staff_access import staff
from handlers.staff_attendees import event_answers, listed_answers
from handlers.uploads import APPLY, DISCARD, UploadForm, upload_flow
from storage.answers import AnswerRepository
from storage.applications import (
    ACCEPTED,
    DECLINED,
    PENDING,
    RESERVE,
    Applicant,
    ReviewFilter,
)
from storage.content import Event

logger = logging.getLogger(__name__)

PAGE_SIZE = 5
LAPSE_INTERVAL = 60.0
NOTE_LIMIT = 300
FORM_TIMEOUT = timedelta(minutes=15)
SHEET_LIMIT = 8 * 1024 * 1024
ANSWER_LIMIT = 60
STATUS_CODES = {"p": PENDING, "a": ACCEPTED, "r": RESERVE, "d": DECLINED, "x": ""}
NEXT_STATUS = {"p": "a", "a": "r", "r": "d", "d": "x", "x": "p"}
NEXT_FLAG = {"-": "y", "y": "n", "n": "-"}
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
DECISION_BUTTONS: tuple[tuple[Decision, str], ...] = (
    ("a", "staff_accept"),
    ("r", "staff_reserve"),
    ("d", "staff_decline"),
)
BULK_BUTTONS: tuple[tuple[Decision, str], ...] = (
    ("a", "staff_accept_all"),
    ("r", "staff_reserve_all"),
    ("d", "staff_decline_all"),
)


# -- filters as four characters ---------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """A review list's filters, read from and written to their four characters."""

    status: str
    sector: str
    member: str
    attended: str

    @classmethod
    def parse(cls, code: str) -> Filters:
        """Read `ApplicationReview.filters`."""
        return cls(code[0], code[1], code[2], code[3])

    @property
    def code(self) -> str:
        """Return the four characters."""
        return self.status + self.sector + self.member + self.attended

    def review(self, caller: Caller) -> ReviewFilter:
        """Return the storage filter: the sector from its place in the catalogue."""
        sectors = caller.services.catalogue.sectors
        index = DIGITS.find(self.sector)
        sector_id = sectors[index].id if 0 <= index < len(sectors) else ""
        member = "" if self.member == "-" else self.member
        attended = "" if self.attended == "-" else self.attended
        return ReviewFilter(STATUS_CODES[self.status], sector_id, member, attended)

    def next_sector(self, count: int) -> str:
        """Return the sector after this one, then "any" again."""
        index = DIGITS.find(self.sector)
        following = index + 1
        return DIGITS[following] if following < min(count, len(DIGITS)) else "-"


def _flag_label(caller: Caller, flag: str) -> str:
    return caller.label(
        {"-": "staff_filter_any", "y": "staff_filter_yes", "n": "staff_filter_no"}[flag]
    )


def _filter_rows(caller: Caller, event: Event, filters: Filters) -> Keyboard:
    """Return the buttons that change one filter each (back to the first page)."""
    sectors = caller.services.catalogue.sectors
    chosen = filters.review(caller)
    status_name = chosen.status or "all"
    sector = caller.services.catalogue.sector(chosen.sector_id)
    sector_label = sector.name.get(caller.language) if sector else caller.label("staff_filter_any")

    def button(label: str, value: str, changed: Filters) -> InlineKeyboardButton:
        text = caller.label(label).format(value=value)
        return InlineKeyboardButton(
            text, callback_data=ApplicationReview(event.id, changed.code).data
        )

    return [
        [
            button(
                "staff_review_status",
                caller.label(f"staff_status_{status_name}"),
                Filters.parse(NEXT_STATUS[filters.status] + filters.code[1:]),
            ),
            button(
                "staff_review_sector",
                sector_label,
                Filters.parse(
                    filters.status + filters.next_sector(len(sectors)) + filters.code[2:]
                ),
            ),
        ],
        [
            button(
                "staff_review_member",
                _flag_label(caller, filters.member),
                Filters.parse(filters.code[:2] + NEXT_FLAG[filters.member] + filters.attended),
            ),
            button(
                "staff_review_attended",
                _flag_label(caller, filters.attended),
                Filters.parse(filters.code[:3] + NEXT_FLAG[filters.attended]),
            ),
        ],
    ]


# -- the review list ---------------------------------------------------------------------------


def _sector_names(caller: Caller) -> dict[str, str]:
    return {s.id: s.name.get(caller.language) for s in caller.services.catalogue.sectors}


async def _answer_cells(caller: Caller, event: Event) -> dict[int, list[Cell]]:
    """Return everyone's answers as spreadsheet cells: numbers as numbers, by person."""
    given = await AnswerRepository(caller.services.database).for_event(event.id)
    labels = yes_no_labels(caller)
    return {
        person_id: [
            answer_cell(question, answers.get(question.id), caller.language, labels)
            for question in event.questions
        ]
        for person_id, answers in given.items()
    }


async def review(update: Update, context: AssistantContext) -> None:
    """Show a page of an event's applications with the filters and the balance."""
    caller = context.caller
    pressed = ApplicationReview.of(update)
    event = caller.services.catalogue.event(pressed.event_id)
    if event is None or not event.by_application:
        await show_staff_gone(update, caller)
        return
    await show_review(update, caller, event, Filters.parse(pressed.filters), pressed.page)


async def show_review(
    update: Update, caller: Caller, event: Event, filters: Filters, page: int, notice: str = ""
) -> None:
    """Render one page of the review list."""
    applications = caller.services.applications
    total, shown = await applications.review(
        event.id, filters.review(caller), page * PAGE_SIZE, PAGE_SIZE
    )
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    if page >= pages and page > 0:
        page = pages - 1
        total, shown = await applications.review(
            event.id, filters.review(caller), page * PAGE_SIZE, PAGE_SIZE
        )
    balance = await applications.balance(event)
    answers = await event_answers(caller, event, [applicant.person_id for applicant in shown])
    text = fitting(
        lambda limit: caller.render(
            "staff_applications",
            event=event,
            balance=balance,
            applicants=shown,
            answers={
                person: listed_answers(event, given, caller.language, min(limit, ANSWER_LIMIT))
                for person, given in answers.items()
            },
            total=total,
            page=page,
            pages=pages,
            sectors=_sector_names(caller),
            notice=notice,
        )
    )
    code = filters.code
    rows: list[list[InlineKeyboardButton]] = [*map(list, _filter_rows(caller, event, filters))]
    rows.append(
        [
            InlineKeyboardButton(
                str(applicant.number),
                callback_data=ApplicationCard(applicant.id, code, page).data,
            )
            for applicant in shown
        ]
    )
    if caller.can(Ability.MANAGE):
        if total:
            for decision, label in BULK_BUTTONS:
                rows.append([caller.button(label, BulkDecide(event.id, decision, code))])
        if balance.to_notify:
            label = caller.label("staff_notify").format(count=f"({balance.to_notify})")
            rows.append(
                [InlineKeyboardButton(label, callback_data=NotifyApplicants(event.id).data)]
            )
        rows.append([caller.button("staff_applications_import", ApplicationSheet("i", event.id))])
    rows.append([caller.button("staff_applications_export", ApplicationSheet("x", event.id))])
    paging = []
    if page > 0:
        paging.append(caller.button("previous_page", ApplicationReview(event.id, code, page - 1)))
    if page < pages - 1:
        paging.append(caller.button("next_page", ApplicationReview(event.id, code, page + 1)))
    rows.append(paging)
    rows.append([caller.button("staff_back_to_event", StaffEventPage(event.id))])
    await show(update, text, rows)


# -- one application ---------------------------------------------------------------------------


async def card(update: Update, context: AssistantContext) -> None:
    """Show one application in full with its decisions."""
    caller = context.caller
    pressed = ApplicationCard.of(update)
    applicant = await caller.services.applications.get(pressed.application_id)
    event = caller.services.catalogue.event(applicant.event_id) if applicant else None
    if applicant is None or event is None:
        await show_staff_gone(update, caller)
        return
    await show_card(update, caller, event, applicant, pressed.filters, pressed.page)


async def show_card(
    update: Update,
    caller: Caller,
    event: Event,
    applicant: Applicant,
    filters: str,
    page: int = 0,
    notice: str = "",
    company_full: bool = False,
) -> None:
    """Render one application's card."""
    given = (await event_answers(caller, event, [applicant.person_id])).get(
        applicant.person_id or 0, []
    )
    questions = [question.text.get(caller.language) for question in event.questions]
    balance = await caller.services.applications.balance(event)
    text = fitting(
        lambda limit: caller.render(
            "staff_application",
            event=event,
            applicant=applicant,
            answers=[
                (question, shortened(answer, max(limit, 40)))
                for question, answer in zip(questions, given, strict=False)
            ],
            balance=balance,
            sectors=_sector_names(caller),
            notice=notice,
        )
    )
    rows: Keyboard = []
    if caller.can(Ability.MANAGE) and applicant.status in (PENDING, ACCEPTED, RESERVE, DECLINED):
        decisions = [
            caller.button(label, DecideApplication(applicant.id, code, applicant.version, filters))
            for code, label in DECISION_BUTTONS
            if DECISION_CODES[code] != applicant.status
        ]
        rows = [decisions, [caller.button("staff_personal_line", ApplicationNote(applicant.id))]]
        if company_full:
            rows.append([caller.button("staff_override_limit", OverrideCompanyLimit(applicant.id))])
    rows = [
        *rows,
        [caller.button("staff_back_to_applications", ApplicationReview(event.id, filters, page))],
    ]
    await show(update, text, rows)


async def decide(update: Update, context: AssistantContext) -> None:
    """Record one decision, if the application is as the staff member saw it."""
    caller = context.caller
    pressed = DecideApplication.of(update)
    services = caller.services
    applicant = await services.applications.get(pressed.application_id)
    event = services.catalogue.event(applicant.event_id) if applicant else None
    if applicant is None or event is None:
        await show_staff_gone(update, caller)
        return
    decision = DECISION_CODES[pressed.decision]
    outcome = await services.applications.decide(
        event, applicant.id, decision, caller.person.id, version=pressed.version
    )
    fresh = outcome.applicant or applicant
    notice = caller.label(f"staff_decided_{outcome.outcome}").format(
        limit=event.max_per_company or 0
    )
    if outcome.outcome != "done":
        await context.acknowledge(notice, alert=True)
    await show_card(
        update,
        caller,
        event,
        fresh,
        pressed.filters,
        notice=notice,
        company_full=outcome.outcome == "company_full",
    )


# -- notify ------------------------------------------------------------------------------------


async def notify(update: Update, context: AssistantContext) -> None:
    """Ask first, then queue every decision not told yet."""
    caller = context.caller
    pressed = NotifyApplicants.of(update)
    services = caller.services
    event = services.catalogue.event(pressed.event_id)
    if event is None or not event.by_application:
        await show_staff_gone(update, caller)
        return
    balance = await services.applications.balance(event)
    if pressed.sure == "0":
        rows = [
            [caller.button("staff_notify_yes", NotifyApplicants(event.id, "1"))],
            [caller.button("staff_back_to_applications", ApplicationReview(event.id))],
        ]
        text = caller.render(
            "staff_notify_confirm",
            event=event,
            balance=balance,
            early=datetime.now(UTC) < event.signup_closes_at,
        )
        await show(update, text, rows)
        return
    told = await services.applications.notify(event, caller.person.id)
    notice = caller.render("staff_notified", told=told)
    await show_review(update, caller, event, Filters.parse("x---"), 0, notice)


# -- forms: bulk decisions, a personal line, the company override, the marked sheet ------------


class BulkForm(Form):
    """A personal line for everyone decided (or skip), then yes to decide them all."""

    kind = "application_bulk"
    code = "ab"
    ability = Ability.MANAGE
    closed_template = "staff_form_closed"
    flow = Flow(
        kind,
        (
            TextStep("note", optional=True, back=False, limit=NOTE_LIMIT, multiline=True),
            YesNoStep("confirm"),
        ),
    )

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    def _subject(self, call: FormCall) -> tuple[Event | None, str, Filters]:
        event_id, decision, code = (call.state.subject or "||").split("|")
        return call.services.catalogue.event(event_id), decision, Filters.parse(code)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        event, decision, filters = self._subject(call)
        if event is None:
            await show(call.update, call.caller.render("not_available"))
            return
        applications = call.services.applications
        chosen = filters.review(call.caller)
        total, _ = await applications.review(event.id, chosen, 0, 1)
        # What "yes" would do, worked out the same way and rolled back: never more
        # acceptances promised than there are places.
        rehearsed = await applications.decide_many(
            event, chosen, decision, call.caller.person.id, rehearse=True
        )
        text = call.caller.render(
            "staff_bulk_step",
            step=call.state.step,
            event=event,
            decision=decision,
            total=total,
            result=rehearsed,
            balance=await applications.balance(event),
            note=call.state.answers.get("note"),
            reason=reason,
        )
        await show(call.update, text, step_keyboard(call, self))

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        event, decision, filters = self._subject(call)
        await call.acknowledge()
        if event is None:
            await show(call.update, caller.render("not_available"))
            return None
        if call.state.answers.get("confirm") != YES:
            await show_review(call.update, caller, event, filters, 0)
            return None
        result = await call.services.applications.decide_many(
            event,
            filters.review(caller),
            decision,
            caller.person.id,
            call.state.answers.get("note"),
        )
        notice = caller.render("staff_bulk_done", result=result, decision=decision)
        await show_review(call.update, caller, event, filters, 0, notice)
        return None


BULK = BulkForm()


async def bulk(update: Update, context: AssistantContext) -> None:
    """Open the bulk decision: a line for everyone (or skip), then confirm."""
    caller = context.caller
    pressed = BulkDecide.of(update)
    event = caller.services.catalogue.event(pressed.event_id)
    if event is None or not event.by_application:
        await show_staff_gone(update, caller)
        return
    subject = f"{event.id}|{DECISION_CODES[pressed.decision]}|{pressed.filters}"
    await open_form(update, context, caller, BULK, subject=subject)


class NoteForm(Form):
    """The personal line sent with one application's decision; skip clears it."""

    kind = "application_note"
    code = "pl"
    ability = Ability.MANAGE
    closed_template = "staff_form_closed"
    flow = Flow(
        kind, (TextStep("note", optional=True, back=False, limit=NOTE_LIMIT, multiline=True),)
    )

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        applicant = await call.services.applications.get(int(call.state.subject or 0))
        text = call.caller.render(
            "staff_note_step", applicant=applicant, reason=reason, limit=NOTE_LIMIT
        )
        await show(call.update, text, step_keyboard(call, self))

    async def finish(self, call: FormCall) -> Moved | None:
        caller, services = call.caller, call.services
        await call.acknowledge()
        application_id = int(call.state.subject or 0)
        saved = await services.applications.set_note(
            application_id, call.state.answers.get("note"), caller.person.id
        )
        applicant = await services.applications.get(application_id)
        event = services.catalogue.event(applicant.event_id) if applicant else None
        if applicant is None or event is None or not saved:
            await show(call.update, caller.render("not_available"))
            return None
        notice = caller.label("staff_decided_done")
        await show_card(call.update, caller, event, applicant, "x---", notice=notice)
        return None


NOTE = NoteForm()


async def note(update: Update, context: AssistantContext) -> None:
    """Ask for the personal line of one application's decision."""
    caller = context.caller
    application_id = ApplicationNote.of(update).application_id
    if await caller.services.applications.get(application_id) is None:
        await show_staff_gone(update, caller)
        return
    await open_form(update, context, caller, NOTE, subject=str(application_id))


class OverrideForm(Form):
    """Why this application is accepted past the per-company limit (kept in the audit log)."""

    kind = "application_override"
    code = "ao"
    ability = Ability.MANAGE
    closed_template = "staff_form_closed"
    flow = Flow(kind, (TextStep("reason", back=False, limit=NOTE_LIMIT),))

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        applicant = await call.services.applications.get(int(call.state.subject or 0))
        text = call.caller.render("staff_override_step", applicant=applicant, reason=reason)
        await show(call.update, text)

    async def finish(self, call: FormCall) -> Moved | None:
        caller, services = call.caller, call.services
        await call.acknowledge()
        applicant = await services.applications.get(int(call.state.subject or 0))
        event = services.catalogue.event(applicant.event_id) if applicant else None
        if applicant is None or event is None:
            await show(call.update, caller.render("not_available"))
            return None
        outcome = await services.applications.decide(
            event,
            applicant.id,
            ACCEPTED,
            caller.person.id,
            override=str(call.state.answers["reason"]),
        )
        notice = caller.label(f"staff_decided_{outcome.outcome}").format(
            limit=event.max_per_company or 0
        )
        await show_card(
            call.update, caller, event, outcome.applicant or applicant, "x---", notice=notice
        )
        return None


OVERRIDE = OverrideForm()


async def override(update: Update, context: AssistantContext) -> None:
    """Ask why the application is accepted past the company limit."""
    caller = context.caller
    application_id = OverrideCompanyLimit.of(update).application_id
    if await caller.services.applications.get(application_id) is None:
        await show_staff_gone(update, caller)
        return
    await open_form(update, context, caller, OVERRIDE, subject=str(application_id))


APPLY_AND_NOTIFY = "notify"


class SheetForm(UploadForm):
    """A marked applications sheet, its preview, then apply (and notify) or discard."""

    kind = "application_sheet"
    code = "as"
    ability = Ability.MANAGE
    closed_template = "staff_form_closed"
    not_a_file = wrong_type = "not_a_sheet"
    unnamed = ""
    ready = "changes"
    flow = upload_flow(kind, ready)

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        caller = call.caller
        return [
            (APPLY, caller.label("staff_sheet_apply")),
            (APPLY_AND_NOTIFY, caller.label("staff_sheet_apply_notify")),
            (DISCARD, caller.label("staff_discard")),
        ]

    def _event(self, call: FormCall) -> Event | None:
        return call.services.catalogue.event(call.state.subject or "")

    def accepts(self, call: FormCall, filename: str, mime_type: str | None) -> int | None:
        return SHEET_LIMIT if filename.lower().endswith(".xlsx") else None

    async def read(self, call: FormCall, filename: str, data: bytes) -> tuple[Any, str | None]:
        event = self._event(call)
        if event is None:
            return None, "gone"
        try:
            marks = read_marks(data)
        except SheetProblem as problem:
            return None, problem.reason
        applicants = await call.services.applications.for_export(event.id)
        changes = plan(marks, applicants).changes
        encoded = {str(key): mark for key, mark in marks.items()}
        return {"marks": encoded, "changes": bool(changes)}, None

    def _plan(self, call: FormCall, applicants: list[Applicant]) -> SheetPlan:
        marks = {int(key): mark for key, mark in call.state.answers["file"]["marks"].items()}
        return plan(marks, applicants)

    async def gone(self, call: FormCall) -> bool:
        if self._event(call) is not None:
            return False
        await call.acknowledge()
        await show(call.update, call.caller.render("not_available"))
        return True

    async def ask_for_file(self, call: FormCall, problem: str | None) -> None:
        text = call.caller.render("staff_sheet_ask", event=self._event(call), problem=problem)
        await show(call.update, text)

    async def preview(self, call: FormCall) -> str:
        event = self._event(call)
        assert event is not None  # `gone` said so otherwise
        applicants = await call.services.applications.for_export(event.id)
        return call.caller.render(
            "staff_sheet_preview",
            event=event,
            plan=self._plan(call, applicants),
            balance=await call.services.applications.balance(event),
            early=datetime.now(UTC) < event.signup_closes_at,
        )

    async def _back_to_review(self, call: FormCall, notice: str = "") -> None:
        event = self._event(call)
        assert event is not None  # `gone` said so otherwise
        await show_review(call.update, call.caller, event, Filters.parse("x---"), 0, notice)

    async def unchanged(self, call: FormCall) -> None:
        await self._back_to_review(call)

    async def discarded(self, call: FormCall) -> None:
        await self._back_to_review(call)

    async def apply(self, call: FormCall, choice: str) -> None:
        caller, services = call.caller, call.services
        event = self._event(call)
        assert event is not None  # `gone` said so otherwise
        applicants = await services.applications.for_export(event.id)
        sheet_plan = self._plan(call, applicants)
        if not sheet_plan.changes:
            # Decided otherwise since the preview: nothing left to change.
            await self._back_to_review(call)
            return
        done = full = company_full = 0
        for change in sheet_plan.changes:
            outcome = await services.applications.decide(
                event, change.applicant.id, change.decision, caller.person.id
            )
            done += outcome.outcome == "done"
            full += outcome.outcome == "full"
            company_full += outcome.outcome == "company_full"
        told = (
            await services.applications.notify(event, caller.person.id)
            if choice == APPLY_AND_NOTIFY
            else None
        )
        await services.audit.record(
            caller.person.id,
            "application.sheet",
            f"event:{event.id}",
            {"decided": done, "full": full, "company_full": company_full},
        )
        notice = caller.render(
            "staff_sheet_done", done=done, full=full, company_full=company_full, told=told
        )
        await self._back_to_review(call, notice)


SHEET = SheetForm()


async def sheet(update: Update, context: AssistantContext) -> None:
    """Send the applications as a spreadsheet, or ask for a marked one to read back."""
    caller = context.caller
    pressed = ApplicationSheet.of(update)
    services = caller.services
    event = services.catalogue.event(pressed.event_id)
    if event is None or not event.by_application:
        await show_staff_gone(update, caller)
        return
    if pressed.action == "i":
        if not caller.can(Ability.MANAGE):
            await context.acknowledge(caller.render("not_available"), alert=True)
            return
        await open_form(update, context, caller, SHEET, subject=event.id)
        return
    applicants = await services.applications.for_export(event.id)
    names = _sector_names(caller)
    table = application_sheet(
        applicants,
        caller.label,
        lambda sector_id: names.get(sector_id or "", ""),
        [
            f"{number}. {question.text.get(caller.language)}"
            for number, question in enumerate(event.questions, start=1)
        ],
        await _answer_cells(caller, event),
        services.settings.timezone,
    )
    await context.bot.send_document(
        caller.person.id,
        document=to_xlsx(table),
        filename=file_name(
            caller.label("staff_applications_sheet"),
            event.title.get(caller.language),
            suffix=".xlsx",
        ),
        caption=caller.render("staff_sheet_ready", event=event, rows=len(applicants)),
    )
    await services.audit.record(
        caller.person.id, "applications.export", f"event:{event.id}", {"rows": len(applicants)}
    )


# -- the clock ---------------------------------------------------------------------------------


async def _lapse_job(context: AssistantContext) -> None:
    """Let accepted places not confirmed in time lapse; each passes down the reserve list."""
    services, now = context.services, datetime.now(UTC)
    if not await services.applications.any_overdue(now):
        return  # most minutes: no staff list read, no write transaction
    events = {event.id: event for event in services.catalogue.events}
    staff_ids = await services.applications.staff_to_tell(sorted(services.settings.staff_ids))
    lapsed = await services.applications.lapse_overdue(events, staff_ids, now)
    if lapsed:
        logger.info("%d accepted places lapsed unconfirmed", lapsed)


def schedule(application: AssistantApplication) -> None:
    """Check the confirmation deadlines every minute (they are rows, so restarts lose none)."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _lapse_job, interval=LAPSE_INTERVAL, first=LAPSE_INTERVAL, name="application-deadlines"
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers: reading for anyone who reads, deciding for managers."""
    return [
        *staff(
            Ability.READ,
            [
                CallbackQueryHandler(review, pattern=ApplicationReview.pattern()),
                CallbackQueryHandler(card, pattern=ApplicationCard.pattern()),
                CallbackQueryHandler(sheet, pattern=ApplicationSheet.pattern()),
            ],
        ),
        *staff(
            Ability.MANAGE,
            [
                CallbackQueryHandler(decide, pattern=DecideApplication.pattern()),
                CallbackQueryHandler(bulk, pattern=BulkDecide.pattern()),
                CallbackQueryHandler(notify, pattern=NotifyApplicants.pattern()),
                CallbackQueryHandler(note, pattern=ApplicationNote.pattern()),
                CallbackQueryHandler(override, pattern=OverrideCompanyLimit.pattern()),
            ],
        ),
    ]
