"""What Telegram shows about the bot: the command menus (per language; each team member's by
their role) and the bot's profile (name, description, short description per language)."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, BotCommandScope, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ExtBot

from bot.domain.access import Ability, can
from bot.screens.texts import LANGUAGES, Texts
from handlers.staff_access import ability_of
from storage.content import Catalogue
from storage.roles import Role

Abilities = dict[str, Ability]

MEMBER_COMMANDS = (
    "start",
    "events",
    "services",
    "my",
    "b2b",
    "surveys",
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
    "survey",
    "import",
    "export",
    "unanswered",
    "tickets",
    "team",
)


def command_list(texts: Texts, language: str, names: tuple[str, ...]) -> list[BotCommand]:
    """Return commands with their descriptions from `labels.j2` (`command_<name>`)."""
    return [BotCommand(name, texts.label(language, f"command_{name}")) for name in names]


def staff_command_abilities(application: Application[Any, Any, Any, Any, Any, Any]) -> Abilities:
    """Return the ability each staff command's handler was registered with."""
    return {
        command: ability
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        and (ability := ability_of(handler.callback)) is not None
        for command in handler.commands
    }


def staff_menu(role: Role | None, abilities: Abilities) -> tuple[str, ...]:
    """Return the staff commands a role may use, in menu order."""
    return tuple(c for c in STAFF_COMMANDS if c in abilities and can(role, abilities[c]))


async def _set_if_changed(
    bot: ExtBot[None], commands: list[BotCommand], scope: BotCommandScope, language: str | None
) -> bool:
    """Set a menu unless Telegram has it already (these calls are flood-limited)."""
    current = await bot.get_my_commands(scope=scope, language_code=language)
    if [(c.command, c.description) for c in current] == [
        (c.command, c.description) for c in commands
    ]:
        return False
    await bot.set_my_commands(commands, scope=scope, language_code=language)
    return True


async def publish_commands(
    bot: ExtBot[None],
    texts: Texts,
    default_language: str,
    team: dict[int, Role],
    abilities: Abilities,
) -> int:
    """Set the person menu in both languages and each team member's menu; return the changes.

    `team` holds everyone with a role, STAFF_IDS as admins. Only menus that differ from what
    Telegram has are sent.
    """
    changed = 0
    for language in (*LANGUAGES, None):
        commands = command_list(texts, language or default_language, MEMBER_COMMANDS)
        changed += await _set_if_changed(bot, commands, BotCommandScopeDefault(), language)
    for person_id, role in sorted(team.items()):
        changed += await publish_staff_menu(
            bot, texts, default_language, person_id, role, abilities
        )
    return changed


async def publish_staff_menu(
    bot: ExtBot[None],
    texts: Texts,
    default_language: str,
    person_id: int,
    role: Role | None,
    abilities: Abilities,
) -> int:
    """Give one person the menu of their role (none: the person menu); return the changes."""
    scope = BotCommandScopeChat(person_id)
    changed = 0
    try:
        # Telegram picks the list matching the user's app language, else the plain one.
        for language in (*LANGUAGES, None):
            if role is None:
                await bot.delete_my_commands(scope=scope, language_code=language)
                changed += 1
                continue
            names = staff_menu(role, abilities) + MEMBER_COMMANDS
            commands = command_list(texts, language or default_language, names)
            changed += await _set_if_changed(bot, commands, scope, language)
    except TelegramError:
        # Someone who never opened the bot has no chat yet; they get it at the next start.
        pass
    return changed


async def publish_profile(
    bot: ExtBot[None], texts: Texts, catalogue: Catalogue, default_language: str
) -> int:
    """Set the bot's name, description and short description per language where they differ."""
    changed = 0
    for language in (*LANGUAGES, None):
        shown = language or default_language
        profile = {
            field: texts.render(shown, f"bot_{field}", cluster=catalogue.cluster)
            for field in ("name", "description", "short_description")
        }
        if (await bot.get_my_name(language_code=language)).name != profile["name"]:
            await bot.set_my_name(profile["name"], language_code=language)
            changed += 1
        current = await bot.get_my_description(language_code=language)
        if current.description != profile["description"]:
            await bot.set_my_description(profile["description"], language_code=language)
            changed += 1
        short = await bot.get_my_short_description(language_code=language)
        if short.short_description != profile["short_description"]:
            await bot.set_my_short_description(profile["short_description"], language_code=language)
            changed += 1
    return changed
