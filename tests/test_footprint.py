"""The running bot's memory: libraries only some staff tools need load only when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Spreadsheet, chart and PDF libraries (with Pillow and numpy) weigh some 60 MB: loaded when a
# staff tool or a certificate needs them.
HEAVY = ("openpyxl", "xlsxwriter", "PIL", "matplotlib", "numpy", "fpdf", "fontTools")


def test_the_running_bot_does_not_load_spreadsheet_or_chart_libraries() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.app, bot.cli, bot.devtools.demo; "
            f"print(' '.join(name for name in {HEAVY!r} if name in sys.modules))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == []
