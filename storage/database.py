"""One aiosqlite connection, its pragmas, numbered migrations and serialised transactions."""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

logger = logging.getLogger(__name__)

Params = tuple[Any, ...] | dict[str, Any]


class DatabaseTooNew(Exception):
    """The database was written by a newer version of the assistant than this one."""

    def __init__(self, path: Path, version: int, latest: int) -> None:
        self.version, self.latest = version, latest
        super().__init__(
            f"the database {path} was written by a newer version of clustem-bot (schema "
            f"{version}; this version knows up to {latest}). It was left untouched: install "
            "the newer version again, or restore a backup made by this one (db restore)."
        )


class Transaction:
    """Statements run inside one `BEGIN IMMEDIATE` ... `COMMIT`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        """Run one statement."""
        return await self._connection.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many rows."""
        await self._connection.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """Return the first row of a query, if any."""
        rows = await self._connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Return every row of a query."""
        return list(await self._connection.execute_fetchall(sql, params))


class Database:
    """The assistant's SQLite file, opened in `post_init` and closed in `post_shutdown`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Called with the database and its version before migrations change a database that
        # holds data (storage.backups takes the copy).
        self.before_migration: Callable[[Database, int], Awaitable[None]] | None = None
        self._connection: aiosqlite.Connection | None = None
        # One connection is shared by every handler: the lock keeps one coroutine's
        # transaction from interleaving with another's statements.
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        """Tell whether the connection is open."""
        return self._connection is not None

    async def open(self, *, migrate: bool = True) -> None:
        """Open the file (creating its folder), set pragmas and apply migrations."""
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA secure_delete = ON",
            "PRAGMA synchronous = NORMAL",
        ):
            await connection.execute(pragma)
        self._connection = connection
        if migrate:
            try:
                await self.migrate()
            except BaseException:
                # A failed upgrade leaves no connection (and no thread) behind.
                await self.close()
                raise

    async def close(self) -> None:
        """Close the connection, if open."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    def _require(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise RuntimeError("the database is not open")
        return self._connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Run a block atomically: committed when it ends, rolled back when it raises."""
        connection = self._require()
        async with self._lock:
            await connection.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(connection)
            except BaseException:
                await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")

    # Reads run the query and fetch its rows in one trip to aiosqlite's thread (execute, fetch
    # and close would be three): each trip costs a thread switch on every update.
    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """Return the first row of a read-only query."""
        connection = self._require()
        async with self._lock:
            rows = await connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Return every row of a read-only query."""
        connection = self._require()
        async with self._lock:
            return list(await connection.execute_fetchall(sql, params))

    # One statement is atomic on its own (the connection autocommits): one trip, where
    # BEGIN, the statement and COMMIT would be three.
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one writing statement on its own; return the rows it changed."""
        connection = self._require()
        async with self._lock:
            cursor = await connection.execute(sql, params)
        return cursor.rowcount

    async def execute_returning(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Run one writing statement on its own; return the rows of its RETURNING clause."""
        connection = self._require()
        async with self._lock:
            return list(await connection.execute_fetchall(sql, params))

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Insert one row on its own; return its rowid."""
        connection = self._require()
        async with self._lock:
            row = await connection.execute_insert(sql, params)
        if row is None:
            raise RuntimeError("the insert gave no rowid")
        return int(row[0])

    async def migrate(self) -> None:
        """Apply the numbered migrations not yet applied; running it twice changes nothing.

        A database written by a newer version is refused untouched. Before migrating a database
        that holds data, a copy is made beside it (`before_migration`), so an upgrade that goes
        wrong can be undone with `clustem-bot db restore`.
        """
        connection = self._require()
        async with connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        current = int(row[0]) if row else 0
        latest = latest_version()
        if current > latest:
            raise DatabaseTooNew(self.path, current, latest)
        pending = [m for m in _migrations() if m[0] > current]
        if pending and current > 0 and self.before_migration is not None:
            logger.warning("Copying the database before migrating it from version %s", current)
            await self.before_migration(self, current)
        for number, name, script in pending:
            logger.info("Applying migration %s", name)
            # executescript commits on its own, so the version bump rides in the same script.
            await connection.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and truncate the log."""
        connection = self._require()
        async with self._lock:
            await connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def copy_to(self, target: sqlite3.Connection) -> None:
        """Copy the database into another connection with SQLite's online backup."""
        connection = self._require()
        async with self._lock:
            await connection.backup(target)

    async def size(self) -> int:
        """Return the database's size in bytes (pages in use and free)."""
        row = await self.fetch_one(
            "SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()"
        )
        return int(row["size"]) if row else 0


def latest_version() -> int:
    """Return the schema version this code migrates to."""
    return max(number for number, _, _ in _migrations())


@functools.cache
def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)
