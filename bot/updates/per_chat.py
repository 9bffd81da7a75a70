"""Processing updates concurrently across people but in order for each person.

PTB can process updates one at a time (a slow export then holds up every person) or all
concurrently (two quick messages from one person then race through a conversation before its
state is stored). Serialising per chat gives both: people don't wait for each other, and each
person's own updates are handled in the order they were sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.updates.inbox import UpdateInbox

# How many updates of different chats may run at the same time.
MAX_CONCURRENT_UPDATES = 64


def _queue_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and those of one chat in order.

    Each update handled (or failed in its handler) is reported to the inbox, which marks it.
    """

    def __init__(
        self,
        inbox: UpdateInbox | None = None,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.inbox = inbox
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the update's handling after the earlier updates of the same chat."""
        key = _queue_key(update)
        if key is None:
            await self._handle(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await self._handle(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                # Forget idle chats so the table doesn't grow with every person ever seen.
                del self._waiting[key]
                del self._locks[key]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        except Exception:
            # PTB hands handler errors to the error handler; anything else is not worth a retry.
            self._report(update)
            raise
        self._report(update)

    def _report(self, update: object) -> None:
        if self.inbox is not None:
            self.inbox.handled(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
