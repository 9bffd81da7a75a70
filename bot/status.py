"""`clustem-bot status`: the health report in the terminal, for the operator on the server."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from telegram import Bot

from bot.context import Services
from bot.domain.health import HealthReport
from bot.health import gather
from bot.settings import Settings

# What each problem or warning means to the person at the terminal.
ADVICE = {
    "database_unreachable": "The database can't be read: check DATABASE_PATH's disk and rights.",
    "outbox_stuck": "Messages due for more than 15 minutes are not going out: see the log.",
    "updates_stalled": "The assistant stopped fetching messages from Telegram: restart it.",
    "telegram_unreachable": "Telegram can't be reached: check the network and BOT_TOKEN.",
    "outbox_behind": "Messages due for more than 15 minutes wait for Telegram: they go out once "
    "it answers.",
    "last_backup_failed": "The last backup failed: check BACKUP_DIR's free space and rights.",
    "no_recent_backup": "No backup in the last 36 hours: is the assistant running?",
    "backups_on_same_disk": (
        "Backups are on the same disk as the database: a failed disk loses both. Copy them off "
        "the machine (docs/deploy.md, 'Copying backups off the server')."
    ),
}


async def print_status(settings: Settings, *, as_json: bool) -> int:
    """Print the health report; return 0 when all is well, 1 when unhealthy or degraded (the
    person at the terminal wants to know either), 2 without a database."""
    if not settings.database_path.is_file():
        print(f"No database at {settings.database_path} yet: run the assistant once first.")
        return 2
    services = Services.create(settings)
    await services.database.open(migrate=False)
    bot = None
    if settings.bot_token is not None:
        bot = Bot(
            settings.bot_token.reveal(),
            base_url=f"{settings.telegram_api_url}/bot",
            base_file_url=f"{settings.telegram_api_url}/file/bot",
        )
    try:
        if bot is not None:
            await bot.initialize()
        report = await gather(services, bot)
    finally:
        if bot is not None:
            await bot.shutdown()
        await services.database.close()
    print(json.dumps(report.to_json(), indent=2) if as_json else _text(report))
    return 1 if report.problems() or report.degraded() else 0


def _text(report: HealthReport) -> str:
    reachable = f"yes (@{report.bot_username})" if report.telegram_reachable else "NO"
    age = report.oldest_pending_age
    backup = "never"
    if report.last_backup_at is not None:
        state = "ok" if report.last_backup_ok else f"FAILED: {report.last_backup_problem}"
        backup = f"{_ago(report.checked_at - report.last_backup_at)} ({state})"
    lines = [
        f"Telegram reachable:   {reachable}",
        f"Last update received: {_moment(report, report.last_update_at)}",
        f"Outbox due now:       {report.outbox_due}"
        + (f" (oldest waiting {_ago(age)})" if age is not None else ""),
        f"Last backup:          {backup}",
        f"Backup folder:        {report.backup_dir}",
        f"Database size:        {report.database_bytes / 1_048_576:.1f} MB",
    ]
    notes = report.problems() + report.degraded() + report.warnings()
    lines += [""] + [f"! {ADVICE[note]}" for note in notes] if notes else ["", "All is well."]
    return "\n".join(lines)


def _moment(report: HealthReport, moment: datetime | None) -> str:
    return "never" if moment is None else f"{_ago(report.checked_at - moment)}"


def _ago(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    if seconds < 172800:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"
