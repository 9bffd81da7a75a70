"""Shared plumbing of the Bot API method handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.devtools.emulator.errors import ApiError, bad_request, forbidden
from bot.devtools.emulator.faults import EmulatorStats, Faults
from bot.devtools.emulator.html_check import (
    HtmlParseError,
    ParsedText,
    parse_html,
    trim_text,
    utf16_len,
)
from bot.devtools.emulator.markup import validate_reply_markup
from bot.devtools.emulator.params import Params
from bot.devtools.emulator.signals import Signal
from bot.devtools.emulator.state import JSON, BotActivity, Chat, EmulatorState, Message, now_ts

TEXT_MAX = 4096
CAPTION_MAX = 1024

Notify = Callable[[BotActivity], Awaitable[None]]


class ApiBase:
    """State, faults and helpers every method handler needs."""

    def __init__(
        self,
        state: EmulatorState,
        faults: Faults,
        stats: EmulatorStats,
        notify: Notify,
        updates_signal: Signal,
    ) -> None:
        self.state = state
        self.faults = faults
        self.stats = stats
        self.notify = notify
        self.updates_signal = updates_signal
        self.strict_entities = True
        self.poll_generation = 0
        self.closing = False

    # -- chats --------------------------------------------------------------

    def chat_param(self, p: Params, name: str = "chat_id") -> Chat:
        ref = p.chat_ref(name)
        if ref is None:
            raise bad_request(f"{name} is empty")
        chat = self.state.find_chat(ref)
        if chat is None and ref in self.state.users:
            # Seen in a group but never started the bot in private.
            raise forbidden("bot can't initiate conversation with a user")
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def ensure_reachable(self, chat: Chat) -> None:
        moved_to = self.state.migrated.get(chat.id)
        if moved_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=moved_to,
            )
        if chat.type == "private" and chat.id in self.faults.blocked_users:
            raise forbidden("bot was blocked by the user")
        if chat.id in self.faults.kicked_chats:
            raise forbidden(f"bot was kicked from the {chat.type} chat")

    # -- text ---------------------------------------------------------------

    def format_text(self, text: str, parse_mode: str | None, entities: Any) -> ParsedText:
        """Apply parse_mode (or explicit entities) the way Telegram does."""
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                return parse_html(text, strict_entities=self.strict_entities)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        if mode not in ("", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        # Markdown modes are stored verbatim: this emulator validates HTML only.
        return trim_text(text, [] if mode else _check_entities(entities))

    def message_text(self, p: Params) -> tuple[str, ParsedText]:
        text = p.get_str("text")
        if not text:
            raise bad_request("message text is empty")
        parsed = self.format_text(text, p.get_str("parse_mode"), p.get_json("entities"))
        if not parsed.text:
            raise bad_request("message text is empty")
        if utf16_len(parsed.text) > TEXT_MAX:
            raise bad_request("message is too long")
        return text, parsed

    def caption(self, p: Params) -> tuple[str | None, ParsedText | None]:
        raw = p.get_str("caption")
        if raw is None:
            return None, None
        parsed = self.format_text(raw, p.get_str("parse_mode"), p.get_json("caption_entities"))
        if utf16_len(parsed.text) > CAPTION_MAX:
            raise bad_request("message caption is too long")
        return raw, parsed

    def reply_markup(self, p: Params) -> JSON | None:
        value = p.get_json("reply_markup", error="can't parse reply keyboard markup JSON object")
        return validate_reply_markup(value)

    def reply_target(self, chat: Chat, p: Params) -> Message | None:
        params = p.get_json("reply_parameters", error="can't parse reply parameters JSON object")
        allow_missing = p.get_bool("allow_sending_without_reply")
        target_chat = chat
        if isinstance(params, dict):
            message_id = params.get("message_id")
            allow_missing = bool(params.get("allow_sending_without_reply"))
            if params.get("chat_id") is not None:
                target_chat = self.chat_param(Params({"chat_id": params["chat_id"]}, {}))
        else:
            message_id = p.get_int("reply_to_message_id")
        if message_id is None:
            return None
        try:
            message = self.state.get_message(target_chat.id, int(message_id))
        except (TypeError, ValueError):
            message = None
        if message is None or message.deleted:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return message

    # -- messages -----------------------------------------------------------

    def new_bot_message(self, chat: Chat, **fields: Any) -> Message:
        return Message(
            message_id=self.state.next_message_id(chat.id),
            chat_id=chat.id,
            from_bot=True,
            date=now_ts(),
            sender=self.state.bot_user(),
            chat=chat.to_api(),
            **fields,
        )

    async def deliver(self, message: Message) -> Message:
        """Store a bot message, count it against flood limits and tell subscribers."""
        self.faults.record_send(message.chat_id)
        self.stats.sent += 1
        self.state.store(message)
        await self.notify(BotActivity("send", message))
        return message

    def bot_message(self, chat: Chat, message_id: int, missing: str) -> Message:
        message = self.state.get_message(chat.id, message_id)
        if message is None or message.deleted:
            raise bad_request(missing)
        return message


def _check_entities(value: Any) -> list[JSON]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("can't parse entities JSON object")
    for entity in value:
        if not (
            isinstance(entity, dict)
            and isinstance(entity.get("type"), str)
            and isinstance(entity.get("offset"), int)
            and isinstance(entity.get("length"), int)
        ):
            raise bad_request("can't parse MessageEntity JSON object")
    return [dict(e) for e in value]
