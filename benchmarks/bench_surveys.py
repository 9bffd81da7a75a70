"""Benchmark: 2,000 members answering a 20-question survey at once, then the staff summary.

Run: .venv/bin/python benchmarks/bench_surveys.py [--quick]
Each member goes the way the form engine takes them: the form opened, every answer written with
the move to the next step (the form row and the draft), then the submission (answers, finisher,
draft dropped, form closed), all members concurrently on one database. Every answer must be
stored and none lost; the staff summary of the round (response rate and every question's
distribution) must take under a second.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.survey_results import round_results
from bot.domain.surveys import BASE, SURVEY_KEY, as_steps, submitted_answers
from storage.catalogue import CatalogueRepository, utc_text
from storage.content import (
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
)
from storage.database import Database
from storage.forms import FormRepository
from storage.questions import CHOICE, NUMBER, PERCENTAGE, SCALE, Question
from storage.survey_definitions import Survey
from storage.surveys import SurveyRepository

MEMBERS = 2_000
QUESTIONS = 20
SUMMARY_LIMIT = 1.0  # seconds


def _questions() -> list[dict[str, Any]]:
    """Return twenty questions of every kind a survey asks."""
    found: list[dict[str, Any]] = []
    for number in range(QUESTIONS):
        text = {"tr": f"Soru {number + 1}?", "en": f"Question {number + 1}?"}
        kind = ("choice", "scale", "number", "percentage", "text")[number % 5]
        question: dict[str, Any] = {"id": f"q{number + 1}", "type": kind, "text": text}
        if kind == "choice":
            question["choices"] = [
                {"id": f"c{c}", "label": {"tr": f"Seçenek {c}", "en": f"Choice {c}"}}
                for c in range(1, 5)
            ]
        if kind == "scale":
            question.update(min=0, max=10)
        if kind == "number":
            question.update(min=0, decimal=True)
        found.append(question)
    return found


def _answer(question: Question, rng: random.Random) -> object:
    if question.type == CHOICE:
        return rng.choice(question.choices).id
    if question.type == SCALE:
        return rng.randint(0, 10)
    if question.type == NUMBER:
        return round(rng.uniform(0, 2_000_000), 2)
    if question.type == PERCENTAGE:
        return round(rng.uniform(0, 100), 1)
    return f"yanıt {rng.randint(1, 10_000)}"


async def _prepare(database: Database) -> Survey:
    document = catalogue_to_document(load_catalogue(bundled_content_path()))
    document["surveys"].append(
        {
            "id": "bench",
            "title": {"tr": "Ölçüm anketi", "en": "Benchmark survey"},
            "intro": {"tr": "Yirmi soru.", "en": "Twenty questions."},
            "anonymous": True,
            "questions": _questions(),
        }
    )
    catalogue = parse_catalogue(document, "bench")
    await CatalogueRepository(database).import_catalogue(catalogue)
    survey = catalogue.survey("bench")
    assert survey is not None
    return survey


async def main(quick: bool) -> None:
    members = MEMBERS // 10 if quick else MEMBERS
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "bench.sqlite3")
        await database.open()
        survey = await _prepare(database)
        now = datetime.now(UTC)
        seen = utc_text(now)
        async with database.transaction() as tx:
            await tx.executemany(
                "INSERT INTO people (id, first_seen_at, last_seen_at) VALUES (?, ?, ?)",
                [(person, seen, seen) for person in range(1, members + 1)],
            )
        surveys = SurveyRepository(database)
        forms = FormRepository(database)
        launched, invited = await surveys.launch(survey, now, None)

        async def answer(person: int) -> bool:
            rng = random.Random(person)
            later = now + timedelta(hours=1)
            answers: dict[str, Any] = {SURVEY_KEY: survey.id, BASE: None}
            first = f"q:{survey.questions[0].id}"
            form = await forms.open(person, person, "survey", first, answers, None, now, later)
            for index, question in enumerate(survey.questions):
                answers[f"q:{question.id}"] = _answer(question, rng)
                following = survey.questions[index + 1].id if index + 1 < QUESTIONS else "review"
                step = f"q:{following}" if following != "review" else following
                moved = await forms.move(form, step, answers, now, later)
                assert moved is not None
                form = moved
                await surveys.save_draft(launched.id, person, step, answers, None, now)
            given = submitted_answers(survey, as_steps(_by_id(answers)))
            stored = await surveys.submit(survey, launched.id, person, None, given, now)
            await forms.close(person, revision=form.revision)
            return stored.stored

        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(answer(person) for person in range(1, members + 1)), return_exceptions=True
        )
        elapsed = time.perf_counter() - started
        errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        counts = {}
        for table in ("survey_responses", "survey_answers", "survey_finishers", "survey_drafts"):
            row = await database.fetch_one(f"SELECT COUNT(*) FROM {table}")
            counts[table] = row[0] if row is not None else 0
        open_forms = await database.fetch_one("SELECT COUNT(*) FROM forms")

        summary_started = time.perf_counter()
        tally = await surveys.tally(launched.id)
        by_question = await surveys.answers_by_question(launched.id)
        results = round_results(survey, launched.number, tally, by_question, 10)
        summary = time.perf_counter() - summary_started
        await database.close()
    expected_answers = members * QUESTIONS
    print(f"{'measure':<40} {'value':>12}")
    print("-" * 53)
    print(f"{'members answering at once':<40} {members:>12,}")
    print(f"{'questions each':<40} {QUESTIONS:>12,}")
    print(f"{'invited (audience: everyone)':<40} {invited:>12,}")
    print(f"{'submitted (answers)':<40} {sum(o is True for o in outcomes):>12,}")
    print(f"{'responses stored':<40} {counts['survey_responses']:>12,}")
    print(f"{'answers stored (expected)':<40} {f'{expected_answers:,}':>12}")
    print(f"{'answers stored':<40} {counts['survey_answers']:>12,}")
    print(f"{'finishers':<40} {counts['survey_finishers']:>12,}")
    print(f"{'drafts left':<40} {counts['survey_drafts']:>12,}")
    print(f"{'forms left open':<40} {open_forms[0] if open_forms else 0:>12,}")
    print(f"{'errors':<40} {len(errors):>12,}")
    print(f"{'elapsed, all answering (s)':<40} {elapsed:>12.2f}")
    print(f"{'answers written per second':<40} {expected_answers / elapsed:>12,.0f}")
    print(f"{'staff summary (s)':<40} {summary:>12.3f}")
    print(f"{'questions summarised':<40} {len(results.questions):>12,}")
    lost = (
        counts["survey_answers"] != expected_answers
        or counts["survey_responses"] != members
        or counts["survey_finishers"] != members
        or counts["survey_drafts"]
        or errors
    )
    if lost:
        raise SystemExit("answers lost or left behind")
    if summary >= SUMMARY_LIMIT:
        raise SystemExit(f"the staff summary took {summary:.3f} s, over {SUMMARY_LIMIT} s")


def _by_id(answers: dict[str, Any]) -> dict[str, Any]:
    return {key[2:]: value for key, value in answers.items() if key.startswith("q:")}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the members")
    asyncio.run(main(parser.parse_args().quick))
