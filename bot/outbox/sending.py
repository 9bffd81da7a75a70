"""Messages the assistant sends on its own, within Telegram's limits: one shared rate budget.

Every outbox message (reminders, surveys, notices, promotions, broadcasts) goes through one
`Courier`, so together they never exceed `BROADCAST_RATE`. Telegram's limits are honoured
here, whatever else sits under the bot:

1. `RateBudget` paces every bulk message at `BROADCAST_RATE` a second, evenly spaced,
   and lets no more than that many into any one second, counting those still in flight
   by when they were answered. Even spacing alone is not enough at Telegram's own limit: a
   pause (garbage collection, a slow request) wakes the senders waiting for their slots
   together, and that bunch plus the steady stream after it would overflow Telegram's window;
   each 429 then holds everything back and the next bunch overflows again. The window keeps
   a normal run from meeting a 429 at all, even at BROADCAST_RATE=30.
2. A 429 that reaches `Courier.attempt` (straight from Telegram, or after a rate limiter
   under the bot gave up retrying it) pauses the shared budget for `retry_after` (every
   bulk sender waits) and reports `RATE_LIMITED`; the worker puts the message back in line,
   due after `retry_after`, and never drops it. A 429 means nothing was delivered, so
   waiting on it never repeats a message. Replies to people do not pass through here.

Transient failures (5xx, network errors, timeouts) are retried here with exponential backoff,
a bounded number of times. A timeout may hide a message Telegram did deliver: retrying it is
the one way a message can be repeated while the bot runs, and only that message in flight.
A 403 means the person blocked the assistant: they are marked unreachable and not retried.
Any other error (400 and the like) is permanent.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

logger = logging.getLogger(__name__)

# Sending a message is tried this many times when the error is transient.
SEND_ATTEMPTS = 3
# Seconds before the first retry; each further retry waits twice as long.
FIRST_BACKOFF = 0.5


class MessageBot(Protocol):
    """What the courier needs of the bot (PTB's `ExtBot` or a test double)."""

    async def send_message(
        self, chat_id: int | str, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
    ) -> Message: ...


class Outcome(StrEnum):
    """How a send ended."""

    SENT = "sent"
    BLOCKED = "blocked"
    RATE_LIMITED = "rate_limited"
    FAILED = "failed"


@dataclass(frozen=True)
class SendResult:
    """The outcome of one send, with what the caller needs to record it."""

    outcome: Outcome
    message_id: int | None = None
    error: str | None = None
    retry_after: float = 0.0
    attempts: int = 1


class RateBudget:
    """Evenly spaced send slots at `rate` a second, shared by every bulk sender.

    `sending()` adds the window: at most `rate` messages (at least one) per second, a message
    counting from when it starts until a second after it was answered.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("a rate budget needs a positive rate")
        self.rate = rate
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        # The window, like Telegram's: `capacity` messages per `period` (a second, or more
        # below one message a second).
        self._capacity = max(1, math.floor(rate))
        self._period = self._capacity / rate
        self._answered: deque[float] = deque()
        self._in_flight = 0

    async def acquire(self) -> None:
        """Wait for this sender's slot, and past any pause Telegram asked for."""
        now = self._clock()
        slot = max(now, self._next_slot, self._paused_until)
        self._next_slot = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)
        # A pause that began while we waited for our slot still applies to us.
        while (wait := self._paused_until - self._clock()) > 0:
            await self._sleep(wait)

    def pause(self, seconds: float) -> None:
        """Hold every sender back for `seconds` (Telegram's retry_after)."""
        until = self._clock() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next_slot = max(self._next_slot, self._paused_until)

    @asynccontextmanager
    async def sending(self) -> AsyncIterator[None]:
        """Hold one message's place in the window while it is sent (after `acquire`)."""
        while True:
            now = self._clock()
            while self._answered and self._answered[0] <= now - self._period:
                self._answered.popleft()
            if self._in_flight + len(self._answered) < self._capacity:
                break
            # Full: wait for the oldest answer to leave it, or for a message in flight.
            oldest = self._answered[0] + self._period if self._answered else now
            await self._sleep(max(oldest - now, self._period / self._capacity))
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(self._clock())


def retry_after_seconds(error: RetryAfter) -> float:
    """Return a 429's retry_after in seconds, whichever type this PTB version gives."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Courier:
    """Carries one message at a time within the shared budget, retrying what is worth it."""

    def __init__(
        self,
        bot: MessageBot,
        budget: RateBudget,
        on_blocked: Callable[[int], Awaitable[None]],
        *,
        attempts: int = SEND_ATTEMPTS,
        first_backoff: float = FIRST_BACKOFF,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.budget = budget
        self._bot = bot
        self._on_blocked = on_blocked
        self._attempts = attempts
        self._first_backoff = first_backoff
        self._sleep = sleep

    async def send(
        self, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
    ) -> SendResult:
        """Send a text message; never raises for a Telegram or network error."""
        return await self.attempt(
            chat_id, lambda: self._bot.send_message(chat_id, text, reply_markup=reply_markup)
        )

    async def attempt(self, chat_id: int, post: Callable[[], Awaitable[Message]]) -> SendResult:
        """Run `post` (one message to `chat_id`: a text, a photo...) under the same rules.

        `post` is called again for each retry, each time after a slot of the budget.
        """
        attempt = 0
        while True:
            attempt += 1
            await self.budget.acquire()
            try:
                async with self.budget.sending():
                    message = await post()
            except Forbidden as error:
                await self._on_blocked(chat_id)
                return SendResult(Outcome.BLOCKED, error=error.message, attempts=attempt)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                self.budget.pause(seconds)
                return SendResult(
                    Outcome.RATE_LIMITED, error=error.message, retry_after=seconds, attempts=attempt
                )
            except BadRequest as error:  # a NetworkError subclass, but never worth retrying
                return SendResult(Outcome.FAILED, error=error.message, attempts=attempt)
            except NetworkError as error:  # 5xx, connection trouble, timeouts
                if attempt >= self._attempts:
                    return SendResult(Outcome.FAILED, error=error.message, attempts=attempt)
                backoff = self._first_backoff * 2 ** (attempt - 1)
                logger.info("Sending to %s failed (%s); retrying in %.1fs", chat_id, error, backoff)
                await self._sleep(backoff)
            except TelegramError as error:
                return SendResult(Outcome.FAILED, error=error.message, attempts=attempt)
            else:
                return SendResult(Outcome.SENT, message_id=message.message_id, attempts=attempt)
