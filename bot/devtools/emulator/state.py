"""In-memory world of the emulator: users, chats, messages, updates and files."""

from __future__ import annotations

import base64
import random
import struct
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

BOT_FIRST_NAME = "Clustem Demo"


@dataclass
class User:
    """A human Telegram user driven by tests or the demo."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "tr"

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    """A private chat (id == user id) or a group (negative id)."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value:
                data[key] = value
        if self.type == "group":
            data["all_members_are_administrators"] = False
        return data

    def to_full_info(self) -> JSON:
        data = self.to_api()
        data.pop("all_members_are_administrators", None)
        # Fields python-telegram-bot's ChatFullInfo requires.
        data.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return data


@dataclass
class Document:
    """A file attached to a message, with its bytes."""

    filename: str
    mime_type: str
    content: bytes
    file_id: str = ""


@dataclass
class StoredFile:
    """A file known to the server, reachable by file_id and by file_path."""

    file_id: str
    file_unique_id: str
    kind: str
    file_path: str
    content: bytes
    mime_type: str | None = None
    file_name: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class Message:
    """A message in a chat, as the user sees it; bot messages reflect later edits."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    sender: JSON = field(repr=False)
    chat: JSON = field(repr=False)
    text: str | None = None
    html: str | None = None
    entities: list[JSON] = field(default_factory=list, repr=False)
    caption: str | None = None
    caption_html: str | None = field(default=None, repr=False)
    caption_entities: list[JSON] = field(default_factory=list, repr=False)
    markup: JSON | None = field(default=None, repr=False)
    document: Document | None = None
    photo: bytes | None = field(default=None, repr=False)
    media: JSON = field(default_factory=dict, repr=False)
    reply_to: Message | None = field(default=None, repr=False)
    edits: list[str] = field(default_factory=list)
    edit_date: int | None = field(default=None, repr=False)
    deleted: bool = False
    # Activity sequence number of the last send or edit; waits compare against it.
    seq: int = field(default=0, repr=False)

    @property
    def reply_markup(self) -> list[list[JSON]]:
        """Keyboard rows (inline or reply keyboard) as button dicts; empty if none."""
        if not self.markup:
            return []
        rows = self.markup.get("inline_keyboard") or self.markup.get("keyboard") or []
        return [list(row) for row in rows]

    @property
    def is_inline_keyboard(self) -> bool:
        return bool(self.markup and "inline_keyboard" in self.markup)

    @property
    def buttons(self) -> list[str]:
        return [str(button["text"]) for row in self.reply_markup for button in row]

    def button_data(self, text: str) -> str | None:
        """callback_data of the button with exactly this text."""
        for row in self.reply_markup:
            for button in row:
                if button.get("text") == text:
                    data = button.get("callback_data")
                    return None if data is None else str(data)
        raise KeyError(f"no button {text!r} on message {self.message_id}: {self.buttons}")

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def reply_to_message_id(self) -> int | None:
        return self.reply_to.message_id if self.reply_to else None

    def to_api(self, *, include_reply: bool = True) -> JSON:
        data: JSON = {
            "message_id": self.message_id,
            "from": dict(self.sender),
            "chat": dict(self.chat),
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if include_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(include_reply=False)
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = [dict(e) for e in self.entities]
        data.update(self.media)
        if self.caption is not None:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = [dict(e) for e in self.caption_entities]
        # Telegram only reports inline keyboards back in Message objects.
        if self.is_inline_keyboard:
            data["reply_markup"] = self.markup
        return data


@dataclass
class Update:
    update_id: int
    kind: str
    payload: JSON

    def to_api(self) -> JSON:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class CallbackAnswer:
    """What the bot answered to a callback query."""

    query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass
class CallbackQueryRecord:
    query_id: str
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False
    # Every answerCallbackQuery call, refused ones included: a bot should answer exactly once.
    answer_calls: int = 0


@dataclass(frozen=True)
class BotActivity:
    """One thing the bot did that a user could see: send, edit, delete or callback_answer."""

    kind: str
    message: Message | None = None
    answer: CallbackAnswer | None = None


def now_ts() -> int:
    return int(time.time())


def scope_key(scope_type: str, chat_id: int | None = None, user_id: int | None = None) -> str:
    """Storage key of a BotCommandScope."""
    if scope_type == "chat_member":
        return f"chat_member:{chat_id}:{user_id}"
    if scope_type in ("chat", "chat_administrators"):
        return f"{scope_type}:{chat_id}"
    return scope_type


class EmulatorState:
    """Plain data store; all Bot API rules live in the method handlers."""

    def __init__(self, *, bot_username: str, seed: int) -> None:
        self.rng = random.Random(seed)
        self.bot_id = 7_000_000_001
        self.bot_username = bot_username
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self._messages: dict[int, dict[int, Message]] = {}
        self._last_message_id: dict[int, int] = {}
        self.updates: list[Update] = []
        self._next_update_id = 100_000 + self.rng.randrange(900_000)
        self.allowed_updates: list[str] | None = None
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.queries: dict[str, CallbackQueryRecord] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.webhook: JSON | None = None
        # Groups upgraded to supergroups: old id -> new id (sends to the old id are refused).
        self.migrated: dict[int, int] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.seq = 0
        self._groups = 0
        self._file_counter = 0
        self._chat_instances: dict[int, str] = {}

    # -- people and chats ---------------------------------------------------

    def bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": self.bot_username,
        }

    def add_user(self, user: User) -> Chat:
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, "private")
            self.chats[user.id] = chat
        chat.first_name, chat.last_name = user.first_name, user.last_name
        chat.username = user.username
        return chat

    def create_group(self, title: str, *, supergroup: bool = False) -> Chat:
        self._groups += 1
        if supergroup:
            chat = Chat(-1_001_000_000_000 - self._groups, "supergroup", title=title)
        else:
            chat = Chat(-4_000_000_000 - self._groups, "group", title=title)
        self.chats[chat.id] = chat
        return chat

    def find_chat(self, ref: int | str) -> Chat | None:
        if isinstance(ref, int):
            return self.chats.get(ref)
        wanted = ref.removeprefix("@").lower()
        for chat in self.chats.values():
            if chat.type != "private" and (chat.username or "").lower() == wanted:
                return chat
        return None

    def chat_instance(self, chat_id: int) -> str:
        if chat_id not in self._chat_instances:
            self._chat_instances[chat_id] = str(self.rng.randrange(10**18, 9 * 10**18))
        return self._chat_instances[chat_id]

    # -- messages -----------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def store(self, message: Message) -> Message:
        self.seq += 1
        message.seq = self.seq
        self._messages.setdefault(message.chat_id, {})[message.message_id] = message
        return message

    def touch(self, message: Message) -> None:
        """Mark a message as changed now (edit or delete)."""
        self.seq += 1
        message.seq = self.seq

    def get_message(self, chat_id: int, message_id: int) -> Message | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def messages(self, chat_id: int) -> list[Message]:
        return list(self._messages.get(chat_id, {}).values())

    # -- updates ------------------------------------------------------------

    def push_update(self, kind: str, payload: JSON) -> Update:
        update = Update(self._next_update_id, kind, payload)
        self._next_update_id += 1
        self.updates.append(update)
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last -offset."""
        if offset < 0:
            self.updates = self.updates[offset:]
        elif offset:
            self.updates = [u for u in self.updates if u.update_id >= offset]

    # -- files --------------------------------------------------------------

    def register_file(
        self,
        kind: str,
        content: bytes,
        *,
        extension: str,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        self._file_counter += 1
        n = self._file_counter
        prefix = {"document": "BQAC", "photo": "AgAC", "sticker": "CAAC", "voice": "AwAC"}
        raw = struct.pack(">I", n) + self.rng.randbytes(15)
        token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(kind, "documents")
        stored = StoredFile(
            file_id=f"{prefix.get(kind, 'BQAC')}AgIAAxkBAA{token}",
            file_unique_id=f"AgAD{token[:12]}",
            kind=kind,
            file_path=f"{folder}/file_{n}.{extension.lstrip('.') or 'bin'}",
            content=content,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def new_query_id(self) -> str:
        while True:
            query_id = str(self.rng.randrange(10**18, 9 * 10**18))
            if query_id not in self.queries:
                return query_id
