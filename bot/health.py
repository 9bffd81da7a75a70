"""The health report, gathered from the database, Telegram and the running loops, and the local
HTTP endpoint serving it (`GET /health`: 503 with the problems when a restart would mend them,
else 200, saying also what degrades the service: Telegram out of reach, messages behind)."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError

from bot.context import Services
from bot.domain.health import HealthReport
from storage.backups import same_disk
from storage.health import Backlog, HealthRepository
from storage.operating import BackupRecord

logger = logging.getLogger(__name__)

# Seconds a getMe may take before Telegram counts as unreachable, in all: well inside the 8 s
# Docker's check waits, so an outage that leaves connections hanging still gets an answer.
TELEGRAM_TIMEOUT = 3.0
# What reading a database that is gone, locked up or on a failed disk raises.
DATABASE_ERRORS = (sqlite3.Error, OSError, RuntimeError, ValueError)


async def gather(services: Services, bot: Bot | None, now: datetime | None = None) -> HealthReport:
    """Return the health report of a running (or stopped) assistant."""
    now = now or datetime.now(UTC)
    username = None
    if bot is not None:
        try:
            me = await asyncio.wait_for(
                bot.get_me(read_timeout=TELEGRAM_TIMEOUT, connect_timeout=TELEGRAM_TIMEOUT),
                TELEGRAM_TIMEOUT,
            )
            username = me.username
        except (TelegramError, TimeoutError) as error:
            logger.warning("Telegram unreachable for the health check: %s", type(error).__name__)
    health = HealthRepository(services.database)
    backlog, last_update, size = Backlog(0, None), None, 0
    backup: BackupRecord | None = None
    try:
        backlog = await health.backlog(now)
        last_update = await health.last_update_at()
        backup = await services.operating.last_backup()
        size = await services.database.size()
    except DATABASE_ERRORS as error:
        logger.error("Database unreachable for the health check: %r", error)
        reachable = False
    else:
        reachable = True
    settings = services.settings
    return HealthReport(
        checked_at=now,
        telegram_reachable=username is not None,
        bot_username=username,
        last_update_at=last_update,
        outbox_due=backlog.due,
        outbox_oldest_due_at=backlog.oldest_due_at,
        last_backup_at=backup.made_at if backup else None,
        last_backup_ok=backup.ok if backup else None,
        last_backup_problem=backup.problem if backup else None,
        backup_dir=str(settings.backup_dir),
        backups_on_same_disk=same_disk(settings.backup_dir, settings.database_path),
        database_bytes=size,
        database_reachable=reachable,
        pulse=replace(services.pulse),
    )


class HealthServer:
    """`GET /health` on a local port, for Docker's HEALTHCHECK, systemd or a monitor."""

    def __init__(
        self,
        services: Services,
        bot: Bot,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._services = services
        self._bot = bot
        self._clock = clock
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0: any free port); return the port."""
        app = web.Application()
        app.router.add_get("/health", self._health)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        """Stop listening."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _health(self, request: web.Request) -> web.Response:
        report = await gather(self._services, self._bot, self._clock())
        return web.Response(
            text=json.dumps(report.to_json()),
            status=503 if report.problems() else 200,
            content_type="application/json",
        )
