"""A Telegram Bot API emulator for end-to-end tests and the terminal demo."""

from bot.devtools.emulator.errors import ApiError, EmulatorTimeout
from bot.devtools.emulator.faults import EmulatorStats
from bot.devtools.emulator.html_check import HtmlParseError, html_to_plain_readable, parse_html
from bot.devtools.emulator.server import BotApiEmulator
from bot.devtools.emulator.state import BotActivity, CallbackAnswer, Chat, Document, Message, User

__all__ = [
    "ApiError",
    "BotActivity",
    "BotApiEmulator",
    "CallbackAnswer",
    "Chat",
    "Document",
    "EmulatorStats",
    "EmulatorTimeout",
    "HtmlParseError",
    "Message",
    "User",
    "html_to_plain_readable",
    "parse_html",
]
