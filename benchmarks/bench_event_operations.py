"""Benchmark: what staff do with one large event's registrations, on a real database file.

Run: .venv/bin/python benchmarks/bench_event_operations.py [--quick]
A conference with 2,000 confirmed registrants and 1,000 on the waiting list (a tenth with
--quick). Timed, each in its own transaction as the handlers run it: queueing a message to every
registrant (one INSERT ... SELECT), the outbox claiming those rows in batches of 100 (as its
worker does each second), a staff cancellation whose seat goes down the waiting list, a seat
given by hand, and the free-places count a registrant's card reads. The sending itself is
bounded by BROADCAST_RATE (25 a second by default): the table says how long that takes.
Targets: every staff action under 100 ms; queueing under 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage.catalogue import CatalogueRepository, utc_text
from storage.content import bundled_content_path, load_catalogue
from storage.database import Database
from storage.outbox import DeliveryPlan, OutboxRepository, queue_event_message
from storage.registrations import (
    cancel_for_staff,
    places_left,
    promote_by_hand,
)
from storage.seeding import SeedRegistration, add_registrations, add_started_people

CONFIRMED = 2_000
WAITING = 1_000
FIRST_PERSON = 800_000_001
BATCH = 100
RATE = 25.0


async def timed(action: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """Return how long `action` took in milliseconds, and what it returned."""
    started = time.perf_counter()
    result = await action()
    return (time.perf_counter() - started) * 1000, result


async def main(quick: bool) -> None:
    confirmed, waiting = (CONFIRMED // 10, WAITING // 10) if quick else (CONFIRMED, WAITING)
    with tempfile.TemporaryDirectory(prefix="eventops-bench-") as folder:
        database = Database(Path(folder) / "bench.sqlite3")
        await database.open()
        catalogue = load_catalogue(bundled_content_path())
        await CatalogueRepository(database).import_catalogue(catalogue)
        now = datetime.now(UTC)
        event = replace(catalogue.events[0], capacity=confirmed, starts_at=now + timedelta(days=30))
        people = range(FIRST_PERSON, FIRST_PERSON + confirmed + waiting)
        await add_started_people(database, people, utc_text(now))
        await add_registrations(
            database,
            [
                SeedRegistration(
                    event_id=event.id,
                    person_id=person_id,
                    company_id=None,
                    sector_id=None,
                    status="confirmed" if index < confirmed else "waitlisted",
                    created_at=utc_text(now - timedelta(days=10, seconds=-index)),
                    attended=None,
                    attended_at=None,
                    rating=None,
                )
                for index, person_id in enumerate(people)
            ],
        )
        plan = DeliveryPlan((timedelta(hours=24), timedelta(hours=1)), timedelta(hours=2))
        rows: list[tuple[str, str]] = []

        async def queue() -> int:
            async with database.transaction() as tx:
                return await queue_event_message(
                    tx, event.id, ("confirmed", "waitlisted"), "Salon değişti.", now
                )

        took, queued = await timed(queue)
        rows.append((f"queue a message to {queued:,} registrants", f"{took:.0f} ms"))

        outbox = OutboxRepository(database)
        claims: list[float] = []
        while True:
            took, claimed = await timed(lambda: outbox.claim_due(now, BATCH))
            if not claimed:
                break
            claims.append(took)
        rows.append((f"claim them, {len(claims)} batches of {BATCH}", f"{sum(claims):.0f} ms"))
        rows.append(("slowest claim", f"{max(claims):.1f} ms"))
        rows.append((f"sending at {RATE:.0f}/s (BROADCAST_RATE)", f"{queued / RATE:.0f} s"))

        async def cancel() -> Any:
            async with database.transaction() as tx:
                return await cancel_for_staff(tx, plan, 1, event, now)

        took, cancellation = await timed(cancel)
        promoted = len(cancellation.promoted) if cancellation else 0
        rows.append((f"staff cancel a seat ({promoted} promoted)", f"{took:.1f} ms"))
        took, left = await timed(lambda: places_left(database, event))
        rows.append((f"free places on a card ({left})", f"{took:.1f} ms"))
        last = FIRST_PERSON + confirmed + waiting - 1
        row = await database.fetch_one("SELECT id FROM registrations WHERE person_id = ?", (last,))
        assert row is not None
        wider = replace(event, capacity=confirmed + 1)

        async def give() -> Any:
            async with database.transaction() as tx:
                return await promote_by_hand(tx, plan, wider, row["id"], now)

        took, given = await timed(give)
        rows.append((f"give the last in line a seat ({given is not None})", f"{took:.1f} ms"))
        await database.close()
    width = max(len(name) for name, _ in rows)
    print(f"{'operation':<{width}}  time")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the registrants")
    asyncio.run(main(parser.parse_args().quick))
