"""Reminders, notices and the feedback survey, end to end: on time, once, through restarts.

Offsets are seconds here (REMINDER_OFFSETS="2s,1s") and events start a few seconds ahead,
so every scenario runs in real time within a few seconds.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import bot.outbox.worker
from bot.app import stop_application
from bot.devtools.emulator import EmulatorTimeout, Message
from bot.domain.event_changes import cancel_event, change_event
from storage.content import Event, catalogue_to_document, parse_catalogue
from storage.database import Database
from storage.feedback import FeedbackRepository
from storage.registrations import Registration
from tests.conftest import STAFF_ID, Assistant, Person

REMINDER = "Hatırlatma"


@pytest.fixture(autouse=True)
def quick_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sweep the outbox every quarter second: due times are whole seconds anyway."""
    monkeypatch.setattr(bot.outbox.worker, "SWEEP_INTERVAL", 0.25)


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
    # Whole seconds, as stored; rounded up so the event never starts earlier than asked.
    asked = datetime.now(UTC) + timedelta(seconds=starts_in)
    starts_at = asked.replace(microsecond=0) + timedelta(seconds=1 if asked.microsecond else 0)
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


async def deliveries(assistant: Assistant, registration_id: int) -> list[tuple[str, int, str]]:
    """Return (kind, offset seconds, status) of a registration's outbox rows, in due order.

    A message shows in the chat a moment before its row is marked: wait out 'sending' first.
    """
    for _ in range(100):
        if not await assistant.fetch("SELECT id FROM outbox WHERE status = 'sending'"):
            break
        await asyncio.sleep(0.02)
    rows = await assistant.fetch(
        "SELECT kind, offset_seconds, status FROM outbox WHERE registration_id = ? "
        "ORDER BY due_at, id",
        registration_id,
    )
    return [(row["kind"], row["offset_seconds"], row["status"]) for row in rows]


def reminders_seen(person: Person) -> list[Message]:
    return [m for m in person.emulator.bot_messages(person.id) if REMINDER in (m.text or "")]


async def wait_until(moment: datetime) -> None:
    """Let real time pass: the bot is down and nothing can be waited on."""
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


async def test_reminders_arrive_on_time_with_the_event_and_its_buttons(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="2s,1s")
    event = await publish_event(assistant, "soon", starts_in=2.3)
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    assert await deliveries(assistant, registration.id) == [
        ("reminder", 2, "pending"),
        ("reminder", 1, "pending"),
        ("survey", None, "pending"),
    ]

    first = await ayse.emulator.wait_for_bot_message(ayse.id, contains=REMINDER, timeout=4)
    late = datetime.now(UTC) - (event.starts_at - timedelta(seconds=2))
    assert timedelta(0) <= late < timedelta(seconds=1.5)
    text = first.text or ""
    assert "Deneme eğitimi soon" in text
    assert "başlıyor" in text
    assert "Küme Eğitim Salonu, Ankara" in text  # the place, in her language
    assert first.buttons == ["ℹ️ Ayrıntılar", "✖️ Katılamayacağım"]
    assert first.reply_markup[0][0]["callback_data"] == "ev:s:soon:a:0"
    assert first.reply_markup[1][0]["callback_data"] == f"rg:cx:{registration.id}"

    second = await ayse.next_message(first, contains=REMINDER, timeout=4)
    late = datetime.now(UTC) - (event.starts_at - timedelta(seconds=1))
    assert timedelta(0) <= late < timedelta(seconds=1.5)
    assert len(reminders_seen(ayse)) == 2
    assert await deliveries(assistant, registration.id) == [
        ("reminder", 2, "sent"),
        ("reminder", 1, "sent"),
        ("survey", None, "pending"),
    ]

    details = await ayse.press(second, "Ayrıntılar")
    assert "Deneme eğitimi soon" in (details.text or "")
    assert "Değer akışı haritalama" in (details.text or "")  # the event's own page


async def test_an_english_person_gets_the_online_link(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="1s")
    event = await publish_event(
        assistant,
        "webinar-soon",
        starts_in=1.3,
        online=True,
        online_url="https://meet.cluster.example/soon",
        location=None,
    )
    sam = assistant.person("Sam", language="en")
    await sign_up(assistant, sam, event)
    reminder = await sam.emulator.wait_for_bot_message(sam.id, contains="Reminder", timeout=5)
    assert "Test training webinar-soon" in (reminder.text or "")
    assert "https://meet.cluster.example/soon" in (reminder.text or "")
    assert reminder.buttons == ["ℹ️ Details", "✖️ I can't come"]


async def test_only_confirmed_people_with_reminders_on_get_them(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="1s")
    event = await publish_event(assistant, "quiet", starts_in=1.3)
    ayse, mehmet, zeynep = (assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep"))
    kept = await sign_up(assistant, ayse, event)
    cancelled = await sign_up(assistant, mehmet, event)
    silent = await sign_up(assistant, zeynep, event)
    outcome = await assistant.services.registrations.cancel(cancelled.id, mehmet.id, event)
    assert outcome is not None
    assert await deliveries(assistant, cancelled.id) == []  # cancelling removed them
    await assistant.services.people.set_reminders(zeynep.id, False)

    await ayse.emulator.wait_for_bot_message(ayse.id, contains=REMINDER, timeout=5)
    await assistant.emulator.wait_idle(quiet=0.3)
    assert reminders_seen(mehmet) == []
    assert reminders_seen(zeynep) == []
    assert await deliveries(assistant, kept.id) == [
        ("reminder", 1, "sent"),
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
    assistant = await start_assistant(REMINDER_OFFSETS="3s,1s")
    event = await publish_event(assistant, "one-seat", starts_in=3.3, capacity=1)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    seat = await sign_up(assistant, ayse, event)
    waiting = await sign_up(assistant, mehmet, event)
    assert waiting.status == "waitlisted"
    assert await deliveries(assistant, waiting.id) == []  # no reminders on the waiting list

    reminder = await ayse.emulator.wait_for_bot_message(ayse.id, contains=REMINDER, timeout=6)
    question = await ayse.press(reminder, "Katılamayacağım")
    assert "iptal" in (question.text or "")
    done = await ayse.press(question, "Evet, iptal et")
    assert "kaydınız iptal edildi" in (done.text or "")

    promoted = await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="Yer açıldı")
    assert await deliveries(assistant, seat.id) == [("reminder", 3, "sent")]
    assert ("reminder", 1, "pending") in await deliveries(assistant, waiting.id)
    theirs = await mehmet.next_message(promoted, contains=REMINDER, timeout=4)
    assert f"rg:cx:{waiting.id}" in theirs.reply_markup[1][0]["callback_data"]
    await assistant.emulator.wait_idle(quiet=0.3)
    # Her 1s reminder went with her seat: her only message is the first one, edited in place.
    assert len(ayse.emulator.bot_messages(ayse.id)) == 1


async def test_a_restart_before_the_due_time_sends_the_reminder_once(
    start_assistant: Any,
) -> None:
    first = await start_assistant(REMINDER_OFFSETS="1s")
    event = await publish_event(first, "restart", starts_in=2.3)
    ayse = first.person("Ayşe")
    registration = await sign_up(first, ayse, event)
    await stop_application(first.application)

    second = await start_assistant(REMINDER_OFFSETS="1s")
    await ayse.emulator.wait_for_bot_message(ayse.id, contains=REMINDER, timeout=6)
    await second.emulator.wait_idle(quiet=0.5)
    assert len(reminders_seen(ayse)) == 1
    assert await deliveries(second, registration.id) == [
        ("reminder", 1, "sent"),
        ("survey", None, "pending"),
    ]


async def test_after_downtime_only_the_latest_due_reminder_is_sent(start_assistant: Any) -> None:
    first = await start_assistant(REMINDER_OFFSETS="3s,2s")
    event = await publish_event(first, "downtime", starts_in=3.3)
    ayse = first.person("Ayşe")
    registration = await sign_up(first, ayse, event)
    await stop_application(first.application)
    await wait_until(event.starts_at - timedelta(seconds=1.8))  # both came due while down

    second = await start_assistant(REMINDER_OFFSETS="3s,2s")
    reminder = await ayse.emulator.wait_for_bot_message(ayse.id, contains=REMINDER, timeout=3)
    assert datetime.now(UTC) < event.starts_at
    assert "birazdan başlıyor" in (reminder.text or "")
    await second.emulator.wait_idle(quiet=0.3)
    assert len(reminders_seen(ayse)) == 1
    assert await deliveries(second, registration.id) == [
        ("reminder", 3, "skipped"),
        ("reminder", 2, "sent"),
        ("survey", None, "pending"),
    ]


async def test_a_reminder_for_an_event_that_started_during_downtime_is_missed(
    start_assistant: Any,
) -> None:
    first = await start_assistant(REMINDER_OFFSETS="1s")
    event = await publish_event(first, "started", starts_in=1.3)
    ayse = first.person("Ayşe")
    registration = await sign_up(first, ayse, event)
    await stop_application(first.application)
    await wait_until(event.starts_at + timedelta(seconds=0.2))

    second = await start_assistant(REMINDER_OFFSETS="1s")
    await second.emulator.wait_idle(quiet=0.5)
    assert reminders_seen(ayse) == []
    assert await deliveries(second, registration.id) == [
        ("reminder", 1, "missed"),
        ("survey", None, "pending"),
    ]


async def test_a_send_interrupted_by_a_crash_is_retried_once(
    start_assistant: Any, make_settings: Any
) -> None:
    first = await start_assistant(REMINDER_OFFSETS="1s")
    event = await publish_event(first, "crash", starts_in=1.5)
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

    second = await start_assistant(REMINDER_OFFSETS="1s")
    await ayse.emulator.wait_for_bot_message(ayse.id, contains=REMINDER, timeout=5)
    await second.emulator.wait_idle(quiet=0.3)
    assert len(reminders_seen(ayse)) == 1
    assert reminders_seen(mehmet) == []
    assert ("reminder", 1, "sent") in await deliveries(second, once.id)
    assert ("reminder", 1, "failed") in await deliveries(second, twice.id)


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="2s,1s")
    event = await publish_event(assistant, "blocked", starts_in=2.3)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    blocked = await sign_up(assistant, ayse, event)
    await sign_up(assistant, mehmet, event)
    assistant.emulator.block(ayse.id)

    first = await mehmet.emulator.wait_for_bot_message(mehmet.id, contains=REMINDER, timeout=4)
    await mehmet.next_message(first, contains=REMINDER, timeout=4)
    await assistant.emulator.wait_idle(quiet=0.3)
    assert assistant.emulator.stats.forbidden == 1  # tried once, never again
    person = await assistant.services.people.get(ayse.id)
    assert person is not None and person.unreachable
    assert await deliveries(assistant, blocked.id) == [
        ("reminder", 2, "blocked"),
        ("reminder", 1, "skipped"),
        ("survey", None, "pending"),
    ]


async def test_a_flood_of_429s_delays_reminders_but_repeats_none(start_assistant: Any) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="4s")
    event = await publish_event(assistant, "storm", starts_in=4.3)
    people = [assistant.person(f"Üye {n}") for n in range(6)]
    registrations = [await sign_up(assistant, person, event) for person in people]
    assistant.emulator.global_rate_limit = 2  # messages a second, far below the bot's 25

    for person in people:
        await person.emulator.wait_for_bot_message(person.id, contains=REMINDER, timeout=8)
    assert assistant.emulator.stats.rate_limited > 0
    # Every row is finished as sent: nothing is waiting to go a second time.
    for registration in registrations:
        assert ("reminder", 4, "sent") in await deliveries(assistant, registration.id)
    assert [len(reminders_seen(person)) for person in people] == [1] * 6


async def test_cancelling_an_event_tells_every_registrant_and_drops_reminders(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="24h,1h")
    event = await publish_event(assistant, "called-off", starts_in=3 * 86400, capacity=1)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet", language="en")
    seat = await sign_up(assistant, ayse, event)
    waiting = await sign_up(assistant, mehmet, event)
    await assistant.services.people.set_reminders(ayse.id, False)  # notices still go

    told = await cancel_event(assistant.services, STAFF_ID, event)
    assert told == 2
    notice = await ayse.emulator.wait_for_bot_message(ayse.id, contains="iptal edildi")
    assert "Deneme eğitimi called-off" in (notice.text or "")
    assert notice.buttons == ["📅 Tüm etkinlikler"]
    english = await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="cancelled")
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
    assistant = await start_assistant(REMINDER_OFFSETS="24h,2s")
    event = await publish_event(assistant, "moved", starts_in=2 * 86400)
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    assert [kind for kind, _, _ in await deliveries(assistant, registration.id)] == [
        "reminder",
        "reminder",
        "survey",
    ]

    soon = datetime.now(UTC) + timedelta(seconds=2.3)
    starts_at = soon.replace(microsecond=0) + timedelta(seconds=1)
    moved = replace(
        event,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        registration_deadline=None,
    )
    change = await change_event(assistant.services, STAFF_ID, event, moved)
    assert change is not None and change.notified == 1
    notice = await ayse.emulator.wait_for_bot_message(ayse.id, contains="zamanı değişti")
    assert "Önceki:" in (notice.text or "")
    assert assistant.services.catalogue.event("moved").starts_at == starts_at  # type: ignore[union-attr]
    # The 24h reminder is already past for the new time; only the 2s one is planned.
    assert await deliveries(assistant, registration.id) == [
        ("event_changed", None, "sent"),
        ("reminder", 2, "pending"),
        ("survey", None, "pending"),
    ]
    reminder = await ayse.next_message(notice, contains=REMINDER, timeout=5)
    late = datetime.now(UTC) - (starts_at - timedelta(seconds=2))
    assert timedelta(0) <= late < timedelta(seconds=1.5)
    assert "Deneme eğitimi moved" in (reminder.text or "")


async def test_the_survey_is_answered_then_answered_again_and_replaced(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(FEEDBACK_DELAY="1s")
    event = await publish_event(assistant, "done", starts_in=0.3, lasts=1)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    registration = await sign_up(assistant, ayse, event)

    survey = await ayse.emulator.wait_for_bot_message(ayse.id, contains="nasıl buldunuz", timeout=6)
    assert survey.buttons == ["1", "2", "3", "4", "5"]
    rated = await ayse.press(survey, "4")
    assert "(4/5)" in (rated.text or "")
    assert "Yorum eklemeden bitir" in rated.buttons
    thanks = await ayse.says("Uygulamalı kısım çok faydalıydı <teşekkürler>")
    assert "Uygulamalı kısım çok faydalıydı &lt;teşekkürler&gt;" in (thanks.html or "")
    [answer] = await assistant.fetch("SELECT * FROM feedback")
    assert (answer["rating"], answer["comment"]) == (
        4,
        "Uygulamalı kısım çok faydalıydı <teşekkürler>",
    )

    again = await ayse.press(thanks, "2")  # answering again replaces the whole answer
    assert "(2/5)" in (again.text or "")
    await ayse.press(again, "Yorum eklemeden bitir")
    [answer] = await assistant.fetch("SELECT * FROM feedback")
    assert (answer["registration_id"], answer["rating"], answer["comment"]) == (
        registration.id,
        2,
        None,
    )
    after_skip = await ayse.says("etkinlik takvimi nerede")  # no longer a comment
    assert "Yorumunuz" not in (after_skip.text or "")
    summary = await FeedbackRepository(assistant.services.database).summary("done")
    assert (summary.answers, summary.average, summary.comments) == (1, 2.0, 0)

    # Someone else's survey button changes nothing and gets a polite answer.
    await mehmet.says("/start")
    query = await assistant.emulator.press_callback(
        mehmet.user, mehmet.last(), f"fb:{registration.id}:5"
    )
    reply = await assistant.emulator.wait_for_callback_answer(query)
    assert reply.show_alert and "artık geçerli değil" in (reply.text or "")
    [answer] = await assistant.fetch("SELECT rating FROM feedback")
    assert answer["rating"] == 2


async def test_only_people_marked_present_get_the_survey_even_after_downtime(
    start_assistant: Any,
) -> None:
    first = await start_assistant(FEEDBACK_DELAY="1s")
    event = await publish_event(first, "attended", starts_in=0.3, lasts=1)
    ayse, mehmet = first.person("Ayşe"), first.person("Mehmet")
    present = await sign_up(first, ayse, event)
    absent = await sign_up(first, mehmet, event)
    await first.services.database.execute(
        "UPDATE registrations SET attended = (id = ?) WHERE event_id = 'attended'", (present.id,)
    )
    await stop_application(first.application)
    await wait_until(event.ends_at + timedelta(seconds=1.2))  # the survey came due while down

    second = await start_assistant(FEEDBACK_DELAY="1s")
    await ayse.emulator.wait_for_bot_message(ayse.id, contains="nasıl buldunuz", timeout=3)
    await second.emulator.wait_idle(quiet=0.3)
    assert mehmet.texts() == []
    assert await deliveries(second, present.id) == [("survey", None, "sent")]
    assert await deliveries(second, absent.id) == [("survey", None, "skipped")]


async def test_a_people_export_and_erasure_cover_reminders_and_feedback(
    start_assistant: Any,
) -> None:
    assistant = await start_assistant(REMINDER_OFFSETS="24h", FEEDBACK_DELAY="1s")
    event = await publish_event(assistant, "private", starts_in=0.3, lasts=1)
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    survey = await ayse.emulator.wait_for_bot_message(ayse.id, contains="nasıl buldunuz", timeout=6)
    rated = await ayse.press(survey, "5")
    await ayse.emulator.send_message(ayse.user, "Harikaydı")
    await ayse.next_message(rated, contains="Harikaydı")

    exported = await assistant.services.people.personal_data(ayse.id)
    assert exported["feedback"][0]["comment"] == "Harikaydı"
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
    event = await publish_event(assistant, "later", starts_in=7 * 86400)
    ayse = assistant.person("Ayşe")
    registration = await sign_up(assistant, ayse, event)
    assert await deliveries(assistant, registration.id) == [
        ("reminder", 86400, "pending"),
        ("reminder", 3600, "pending"),
        ("survey", None, "pending"),
    ]
    with pytest.raises(EmulatorTimeout):
        await ayse.emulator.wait_for_bot_message(ayse.id, timeout=0.6)
