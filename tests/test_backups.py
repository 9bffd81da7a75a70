"""Keeping the data: nightly verified backups pruned after BACKUP_KEEP days, a failure told to
the admins in Telegram, `db restore` with a confirmation refusing what is not a backup of this
schema, a copy before every migration, and a database from a newer version left untouched."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import storage.database
from storage.backups import backup_name, check_backup, copy_before_migration, list_backups
from storage.database import Database, latest_version
from tests.conftest import STAFF_ID, Cli, StartAssistant
from tests.test_staff_events import staff_member


async def test_the_nightly_backup_is_verified_and_old_ones_pruned(
    start_assistant: StartAssistant, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    assistant = await start_assistant(BACKUP_DIR=str(folder), BACKUP_KEEP="7")
    [job] = assistant.application.job_queue.get_jobs_by_name("backup")  # type: ignore[union-attr]
    local = job.next_t.astimezone(assistant.services.settings.timezone)  # type: ignore[union-attr]
    assert (local.hour, local.minute) == (3, 30)
    # Backups of earlier nights: one older than BACKUP_KEEP, one within it.
    now = datetime.now(UTC)
    folder.mkdir()
    stale = folder / backup_name(now - timedelta(days=9))
    recent = folder / backup_name(now - timedelta(days=2))
    for path in (stale, recent):
        shutil.copyfile(assistant.services.settings.database_path, path)
    await assistant.person("Ayşe").says("/start")

    await job.run(assistant.application)

    backups = list_backups(folder)
    assert [b.path for b in backups][1:] == [recent]
    assert not stale.exists()
    check = check_backup(backups[0].path)
    assert check.version == latest_version() and check.people == 1
    [state] = await assistant.fetch("SELECT value FROM operating_state WHERE name = 'last_backup'")
    assert state["value"].startswith("ok|")


async def test_a_failed_backup_is_told_to_the_admins(
    start_assistant: StartAssistant, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    assistant = await start_assistant(BACKUP_DIR=str(folder))
    elif_ = staff_member(assistant)
    await elif_.says("/start")
    folder.write_text("a file where the folder should be")
    [job] = assistant.application.job_queue.get_jobs_by_name("backup")  # type: ignore[union-attr]
    await job.run(assistant.application)
    notice = await assistant.emulator.wait_for_bot_message(STAFF_ID, contains="Yedekleme")
    assert "başarısız" in notice.content and str(folder) in notice.content
    [state] = await assistant.fetch("SELECT value FROM operating_state WHERE name = 'last_backup'")
    assert state["value"].startswith("failed|")


def make_database(path: Path, people: int) -> None:
    """Create (or open) a database at `path` and add this many people to it."""
    asyncio.run(_add_people(path, people))


async def _add_people(path: Path, people: int) -> None:
    database = Database(path)
    await database.open()
    try:
        for _ in range(people):
            await database.execute(
                "INSERT INTO people (id, first_seen_at, last_seen_at) "
                "SELECT COALESCE(MAX(id), 9000) + 1, ?, ? FROM people",
                ("2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            )
    finally:
        await database.close()


def people(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM people").fetchone()[0])


def test_restore_asks_first_and_keeps_the_replaced_database(cli: Cli, tmp_path: Path) -> None:
    make_database(tmp_path / "db.sqlite3", people=3)
    assert cli("db", "backup", str(tmp_path / "saved.sqlite3")).returncode == 0
    make_database(tmp_path / "db.sqlite3", people=5)  # 3 + 5 more since the backup
    assert people(tmp_path / "db.sqlite3") == 8

    declined = cli("db", "restore", "saved.sqlite3", stdin="no\n")
    assert declined.returncode == 1 and "Nothing was changed" in declined.stdout
    assert "3 people" in declined.stdout and "8 people" in declined.stdout
    assert people(tmp_path / "db.sqlite3") == 8

    done = cli("db", "restore", "saved.sqlite3", stdin="yes\n")
    assert done.returncode == 0, done.stderr
    assert people(tmp_path / "db.sqlite3") == 3
    [kept] = list_backups(tmp_path / "backups")
    assert "before-restore" in kept.path.name and people(kept.path) == 8


def test_restore_refuses_what_is_not_a_backup_of_this_schema(cli: Cli, tmp_path: Path) -> None:
    make_database(tmp_path / "db.sqlite3", people=2)
    (tmp_path / "notes.txt").write_text("not a database")
    with sqlite3.connect(tmp_path / "other.sqlite3") as other:
        other.execute("CREATE TABLE things (id INTEGER)")
    shutil.copyfile(tmp_path / "db.sqlite3", tmp_path / "newer.sqlite3")
    with sqlite3.connect(tmp_path / "newer.sqlite3") as newer:
        newer.execute(f"PRAGMA user_version = {latest_version() + 1}")
    for name, reason in (
        ("notes.txt", "not an SQLite database"),
        ("other.sqlite3", "not a database of this assistant"),
        ("newer.sqlite3", "newer version"),
        ("missing.sqlite3", "no file"),
    ):
        result = cli("db", "restore", name, "--yes")
        assert result.returncode == 2 and reason in result.stderr, (name, result.stderr)
    assert people(tmp_path / "db.sqlite3") == 2


async def test_a_copy_is_made_before_a_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.sqlite3"
    every = storage.database._migrations()
    # A database of the previous version: every migration but the last.
    with monkeypatch.context() as older:
        older.setattr(storage.database, "_migrations", lambda: every[:-1])
        await _add_people(path, people=4)
    database = Database(path)
    database.before_migration = copy_before_migration(tmp_path / "backups")
    await database.open()
    await database.close()
    [copy] = list_backups(tmp_path / "backups")
    assert f"before-migration-from-{latest_version() - 1}" in copy.path.name
    assert check_backup(copy.path).version == latest_version() - 1 and people(copy.path) == 4


def test_a_database_from_a_newer_version_is_refused_untouched(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    make_database(path, people=1)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {latest_version() + 3}")
    before = path.read_bytes()
    result = cli("db", "backup", "copy.sqlite3")
    assert result.returncode == 2
    assert "newer version of clustem-bot" in result.stderr
    assert f"schema {latest_version() + 3}" in result.stderr
    assert path.read_bytes() == before
