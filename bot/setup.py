"""`clustem-bot setup`: the first run, walked through in the terminal.

It asks for the token and checks it with Telegram (getMe), waits for the operator's /start to
learn their user id (the first admin), waits for the bot to be added to the staff group (or /id
there) to learn its chat id, writes `.env`, and leaves the check to the command line. The
updates it reads are acknowledged, so the assistant does not answer them again later.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import InvalidToken, TelegramError

from bot.settings import SettingsError, load_settings

Ask = Callable[[str], Coroutine[Any, Any, str]]
Say = Callable[[str], None]
# Seconds of one long poll while waiting for the operator.
POLL = 10


class SetupAbandoned(Exception):
    """The operator left the wizard, or waited too long."""


@dataclass(frozen=True)
class SetupResult:
    """What the wizard learned."""

    token: str
    bot_username: str
    admin_id: int
    staff_chat_id: int | None


async def run_setup(
    api_url: str, env_file: Path, ask: Ask, say: Say, *, wait: float = 600.0
) -> SetupResult:
    """Walk through the first run and write `env_file`."""
    say("Welcome! This sets up the cluster's assistant in three steps.\n")
    token, bot, username = await _checked_token(api_url, ask, say)
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        say(f"\nStep 2: in Telegram, open @{username} and send /start.")
        say("Waiting for your /start ...")
        update = await _wait_for(bot, _private_start, wait)
        user = update.effective_user
        assert user is not None
        say(f"Got it: {user.first_name} (user id {user.id}) will be the first admin.\n")
        say(f"Step 3: add @{username} to your staff group, then send /id in that group.")
        say("(Type skip and press Enter to do this later.)")
        group = await _group_or_skip(bot, ask, wait)
        if group is None:
            say("Skipped: without a staff group, questions go to the admins privately.")
        else:
            say(f"Got it: the staff group has chat id {group}.")
    finally:
        await bot.shutdown()
    _write_env(env_file, token, user.id, group)
    say(f"\nSettings written to {env_file}.")
    return SetupResult(token, username, user.id, group)


async def _checked_token(api_url: str, ask: Ask, say: Say) -> tuple[str, Bot, str]:
    say("Step 1: in Telegram, talk to @BotFather, send /newbot, and paste the token here.")
    while True:
        token = (await ask("Token: ")).strip()
        try:
            load_settings({"BOT_TOKEN": token}, env_file=None).require_token()
        except SettingsError:
            say("That does not look like a token (digits, a colon, then letters). Try again.")
            continue
        bot = Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot")
        try:
            await bot.initialize()
        except InvalidToken:
            say("Telegram does not know this token. Copy it again from @BotFather.")
            continue
        except TelegramError as error:
            raise SetupAbandoned(f"Telegram can't be reached ({error})") from error
        username = bot.username
        say(f"Token checked: this is @{username}.")
        return token, bot, username


def _private_start(update: Update) -> bool:
    message = update.message
    return (
        message is not None
        and message.chat.type == ChatType.PRIVATE
        and (message.text or "").startswith("/start")
        and message.from_user is not None
        and not message.from_user.is_bot
    )


def _group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def _wait_for(bot: Bot, wanted: Callable[[Update], bool], wait: float) -> Update:
    """Read updates until one is wanted; every update read is acknowledged."""
    offset = 0
    async with asyncio.timeout(wait):
        while True:
            updates = await bot.get_updates(offset=offset, timeout=POLL)
            for update in updates:
                offset = update.update_id + 1
                if wanted(update):
                    # Acknowledge it too, so the assistant does not answer it when it starts.
                    await bot.get_updates(offset=offset, timeout=0)
                    return update


async def _group_or_skip(bot: Bot, ask: Ask, wait: float) -> int | None:
    waiting = asyncio.create_task(_wait_for(bot, _group, wait))
    typed = asyncio.create_task(ask(""))
    done, _ = await asyncio.wait({waiting, typed}, return_when=asyncio.FIRST_COMPLETED)
    if waiting in done:
        typed.cancel()
        chat = waiting.result().effective_chat
        assert chat is not None
        return chat.id
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    if typed.result().strip().lower() != "skip":
        return await _group_or_skip(bot, ask, wait)
    return None


def _write_env(path: Path, token: str, admin_id: int, group: int | None) -> None:
    """Set the three settings in `.env`, keeping every other line (from .env.example at first)."""
    example = path.with_name(".env.example")
    source = path if path.is_file() else example if example.is_file() else None
    lines = source.read_text(encoding="utf-8").splitlines() if source is not None else []
    admins = {admin_id}
    for line in lines:
        match = re.match(r"^STAFF_IDS=(.*)$", line)
        if match:
            admins |= {int(part) for part in re.findall(r"\d+", match.group(1))}
    values = {"BOT_TOKEN": token, "STAFF_IDS": ",".join(str(admin) for admin in sorted(admins))}
    if group is not None:
        values["STAFF_CHAT_ID"] = str(group)
    written = set()
    for number, line in enumerate(lines):
        name = line.split("=", 1)[0]
        if name in values and "=" in line and not line.startswith("#"):
            lines[number] = f"{name}={values[name]}"
            written.add(name)
    lines += [f"{name}={value}" for name, value in values.items() if name not in written]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
