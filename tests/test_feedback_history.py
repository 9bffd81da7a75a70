"""Ratings given before the feedback moved onto the survey engine read the same after it.

A database of schema 35 (the `feedback` table, with "most useful" and "what next") is upgraded
through migration 0036, which moves every row into the survey tables and leaves a `feedback`
view: the impact report, the staff statistics, a company's page and the summaries must read
exactly what they read before, and the answers are the survey's own.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage.companies import CompanyRepository
from storage.database import Database, _migrations
from storage.feedback import FeedbackRepository
from storage.impact import ImpactRepository
from storage.stats import StatsRepository

# The schema before the feedback became a survey.
BEFORE = 35
COMPANY = 1


def _old_database(path: Path) -> dict[int, int]:
    """Write a database of schema 35 with two events' ratings and words; return who rated
    (registration -> person)."""
    connection = sqlite3.connect(path)
    for number, _, script in _migrations():
        if number <= BEFORE:
            connection.executescript(script)
    connection.execute(f"PRAGMA user_version = {BEFORE}")
    now = datetime.now(UTC)
    connection.execute(
        "INSERT INTO companies (id, name, name_key, membership, created_at, updated_at) "
        "VALUES (?, 'Hitit Dokuma', 'hitit dokuma', 'member', ?, ?)",
        (COMPANY, now.isoformat(), now.isoformat()),
    )
    raters = {}
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
                "INSERT INTO people (first_seen_at, last_seen_at, company_id) VALUES (?, ?, ?)",
                (now.isoformat(), now.isoformat(), COMPANY if index < 2 else None),
            ).lastrowid
            registration = connection.execute(
                "INSERT INTO registrations (event_id, person_id, status, attended, company_id, "
                "created_at, queued_at) VALUES (?, ?, 'confirmed', 1, ?, ?, ?)",
                (
                    event_id,
                    person,
                    COMPANY if index < 2 else None,
                    now.isoformat(),
                    now.isoformat(),
                ),
            ).lastrowid
            assert registration is not None and person is not None
            raters[registration] = person
            connection.execute(
                "INSERT INTO feedback (registration_id, event_id, rating, comment, next_wish, "
                "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    registration,
                    event_id,
                    rating,
                    f"Çok verimliydi {registration}" if index % 2 == 0 else None,
                    "Bir fabrika ziyareti" if index == 1 else None,
                    (now - timedelta(minutes=registration)).isoformat(timespec="seconds"),
                ),
            )
        # One attendee who never rated: invited, not finished.
        quiet = connection.execute(
            "INSERT INTO people (first_seen_at, last_seen_at) VALUES (?, ?)",
            (now.isoformat(), now.isoformat()),
        ).lastrowid
        connection.execute(
            "INSERT INTO registrations (event_id, person_id, status, attended, created_at, "
            "queued_at) VALUES (?, ?, 'confirmed', 1, ?, ?)",
            (event_id, quiet, now.isoformat(), now.isoformat()),
        )
    connection.commit()
    connection.close()
    return raters


async def _figures(database: Database) -> dict[str, Any]:
    """Return every figure the readers of `feedback` give."""
    now = datetime.now(UTC)
    turnouts = await ImpactRepository(database).events(now - timedelta(days=60), now)
    feedback = FeedbackRepository(database)
    stats = await StatsRepository(database, "tr").impact(now)
    rows = await database.fetch_all(
        "SELECT registration_id, event_id, rating, comment, next_wish, answered_at FROM feedback "
        "ORDER BY registration_id"
    )
    return {
        "turnouts": turnouts,
        "summaries": [await feedback.summary(t.event_id) for t in turnouts],
        "stats": stats,
        "company": await CompanyRepository(database).activity(COMPANY, 10),
        "rows": [dict(row) for row in rows],
    }


async def test_old_feedback_gives_the_same_figures_after_moving_onto_the_survey_engine(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    raters = _old_database(path)

    before = Database(path)
    await before.open(migrate=False)
    figures_before = await _figures(before)
    await before.close()

    after = Database(path)
    await after.open()
    figures_after = await _figures(after)
    [kind] = await after.fetch_all("SELECT type FROM sqlite_master WHERE name = 'feedback'")
    rounds = await after.fetch_all("SELECT * FROM survey_rounds ORDER BY number")
    responses = await after.fetch_all(
        "SELECT id, round_id, person_id, registration_id, submitted_at FROM survey_responses"
    )
    answers = await after.fetch_all("SELECT response_id, question, value FROM survey_answers")
    finishers = await after.fetch_all("SELECT * FROM survey_finishers")
    await after.close()

    assert [t.ratings for t in figures_before["turnouts"]] == [(0, 1, 0, 2, 1), (1, 0, 1, 0, 1)]
    summaries = [(s.answers, s.average, s.comments) for s in figures_before["summaries"]]
    assert summaries == [(4, 3.75, 2), (3, 3.0, 2)]
    assert figures_before["stats"].answers == 7
    assert figures_before["company"].ratings == 4 and figures_before["company"].comments
    assert figures_after == figures_before

    # The table is gone; a view reads the survey tables, where every row now lives.
    assert kind["type"] == "view"
    assert [(r["survey_id"], r["event_id"], r["number"]) for r in rounds] == [
        ("feedback", "spring-training", 1),
        ("feedback", "autumn-visit", 2),
    ]
    assert [r["invited"] for r in rounds] == [5, 4]  # the attendees, the quiet one included
    assert len(responses) == 7 and len(finishers) == 7
    assert {r["registration_id"]: r["person_id"] for r in responses} == raters
    by_response: dict[str, dict[str, Any]] = {}
    for answer in answers:
        by_response.setdefault(answer["response_id"], {})[answer["question"]] = json.loads(
            answer["value"]
        )
    given = {r["registration_id"]: by_response[r["id"]] for r in responses}
    assert given[1] == {"rating": 5, "useful": "Çok verimliydi 1"}
    assert given[2] == {"rating": 4, "next": "Bir fabrika ziyareti"}
    assert given[4] == {"rating": 2}
