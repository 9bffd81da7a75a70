"""Benchmark: a B2B day of 300 participants, 2 sessions x 12 slots x 30 tables, 1,500 meeting
requests accepted concurrently.

Run: .venv/bin/python benchmarks/bench_matchmaking.py [--quick]
No participant or table may be booked twice (checked in the database, from the meetings
themselves); suggestions for one participant (read the listing, rank it) under 50 ms at p95;
the whole schedule (every acceptance placed) under 2 s; then every agenda with the other sides'
names, and one participant in fifteen erasing their data (meetings and requests cancelled,
the others told). `--quick` runs a fifth of the day.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.matchmaking import MatchIndex
from storage.catalogue import CatalogueRepository, utc_text
from storage.content import Matchmaking, MatchSession, bundled_content_path, load_catalogue
from storage.database import Database
from storage.matchmaking import MatchmakingRepository, ProfileDraft, Schedule
from storage.seeding import SeedPerson, add_people

FIRST_ID = 1_000


@dataclasses.dataclass(frozen=True)
class Size:
    """How big a day to run."""

    participants: int
    requests: int
    tables: int
    slots_per_session: int = 12


FULL = Size(participants=300, requests=1_500, tables=30)
QUICK = Size(participants=60, requests=300, tables=6)


def quantile95(timings: list[float]) -> float:
    """Return the 95th percentile of some timings."""
    return statistics.quantiles(timings, n=20)[-1]


async def run(size: Size) -> bool:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "bench.sqlite3")
        await database.open()
        catalogue = load_catalogue(bundled_content_path())
        b2b = next(e for e in catalogue.events if e.kind == "b2b")
        length = timedelta(minutes=20)
        first = b2b.starts_at
        second = first + size.slots_per_session * length + timedelta(hours=1)
        settings = Matchmaking(
            sessions=(
                MatchSession(first, first + size.slots_per_session * length),
                MatchSession(second, second + size.slots_per_session * length),
            ),
            meeting_minutes=20,
            tables=size.tables,
            pending_cap=size.requests,
        )
        event = dataclasses.replace(b2b, ends_at=second + timedelta(hours=5), matchmaking=settings)
        catalogue = dataclasses.replace(
            catalogue, events=tuple(event if e.id == b2b.id else e for e in catalogue.events)
        )
        await CatalogueRepository(database).import_catalogue(catalogue)
        categories = [c.id for c in catalogue.categories] or [f"c{n}" for n in range(20)]
        now = datetime.now(UTC)
        people = [
            SeedPerson(
                FIRST_ID + n,
                f"Katılımcı {n}",
                f"Firma {n}",
                None,
                "machinery",
                "tr",
                utc_text(now),
            )
            for n in range(size.participants)
        ]
        await add_people(database, people)
        store = MatchmakingRepository(database)
        for person in people:
            draft = ProfileDraft(
                company=person.company,
                company_id=None,
                sector_id=person.sector_id,
                offers=tuple(rng.sample(categories, 3)),
                seeks=tuple(rng.sample(categories, 3)),
                offers_text=None,
                seeks_text=None,
                languages=("tr",),
                description=None,
            )
            await store.save_profile(person.id, event.id, draft, "bench", now)

        # Suggestions as /b2b makes them: read the listing, build the index, rank.
        timings = []
        for person in people:
            started = time.perf_counter()
            listed = await store.listed(event.id)
            index = MatchIndex(listed, catalogue.categories)
            me = index.get(person.id)
            assert me is not None
            index.suggest(me)
            timings.append((time.perf_counter() - started) * 1000)
        p95 = quantile95(timings)

        pairs: set[tuple[int, int]] = set()
        while len(pairs) < size.requests:
            a, b = rng.sample([p.id for p in people], 2)
            if (b, a) not in pairs:
                pairs.add((a, b))
        requests = []
        for a, b in sorted(pairs):
            made = await store.request(event.id, a, b, None, settings.pending_cap, now)
            assert made.request_id is not None, made
            requests.append((made.request_id, b))

        schedule = Schedule(event.slots(), settings.tables)
        started = time.perf_counter()
        answers = await asyncio.gather(
            *(store.answer(rid, invitee, True, None, schedule, now) for rid, invitee in requests),
            return_exceptions=True,
        )
        elapsed = time.perf_counter() - started
        errors = sum(isinstance(a, BaseException) for a in answers)
        placed = sum(getattr(a, "outcome", None) == "accepted" for a in answers)
        no_slot = sum(getattr(a, "outcome", None) == "no_slot" for a in answers)
        doubled = await store.double_bookings(event.id)
        stored = await database.fetch_one(
            "SELECT COUNT(*) FROM meetings WHERE event_id = ? AND status = 'scheduled'",
            (event.id,),
        )
        reminders = await database.fetch_one(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'meeting_reminder'"
        )

        # Every participant's agenda as /b2b shows it: the meetings, then the other sides' names.
        agenda_timings = []
        for person in people:
            started = time.perf_counter()
            agenda = await store.agenda(event.id, person.id)
            names = await store.names_of(m.other(person.id) for m in agenda)
            assert len(names) == len({m.other(person.id) for m in agenda})
            agenda_timings.append((time.perf_counter() - started) * 1000)

        # Participants erasing their data: each one's meetings and requests cancelled at once,
        # every other side told.
        leaving = people[: max(1, size.participants // 15)]
        started = time.perf_counter()
        left = [await store.leave(person.id, "erased", now) for person in leaving]
        leave_ms = (time.perf_counter() - started) * 1000 / len(leaving)
        await database.close()
    places = len(schedule.slots) * settings.tables
    print(f"{'measure':<38} {'value':>12}")
    print("-" * 51)
    print(f"{'participants':<38} {size.participants:>12,}")
    print(f"{'slots x tables':<38} {f'{len(schedule.slots)} x {settings.tables}':>12}")
    print(f"{'places (slot, table)':<38} {places:>12,}")
    print(f"{'requests accepted concurrently':<38} {len(requests):>12,}")
    print(f"{'scheduled (answers)':<38} {placed:>12,}")
    print(f"{'scheduled (database)':<38} {stored[0] if stored else 0:>12,}")
    print(f"{'no slot left for both':<38} {no_slot:>12,}")
    print(f"{'reminders queued':<38} {reminders[0] if reminders else 0:>12,}")
    print(f"{'double bookings (database)':<38} {doubled:>12,}")
    print(f"{'errors':<38} {errors:>12,}")
    print(f"{'suggestions p50 (ms)':<38} {statistics.median(timings):>12.2f}")
    print(f"{'suggestions p95 (ms)':<38} {p95:>12.2f}")
    print(f"{'whole schedule (s)':<38} {elapsed:>12.3f}")
    print(f"{'acceptances per second':<38} {len(requests) / elapsed:>12,.0f}")
    print(f"{'agenda with names p50 (ms)':<38} {statistics.median(agenda_timings):>12.2f}")
    print(f"{'agenda with names p95 (ms)':<38} {quantile95(agenda_timings):>12.2f}")
    print(f"{'erasures (meetings cancelled)':<38} {f'{len(left)} ({sum(left)})':>12}")
    print(f"{'one erasure, mean (ms)':<38} {leave_ms:>12.2f}")
    return not doubled and not errors and placed + no_slot == len(requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a fifth of the day, for development")
    arguments = parser.parse_args()
    if not asyncio.run(run(QUICK if arguments.quick else FULL)):
        raise SystemExit("double booking or errors")


if __name__ == "__main__":
    main()
