"""`/import`: a staff member sends a YAML content file, sees what it would change, applies it.

The file is checked completely before anything is written (type, size, encoding, every field);
the import itself upserts by id and never removes anything.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from telegram import Update
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
from bot.domain.access import Ability
from bot.domain.notices import fill_free_seats
from handlers.replies import show
from handlers.staff_access import staff
from storage.catalogue import ImportReport
from storage.content import Catalogue, ContentError, parse_catalogue_text

FILE_LIMIT = 1024 * 1024
FORM_TIMEOUT = 15 * 60
YAML_SUFFIXES = (".yaml", ".yml")
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
# Entries listed by name in the preview; the rest are counted, to stay inside one message.
LISTED = 25
WAITING, CONFIRM = range(2)


@dataclass(frozen=True)
class PendingImport:
    """A checked content file waiting for the staff member's confirmation."""

    filename: str
    catalogue: Catalogue


def _pending(context: AssistantContext) -> PendingImport | None:
    assert context.chat_data is not None
    pending = context.chat_data.get(PendingImport)
    return pending if isinstance(pending, PendingImport) else None


def _keep(context: AssistantContext, pending: PendingImport | None) -> None:
    assert context.chat_data is not None
    if pending is None:
        context.chat_data.pop(PendingImport, None)
    else:
        context.chat_data[PendingImport] = pending


async def import_command(update: Update, context: AssistantContext) -> int:
    """Ask for the content file."""
    caller = context.caller
    _keep(context, None)
    await show(update, caller.render("staff_import_ask", limit=FILE_LIMIT // 1024))
    return WAITING


async def file_received(update: Update, context: AssistantContext) -> int:
    """Download and check the file, then show what importing it would change."""
    caller = context.caller
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    filename = document.file_name or "content.yaml"
    if not (filename.lower().endswith(YAML_SUFFIXES) or (document.mime_type or "") in YAML_TYPES):
        return await _refuse(update, caller, "wrong_type", filename=filename)
    if (document.file_size or 0) > FILE_LIMIT:
        return await _refuse(update, caller, "too_big", filename=filename)
    telegram_file = await document.get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    if len(data) > FILE_LIMIT:
        return await _refuse(update, caller, "too_big", filename=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return await _refuse(update, caller, "encoding", filename=filename)
    try:
        catalogue = parse_catalogue_text(text, filename)
    except ContentError as error:
        return await _refuse(update, caller, "content", filename=filename, error=error)
    report = await caller.services.catalogue_store.preview_import(catalogue)
    _keep(context, PendingImport(filename, catalogue))
    text = caller.render("staff_import_preview", filename=filename, report=report, listed=LISTED)
    rows = [
        [caller.button("staff_apply_import", "si:apply")],
        [caller.button("staff_discard", "si:discard")],
    ]
    if report.is_empty:
        rows = [[caller.button("staff_menu", "sm:home")]]
        _keep(context, None)
        await show(update, text, rows)
        return ConversationHandler.END
    await show(update, text, rows)
    return CONFIRM


async def _refuse(update: Update, caller: Caller, problem: str, **details: Any) -> int:
    await show(
        update,
        caller.render(
            "staff_import_error",
            problem=problem,
            limit=FILE_LIMIT // 1024,
            error=details.pop("error", None),
            **details,
        ),
    )
    return WAITING


async def not_a_file(update: Update, context: AssistantContext) -> int:
    """Ask again for the file after text, a photo or a sticker."""
    caller = context.caller
    return await _refuse(update, caller, "not_a_file")


async def apply(update: Update, context: AssistantContext) -> int:
    """Import the checked file, reload the catalogue and record it in the audit log."""
    caller = context.caller
    pending = _pending(context)
    _keep(context, None)
    if pending is None:
        await show(
            update, caller.render("not_available"), [[caller.button("staff_menu", "sm:home")]]
        )
        return ConversationHandler.END
    services = caller.services
    report = await services.catalogue_store.import_catalogue(pending.catalogue)
    await services.reload_catalogue()
    await fill_free_seats(services.registrations, services.catalogue)
    await services.audit.record(
        caller.person.id, "content.import", f"file:{pending.filename}", _summary(report)
    )
    await show(
        update,
        caller.render("staff_import_done", filename=pending.filename, report=report),
        [[caller.button("staff_menu", "sm:home")]],
    )
    return ConversationHandler.END


def _summary(report: ImportReport) -> dict[str, Any]:
    return {"added": report.added, "changed": report.changed, "unchanged": report.unchanged}


async def discard(update: Update, context: AssistantContext) -> int:
    """Drop the checked file; nothing is imported."""
    caller = context.caller
    _keep(context, None)
    await show(
        update,
        caller.render("staff_import_closed", timeout=False),
        [[caller.button("staff_menu", "sm:home")]],
    )
    return ConversationHandler.END


async def cancel(update: Update, context: AssistantContext) -> int:
    """Leave the import with /cancel."""
    caller = context.caller
    _keep(context, None)
    await show(update, caller.render("staff_import_closed", timeout=False))
    return ConversationHandler.END


async def timed_out(update: Update, context: AssistantContext) -> None:
    """Tell the staff member the import was closed for lack of an answer."""
    caller = context.caller
    _keep(context, None)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, caller.render("staff_import_closed", timeout=True))


def conversation() -> ConversationHandler[AssistantContext]:
    """Return the import conversation."""
    # Tracked per staff member and chat, not per message, like every form here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation()


def _conversation() -> ConversationHandler[AssistantContext]:
    anything_else = ~filters.COMMAND & ~filters.Document.ALL & ~filters.StatusUpdate.ALL
    document = MessageHandler(filters.Document.ALL, file_received)
    states: dict[object, list[BaseHandler[Update, AssistantContext, Any]]] = {
        WAITING: [document, MessageHandler(anything_else, not_a_file)],
        CONFIRM: [
            CallbackQueryHandler(apply, pattern=r"^si:apply$"),
            CallbackQueryHandler(discard, pattern=r"^si:discard$"),
            document,
        ],
        ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
    }
    return ConversationHandler(
        entry_points=[
            CommandHandler("import", import_command, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(import_command, pattern=r"^sm:import$"),
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", cancel)],
        conversation_timeout=FORM_TIMEOUT,
        name="staff_import",
        allow_reentry=True,
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers."""
    return staff(Ability.MANAGE, [conversation()])
