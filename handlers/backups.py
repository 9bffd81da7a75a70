"""The nightly backup: made, verified and pruned at night in the cluster's time zone; a failure
is told to every admin in Telegram, since nobody reads a server's log until it is too late."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time

from bot.context import AssistantApplication, AssistantContext, Services
from storage.backups import BackupError, backup_name, make_backup, prune_backups
from storage.outbox import queue_staff_notice

logger = logging.getLogger(__name__)

# Local time of the nightly backup: the quietest hour of a cluster's office.
BACKUP_AT = time(3, 30)


async def back_up(services: Services, now: datetime | None = None) -> bool:
    """Make one backup into BACKUP_DIR and prune old ones; tell admins when it fails."""
    settings = services.settings
    moment = now or datetime.now(UTC)
    target = settings.backup_dir / backup_name(moment)
    try:
        check = await make_backup(services.database, target)
        pruned = prune_backups(settings.backup_dir, settings.backup_keep, moment)
    except (BackupError, OSError) as error:
        logger.error("Backup failed: %s", error)
        await services.operating.record_backup(str(target), problem=str(error))
        payload = {
            "about": "backup_failed",
            "problem": str(error)[:300],
            "folder": str(settings.backup_dir),
        }
        admins = await services.admin_ids()
        async with services.database.transaction() as tx:
            await queue_staff_notice(tx, admins, payload, moment)
        return False
    await services.operating.record_backup(str(target))
    logger.info(
        "Backup made (schema %s, %s people); %d old ones pruned",
        check.version,
        check.people,
        len(pruned),
    )
    return True


async def _nightly(context: AssistantContext) -> None:
    await back_up(context.services)


def schedule(application: AssistantApplication) -> None:
    """Back up every night at BACKUP_AT in the cluster's time zone."""
    assert application.job_queue is not None
    at = BACKUP_AT.replace(tzinfo=application.services.settings.timezone)
    application.job_queue.run_daily(_nightly, at, name="backup")
