"""`/import`: a staff member sends a YAML content file, or a company list (XLSX, CSV or a YAML
with `companies:`), sees what it would change, applies it.

The file is checked completely before anything is written (type, size, encoding, every field);
the import itself upserts by id and never removes anything. The form keeps the checked file's
text, so what was previewed is what is imported, after a restart too.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from bot.domain.access import Ability
from bot.domain.companies import ImportPlan
from bot.domain.company_files import (
    catalogue_sectors,
    import_companies,
    is_company_yaml,
    read_company_file,
)
from bot.domain.forms import DOCUMENT, Answers, ChoiceStep, Flow, MessageStep, Moved, Reply
from bot.domain.notices import fill_free_seats
from bot.screens.buttons import STAFF_HOME, StaffMenu
from handlers.forms import Form, FormCall, open_form
from handlers.replies import show
from handlers.staff_access import staff
from storage.catalogue import ImportReport
from storage.content import Catalogue, ContentError, parse_catalogue_text

FILE_LIMIT = 1024 * 1024
# A company list of ten thousand rows is a few megabytes as XLSX.
SPREADSHEET_LIMIT = 8 * 1024 * 1024
SPREADSHEET_SUFFIXES = (".xlsx", ".csv")
FORM_TIMEOUT = 15 * 60
YAML_SUFFIXES = (".yaml", ".yml")
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
# Entries listed by name in the preview; the rest are counted, to stay inside one message.
LISTED = 25
APPLY, DISCARD = "apply", "discard"


def _applies(step: str, answers: Answers) -> bool:
    # A file that would change nothing is shown and the form ends: there is nothing to confirm.
    return step != "confirm" or bool(answers.get("file", {}).get("changes"))


class ImportForm(Form):
    """The content file, then apply or discard after seeing what it would change."""

    kind = "import"
    code = "im"
    ability = Ability.MANAGE
    closed_template = "staff_import_closed"
    flow = Flow(
        "import",
        (
            MessageStep("file", back=False, text=False, documents=True),
            ChoiceStep("confirm", back=False),
        ),
        _applies,
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    def offered(self, call: FormCall) -> frozenset[str]:
        return frozenset((APPLY, DISCARD))

    def route(self, call: FormCall, reply: Reply) -> str | None:
        # Another file sent at the preview replaces the one previewed.
        return "file" if reply.upload is not None else None

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        if step != "file":
            return value, None
        filename = value["file_name"] or "content.yaml"
        call.details = {"filename": filename}
        spreadsheet = filename.lower().endswith(SPREADSHEET_SUFFIXES)
        if not (
            spreadsheet
            or filename.lower().endswith(YAML_SUFFIXES)
            or (value["mime_type"] or "") in YAML_TYPES
        ):
            return None, "wrong_type"
        limit = SPREADSHEET_LIMIT if spreadsheet else FILE_LIMIT
        if (value["size"] or 0) > limit:
            return None, "too_big"
        telegram_file = await call.context.bot.get_file(value["file_id"])
        data = bytes(await telegram_file.download_as_bytearray())
        if len(data) > limit:
            return None, "too_big"
        if spreadsheet or is_company_yaml(data):
            plan = await _company_plan(call, data, filename)
            changes = plan.has_changes and not plan.problems
            content = base64.b64encode(data).decode()
            return {"filename": filename, "companies": content, "changes": changes}, None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, "encoding"
        try:
            catalogue = parse_catalogue_text(text, filename)
        except ContentError as error:
            call.details["error"] = error
            return None, "content"
        report = await call.services.catalogue_store.preview_import(catalogue)
        return {"filename": filename, "content": text, "changes": not report.is_empty}, None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        if call.state.step == "file":
            if reason is None:
                text = caller.render("staff_import_ask", limit=FILE_LIMIT // 1024)
            else:
                text = caller.render(
                    "staff_import_error",
                    problem="not_a_file" if reason in (DOCUMENT, "other") else reason,
                    limit=FILE_LIMIT // 1024,
                    filename=call.details.get("filename", ""),
                    error=call.details.get("error"),
                )
            await show(call.update, text)
            return
        text = await self._preview(call)
        rows = [
            [call.button(self, caller.label("staff_apply_import"), APPLY)],
            [call.button(self, caller.label("staff_discard"), DISCARD)],
        ]
        await show(call.update, text, rows)

    async def _preview(self, call: FormCall) -> str:
        checked = call.state.answers["file"]
        if "companies" in checked:
            plan = await _company_plan(call, _company_bytes(call), checked["filename"])
            return call.caller.render("company_import", plan=plan, applied=False, listed=LISTED)
        filename, catalogue = _checked(call)
        report = await call.services.catalogue_store.preview_import(catalogue)
        return call.caller.render(
            "staff_import_preview", filename=filename, report=report, listed=LISTED
        )

    async def finish(self, call: FormCall) -> Moved | None:
        caller, answers = call.caller, call.state.answers
        menu = [[caller.button("staff_menu", STAFF_HOME)]]
        if not answers["file"]["changes"]:
            await show(call.update, await self._preview(call), menu)
            return None
        if answers["confirm"] == DISCARD:
            await show(call.update, caller.render("staff_import_closed", timeout=False), menu)
            return None
        if "companies" in answers["file"]:
            await call.acknowledge()
            await self._import_companies(call)
            return None
        filename, catalogue = _checked(call)
        services = call.services
        await call.acknowledge()
        report = await services.catalogue_store.import_catalogue(catalogue)
        await services.reload_catalogue()
        await fill_free_seats(services.registrations, services.catalogue)
        await services.audit.record(
            caller.person.id, "content.import", f"file:{filename}", _summary(report)
        )
        text = caller.render("staff_import_done", filename=filename, report=report)
        await show(call.update, text, menu)
        return None

    async def _import_companies(self, call: FormCall) -> None:
        caller, services = call.caller, call.services
        filename = call.state.answers["file"]["filename"]
        company_file = read_company_file(
            _company_bytes(call), filename, catalogue_sectors(services.catalogue)
        )
        plan = await import_companies(services.companies, company_file, dry_run=False)
        await services.audit.record(
            caller.person.id,
            "companies.import",
            f"file:{filename}",
            {
                "added": len(plan.added),
                "changed": len(plan.changed),
                "problems": len(plan.problems),
            },
        )
        text = caller.render("company_import", plan=plan, applied=not plan.problems, listed=LISTED)
        await show(call.update, text, [[caller.button("staff_menu", STAFF_HOME)]])


async def _company_plan(call: FormCall, data: bytes, filename: str) -> ImportPlan:
    """Return what a company list would change; it is read again when applied."""
    services = call.services
    company_file = read_company_file(data, filename, catalogue_sectors(services.catalogue))
    return await import_companies(services.companies, company_file, dry_run=True)


def _company_bytes(call: FormCall) -> bytes:
    return base64.b64decode(call.state.answers["file"]["companies"])


def _checked(call: FormCall) -> tuple[str, Catalogue]:
    """Return the checked file's name and catalogue (checked again: it is only text here)."""
    checked = call.state.answers["file"]
    return checked["filename"], parse_catalogue_text(checked["content"], checked["filename"])


def _summary(report: ImportReport) -> dict[str, Any]:
    return {"added": report.added, "changed": report.changed, "unchanged": report.unchanged}


IMPORT = ImportForm()


async def import_command(update: Update, context: AssistantContext) -> None:
    """Ask for the content file."""
    caller = context.caller
    await open_form(update, context, caller, IMPORT)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return staff(
        Ability.MANAGE,
        [
            CommandHandler("import", import_command, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(import_command, pattern=StaffMenu.pattern(screen="import")),
        ],
    )
