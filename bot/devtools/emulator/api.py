"""Method dispatch: Bot API method names to handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.devtools.emulator.api_bot import BotMethods
from bot.devtools.emulator.api_messages import MessageMethods
from bot.devtools.emulator.params import Params

Handler = Callable[[Params], Awaitable[Any]]


class BotApi(MessageMethods, BotMethods):
    """All supported methods; names are matched case-insensitively like Telegram."""

    def handlers(self) -> dict[str, Handler]:
        return {
            "getMe": self.get_me,
            "logOut": self.ok,
            "close": self.ok,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "getFile": self.get_file,
            "sendChatAction": self.send_chat_action,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyName": self.set_my_name,
            "getMyName": self.get_my_name,
            "setMyDescription": self.set_my_description,
            "getMyDescription": self.get_my_description,
            "setMyShortDescription": self.set_my_short_description,
            "getMyShortDescription": self.get_my_short_description,
            "getChat": self.get_chat,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
        }

    def lookup(self, method: str) -> tuple[str, Handler] | None:
        """Canonical name and handler of ``method``, or None if unsupported."""
        wanted = method.lower()
        for name, handler in self.handlers().items():
            if name.lower() == wanted:
                return name, handler
        return None
