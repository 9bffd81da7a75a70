"""The dispatcher: one JobQueue job that sends the outbox's due messages, exactly once.

Every `SWEEP_INTERVAL` the job claims the due rows of `deliveries` (pending -> sending in one
transaction, a batch of about one second's worth of the rate budget), writes each message
in the person's language, sends it through the shared `Sender`, and records the outcome
right after the send. Nothing is kept in the scheduler's memory: the job only ever reads
the table, so a restart simply carries on.

At most in flight: a row is claimed by one run only and is marked the moment its send
returns, so a crash can repeat only the messages whose request was under way (at most one
batch). Startup puts rows a crash left in 'sending' back in line once; a row interrupted a
second time is marked failed, never retried forever. Nothing else is sent twice, and
nothing is lost: a row stays in the table until it is sent, missed, skipped or failed.

Broadcasts ride the same loop with their own outbox, `broadcast_recipients` (one row per
person), claimed, settled and recovered by the same rules. Each batch takes the due
reminders and notices first and fills the rest with broadcast rows, so a long broadcast
never holds a reminder back by more than a batch. The loop also starts scheduled
broadcasts when their time comes, edits each one's progress message at most every
`PROGRESS_INTERVAL`, and sends the staff member the report once every row is settled.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot, JobQueue

from bot.context import AssistantApplication, AssistantContext, Services
from bot.outbox.sending import Outcome, RateBudget, Sender, SendResult
from bot.screens.broadcasts import post_broadcast, progress_screen, report_text
from bot.screens.links import cancel_data, event_list, event_page, rating_row
from storage.broadcasts import BLOCKED, CANCELLED, Broadcast, BroadcastRepository, Recipient
from storage.catalogue import parse_utc
from storage.content import Event, Text
from storage.deliveries import (
    EVENT_CANCELLED,
    EVENT_CHANGED,
    FAILED,
    REMINDER,
    SKIPPED,
    SURVEY,
    Delivery,
    DeliveryRepository,
    Recovery,
)

logger = logging.getLogger(__name__)

# How often the job looks for due rows: the delay a reminder may have past its due time.
SWEEP_INTERVAL = 1.0
JOB_NAME = "deliveries"
# Seconds between two edits of a broadcast's progress message.
PROGRESS_INTERVAL = 3.0


@dataclass(frozen=True)
class Draft:
    """A message ready to send: its text and buttons."""

    text: str
    markup: InlineKeyboardMarkup | None


class Withdrawn(Exception):
    """The broadcast was stopped after its row was claimed: this message must not go."""


class OutboxWorker:
    """Claims due outbox rows, writes their messages and sends them within the rate budget."""

    def __init__(
        self,
        services: Services,
        sender: Sender,
        bot: ExtBot[None],
        *,
        batch_size: int | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._services = services
        self._sender = sender
        self._bot = bot
        self._deliveries = DeliveryRepository(services.database)
        self._broadcasts = BroadcastRepository(
            services.database, services.settings.default_language
        )
        # A broadcast's content never changes once it is sent; its last progress edit.
        self._contents: dict[int, Broadcast] = {}
        self._shown: dict[int, float] = {}
        # About one second of sending per claim: the most a crash can leave in flight.
        self._batch_size = batch_size or max(1, math.ceil(sender.budget.rate))
        self._clock = clock
        self._busy = False

    async def recover(self) -> Recovery:
        """Put back in line, once, what a crash left in 'sending'; call before `schedule`."""
        found = await self._deliveries.recover_interrupted()
        broadcast = await self._broadcasts.recover_interrupted()
        recovery = Recovery(found.retried + broadcast.retried, found.failed + broadcast.failed)
        if recovery.retried or recovery.failed:
            logger.warning(
                "Found messages in flight at the last stop: %d will be retried, %d failed",
                recovery.retried,
                recovery.failed,
            )
        return recovery

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
            while context.application.running and await self.dispatch_batch():
                pass
        finally:
            self._busy = False

    async def dispatch_batch(self) -> int:
        """Claim one batch of due rows and deliver it; return how many were claimed."""
        now = self._clock()
        await self._start_scheduled(now)
        batch = await self._deliveries.claim_due(now, self._batch_size)
        recipients = await self._broadcasts.claim_due(now, self._batch_size - len(batch))
        await asyncio.gather(
            *(self._deliver(delivery) for delivery in batch),
            *(self._deliver_broadcast(recipient) for recipient in recipients),
        )
        await self._follow_broadcasts()
        return len(batch) + len(recipients)

    async def _deliver(self, delivery: Delivery) -> None:
        try:
            draft = await self._compose(delivery)
            if isinstance(draft, str):
                await self._deliveries.mark_settled(delivery.id, SKIPPED, draft)
                return
            assert delivery.person_id is not None
            result = await self._sender.send(delivery.person_id, draft.text, draft.markup)
        except Exception as error:
            # One broken row must not stop the others; it is failed, not retried forever.
            logger.exception("Could not deliver %s %s", delivery.kind, delivery.id)
            await self._deliveries.mark_settled(delivery.id, FAILED, repr(error))
            return
        # Should recording fail, the row stays 'sending': in flight, retried once at startup.
        await self._record(delivery, result)

    async def _record(self, delivery: Delivery, result: SendResult) -> None:
        now = self._clock()
        if result.outcome is Outcome.SENT:
            await self._deliveries.mark_sent(delivery.id, now)
        elif result.outcome is Outcome.RATE_LIMITED:
            later = now + timedelta(seconds=result.retry_after)
            await self._deliveries.postpone(delivery.id, later, f"rate limited: {result.error}")
        elif result.outcome is Outcome.BLOCKED:
            await self._deliveries.mark_settled(delivery.id, FAILED, f"blocked: {result.error}")
        else:
            await self._deliveries.mark_settled(delivery.id, FAILED, str(result.error))

    # -- broadcasts ---------------------------------------------------------------------

    async def _start_scheduled(self, now: datetime) -> None:
        """Start the scheduled broadcasts whose time has come (their rows are due now)."""
        try:
            for broadcast in await self._broadcasts.start_due(now):
                logger.info("Broadcast %s started: %d people", broadcast.id, broadcast.recipients)
        except Exception:
            # Reminders must go on even if broadcasts are in trouble.
            logger.exception("Could not start scheduled broadcasts")

    async def _deliver_broadcast(self, recipient: Recipient) -> None:
        try:
            broadcast = self._contents.get(recipient.broadcast_id)
            if broadcast is None:
                broadcast = await self._broadcasts.get(recipient.broadcast_id)
                assert broadcast is not None
                self._contents[broadcast.id] = broadcast
            texts = self._services.texts
            content = broadcast

            async def post() -> Message:
                # Asked after the budget's slot, right before the request: a stop press
                # holds back even the rows already claimed.
                if not await self._broadcasts.is_sending(content.id):
                    raise Withdrawn
                return await post_broadcast(
                    self._bot, recipient.person_id, content, recipient.language, texts
                )

            result = await self._sender.attempt(recipient.person_id, post)
        except Withdrawn:
            await self._broadcasts.mark_settled(recipient.id, CANCELLED, "broadcast cancelled")
            return
        except Exception as error:
            logger.exception("Could not deliver broadcast message %s", recipient.id)
            await self._broadcasts.mark_settled(recipient.id, FAILED, repr(error))
            return
        # Should recording fail, the row stays 'sending': in flight, retried once at startup.
        now = self._clock()
        if result.outcome is Outcome.SENT:
            await self._broadcasts.mark_sent(recipient.id, now, result.message_id)
        elif result.outcome is Outcome.RATE_LIMITED:
            later = now + timedelta(seconds=result.retry_after)
            await self._broadcasts.postpone(recipient.id, later, f"rate limited: {result.error}")
        elif result.outcome is Outcome.BLOCKED:
            await self._broadcasts.mark_settled(recipient.id, BLOCKED, str(result.error))
        else:
            await self._broadcasts.mark_settled(recipient.id, FAILED, str(result.error))

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
        progress = await self._broadcasts.progress(broadcast.id)
        language = await self._services.language_of_person(broadcast.staff_id)
        text, markup = progress_screen(self._services, broadcast, progress, language)
        chat_id, message_id = broadcast.progress_chat_id, broadcast.progress_message_id
        try:
            if chat_id is None or message_id is None:
                message = await self._bot.send_message(
                    broadcast.staff_id, text, reply_markup=markup
                )
                await self._broadcasts.set_progress_message(
                    broadcast.id, message.chat_id, message.message_id
                )
            else:
                await self._bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
        except BadRequest as error:
            if "not modified" not in error.message:
                logger.warning("Could not show broadcast %s progress: %s", broadcast.id, error)
        except TelegramError as error:
            logger.warning("Could not show broadcast %s progress: %s", broadcast.id, error)

    async def _report(self, broadcast: Broadcast) -> None:
        """Show the final figures in the progress message and send the staff member the report."""
        self._contents.pop(broadcast.id, None)
        await self._show_progress(broadcast)
        self._shown.pop(broadcast.id, None)
        language = await self._services.language_of_person(broadcast.staff_id)
        try:
            await self._bot.send_message(
                broadcast.staff_id, report_text(self._services, broadcast, language)
            )
        except TelegramError as error:
            logger.warning("Could not send broadcast %s report: %s", broadcast.id, error)

    # -- reminders, surveys, notices -------------------------------------------------------

    async def _compose(self, delivery: Delivery) -> Draft | str:
        """Write the message in the person's language, or say why there is none to send."""
        assert delivery.person_id is not None
        language = await self._services.language_of_person(delivery.person_id)
        if delivery.kind == EVENT_CANCELLED:
            return self._event_cancelled(delivery, language)
        event = self._services.catalogue.event(delivery.event_id or "")
        if event is None:
            return "event not in the catalogue"
        if delivery.kind == REMINDER:
            return self._reminder(delivery, event, language)
        if delivery.kind == SURVEY:
            return self._survey(delivery, event, language)
        if delivery.kind == EVENT_CHANGED:
            return await self._event_changed(delivery, event, language)
        return f"unknown kind {delivery.kind!r}"

    def _reminder(self, delivery: Delivery, event: Event, language: str) -> Draft:
        texts = self._services.texts
        seconds = (event.starts_at - self._clock()).total_seconds()
        text = texts.render(language, "reminder", event=event, minutes=round(seconds / 60))
        return Draft(text, self._event_buttons(delivery, event, language))

    def _survey(self, delivery: Delivery, event: Event, language: str) -> Draft:
        assert delivery.registration_id is not None
        text = self._services.texts.render(language, "survey", event=event)
        return Draft(text, InlineKeyboardMarkup([rating_row(delivery.registration_id)]))

    async def _event_changed(self, delivery: Delivery, event: Event, language: str) -> Draft:
        payload = delivery.payload
        previous = replace(
            event,
            starts_at=_moment(payload.get("previous_starts_at"), event.starts_at),
            ends_at=_moment(payload.get("previous_ends_at"), event.ends_at),
            online=bool(payload.get("previous_online", event.online)),
            location=_text(payload.get("previous_location")) or event.location,
        )
        registration = await self._services.registrations.get(delivery.registration_id or 0)
        text = self._services.texts.render(
            language,
            "event_changed",
            before=previous,
            event=event,
            time_changed=bool(payload.get("time_changed", True)),
            place_changed=bool(payload.get("place_changed", False)),
            confirmed=registration is not None and registration.status == "confirmed",
        )
        return Draft(text, self._event_buttons(delivery, event, language))

    def _event_cancelled(self, delivery: Delivery, language: str) -> Draft | str:
        title = _text(delivery.payload.get("title"))
        starts_at = delivery.payload.get("starts_at")
        if title is None or not isinstance(starts_at, str):
            return "notice without its event's title and time"
        text = self._services.texts.render(
            language, "event_cancelled", title=title.get(language), starts_at=parse_utc(starts_at)
        )
        markup = InlineKeyboardMarkup([[self._button(language, "all_events", event_list())]])
        return Draft(text, markup)

    def _event_buttons(
        self, delivery: Delivery, event: Event, language: str
    ) -> InlineKeyboardMarkup:
        """Return "Details" (the event's page) and "I can't come" (the cancel flow)."""
        assert delivery.registration_id is not None
        return InlineKeyboardMarkup(
            [
                [self._button(language, "reminder_details", event_page(event.id))],
                [
                    self._button(
                        language, "reminder_cant_come", cancel_data(delivery.registration_id)
                    )
                ],
            ]
        )

    def _button(self, language: str, label: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(self._services.texts.label(language, label), callback_data=data)


async def start_outbox(application: AssistantApplication) -> OutboxWorker:
    """Recover what a crash left in flight, then schedule the sweep on the JobQueue."""
    services = application.services
    budget = RateBudget(services.settings.broadcast_rate)
    sender = Sender(application.bot, budget, services.people.mark_unreachable)
    dispatcher = OutboxWorker(services, sender, application.bot)
    await dispatcher.recover()
    if application.job_queue is None:
        raise RuntimeError("the dispatcher needs PTB's JobQueue (python-telegram-bot[job-queue])")
    dispatcher.schedule(application.job_queue)
    return dispatcher


def _moment(value: object, fallback: datetime) -> datetime:
    """Read a UTC time from a notice's payload."""
    return parse_utc(value) if isinstance(value, str) else fallback


def _text(value: object) -> Text | None:
    """Read a {tr, en} text from a notice's payload."""
    if not isinstance(value, dict):
        return None
    return Text(tr=str(value.get("tr", "")), en=str(value.get("en", "")))
