"""What staff do with one event's registrations, and what registrants get when it changes."""

from __future__ import annotations

import icalendar

from bot.devtools.emulator import Message
from tests.conftest import Assistant
from tests.test_signup import open_event, signed_up_person
from tests.test_staff_events import local, open_staff_event, staff_member


def calendar_entry(message: Message) -> icalendar.cal.Component:
    """Return the one entry of a calendar file the bot sent."""
    assert message.document is not None and message.document.filename.endswith(".ics")
    [entry] = icalendar.Calendar.from_ical(message.document.content).walk("VEVENT")
    return entry


async def test_a_full_event_shows_each_registrant_their_own_place(assistant: Assistant) -> None:
    await assistant.add_event("packed", capacity=1)
    ali = await signed_up_person(assistant, "Ali", "packed", company="Ali Makina")
    ayse = await signed_up_person(assistant, "Ayşe", "packed", company="Ayşe Tekstil")
    cem = assistant.person("Cem")

    held = (await open_event(ali, "packed")).text or ""
    assert "Yeriniz ayrıldı" in held and "Kontenjan doldu" not in held
    assert "Kaydınız onaylı" in held
    waiting = (await open_event(ayse, "packed")).text or ""
    assert "Kontenjan doldu; bekleme listesindesiniz." in waiting
    assert "bekleme listesine kayıt olabilirsiniz" not in waiting
    outsider = await open_event(cem, "packed")
    assert "Kontenjan doldu; bekleme listesine kayıt olabilirsiniz" in (outsider.text or "")
    assert "Yeriniz ayrıldı" not in (outsider.text or "")
    rows = await assistant.fetch(
        "SELECT status FROM registrations WHERE event_id = 'packed' ORDER BY id"
    )
    assert [row["status"] for row in rows] == ["confirmed", "waitlisted"]


async def test_a_move_sends_confirmed_people_the_calendar_file_again(
    assistant: Assistant,
) -> None:
    await assistant.add_event("moved-ics", capacity=1)
    ali = await signed_up_person(assistant, "Ali", "moved-ics", company="Ali Makina")
    ayse = await signed_up_person(assistant, "Ayşe", "moved-ics", company="Ayşe Tekstil")
    [first_file] = [m for m in ali.emulator.bot_messages(ali.id) if m.document is not None]
    first = calendar_entry(first_file)
    assert int(first.get("sequence")) == 0

    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği moved-ics")
    await elif_.press(page, "🗓 Tarih ve saat")
    new_start = local(12, 10, 0)
    await elif_.says(new_start.strftime("%d.%m.%Y %H:%M"))
    preview = await elif_.says("12:00")
    await elif_.press(preview, "✅ Değişikliği kaydet")

    notice = await ali.emulator.wait_for_bot_message(ali.id, contains="Etkinlikte değişiklik")
    assert "Güncel takvim dosyasını" in (notice.text or "")
    update = await ali.emulator.wait_for_bot_message(
        ali.id, after=notice, predicate=lambda m: m.document is not None
    )
    moved = calendar_entry(update)
    # The same entry, a higher sequence: calendars move it rather than add a second one.
    assert str(moved.get("uid")) == str(first.get("uid"))
    assert int(moved.get("sequence")) > int(first.get("sequence"))
    assert moved.decoded("dtstart") == new_start
    # Someone on the waiting list holds no seat to put in a calendar.
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Etkinlikte değişiklik")
    assert "takvim dosyası" not in (told.text or "")
    await assistant.emulator.wait_idle()
    assert [m for m in ayse.emulator.bot_messages(ayse.id) if m.document is not None] == []
    rows = await assistant.fetch(
        "SELECT o.kind, o.person_id, o.status, o.after_id IS NOT NULL AS follows "
        "FROM outbox o WHERE o.event_id = 'moved-ics' AND o.kind IN ('event_changed', "
        "'calendar') ORDER BY o.id"
    )
    assert [(r["kind"], r["person_id"], r["status"], r["follows"]) for r in rows] == [
        ("event_changed", ali.id, "sent", 0),
        ("event_changed", ayse.id, "sent", 0),
        ("calendar", ali.id, "sent", 1),
    ]
    [event] = await assistant.fetch("SELECT calendar_sequence FROM events WHERE id = 'moved-ics'")
    assert event["calendar_sequence"] == int(moved.get("sequence"))
    # The page's calendar button gives the file as it is now, with the same sequence.
    again = await open_event(ali, "moved-ics")
    await ali.emulator.press_button(ali.user, again, "Takvim dosyası")
    pressed = await ali.emulator.wait_for_bot_message(
        ali.id, predicate=lambda m: m.document is not None
    )
    assert int(calendar_entry(pressed).get("sequence")) == event["calendar_sequence"]
