"""Long polling into the inbox: a batch is stored before the next getUpdates acknowledges it.

PTB's Updater asks for the next batch (and so acknowledges the last one) while the last one is
still waiting in the update queue: a crash then loses it. This loop stores each batch first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.domain.health import Pulse
from bot.outbox.sending import retry_after_seconds

if TYPE_CHECKING:
    from bot.updates.inbox import UpdateInbox

logger = logging.getLogger(__name__)

# Seconds before asking again after a failed getUpdates; doubles up to the maximum.
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0


class Polling:
    """Fetches updates with getUpdates into the inbox, until stopped."""

    def __init__(self, bot: Bot, inbox: UpdateInbox, pulse: Pulse, *, timeout: int = 10) -> None:
        self._bot = bot
        self._inbox = inbox
        self._pulse = pulse
        self._timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._asking = False

    def start(self) -> None:
        """Start polling in the background."""
        self._stopping = False
        self._task = asyncio.create_task(self._poll(), name="polling")

    async def stop(self) -> None:
        """Stop polling; a batch being stored is stored and queued first."""
        self._stopping = True
        task, self._task = self._task, None
        if task is None:
            return
        if self._asking:
            # Nothing is lost by cutting a long poll short: what it would bring is not
            # acknowledged, and Telegram sends it again.
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _poll(self) -> None:
        # Without an offset Telegram sends every update not acknowledged yet: after a crash,
        # the batch that was stored but not acknowledged comes again and the inbox knows it.
        offset = 0
        backoff = FIRST_BACKOFF
        while not self._stopping:
            # Asked, answered or not, is a sign of life for the health report.
            self._pulse.updates_polled_at = datetime.now(UTC)
            self._asking = True
            try:
                updates = await self._bot.get_updates(offset=offset, timeout=self._timeout)
            except InvalidToken:
                logger.critical("Telegram refused the token: polling stops")
                raise
            except RetryAfter as error:
                await asyncio.sleep(retry_after_seconds(error))
                continue
            except (Conflict, NetworkError, TelegramError) as error:
                logger.warning("getUpdates failed (%s); again in %.0f s", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            finally:
                self._asking = False
            backoff = FIRST_BACKOFF
            self._inbox.acknowledged(offset)
            if updates:
                await self._inbox.accept(updates)
                offset = updates[-1].update_id + 1
