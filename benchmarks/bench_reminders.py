"""Benchmark: reminders in the outbox at scale.

Run: .venv/bin/python benchmarks/bench_reminders.py [--quick | --full]

1. Startup with 100,000 pending reminders against an empty outbox: time to start (migrations,
   catalogue, in-flight recovery, the first sweep) and resident memory. Nothing pending is
   loaded into memory, so both should match.
2. 5,000 reminders due at the same moment, delivered to the emulator through the real
   application: none lost, none repeated (counted per chat in the emulator), at the
   configured rate. The main run uses BROADCAST_RATE=100 to stay short (the setting caps
   it at 30 for Telegram; the outbox worker does not care); a second run of 500 shows the
   default 25/s. `--full` sends all 5,000 at 25/s (about 3.5 minutes); `--quick` starts with
   20,000 pending and sends 1,000 at 100/s and 100 at 25/s.

Each measurement runs in a fresh process so that memory figures are not mixed up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# PTB warns on every RetryAfter unless it may hand out timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.app import build_application, start_application, stop_application
from bot.devtools.emulator import BotActivity, BotApiEmulator, User
from bot.settings import load_settings
from storage.catalogue import CatalogueRepository, utc_text
from storage.content import Catalogue, bundled_content_path, load_catalogue
from storage.database import Database
from storage.outbox import DeliveryPlan, OutboxRepository, plan_for_registration

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
PENDING = 100_000
BURST = 5_000
SHORT_BURST = 500
FAST_RATE = 100.0
DEFAULT_RATE = 25.0
FIRST_MEMBER = 900_000_001


def rss_mb() -> float:
    """Return this process's resident memory in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_catalogue(starts_at: datetime) -> Catalogue:
    """Return the bundled catalogue with its first event moved to `starts_at`, seats unlimited."""
    catalogue = load_catalogue(bundled_content_path())
    first = dataclasses.replace(
        catalogue.events[0],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        registration_deadline=None,
        capacity=None,
        max_per_company=None,
    )
    return dataclasses.replace(catalogue, events=(first, *catalogue.events[1:]))


async def seed(path: Path, people: int, starts_at: datetime, plan: DeliveryPlan) -> None:
    """Fill a database: one confirmed registration per person, its outbox rows planned."""
    database = Database(path)
    await database.open()
    catalogue = bench_catalogue(starts_at)
    await CatalogueRepository(database).import_catalogue(catalogue)
    event = catalogue.events[0]
    now = datetime.now(UTC)
    moment = utc_text(now)
    ids = range(FIRST_MEMBER, FIRST_MEMBER + people)
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, first_seen_at, last_seen_at, telegram_language) "
            "VALUES (?, ?, ?, 'tr')",
            [(person_id, moment, moment) for person_id in ids],
        )
        await tx.executemany(
            "INSERT INTO registrations (id, event_id, person_id, status, created_at, queued_at, "
            "confirmed_at) VALUES (?, ?, ?, 'confirmed', ?, ?, ?)",
            [(person_id, event.id, person_id, moment, moment, moment) for person_id in ids],
        )
        for person_id in ids:
            await plan_for_registration(
                tx,
                plan,
                registration_id=person_id,
                person_id=person_id,
                event_id=event.id,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                now=now,
            )
    await database.close()


def settings_for(emulator: BotApiEmulator, path: Path, offsets: str, rate: float) -> Any:
    settings = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emulator.base_url,
            "DATABASE_PATH": str(path),
            "REMINDER_OFFSETS": offsets,
            "LOG_LEVEL": "WARNING",
        },
        env_file=None,
    )
    # Above Telegram's 30/s only to keep the benchmark short; the setting itself refuses it.
    return dataclasses.replace(settings, broadcast_rate=rate)


async def measure_startup(path: Path) -> dict[str, Any]:
    """Start the application on `path`; report startup time, first sweep and memory."""
    async with BotApiEmulator() as emulator:
        before = rss_mb()
        started = time.perf_counter()
        application = build_application(settings_for(emulator, path, "24h,1h", DEFAULT_RATE))
        await start_application(application, poll_timeout=1)
        startup = time.perf_counter() - started
        outbox = OutboxRepository(application.services.database)
        swept = time.perf_counter()
        claimed = await outbox.claim_due(datetime.now(UTC), 25)  # what each sweep runs first
        sweep = time.perf_counter() - swept
        await asyncio.sleep(1.5)  # a few real sweeps
        counts = await outbox.count_by_status()
        after = rss_mb()
        await stop_application(application)
    return {
        "startup_s": startup,
        "sweep_ms": sweep * 1000,
        "claimed": len(claimed),
        "pending": counts.get("pending", 0),
        "rss_before_mb": before,
        "rss_after_mb": after,
    }


async def measure_burst(path: Path, people: int, rate: float) -> dict[str, Any]:
    """Start the application with `people` reminders coming due at once; deliver them all."""
    ids = list(range(FIRST_MEMBER, FIRST_MEMBER + people))
    async with BotApiEmulator() as emulator:
        for person_id in ids:
            emulator.add_user(User(id=person_id, first_name=f"Üye {person_id}", language_code="tr"))
        sent_at: list[float] = []
        all_sent = asyncio.Event()

        def record(activity: BotActivity) -> None:
            if activity.kind == "send":
                sent_at.append(time.perf_counter())
                if len(sent_at) >= people:
                    all_sent.set()

        emulator.on_bot_activity(record)
        application = build_application(settings_for(emulator, path, "1h", rate))
        await start_application(application, poll_timeout=1)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_sent.wait(), timeout=people / rate * 3 + 30)
        await emulator.wait_idle(quiet=1.0, timeout=30)
        outbox = OutboxRepository(application.services.database)
        counts = await outbox.count_by_status()
        resent = await outbox.count_resent()
        await stop_application(application)
        per_chat = Counter(len(emulator.bot_messages(person_id)) for person_id in ids)
    span = sent_at[-1] - sent_at[0] if len(sent_at) > 1 else float("nan")
    return {
        "people": people,
        "configured_rate": rate,
        "achieved_rate": (len(sent_at) - 1) / span if span else float("nan"),
        "span_s": span,
        "received_once": per_chat.get(1, 0),
        "lost": per_chat.get(0, 0),
        "repeated": sum(n for count, n in per_chat.items() if count > 1),
        "sent_rows": counts.get("sent", 0),
        "other_rows": sum(n for status, n in counts.items() if status != "sent"),
        "resent": resent,
        "rss_after_mb": rss_mb(),
    }


def child(arguments: argparse.Namespace) -> None:
    path = Path(arguments.database)
    if arguments.scenario == "startup":
        result = asyncio.run(measure_startup(path))
    else:
        result = asyncio.run(measure_burst(path, arguments.people, arguments.rate))
    print(json.dumps(result))


def run_child(*options: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *options],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def prepare(folder: Path, name: str, people: int, starts_at: datetime, offsets: str) -> Path:
    path = folder / f"{name}.sqlite3"
    units = {"h": 3600, "d": 86400, "m": 60, "s": 1}
    plan = DeliveryPlan(
        tuple(timedelta(seconds=int(o[:-1]) * units[o[-1]]) for o in offsets.split(",")),
        None,
    )
    asyncio.run(seed(path, people, starts_at, plan))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="send the 5,000 at 25/s")
    parser.add_argument("--quick", action="store_true", help="smaller figures, for development")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=("startup", "burst"), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments)
        return

    pending, burst_size, short_burst = (
        (PENDING // 5, BURST // 5, SHORT_BURST // 5)
        if arguments.quick
        else (PENDING, BURST, SHORT_BURST)
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        later = datetime.now(UTC) + timedelta(days=30)
        seeding = time.perf_counter()
        full = prepare(folder, "pending", pending // 2, later, "24h,1h")
        seeding = time.perf_counter() - seeding
        empty = folder / "empty.sqlite3"
        cold = run_child("--scenario", "startup", "--database", str(empty))
        loaded = run_child("--scenario", "startup", "--database", str(full))

        # Due a few seconds after the child starts: the whole burst comes due at once.
        def burst(people: int, rate: float) -> dict[str, Any]:
            starts_at = datetime.now(UTC) + timedelta(hours=1, seconds=4)
            path = prepare(folder, f"burst-{people}-{rate:g}", people, starts_at, "1h")
            return run_child(
                "--scenario",
                "burst",
                "--database",
                str(path),
                "--people",
                str(people),
                "--rate",
                str(rate),
            )

        runs = [burst(burst_size, DEFAULT_RATE if arguments.full else FAST_RATE)]
        if not arguments.full:
            runs.append(burst(short_burst, DEFAULT_RATE))

    print()
    print("Startup with pending reminders (fresh process each)")
    print(f"{'measure':<34}{'empty outbox':>16}{f'{pending:,} pending':>18}")
    print("-" * 68)
    for label, key, form in (
        ("startup to polling (s)", "startup_s", "{:.3f}"),
        ("one sweep, nothing due (ms)", "sweep_ms", "{:.2f}"),
        ("rows claimed by that sweep", "claimed", "{:,}"),
        ("pending reminders in the outbox", "pending", "{:,}"),
        ("RSS before start (MB)", "rss_before_mb", "{:.1f}"),
        ("RSS after start + 1.5 s (MB)", "rss_after_mb", "{:.1f}"),
    ):
        print(f"{label:<34}{form.format(cold[key]):>16}{form.format(loaded[key]):>18}")
    print(f"(seeding {pending:,} reminders for {pending // 2:,} registrations: {seeding:.1f} s)")
    print()
    print("Reminders due at the same moment, delivered through the emulator")
    titles = [f"{run['people']:,} at {run['configured_rate']:g}/s" for run in runs]
    print(f"{'measure':<30}" + "".join(f"{title:>18}" for title in titles))
    print("-" * (30 + 18 * len(runs)))
    for label, key, form in (
        ("configured rate (msg/s)", "configured_rate", "{:.1f}"),
        ("achieved rate (msg/s)", "achieved_rate", "{:.1f}"),
        ("first to last message (s)", "span_s", "{:.1f}"),
        ("chats with exactly one", "received_once", "{:,}"),
        ("chats with none (lost)", "lost", "{:,}"),
        ("chats with more (repeated)", "repeated", "{:,}"),
        ("outbox rows sent", "sent_rows", "{:,}"),
        ("outbox rows not sent", "other_rows", "{:,}"),
        ("re-sent after a crash", "resent", "{:,}"),
        ("RSS at the end (MB)", "rss_after_mb", "{:.1f}"),
    ):
        print(f"{label:<30}" + "".join(f"{form.format(run[key]):>18}" for run in runs))
    print(f"\ntotal benchmark time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
