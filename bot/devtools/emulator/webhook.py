"""Webhook delivery: updates POSTed one at a time, in order, to the URL set with setWebhook.

Like Telegram, each update carries the secret token in `X-Telegram-Bot-Api-Secret-Token`, is
sent again until the bot answers 2xx (with a growing pause), and leaves the queue only then.
Telegram needs a public https URL; tests and the demo run the bot on a local port, so the
emulator plays the reverse proxy in front of it: `proxy_to` replaces scheme and host.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from bot.devtools.emulator.signals import Signal
from bot.devtools.emulator.state import EmulatorState, Update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY = 0.2
MAX_RETRY = 5.0


@dataclass
class WebhookStats:
    """How deliveries went: answered 2xx, refused (other status), unreachable."""

    delivered: int = 0
    refused: int = 0
    unreachable: int = 0
    statuses: list[int] = field(default_factory=list)


class WebhookDelivery:
    """Delivers queued updates to the webhook while one is set."""

    def __init__(
        self,
        state: EmulatorState,
        updates: Signal,
        deliverable: Callable[[int], list[Update]],
    ) -> None:
        self._state = state
        self._updates = updates
        self._deliverable = deliverable
        self.proxy_to: str | None = None
        self.stats = WebhookStats()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="emulator webhook")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _target(self) -> tuple[str, str | None] | None:
        webhook = self._state.webhook
        if not webhook:
            return None
        url = str(webhook["url"])
        if self.proxy_to is not None:
            local = urlsplit(self.proxy_to)
            parts = urlsplit(url)
            url = urlunsplit((local.scheme, local.netloc, parts.path, parts.query, ""))
        secret = webhook.get("secret_token")
        return url, str(secret) if secret else None

    def _next(self) -> tuple[Update, str, str | None] | None:
        target = self._target()
        if target is None:
            return None
        ready = self._deliverable(1)
        return (ready[0], *target) if ready else None

    async def _run(self) -> None:
        retry = FIRST_RETRY
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            while True:
                with contextlib.suppress(TimeoutError):
                    update, url, secret = await self._updates.wait_until(self._next, 3600)
                    headers = {SECRET_HEADER: secret} if secret else {}
                    if await self._post(session, url, headers, update):
                        retry = FIRST_RETRY
                        # Delivered: Telegram forgets it (unless it was dropped meanwhile).
                        if self._state.updates and self._state.updates[0] is update:
                            self._state.updates.pop(0)
                    else:
                        await asyncio.sleep(retry)
                        retry = min(retry * 2, MAX_RETRY)

    async def _post(
        self, session: aiohttp.ClientSession, url: str, headers: dict[str, str], update: Update
    ) -> bool:
        try:
            async with session.post(url, json=update.to_api(), headers=headers) as response:
                self.stats.statuses.append(response.status)
                if 200 <= response.status < 300:
                    self.stats.delivered += 1
                    return True
                self.stats.refused += 1
                return False
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            self.stats.unreachable += 1
            log.debug("webhook unreachable: %s", error)
            return False
