"""Benchmark: an attendance list at the largest size staff may send, against a full registry.

Run: .venv/bin/python benchmarks/bench_participants.py [--quick]
A 2,000-row list (the most one file may hold) as XLSX and as a Windows-1254 CSV, checked against
the demo registry grown to 2,000 companies: the preview (reading every cell, matching each
company name to the registry: half written as the registry has it, a third typed with a typo and
without Turkish letters) and adding everyone in one transaction. Targets: the preview in
under 2 s, so staff are not kept waiting at the door; adding in under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook

from bot.app import prepare_storage
from bot.context import Services
from bot.devtools.history import FIRST_NAMES, LAST_NAMES, HistorySize, add_history
from bot.domain.attendance_list import ROW_LIMIT, match_companies, read_attendance_list
from bot.domain.profile import company_key, fold_turkish
from bot.settings import load_settings
from storage.staff_added import IMPORT, NewParticipant

COMPANIES = 2_000
RUNS = 5
HEADER = ["Ad Soyad", "Firma", "Telefon", "E-posta", "Katıldı"]


def _typo(name: str, rng: random.Random) -> str:
    typed = " ".join(fold_turkish(name).split()[:2])
    at = rng.randrange(1, max(len(typed) - 1, 2))
    return typed[:at] + typed[at + 1 :]


def _rows(count: int, company_names: list[str], rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    for n in range(count):
        # Half as the registry writes it, some as people type it (a typo, no Turkish letters).
        draw = rng.random()
        company = rng.choice(company_names)
        if draw < 0.3:
            company = _typo(company, rng)
        elif draw >= 0.8:
            company = "Bireysel"
        rows.append(
            [
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                company,
                f"0532 {n % 1000:03d} {n % 100:02d} {n % 97:02d}",
                f"kisi{n}@ornek.example",
                "evet" if rng.random() < 0.8 else "",
            ]
        )
    return rows


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[object]]) -> bytes:
    lines = [";".join(HEADER)] + [";".join(str(cell) for cell in row) for row in rows]
    return "\n".join(lines).encode("cp1254")


async def main(quick: bool) -> None:
    count = ROW_LIMIT // (10 if quick else 1)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"DATABASE_PATH": str(Path(folder) / "bench.sqlite3")}, None)
        services = Services.create(settings)
        await prepare_storage(services)
        extra = COMPANIES - await services.companies.count()
        await add_history(services, datetime.now(UTC), HistorySize(4, 50, 100, extra))
        companies = await services.companies.all()
        names = [company.name for company in companies]
        rows = _rows(count, names, rng)
        files = {
            "XLSX": ("liste.xlsx", _xlsx(rows)),
            "CSV (Windows-1254)": ("liste.csv", _csv(rows)),
        }
        table = []
        for label, (filename, content) in files.items():
            timings = []
            matched = 0
            for _ in range(RUNS):
                started = time.perf_counter()
                found = read_attendance_list(content, filename)
                typed = [p.company for p in found.participants if p.company]
                matches = match_companies(await services.companies.all(), typed)
                matched = sum(1 for name in typed if matches[name] is not None)
                timings.append(time.perf_counter() - started)
            assert not found.problems and len(found.participants) == count, found.problems[:3]
            table.append((f"preview {label}", statistics.median(timings), matched))
        event_id = services.catalogue.events[0].id
        participants = [
            NewParticipant(
                full_name=p.full_name,
                company_name=p.company,
                company_key=company_key(p.company) if p.company else None,
                phone=p.phone,
                email=p.email,
                present=p.present,
            )
            for p in read_attendance_list(files["XLSX"][1], files["XLSX"][0]).participants
        ]
        started = time.perf_counter()
        added = await services.staff_added.add(event_id, participants, 1, IMPORT, datetime.now(UTC))
        adding = time.perf_counter() - started
        assert len(added) == count
        table.append(("add in one transaction", adding, len(added)))
        await services.database.close()
    print(f"Attendance list of {count:,} rows, registry of {COMPANIES:,} companies")
    print(f"{'step':<32}{'seconds':>10}{'rows':>10}")
    for step, seconds, rows_counted in table:
        print(f"{step:<32}{seconds:>10.3f}{rows_counted:>10,}")
    print(f"targets: preview < 2 s, adding < 1 s ({'met' if _met(table) else 'MISSED'})")


def _met(table: list[tuple[str, float, int]]) -> bool:
    previews = [seconds for step, seconds, _ in table if step.startswith("preview")]
    adding = [seconds for step, seconds, _ in table if step.startswith("add")]
    return max(previews) < 2 and max(adding) < 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows")
    asyncio.run(main(parser.parse_args().quick))
