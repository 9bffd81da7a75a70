"""Benchmark: a benchmark round's figures read per indicator or in one query, and the report made.

Run: .venv/bin/python benchmarks/bench_benchmark_report.py [--quick]
300 member companies answer the demo benchmark's six indicators. The cluster's figures of the
round are read the old way (one query per indicator) and the new way (one query for the
round), which must return the same figures; then a company's report is computed and its chart
(PNG) and PDF made, as the report button does, in Turkish (timed after a first one, which
pays for importing matplotlib and reading the fonts).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.benchmark_report import PdfText, company_report, report_chart, report_pdf
from bot.screens.surveys import benchmark_lines, chart_words
from bot.screens.texts import Texts
from storage.catalogue import CatalogueRepository, utc_text
from storage.content import bundled_content_path, load_catalogue
from storage.database import Database
from storage.surveys import SurveyRepository

COMPANIES = 300
REPEATS = 200
# The demo's six indicators and the range each company's figure is drawn from.
RANGES = {
    "revenue_per_employee": (400_000.0, 3_000_000.0),
    "export_share": (0.0, 90.0),
    "on_time_delivery": (60.0, 100.0),
    "scrap_rate": (0.2, 12.0),
    "training_hours": (1.0, 60.0),
    "rnd_share": (0.0, 8.0),
}


async def _timed(run: object, repeats: int) -> float:
    """Return the median time of `repeats` awaits of `run()`, in milliseconds."""
    assert callable(run)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def main(quick: bool) -> None:
    companies = COMPANIES // 10 if quick else COMPANIES
    repeats = REPEATS // 10 if quick else REPEATS
    catalogue = load_catalogue(bundled_content_path())
    survey = catalogue.survey("benchmark-2027")
    assert survey is not None
    questions = [indicator.question for indicator in survey.indicators]
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "bench.sqlite3")
        await database.open()
        await CatalogueRepository(database).import_catalogue(catalogue)
        now = datetime.now(UTC)
        seen = utc_text(now)
        async with database.transaction() as tx:
            await tx.executemany(
                "INSERT INTO companies (id, name, name_key, sector_id, employees, membership, "
                "created_at, updated_at) VALUES (?, ?, ?, 'machinery', 40, 'member', ?, ?)",
                [(n, f"Firma {n}", f"firma {n}", seen, seen) for n in range(1, companies + 1)],
            )
            await tx.executemany(
                "INSERT INTO people (id, company_id, company_verified, first_seen_at, "
                "last_seen_at) VALUES (?, ?, 1, ?, ?)",
                [(n, n, seen, seen) for n in range(1, companies + 1)],
            )
        surveys = SurveyRepository(database)
        launched, _ = await surveys.launch(survey, now, None)
        rng = random.Random(7)
        for company in range(1, companies + 1):
            answers = {name: round(rng.uniform(*bounds), 2) for name, bounds in RANGES.items()}
            await surveys.submit(survey, launched.id, company, company, answers, now)

        async def per_indicator() -> dict[str, list[object]]:
            return {
                name: list(await surveys.company_figures(launched.id, name, 1))
                for name in questions
            }

        async def one_query() -> dict[str, list[object]]:
            found = await surveys.round_figures(launched.id, questions, 1)
            return {name: list(figures) for name, figures in found.items()}

        same = await per_indicator() == await one_query()
        # Interleaved, so both ways see the same cache and the same machine load.
        old_times, new_times = [], []
        for _ in range(repeats):
            old_times.append(await _timed(per_indicator, 1))
            new_times.append(await _timed(one_query, 1))
        old, new = statistics.median(old_times), statistics.median(new_times)
        figures = await surveys.round_figures(launched.id, questions, 1)
        await database.close()

    texts = Texts(ZoneInfo("Europe/Istanbul"))
    started = time.perf_counter()
    report = company_report(survey, launched.number, figures, 10)
    lines = benchmark_lines(texts, report, "tr")
    computed = (time.perf_counter() - started) * 1000
    report_chart(report, chart_words(texts, report, "tr"))  # matplotlib imported once
    started = time.perf_counter()
    chart = report_chart(report, chart_words(texts, report, "tr"))
    charted = (time.perf_counter() - started) * 1000
    words = PdfText(
        title="Kıyaslama",
        intro="",
        lines=[(line.name, line.plain) for line in lines],
        lagging_title="",
        lagging=[],
        footer="",
    )
    report_pdf(words, chart, now, "Küme")  # the fonts read once per process
    started = time.perf_counter()
    document = report_pdf(words, chart, now, "Küme")
    printed = (time.perf_counter() - started) * 1000

    print(f"{'measure':<48} {'value':>12}")
    print("-" * 61)
    print(f"{'companies answering':<48} {companies:>12,}")
    print(f"{'indicators':<48} {len(questions):>12,}")
    print(f"{'queries per report, one per indicator (before)':<48} {len(questions):>12,}")
    print(f"{'queries per report, one per round (now)':<48} {1:>12,}")
    print(f"{'reading the figures, per indicator (ms)':<48} {old:>12.2f}")
    print(f"{'reading the figures, one query (ms)':<48} {new:>12.2f}")
    print(f"{'same figures both ways':<48} {same!s:>12}")
    print(f"{'report and its lines computed (ms)':<48} {computed:>12.1f}")
    print(f"{'chart made, PNG (ms)':<48} {charted:>12.1f}")
    print(f"{'PDF made (ms)':<48} {printed:>12.1f}")
    print(f"{'PDF size (kB)':<48} {len(document) / 1024:>12.1f}")
    if not same:
        raise SystemExit("the one query returned other figures than one per indicator")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the companies")
    asyncio.run(main(parser.parse_args().quick))
