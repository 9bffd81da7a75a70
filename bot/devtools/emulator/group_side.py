"""What people do around the bot beyond chatting: add it to groups, upgrade them, share users."""

from __future__ import annotations

from bot.devtools.emulator.signals import Signal
from bot.devtools.emulator.state import JSON, Chat, EmulatorState, Message, User, now_ts


class GroupActions:
    """Mixin of BotApiEmulator: membership changes, supergroup upgrades, shared users."""

    state: EmulatorState
    _updates: Signal
    _user_marks: dict[int, int]

    def add_bot_to_group(self, user: User, title: str, *, supergroup: bool = False) -> Chat:
        """The user creates a group with the bot in it: my_chat_member, then a service message."""
        chat = self.state.create_group(title, supergroup=supergroup)
        self.state.users.setdefault(user.id, user)
        bot = self.state.bot_user()
        self._push(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": user.to_api(),
                "date": now_ts(),
                "old_chat_member": {"user": bot, "status": "left"},
                "new_chat_member": {"user": bot, "status": "member"},
            },
        )
        self._service_message(user, chat, {"new_chat_members": [bot]})
        return chat

    def upgrade_group(self, user: User, chat_id: int) -> Chat:
        """The group becomes a supergroup with a new id, as Telegram does (migrate_to_chat_id)."""
        old = self.state.chats[chat_id]
        new = self.state.create_group(old.title or "", supergroup=True)
        self.state.migrated[old.id] = new.id
        self._service_message(user, old, {"migrate_to_chat_id": new.id})
        self._service_message(user, new, {"migrate_from_chat_id": old.id})
        return new

    async def pick_users(
        self, user: User, message: Message, button: str, picked: list[User]
    ) -> Message:
        """The user presses a KeyboardButtonRequestUsers button and picks people (users_shared)."""
        found = [b for row in message.reply_markup for b in row if b.get("text") == button]
        request = found[0].get("request_users") if found else None
        if not isinstance(request, dict):
            raise ValueError(f"no user-picker button {button!r}; buttons: {message.buttons}")
        if len(picked) > int(request.get("max_quantity", 1)):
            raise ValueError(f"the button lets the user pick at most {request.get('max_quantity')}")
        chat = self.state.chats[message.chat_id]
        users: list[JSON] = []
        for person in picked:
            self.state.users.setdefault(person.id, person)
            shared: JSON = {"user_id": person.id}
            if request.get("request_name"):
                shared["first_name"] = person.first_name
            users.append(shared)
        return self._service_message(
            user, chat, {"users_shared": {"request_id": request["request_id"], "users": users}}
        )

    def _service_message(self, user: User, chat: Chat, fields: JSON) -> Message:
        message = Message(
            message_id=self.state.next_message_id(chat.id),
            chat_id=chat.id,
            from_bot=False,
            date=now_ts(),
            sender=user.to_api(),
            chat=chat.to_api(),
            media=fields,
        )
        self.state.store(message)
        self._user_marks[chat.id] = self.state.seq
        self._push("message", message.to_api())
        return message

    def _push(self, kind: str, payload: JSON) -> None:
        self.state.push_update(kind, payload)
        self._updates.fire()
