"""Flood control: replies go at once, each chat is paced after a burst, a 429 pauses all."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter

from bot.flood import PRIVATE_BURST, FloodControl


class Clock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sent: list[tuple[float, str, Any]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def post(limiter: FloodControl, clock: Clock, endpoint: str, chat_id: Any) -> Any:
    async def request(*_: Any) -> bool:
        clock.sent.append((clock.now, endpoint, chat_id))
        return True

    return await limiter.process_request(request, (), {}, endpoint, {"chat_id": chat_id}, None)


async def test_a_burst_to_one_chat_goes_at_once_then_a_message_a_second() -> None:
    clock = Clock()
    limiter = FloodControl(clock=clock, sleep=clock.sleep)
    for _ in range(PRIVATE_BURST + 2):
        await post(limiter, clock, "sendMessage", 42)
    assert [moment for moment, _, _ in clock.sent] == [0.0] * PRIVATE_BURST + [1.0, 2.0]


async def test_other_chats_and_edits_do_not_wait_for_a_busy_chat() -> None:
    clock = Clock()
    limiter = FloodControl(clock=clock, sleep=clock.sleep)
    for _ in range(PRIVATE_BURST):
        await post(limiter, clock, "sendMessage", 42)
    await post(limiter, clock, "editMessageText", 42)
    await post(limiter, clock, "sendMessage", 43)
    assert clock.now == 0.0


async def test_a_chats_waiting_messages_leave_in_the_order_they_were_sent() -> None:
    limiter = FloodControl()
    order: list[int] = []

    async def send(n: int) -> None:
        async def request(*_: Any) -> bool:
            order.append(n)
            return True

        await limiter.process_request(request, (), {}, "sendDocument", {"chat_id": 7}, None)

    # The burst, then one that waits a second.
    await asyncio.gather(*(send(n) for n in range(PRIVATE_BURST + 1)))
    assert order == list(range(PRIVATE_BURST + 1))


async def test_a_429_pauses_every_request_and_the_refused_one_is_sent_after_it() -> None:
    clock = Clock()
    limiter = FloodControl(clock=clock, sleep=clock.sleep)
    refusals = [RetryAfter(timedelta(seconds=3))]

    async def refused_once(*_: Any) -> bool:
        if refusals:
            raise refusals.pop()
        clock.sent.append((clock.now, "sendMessage", 1))
        return True

    assert await limiter.process_request(refused_once, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert clock.sent == [(3.0, "sendMessage", 1)]
    # The pause is over for everyone now; until it was, a request to any chat would have waited.
    await post(limiter, clock, "answerCallbackQuery", None)
    assert clock.sent[-1][0] == 3.0
