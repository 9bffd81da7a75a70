"""A broadcast wake-up usable from sync code, so state changes never need a lock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Signal:
    """Waiters re-check their condition every time ``fire`` is called."""

    def __init__(self) -> None:
        # Created lazily so the event binds to the loop that actually waits on it.
        self._event: asyncio.Event | None = None

    def fire(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait_until(self, check: Callable[[], T | None], seconds: float) -> T:
        """Return the first non-None ``check()``; raise TimeoutError after ``seconds``."""
        async with asyncio.timeout(max(seconds, 0.0)):
            while True:
                result = check()
                if result is not None:
                    return result
                if self._event is None:
                    self._event = asyncio.Event()
                await self._event.wait()
