"""The outbox worker: one JobQueue job that sends the outbox's due messages, exactly once.

Every `SWEEP_INTERVAL` the job claims due rows of the one outbox (pending -> sending in one
transaction, a batch of about one second's worth of the rate budget), has each written by
its kind's composer (bot.outbox.kinds) in the person's language, sends it through the shared
`Courier`, and records the outcome right after the send. Nothing is kept in the scheduler's
memory: the job only ever reads the table, so a restart simply carries on.

At most in flight: a row is claimed by one run only and is marked the moment its send
returns, so a crash can repeat only the messages whose request was under way (at most one
batch). Startup puts rows a crash left in 'sending' back in line once; a row interrupted a
second time is marked failed, never retried forever. Nothing else is sent twice, and
nothing is lost: a row stays in the table until it is sent or settled otherwise.

Personal rows (reminders, notices, promotions) are claimed first and broadcast rows fill the
rest of a batch, so a long broadcast never holds a reminder back by more than a batch. The
loop also starts scheduled broadcasts when their time comes, edits each one's progress
message at most every `PROGRESS_INTERVAL`, and sends the staff member the report once every
row of it is settled.

The worker takes its clock: tests move time forward and call `dispatch_batch` or `drain`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import Message
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot, JobQueue

from bot.context import AssistantApplication, AssistantContext, Services
from bot.outbox.kinds import KINDS, ComposeContext, Skip
from bot.outbox.sending import Courier, Outcome, RateBudget, SendResult
from bot.screens.broadcasts import progress_screen, report_screen
from bot.screens.outgoing import post
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.outbox import (
    BLOCKED,
    CANCELLED,
    FAILED,
    SKIPPED,
    OutboxMessage,
    OutboxRepository,
    Recovery,
)

logger = logging.getLogger(__name__)

# How often the job looks for due rows: the delay a reminder may have past its due time.
SWEEP_INTERVAL = 1.0
JOB_NAME = "outbox"
# Seconds between two edits of a broadcast's progress message.
PROGRESS_INTERVAL = 3.0


class Withdrawn(Exception):
    """The message was called off after its row was claimed (a broadcast stopped)."""


class OutboxWorker:
    """Claims due outbox rows, has them composed by kind and sends them within the budget."""

    def __init__(
        self,
        services: Services,
        courier: Courier,
        bot: ExtBot[None],
        *,
        batch_size: int | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._services = services
        self._courier = courier
        self._bot = bot
        self._outbox = OutboxRepository(services.database)
        self._broadcasts = BroadcastRepository(
            services.database, services.settings.default_language
        )
        self._composing = ComposeContext(services, bot.username, clock, self._broadcasts)
        self._shown: dict[int, float] = {}
        # About one second of sending per claim: the most a crash can leave in flight.
        self._batch_size = batch_size or max(1, math.ceil(courier.budget.rate))
        self._clock = clock
        self._busy = False
        self.recovered = Recovery(0, 0)
        # Messages a crash caught in flight that this worker sent again (each at most once).
        self.resent = 0

    async def recover(self) -> Recovery:
        """Put back in line, once, what a crash left in 'sending'; call before `schedule`."""
        self.recovered = await self._outbox.recover_interrupted()
        if self.recovered.retried or self.recovered.failed:
            logger.warning(
                "Found messages in flight at the last stop: %d will be retried, %d failed",
                self.recovered.retried,
                self.recovered.failed,
            )
        return self.recovered

    def schedule(self, job_queue: JobQueue[AssistantContext]) -> None:
        """Run the sweep every `SWEEP_INTERVAL` seconds, starting now."""
        job_queue.run_repeating(
            self._sweep,
            interval=SWEEP_INTERVAL,
            first=0,
            name=JOB_NAME,
            # A long sweep (a big catch-up) makes the next tick find it busy and return;
            # a second instance keeps APScheduler from warning about it every second.
            job_kwargs={"max_instances": 2, "coalesce": True},
        )

    async def _sweep(self, context: AssistantContext) -> None:
        """Send every due message, batch by batch, until none is due or the bot stops."""
        if self._busy:
            return
        self._busy = True
        try:
            # Each batch (and each look finding none) is a sign of life for the health report.
            self._services.pulse.outbox_swept_at = datetime.now(UTC)
            while context.application.running and await self.dispatch_batch():
                self._services.pulse.outbox_swept_at = datetime.now(UTC)
        finally:
            self._busy = False

    async def drain(self) -> int:
        """Send batches until nothing is due by the worker's clock; return how many claimed."""
        claimed = 0
        while count := await self.dispatch_batch():
            claimed += count
        return claimed

    async def dispatch_batch(self) -> int:
        """Claim one batch of due rows and deliver it; return how many were claimed."""
        now = self._clock()
        await self._start_scheduled(now)
        batch = await self._outbox.claim_due(now, self._batch_size)
        await asyncio.gather(*(self._deliver(message) for message in batch))
        await self._follow_broadcasts()
        return len(batch)

    async def _deliver(self, message: OutboxMessage) -> None:
        try:
            kind = KINDS.get(message.kind)
            if kind is None:
                await self._outbox.mark_settled(message.id, FAILED, f"unknown kind {message.kind}")
                return
            chat_id = message.chat
            assert chat_id is not None
            language = message.language or await self._services.language_of_person(chat_id)
            composed = await kind.compose(self._composing, message, language)
            if isinstance(composed, Skip):
                await self._outbox.mark_settled(message.id, SKIPPED, composed.reason)
                return
            still_wanted = kind.still_wanted
            composing = self._composing

            async def send() -> Message:
                if still_wanted is not None and not await still_wanted(composing, message):
                    raise Withdrawn
                return await post(self._bot, chat_id, composed)

            result = await self._courier.attempt(chat_id, send)
        except Withdrawn:
            await self._outbox.mark_settled(message.id, CANCELLED, "broadcast cancelled")
            return
        except Exception as error:
            # One broken row must not stop the others; it is failed, not retried forever.
            logger.exception("Could not deliver %s %s", message.kind, message.id)
            await self._outbox.mark_settled(message.id, FAILED, repr(error))
            return
        # Should recording fail, the row stays 'sending': in flight, retried once at startup.
        await self._record(message, result)

    async def _record(self, message: OutboxMessage, result: SendResult) -> None:
        now = self._clock()
        if result.outcome is Outcome.SENT:
            await self._outbox.mark_sent(message.id, now, result.message_id)
            if message.interrupted:
                self.resent += 1
                logger.info(
                    "Re-sent %s %s: a crash had caught it in flight", message.kind, message.id
                )
        elif result.outcome is Outcome.RATE_LIMITED:
            later = now + timedelta(seconds=result.retry_after)
            await self._outbox.postpone(message.id, later, f"rate limited: {result.error}")
        elif result.outcome is Outcome.BLOCKED:
            await self._outbox.mark_settled(message.id, BLOCKED, str(result.error))
        else:
            await self._outbox.mark_settled(message.id, FAILED, str(result.error))

    # -- broadcasts ---------------------------------------------------------------------

    async def _start_scheduled(self, now: datetime) -> None:
        """Start the scheduled broadcasts whose time has come (their rows are due now)."""
        try:
            for broadcast in await self._broadcasts.start_due(now):
                logger.info("Broadcast %s started: %d people", broadcast.id, broadcast.recipients)
        except Exception:
            # Reminders must go on even if broadcasts are in trouble.
            logger.exception("Could not start scheduled broadcasts")

    async def _follow_broadcasts(self) -> None:
        """Show each running broadcast's progress; report the ones whose rows are all settled."""
        try:
            for broadcast in await self._broadcasts.unfinished():
                if await self._broadcasts.is_settled(broadcast.id):
                    finished = await self._broadcasts.finish(broadcast.id, self._clock())
                    if finished is not None:
                        await self._report(finished)
                    continue
                last = self._shown.get(broadcast.id)
                if last is None or time.monotonic() - last >= PROGRESS_INTERVAL:
                    await self._show_progress(broadcast)
        except Exception:
            logger.exception("Could not follow the broadcasts being sent")

    async def _show_progress(self, broadcast: Broadcast) -> None:
        """Edit the progress message, or send one when there is none yet (a scheduled start)."""
        self._shown[broadcast.id] = time.monotonic()
        services = self._services
        progress = await self._broadcasts.progress(broadcast.id)
        language = await services.language_of_person(broadcast.staff_id)
        screen = progress_screen(
            services.texts,
            services.catalogue,
            broadcast,
            progress,
            language,
            services.settings.broadcast_rate,
        )
        chat_id, message_id = broadcast.progress_chat_id, broadcast.progress_message_id
        try:
            if chat_id is None or message_id is None:
                message = await post(self._bot, broadcast.staff_id, screen)
                await self._broadcasts.set_progress_message(
                    broadcast.id, message.chat_id, message.message_id
                )
            else:
                await self._bot.edit_message_text(
                    screen.text, chat_id=chat_id, message_id=message_id, reply_markup=screen.markup
                )
        except BadRequest as error:
            if "not modified" not in error.message:
                logger.warning("Could not show broadcast %s progress: %s", broadcast.id, error)
        except TelegramError as error:
            logger.warning("Could not show broadcast %s progress: %s", broadcast.id, error)

    async def _report(self, broadcast: Broadcast) -> None:
        """Show the final figures in the progress message and send the staff member the report."""
        self._composing.contents.pop(broadcast.id, None)
        await self._show_progress(broadcast)
        self._shown.pop(broadcast.id, None)
        services = self._services
        language = await services.language_of_person(broadcast.staff_id)
        report = report_screen(services.texts, services.catalogue, broadcast, language)
        try:
            await post(self._bot, broadcast.staff_id, report)
        except TelegramError as error:
            logger.warning("Could not send broadcast %s report: %s", broadcast.id, error)


async def start_outbox(application: AssistantApplication) -> OutboxWorker:
    """Recover what a crash left in flight, then schedule the sweep on the JobQueue."""
    services = application.services
    budget = RateBudget(services.settings.broadcast_rate)
    courier = Courier(application.bot, budget, services.people.mark_unreachable)
    worker = OutboxWorker(services, courier, application.bot)
    await worker.recover()
    if application.job_queue is None:
        raise RuntimeError("the outbox needs PTB's JobQueue (python-telegram-bot[job-queue])")
    worker.schedule(application.job_queue)
    return worker
