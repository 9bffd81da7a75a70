"""The one outbox: its kinds, waiting-list promotions through it, and the migration into it.

A promotion's news is three rows (the text, the calendar file, the check-in code) queued in
the transaction that gives the seat: whatever stops the assistant after that, the news goes
out, each part once and in order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

import storage.database
from bot.app import stop_application
from bot.domain.notices import fill_free_seats
from bot.outbox.kinds import KINDS
from bot.outbox.sending import Courier, RateBudget
from bot.outbox.worker import OutboxWorker
from storage import outbox
from storage.catalogue import CatalogueRepository
from storage.content import (
    Event,
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
)
from storage.database import Database
from storage.registrations import Registration
from tests.conftest import TOKEN, Assistant, Person
from tests.outbox_clock import FakeClock, outbox_on

MOMENT = "2027-01-10T09:00:00+00:00"


def test_every_kind_has_a_composer() -> None:
    assert set(KINDS) == set(outbox.KINDS)
    assert len(outbox.KINDS) == len(set(outbox.KINDS))


@pytest.fixture
async def database_before_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Database]:
    """Return a database as the assistant left it before the one outbox (migration 0008)."""
    every = storage.database._migrations()
    monkeypatch.setattr(storage.database, "_migrations", lambda: [m for m in every if m[0] <= 8])
    database = Database(tmp_path / "old.sqlite3")
    await database.open()
    # Projects and surveys came after migration 0008: that assistant's catalogue had none.
    catalogue = replace(load_catalogue(bundled_content_path()), projects=(), surveys=())
    await CatalogueRepository(database).import_catalogue(catalogue)
    monkeypatch.setattr(storage.database, "_migrations", lambda: every)
    yield database
    await database.close()


async def test_the_migration_moves_both_outboxes_rows_into_one(
    database_before_outbox: Database,
) -> None:
    database = database_before_outbox
    [event] = await database.fetch_all("SELECT id FROM events ORDER BY starts_at LIMIT 1")
    async with database.transaction() as tx:
        for person_id in (1, 2):
            await tx.execute(
                "INSERT INTO people (id, first_seen_at, last_seen_at) VALUES (?, ?, ?)",
                (person_id, MOMENT, MOMENT),
            )
        await tx.execute(
            "INSERT INTO registrations (id, event_id, person_id, status, created_at, queued_at) "
            "VALUES (10, ?, 1, 'confirmed', ?, ?)",
            (event["id"], MOMENT, MOMENT),
        )
        await tx.execute(
            "INSERT INTO deliveries (kind, registration_id, person_id, event_id, offset_seconds, "
            "due_at, status, attempts, interrupted, created_at) VALUES "
            "('reminder', 10, 1, ?, 3600, ?, 'sending', 1, 1, ?), "
            "('survey', 10, 1, ?, NULL, ?, 'pending', 0, 0, ?)",
            (event["id"], MOMENT, MOMENT, event["id"], MOMENT, MOMENT),
        )
        await tx.execute(
            "INSERT INTO broadcasts (id, staff_id, main_language, text_tr, audience, status, "
            "created_at, started_at, recipients) "
            "VALUES (5, 700001, 'tr', 'Duyuru', '{\"kind\": \"all\"}', 'sending', ?, ?, 2)",
            (MOMENT, MOMENT),
        )
        await tx.execute(
            "INSERT INTO broadcast_recipients (broadcast_id, person_id, language, status, "
            "due_at, sent_at, message_id) VALUES "
            "(5, 1, 'tr', 'sent', ?, ?, 77), (5, 2, 'en', 'pending', ?, NULL, NULL)",
            (MOMENT, MOMENT, MOMENT),
        )

    await database.migrate()

    rows = await database.fetch_all(
        "SELECT kind, person_id, registration_id, broadcast_id, bulk, offset_seconds, language, "
        "status, attempts, interrupted, message_id FROM outbox ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        ("reminder", 1, 10, None, 0, 3600, None, "sending", 1, 1, None),
        ("survey", 1, 10, None, 0, None, None, "pending", 0, 0, None),
        ("broadcast", 1, None, 5, 1, None, "tr", "sent", 0, 0, 77),
        ("broadcast", 2, None, 5, 1, None, "en", "pending", 0, 0, None),
    ]
    tables = await database.fetch_all(
        "SELECT name FROM sqlite_master WHERE name IN ('deliveries', 'broadcast_recipients')"
    )
    assert tables == []
    # The moved rows go on under the one protocol: the interrupted reminder fails, once.
    recovery = await outbox.OutboxRepository(database).recover_interrupted()
    assert (recovery.retried, recovery.failed) == (0, 1)


# -- waiting-list promotions ---------------------------------------------------------------


async def one_seat_taken(
    assistant: Assistant, event_id: str, **fields: Any
) -> tuple[Event, Person, Registration, Person, Registration]:
    """Publish a one-seat event; Ali takes the seat and Ayşe waits for it."""
    await assistant.add_event(event_id, capacity=1, **fields)
    event = assistant.services.catalogue.event(event_id)
    assert event is not None
    ali, ayse = assistant.person("Ali"), assistant.person("Ayşe")
    registrations = assistant.services.registrations
    seats = []
    for person in (ali, ayse):
        await assistant.services.people.seen(person.id, "tr")
        seats.append((await registrations.sign_up(event, person.id, None, None)).registration)
    assert [seat.status for seat in seats] == ["confirmed", "waitlisted"]
    return event, ali, seats[0], ayse, seats[1]


async def parts(assistant: Assistant, registration_id: int) -> list[tuple[str, str]]:
    """Return (kind, status) of a registration's promotion rows, in order."""
    rows = await assistant.fetch(
        "SELECT kind, status FROM outbox WHERE registration_id = ? "
        "AND kind IN ('promoted', 'calendar', 'checkin_code') ORDER BY id",
        registration_id,
    )
    return [(row["kind"], row["status"]) for row in rows]


async def test_a_promotion_sends_its_text_then_the_calendar_then_the_code(
    assistant: Assistant,
) -> None:
    clock = FakeClock()
    worker = outbox_on(assistant, clock)
    event, ali, seat, ayse, waiting = await one_seat_taken(assistant, "one-seat")
    outcome = await assistant.services.registrations.cancel(seat.id, ali.id, event)
    assert outcome is not None and [r.id for r in outcome.promoted] == [waiting.id]
    assert await parts(assistant, waiting.id) == [
        ("promoted", "pending"),
        ("calendar", "pending"),
        ("checkin_code", "pending"),
    ]

    clock.advance(1)
    # One part a batch: each waits for the one before it to be settled.
    assert [await worker.dispatch_batch() for _ in range(4)] == [1, 1, 1, 0]
    text, calendar, code = ayse.emulator.bot_messages(ayse.id)
    assert "Yer açıldı, kaydınız onaylandı" in (text.text or "")
    assert "Test etkinliği one-seat" in (text.text or "")
    assert text.buttons == ["🎟 Kayıtlarım"]
    assert calendar.document is not None
    assert calendar.document.filename.endswith(".ics")
    assert b"BEGIN:VCALENDAR" in calendar.document.content
    assert code.photo is not None and "Giriş kodunuz" in (code.caption or "")
    assert await parts(assistant, waiting.id) == [
        ("promoted", "sent"),
        ("calendar", "sent"),
        ("checkin_code", "sent"),
    ]
    assert ali.emulator.bot_messages(ali.id) == []


async def test_an_online_event_promotion_comes_without_a_code(assistant: Assistant) -> None:
    clock = FakeClock()
    worker = outbox_on(assistant, clock)
    event, ali, seat, ayse, waiting = await one_seat_taken(
        assistant, "webinar", online=True, online_url="https://meet.example/w", location=None
    )
    await assistant.services.registrations.cancel(seat.id, ali.id, event)
    clock.advance(1)
    await worker.drain()
    assert await parts(assistant, waiting.id) == [("promoted", "sent"), ("calendar", "sent")]
    assert [m.photo for m in ayse.emulator.bot_messages(ayse.id)] == [None, None]


async def test_news_of_a_seat_given_up_before_it_went_is_dropped(assistant: Assistant) -> None:
    clock = FakeClock()
    worker = outbox_on(assistant, clock)
    event, ali, seat, ayse, waiting = await one_seat_taken(assistant, "one-seat")
    await assistant.services.registrations.cancel(seat.id, ali.id, event)
    await assistant.services.registrations.cancel(waiting.id, ayse.id, event)
    clock.advance(1)
    assert await worker.drain() == 0
    assert await parts(assistant, waiting.id) == []
    assert ayse.emulator.bot_messages(ayse.id) == []


async def test_seats_freed_by_an_import_go_out_through_the_outbox(assistant: Assistant) -> None:
    clock = FakeClock()
    worker = outbox_on(assistant, clock)
    event, _, _, ayse, waiting = await one_seat_taken(assistant, "one-seat")
    services = assistant.services
    document = catalogue_to_document(services.catalogue)
    [entry] = [entry for entry in document["events"] if entry["id"] == "one-seat"]
    entry["capacity"] = 2  # an import gives the event one seat more
    await services.catalogue_store.import_catalogue(parse_catalogue(document, "test"))
    await services.reload_catalogue()
    assert await fill_free_seats(services.registrations, services.catalogue) == 1
    clock.advance(1)
    await worker.drain()
    assert [kind for kind, status in await parts(assistant, waiting.id) if status == "sent"] == [
        "promoted",
        "calendar",
        "checkin_code",
    ]
    assert "Yer açıldı" in (ayse.emulator.bot_messages(ayse.id)[0].text or "")
    assert event.capacity == 1


@pytest.mark.parametrize("in_flight", [None, "promoted", "calendar"])
async def test_a_promotion_survives_a_crash_and_goes_exactly_once(
    start_assistant: Any, make_settings: Any, in_flight: str | None
) -> None:
    first = await start_assistant()
    outbox_on(first, FakeClock())  # the sweep is held back: the crash comes before it
    event, ali, seat, ayse, waiting = await one_seat_taken(first, "one-seat")
    await first.services.registrations.cancel(seat.id, ali.id, event)
    assert [status for _, status in await parts(first, waiting.id)] == ["pending"] * 3
    await stop_application(first.application)
    assert ayse.emulator.bot_messages(ayse.id) == []
    if in_flight is not None:
        # A crash in the middle of sending that part: it may or may not have gone out.
        database = Database(make_settings().database_path)
        await database.open()
        await database.execute(
            "UPDATE outbox SET status = 'sent' WHERE registration_id = ? AND kind = 'promoted' "
            "AND ? = 'calendar'",
            (waiting.id, in_flight),
        )
        await database.execute(
            "UPDATE outbox SET status = 'sending', attempts = 1 "
            "WHERE registration_id = ? AND kind = ?",
            (waiting.id, in_flight),
        )
        await database.close()

    second = await start_assistant()  # its own sweep sends what the first left behind
    await ayse.emulator.wait_for_bot_message(ayse.id, predicate=lambda m: m.photo is not None)
    await second.emulator.wait_idle(quiet=0.3)
    messages = ayse.emulator.bot_messages(ayse.id)
    sent_before = 1 if in_flight == "calendar" else 0  # the text went before that crash
    assert len(messages) == 3 - sent_before
    kinds = ["text", "calendar", "code"][sent_before:]
    seen = [
        "code" if m.photo is not None else "calendar" if m.document is not None else "text"
        for m in messages
    ]
    assert seen == kinds
    assert await parts(second, waiting.id) == [
        ("promoted", "sent"),
        ("calendar", "sent"),
        ("checkin_code", "sent"),
    ]
    resent = await outbox.OutboxRepository(second.services.database).count_resent()
    assert resent == (0 if in_flight is None else 1)


# -- Telegram's limits without any rate limiter under the bot -------------------------------


async def test_a_429_puts_the_message_back_in_line_even_without_a_limiter_under_the_bot(
    start_assistant: Any,
) -> None:
    """Replies may go out unpaced (no AIORateLimiter): the outbox honours 429s on its own."""
    assistant = await start_assistant(REMINDER_OFFSETS="1h")
    services = assistant.services
    root = services.settings.telegram_api_url
    bare = ExtBot(
        TOKEN,
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        defaults=Defaults(parse_mode=ParseMode.HTML),
    )
    await bare.initialize()
    clock = FakeClock()
    outbox_on(assistant, clock)  # the application's own sweep is held back
    courier = Courier(bare, RateBudget(100), services.people.mark_unreachable)
    worker = OutboxWorker(services, courier, bare, clock=clock)
    await assistant.add_event("storm", starts_in=timedelta(days=1))
    event = services.catalogue.event("storm")
    assert event is not None
    people = [assistant.person(f"Üye {n}") for n in range(6)]
    for person in people:
        await services.people.seen(person.id, "tr")
        await services.registrations.sign_up(event, person.id, None, None)
    assistant.emulator.global_rate_limit = 2  # messages a second

    clock.set(event.starts_at - timedelta(hours=1))
    for _ in range(60):
        await worker.drain()
        if all(person.emulator.bot_messages(person.id) for person in people):
            break
        clock.advance(1)  # a postponed row comes due after its retry_after
    await bare.shutdown()
    assert assistant.emulator.stats.rate_limited > 0
    assert [len(p.emulator.bot_messages(p.id)) for p in people] == [1] * 6
    rows = await assistant.fetch("SELECT status, attempts FROM outbox WHERE kind = 'reminder'")
    assert {row["status"] for row in rows} == {"sent"}
    assert max(row["attempts"] for row in rows) > 1  # put back in line, then sent
