"""Bot API methods about the bot itself: identity, updates, webhook, commands, chats."""

from __future__ import annotations

import re
from typing import Any

from bot.devtools.emulator.api_base import ApiBase
from bot.devtools.emulator.errors import ApiError, bad_request
from bot.devtools.emulator.params import Params
from bot.devtools.emulator.state import BOT_FIRST_NAME, JSON, Update, scope_key

# Telegram sends these only when asked for explicitly in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMANDS = 100
BOT_TEXT_FIELDS = {"name": 64, "description": 512, "short_description": 120}


class BotMethods(ApiBase):
    """getMe, getUpdates, webhook, commands, chat info and bot profile texts."""

    async def get_me(self, p: Params) -> Any:
        return {
            "id": self.state.bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": self.state.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def ok(self, p: Params) -> Any:
        return True

    # -- updates ------------------------------------------------------------

    async def get_updates(self, p: Params) -> Any:
        if self.state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.get_int("offset") or 0
        limit = min(max(p.get_int("limit") or 100, 1), 100)
        timeout = max(p.get_float("timeout", 0.0), 0.0)
        allowed = p.get_json("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = [str(a) for a in allowed] or None
        self.state.confirm(offset)
        # A newer poll ends an older one with 409, like Telegram does for two pollers.
        self.poll_generation += 1
        generation = self.poll_generation
        self.updates_signal.fire()

        def ready() -> list[Update] | None:
            if self.closing:
                return []
            if generation != self.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            return self._deliverable(limit) or None

        try:
            updates = await self.updates_signal.wait_until(ready, timeout)
        except TimeoutError:
            return []
        return [u.to_api() for u in updates]

    def deliverable(self, limit: int) -> list[Update]:
        """Return the next updates the bot would get (by getUpdates or the webhook)."""
        return self._deliverable(limit)

    def _deliverable(self, limit: int) -> list[Update]:
        allowed = self.state.allowed_updates
        wanted = [
            u
            for u in self.state.updates
            if (u.kind in allowed if allowed else u.kind not in OPT_IN_UPDATES)
        ]
        # Telegram never stores updates of types the bot did not ask for.
        self.state.updates = wanted
        return wanted[:limit]

    async def set_webhook(self, p: Params) -> Any:
        url = p.get_str("url") or ""
        if p.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        if not url:
            self.state.webhook = None
            return True
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.state.webhook = {"url": url}
        secret = p.get_str("secret_token")
        if secret:
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
                raise bad_request("bad webhook: secret token contains unallowed characters")
            self.state.webhook["secret_token"] = secret
        allowed = p.get_json("allowed_updates")
        if isinstance(allowed, list):
            self.state.allowed_updates = [str(a) for a in allowed] or None
        if p.has("max_connections"):
            self.state.webhook["max_connections"] = p.get_int("max_connections")
        self.updates_signal.fire()
        return True

    async def delete_webhook(self, p: Params) -> Any:
        self.state.webhook = None
        if p.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def get_webhook_info(self, p: Params) -> Any:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if self.state.webhook:
            # The secret is never given back, as in Telegram.
            info.update({k: v for k, v in self.state.webhook.items() if k != "secret_token"})
        if self.state.allowed_updates:
            info["allowed_updates"] = list(self.state.allowed_updates)
        return info

    # -- commands -----------------------------------------------------------

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.get_json("scope", error="can't parse BotCommandScope JSON object")
        scope = scope or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise bad_request("unsupported bot command scope type")
        kind = str(scope["type"])
        chat_id = user_id = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_id = self.chat_param(Params({"chat_id": scope.get("chat_id")}, {})).id
        if kind == "chat_member":
            user_id = scope.get("user_id")
            if not isinstance(user_id, int) or user_id not in self.state.users:
                raise bad_request("user not found")
        language = p.get_str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request(f'language code "{language}" is invalid')
        return scope_key(kind, chat_id, user_id), language

    async def set_my_commands(self, p: Params) -> Any:
        commands = p.get_json("commands", error="can't parse commands JSON object")
        if not isinstance(commands, list):
            raise bad_request('field "commands" must be an Array')
        if len(commands) > MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[JSON] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not COMMAND_RE.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        key = self._commands_key(p)
        if cleaned:
            self.state.commands[key] = cleaned
        else:
            self.state.commands.pop(key, None)
        return True

    async def get_my_commands(self, p: Params) -> Any:
        return [dict(c) for c in self.state.commands.get(self._commands_key(p), [])]

    async def delete_my_commands(self, p: Params) -> Any:
        self.state.commands.pop(self._commands_key(p), None)
        return True

    # -- profile texts --------------------------------------------------------

    async def _set_text(self, p: Params, field: str) -> Any:
        value = p.get_str(field) or ""
        if len(value) > BOT_TEXT_FIELDS[field]:
            raise bad_request(f"{field.upper()}_INVALID")
        language = p.get_str("language_code") or ""
        if value:
            self.state.bot_texts[(field, language)] = value
        else:
            self.state.bot_texts.pop((field, language), None)
        return True

    def _get_text(self, p: Params, field: str) -> Any:
        language = p.get_str("language_code") or ""
        texts = self.state.bot_texts
        default = BOT_FIRST_NAME if field == "name" else ""
        return {field: texts.get((field, language), texts.get((field, ""), default))}

    async def set_my_name(self, p: Params) -> Any:
        return await self._set_text(p, "name")

    async def get_my_name(self, p: Params) -> Any:
        return self._get_text(p, "name")

    async def set_my_description(self, p: Params) -> Any:
        return await self._set_text(p, "description")

    async def get_my_description(self, p: Params) -> Any:
        return self._get_text(p, "description")

    async def set_my_short_description(self, p: Params) -> Any:
        return await self._set_text(p, "short_description")

    async def get_my_short_description(self, p: Params) -> Any:
        return self._get_text(p, "short_description")

    # -- chats --------------------------------------------------------------

    async def get_chat(self, p: Params) -> Any:
        return self.chat_param(p).to_full_info()

    async def set_chat_menu_button(self, p: Params) -> Any:
        chat_id = self.chat_param(p).id if p.has("chat_id") else None
        button = p.get_json("menu_button", error="can't parse MenuButton JSON object")
        if button is None:
            self.state.menu_buttons.pop(chat_id, None)
        elif not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise bad_request("can't parse MenuButton JSON object")
        else:
            self.state.menu_buttons[chat_id] = dict(button)
        return True

    async def get_chat_menu_button(self, p: Params) -> Any:
        chat_id = self.chat_param(p).id if p.has("chat_id") else None
        buttons = self.state.menu_buttons
        return dict(buttons.get(chat_id) or buttons.get(None) or {"type": "commands"})
