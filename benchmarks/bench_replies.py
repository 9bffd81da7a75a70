"""Benchmark: how fast the assistant answers people, side by side with a bare PTB echo bot.

Run: .venv/bin/python benchmarks/bench_replies.py [--quick]

Both bots run at once, each as its own process against its own instance of the project's
Bot API emulator (no flood limits); each scenario measures the echo bot, then at once the
assistant, so other load on the machine weighs on both alike. The emulators and the people
asking live in this process. The echo bot is defined below (`echo_bot`): python-telegram-bot
with one handler that sends the text back, nothing else. The assistant runs as `bot.app`
builds it, on a database holding 10,000 people, and answers an FAQ question ("Kümeye nasıl
üye olurum?").

1. Throughput: 200 people ask at the same time, each asking again as soon as answered, until
   10,000 people have asked once (10,000 replies). Reports replies/s and the bot process's CPU
   time per reply, then its resident memory (RSS) with 10,000 people known.
2. Latency: 1,000 messages offered at 100 a second from 200 people; p50 and p99 from the
   message arriving at the emulator to the reply arriving there.
3. During a broadcast (assistant only): staff send a broadcast to the 10,000 people the way
   staff do, and while it goes out 20 people ask 10 questions a second for 15 s; reply p50 and
   p99, and the broadcast's rate in that window against BROADCAST_RATE.

`--quick`: 2,000 people instead of 10,000 (the broadcast too).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# PTB warns on every RetryAfter unless it may hand out timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

# The project is imported where it is used: the echo bot's process must load only PTB, or its
# memory would not be a bare bot's.
if TYPE_CHECKING:
    from bot.devtools.emulator import BotActivity, BotApiEmulator, User

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
PEOPLE = 10_000
QUICK_PEOPLE = 2_000
ASKING_AT_ONCE = 200
OFFERED_RATE = 100.0
OFFERED_MESSAGES = 1_000
BROADCAST_ASKERS = 20
BROADCAST_ASK_RATE = 10.0
BROADCAST_WINDOW = 15.0
# Announcements sent before the questions start: the broadcast is under way.
BROADCAST_UNDER_WAY = 50
STAFF_ID = 700_001
FIRST_PERSON = 900_000_001
FIRST_ASKER = 800_000_001
QUESTION = "Kümeye nasıl üye olurum?"
ANNOUNCEMENT = "Kümemizin yeni eğitim takvimi yayında: /events"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- the two bots, each run in a child process -------------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


async def echo_bot(url: str) -> None:
    """Run the bare echo bot until SIGTERM."""
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{url}/bot")
        .base_file_url(f"{url}/file/bot")
        .concurrent_updates(True)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=10)
    await application.start()
    await _serve_until_terminated()
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def assistant_bot(url: str, database: str) -> None:
    """Run the assistant until SIGTERM."""
    from bot.app import build_application, start_application, stop_application
    from bot.settings import load_settings

    settings = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": url,
            "DATABASE_PATH": database,
            "STAFF_IDS": str(STAFF_ID),
            "LOG_LEVEL": "WARNING",
        },
        env_file=None,
    )
    application = build_application(settings)
    await start_application(application)
    await _serve_until_terminated()
    await stop_application(application)


async def _serve_until_terminated() -> None:
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    print("ready", flush=True)
    await stopping.wait()


# -- the measuring side ------------------------------------------------------------------


async def seed(path: Path, people: int) -> None:
    """Fill a database with the catalogue and `people` people who started the assistant."""
    from storage.catalogue import CatalogueRepository, utc_text
    from storage.content import bundled_content_path, load_catalogue
    from storage.database import Database
    from storage.seeding import add_started_people

    database = Database(path)
    await database.open()
    await CatalogueRepository(database).import_catalogue(load_catalogue(bundled_content_path()))
    ids = range(FIRST_PERSON, FIRST_PERSON + people)
    await add_started_people(database, ids, utc_text(datetime.now(UTC)))
    await database.close()


class BotProcess:
    """A bot in a child process: its CPU time and resident memory read from /proc."""

    def __init__(self, arguments: list[str]) -> None:
        self._arguments = arguments
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> BotProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, *self._arguments, stdout=subprocess.PIPE
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        if line.strip() != b"ready":
            raise RuntimeError(f"the bot did not start: {line!r}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_mb(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")


class Replies:
    """Matches each reply to the oldest unanswered message of its chat; keeps latencies."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._asked: dict[int, deque[float]] = {}
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self.latencies: list[float] = []
        self.announcements: list[float] = []
        self.broadcasting = asyncio.Event()
        self._answered = asyncio.Event()
        emulator.on_bot_activity(self._record)

    def _record(self, activity: BotActivity) -> None:
        message = activity.message
        if activity.kind != "send" or message is None:
            return
        now = time.perf_counter()
        if message.text == ANNOUNCEMENT:
            self.announcements.append(now)
            if len(self.announcements) >= BROADCAST_UNDER_WAY:
                self.broadcasting.set()
            return
        asked = self._asked.get(message.chat_id)
        if not asked:
            return
        self.latencies.append(now - asked.popleft())
        self._answered.set()
        waiter = self._waiters.pop(message.chat_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def ask(self, emulator: BotApiEmulator, user: User, text: str) -> None:
        """Send a message and wait for its reply."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[user.id] = waiter
        self.sent(user.id)
        await emulator.send_message(user, text)
        await asyncio.wait_for(waiter, 120)

    def sent(self, chat_id: int) -> None:
        self._asked.setdefault(chat_id, deque()).append(time.perf_counter())

    def reset(self) -> None:
        self.latencies = []

    async def drain(self) -> None:
        """Wait until every message sent has its reply."""
        while any(self._asked.values()):
            self._answered.clear()
            await asyncio.wait_for(self._answered.wait(), 120)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def offered(rate: float, count: int, send: Callable[[int], Awaitable[None]]) -> None:
    """Call `send(i)` `count` times at `rate` a second, on schedule whatever the answers do."""
    start = time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await send(i)


class Side:
    """One bot with its own emulator, the people who talk to it, and their replies."""

    def __init__(self, kind: str, emulator: BotApiEmulator, people: int) -> None:
        from bot.devtools.emulator import User

        self.kind = kind
        self.emulator = emulator
        self.people = [
            User(id=FIRST_PERSON + n, first_name=f"Kişi {n}", language_code="tr")
            for n in range(people)
        ]
        self.askers = [
            User(id=FIRST_ASKER + n, first_name=f"Soran {n}", language_code="tr")
            for n in range(ASKING_AT_ONCE)
        ]
        self.staff = User(id=STAFF_ID, first_name="Elif", language_code="tr")
        for user in (*self.people, *self.askers, self.staff):
            emulator.add_user(user)
        self.replies = Replies(emulator)
        self.figures: dict[str, Any] = {}

    async def warm_up(self) -> None:
        """Let the first answers build caches and open connections."""
        await asyncio.gather(
            *(self.replies.ask(self.emulator, user, QUESTION) for user in self.askers[:20])
        )

    async def throughput(self, bot: BotProcess) -> None:
        """Everyone asks once, 200 at a time; replies/s, CPU per reply, then memory."""
        self.replies.reset()
        cpu_before = bot.cpu_seconds()
        started = time.perf_counter()

        async def asker(slot: int) -> None:
            for user in self.people[slot::ASKING_AT_ONCE]:
                await self.replies.ask(self.emulator, user, QUESTION)

        await asyncio.gather(*(asker(slot) for slot in range(ASKING_AT_ONCE)))
        elapsed = time.perf_counter() - started
        answered = len(self.replies.latencies)
        self.figures["throughput"] = answered / elapsed
        self.figures["cpu_ms"] = (bot.cpu_seconds() - cpu_before) / answered * 1000
        self.figures["rss_mb"] = bot.rss_mb()

    async def latency(self) -> None:
        """Messages at a steady offered rate, whatever the replies do; p50 and p99."""
        self.replies.reset()

        async def send(i: int) -> None:
            user = self.askers[i % len(self.askers)]
            self.replies.sent(user.id)
            await self.emulator.send_message(user, QUESTION)

        await offered(OFFERED_RATE, OFFERED_MESSAGES, send)
        await self.replies.drain()
        self.figures["p50_ms"] = percentile(self.replies.latencies, 0.50) * 1000
        self.figures["p99_ms"] = percentile(self.replies.latencies, 0.99) * 1000


async def measure(people: int, database: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run each scenario on the echo bot, then at once on the assistant; return their figures.

    Both bots run all along (the one not measured waits idle on its long poll), and each
    scenario measures them back to back, so other load on the machine weighs on both alike.
    """
    from bot.devtools.emulator import BotApiEmulator

    async with BotApiEmulator() as echo_emulator, BotApiEmulator() as assistant_emulator:
        echo = Side("echo", echo_emulator, people)
        assistant = Side("assistant", assistant_emulator, people)
        assistant_arguments = ["--bot", "assistant", "--url", assistant_emulator.base_url]
        async with (
            BotProcess(["--bot", "echo", "--url", echo_emulator.base_url]) as echo_bot,
            BotProcess([*assistant_arguments, "--database", str(database)]) as assistant_bot,
        ):
            for side in (echo, assistant):
                await side.warm_up()
            await echo.throughput(echo_bot)
            await assistant.throughput(assistant_bot)
            await echo.latency()
            await assistant.latency()
            assistant.figures.update(await during_broadcast(assistant, people))
    return echo.figures, assistant.figures


async def during_broadcast(side: Side, people: int) -> dict[str, Any]:
    """Start a broadcast as staff do; measure replies and the broadcast while it runs."""
    emulator, replies, staff, askers = side.emulator, side.replies, side.staff, side.askers
    await emulator.send_message(staff, "/broadcast")
    await emulator.wait_for_bot_message(STAFF_ID, contains="Yeni duyuru")
    await emulator.send_message(staff, ANNOUNCEMENT)
    panel = await emulator.wait_for_bot_message(STAFF_ID, contains="Duyuru taslağı")
    await emulator.press_button(staff, panel, "Şimdi gönder")
    await replies.broadcasting.wait()
    replies.reset()
    window_start = time.perf_counter()
    count_before = len(replies.announcements)

    async def send(i: int) -> None:
        user = askers[i % BROADCAST_ASKERS]
        replies.sent(user.id)
        await emulator.send_message(user, QUESTION)

    await offered(BROADCAST_ASK_RATE, int(BROADCAST_ASK_RATE * BROADCAST_WINDOW), send)
    window = time.perf_counter() - window_start
    sent_in_window = len(replies.announcements) - count_before
    await replies.drain()
    return {
        "broadcast_p50_ms": percentile(replies.latencies, 0.50) * 1000,
        "broadcast_p99_ms": percentile(replies.latencies, 0.99) * 1000,
        "broadcast_rate": sent_in_window / window,
        "broadcast_still_running": len(replies.announcements) < people,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PEOPLE:,} people")
    parser.add_argument("--bot", choices=("echo", "assistant"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.bot == "echo":
        asyncio.run(echo_bot(arguments.url))
        return
    if arguments.bot == "assistant":
        asyncio.run(assistant_bot(arguments.url, arguments.database))
        return

    from bot.settings import load_settings

    people = QUICK_PEOPLE if arguments.quick else PEOPLE
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        asyncio.run(seed(database, people))
        echo_figures, assistant_figures = asyncio.run(measure(people, database))
    broadcast_rate = float(load_settings({}, env_file=None).broadcast_rate)

    print()
    print(
        f"Replies side by side with a bare PTB echo bot ({people:,} people, "
        f"{ASKING_AT_ONCE} asking at once; emulator without flood limits)"
    )
    header = f"{'measure':<40}{'echo bot':>12}{'assistant':>12}{'ratio':>10}{'target':>12}"
    print(header)
    print("-" * len(header))
    rows = (
        ("replies/s, 200 asking at once", "throughput", "{:.0f}", ">= 0.8x"),
        ("CPU per reply (ms)", "cpu_ms", "{:.2f}", "<= 1.3x"),
        (f"RSS with {people:,} people (MB)", "rss_mb", "{:.0f}", "<= 1.5x"),
        ("p50 at 100 msg/s offered (ms)", "p50_ms", "{:.1f}", ""),
        ("p99 at 100 msg/s offered (ms)", "p99_ms", "{:.1f}", "<= 50 ms"),
    )
    for label, key, form, target in rows:
        mine, theirs = assistant_figures[key], echo_figures[key]
        print(
            f"{label:<40}{form.format(theirs):>12}{form.format(mine):>12}"
            f"{mine / theirs:>9.2f}x{target:>12}"
        )
    for label, key, form, target in (
        ("reply p50 during a broadcast (ms)", "broadcast_p50_ms", "{:.1f}", ""),
        ("reply p99 during a broadcast (ms)", "broadcast_p99_ms", "{:.1f}", "<= 200 ms"),
        ("broadcast rate meanwhile (msg/s)", "broadcast_rate", "{:.1f}", f"{broadcast_rate:g}"),
    ):
        value = form.format(assistant_figures[key])
        print(f"{label:<40}{'':>12}{value:>12}{'':>10}{target:>12}")
    print(f"\ntotal benchmark time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
