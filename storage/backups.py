"""Backups of the database: made with SQLite's online backup, verified, named, pruned, restored.

A backup is written to a temporary name beside its final one, checked there (`integrity_check`,
the schema version) and only then renamed, so a file with a backup's name is always a whole,
verified copy. Names carry the UTC moment: `clustem-20270115-003000.sqlite3`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.database import Database, latest_version

PREFIX = "clustem-"
SUFFIX = ".sqlite3"
_NAME = re.compile(r"^clustem-(\d{8}-\d{6})(?:-[a-z0-9-]+)?\.sqlite3$")
_STAMP = "%Y%m%d-%H%M%S"
# Tables every database of this assistant has, whatever its version.
_OUR_TABLES = frozenset({"people", "events", "registrations"})


class BackupError(Exception):
    """A backup that could not be made, or a file that is not a usable backup."""


@dataclass(frozen=True)
class BackupFile:
    """A backup in the backup folder."""

    path: Path
    made_at: datetime
    size: int


@dataclass(frozen=True)
class BackupCheck:
    """What a backup file holds: its schema version and a few counts to recognise it by."""

    version: int
    people: int
    events: int
    registrations: int


def backup_name(moment: datetime, label: str | None = None) -> str:
    """Return the file name of a backup made at this moment (`label`: why, if not scheduled)."""
    stamp = moment.astimezone(UTC).strftime(_STAMP)
    return f"{PREFIX}{stamp}{'-' + label if label else ''}{SUFFIX}"


async def make_backup(database: Database, target: Path) -> BackupCheck:
    """Copy the open database to `target` with SQLite's online backup, and verify the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(partial, check_same_thread=False)
        try:
            await database.copy_to(copy)
        finally:
            copy.close()
        check = check_backup(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(str(error)) from error
    finally:
        partial.unlink(missing_ok=True)
    return check


def check_backup(path: Path) -> BackupCheck:
    """Return what a backup holds; raise BackupError when it is damaged or not ours."""
    if not path.is_file():
        raise BackupError(f"no file {path}")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} can't be opened: {error}") from error
    try:
        (result,) = connection.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"{path} is damaged: {result}")
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if not tables >= _OUR_TABLES or version < 1:
            raise BackupError(f"{path} is not a database of this assistant")
        if version > latest_version():
            raise BackupError(
                f"{path} was made by a newer version of clustem-bot (schema {version}, "
                f"this version knows up to {latest_version()})"
            )
        counts = [
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("people", "events", "registrations")
        ]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database ({error})") from error
    finally:
        connection.close()
    return BackupCheck(version, *counts)


def list_backups(folder: Path) -> list[BackupFile]:
    """Return the backups in a folder, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        made_at = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
        found.append(BackupFile(path, made_at, path.stat().st_size))
    return sorted(found, key=lambda backup: backup.made_at, reverse=True)


def prune_backups(folder: Path, keep: timedelta, now: datetime) -> list[Path]:
    """Delete backups older than `keep`, never the newest; return what was deleted."""
    backups = list_backups(folder)
    old = [backup.path for backup in backups[1:] if backup.made_at < now - keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def restore_backup(source: Path, database_path: Path) -> None:
    """Put a checked backup in place of the (closed) database file."""
    check_backup(source)
    staged = database_path.with_name(database_path.name + ".restoring")
    shutil.copyfile(source, staged)
    # The old write-ahead log belongs to the old file: replayed onto the backup it would corrupt it.
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            database_path.with_name(database_path.name + suffix).unlink()
    os.replace(staged, database_path)


def copy_before_migration(folder: Path) -> Callable[[Database, int], Awaitable[None]]:
    """Return the hook that copies a database into `folder` before it is migrated."""

    async def copy(database: Database, version: int) -> None:
        name = backup_name(datetime.now(UTC), f"before-migration-from-{version}")
        await make_backup(database, folder / name)

    return copy


def same_disk(first: Path, second: Path) -> bool:
    """Tell whether two paths (or their nearest existing folders) are on the same device."""

    def device(path: Path) -> int:
        path = path.absolute()
        while not path.exists():
            path = path.parent
        return path.stat().st_dev

    return device(first) == device(second)
