"""The messages a broadcast makes: the announcement people get, its progress and report."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import Services
from bot.screens.texts import Texts
from storage.broadcasts import (
    ATTENDEES,
    DOCUMENT,
    PHOTO,
    REGISTRANTS,
    SECTOR,
    SENDING,
    Audience,
    Broadcast,
    Progress,
)


async def post_broadcast(
    bot: Bot, chat_id: int, broadcast: Broadcast, language: str, texts: Texts
) -> Message:
    """Send the broadcast in `language` to one chat: a person, or the staff's preview."""
    body = texts.render(language, "broadcast_message", body=broadcast.text_for(language))
    if broadcast.media_kind == PHOTO:
        assert broadcast.media_file_id is not None
        return await bot.send_photo(chat_id, broadcast.media_file_id, caption=body or None)
    if broadcast.media_kind == DOCUMENT:
        assert broadcast.media_file_id is not None
        return await bot.send_document(chat_id, broadcast.media_file_id, caption=body or None)
    return await bot.send_message(chat_id, body)


def audience_view(services: Services, audience: Audience, language: str) -> dict[str, Any]:
    """Return what the templates need to name an audience in `language`."""
    name = audience.value
    if audience.kind == SECTOR:
        sector = services.catalogue.sector(audience.value or "")
        name = sector.name.get(language) if sector is not None else name
    elif audience.kind in (REGISTRANTS, ATTENDEES):
        event = services.catalogue.event(audience.value or "")
        name = event.title.get(language) if event is not None else name
    return {
        "kind": audience.kind,
        "value": audience.value,
        "name": name,
        "statuses": list(audience.statuses),
    }


def progress_screen(
    services: Services, broadcast: Broadcast, progress: Progress, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return the progress message of a broadcast being sent (or just finished)."""
    texts = services.texts
    text = texts.render(
        language,
        "broadcast_progress",
        broadcast=broadcast,
        progress=progress,
        audience=audience_view(services, broadcast.audience, language),
        rate=services.settings.broadcast_rate,
    )
    if broadcast.status != SENDING:
        return text, None
    stop = InlineKeyboardButton(
        texts.label(language, "broadcast_stop"), callback_data=stop_data(broadcast.id)
    )
    return text, InlineKeyboardMarkup([[stop]])


def report_text(services: Services, broadcast: Broadcast, language: str) -> str:
    """Return the final report of a finished or cancelled broadcast."""
    seconds = 0
    if broadcast.started_at is not None and broadcast.finished_at is not None:
        seconds = max(0, round((broadcast.finished_at - broadcast.started_at).total_seconds()))
    return services.texts.render(
        language,
        "broadcast_report",
        broadcast=broadcast,
        audience=audience_view(services, broadcast.audience, language),
        minutes=seconds // 60,
        seconds=seconds % 60,
    )


def stop_data(broadcast_id: int) -> str:
    """Return the callback data of the button that stops a scheduled or sending broadcast."""
    return f"bc:stop:{broadcast_id}"
