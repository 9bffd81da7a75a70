"""Driving the outbox by a clock the test moves: no waiting for messages to fall due."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from bot.outbox.sending import Courier, RateBudget
from bot.outbox.worker import JOB_NAME, OutboxWorker
from tests.conftest import Assistant

# Messages a second the test's worker may send: no wait between them worth the name.
UNPACED = 10_000.0


class FakeClock:
    """UTC time that moves only when the test says so."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        """Move to `moment` (never backwards)."""
        assert moment >= self.now, "time only moves forward"
        self.now = moment

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.now += timedelta(seconds=seconds)


def outbox_on(assistant: Assistant, clock: FakeClock) -> OutboxWorker:
    """Pause the application's own sweep; return a worker of its outbox running on `clock`.

    The application started as in production (its startup recovered what a crash left in
    flight); from here on only the test sends, by calling `drain` or `dispatch_batch`.
    Batches are as large as BROADCAST_RATE makes them, but not paced in real time: pacing is
    tested on its own, with a fake clock (tests/test_sending.py).
    """
    application = assistant.application
    assert application.job_queue is not None
    for job in application.job_queue.get_jobs_by_name(JOB_NAME):
        job.enabled = False
    services = assistant.services
    bot = application.bot
    courier = Courier(bot, RateBudget(UNPACED), services.people.mark_unreachable)
    batch_size = max(1, math.ceil(services.settings.broadcast_rate))
    return OutboxWorker(services, courier, bot, batch_size=batch_size, clock=clock)
