"""Updates stored before Telegram is told they arrived, handled from the store, marked once.

Whatever brings updates (polling, or the webhook) hands each batch to `accept` and only
then acknowledges it to Telegram (the next getUpdates offset; the webhook's 200). `accept`
stores the batch in one statement and queues the updates not stored before; the update
processor reports each one handled, and the marks are written in batches: one write carries
every update handled while the previous write ran. At start, `open` queues what a crash
left unhandled, in arrival order. So delivery is at least once, and the update_id keeps a
handled update from being handled again; an update whose reply went out in the instant before
its mark was written is the one that can be answered twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from telegram import Bot, Update

from bot.domain.health import Pulse
from bot.updates.polling import Polling
from bot.updates.webhook import Webhook
from storage.inbox import ArrivedUpdate, InboxRepository

logger = logging.getLogger(__name__)

# Handled updates stay this long (people's messages: as short as is useful), then are pruned.
KEEP_HANDLED = timedelta(minutes=10)
# Pruning runs at most this often (seconds).
PRUNE_EVERY = 60.0


class UpdateInbox:
    """The assistant's inbox of updates, between Telegram and the update queue."""

    def __init__(self, repository: InboxRepository, pulse: Pulse) -> None:
        self._repository = repository
        self._pulse = pulse
        self._bot: Bot | None = None
        self._queue: asyncio.Queue[object] | None = None
        self._handled: list[int] = []
        self._writing: asyncio.Task[None] | None = None
        self._acknowledged_below = 0
        self._next_prune = 0.0
        self._polling: Polling | None = None
        self._webhook: Webhook | None = None

    async def open(self, bot: Bot, queue: asyncio.Queue[object]) -> int:
        """Queue what was stored and not handled before (a crash); return how many."""
        self._bot, self._queue = bot, queue
        self._acknowledged_below = 0
        left = await self._repository.unhandled()
        for arrived in left:
            update = Update.de_json(json.loads(arrived.payload), bot)
            queue.put_nowait(update)
        if left:
            logger.info("Handling %d updates a stop left unhandled", len(left))
        return len(left)

    async def accept(self, updates: Sequence[Update]) -> None:
        """Store a batch, then queue the updates not seen before. Acknowledge it only after."""
        if self._queue is None:
            raise RuntimeError("the inbox is not open")
        arrived = [
            ArrivedUpdate(
                update.update_id,
                update.effective_user.id if update.effective_user is not None else None,
                update.to_json(),
            )
            for update in updates
        ]
        new = await self._repository.store(arrived)
        for update in updates:
            if update.update_id in new:
                self._queue.put_nowait(update)

    async def start_polling(self, *, poll_seconds: int) -> None:
        """Fetch updates with long polling (getUpdates) from now on."""
        if self._bot is None:
            raise RuntimeError("the inbox is not open")
        # A webhook left from webhook mode would refuse getUpdates; its updates stay queued.
        await self._bot.delete_webhook(drop_pending_updates=False)
        self._polling = Polling(self._bot, self, self._pulse, timeout=poll_seconds)
        self._polling.start()

    async def start_webhook(self, url: str, secret: str, host: str, port: int) -> int:
        """Receive updates by webhook from now on; return the port listened on."""
        if self._bot is None:
            raise RuntimeError("the inbox is not open")
        self._webhook = Webhook(self._bot, self, url, secret)
        return await self._webhook.start(host, port)

    async def stop_fetching(self) -> None:
        """Stop fetching updates; a batch being stored is stored and queued first."""
        polling, self._polling = self._polling, None
        if polling is not None:
            await polling.stop()
        webhook, self._webhook = self._webhook, None
        if webhook is not None:
            await webhook.stop()

    def acknowledged(self, below: int) -> None:
        """Note that Telegram was told of every update below this id: it won't send them again."""
        self._acknowledged_below = max(self._acknowledged_below, below)

    def handled(self, update: object) -> None:
        """Note an update as handled; the mark is written soon, with others."""
        if not isinstance(update, Update):
            return
        self._handled.append(update.update_id)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_marks(), name="inbox marks")

    async def close(self) -> None:
        """Write the marks not written yet (after the last update, before the database closes)."""
        await self.stop_fetching()
        if self._writing is not None:
            await self._writing
        await self._write_marks()
        self._queue = None

    async def _write_marks(self) -> None:
        while self._handled:
            batch, self._handled = self._handled, []
            try:
                await self._repository.mark_handled(batch)
            except Exception:
                # Unmarked updates are handled again after a restart: at least once still holds.
                logger.exception("Could not mark %d updates handled", len(batch))
                return
        now = time.monotonic()
        if now >= self._next_prune and self._acknowledged_below:
            self._next_prune = now + PRUNE_EVERY
            try:
                await self._repository.prune(
                    datetime.now(UTC) - KEEP_HANDLED, self._acknowledged_below
                )
            except Exception:
                logger.exception("Could not prune the inbox")
