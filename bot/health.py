"""The health report, gathered from the database and Telegram, and the local HTTP endpoint
serving it (`GET /health`: 200 when healthy, 503 with the problems otherwise)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from aiohttp import web
from telegram import Bot
from telegram.error import TelegramError

from bot.context import Services
from bot.domain.health import HealthReport
from storage.backups import same_disk
from storage.health import HealthRepository

logger = logging.getLogger(__name__)

# Seconds a getMe may take before Telegram counts as unreachable.
TELEGRAM_TIMEOUT = 5.0


async def gather(services: Services, bot: Bot | None) -> HealthReport:
    """Return the health report of a running (or stopped) assistant."""
    now = datetime.now(UTC)
    username = None
    if bot is not None:
        try:
            me = await bot.get_me(read_timeout=TELEGRAM_TIMEOUT, connect_timeout=TELEGRAM_TIMEOUT)
            username = me.username
        except TelegramError as error:
            logger.warning("Telegram unreachable for the health check: %s", type(error).__name__)
    health = HealthRepository(services.database)
    backlog = await health.backlog(now)
    backup = await services.operating.last_backup()
    settings = services.settings
    return HealthReport(
        checked_at=now,
        telegram_reachable=username is not None,
        bot_username=username,
        last_update_at=await health.last_update_at(),
        outbox_due=backlog.due,
        outbox_oldest_due_at=backlog.oldest_due_at,
        last_backup_at=backup.made_at if backup else None,
        last_backup_ok=backup.ok if backup else None,
        last_backup_problem=backup.problem if backup else None,
        backup_dir=str(settings.backup_dir),
        backups_on_same_disk=same_disk(settings.backup_dir, settings.database_path),
        database_bytes=await services.database.size(),
    )


class HealthServer:
    """`GET /health` on a local port, for Docker's HEALTHCHECK, systemd or a monitor."""

    def __init__(self, services: Services, bot: Bot) -> None:
        self._services = services
        self._bot = bot
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
        report = await gather(self._services, self._bot)
        return web.Response(
            text=json.dumps(report.to_json()),
            status=503 if report.problems() else 200,
            content_type="application/json",
        )
