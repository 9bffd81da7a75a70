"""The rate budget, the courier's handling of Telegram's answers, and the outbox's claiming rules.

No network and no emulator: a fake clock, a fake bot, and a real SQLite file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Chat, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.outbox.sending import Courier, Outcome, RateBudget
from storage.catalogue import CatalogueRepository, utc_text
from storage.content import Event, bundled_content_path, load_catalogue
from storage.database import Database
from storage.outbox import DeliveryPlan, OutboxRepository
from storage.people import PeopleRepository
from storage.registrations import RegistrationRepository


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class FakeBot:
    """Answers each send with the next scripted error, then with a message."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def send_message(
        self, chat_id: int | str, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return Message(
            message_id=self.calls,
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            text=text,
        )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def courier_for(bot: FakeBot, clock: FakeClock, blocked: list[int], rate: float = 10) -> Courier:
    budget = RateBudget(rate, clock=clock, sleep=clock.sleep)

    async def on_blocked(chat_id: int) -> None:
        blocked.append(chat_id)

    return Courier(bot, budget, on_blocked, sleep=clock.sleep)


async def test_the_budget_spaces_sends_evenly_at_its_rate(clock: FakeClock) -> None:
    budget = RateBudget(4, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        await budget.acquire()
    assert clock.sleeps == [0.25, 0.25, 0.25, 0.25]
    assert clock.now == pytest.approx(101.0)


async def test_concurrent_senders_share_one_budget(clock: FakeClock) -> None:
    waits: list[float] = []

    async def wait(seconds: float) -> None:  # time stands still: all ask at the same moment
        waits.append(seconds)
        await asyncio.sleep(0)

    budget = RateBudget(10, clock=clock, sleep=wait)
    await asyncio.gather(*(budget.acquire() for _ in range(10)))
    # Each got its own slot, 0.1 s after the one before.
    assert sorted(waits) == pytest.approx([0.1 * n for n in range(1, 10)])


async def test_a_pause_holds_every_later_send_back(clock: FakeClock) -> None:
    budget = RateBudget(10, clock=clock, sleep=clock.sleep)
    await budget.acquire()
    budget.pause(3)
    await budget.acquire()
    assert clock.now == pytest.approx(103.0)


def test_a_budget_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateBudget(0)


async def test_a_message_is_sent_once(clock: FakeClock) -> None:
    bot = FakeBot()
    result = await courier_for(bot, clock, []).send(42, "Merhaba")
    assert (result.outcome, result.message_id, result.attempts) == (Outcome.SENT, 1, 1)
    assert bot.calls == 1


async def test_a_person_who_blocked_the_bot_is_reported_and_not_retried(
    clock: FakeClock,
) -> None:
    blocked: list[int] = []
    bot = FakeBot(Forbidden("Forbidden: bot was blocked by the user"))
    result = await courier_for(bot, clock, blocked).send(42, "Merhaba")
    assert result.outcome is Outcome.BLOCKED
    assert blocked == [42]
    assert bot.calls == 1


async def test_a_429_pauses_the_shared_budget_and_is_handed_back(clock: FakeClock) -> None:
    bot = FakeBot(RetryAfter(timedelta(seconds=3)))
    courier = courier_for(bot, clock, [])
    result = await courier.send(42, "Merhaba")
    assert (result.outcome, result.retry_after) == (Outcome.RATE_LIMITED, 3.0)
    assert bot.calls == 1  # PTB's limiter already retried; the worker re-queues it
    started = clock.now
    await courier.budget.acquire()  # the next bulk send, whoever makes it, waits
    assert clock.now - started == pytest.approx(3.0)


async def test_server_errors_are_retried_with_growing_backoff(clock: FakeClock) -> None:
    bot = FakeBot(NetworkError("Bad Gateway"), NetworkError("Internal Server Error (500)"))
    result = await courier_for(bot, clock, [], rate=1000).send(42, "Merhaba")
    assert (result.outcome, result.attempts) == (Outcome.SENT, 3)
    assert [pause for pause in clock.sleeps if pause >= 0.5] == [0.5, 1.0]


async def test_retries_are_bounded(clock: FakeClock) -> None:
    bot = FakeBot(TimedOut(), TimedOut(), TimedOut(), TimedOut())
    result = await courier_for(bot, clock, []).send(42, "Merhaba")
    assert (result.outcome, result.attempts) == (Outcome.FAILED, 3)
    assert bot.calls == 3


async def test_a_bad_request_is_not_retried(clock: FakeClock) -> None:
    bot = FakeBot(BadRequest("Bad Request: can't parse entities"))
    result = await courier_for(bot, clock, []).send(42, "<b>")
    assert (result.outcome, result.attempts) == (Outcome.FAILED, 1)
    assert "parse entities" in (result.error or "")


# -- the outbox ----------------------------------------------------------------------------


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "outbox.sqlite3")
    await database.open()
    await CatalogueRepository(database).import_catalogue(load_catalogue(bundled_content_path()))
    yield database
    await database.close()


@pytest.fixture
def event() -> Event:
    return load_catalogue(bundled_content_path()).events[0]


async def signed_up(database: Database, event: Event, person_id: int, now: datetime) -> int:
    await PeopleRepository(database).seen(person_id, "tr")
    plan = DeliveryPlan((timedelta(hours=24), timedelta(hours=1)), timedelta(hours=2))
    registrations = RegistrationRepository(database, plan)
    outcome = await registrations.sign_up(event, person_id, None, None, now=now)
    return outcome.registration.id


async def test_only_reminders_still_ahead_are_planned(database: Database, event: Event) -> None:
    registration = await signed_up(database, event, 1, event.starts_at - timedelta(hours=5))
    planned = await OutboxRepository(database).of_registration(registration)
    assert [(d.kind, d.offset) for d in planned] == [
        ("reminder", timedelta(hours=1)),
        ("survey", None),
    ]
    assert planned[1].due_at == event.ends_at + timedelta(hours=2)


async def test_a_row_is_claimed_by_one_run_only(database: Database, event: Event) -> None:
    for person_id in range(1, 21):
        await signed_up(database, event, person_id, event.starts_at - timedelta(days=2))
    outbox = OutboxRepository(database)
    due = event.starts_at - timedelta(hours=20)  # the 24h reminders only
    batches = await asyncio.gather(*(outbox.claim_due(due, 3) for _ in range(10)))
    ids = [message.id for batch in batches for message in batch]
    assert len(ids) == 20 and len(set(ids)) == 20
    assert await outbox.claim_due(due, 3) == []


async def test_catching_up_sends_only_the_latest_reminder_even_across_batches(
    database: Database, event: Event
) -> None:
    registration = await signed_up(database, event, 1, event.starts_at - timedelta(days=2))
    outbox = OutboxRepository(database)
    [claimed] = await outbox.claim_due(event.starts_at - timedelta(minutes=30), limit=1)
    assert (claimed.kind, claimed.offset) == ("reminder", timedelta(hours=1))
    rows = await outbox.of_registration(registration)
    assert [(d.offset, d.status, d.last_error) for d in rows[:2]] == [
        (timedelta(hours=24), "skipped", "superseded by a later reminder"),
        (timedelta(hours=1), "sending", None),
    ]


async def test_reminders_of_a_started_event_are_missed(database: Database, event: Event) -> None:
    registration = await signed_up(database, event, 1, event.starts_at - timedelta(days=2))
    outbox = OutboxRepository(database)
    assert await outbox.claim_due(event.starts_at + timedelta(minutes=5), limit=10) == []
    statuses = [d.status for d in await outbox.of_registration(registration)]
    assert statuses == ["missed", "missed", "pending"]  # the survey is not due yet


async def test_rows_left_sending_by_a_crash_are_retried_once(
    database: Database, event: Event
) -> None:
    registration = await signed_up(database, event, 1, event.starts_at - timedelta(days=2))
    outbox = OutboxRepository(database)
    moment = event.starts_at - timedelta(hours=20)
    [first] = await outbox.claim_due(moment, limit=5)  # then the process dies

    recovery = await outbox.recover_interrupted()
    assert (recovery.retried, recovery.failed) == (1, 0)
    [again] = await outbox.claim_due(moment, limit=5)  # and dies once more
    assert again.id == first.id and again.attempts == 2

    recovery = await outbox.recover_interrupted()
    assert (recovery.retried, recovery.failed) == (0, 1)
    assert await outbox.claim_due(moment, limit=5) == []
    [row] = [d for d in await outbox.of_registration(registration) if d.id == first.id]
    assert (row.status, row.last_error) == ("failed", "interrupted twice while sending")


async def test_an_event_moved_by_any_path_carries_its_reminders_and_survey(
    database: Database, event: Event
) -> None:
    registration = await signed_up(database, event, 1, event.starts_at - timedelta(days=2))
    starts_at, ends_at = event.starts_at + timedelta(days=1), event.ends_at + timedelta(days=1)
    await database.execute(  # as a staff edit or a catalogue import would
        "UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?",
        (utc_text(starts_at), utc_text(ends_at), event.id),
    )
    rows = await OutboxRepository(database).of_registration(registration)
    assert [d.due_at for d in rows] == [
        starts_at - timedelta(hours=24),
        starts_at - timedelta(hours=1),
        ends_at + timedelta(hours=2),
    ]
