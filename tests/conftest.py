"""Fixtures: the emulator, settings pointing at it, and the real application running against it."""

from __future__ import annotations

import asyncio
import copy
import io
import itertools
import logging
import os
import shutil
import ssl
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx._config as httpx_config
import httpx._transports.default as httpx_transport
import pytest

from bot import flood
from bot.app import build_application, prepare_storage, start_application, stop_application
from bot.cli import main
from bot.context import AssistantApplication, Services
from bot.devtools.emulator import BotApiEmulator, Message, User
from bot.settings import Settings, load_settings
from storage.content import catalogue_to_document, parse_catalogue

# PTB 22 warns on every RetryAfter unless told to use timedelta durations; warnings fail tests.
os.environ.setdefault("PTB_TIMEDELTA", "true")

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
STAFF_ID = 700001
_ids = itertools.count(500001)


@pytest.fixture(scope="session", autouse=True)
def _one_tls_context() -> Iterator[None]:
    """Make httpx build its default TLS context once per session instead of per client.

    Each application opens two HTTP clients, and loading the CA bundle for each costs ~20 ms;
    the tests talk plain HTTP to the emulator, so sharing one context changes nothing they see.
    """
    original = httpx_config.create_ssl_context
    shared = original()

    def create_ssl_context(
        verify: ssl.SSLContext | str | bool = True, cert: Any = None, trust_env: bool = True
    ) -> ssl.SSLContext:
        if verify is True and cert is None and trust_env:
            return shared
        return original(verify=verify, cert=cert, trust_env=trust_env)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx_transport, "create_ssl_context", create_ssl_context)
        yield


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a database file prepared once per session: migrated, with the demo catalogue.

    Each test starts from a copy of it, as if the assistant had filled an empty database from
    the bundled demo at its first start (copying a file is much cheaper than the import).
    """
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"

    async def prepare() -> None:
        services = Services.create(load_settings({"DATABASE_PATH": str(path)}, env_file=None))
        await prepare_storage(services)
        await services.database.close()

    asyncio.run(prepare())
    # Closing the last connection checkpoints the write-ahead log into the file itself.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def unpaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a private chat take any number of messages at once (use with usefixtures).

    bot.flood paces a chat to a message a second after a burst of ten (test_flood checks it);
    a test holding a long conversation with one person to check something else would only
    wait for the real clock.
    """
    monkeypatch.setattr(flood, "PRIVATE_BURST", 1_000)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """Return a running Bot API emulator on a free local port."""
    async with BotApiEmulator() as emu:
        yield emu
        # Telegram refuses a second answer to a button press: no update may try one.
        assert not emu.queries_answered_twice(), emu.queries_answered_twice()


MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(tmp_path: Path, emulator: BotApiEmulator) -> MakeSettings:
    """Return a factory of settings pointing at the emulator and a temporary database."""

    def make(**overrides: str) -> Settings:
        env = {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emulator.base_url,
            "DATABASE_PATH": str(tmp_path / "clustem.sqlite3"),
            "STAFF_IDS": str(STAFF_ID),
            "LOG_LEVEL": "WARNING",
        }
        env.update(overrides)
        return load_settings(env, env_file=None)

    return make


@dataclass
class Assistant:
    """The running application with the emulator it talks to."""

    application: AssistantApplication
    emulator: BotApiEmulator

    @property
    def services(self) -> Services:
        return self.application.services

    def person(self, first_name: str = "Ayşe", language: str | None = "tr", **kw: Any) -> Person:
        user = User(id=next(_ids), first_name=first_name, language_code=language, **kw)
        self.emulator.add_user(user)
        return Person(self.emulator, user)

    async def add_event(
        self,
        event_id: str,
        *,
        starts_in: timedelta = timedelta(days=7),
        hours: float = 2,
        **fields: Any,
    ) -> None:
        """Publish an extra event (a copy of the first demo training with these fields)."""
        document = catalogue_to_document(self.services.catalogue)
        event = copy.deepcopy(document["events"][0])
        starts_at = datetime.now(UTC) + starts_in
        event.update(
            id=event_id,
            title={"tr": f"Test etkinliği {event_id}", "en": f"Test event {event_id}"},
            starts_at=starts_at.isoformat(),
            ends_at=(starts_at + timedelta(hours=hours)).isoformat(),
        )
        event.pop("registration_deadline", None)
        event.pop("capacity", None)
        # The first demo event is a training with certificates: a test asks for them itself.
        event.pop("certificate", None)
        event.update(fields)
        document["events"].append(event)
        await self.services.catalogue_store.import_catalogue(parse_catalogue(document, "test"))
        await self.services.reload_catalogue()

    async def fetch(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Return rows of a query on the assistant's database, as dicts."""
        return [dict(row) for row in await self.services.database.fetch_all(sql, params)]


class Person:
    """A Telegram user talking to the assistant through the emulator."""

    def __init__(self, emulator: BotApiEmulator, user: User) -> None:
        self.emulator = emulator
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    async def says(self, text: str, **wait: Any) -> Message:
        """Send a text and return the bot's first answer."""
        await self.emulator.send_message(self.user, text)
        return await self.emulator.wait_for_bot_message(self.user.id, **wait)

    async def press(self, message: Message, button: Any, **wait: Any) -> Message:
        """Press a button and return the message the bot showed or changed in response."""
        await self.emulator.press_button(self.user, message, button)
        return await self.emulator.wait_for_bot_message(self.user.id, **wait)

    async def next_message(self, after: Message, **wait: Any) -> Message:
        """Wait for a bot message sent after `after`."""
        return await self.emulator.wait_for_bot_message(self.user.id, after=after, **wait)

    def last(self) -> Message:
        return self.emulator.last_bot_message(self.user.id)

    def texts(self) -> list[str]:
        return [m.text or m.caption or "" for m in self.emulator.bot_messages(self.user.id)]


# start_assistant(**SETTING_OVERRIDES) starts one more application on the test's database.
StartAssistant = Callable[..., Awaitable[Assistant]]


@pytest.fixture
async def start_assistant(
    emulator: BotApiEmulator, make_settings: MakeSettings, demo_database: Path
) -> AsyncIterator[StartAssistant]:
    """Return a function that starts the real application; every started one is stopped.

    A first start on the demo content begins from a copy of the session's prepared database;
    with CONTENT_FILE set, the assistant fills its empty database from that file itself.
    """
    running: list[AssistantApplication] = []

    async def settled() -> None:
        # PTB marks each fetched update done once its handlers have returned.
        for application in running:
            if application.running:
                await application.update_queue.join()

    emulator.watch_bot(settled)

    async def start(**overrides: str) -> Assistant:
        settings = make_settings(**overrides)
        if settings.content_file is None and not settings.database_path.exists():
            settings.database_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(demo_database, settings.database_path)
        application = build_application(settings)
        await start_application(application, poll_timeout=1)
        running.append(application)
        return Assistant(application, emulator)

    yield start
    for application in reversed(running):
        await stop_application(application)


@pytest.fixture
async def assistant(start_assistant: StartAssistant) -> Assistant:
    """Return the application running on the bundled demo content."""
    return await start_assistant()


@dataclass(frozen=True)
class CliResult:
    """What a command-line run returned and printed."""

    returncode: int
    stdout: str
    stderr: str


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Return a function that runs `clustem-bot ARGS` in this process, in `tmp_path`.

    As from a shell with nothing set but PATH, DATABASE_PATH (tmp_path/db.sqlite3) and the
    `env` given, without paying for a new Python per command; test_demo runs the entry point.
    """
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name != "PATH":
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> CliResult:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        capsys.readouterr()
        try:
            returncode = main(list(args))
        finally:
            # The command configures logging for a process of its own: give pytest's back.
            root.handlers[:] = handlers
            root.setLevel(level)
        out, err = capsys.readouterr()
        return CliResult(returncode, out, err)

    return run
