"""Benchmark: a batch of certificates of participation, fonts read once against read each time.

Run: .venv/bin/python benchmarks/bench_certificates.py [--quick]
A training's 100 attendees (a tenth with Cyrillic names, which need the whole font) get their
certificates one after another, as the certificates job makes them: first the way fpdf2 does it
when each document reads DejaVu Sans itself (how it was done), then with the fonts read once per
process (bot.domain.printed). Both batches must come out byte for byte the same. Target: under
30 ms of CPU per certificate. `--quick` makes 20.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

import fontTools.subset  # noqa: F401  (imported before timing: both ways use it)
from fpdf import FPDF

from bot.devtools.history import FIRST_NAMES, LAST_NAMES
from bot.domain import certificate_pdf as certificates
from bot.domain.certificate_pdf import CertificateWording
from bot.domain.printed import FONT, STYLES, font_folder

CERTIFICATES = 100
QUICK = 20
TARGET_MS = 30.0
CYRILLIC = ("Дмитрий Иванов", "Ольга Смирнова", "Сергей Кузнецов")


def _read_each_time(
    created: datetime, *, landscape: bool = False, title: str = "", author: str = ""
) -> FPDF:
    """Return an empty document that reads the fonts itself, as every document used to."""
    document = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    for style, filename in STYLES:
        document.add_font(FONT, style, str(font_folder() / filename))
    document.set_title(title)
    document.set_author(author)
    document.set_creator(author)
    document.set_creation_date(created)
    document.set_font(FONT, size=11)
    return document


def _whole_output(document: FPDF) -> bytes:
    """Return the document as fpdf2 writes it, cutting the font it read (how it was done)."""
    return bytes(document.output())


def _wordings(count: int) -> list[CertificateWording]:
    rng = random.Random(7)
    wordings = []
    for number in range(count):
        if number % 10 == 9:
            holder = CYRILLIC[number % len(CYRILLIC)]
        else:
            holder = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        wordings.append(
            CertificateWording(
                "Makine ve Tekstil Kümesi",
                "KATILIM BELGESİ",
                "Bu belge ile",
                holder,
                f"{rng.choice(LAST_NAMES)} Makina San. ve Tic. A.Ş.",
                "12 Mart 2027 tarihinde düzenlenen Yalın Üretim Eğitimi'ne katıldığını "
                "belgeler. Toplam süre: 6 saat.",
                f"Doğrulama kodu: {number:04d}-EFGH-JKMN",
                "Bu belgeyi @kume_asistani_bot'a /verify yazarak doğrulayabilirsiniz.",
                "Düzenlendiği tarih: 13.03.2027",
            )
        )
    return wordings


def _batch(wordings: list[CertificateWording]) -> tuple[list[bytes], float, float, float]:
    """Make every certificate; return them, the first one's CPU ms, CPU and wall ms each."""
    issued = datetime(2027, 3, 13, 9, 0, tzinfo=UTC)
    made, cpu = [], []
    started = time.perf_counter()
    for wording in wordings:
        before = time.process_time()
        made.append(certificates.certificate_pdf(wording, issued))
        cpu.append((time.process_time() - before) * 1000)
    wall = (time.perf_counter() - started) * 1000 / len(wordings)
    return made, cpu[0], statistics.mean(cpu[1:] or cpu), wall


def _as_before(wordings: list[CertificateWording]) -> tuple[list[bytes], float, float, float]:
    """Make the batch with every document reading and cutting the fonts itself."""
    made_with = {name: getattr(certificates, name) for name in ("new_document", "pdf_bytes")}
    setattr(certificates, "new_document", _read_each_time)  # noqa: B010
    setattr(certificates, "pdf_bytes", _whole_output)  # noqa: B010
    try:
        with warnings.catch_warnings():
            # fpdf2 reading a font file itself leaves the file to the garbage collector.
            warnings.simplefilter("ignore", ResourceWarning)
            measured = _batch(wordings)
            gc.collect()
    finally:
        for name, function in made_with.items():
            setattr(certificates, name, function)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} certificates")
    count = QUICK if parser.parse_args().quick else CERTIFICATES
    wordings = _wordings(count)
    # Fonts read once first, so its first certificate is the one that reads them.
    now = _batch(wordings)
    before = _as_before(wordings)
    same = before[0] == now[0]
    print(f"A batch of {count} certificates (A4 PDF, DejaVu Sans regular and bold)")
    print(f"{'fonts':<24}{'first (CPU ms)':>16}{'each (CPU ms)':>15}{'each (wall ms)':>16}")
    for label, (_, first, each, wall) in (("read for each (before)", before), ("read once", now)):
        print(f"{label:<24}{first:>16.1f}{each:>15.1f}{wall:>16.1f}")
    kilobytes = statistics.mean(len(content) for content in now[0]) / 1024
    print(f"same PDFs, byte for byte: {'yes' if same else 'NO'}; {kilobytes:.1f} KB each")
    met = same and now[2] < TARGET_MS
    print(f"target: under {TARGET_MS:.0f} ms of CPU each ({'met' if met else 'MISSED'})")
    if not same:
        raise SystemExit("the certificates differ from those made reading the fonts each time")


if __name__ == "__main__":
    main()
