"""KVKK / GDPR: the privacy notice, downloading one's data, and deleting it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from bot.screens.buttons import HOME, DeleteConfirmed, Menu, PrivacyAction
from handlers.replies import show
from storage.catalogue import parse_utc


async def privacy_command(update: Update, context: AssistantContext) -> None:
    """Show the privacy notice and what the person can do with their data."""
    caller = context.caller
    person = caller.person
    notice = caller.services.catalogue.cluster.privacy_notice.get(caller.language)
    consent_at = parse_utc(person.consent_at) if person.consent_at else None
    rows = [
        [caller.button("download_data", PrivacyAction("export"))],
        [caller.button("delete_data", PrivacyAction("delete"))],
        [caller.button("home", HOME)],
    ]
    await show(
        update, caller.render("privacy", notice=notice, person=person, consent_at=consent_at), rows
    )


async def export_data(update: Update, context: AssistantContext) -> None:
    """Send the person a JSON file with everything stored about them."""
    caller = context.caller
    document = await caller.services.people.personal_data(caller.person.id)
    document["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    payload = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        caller.person.id,
        document=payload,
        filename="my-data.json",
        caption=caller.render("export_ready"),
    )


async def ask_delete(update: Update, context: AssistantContext) -> None:
    """Ask for confirmation before erasing."""
    caller = context.caller
    rows = [
        [caller.button("confirm_delete", DeleteConfirmed())],
        [caller.button("keep_data", Menu("privacy"))],
    ]
    await show(update, caller.render("delete_confirm"), rows)


async def delete_data(update: Update, context: AssistantContext) -> None:
    """Cancel active registrations (passing seats on), then erase the person's personal data."""
    caller = context.caller
    services = caller.services
    cancelled = 0
    now = datetime.now(UTC)
    for registration in await services.registrations.of_person(caller.person.id):
        event = services.catalogue.event(registration.event_id)
        # Past registrations stay as they were (without the person) for attendance figures.
        if not registration.is_active or event is None or event.starts_at <= now:
            continue
        # Whoever gets a freed seat is told by the outbox, queued with the seat.
        outcome = await services.registrations.cancel(registration.id, caller.person.id, event)
        if outcome is not None:
            cancelled += 1
    await services.people.erase(caller.person.id)
    await show(update, caller.render("deleted", cancelled=cancelled))


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("privacy", privacy_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(privacy_command, pattern=Menu.pattern(screen="privacy")),
        CallbackQueryHandler(export_data, pattern=PrivacyAction.pattern(action="export")),
        CallbackQueryHandler(ask_delete, pattern=PrivacyAction.pattern(action="delete")),
        CallbackQueryHandler(delete_data, pattern=DeleteConfirmed.pattern()),
    ]
