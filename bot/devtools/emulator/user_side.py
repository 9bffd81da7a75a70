"""What users do: send messages, commands, files, contacts, and press buttons."""

from __future__ import annotations

import re
from typing import Any

from bot.devtools.emulator.media import extension_of, guess_mime, image_size, photo_sizes
from bot.devtools.emulator.signals import Signal
from bot.devtools.emulator.state import (
    JSON,
    CallbackQueryRecord,
    Chat,
    Document,
    EmulatorState,
    Message,
    User,
    now_ts,
)

COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
ButtonRef = str | int | tuple[int, int]

# Smallest payloads that look like the real formats to code sniffing magic bytes.
FAKE_WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
    b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)
FAKE_OGG = b"OggS\x00\x02" + bytes(22) + b"\x01\x13OpusHead\x01\x01"


class UserActions:
    """Mixin of BotApiEmulator: the user-side Python API that produces updates."""

    state: EmulatorState
    privacy_mode: bool
    _updates: Signal
    _user_marks: dict[int, int]

    # -- chats --------------------------------------------------------------

    def add_user(self, user: User) -> Chat:
        """Make a private chat known, as if the user had opened the bot."""
        return self.state.add_user(user)

    def create_group(self, title: str, *, supergroup: bool = False) -> Chat:
        """A group (negative id) the bot is a member of."""
        return self.state.create_group(title, supergroup=supergroup)

    # -- messages -----------------------------------------------------------

    async def send_message(
        self,
        user: User,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> Message:
        """A text message; a leading /command gets its bot_command entity."""
        entities: list[JSON] = []
        match = COMMAND_RE.match(text)
        if match:
            entities.append({"type": "bot_command", "offset": 0, "length": len(match.group())})
        return self._post(user, chat_id, reply_to_message_id, text=text, entities=entities)

    async def send_command(
        self,
        user: User,
        command: str,
        args: str | None = None,
        *,
        chat_id: int | None = None,
        mention: bool = False,
    ) -> Message:
        """``/command[@bot] [args]``; ``mention`` adds the @botname as group clients do."""
        text = "/" + command.lstrip("/")
        if mention:
            text += f"@{self.state.bot_username}"
        if args:
            text += f" {args}"
        return await self.send_message(user, text, chat_id=chat_id)

    async def send_contact(
        self,
        user: User,
        phone_number: str,
        *,
        own: bool = True,
        chat_id: int | None = None,
        first_name: str | None = None,
    ) -> Message:
        """A shared contact; ``own`` sets user_id as Telegram does for the sender's number."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name or user.first_name}
        if own:
            if user.last_name:
                contact["last_name"] = user.last_name
            contact["user_id"] = user.id
        return self._post(user, chat_id, None, media={"contact": contact})

    async def send_document(
        self,
        user: User,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> Message:
        mime = mime_type or guess_mime(filename)
        stored = self.state.register_file(
            "document",
            content,
            extension=extension_of(filename),
            mime_type=mime,
            file_name=filename,
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime,
            "file_size": len(content),
        }
        return self._post(
            user,
            chat_id,
            reply_to_message_id,
            caption=caption,
            document=Document(filename, mime, content, stored.file_id),
            media={"document": document},
        )

    async def send_photo(
        self,
        user: User,
        content: bytes,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> Message:
        sizes = photo_sizes(self.state, content, image_size(content) or (1280, 960))
        return self._post(
            user,
            chat_id,
            reply_to_message_id,
            caption=caption,
            photo=content,
            media={"photo": sizes},
        )

    async def send_sticker(
        self, user: User, emoji: str = "👍", *, chat_id: int | None = None
    ) -> Message:
        stored = self.state.register_file(
            "sticker", FAKE_WEBP, extension="webp", mime_type="image/webp"
        )
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self._post(user, chat_id, None, media={"sticker": sticker})

    async def send_voice(
        self,
        user: User,
        content: bytes = FAKE_OGG,
        duration: int = 2,
        *,
        chat_id: int | None = None,
    ) -> Message:
        stored = self.state.register_file("voice", content, extension="oga", mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self._post(user, chat_id, None, media={"voice": voice})

    async def send_location(
        self, user: User, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> Message:
        location = {"latitude": latitude, "longitude": longitude}
        return self._post(user, chat_id, None, media={"location": location})

    def _post(
        self, user: User, chat_id: int | None, reply_to_message_id: int | None, **fields: Any
    ) -> Message:
        if chat_id is None or chat_id == user.id:
            chat = self.state.add_user(user)
        else:
            found = self.state.chats.get(chat_id)
            if found is None:
                raise ValueError(f"unknown chat {chat_id}: create it with create_group()")
            chat = found
            self.state.users.setdefault(user.id, user)
        reply_to = None
        if reply_to_message_id is not None:
            reply_to = self.state.get_message(chat.id, reply_to_message_id)
            if reply_to is None or reply_to.deleted:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat.id}")
        message = Message(
            message_id=self.state.next_message_id(chat.id),
            chat_id=chat.id,
            from_bot=False,
            date=now_ts(),
            sender=user.to_api(),
            chat=chat.to_api(),
            reply_to=reply_to,
            **fields,
        )
        self.state.store(message)
        self._user_marks[chat.id] = self.state.seq
        if self._bot_sees(chat, message):
            self.state.push_update("message", message.to_api())
            self._updates.fire()
        return message

    def _bot_sees(self, chat: Chat, message: Message) -> bool:
        """Privacy mode: in groups the bot only gets commands, replies and mentions."""
        if chat.type == "private" or not self.privacy_mode:
            return True
        if message.reply_to is not None and message.reply_to.from_bot:
            return True
        text = message.text or ""
        match = COMMAND_RE.match(text)
        if match:
            _, _, addressee = match.group().partition("@")
            return addressee.lower() in ("", self.state.bot_username.lower())
        return f"@{self.state.bot_username}".lower() in text.lower()

    # -- buttons ------------------------------------------------------------

    async def press_button(self, user: User, message: Message, button: ButtonRef) -> str:
        """Press an inline callback button (by text, unique substring, index or (row, col))."""
        current = self._shown(message)
        target = _find_button(current, button)
        data = target.get("callback_data")
        if data is None:
            raise ValueError(f"button {target.get('text')!r} is not a callback button: {target}")
        return await self.press_callback(user, current, str(data))

    async def press_callback(self, user: User, message: Message, data: str) -> str:
        """Send a callback query with any data, as a tampered client could."""
        current = self._shown(message)
        self.state.users.setdefault(user.id, user)
        query_id = self.state.new_query_id()
        self.state.queries[query_id] = CallbackQueryRecord(
            query_id, current.chat_id, current.message_id, data
        )
        payload = {
            "id": query_id,
            "from": user.to_api(),
            "message": current.to_api(),
            "chat_instance": self.state.chat_instance(current.chat_id),
            "data": data,
        }
        self.state.seq += 1
        self._user_marks[current.chat_id] = self.state.seq
        self.state.push_update("callback_query", payload)
        self._updates.fire()
        return query_id

    def _shown(self, message: Message) -> Message:
        current = self.state.get_message(message.chat_id, message.message_id)
        if current is None or current.deleted:
            raise ValueError(f"message {message.message_id} is not in chat {message.chat_id}")
        if not current.from_bot:
            raise ValueError("only buttons on bot messages can be pressed")
        return current


def _find_button(message: Message, ref: ButtonRef) -> JSON:
    if not message.is_inline_keyboard:
        raise ValueError(f"message {message.message_id} has no inline keyboard")
    rows = message.reply_markup
    flat = [button for row in rows for button in row]
    if isinstance(ref, tuple):
        row, col = ref
        return rows[row][col]
    if isinstance(ref, int):
        return flat[ref]
    exact = [b for b in flat if b.get("text") == ref]
    if exact:
        return exact[0]
    partial = [b for b in flat if ref in str(b.get("text", ""))]
    if len(partial) == 1:
        return partial[0]
    problem = "ambiguous" if partial else "not found"
    raise ValueError(f"button {ref!r} {problem}; buttons: {message.buttons}")
