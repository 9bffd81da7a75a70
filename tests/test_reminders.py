"""Reminders, notices and the feedback survey, end to end: on time, once, through restarts.

The outbox runs on a clock the test moves (tests/outbox_clock.py): events are days ahead,
and a reminder falls due when the test sets the clock to its time and lets the worker drain
the outbox. Nothing waits on the real clock.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import stop_application
from bot.devtools.emulator import Message
from bot.domain.event_changes import cancel_event, change_event
from bot.screens.buttons import EventPage
from storage.content import Event, catalogue_to_document, parse_catalogue
from storage.database import Database
from storage.registrations import Registration
from tests.conftest import STAFF_ID, Assistant, Person
from tests.outbox_clock import FakeClock, outbox_on

REMINDER = "Hatırlatma"
DAY = 86400


def _seconds_to_noon_tomorrow() -> float:
    """Return the seconds from now until 12:00 tomorrow in the cluster's time zone."""
    zone = ZoneInfo("Europe/Istanbul")
    now = datetime.now(UTC)
    noon = (now.astimezone(zone) + timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    return (noon - now).total_seconds()


async def publish_event(
    assistant: Assistant,
    event_id: str,
    *,
    starts_in: float,
    lasts: float = 3600,
    **fields: Any,
) -> Event:
    """Import a catalogue with one more event, starting `starts_in` seconds from now."""
    services = assistant.services
    document = catalogue_to_document(services.catalogue)
    entry = copy.deepcopy(document["events"][0])
    starts_at = (datetime.now(UTC) + timedelta(seconds=starts_in)).replace(microsecond=0)
    entry.update(
        id=event_id,
        title={"tr": f"Deneme eğitimi {event_id}", "en": f"Test training {event_id}"},
        starts_at=starts_at.isoformat(),
        ends_at=(starts_at + timedelta(seconds=lasts)).isoformat(),
    )
    entry.pop("registration_deadline", None)
    entry.pop("capacity", None)
    entry.update(fields)
    document["events"].append(entry)
    await services.catalogue_store.import_catalogue(parse_catalogue(document, "test"))
    await services.reload_catalogue()
    event = services.catalogue.event(event_id)
    assert event is not None
    return event


async def sign_up(assistant: Assistant, person: Person, event: Event) -> Registration:
    """Give the person a seat (or a waiting-list place) the way the sign-up handler does."""
    services = assistant.services
    await services.people.seen(person.id, person.user.language_code)
    outcome = await services.registrations.sign_up(event, person.id, None, None)
    return outcome.registration


async def deliveries(
    assistant: Assistant, registration_id: int
) -> list[tuple[str, int | None, str]]:
    """Return (kind, offset seconds, status) of a registration's outbox rows, in due order."""
    rows = await assistant.fetch(
        "SELECT kind, offset_seconds, status FROM outbox WHERE registration_id = ? "
        "ORDER BY due_at, id",
        registration_id,
    )
    return [(row["kind"], row["offset_seconds"], row["status"]) for row in rows]


def reminders_seen(person: Person) -> list[Message]:
    return [m for m in person.emulator.bot_messages(person.id) if REMINDER in (m.text or "")]


async def test_reminders_arrive_on_time_with_the_event_and_its_buttons(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="2h,1h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    # Tomorrow at noon in Istanbul: two hours before is the same day ("2 saat sonra"), whatever
    # time the test runs (a start just after midnight would rightly say "yarın").
    event = await publish_event(assistant, "soon", starts_in=_seconds_to_noon_tomorrow())
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    assert await deliveries(assistant, registration.id) == [
        ("reminder", 7200, "pending"),
        ("reminder", 3600, "pending"),
        ("survey", None, "pending"),
    ]

    clock.set(event.starts_at - timedelta(hours=2, seconds=1))
    assert await outbox.drain() == 0  # a second early: nothing yet
    clock.advance(1)
    assert await outbox.drain() == 1
    [first] = reminders_seen(ayse)
    text = first.text or ""
    assert "Deneme eğitimi soon" in text
    assert "2 saat sonra başlıyor" in text
    assert "Küme Eğitim Salonu, Ankara" in text  # the place, in her language
    assert first.buttons == ["ℹ️ Ayrıntılar", "✖️ Katılamayacağım"]
    assert first.reply_markup[0][0]["callback_data"] == EventPage("soon").data == "ev:s:soon"
    assert first.reply_markup[1][0]["callback_data"] == f"rg:cx:{registration.id}"

    clock.set(event.starts_at - timedelta(hours=1))
    assert await outbox.drain() == 1
    assert len(reminders_seen(ayse)) == 2
    second = reminders_seen(ayse)[-1]
    assert "1 saat sonra başlıyor" in (second.text or "")
    assert await deliveries(assistant, registration.id) == [
        ("reminder", 7200, "sent"),
        ("reminder", 3600, "sent"),
        ("survey", None, "pending"),
    ]
    assert await outbox.drain() == 0  # nothing goes twice

    details = await ayse.press(second, "Ayrıntılar")
    assert "Deneme eğitimi soon" in (details.text or "")
    assert "Değer akışı haritalama" in (details.text or "")  # the event's own page


async def test_an_english_person_gets_the_online_link(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="1h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(
        assistant,
        "webinar-soon",
        starts_in=DAY,
        online=True,
        online_url="https://meet.cluster.example/soon",
        location=None,
    )
    sam = assistant.person("Sam", language="en")
    await sign_up(assistant, sam, event)
    clock.set(event.starts_at - timedelta(hours=1))
    await outbox.drain()
    [reminder] = [m for m in sam.emulator.bot_messages(sam.id) if "Reminder" in (m.text or "")]
    assert "Test training webinar-soon" in (reminder.text or "")
    assert "https://meet.cluster.example/soon" in (reminder.text or "")
    assert reminder.buttons == ["ℹ️ Details", "✖️ I can't come"]


async def test_only_confirmed_people_with_reminders_on_get_them(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="1h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "quiet", starts_in=DAY)
    ayse, mehmet, zeynep = (assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep"))
    kept = await sign_up(assistant, ayse, event)
    cancelled = await sign_up(assistant, mehmet, event)
    silent = await sign_up(assistant, zeynep, event)
    outcome = await assistant.services.registrations.cancel(cancelled.id, mehmet.id, event)
    assert outcome is not None
    assert await deliveries(assistant, cancelled.id) == []  # cancelling removed them
    await assistant.services.people.set_reminders(zeynep.id, False)

    clock.set(event.starts_at - timedelta(hours=1))
    await outbox.drain()
    assert len(reminders_seen(ayse)) == 1
    assert reminders_seen(mehmet) == []
    assert reminders_seen(zeynep) == []
    assert await deliveries(assistant, kept.id) == [
        ("reminder", 3600, "sent"),
        ("survey", None, "pending"),
    ]
    [row] = await assistant.fetch(
        "SELECT status, last_error FROM outbox WHERE registration_id = ? AND kind = 'reminder'",
        silent.id,
    )
    assert row == {"status": "skipped", "last_error": "reminders switched off"}


async def test_i_cant_come_cancels_after_confirmation_and_the_waiting_person_is_reminded(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="3h,1h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "one-seat", starts_in=DAY, capacity=1)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    seat = await sign_up(assistant, ayse, event)
    waiting = await sign_up(assistant, mehmet, event)
    assert waiting.status == "waitlisted"
    assert await deliveries(assistant, waiting.id) == []  # no reminders on the waiting list

    clock.set(event.starts_at - timedelta(hours=3))
    await outbox.drain()
    [reminder] = reminders_seen(ayse)
    question = await ayse.press(reminder, "Katılamayacağım")
    assert "iptal" in (question.text or "")
    done = await ayse.press(question, "Evet, iptal et")
    assert "kaydınız iptal edildi" in (done.text or "")

    # The seat went to Mehmet in the same transaction that queued his news and reminders
    # (planned from the real time of the cancel: both are ahead of it).
    assert [kind for kind, _, _ in await deliveries(assistant, waiting.id)] == [
        "promoted",
        "calendar",
        "checkin_code",
        "reminder",
        "reminder",
        "survey",
    ]
    await outbox.drain()
    news = [m for m in mehmet.emulator.bot_messages(mehmet.id) if REMINDER not in (m.text or "")]
    assert "Yer açıldı" in (news[0].text or "")
    assert news[1].document is not None and news[2].photo is not None
    [theirs] = reminders_seen(mehmet)  # by the test's clock, his 3h reminder is due too
    assert f"rg:cx:{waiting.id}" in theirs.reply_markup[1][0]["callback_data"]
    assert await deliveries(assistant, seat.id) == [("reminder", 10800, "sent")]
    assert ("reminder", 3600, "pending") in await deliveries(assistant, waiting.id)

    clock.set(event.starts_at - timedelta(hours=1))
    await outbox.drain()
    assert len(reminders_seen(mehmet)) == 2
    # Her 1h reminder went with her seat: her only message is the first one, edited in place.
    assert len(ayse.emulator.bot_messages(ayse.id)) == 1


async def test_a_restart_before_the_due_time_sends_the_reminder_once(
    start_assistant: Any,
) -> None:
    first = await start_assistant(REMINDER_OFFSETS="1h")
    event = await publish_event(first, "restart", starts_in=DAY)
    ayse = first.person("Ayşe")
    registration = await sign_up(first, ayse, event)
    await stop_application(first.application)

    second = await start_assistant(REMINDER_OFFSETS="1h")
    clock = FakeClock()
    outbox = outbox_on(second, clock)
    clock.set(event.starts_at - timedelta(hours=1))
    assert await outbox.drain() == 1
    assert await outbox.drain() == 0
    assert len(reminders_seen(ayse)) == 1
    assert await deliveries(second, registration.id) == [
        ("reminder", 3600, "sent"),
        ("survey", None, "pending"),
    ]


async def test_after_downtime_only_the_latest_due_reminder_is_sent(start_assistant: Any) -> None:
    first = await start_assistant(REMINDER_OFFSETS="3h,2h")
    event = await publish_event(first, "downtime", starts_in=DAY)
    ayse = first.person("Ayşe")
    registration = await sign_up(first, ayse, event)
    await stop_application(first.application)

    second = await start_assistant(REMINDER_OFFSETS="3h,2h")
    clock = FakeClock()
    outbox = outbox_on(second, clock)
    clock.set(event.starts_at - timedelta(seconds=20))  # both came due while down
    await outbox.drain()
    [reminder] = reminders_seen(ayse)
    assert "birazdan başlıyor" in (reminder.text or "")
    assert await deliveries(second, registration.id) == [
        ("reminder", 10800, "skipped"),
        ("reminder", 7200, "sent"),
        ("survey", None, "pending"),
    ]


async def test_a_reminder_for_an_event_that_started_during_downtime_is_missed(
    start_assistant: Any,
) -> None:
    first = await start_assistant(REMINDER_OFFSETS="1h")
    event = await publish_event(first, "started", starts_in=DAY)
    ayse = first.person("Ayşe")
    registration = await sign_up(first, ayse, event)
    await stop_application(first.application)

    second = await start_assistant(REMINDER_OFFSETS="1h")
    clock = FakeClock()
    outbox = outbox_on(second, clock)
    clock.set(event.starts_at + timedelta(seconds=1))
    await outbox.drain()
    assert reminders_seen(ayse) == []
    assert await deliveries(second, registration.id) == [
        ("reminder", 3600, "missed"),
        ("survey", None, "pending"),
    ]


async def test_a_send_interrupted_by_a_crash_is_retried_once(
    start_assistant: Any, make_settings: Any
) -> None:
    first = await start_assistant(REMINDER_OFFSETS="1h")
    event = await publish_event(first, "crash", starts_in=DAY)
    ayse, mehmet = first.person("Ayşe"), first.person("Mehmet")
    once = await sign_up(first, ayse, event)
    twice = await sign_up(first, mehmet, event)
    await stop_application(first.application)
    # What a crash mid-send leaves: rows in 'sending'; Mehmet's was interrupted before.
    database = Database(make_settings().database_path)
    await database.open()
    await database.execute(
        "UPDATE outbox SET status = 'sending' WHERE kind = 'reminder' "
        "AND registration_id IN (?, ?)",
        (once.id, twice.id),
    )
    await database.execute(
        "UPDATE outbox SET interrupted = 1 WHERE registration_id = ?", (twice.id,)
    )
    await database.close()

    second = await start_assistant(REMINDER_OFFSETS="1h")
    clock = FakeClock()
    outbox = outbox_on(second, clock)
    clock.set(event.starts_at - timedelta(hours=1))
    await outbox.drain()
    assert len(reminders_seen(ayse)) == 1
    assert reminders_seen(mehmet) == []
    assert outbox.resent == 1  # the worker tells how many went again after the crash
    assert ("reminder", 3600, "sent") in await deliveries(second, once.id)
    assert ("reminder", 3600, "failed") in await deliveries(second, twice.id)


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="2h,1h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "blocked", starts_in=DAY)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    blocked = await sign_up(assistant, ayse, event)
    await sign_up(assistant, mehmet, event)
    assistant.emulator.block(ayse.id)

    clock.set(event.starts_at - timedelta(hours=2))
    await outbox.drain()
    clock.set(event.starts_at - timedelta(hours=1))
    await outbox.drain()
    assert len(reminders_seen(mehmet)) == 2
    assert assistant.emulator.stats.forbidden == 1  # tried once, never again
    person = await assistant.services.people.get(ayse.id)
    assert person is not None and person.unreachable
    assert await deliveries(assistant, blocked.id) == [
        ("reminder", 7200, "blocked"),
        ("reminder", 3600, "skipped"),
        ("survey", None, "pending"),
    ]


async def test_a_flood_of_429s_delays_reminders_but_repeats_none(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="4h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "storm", starts_in=DAY)
    people = [assistant.person(f"Üye {n}") for n in range(6)]
    registrations = [await sign_up(assistant, person, event) for person in people]
    assistant.emulator.global_rate_limit = 2  # messages a second, far below the bot's 25

    clock.set(event.starts_at - timedelta(hours=4))
    rounds = 0
    while any(not reminders_seen(person) for person in people):
        rounds += 1
        assert rounds < 50, "the reminders never all went out"
        await outbox.drain()
        clock.advance(1)  # postponed rows come due after their retry_after
    assert assistant.emulator.stats.rate_limited > 0
    # Every row is finished as sent: nothing is waiting to go a second time.
    for registration in registrations:
        assert ("reminder", 14400, "sent") in await deliveries(assistant, registration.id)
    assert [len(reminders_seen(person)) for person in people] == [1] * 6


async def test_cancelling_an_event_tells_every_registrant_and_drops_reminders(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="24h,1h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "called-off", starts_in=3 * DAY, capacity=1)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet", language="en")
    seat = await sign_up(assistant, ayse, event)
    waiting = await sign_up(assistant, mehmet, event)
    await assistant.services.people.set_reminders(ayse.id, False)  # notices still go

    told = await cancel_event(assistant.services, STAFF_ID, event)
    assert told == 2
    clock.advance(1)  # the notices are due at once: a second later they are out
    await outbox.drain()
    [notice] = ayse.emulator.bot_messages(ayse.id)
    assert "iptal edildi" in (notice.text or "")
    assert "Deneme eğitimi called-off" in (notice.text or "")
    assert notice.buttons == ["📅 Tüm etkinlikler"]
    [english] = mehmet.emulator.bot_messages(mehmet.id)
    assert "cancelled" in (english.text or "")
    assert "Test training called-off" in (english.text or "")

    assert assistant.services.catalogue.event("called-off") is None
    [row] = await assistant.fetch("SELECT status FROM events WHERE id = 'called-off'")
    assert row["status"] == "cancelled"
    statuses = await assistant.fetch(
        "SELECT status FROM registrations WHERE event_id = 'called-off'"
    )
    assert statuses == [{"status": "cancelled"}, {"status": "cancelled"}]
    assert await deliveries(assistant, seat.id) == [("event_cancelled", None, "sent")]
    assert await deliveries(assistant, waiting.id) == [("event_cancelled", None, "sent")]
    assert await cancel_event(assistant.services, STAFF_ID, event) is None  # once only


async def test_moving_an_event_moves_its_reminders_and_tells_the_person(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="24h,2h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "moved", starts_in=2 * DAY)
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    assert [kind for kind, _, _ in await deliveries(assistant, registration.id)] == [
        "reminder",
        "reminder",
        "survey",
    ]

    starts_at = (datetime.now(UTC) + timedelta(hours=5)).replace(microsecond=0)
    moved = replace(
        event,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        registration_deadline=None,
    )
    change = await change_event(assistant.services, STAFF_ID, event, moved)
    assert change is not None and change.notified == 1
    clock.advance(1)
    await outbox.drain()
    # The notice, then the seat's calendar file for the new time.
    [notice, calendar] = ayse.emulator.bot_messages(ayse.id)
    assert "zamanı değişti" in (notice.text or "")
    assert "Önceki:" in (notice.text or "")
    assert calendar.document is not None and calendar.document.filename == "moved.ics"
    stored = assistant.services.catalogue.event("moved")
    assert stored is not None and stored.starts_at == starts_at
    # The 24h reminder is already past for the new time; only the 2h one is planned.
    assert await deliveries(assistant, registration.id) == [
        ("event_changed", None, "sent"),
        ("calendar", None, "sent"),
        ("reminder", 7200, "pending"),
        ("survey", None, "pending"),
    ]
    clock.set(starts_at - timedelta(hours=2))
    await outbox.drain()
    [reminder] = reminders_seen(ayse)
    assert "Deneme eğitimi moved" in (reminder.text or "")


async def test_only_people_marked_present_get_the_survey_even_after_downtime(
    start_assistant: Any,
) -> None:
    first = await start_assistant(FEEDBACK_DELAY="2h")
    event = await publish_event(first, "attended", starts_in=DAY, lasts=3600)
    ayse, mehmet = first.person("Ayşe"), first.person("Mehmet")
    present = await sign_up(first, ayse, event)
    absent = await sign_up(first, mehmet, event)
    await first.services.database.execute(
        "UPDATE registrations SET attended = (id = ?) WHERE event_id = 'attended'", (present.id,)
    )
    await stop_application(first.application)

    second = await start_assistant(FEEDBACK_DELAY="2h")
    clock = FakeClock()
    outbox = outbox_on(second, clock)
    clock.set(event.ends_at + timedelta(hours=3))  # the survey came due while down
    await outbox.drain()
    assert any("nasıl buldunuz" in text for text in ayse.texts())
    assert mehmet.texts() == []
    assert await deliveries(second, present.id) == [
        ("reminder", 3600, "missed"),
        ("survey", None, "sent"),
    ]
    assert await deliveries(second, absent.id) == [
        ("reminder", 3600, "missed"),
        ("survey", None, "skipped"),
    ]


async def test_a_people_export_and_erasure_cover_reminders_and_feedback(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="24h", FEEDBACK_DELAY="1h")
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "private", starts_in=3600, lasts=3600)
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    clock.set(event.ends_at + timedelta(hours=1))
    await outbox.drain()
    survey = ayse.last()
    assert "nasıl buldunuz" in (survey.text or "")
    await ayse.press(survey, "5")  # counted at once (tests/test_feedback.py has the rest)

    exported = await assistant.services.people.personal_data(ayse.id)
    assert exported["feedback"][0]["rating"] == 5
    assert [row["kind"] for row in exported["deliveries"]] == ["survey"]

    await assistant.services.people.erase(ayse.id)
    [answer] = await assistant.fetch("SELECT * FROM feedback")
    assert (answer["registration_id"], answer["rating"], answer["comment"]) == (
        registration.id,
        5,
        None,
    )
    assert await assistant.fetch("SELECT * FROM outbox") == []


async def test_nothing_is_sent_for_a_plain_future_event(start_assistant: Any) -> None:
    assistant = await start_assistant()
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    event = await publish_event(assistant, "later", starts_in=7 * DAY)
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    assert await deliveries(assistant, registration.id) == [
        ("reminder", DAY, "pending"),
        ("reminder", 3600, "pending"),
        ("survey", None, "pending"),
    ]
    clock.advance(5 * DAY)
    assert await outbox.drain() == 0
    assert ayse.emulator.bot_messages(ayse.id) == []
