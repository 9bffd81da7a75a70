"""`/import`: a staff member sends a YAML content file, or a company list (XLSX, CSV or a YAML
with `companies:`), sees what it would change, applies it.

The file is checked completely before anything is written (type, size, encoding, every field);
the import itself upserts by id and never removes anything. An upload form (handlers/uploads.py)
keeps the checked file's text, so what was previewed is what is imported, after a restart too.
"""

from __future__ import annotations

import base64
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
from bot.domain.notices import fill_free_seats
from bot.screens.buttons import STAFF_HOME, StaffMenu
from handlers.forms import FormCall, open_form
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from handlers.uploads import UploadForm, upload_flow
from storage.catalogue import ImportReport
from storage.content import Catalogue, ContentError, parse_catalogue_text

FILE_LIMIT = 1024 * 1024
# A company list of ten thousand rows is a few megabytes as XLSX.
SPREADSHEET_LIMIT = 8 * 1024 * 1024
SPREADSHEET_SUFFIXES = (".xlsx", ".csv")
YAML_SUFFIXES = (".yaml", ".yml")
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
# Entries listed by name in the preview; the rest are counted, to stay inside one message.
LISTED = 25


class ImportForm(UploadForm):
    """The content file, then apply or discard after seeing what it would change."""

    kind = "import"
    code = "im"
    ability = Ability.MANAGE
    closed_template = "staff_import_closed"
    unnamed = "content.yaml"
    ready = "changes"
    flow = upload_flow(kind, ready)

    def accepts(self, call: FormCall, filename: str, mime_type: str | None) -> int | None:
        if filename.lower().endswith(SPREADSHEET_SUFFIXES):
            return SPREADSHEET_LIMIT
        if filename.lower().endswith(YAML_SUFFIXES) or (mime_type or "") in YAML_TYPES:
            return FILE_LIMIT
        return None

    async def read(self, call: FormCall, filename: str, data: bytes) -> tuple[Any, str | None]:
        if filename.lower().endswith(SPREADSHEET_SUFFIXES) or is_company_yaml(data):
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

    async def ask_for_file(self, call: FormCall, problem: str | None) -> None:
        if problem is None:
            text = call.caller.render("staff_import_ask", limit=FILE_LIMIT // 1024)
        else:
            text = call.caller.render(
                "staff_import_error",
                problem=problem,
                limit=FILE_LIMIT // 1024,
                filename=call.details.get("filename", ""),
                error=call.details.get("error"),
            )
        await show(call.update, text)

    async def preview(self, call: FormCall) -> str:
        checked = call.state.answers["file"]
        if "companies" in checked:
            plan = await _company_plan(call, _company_bytes(call), checked["filename"])
            return call.caller.render("company_import", plan=plan, applied=False, listed=LISTED)
        filename, catalogue = _checked(call)
        report = await call.services.catalogue_store.preview_import(catalogue)
        return call.caller.render(
            "staff_import_preview", filename=filename, report=report, listed=LISTED
        )

    def leaving_rows(self, call: FormCall) -> Keyboard:
        return [[call.caller.button("staff_menu", STAFF_HOME)]]

    async def apply(self, call: FormCall, choice: str) -> None:
        if "companies" in call.state.answers["file"]:
            await self._import_companies(call)
            return
        caller, services = call.caller, call.services
        filename, catalogue = _checked(call)
        report = await services.catalogue_store.import_catalogue(catalogue)
        await services.reload_catalogue()
        await fill_free_seats(services.registrations, services.catalogue)
        await services.audit.record(
            caller.person.id, "content.import", f"file:{filename}", _summary(report)
        )
        text = caller.render("staff_import_done", filename=filename, report=report)
        await show(call.update, text, self.leaving_rows(call))

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
