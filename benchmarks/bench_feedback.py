"""Benchmark: moving the post-event feedback onto the survey engine, and reading it after.

Run: .venv/bin/python benchmarks/bench_feedback.py [--quick]
A database of the schema before the move holds 500 events' feedback (50,000 ratings, a third
with "most useful", a fifth with "what next"). Timed: the migrations that move every row into
the survey tables and leave the `feedback` view (0036, then its index, 0038), and what the
readers ask of `feedback`
before (the table) and after (the view): the impact report's ratings per event, the staff
statistics, a company's page. Targets: the migration under 10 s; every reading under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage.companies import CompanyRepository
from storage.database import Database, _migrations
from storage.impact import ImpactRepository
from storage.stats import StatsRepository

COMPANIES = 200


def _old_database(path: Path, events: int, ratings: int, seed: int = 7) -> None:
    """Write the schema before the move with `ratings` rows of feedback over `events` events."""
    rng = random.Random(seed)
    moving = next(number for number, name, _ in _migrations() if "feedback_survey" in name)
    before = moving - 1
    connection = sqlite3.connect(path)
    for number, _, script in _migrations():
        if number <= before:
            connection.executescript(script)
    connection.execute(f"PRAGMA user_version = {before}")
    now = datetime.now(UTC)
    stamp = now.isoformat(timespec="seconds")
    connection.executemany(
        "INSERT INTO companies (id, name, name_key, membership, created_at, updated_at) "
        "VALUES (?, ?, ?, 'member', ?, ?)",
        [(n, f"Firma {n}", f"firma {n}", stamp, stamp) for n in range(1, COMPANIES + 1)],
    )
    per_event = ratings // events
    person = 0
    for n in range(events):
        starts = now - timedelta(days=1 + 360 * n // events, hours=3)
        event_id = f"held-{n:04d}"
        connection.execute(
            "INSERT INTO events (id, kind, starts_at, ends_at, position, document, updated_at) "
            "VALUES (?, 'training', ?, ?, ?, '{}', ?)",
            (
                event_id,
                starts.isoformat(timespec="seconds"),
                (starts + timedelta(hours=3)).isoformat(timespec="seconds"),
                n,
                stamp,
            ),
        )
        people = []
        for _ in range(per_event + per_event // 2):  # a third of the attendees never rate
            person += 1
            people.append((person, stamp, stamp, rng.randint(1, COMPANIES)))
        connection.executemany(
            "INSERT INTO people (id, first_seen_at, last_seen_at, company_id) VALUES (?, ?, ?, ?)",
            people,
        )
        connection.executemany(
            "INSERT INTO registrations (event_id, person_id, status, attended, company_id, "
            "created_at, queued_at) VALUES (?, ?, 'confirmed', 1, ?, ?, ?)",
            [(event_id, p, company, stamp, stamp) for p, _, _, company in people],
        )
        rows = connection.execute(
            "SELECT id FROM registrations WHERE event_id = ? ORDER BY id LIMIT ?",
            (event_id, per_event),
        ).fetchall()
        connection.executemany(
            "INSERT INTO feedback (registration_id, event_id, rating, comment, next_wish, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    registration,
                    event_id,
                    rng.choices((5, 4, 3, 2, 1), (45, 35, 12, 5, 3))[0],
                    "Uygulamalı örnekler çok faydalıydı." if index % 3 == 0 else None,
                    "Bir fabrika ziyareti" if index % 5 == 0 else None,
                    (starts + timedelta(hours=5, minutes=index)).isoformat(timespec="seconds"),
                )
                for index, (registration,) in enumerate(rows)
            ],
        )
    connection.commit()
    connection.close()


async def _readings(database: Database) -> dict[str, tuple[float, Any]]:
    """Time each reader of `feedback` once; return (seconds, what it read)."""
    now = datetime.now(UTC)
    readers: dict[str, Callable[[], Awaitable[Any]]] = {
        "impact report, ratings per event": lambda: ImpactRepository(database).events(
            now - timedelta(days=366), now
        ),
        "staff statistics": lambda: StatsRepository(database, "tr").impact(now),
        "a company's page": lambda: CompanyRepository(database).activity(1, 10),
    }
    timed = {}
    for name, read in readers.items():
        started = time.perf_counter()
        result = await read()
        timed[name] = (time.perf_counter() - started, result)
    return timed


async def _run(events: int, ratings: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old.sqlite3"
        _old_database(path, events, ratings)
        before = Database(path)
        await before.open(migrate=False)
        read_before = await _readings(before)
        await before.close()

        after = Database(path)
        started = time.perf_counter()
        await after.open()
        migration = time.perf_counter() - started
        read_after = await _readings(after)
        moved = await after.fetch_one("SELECT COUNT(*) FROM survey_responses")
        await after.close()

    assert moved is not None
    same = all(read_before[name][1] == read_after[name][1] for name in read_before)
    print(f"{events} events, {ratings:,} ratings moved into {moved[0]:,} survey responses")
    print(f"{'what':<36} {'before (table)':>15} {'after (view)':>13} {'target':>8}")
    print(f"{'migration':<36} {'':>15} {migration:>12.2f}s {'10 s':>8}")
    for name in read_before:
        print(
            f"{name:<36} {read_before[name][0] * 1000:>13.1f}ms "
            f"{read_after[name][0] * 1000:>11.1f}ms {'1 s':>8}"
        )
    print(f"every reader reads the same before and after: {'yes' if same else 'NO'}")
    fast = migration < 10 and all(seconds < 1 for seconds, _ in read_after.values())
    return same and fast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    quick = parser.parse_args().quick
    ok = asyncio.run(_run(50 if quick else 500, 5_000 if quick else 50_000))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
