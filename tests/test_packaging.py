"""The built wheel carries everything the assistant needs: content, templates, migrations."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs inside the unpacked wheel only (the checkout is not on the path).
PROBE = """
import asyncio, sys, tempfile
from pathlib import Path
import bot, messages, storage
assert str(Path(bot.__file__).parent).startswith(sys.argv[1]), bot.__file__
from storage.content import bundled_content_path, load_catalogue
from bot.screens.texts import Texts
from storage.database import Database
from zoneinfo import ZoneInfo
catalogue = load_catalogue(bundled_content_path())
texts = Texts(ZoneInfo("Europe/Istanbul"))
print(texts.render("tr", "help", contact=catalogue.cluster.contact).splitlines()[0])
print(texts.label("en", "menu_events"))
async def migrate():
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "x.sqlite3")
        await database.open()
        row = await database.fetch_one("PRAGMA user_version")
        await database.close()
        return row[0]
print("migrations", asyncio.run(migrate()))
print("events", len(catalogue.events))
"""


def test_the_wheel_works_without_the_checkout(tmp_path: Path) -> None:
    # Built from a copy: setuptools leaves a build/ folder whose stale files would be reused.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "data"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("clustem_bot-*.whl")
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(unpacked)!r}); " + "exec(" + repr(PROBE) + ")",
            str(unpacked),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "<b>Neler yapabilirim?</b>"
    assert lines[1] == "📅 Events"
    migrations = sorted((ROOT / "storage" / "migrations").glob("*.sql"))
    assert lines[2] == f"migrations {int(migrations[-1].name[:4])}"
    assert lines[3] == "events 12"
