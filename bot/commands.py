"""The command menu Telegram shows, per language, with its own scope for staff."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.screens.texts import LANGUAGES, Texts

MEMBER_COMMANDS = (
    "start",
    "events",
    "services",
    "my",
    "b2b",
    "ask",
    "profile",
    "settings",
    "language",
    "privacy",
    "help",
    "verify",
    "cancel",
)
STAFF_COMMANDS: tuple[str, ...] = (
    "staff",
    "newevent",
    "broadcast",
    "stats",
    "company",
    "import",
    "export",
    "unanswered",
    "team",
)


def command_list(texts: Texts, language: str, names: tuple[str, ...]) -> list[BotCommand]:
    """Return commands with their descriptions from `labels.j2` (`command_<name>`)."""
    return [BotCommand(name, texts.label(language, f"command_{name}")) for name in names]


async def publish_commands(
    bot: ExtBot[None], texts: Texts, default_language: str, staff_ids: frozenset[int]
) -> None:
    """Set the person menu in both languages, and the staff menu in each staff chat."""
    for language in LANGUAGES:
        await bot.set_my_commands(
            command_list(texts, language, MEMBER_COMMANDS),
            scope=BotCommandScopeDefault(),
            language_code=language,
        )
    await bot.set_my_commands(
        command_list(texts, default_language, MEMBER_COMMANDS), scope=BotCommandScopeDefault()
    )
    if not STAFF_COMMANDS:
        return
    for staff_id in sorted(staff_ids):
        scope = BotCommandScopeChat(staff_id)
        try:
            # Telegram picks the list matching the user's app language, else the plain one.
            for language in LANGUAGES:
                menu = command_list(texts, language, STAFF_COMMANDS + MEMBER_COMMANDS)
                await bot.set_my_commands(menu, scope=scope, language_code=language)
            menu = command_list(texts, default_language, STAFF_COMMANDS + MEMBER_COMMANDS)
            await bot.set_my_commands(menu, scope=scope)
        except TelegramError:
            # A staff member who never opened the bot has no chat yet; they get it next start.
            continue
