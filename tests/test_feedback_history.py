"""Ratings given before the feedback gained its two questions read the same after the upgrade."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.database import Database, _migrations
from storage.feedback import FeedbackRepository
from storage.impact import EventTurnout, ImpactRepository

# The schema before the feedback gained "what should we do next".
BEFORE = 30


def _old_database(path: Path) -> None:
    """Write a database of schema 30 with two events' ratings and comments."""
    connection = sqlite3.connect(path)
    for number, _, script in _migrations():
        if number <= BEFORE:
            connection.executescript(script)
    connection.execute(f"PRAGMA user_version = {BEFORE}")
    now = datetime.now(UTC)
    for position, (event_id, ratings) in enumerate(
        (("spring-training", [5, 4, 4, 2]), ("autumn-visit", [3, 5, 1]))
    ):
        starts = now - timedelta(days=20 - position)
        connection.execute(
            "INSERT INTO events (id, kind, starts_at, ends_at, position, document, updated_at) "
            "VALUES (?, 'training', ?, ?, ?, '{}', ?)",
            (
                event_id,
                starts.isoformat(),
                (starts + timedelta(hours=3)).isoformat(),
                position,
                now.isoformat(),
            ),
        )
        for index, rating in enumerate(ratings):
            person = connection.execute(
                "INSERT INTO people (first_seen_at, last_seen_at) VALUES (?, ?)",
                (now.isoformat(), now.isoformat()),
            ).lastrowid
            registration = connection.execute(
                "INSERT INTO registrations (event_id, person_id, status, attended, created_at, "
                "queued_at) VALUES (?, ?, 'confirmed', 1, ?, ?)",
                (event_id, person, now.isoformat(), now.isoformat()),
            ).lastrowid
            connection.execute(
                "INSERT INTO feedback (registration_id, event_id, rating, comment, answered_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    registration,
                    event_id,
                    rating,
                    "Çok verimliydi" if index % 2 == 0 else None,
                    now.isoformat(),
                ),
            )
    connection.commit()
    connection.close()


async def _figures(
    database: Database,
) -> tuple[list[EventTurnout], list[tuple[int, float | None, int]]]:
    now = datetime.now(UTC)
    turnouts = await ImpactRepository(database).events(now - timedelta(days=60), now)
    feedback = FeedbackRepository(database)
    summaries = [await feedback.summary(t.event_id) for t in turnouts]
    return turnouts, [(s.answers, s.average, s.comments) for s in summaries]


async def test_old_ratings_give_the_same_satisfaction_figures_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    _old_database(path)

    before = Database(path)
    await before.open(migrate=False)
    figures_before = await _figures(before)
    await before.close()

    after = Database(path)
    await after.open()
    figures_after = await _figures(after)
    [old] = await after.fetch_all(
        "SELECT comment, next_wish FROM feedback WHERE registration_id = 1"
    )
    await after.close()

    turnouts, summaries = figures_before
    assert [t.ratings for t in turnouts] == [(0, 1, 0, 2, 1), (1, 0, 1, 0, 1)]
    assert summaries == [(4, 3.75, 2), (3, 3.0, 2)]
    assert figures_after == figures_before
    assert (old["comment"], old["next_wish"]) == ("Çok verimliydi", None)
