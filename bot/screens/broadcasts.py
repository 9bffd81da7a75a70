"""The messages a broadcast makes: the announcement people get, its progress and report."""

from __future__ import annotations

import html
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.screens.buttons import StopBroadcast
from bot.screens.outgoing import DocumentMessage, Outgoing, PhotoMessage, TextMessage
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
from storage.content import Catalogue


def broadcast_message(texts: Texts, broadcast: Broadcast, language: str) -> Outgoing:
    """Return the broadcast as a person with `language` gets it (and the staff's preview)."""
    body = texts.render(language, "broadcast_message", body=broadcast.text_for(language))
    if broadcast.media_kind == PHOTO:
        assert broadcast.media_file_id is not None
        return PhotoMessage(broadcast.media_file_id, caption=body or None)
    if broadcast.media_kind == DOCUMENT:
        assert broadcast.media_file_id is not None
        return DocumentMessage(broadcast.media_file_id, caption=body or None)
    return TextMessage(body)


def audience_view(catalogue: Catalogue, audience: Audience, language: str) -> dict[str, Any]:
    """Return what the templates need to name an audience in `language`."""
    name = audience.value
    if audience.kind == SECTOR:
        sector = catalogue.sector(audience.value or "")
        name = sector.name.get(language) if sector is not None else name
    elif audience.kind in (REGISTRANTS, ATTENDEES):
        event = catalogue.event(audience.value or "")
        name = event.title.get(language) if event is not None else name
    return {
        "kind": audience.kind,
        "value": audience.value,
        "name": name,
        "statuses": list(audience.statuses),
    }


# What a list shows of an announcement: its first line, cut to fit one line of a phone.
FIRST_LINE_LIMIT = 60
_TAG = re.compile(r"<[^>]+>")


def first_line(broadcast: Broadcast, limit: int = FIRST_LINE_LIMIT) -> str:
    """Return the first line of the main text as plain words, shortened; "" when there is none."""
    plain = html.unescape(_TAG.sub("", broadcast.text_for(broadcast.main_language)))
    line = next((line.strip() for line in plain.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def listed(catalogue: Catalogue, broadcast: Broadcast, language: str) -> dict[str, Any]:
    """Return what a list of drafts or scheduled broadcasts shows of one: words, who, when."""
    return {
        "id": broadcast.id,
        "first_line": first_line(broadcast),
        "media": broadcast.media_kind,
        "audience": audience_view(catalogue, broadcast.audience, language),
        "written_at": broadcast.created_at,
        "scheduled_at": broadcast.scheduled_at,
    }


def progress_screen(
    texts: Texts,
    catalogue: Catalogue,
    broadcast: Broadcast,
    progress: Progress,
    language: str,
    rate: float,
) -> TextMessage:
    """Return the progress message of a broadcast being sent (or just finished)."""
    text = texts.render(
        language,
        "broadcast_progress",
        broadcast=broadcast,
        progress=progress,
        audience=audience_view(catalogue, broadcast.audience, language),
        rate=rate,
    )
    if broadcast.status != SENDING:
        return TextMessage(text)
    stop = InlineKeyboardButton(
        texts.label(language, "broadcast_stop"), callback_data=StopBroadcast(broadcast.id).data
    )
    return TextMessage(text, InlineKeyboardMarkup([[stop]]))


def report_screen(
    texts: Texts, catalogue: Catalogue, broadcast: Broadcast, language: str
) -> TextMessage:
    """Return the final report of a finished or cancelled broadcast."""
    seconds = 0
    if broadcast.started_at is not None and broadcast.finished_at is not None:
        seconds = max(0, round((broadcast.finished_at - broadcast.started_at).total_seconds()))
    text = texts.render(
        language,
        "broadcast_report",
        broadcast=broadcast,
        audience=audience_view(catalogue, broadcast.audience, language),
        minutes=seconds // 60,
        seconds=seconds % 60,
    )
    return TextMessage(text)
