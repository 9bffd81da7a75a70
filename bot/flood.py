"""Telegram's flood limits for every request: per-chat pacing and one shared pause after a 429.

Replies to people go out at once: nothing paces the bot as a whole here, because bulk sending
(reminders, notices, broadcasts, surveys) is already paced within BROADCAST_RATE by the
outbox (bot.outbox.sending). What stays is what Telegram asks of every bot:

- one chat receives about one message a second, after a short burst (a sign-up confirmation,
  its calendar file and its QR code arrive together); a group 20 a minute. Messages to one chat
  wait their turn in the order they were sent;
- a 429 holds every request back for its retry_after; the refused request is then retried, as
  many times as Telegram asks, so a reply is delayed but never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.outbox.sending import retry_after_seconds

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]

# Methods that post a message into a chat; edits, callback answers and chat actions are free.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendVideoNote",
        "sendAnimation",
        "sendSticker",
        "sendContact",
        "sendLocation",
        "sendVenue",
        "sendPoll",
        "sendDice",
        "sendInvoice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
# A private chat: a short burst (quick answers to a form, a confirmation with its calendar file
# and QR code), then one a second.
PRIVATE_BURST = 10
PRIVATE_RATE = 1.0
# A group: 20 messages a minute.
GROUP_BURST = 20
GROUP_RATE = 20 / 60
# Idle chats are forgotten this often (seconds), so the table holds only recent chats.
SWEEP_EVERY = 60.0


class _ChatPace:
    """A token bucket of one chat: `burst` messages at once, then `rate` a second."""

    __slots__ = ("burst", "rate", "tokens", "updated")

    def __init__(self, burst: int, rate: float, now: float) -> None:
        self.burst = burst
        self.rate = rate
        self.tokens = float(burst)
        self.updated = now

    def reserve(self, now: float) -> float:
        """Take a message's place; return how long to wait for it (0: go now).

        Tokens go negative while messages wait, so each later one waits a slot longer: the
        chat's messages leave in the order they asked.
        """
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate) - 1
        self.updated = now
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def idle(self, now: float) -> bool:
        """Tell whether the bucket is full again, so forgetting it changes nothing."""
        return self.tokens + (now - self.updated) * self.rate >= self.burst


class FloodControl(BaseRateLimiter[None]):
    """PTB's rate limiter hook: pace each chat, and pause everything after a 429."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._chats: dict[int | str, _ChatPace] = {}
        self._paused_until = 0.0
        self._next_sweep = 0.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Run one Bot API request once its chat and Telegram allow it."""
        chat_id = data.get("chat_id")
        if endpoint in SEND_METHODS and chat_id is not None:
            wait = self._pace(chat_id).reserve(self._clock())
            if wait > 0:
                await self._sleep(wait)
        while True:
            await self._past_pause()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                logger.info("429 on %s: everything waits %.0f s", endpoint, seconds)
                self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def _past_pause(self) -> None:
        # A pause may grow while we wait (another 429): look again after each wait.
        while True:
            pause = self._paused_until - self._clock()
            if pause <= 0:
                return
            await self._sleep(pause)

    def _pace(self, chat_id: int | str) -> _ChatPace:
        now = self._clock()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY
            self._chats = {key: pace for key, pace in self._chats.items() if not pace.idle(now)}
        pace = self._chats.get(chat_id)
        if pace is None:
            # Negative ids and @usernames are groups and channels.
            group = isinstance(chat_id, str) or chat_id < 0
            pace = _ChatPace(
                GROUP_BURST if group else PRIVATE_BURST, GROUP_RATE if group else PRIVATE_RATE, now
            )
            self._chats[chat_id] = pace
        return pace
