"""What the outbox benchmarks share: a bot on the emulator, a crash mid-batch, rows left in flight.

bench_broadcast and bench_applications both send through the one outbox at Telegram's rate and
kill the bot on the way; this is how they build it, kill it and count what the kill left.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.app import build_application, stop_application
from bot.context import AssistantApplication
from bot.devtools.emulator import BotApiEmulator
from bot.settings import load_settings
from storage.database import Database

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
STAFF_ID = 700_001


def build(emulator: BotApiEmulator, path: Path, rate: float) -> AssistantApplication:
    settings = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emulator.base_url,
            "DATABASE_PATH": str(path),
            "STAFF_IDS": str(STAFF_ID),
            "BROADCAST_RATE": f"{rate:g}",
            "LOG_LEVEL": "WARNING",
        },
        env_file=None,
    )
    return build_application(settings)


async def crash(application: AssistantApplication) -> None:
    """Kill the outbox worker in the middle of a batch, as a crash would, then stop the rest."""

    def sweeping(task: asyncio.Task[Any]) -> bool:
        coroutine: Any = task.get_coro()
        while coroutine is not None:
            if getattr(coroutine, "__qualname__", "") == "OutboxWorker._sweep":
                return True
            coroutine = getattr(coroutine, "cr_await", None)
        return False

    tasks = [task for task in asyncio.all_tasks() if sweeping(task)]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await stop_application(application)


async def in_flight(path: Path, kind: str) -> int:
    """Return the outbox rows of this kind a kill left in 'sending'."""
    database = Database(path)
    await database.open()
    row = await database.fetch_one(
        "SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND kind = ?", (kind,)
    )
    await database.close()
    return int(row[0]) if row is not None else 0
