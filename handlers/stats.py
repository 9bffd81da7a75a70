"""`/stats`: the cluster's impact report for staff: the totals now, and any period's or funded
project's report with its chart and the Excel workbook funders accept (`/stats FIRST LAST` for
any dates)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.forms import Flow, Moved, TextStep
from bot.domain.impact import (
    Period,
    PeriodError,
    PeriodReport,
    ProjectCut,
    period_report,
    read_day,
)
from bot.screens.buttons import (
    STAFF_HOME,
    ProjectWorkbook,
    ReportPeriod,
    ReportProject,
    ReportWorkbook,
    StaffMenu,
)
from bot.screens.impact import ImpactScreens
from bot.screens.outgoing import file_name
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import keyboard, show
from handlers.staff_access import staff
from storage.content import Project
from storage.impact import ImpactRepository
from storage.stats import StatsRepository

PRESETS: tuple[Literal["month", "quarter", "year"], ...] = ("month", "quarter", "year")
_DAY = "%Y%m%d"
# A project's name on its button: about what a phone shows on one line.
_BUTTON_NAME = 40
DATES_TIMEOUT = timedelta(minutes=15)


def _screens(caller: Caller) -> ImpactScreens:
    services = caller.services
    content = services.settings.content_file
    return ImpactScreens(
        services.texts,
        services.catalogue,
        caller.language,
        content.parent if content is not None else None,
    )


class ReportDatesForm(Form):
    """The first and last day of a report's period, typed the way people write dates."""

    kind = "report_dates"
    code = "rd"
    ability = Ability.READ
    closed_template = "stats_dates_closed"
    flow = Flow(
        "report_dates",
        (
            TextStep("first", back=False),
            TextStep("last"),
        ),
    )

    @property
    def timeout(self) -> timedelta:
        return DATES_TIMEOUT

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        # Read here, where today is known: "bugün", "dün", "1 ocak" (this year's).
        today = datetime.now(call.services.settings.timezone).date()
        try:
            return read_day(value, today).isoformat(), None  # a form's answer is JSON
        except PeriodError as error:
            return None, str(error)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        first = call.state.answers.get("first")
        screens = _screens(caller)
        shown = screens.day(date.fromisoformat(first)) if first else None
        text = caller.render("stats_dates", step=call.state.step, reason=reason, first=shown)
        rows = [
            *step_keyboard(call, self),
            [caller.button("report_back", StaffMenu("stats"))],
        ]
        await show(call.update, text, rows)

    async def finish(self, call: FormCall) -> Moved | None:
        answers = call.state.answers
        try:
            period = Period(
                date.fromisoformat(answers["first"]), date.fromisoformat(answers["last"])
            )
        except PeriodError as error:
            # The end before the start: ask the end again, saying so; the start stays.
            return Moved(replace(call.state, step="last"), str(error))
        await _send_period(call.context, call.caller, period)
        return None


DATES = ReportDatesForm()


async def stats_command(update: Update, context: AssistantContext) -> None:
    """Show the totals now, or the report of the period typed after the command."""
    caller = context.caller
    if context.args:
        await _typed_period(update, context, caller, context.args)
        return
    services = caller.services
    report = await StatsRepository(services.database, services.settings.default_language).impact(
        datetime.now(UTC)
    )
    catalogue = services.catalogue
    sectors = {sector.id: sector.name.get(caller.language) for sector in catalogue.sectors}
    titles = {
        past.event_id: event.title.get(caller.language) if event is not None else past.event_id
        for past in report.past
        for event in (catalogue.event(past.event_id),)
    }
    text = caller.render("stats", report=report, sectors=sectors, titles=titles)
    rows = [
        [caller.button(f"report_this_{name}", ReportPeriod(name)) for name in PRESETS],
        [
            caller.button("report_project_period", ReportPeriod("project")),
            caller.button("report_custom", ReportPeriod("custom")),
        ],
        [
            caller.button("stats_refresh", StaffMenu("stats")),
            caller.button("staff_menu", STAFF_HOME),
        ],
    ]
    await show(update, text, rows)


async def _typed_period(
    update: Update, context: AssistantContext, caller: Caller, args: list[str]
) -> None:
    try:
        if len(args) != 2:
            raise PeriodError("two_dates")
        today = datetime.now(caller.services.settings.timezone).date()
        period = Period.parse(args[0], args[1], today)
    except PeriodError as error:
        await show(update, caller.render("stats_custom", problem=str(error)))
        return
    await _send_period(context, caller, period)


async def period_pressed(update: Update, context: AssistantContext) -> None:
    """Show the report of this month, quarter or year, or say how to ask for any dates."""
    caller = context.caller
    name = ReportPeriod.of(update).period
    if name == "project":
        await _projects(update, caller)
        return
    if name == "custom":
        await open_form(update, context, caller, DATES)
        return
    today = datetime.now(caller.services.settings.timezone).date()
    await _send_period(context, caller, Period.preset(name, today))


async def _projects(update: Update, caller: Caller) -> None:
    catalogue = caller.services.catalogue
    screens = _screens(caller)
    projects = [
        (project, *screens.dates(Period(project.starts_on, project.ends_on)))
        for project in catalogue.projects
    ]
    rows = [[_project_button(caller, project)] for project in catalogue.projects]
    rows.append([caller.button("report_back", StaffMenu("stats"))])
    await show(update, caller.render("stats_projects", projects=projects), rows)


def _project_button(caller: Caller, project: Project) -> InlineKeyboardButton:
    name = project.name.get(caller.language)
    if len(name) > _BUTTON_NAME:
        name = name[: _BUTTON_NAME - 1].rstrip() + "…"
    return InlineKeyboardButton(name, callback_data=ReportProject(project.id).data)


async def project_pressed(update: Update, context: AssistantContext) -> None:
    """Show a funded project's report over its whole period, against its targets."""
    caller = context.caller
    cut = _cut(caller, ReportProject.of(update).project_id)
    if cut is None:
        await _project_gone(update, context)
        return
    await _send_period(context, caller, cut.period, cut)


async def _project_gone(update: Update, context: AssistantContext) -> None:
    # The content was re-imported without it since the list was shown.
    caller = context.caller
    await context.acknowledge(caller.label("report_project_gone"), alert=True)
    await _projects(update, caller)


def _cut(caller: Caller, project_id: str) -> ProjectCut | None:
    catalogue = caller.services.catalogue
    project = catalogue.project(project_id)
    return ProjectCut.of(catalogue, project) if project is not None else None


async def _report(caller: Caller, period: Period, cut: ProjectCut | None) -> PeriodReport:
    services = caller.services
    return await period_report(
        ImpactRepository(services.database),
        services.companies,
        period,
        services.settings.timezone,
        cut,
    )


async def _send_period(
    context: AssistantContext, caller: Caller, period: Period, cut: ProjectCut | None = None
) -> None:
    report = await _report(caller, period, cut)
    screens = _screens(caller)
    chat_id = caller.person.id
    # A period with no participation has nothing to draw: an empty chart only puzzles.
    if any(month.participants or month.smes for month in report.months):
        # Drawing takes a moment of CPU: off the event loop, so other chats are not held up.
        chart = await asyncio.to_thread(screens.chart, report)
        await context.bot.send_photo(chat_id, chart)
    workbook = (
        ReportWorkbook(int(period.first.strftime(_DAY)), int(period.last.strftime(_DAY)))
        if cut is None
        else ProjectWorkbook(cut.project.id)
    )
    rows = [
        [caller.button("report_workbook", workbook)],
        [caller.button("report_back", StaffMenu("stats"))],
    ]
    # New messages, not an edit: the text belongs under the chart it describes.
    await context.bot.send_message(chat_id, screens.text(report), reply_markup=keyboard(rows))


async def workbook_pressed(update: Update, context: AssistantContext) -> None:
    """Send the period's report as an Excel workbook."""
    pressed = ReportWorkbook.of(update)
    period = _period(pressed.first, pressed.last)
    if period is None:
        return
    await _send_workbook(context, context.caller, period, None)


async def project_workbook_pressed(update: Update, context: AssistantContext) -> None:
    """Send a funded project's report as an Excel workbook."""
    caller = context.caller
    cut = _cut(caller, ProjectWorkbook.of(update).project_id)
    if cut is None:
        await _project_gone(update, context)
        return
    await _send_workbook(context, caller, cut.period, cut)


async def _send_workbook(
    context: AssistantContext, caller: Caller, period: Period, cut: ProjectCut | None
) -> None:
    services = caller.services
    report = await _report(caller, period, cut)
    screens = _screens(caller)
    content = await asyncio.to_thread(screens.workbook, report)
    # The period in ISO dates, so that a folder of reports sorts by time.
    about = f"{period.first.isoformat()} – {period.last.isoformat()}"
    if cut is not None:
        about = cut.project.name.get(caller.language)
    name = file_name(caller.label("report_file"), about, suffix=".xlsx")
    await context.bot.send_document(
        caller.person.id,
        document=content,
        filename=name,
        caption=screens.workbook_caption(period),
    )
    subject = f"period:{period.first.isoformat()}/{period.last.isoformat()}"
    await services.audit.record(
        caller.person.id,
        "report.export",
        subject if cut is None else f"project:{cut.project.id}",
        {},
    )


def _period(first: int, last: int) -> Period | None:
    try:
        return Period(
            datetime.strptime(str(first), _DAY).date(), datetime.strptime(str(last), _DAY).date()
        )
    except (ValueError, PeriodError):
        return None


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return staff(
        Ability.READ,
        [
            CommandHandler("stats", stats_command, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(stats_command, pattern=StaffMenu.pattern(screen="stats")),
            CallbackQueryHandler(period_pressed, pattern=ReportPeriod.pattern()),
            CallbackQueryHandler(workbook_pressed, pattern=ReportWorkbook.pattern()),
            CallbackQueryHandler(project_pressed, pattern=ReportProject.pattern()),
            CallbackQueryHandler(project_workbook_pressed, pattern=ProjectWorkbook.pattern()),
        ],
    )
