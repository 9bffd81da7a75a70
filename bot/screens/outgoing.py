"""What a message is before it goes out: a text with buttons, a document or a photo.

Screens return these; handlers reply with them and the outbox worker sends them, both
through `post`, so a message reads the same whichever path takes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters


@dataclass(frozen=True)
class TextMessage:
    """A text (Telegram HTML) with its buttons."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    reply_to: int | None = None  # the message it answers in its chat (sent even if deleted)


@dataclass(frozen=True)
class DocumentMessage:
    """A file: bytes with their file name, or a Telegram file id."""

    document: bytes | str
    filename: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class PhotoMessage:
    """A photo: PNG or JPEG bytes, or a Telegram file id."""

    photo: bytes | str
    caption: str | None = None


Outgoing = TextMessage | DocumentMessage | PhotoMessage

# Characters no file system takes in a name (Windows is the strictest), and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
# A part of a file name: long enough to recognise, short enough for every phone's file list.
PART_LIMIT = 60


def file_name(*parts: str, suffix: str) -> str:
    """Return a file name people read, "Katılım belgesi - Yalın üretim - Ayşe Kaya.pdf".

    Turkish letters stay (Telegram keeps UTF-8 names); what a file system refuses becomes a
    space, each part is cut at a word to PART_LIMIT, and empty parts are left out.
    """
    kept = []
    for part in parts:
        clean = " ".join(_UNSAFE.sub(" ", part).split()).strip(". ")
        if len(clean) > PART_LIMIT:
            cut = clean[: PART_LIMIT + 1]
            clean = (cut.rsplit(" ", 1)[0] if " " in cut else cut[:PART_LIMIT]).rstrip(" .,;-")
        if clean:
            kept.append(clean)
    return " - ".join(kept) + suffix


async def post(bot: Bot, chat_id: int, message: Outgoing) -> Message:
    """Send one message to one chat."""
    if isinstance(message, DocumentMessage):
        return await bot.send_document(
            chat_id, message.document, filename=message.filename, caption=message.caption
        )
    if isinstance(message, PhotoMessage):
        return await bot.send_photo(chat_id, message.photo, caption=message.caption)
    replying = (
        None
        if message.reply_to is None
        else ReplyParameters(message.reply_to, allow_sending_without_reply=True)
    )
    return await bot.send_message(
        chat_id, message.text, reply_markup=message.markup, reply_parameters=replying
    )
