"""Benchmark: 1,000 concurrent sign-ups of different people for a 100-seat event.

Run: .venv/bin/python benchmarks/bench_signup.py
Capacity must hold exactly (100 confirmed), the rest waitlisted in arrival order.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from storage.catalogue import CatalogueRepository, utc_text
from storage.content import bundled_content_path, load_catalogue
from storage.database import Database
from storage.registrations import RegistrationRepository

MEMBERS = 1_000
CAPACITY = 100


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "bench.sqlite3")
        await database.open()
        catalogue = load_catalogue(bundled_content_path())
        event = dataclasses.replace(catalogue.events[0], capacity=CAPACITY, max_per_company=None)
        catalogue = dataclasses.replace(catalogue, events=(event, *catalogue.events[1:]))
        await CatalogueRepository(database).import_catalogue(catalogue)
        now = utc_text(datetime.now(UTC))
        async with database.transaction() as tx:
            await tx.executemany(
                "INSERT INTO people (id, first_seen_at, last_seen_at) VALUES (?, ?, ?)",
                [(person_id, now, now) for person_id in range(1, MEMBERS + 1)],
            )
        registrations = RegistrationRepository(database)

        async def sign_up(person_id: int) -> str:
            outcome = await registrations.sign_up(event, person_id, f"company-{person_id}", None)
            return outcome.registration.status

        started = time.perf_counter()
        results = await asyncio.gather(
            *(sign_up(m) for m in range(1, MEMBERS + 1)), return_exceptions=True
        )
        elapsed = time.perf_counter() - started
        errors = sum(isinstance(r, BaseException) for r in results)
        confirmed = sum(r == "confirmed" for r in results)
        waitlisted = sum(r == "waitlisted" for r in results)
        rows = await database.fetch_all(
            "SELECT id, person_id FROM registrations WHERE event_id = ? AND status = 'waitlisted' "
            "ORDER BY queued_at, id",
            (event.id,),
        )
        arrival = [row["person_id"] for row in rows]
        in_order = arrival == sorted(arrival)
        positions = []
        for registration_id in (rows[0]["id"], rows[-1]["id"]):
            found = await registrations.get(registration_id)
            positions.append(found.position if found else None)
        stored = await database.fetch_one(
            "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'confirmed'",
            (event.id,),
        )
        await database.close()
    print(f"{'measure':<34} {'value':>12}")
    print("-" * 47)
    print(f"{'concurrent sign-ups':<34} {MEMBERS:>12,}")
    print(f"{'event capacity':<34} {CAPACITY:>12,}")
    print(f"{'confirmed (answers)':<34} {confirmed:>12,}")
    print(f"{'confirmed (database)':<34} {stored[0] if stored else 0:>12,}")
    print(f"{'waitlisted':<34} {waitlisted:>12,}")
    print(f"{'waiting positions first..last':<34} {f'{positions[0]}..{positions[1]}':>12}")
    print(f"{'waiting list in arrival order':<34} {in_order!s:>12}")
    print(f"{'errors':<34} {errors:>12,}")
    print(f"{'elapsed (s)':<34} {elapsed:>12.3f}")
    print(f"{'sign-ups per second':<34} {MEMBERS / elapsed:>12,.0f}")
    if confirmed != CAPACITY or errors or not in_order:
        raise SystemExit("capacity or ordering violated")


if __name__ == "__main__":
    asyncio.run(main())
