"""Benchmark: 500 applications decided in bulk and notified through the emulator's 30/s limit.

Run: .venv/bin/python benchmarks/bench_applications.py [--quick]

An application-based visit has 300 places and 500 pending applications. A staff member works
the way staff do, in the chat: the review list, "accept all listed" (places go in the list's
order until none is left; the other 200 stay pending), then the pending ones, "decline all
listed" with a personal line, then "Notify" and "yes". The emulator refuses more than 30
messages a second overall (429 with retry_after), like Telegram. The table shows, per run:

1. BROADCAST_RATE=30, Telegram's own limit: how long each staff step took (the bulk
   decisions are one transaction each), the achieved sending rate as a share of the limit,
   429 answers, and per applicant what arrived: duplicates and missing (both should be 0),
   and that every message matches the decision in the database.
2. The same at the default BROADCAST_RATE=25.
3. BROADCAST_RATE=30 with the bot killed twice while the decisions go out (at a third and at
   two thirds): missing must be 0; duplicates at most the messages that were in flight.

`--quick` decides 150 applications (90 places) instead of 500. Each run is a fresh process.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# PTB warns on every RetryAfter unless it may hand out timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from outbox_runs import STAFF_ID, build, crash, in_flight

from bot.app import start_application, stop_application
from bot.devtools.emulator import BotActivity, BotApiEmulator, Message, User
from bot.screens.buttons import ApplicationReview
from storage.catalogue import CatalogueRepository, utc_text
from storage.content import (
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
)
from storage.database import Database
from storage.outbox import OutboxRepository
from storage.seeding import add_started_people

APPLICANTS = 500
QUICK_APPLICANTS = 150
PLACES_SHARE = 0.6  # 300 of 500 accepted, the rest declined
TELEGRAM_LIMIT = 30.0
DEFAULT_RATE = 25.0
FIRST_APPLICANT = 910_000_001
EVENT = "bench-visit"
LINE = "Başvurunuz için teşekkür ederiz."


async def seed(path: Path, applicants: int) -> None:
    """Fill a database: the catalogue with an application event, and its pending applications."""
    database = Database(path)
    await database.open()
    catalogue = load_catalogue(bundled_content_path())
    document = catalogue_to_document(catalogue)
    visit = dict(document["events"][0])
    starts_at = datetime.now(UTC) + timedelta(days=30)
    visit.update(
        id=EVENT,
        title={"tr": "Ölçüm ziyareti", "en": "Benchmark visit"},
        starts_at=starts_at.isoformat(),
        ends_at=(starts_at + timedelta(days=2)).isoformat(),
        capacity=int(applicants * PLACES_SHARE),
        selection="application",
        confirm_days=3,
    )
    visit.pop("registration_deadline", None)
    visit.pop("max_per_company", None)
    document["events"].append(visit)
    await CatalogueRepository(database).import_catalogue(parse_catalogue(document, "bench"))
    now = utc_text(datetime.now(UTC))
    ids = range(FIRST_APPLICANT, FIRST_APPLICANT + applicants)
    await add_started_people(database, ids, now)
    async with database.transaction() as tx:
        await tx.executemany(
            "UPDATE people SET full_name = ?, company = ? WHERE id = ?",
            [(f"Başvuran {n}", f"Firma {n} A.Ş.", n) for n in ids],
        )
        await tx.executemany(
            "INSERT INTO applications (event_id, person_id, status, company_key, created_at) "
            "VALUES (?, ?, 'pending', ?, ?)",
            [(EVENT, n, f"firma{n}as", now) for n in ids],
        )
    await database.close()


async def decisions(path: Path) -> dict[int, str]:
    """Return each applicant's decision as the database holds it."""
    database = Database(path)
    await database.open()
    rows = await database.fetch_all(
        "SELECT person_id, status FROM applications WHERE event_id = ?", (EVENT,)
    )
    await database.close()
    return {row["person_id"]: row["status"] for row in rows}


async def step(
    emulator: BotApiEmulator, staff: User, on: Message, button: str, contains: str
) -> tuple[Message, float]:
    """Press a staff button and return the screen that says `contains`, and the seconds it took."""
    started = time.perf_counter()
    await emulator.press_button(staff, on, button)
    shown = await emulator.wait_for_bot_message(STAFF_ID, contains=contains, timeout=120)
    return shown, time.perf_counter() - started


async def measure(path: Path, applicants: int, rate: float, kills: int) -> dict[str, Any]:
    """Decide every application in bulk, notify, and count what reached each applicant."""
    ids = range(FIRST_APPLICANT, FIRST_APPLICANT + applicants)
    async with BotApiEmulator(global_rate_limit=TELEGRAM_LIMIT) as emulator:
        for person_id in ids:
            emulator.add_user(User(id=person_id, first_name=f"Başvuran {person_id}"))
        staff = User(id=STAFF_ID, first_name="Elif", language_code="tr")
        emulator.add_user(staff)
        per_chat: Counter[int] = Counter()
        told: dict[int, str] = {}
        sent_at: list[float] = []
        arrived = asyncio.Event()
        milestones = [
            (applicants * kill // (kills + 1), asyncio.Event()) for kill in range(1, kills + 1)
        ]

        def record(activity: BotActivity) -> None:
            message = activity.message
            if activity.kind != "send" or message is None or message.chat_id == STAFF_ID:
                return
            per_chat[message.chat_id] += 1
            text = message.text or ""
            told[message.chat_id] = "accepted" if "Seçildiniz" in text else "declined"
            sent_at.append(time.perf_counter())
            for threshold, reached in milestones:
                if len(sent_at) >= threshold:
                    reached.set()
            if len(per_chat) >= applicants:
                arrived.set()

        emulator.on_bot_activity(record)
        application = build(emulator, path, rate)
        await start_application(application, poll_timeout=1)

        await emulator.send_message(staff, "/staff")
        menu = await emulator.wait_for_bot_message(STAFF_ID)
        await emulator.press_callback(staff, menu, ApplicationReview(EVENT).data)
        review = await emulator.wait_for_bot_message(STAFF_ID, contains="Başvurular")
        await emulator.press_button(staff, review, "hepsini kabul et")
        line = await emulator.wait_for_bot_message(STAFF_ID, contains="Mesajlarına")
        await emulator.press_button(staff, line, "Atla")
        sure = await emulator.wait_for_bot_message(STAFF_ID, contains="Devam edilsin mi")
        review, accept_s = await step(emulator, staff, sure, "Evet", "karar verildi")
        await emulator.press_button(staff, review, "hepsini reddet")
        await emulator.wait_for_bot_message(STAFF_ID, contains="Mesajlarına")
        await emulator.send_message(staff, LINE)
        sure = await emulator.wait_for_bot_message(STAFF_ID, contains="Devam edilsin mi")
        review, decline_s = await step(emulator, staff, sure, "Evet", "karar verildi")
        await emulator.press_button(staff, review, "Bildir")
        ask = await emulator.wait_for_bot_message(STAFF_ID, contains="Gönderilsin mi")
        _, notify_s = await step(emulator, staff, ask, "Evet, gönder", "yola çıktı")
        first_sent = time.perf_counter()

        flights = []
        for _, reached in milestones:
            await reached.wait()
            await crash(application)
            flights.append(await in_flight(path, "application_decision"))
            application = build(emulator, path, rate)
            await start_application(application, poll_timeout=1)

        await asyncio.wait_for(arrived.wait(), timeout=applicants / rate * 3 + 60)
        await asyncio.sleep(2)  # anything doubled would arrive by now
        resent = await OutboxRepository(application.services.database).count_resent()
        await stop_application(application)
        rate_limited = emulator.stats.rate_limited
    held = await decisions(path)
    span = sent_at[-1] - sent_at[0]
    achieved = (len(sent_at) - 1) / span
    return {
        "applicants": applicants,
        "configured_rate": rate,
        "kills": kills,
        "accepted": sum(status == "accepted" for status in held.values()),
        "declined": sum(status == "declined" for status in held.values()),
        "accept_s": accept_s,
        "decline_s": decline_s,
        "notify_s": notify_s,
        "achieved_rate": achieved,
        "share_of_limit": achieved / TELEGRAM_LIMIT,
        "all_told_s": sent_at[-1] - first_sent,
        "rate_limited": rate_limited,
        "in_flight": sum(flights),
        "resent": resent,
        "duplicates": sum(count - 1 for count in per_chat.values() if count > 1),
        "missing": sum(1 for person_id in ids if per_chat[person_id] == 0),
        "wrong": sum(1 for person_id, said in told.items() if held.get(person_id) != said),
    }


def child(arguments: argparse.Namespace) -> None:
    path = Path(arguments.database)
    asyncio.run(seed(path, arguments.applicants))
    result = asyncio.run(measure(path, arguments.applicants, arguments.rate, arguments.kills))
    print(json.dumps(result))


def run_child(folder: Path, name: str, applicants: int, rate: float, kills: int) -> dict[str, Any]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--database",
            str(folder / f"{name}.sqlite3"),
            "--applicants",
            str(applicants),
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
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_APPLICANTS} applicants")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--applicants", type=int, default=APPLICANTS, help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, default=TELEGRAM_LIMIT, help=argparse.SUPPRESS)
    parser.add_argument("--kills", type=int, default=0, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments)
        return

    applicants = QUICK_APPLICANTS if arguments.quick else APPLICANTS
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        runs = [
            run_child(folder, "at-limit", applicants, TELEGRAM_LIMIT, 0),
            run_child(folder, "default", applicants, DEFAULT_RATE, 0),
            run_child(folder, "killed", applicants, TELEGRAM_LIMIT, 2),
        ]

    print()
    print(
        f"{applicants:,} applications decided in bulk and notified; "
        f"emulator limit {TELEGRAM_LIMIT:g} messages/s"
    )
    titles = [
        f"{run['configured_rate']:g}/s" + (f", killed x{run['kills']}" if run["kills"] else "")
        for run in runs
    ]
    print(f"{'measure':<36}" + "".join(f"{title:>20}" for title in titles))
    print("-" * (36 + 20 * len(runs)))
    for label, key, form in (
        ("BROADCAST_RATE (msg/s)", "configured_rate", "{:.0f}"),
        ("accepted / declined", "accepted", "{}"),
        ("'accept all listed' (s)", "accept_s", "{:.2f}"),
        ("'decline all listed' (s)", "decline_s", "{:.2f}"),
        ("'notify' queued (s)", "notify_s", "{:.2f}"),
        ("achieved rate (msg/s)", "achieved_rate", "{:.2f}"),
        ("share of the 30/s limit", "share_of_limit", "{:.1%}"),
        ("notify to last message (s)", "all_told_s", "{:.1f}"),
        ("429 answers received", "rate_limited", "{:,}"),
        ("in flight at the kills", "in_flight", "{:,}"),
        ("re-sent after a crash", "resent", "{:,}"),
        ("duplicates", "duplicates", "{:,}"),
        ("missing", "missing", "{:,}"),
        ("told other than decided", "wrong", "{:,}"),
    ):
        cells = []
        for run in runs:
            value = f"{run['accepted']} / {run['declined']}" if key == "accepted" else run[key]
            cells.append(value if key == "accepted" else form.format(value))
        print(f"{label:<36}" + "".join(f"{cell:>20}" for cell in cells))
    print(f"\ntotal benchmark time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
