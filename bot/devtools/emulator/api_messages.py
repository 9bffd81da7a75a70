"""Bot API methods that create, change or remove messages."""

from __future__ import annotations

from typing import Any

from bot.devtools.emulator.api_base import ApiBase
from bot.devtools.emulator.errors import ApiError, bad_request
from bot.devtools.emulator.html_check import ParsedText
from bot.devtools.emulator.media import (
    DOCUMENT_MAX_BYTES,
    DOWNLOAD_MAX_BYTES,
    PHOTO_MAX_BYTES,
    document_json,
    extension_of,
    guess_mime,
    image_size,
    photo_sizes,
)
from bot.devtools.emulator.params import Params, Upload
from bot.devtools.emulator.state import (
    JSON,
    BotActivity,
    CallbackAnswer,
    Chat,
    Document,
    Message,
    StoredFile,
    now_ts,
)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
CALLBACK_TEXT_MAX = 200


def _inline(markup: JSON | None) -> JSON | None:
    return markup if markup and "inline_keyboard" in markup else None


class MessageMethods(ApiBase):
    """sendMessage, edits, deletion, copies, files and callback answers."""

    async def send_message(self, p: Params) -> Any:
        chat = self.chat_param(p)
        self.ensure_reachable(chat)
        raw, parsed = self.message_text(p)
        markup = self.reply_markup(p)
        reply_to = self.reply_target(chat, p)
        self.faults.check_flood(chat.id)
        message = self.new_bot_message(
            chat,
            text=parsed.text,
            html=raw,
            entities=parsed.entities,
            markup=markup,
            reply_to=reply_to,
        )
        return (await self.deliver(message)).to_api()

    async def send_document(self, p: Params) -> Any:
        return await self._send_file(p, "document")

    async def send_photo(self, p: Params) -> Any:
        return await self._send_file(p, "photo")

    async def _send_file(self, p: Params, kind: str) -> Any:
        chat = self.chat_param(p)
        self.ensure_reachable(chat)
        source = p.file_input(kind)
        if source is None:
            raise bad_request(f"there is no {kind} in the request")
        raw_caption, caption = self.caption(p)
        markup = self.reply_markup(p)
        reply_to = self.reply_target(chat, p)
        self.faults.check_flood(chat.id)
        fields: dict[str, Any] = {"markup": markup, "reply_to": reply_to}
        fields.update(self._caption_fields(raw_caption, caption))
        if kind == "photo":
            content, sizes = self._photo(source)
            fields.update(photo=content, media={"photo": sizes})
        else:
            stored = self._document_file(source)
            fields.update(
                document=Document(
                    stored.file_name or "file",
                    stored.mime_type or "application/octet-stream",
                    stored.content,
                    stored.file_id,
                ),
                media={"document": document_json(stored)},
            )
        message = self.new_bot_message(chat, **fields)
        return (await self.deliver(message)).to_api()

    @staticmethod
    def _caption_fields(raw: str | None, parsed: ParsedText | None) -> dict[str, Any]:
        if parsed is None or not parsed.text:
            return {}
        return {"caption": parsed.text, "caption_html": raw, "caption_entities": parsed.entities}

    def _known_file(self, file_id: str, kind: str) -> StoredFile:
        if file_id.startswith(("http://", "https://")):
            # The emulator has no internet access to fetch from, like a bad URL on Telegram.
            raise bad_request("failed to get HTTP URL content")
        stored = self.state.files.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request("type of file mismatch")
        return stored

    def _document_file(self, source: Upload | str) -> StoredFile:
        if isinstance(source, str):
            return self._known_file(source, "document")
        if not source.data:
            raise bad_request("file must be non-empty")
        if len(source.data) > DOCUMENT_MAX_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        name = source.filename or "file"
        return self.state.register_file(
            "document",
            source.data,
            extension=extension_of(name),
            mime_type=guess_mime(name, source.content_type),
            file_name=name,
        )

    def _photo(self, source: Upload | str) -> tuple[bytes, list[JSON]]:
        """Photo bytes and the PhotoSize list for a sendPhoto source."""
        if isinstance(source, str):
            stored = self._known_file(source, "photo")
            known = image_size(stored.content) or (320, 320)
            return stored.content, [_size_of(stored, known)]
        if not source.data:
            raise bad_request("file must be non-empty")
        if len(source.data) > PHOTO_MAX_BYTES:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        size = image_size(source.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        if sum(size) > 10_000 or max(size) > 20 * max(min(size), 1):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return source.data, photo_sizes(self.state, source.data, size)

    async def get_file(self, p: Params) -> Any:
        file_id = p.get_str("file_id") or ""
        stored = self.state.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > DOWNLOAD_MAX_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    # -- edits --------------------------------------------------------------

    def _edit_target(self, p: Params) -> tuple[Chat, Message]:
        if p.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.chat_param(p)
        message_id = p.require_int("message_id", missing="message identifier is not specified")
        message = self.bot_message(chat, message_id, "message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        self.ensure_reachable(chat)
        return chat, message

    async def _edited(self, message: Message) -> Any:
        message.edit_date = now_ts()
        self.state.touch(message)
        self.stats.edited += 1
        await self.notify(BotActivity("edit", message))
        return message.to_api()

    async def edit_message_text(self, p: Params) -> Any:
        _, message = self._edit_target(p)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        raw, parsed = self.message_text(p)
        markup = _inline(self.reply_markup(p))
        same_text = parsed.text == message.text and parsed.entities == message.entities
        if same_text and markup == _inline(message.markup):
            raise bad_request(NOT_MODIFIED)
        message.edits.append(message.text)
        message.text, message.html, message.entities = parsed.text, raw, parsed.entities
        # Without reply_markup Telegram removes the inline keyboard.
        if markup is not None or message.is_inline_keyboard:
            message.markup = markup
        return await self._edited(message)

    async def edit_message_caption(self, p: Params) -> Any:
        _, message = self._edit_target(p)
        if message.text is not None or not message.media:
            raise bad_request("there is no caption in the message to edit")
        raw, parsed = self.caption(p)
        new = self._caption_fields(raw, parsed)
        markup = _inline(self.reply_markup(p))
        same = new.get("caption") == message.caption and new.get("caption_entities", []) == (
            message.caption_entities
        )
        if same and markup == _inline(message.markup):
            raise bad_request(NOT_MODIFIED)
        message.edits.append(message.caption or "")
        message.caption = new.get("caption")
        message.caption_html = new.get("caption_html")
        message.caption_entities = new.get("caption_entities", [])
        message.markup = markup
        return await self._edited(message)

    async def edit_message_reply_markup(self, p: Params) -> Any:
        _, message = self._edit_target(p)
        markup = _inline(self.reply_markup(p))
        if markup == _inline(message.markup):
            raise bad_request(NOT_MODIFIED)
        message.markup = markup
        return await self._edited(message)

    async def delete_message(self, p: Params) -> Any:
        chat = self.chat_param(p)
        message_id = p.require_int("message_id", missing="message identifier is not specified")
        message = self.bot_message(chat, message_id, "message to delete not found")
        if not message.from_bot and chat.type != "private":
            # The emulated bot is never a group admin.
            raise bad_request("message can't be deleted")
        message.deleted = True
        self.state.touch(message)
        await self.notify(BotActivity("delete", message))
        return True

    # -- copies -------------------------------------------------------------

    async def copy_message(self, p: Params) -> Any:
        message = await self._duplicate(p, "message to copy not found", forward=False)
        return {"message_id": message.message_id}

    async def forward_message(self, p: Params) -> Any:
        return (await self._duplicate(p, "message to forward not found", forward=True)).to_api()

    async def _duplicate(self, p: Params, missing: str, *, forward: bool) -> Message:
        source_chat = self.chat_param(p, "from_chat_id")
        message_id = p.require_int("message_id", missing="message identifier is not specified")
        source = self.bot_message(source_chat, message_id, missing)
        chat = self.chat_param(p)
        self.ensure_reachable(chat)
        fields: dict[str, Any] = {
            "text": source.text,
            "html": source.html,
            "entities": list(source.entities),
            "document": source.document,
            "photo": source.photo,
            "media": dict(source.media),
            "caption": source.caption,
            "caption_html": source.caption_html,
            "caption_entities": list(source.caption_entities),
        }
        if forward:
            fields["media"]["forward_origin"] = {
                "type": "user",
                "sender_user": dict(source.sender),
                "date": source.date,
            }
        else:
            if p.values.get("caption") is not None:
                fields.update(caption=None, caption_html=None, caption_entities=[])
                fields.update(self._caption_fields(*self.caption(p)))
            fields["markup"] = self.reply_markup(p)
            fields["reply_to"] = self.reply_target(chat, p)
        self.faults.check_flood(chat.id)
        return await self.deliver(self.new_bot_message(chat, **fields))

    # -- misc ---------------------------------------------------------------

    async def send_chat_action(self, p: Params) -> Any:
        chat = self.chat_param(p)
        self.ensure_reachable(chat)
        action = p.get_str("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.state.chat_actions.append((chat.id, action))
        return True

    async def answer_callback_query(self, p: Params) -> Any:
        query_id = p.get_str("callback_query_id") or ""
        record = self.state.queries.get(query_id)
        if record is not None:
            record.answer_calls += 1
        if record is None or record.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.get_str("text")
        if text is not None and len(text) > CALLBACK_TEXT_MAX:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        answer = CallbackAnswer(
            query_id,
            text=text or None,
            show_alert=p.get_bool("show_alert"),
            url=p.get_str("url"),
            cache_time=p.get_int("cache_time") or 0,
        )
        self.state.callback_answers[query_id] = answer
        await self.notify(BotActivity("callback_answer", answer=answer))
        return True


def _size_of(stored: StoredFile, size: tuple[int, int]) -> JSON:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "width": size[0],
        "height": size[1],
    }
