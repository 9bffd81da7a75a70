"""Running it for a year: the local health endpoint and `clustem-bot status` report Telegram,
the last update, the outbox, the last backup and the database size; logs are one JSON object
a line with internal ids only, never the token."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.cli import configure_logging
from bot.context import CURRENT_UPDATE
from bot.domain.health import HealthReport, Pulse
from bot.health import HealthServer
from bot.outbox.worker import JOB_NAME
from bot.settings import load_settings
from tests.conftest import TOKEN, Assistant, Cli, StartAssistant


async def health(
    assistant: Assistant, clock: Callable[[], datetime] | None = None
) -> tuple[int, dict[str, object]]:
    bot = assistant.application.bot
    server = HealthServer(assistant.services, bot, *([clock] if clock else []))
    port = await server.start("127.0.0.1", 0)
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/health") as response,
        ):
            return response.status, await response.json()
    finally:
        await server.stop()


async def test_the_health_endpoint_reports_what_an_operator_checks(
    start_assistant: StartAssistant, tmp_path: Path
) -> None:
    assistant = await start_assistant(BACKUP_DIR=str(tmp_path / "backups"))
    status, report = await health(assistant)
    assert status == 200 and report["healthy"] is True
    assert report["telegram_reachable"] is True
    assert report["bot_username"] == assistant.emulator.bot_username
    assert report["last_update_at"] is None and report["outbox_due"] == 0
    assert "no_recent_backup" in report["warnings"]  # type: ignore[operator]
    # tmp_path holds both: the backups would go down with the database's disk.
    assert "backups_on_same_disk" in report["warnings"]  # type: ignore[operator]
    assert isinstance(report["database_bytes"], int) and report["database_bytes"] > 10_000

    await assistant.person("Ayşe").says("/start")
    [job] = assistant.application.job_queue.get_jobs_by_name("backup")  # type: ignore[union-attr]
    await job.run(assistant.application)
    _, report = await health(assistant)
    assert report["last_update_at"] is not None
    assert report["last_backup_ok"] is True
    assert "no_recent_backup" not in report["warnings"]  # type: ignore[operator]


async def test_a_telegram_outage_degrades_it_without_a_restart(assistant: Assistant) -> None:
    assistant.emulator.inject_error("getMe", 502, "Bad Gateway")
    status, report = await health(assistant)
    # Restarting would not bring Telegram back: Docker must leave the assistant running.
    assert status == 200 and report["healthy"] is True
    assert report["problems"] == [] and report["degraded"] == ["telegram_unreachable"]
    assert report["telegram_reachable"] is False and report["database_reachable"] is True
    status, report = await health(assistant)
    assert status == 200 and report["degraded"] == []


async def test_a_database_out_of_reach_makes_it_unhealthy(assistant: Assistant) -> None:
    database = assistant.services.database
    await database.close()
    try:
        status, report = await health(assistant)
    finally:
        await database.open()
    assert status == 503 and report["problems"] == ["database_unreachable"]
    assert report["database_reachable"] is False and report["telegram_reachable"] is True
    status, report = await health(assistant)
    assert status == 200 and report["database_bytes"] > 10_000  # type: ignore[operator]


async def test_loops_that_stopped_going_round_make_it_unhealthy(assistant: Assistant) -> None:
    await assistant.person("Ayşe").says("/start")  # the polling went round
    job_queue = assistant.application.job_queue
    assert job_queue is not None
    [sweep] = job_queue.get_jobs_by_name(JOB_NAME)
    await sweep.run(assistant.application)  # and the outbox worker
    status, report = await health(assistant)
    assert status == 200
    assert report["outbox_swept_at"] is not None and report["updates_polled_at"] is not None
    job_queue.scheduler.pause()  # the outbox worker's sweep stops going round
    try:
        # Six minutes on, neither the sweep nor the polling went round since.
        later = datetime.now(UTC) + timedelta(minutes=6)
        status, report = await health(assistant, lambda: later)
    finally:
        job_queue.scheduler.resume()
    assert status == 503 and report["problems"] == ["outbox_stuck", "updates_stalled"]


def _report(**figures: object) -> HealthReport:
    now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    values: dict[str, object] = {
        "checked_at": now,
        "telegram_reachable": True,
        "bot_username": "kume_bot",
        "last_update_at": None,
        "outbox_due": 0,
        "outbox_oldest_due_at": None,
        "last_backup_at": now,
        "last_backup_ok": True,
        "last_backup_problem": None,
        "backup_dir": "/backups",
        "backups_on_same_disk": False,
        "database_bytes": 1,
    }
    values.update(figures)
    return HealthReport(**values)  # type: ignore[arg-type]


NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
LONG_DUE = {"outbox_due": 3, "outbox_oldest_due_at": NOW - timedelta(minutes=20)}
FRESH = Pulse(NOW - timedelta(seconds=2), NOW - timedelta(seconds=5))


@pytest.mark.parametrize(
    ("figures", "problems", "degraded"),
    [
        ({"pulse": FRESH}, [], []),
        ({"telegram_reachable": False, "pulse": FRESH}, [], ["telegram_unreachable"]),
        # Messages long due while the worker goes round: behind an outage, not stuck.
        ({**LONG_DUE, "pulse": FRESH}, [], ["outbox_behind"]),
        ({**LONG_DUE, "pulse": Pulse(NOW - timedelta(minutes=6))}, ["outbox_stuck"], []),
        ({"pulse": Pulse(None, NOW - timedelta(minutes=6))}, ["updates_stalled"], []),
        ({"database_reachable": False}, ["database_unreachable"], []),
        # `status`, from outside the running assistant, knows no pulse: the backlog says it.
        (LONG_DUE, ["outbox_stuck"], []),
        ({**LONG_DUE, "telegram_reachable": False}, [], ["telegram_unreachable", "outbox_behind"]),
    ],
)
def test_only_what_a_restart_mends_is_a_problem(
    figures: dict[str, object], problems: list[str], degraded: list[str]
) -> None:
    report = _report(**figures)
    assert report.problems() == problems and report.degraded() == degraded
    assert report.to_json()["healthy"] is (not problems)


def test_status_in_the_terminal(cli: Cli, tmp_path: Path) -> None:
    assert cli("db", "backup", "first.sqlite3").returncode == 2  # no database yet
    missing = cli("status")
    assert missing.returncode == 2 and "run the assistant once" in missing.stdout
    assert cli("content", "export", "content.yaml").returncode == 0  # creates the database
    result = cli("status")
    # Without a token Telegram can't be asked: degraded, said so, and not 0 to the operator.
    assert result.returncode == 1
    assert "Telegram reachable:   NO" in result.stdout
    assert "Last update received: never" in result.stdout
    assert "Database size:" in result.stdout
    assert "same disk as the database" in result.stdout
    as_json = json.loads(cli("status", "--json").stdout)
    assert as_json["outbox_due"] == 0 and as_json["healthy"] is True
    assert as_json["degraded"] == ["telegram_unreachable"]


def test_json_logs_carry_ids_and_never_the_token() -> None:
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    settings = load_settings({"BOT_TOKEN": TOKEN, "LOG_FORMAT": "json"}, env_file=None)
    try:
        configure_logging(settings)
        formatter = root.handlers[0].formatter
        assert formatter is not None
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
        except RuntimeError:
            record = logging.LogRecord(
                "handlers.x", logging.ERROR, __file__, 1, "Could not send to %s", (42,), None
            )
            record.exc_info = sys.exc_info()

        def in_an_update() -> str:
            CURRENT_UPDATE.set((1001, 42))
            return formatter.format(record)

        line = contextvars.copy_context().run(in_an_update)
    finally:
        root.handlers[:], _ = kept
        root.setLevel(kept[1])
    assert "\n" not in line and TOKEN not in line
    entry = json.loads(line)
    assert entry["event"] == "Could not send to 42"
    assert (entry["update_id"], entry["person_id"], entry["level"]) == (1001, 42, "ERROR")
    assert "<token>" in entry["error"]


def test_nonsensical_operation_settings_are_named() -> None:
    from bot.settings import SettingsError

    for name, value in (
        ("LOG_FORMAT", "xml"),
        ("HEALTH_PORT", "http"),
        ("BACKUP_KEEP", "-1"),
        ("WEBHOOK_URL", "http://plain.example.org/hook"),
        ("WEBHOOK_LISTEN", "8443"),
    ):
        with pytest.raises(SettingsError) as raised:
            env = {name: value}
            if name == "WEBHOOK_LISTEN":
                env["WEBHOOK_URL"] = ""
            load_settings(env, env_file=None)
        assert raised.value.setting == name
    with pytest.raises(SettingsError) as raised:
        load_settings({"WEBHOOK_URL": "https://bot.example.org/hook"}, env_file=None)
    assert raised.value.setting == "WEBHOOK_SECRET"
