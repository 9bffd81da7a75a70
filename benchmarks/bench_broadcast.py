"""Benchmark: a broadcast to 10,000 people through the emulator, with Telegram's limits on.

Run: .venv/bin/python benchmarks/bench_broadcast.py [--quick]

The emulator refuses more than 30 messages a second overall (global_rate_limit=30, answering
429 with retry_after), like Telegram. A staff member sends the broadcast the way staff do
(/broadcast, the text, "Şimdi gönder") and the benchmark counts, per person chat, what
arrived:

1. BROADCAST_RATE=30, Telegram's own limit: the achieved rate as a share of it (aim: 95 % or
   more), the 429 answers received, duplicates and missing people (both should be 0).
2. The same at the default BROADCAST_RATE=25.
3. BROADCAST_RATE=30 with the bot killed twice in the middle (at a third and at two thirds):
   the outbox worker's task is cancelled mid-batch, the application stopped without draining,
   and a new one started on the same database. Missing must be 0; duplicates at most the
   messages that were in flight (rows left in 'sending') at the kills, which the outbox
   re-sends once after each restart (counted in the table as "re-sent after a crash").

`--quick` sends to 2,000 people instead of 10,000. Each run is a fresh process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# PTB warns on every RetryAfter unless it may hand out timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from outbox_runs import STAFF_ID, build, crash, in_flight

from bot.app import start_application, stop_application
from bot.devtools.emulator import BotActivity, BotApiEmulator, User
from storage.catalogue import CatalogueRepository, utc_text
from storage.content import bundled_content_path, load_catalogue
from storage.database import Database
from storage.outbox import OutboxRepository
from storage.seeding import add_started_people

MEMBERS = 10_000
QUICK_MEMBERS = 2_000
TELEGRAM_LIMIT = 30.0
DEFAULT_RATE = 25.0
FIRST_MEMBER = 900_000_001
TEXT = "Kümemizin yeni eğitim takvimi yayında: /events"


async def seed(path: Path, people: int) -> None:
    """Fill a database with the catalogue and `people` people who started the assistant."""
    database = Database(path)
    await database.open()
    await CatalogueRepository(database).import_catalogue(load_catalogue(bundled_content_path()))
    ids = range(FIRST_MEMBER, FIRST_MEMBER + people)
    await add_started_people(database, ids, utc_text(datetime.now(UTC)))
    await database.close()


async def measure(path: Path, people: int, rate: float, kills: int) -> dict[str, Any]:
    """Broadcast to every person through the emulator; kill the bot `kills` times on the way."""
    ids = range(FIRST_MEMBER, FIRST_MEMBER + people)
    async with BotApiEmulator(global_rate_limit=TELEGRAM_LIMIT) as emulator:
        for person_id in ids:
            emulator.add_user(User(id=person_id, first_name=f"Üye {person_id}"))
        staff = User(id=STAFF_ID, first_name="Elif", language_code="tr")
        emulator.add_user(staff)
        per_chat: Counter[int] = Counter()
        sent_at: list[float] = []
        arrived = asyncio.Event()
        # The kills: when a third, then two thirds, of the messages went out.
        milestones = [
            (people * kill // (kills + 1), asyncio.Event()) for kill in range(1, kills + 1)
        ]

        def record(activity: BotActivity) -> None:
            message = activity.message
            if activity.kind != "send" or message is None or message.chat_id == STAFF_ID:
                return
            per_chat[message.chat_id] += 1
            sent_at.append(time.perf_counter())
            for threshold, reached in milestones:
                if len(sent_at) >= threshold:
                    reached.set()
            if len(per_chat) >= people:
                arrived.set()

        emulator.on_bot_activity(record)
        application = build(emulator, path, rate)
        await start_application(application, poll_timeout=1)
        await emulator.send_message(staff, "/broadcast")
        await emulator.wait_for_bot_message(STAFF_ID, contains="Yeni duyuru")
        await emulator.send_message(staff, TEXT)
        panel = await emulator.wait_for_bot_message(STAFF_ID, contains="Duyuru taslağı")
        await emulator.press_button(staff, panel, "Şimdi gönder")

        flights = []
        for _, reached in milestones:
            await reached.wait()
            await crash(application)
            flights.append(await in_flight(path, "broadcast"))
            application = build(emulator, path, rate)
            await start_application(application, poll_timeout=1)

        await asyncio.wait_for(arrived.wait(), timeout=people / rate * 3 + 60)
        report = await emulator.wait_for_bot_message(STAFF_ID, contains="raporu", timeout=60)
        resent = await OutboxRepository(application.services.database).count_resent()
        await stop_application(application)
        rate_limited = emulator.stats.rate_limited
    span = sent_at[-1] - sent_at[0]
    achieved = (len(sent_at) - 1) / span
    return {
        "people": people,
        "configured_rate": rate,
        "kills": kills,
        "achieved_rate": achieved,
        "share_of_limit": achieved / TELEGRAM_LIMIT,
        "share_of_rate": achieved / rate,
        "span_s": span,
        "rate_limited": rate_limited,
        "duplicates": sum(count - 1 for count in per_chat.values() if count > 1),
        "missing": sum(1 for person_id in ids if per_chat[person_id] == 0),
        "in_flight": sum(flights),
        "resent": resent,
        "report_sent": "Gönderilen: " in (report.text or ""),
    }


def child(arguments: argparse.Namespace) -> None:
    path = Path(arguments.database)
    asyncio.run(seed(path, arguments.people))
    result = asyncio.run(measure(path, arguments.people, arguments.rate, arguments.kills))
    print(json.dumps(result))


def run_child(folder: Path, name: str, people: int, rate: float, kills: int) -> dict[str, Any]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--database",
            str(folder / f"{name}.sqlite3"),
            "--people",
            str(people),
            "--rate",
            str(rate),
            "--kills",
            str(kills),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MEMBERS:,} people")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, default=MEMBERS, help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, default=TELEGRAM_LIMIT, help=argparse.SUPPRESS)
    parser.add_argument("--kills", type=int, default=0, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments)
        return

    people = QUICK_MEMBERS if arguments.quick else MEMBERS
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        runs = [
            run_child(folder, "at-limit", people, TELEGRAM_LIMIT, 0),
            run_child(folder, "default", people, DEFAULT_RATE, 0),
            run_child(folder, "killed", people, TELEGRAM_LIMIT, 2),
        ]

    print()
    print(f"A broadcast to {people:,} people; emulator limit {TELEGRAM_LIMIT:g} messages/s")
    titles = [
        f"{run['configured_rate']:g}/s" + (f", killed x{run['kills']}" if run["kills"] else "")
        for run in runs
    ]
    print(f"{'measure':<32}" + "".join(f"{title:>20}" for title in titles))
    print("-" * (32 + 20 * len(runs)))
    for label, key, form in (
        ("BROADCAST_RATE (msg/s)", "configured_rate", "{:.0f}"),
        ("achieved rate (msg/s)", "achieved_rate", "{:.2f}"),
        ("share of the 30/s limit", "share_of_limit", "{:.1%}"),
        ("share of BROADCAST_RATE", "share_of_rate", "{:.1%}"),
        ("first to last message (s)", "span_s", "{:.1f}"),
        ("429 answers received", "rate_limited", "{:,}"),
        ("in flight at the kills", "in_flight", "{:,}"),
        ("re-sent after a crash", "resent", "{:,}"),
        ("duplicates", "duplicates", "{:,}"),
        ("missing", "missing", "{:,}"),
        ("final report sent", "report_sent", "{}"),
    ):
        print(f"{label:<32}" + "".join(f"{form.format(run[key]):>20}" for run in runs))
    print(f"\ntotal benchmark time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
