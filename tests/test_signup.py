"""Signing up the way a person does: consent, the form, seats, the waiting list, cancelling."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import icalendar
import pytest

from bot.devtools.emulator import Message
from handlers import forms, profile
from tests.conftest import Assistant, Person, StartAssistant


def has_button(message: Message, label: str) -> bool:
    """Tell whether a message has a button whose label contains `label`."""
    return any(label in button for button in message.buttons)


async def open_event(person: Person, event_id: str) -> Message:
    """Open an event through its deep link."""
    return await person.says(f"/start event_{event_id}")


async def fill_profile(
    person: Person,
    consent_screen: Message,
    *,
    company: str = "Anadolu Makina A.Ş.",
    email: str | None = "ayse@anadolu.example",
) -> Message:
    """Answer the form from the privacy notice on, saying no to announcements; return the
    first message after it."""
    name_step = await person.press(consent_screen, "Okudum, devam")
    assert "Adınız ve soyadınız" in (name_step.text or "")
    company_step = await person.press(name_step, 0)  # the Telegram name, one tap
    assert "Hangi firmada" in (company_step.text or "")
    sector_step = await person.says(company)
    assert "hangi sektörde" in (sector_step.text or "")
    phone_step = await person.press(sector_step, "Tekstil ve hazır giyim")
    assert "Telefon numaranız" in (phone_step.text or "")
    await person.emulator.send_message(person.user, "0532 123 45 67")
    email_step = await person.emulator.wait_for_bot_message(person.id, contains="E-posta")
    if email is None:
        announcements = await person.press(email_step, "Atla")
    else:
        announcements = await person.says(email)
    assert "duyuru" in (announcements.text or "")
    result = await person.press(announcements, "Hayır, teşekkürler")
    await person.emulator.wait_idle()  # the calendar file follows the confirmation
    return result


async def test_first_sign_up_asks_consent_then_the_form_then_confirms(
    assistant: Assistant,
) -> None:
    await assistant.add_event("small-course", capacity=10)
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    page = await open_event(ayse, "small-course")
    consent = await ayse.press(page, "Kayıt ol")
    # The privacy notice from the content, with the controller from the cluster's details.
    assert "Veri sorumlusu: Makine ve Tekstil Kümesi" in (consent.text or "")
    assert consent.buttons == ["✅ Okudum, devam"]
    confirmation = await fill_profile(ayse, consent)
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    assert "Test etkinliği small-course" in (confirmation.text or "")
    ics = await ayse.next_message(confirmation, predicate=lambda m: m.document is not None)
    assert ics.document is not None and ics.document.filename == "small-course.ics"

    [person] = await assistant.fetch("SELECT * FROM people WHERE id = ?", ayse.id)
    assert person["full_name"] == "Ayşe Yılmaz"
    assert person["company"] == "Anadolu Makina A.Ş."
    assert person["company_key"] == "anadolumakinaas"
    assert person["sector_id"] == "textile"
    assert person["phone"] == "05321234567"
    assert person["email"] == "ayse@anadolu.example"
    assert person["informed_at"] is not None and person["notice_version"] == "2027-01"
    assert person["announcements_on"] == 0  # she said no
    assert await assistant.fetch("SELECT * FROM consents") == []
    [registration] = await assistant.fetch(
        "SELECT * FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registration["status"] == "confirmed"
    assert registration["event_id"] == "small-course"


async def test_the_calendar_file_parses_back_with_the_right_times(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    page = await open_event(ayse, "grants-infoday-2027-01")
    confirmation = await fill_profile(ayse, await ayse.press(page, "Kayıt ol"))
    assert "https://meet.cluster.example/grants-2027" in (confirmation.text or "")
    ics = await ayse.next_message(confirmation, predicate=lambda m: m.document is not None)
    assert ics.document is not None
    calendar = icalendar.Calendar.from_ical(ics.document.content)
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtstart").isoformat() == "2027-01-28T14:00:00+03:00"
    assert entry.decoded("dtend").isoformat() == "2027-01-28T16:00:00+03:00"
    assert str(entry.get("location")) == "https://meet.cluster.example/grants-2027"
    assert "açık çağrılar" in str(entry.get("description"))
    [registration] = await assistant.fetch(
        "SELECT id FROM registrations WHERE person_id = ?", ayse.id
    )
    assert (
        str(entry.get("uid"))
        == f"registration-{registration['id']}-grants-infoday-2027-01@cluster.example"
    )
    assert calendar.walk("VTIMEZONE")  # the zone travels with the file
    # The calendar button sends the same entry again (the UID is stable).
    again_page = await open_event(ayse, "grants-infoday-2027-01")
    await ayse.emulator.press_button(ayse.user, again_page, "Takvim dosyası")
    second = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None
    )
    assert second.document is not None
    again = icalendar.Calendar.from_ical(second.document.content)
    assert str(again.walk("VEVENT")[0].get("uid")) == str(entry.get("uid"))


@pytest.mark.usefixtures("unpaced")
async def test_wrong_answers_are_asked_again_with_a_reason(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "lean-2027-01"), "Kayıt ol")
    await ayse.press(consent, "Okudum, devam")
    again = await ayse.says("!!")
    assert "harflerle yazın" in (again.text or "") and "Adınız" in (again.text or "")
    too_long = await ayse.says("A" * 300)
    assert "daha kısa" in (too_long.text or "")
    await ayse.emulator.send_sticker(ayse.user)
    sticker = await ayse.emulator.wait_for_bot_message(ayse.id)
    assert "Adınız" in (sticker.text or "")
    company_step = await ayse.says("Ayşe Kaya")
    back = await ayse.press(company_step, "Geri")
    assert "Adınız" in (back.text or "")
    company_step = await ayse.says("Ayşe Kaya")
    sector_step = await ayse.says("Kaya Tekstil")
    typed = await ayse.says("tekstil")
    assert "düğmelerden birini" in (typed.text or "")
    phone_step = await ayse.press(sector_step, "Tekstil ve hazır giyim")
    assert "📱 Numaramı paylaş" in phone_step.buttons  # Telegram's share-contact button
    bad_phone = await ayse.says("abc")
    assert "telefon numarasına benzemiyor" in (bad_phone.text or "")
    await ayse.emulator.send_contact(ayse.user, "+90 555 111 22 33")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="E-posta")
    bad_email = await ayse.says("ayse@")
    assert "e-posta adresine benzemiyor" in (bad_email.text or "")
    announcements = await ayse.press(email_step, "Atla")
    done = await ayse.press(announcements, "Hayır, teşekkürler")
    assert "Kaydınız onaylandı" in (done.text or "")
    [person] = await assistant.fetch("SELECT phone, email FROM people WHERE id = ?", ayse.id)
    assert person == {"phone": "+905551112233", "email": None}


async def test_cancel_leaves_the_form_and_keeps_nothing_typed(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "lean-2027-01"), "Kayıt ol")
    await ayse.press(consent, "Okudum, devam")
    await ayse.says("Ayşe Kaya")
    cancelled = await ayse.says("/cancel")
    assert "formu kapattım" in (cancelled.text or "")
    [person] = await assistant.fetch("SELECT full_name FROM people WHERE id = ?", ayse.id)
    assert person["full_name"] is None
    # Typed text is a question again.
    answer = await ayse.says("eğitimler ücretli mi")
    assert "Eğitimler ücretli mi?" in (answer.text or "")


async def test_an_abandoned_form_times_out_and_says_so(
    start_assistant: StartAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile, "FORM_TIMEOUT", 1)
    monkeypatch.setattr(forms, "SWEEP_INTERVAL", 0.2)
    running: Assistant = await start_assistant()
    ayse = running.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "lean-2027-01"), "Kayıt ol")
    await ayse.press(consent, "Okudum, devam")
    closed = await ayse.emulator.wait_for_bot_message(
        ayse.id, contains="yanıt gelmediği için", timeout=10
    )
    assert "/profile" in (closed.text or "")


async def test_signing_up_twice_shows_the_existing_registration(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    page = await open_event(ayse, "lean-2027-01")
    await fill_profile(ayse, await ayse.press(page, "Kayıt ol"))
    page = await open_event(ayse, "lean-2027-01")
    assert "Kaydınız onaylı." in (page.text or "")
    assert "<b>Kaydınız onaylı.</b>" in (page.html or "")  # bold, not shown as tags
    assert "✅ Kayıt ol" not in page.buttons
    query = await ayse.emulator.press_callback(ayse.user, page, "rg:new:lean-2027-01")
    await ayse.emulator.wait_for_callback_answer(query)
    again = await ayse.emulator.wait_for_bot_message(ayse.id, contains="zaten onaylı")
    assert "dosyayı aşağıda" not in (again.text or "")
    rows = await assistant.fetch("SELECT * FROM registrations WHERE person_id = ?", ayse.id)
    assert len(rows) == 1


async def signed_up_person(assistant: Assistant, name: str, event_id: str, **form: Any) -> Person:
    person = assistant.person(name)
    page = await open_event(person, event_id)
    await fill_profile(person, await person.press(page, 0), **form)
    return person


async def test_two_people_race_for_the_last_seat(assistant: Assistant) -> None:
    await assistant.add_event("last-seat", capacity=2)
    first = await signed_up_person(assistant, "Ali", "last-seat", company="Ali Makina")
    ayse = assistant.person("Ayşe")
    mehmet = assistant.person("Mehmet")
    pages = {}
    for person, company in ((ayse, "Ayşe Tekstil"), (mehmet, "Mehmet Döküm")):
        # Both complete their profile first, then press at the same moment.
        profile_page = await person.says("/profile")
        await fill_profile(person, profile_page, company=company)
        pages[person.id] = await open_event(person, "last-seat")
    await asyncio.gather(
        ayse.emulator.press_button(ayse.user, pages[ayse.id], "Kayıt ol"),
        mehmet.emulator.press_button(mehmet.user, pages[mehmet.id], "Kayıt ol"),
    )
    outcomes = await asyncio.gather(
        ayse.emulator.wait_for_bot_message(
            ayse.id, predicate=lambda m: "sıra" in (m.text or "") or "onaylandı" in (m.text or "")
        ),
        mehmet.emulator.wait_for_bot_message(
            mehmet.id, predicate=lambda m: "sıra" in (m.text or "") or "onaylandı" in (m.text or "")
        ),
    )
    texts = sorted(m.text or "" for m in outcomes)
    assert sum("Kaydınız onaylandı" in t for t in texts) == 1
    assert sum("Bekleme listesindesiniz: 1. sıra" in t for t in texts) == 1
    rows = await assistant.fetch(
        "SELECT status, COUNT(*) AS n FROM registrations "
        "WHERE event_id = 'last-seat' GROUP BY status"
    )
    assert {r["status"]: r["n"] for r in rows} == {"confirmed": 2, "waitlisted": 1}
    assert first.id


async def test_cancelling_passes_the_seat_to_the_waiting_list_and_tells_them(
    assistant: Assistant,
) -> None:
    await assistant.add_event("one-seat", capacity=1)
    ali = await signed_up_person(assistant, "Ali", "one-seat", company="Ali Makina")
    ayse = await signed_up_person(assistant, "Ayşe", "one-seat", company="Ayşe Tekstil")
    assert "Bekleme listesindesiniz: 1. sıra" in (ayse.last().text or "")
    my = await ali.says("/my")
    assert "Test etkinliği one-seat" in (my.text or "") and "Onaylı" in (my.text or "")
    page = await ali.press(my, "1")
    confirm = await ali.press(page, "Kaydı iptal et")
    assert "emin misiniz" in (confirm.text or "")
    done = await ali.press(confirm, "Evet, iptal et")
    assert "iptal edildi" in (done.text or "")
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Yer açıldı")
    assert "Test etkinliği one-seat" in (told.text or "")
    ics = await ayse.next_message(told, predicate=lambda m: m.document is not None)
    assert ics.document is not None and ics.document.filename == "one-seat.ics"
    rows = await assistant.fetch(
        "SELECT person_id, status FROM registrations WHERE event_id = 'one-seat' ORDER BY id"
    )
    assert rows == [
        {"person_id": ali.id, "status": "cancelled"},
        {"person_id": ayse.id, "status": "confirmed"},
    ]


async def test_waiting_list_positions_stay_consistent(assistant: Assistant) -> None:
    await assistant.add_event("queue", capacity=1)
    await signed_up_person(assistant, "Ali", "queue", company="Ali Döküm")
    second = await signed_up_person(assistant, "Bora", "queue", company="Bora Kalıp")
    third = await signed_up_person(assistant, "Cem", "queue", company="Cem Tekstil")
    assert "3. sıra" not in (third.last().text or "")
    assert "2. sıra" in (third.last().text or "")
    my = await second.says("/my")
    leave = await second.press(await second.press(my, "1"), "Bekleme listesinden çık")
    await second.press(leave, "Evet, iptal et")
    page = await open_event(third, "queue")
    assert "Bekleme listesinde 1. sıradasınız" in (page.text or "")


async def test_companies_are_compared_ignoring_case_letters_and_punctuation(
    assistant: Assistant,
) -> None:
    await assistant.add_event("per-company", capacity=10, max_per_company=1)
    await signed_up_person(assistant, "Ali", "per-company", company="ÇELİK Makina A.Ş.")
    colleague = await signed_up_person(assistant, "Ayşe", "per-company", company="celik makina aş")
    text = colleague.last().text or ""
    assert "firma başına kontenjan dolduğu için" in text
    other = await signed_up_person(assistant, "Can", "per-company", company="Başka Firma")
    assert any("Kaydınız onaylandı" in text for text in other.texts())
    rows = await assistant.fetch(
        "SELECT person_id, status FROM registrations WHERE event_id = 'per-company' ORDER BY id"
    )
    assert [row["status"] for row in rows] == ["confirmed", "waitlisted", "confirmed"]


async def test_sign_up_is_closed_after_the_deadline(assistant: Assistant) -> None:
    await assistant.add_event(
        "closed-course",
        starts_in=timedelta(days=2),
        registration_deadline="2020-01-01T10:00:00+03:00",
    )
    ayse = await signed_up_person(assistant, "Ayşe", "lean-2027-01")
    page = await open_event(ayse, "closed-course")
    assert "Kayıtlar kapandı" in (page.text or "")
    assert "✅ Kayıt ol" not in page.buttons
    query = await ayse.emulator.press_callback(ayse.user, page, "rg:new:closed-course")
    await ayse.emulator.wait_for_callback_answer(query)
    closed = await ayse.emulator.wait_for_bot_message(ayse.id, contains="son kayıt tarihi geçti")
    assert closed.text
    assert (
        await assistant.fetch("SELECT * FROM registrations WHERE event_id = 'closed-course'") == []
    )


async def test_forged_buttons_cannot_touch_another_people_registration(
    assistant: Assistant,
) -> None:
    ali = await signed_up_person(assistant, "Ali", "lean-2027-01")
    [registration] = await assistant.fetch(
        "SELECT id FROM registrations WHERE person_id = ?", ali.id
    )
    mallory = await signed_up_person(
        assistant, "Mallory", "ipr-training-2027-02", company="Mallory Ltd"
    )
    menu = await mallory.says("/start")
    for data in (
        f"rg:cx:{registration['id']}",
        f"rg:cy:{registration['id']}",
        f"rg:ics:{registration['id']}",
        "rg:new:no-such-event",
        "rg:cy:abc",
    ):
        query = await mallory.emulator.press_callback(mallory.user, menu, data)
        await mallory.emulator.wait_for_callback_answer(query)
        await mallory.emulator.wait_idle()
        shown = mallory.last().text or ""
        assert "Ali" not in shown and "Yalın Üretim" not in shown
    [after] = await assistant.fetch(
        "SELECT status FROM registrations WHERE id = ?", registration["id"]
    )
    assert after["status"] == "confirmed"
    assert all(d.filename != "lean-2027-01.ics" for d in mallory.emulator.documents(mallory.id))


async def test_what_people_type_is_shown_literally(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await fill_profile(ayse, await ayse.says("/profile"), company="<b>Acme & Sons</b>", email=None)
    shown = ayse.last()
    assert "Firma: <b>Acme & Sons</b>" in (shown.text or "")
    assert "&lt;b&gt;Acme &amp; Sons&lt;/b&gt;" in (shown.html or "")


async def test_settings_switch_reminders_and_announcements(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    screen = await ayse.says("/settings")
    assert "Etkinlik hatırlatmaları: açık" in (screen.text or "")
    screen = await ayse.press(screen, "Hatırlatmaları kapat")
    assert "Etkinlik hatırlatmaları: kapalı" in (screen.text or "")
    # Announcements need explicit consent: off until she asks for them, and she can take it back.
    assert "Duyurular: kapalı" in (screen.text or "")
    screen = await ayse.press(screen, "Duyuruları almak istiyorum")
    assert "Duyurular: açık (rızanız var)" in (screen.text or "")
    [consent] = await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id)
    assert consent["purpose"] == "announcements" and consent["withdrawn_at"] is None
    screen = await ayse.press(screen, "Duyuru iznimi geri al")
    assert "Duyurular: kapalı" in (screen.text or "")
    [person] = await assistant.fetch(
        "SELECT reminders_on, announcements_on FROM people WHERE id = ?", ayse.id
    )
    assert person == {"reminders_on": 0, "announcements_on": 0}
    [consent] = await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id)
    assert consent["withdrawn_at"] is not None


@pytest.mark.usefixtures("unpaced")
async def test_a_person_downloads_and_then_deletes_their_data(assistant: Assistant) -> None:
    await assistant.add_event("erase-me", capacity=1)
    ayse = await signed_up_person(
        assistant, "Ayşe", "erase-me", company="Zeytin Dalı Tekstil", email="zeytin@dali.example"
    )
    waiting = await signed_up_person(assistant, "Bora", "erase-me", company="Bora Makina")
    privacy = await ayse.says("/privacy")
    assert "Açık rızalarınız" in (privacy.text or "")
    await ayse.emulator.press_button(ayse.user, privacy, "Verilerimi indir")
    exported = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None
    )
    assert exported.document is not None
    data = json.loads(exported.document.content)
    assert data["member"]["company"] == "Zeytin Dalı Tekstil"
    assert data["registrations"][0]["event_id"] == "erase-me"
    # The same, for a person to read.
    readable = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None and m.document.filename == "my-data.txt"
    )
    assert readable.document is not None
    text = readable.document.content.decode("utf-8")
    assert "HAKKINIZDA SAKLANAN VERİLER" in text and "Firma: Zeytin Dalı Tekstil" in text
    assert "Test etkinliği erase-me: onaylı" in text
    privacy = await ayse.says("/privacy")
    confirm = await ayse.press(privacy, "Verilerimi sil")
    assert "geri alınamaz" in (confirm.text or "")
    done = await ayse.press(confirm, "Evet, hepsini sil")
    assert "silindi" in (done.text or "")
    await waiting.emulator.wait_for_bot_message(waiting.id, contains="Yer açıldı")
    assert await assistant.fetch("SELECT * FROM people WHERE id = ?", ayse.id) == []
    rows = await assistant.fetch(
        "SELECT person_id, status FROM registrations WHERE event_id = 'erase-me' ORDER BY id"
    )
    assert rows == [
        {"person_id": None, "status": "cancelled"},
        {"person_id": waiting.id, "status": "confirmed"},
    ]
    [kept] = await assistant.fetch(
        "SELECT company_key, checkin_token FROM registrations WHERE event_id = 'erase-me' "
        "AND person_id IS NULL"
    )
    assert kept == {"company_key": None, "checkin_token": None}
    raw = assistant.services.settings.database_path.read_bytes()
    assert "Zeytin Dalı Tekstil".encode() not in raw
    assert b"zeytin@dali.example" not in raw


async def test_quick_answers_in_a_row_are_taken_in_order(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "lean-2027-01"), "Kayıt ol")
    await ayse.press(consent, "Okudum, devam")
    # Typed without waiting for the questions in between: each answer fills its own step.
    await ayse.emulator.send_message(ayse.user, "Ayşe Hızlı")
    await ayse.emulator.send_message(ayse.user, "Hızlı Makina")
    sector = await ayse.emulator.wait_for_bot_message(ayse.id, contains="hangi sektörde")
    assert sector.buttons
    await ayse.emulator.wait_idle()
    assert not any("harflerle" in text for text in ayse.texts())


async def test_erasure_keeps_past_attendance_without_the_person(assistant: Assistant) -> None:
    ayse = await signed_up_person(assistant, "Ayşe", "lean-2027-01", company="Geçmiş Tekstil")
    [registration] = await assistant.fetch(
        "SELECT id FROM registrations WHERE person_id = ?", ayse.id
    )
    # The event took place and she attended.
    await assistant.services.database.execute(
        "UPDATE registrations SET attended = 1 WHERE id = ?", (registration["id"],)
    )
    await assistant.services.database.execute(
        "UPDATE events SET starts_at = '2020-01-01T07:00:00+00:00', "
        "ends_at = '2020-01-01T15:00:00+00:00', registration_deadline = NULL, "
        "document = json_remove(json_set(document, '$.starts_at', '2020-01-01T10:00:00+03:00', "
        "'$.ends_at', '2020-01-01T18:00:00+03:00'), '$.registration_deadline') "
        "WHERE id = 'lean-2027-01'"
    )
    await assistant.services.reload_catalogue()
    # The outbox may send her the survey of the past event at any moment: wait for each screen.
    privacy = await ayse.says("/privacy", predicate=lambda m: has_button(m, "Verilerimi sil"))
    confirm = await ayse.press(
        privacy, "Verilerimi sil", predicate=lambda m: has_button(m, "Evet, hepsini sil")
    )
    done = await ayse.press(confirm, "Evet, hepsini sil", contains="silindi")
    assert "silindi" in (done.text or "")
    [row] = await assistant.fetch(
        "SELECT person_id, status, attended FROM registrations WHERE id = ?", registration["id"]
    )
    assert row == {"person_id": None, "status": "confirmed", "attended": 1}


async def test_buttons_from_before_a_restart_keep_working(start_assistant: StartAssistant) -> None:
    from bot.app import stop_application

    first = await start_assistant()
    ayse = await signed_up_person(first, "Ayşe", "lean-2027-01", company="Sürekli Tekstil")
    page = await open_event(ayse, "lean-2027-01")
    await stop_application(first.application)
    second: Assistant = await start_assistant()
    confirm = await ayse.press(page, "Kaydı iptal et")
    assert "emin misiniz" in (confirm.text or "")
    done = await ayse.press(confirm, "Evet, iptal et")
    assert "iptal edildi" in (done.text or "")
    [row] = await second.fetch("SELECT status FROM registrations WHERE person_id = ?", ayse.id)
    assert row["status"] == "cancelled"


async def test_another_command_leaves_the_form_and_runs(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    assert "Adınız" in (consent.text or "")
    events = await ayse.says("/events")
    assert "Yaklaşan etkinlikler" in (events.text or "")
    # The form was left: typed text is a question again, not a name.
    answer = await ayse.says("eğitimler ücretli mi")
    assert "Eğitimler ücretli mi?" in (answer.text or "")
    [person] = await assistant.fetch("SELECT full_name FROM people WHERE id = ?", ayse.id)
    assert person["full_name"] is None
    nothing = await ayse.says("/cancel")
    assert "yarım kalmış bir işlem yok" in (nothing.text or "")


async def test_a_menu_button_leaves_the_form(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    menu = await ayse.says("/start")
    services = await ayse.press(menu, "Hizmetler")
    assert "Kümenin hizmetleri" in (services.text or "")
    answer = await ayse.says("patent desteği")
    assert "Adınız" not in (answer.text or "")


async def test_no_cancelling_or_promotion_once_the_event_has_started(
    assistant: Assistant,
) -> None:
    await assistant.add_event("started", capacity=1, starts_in=timedelta(days=1))
    ali = await signed_up_person(assistant, "Ali", "started", company="Ali Makina")
    bora = await signed_up_person(assistant, "Bora", "started", company="Bora Kalıp")
    [seat] = await assistant.fetch(
        "SELECT id FROM registrations WHERE person_id = ? AND status = 'confirmed'", ali.id
    )
    await assistant.services.database.execute(
        "UPDATE events SET starts_at = '2020-01-01T07:00:00+00:00', "
        "document = json_set(document, '$.starts_at', '2020-01-01T10:00:00+03:00') "
        "WHERE id = 'started'"
    )
    await assistant.services.reload_catalogue()
    page = await open_event(ali, "started")
    assert "Kaydı iptal et" not in " ".join(page.buttons)
    for data in (f"rg:cx:{seat['id']}", f"rg:cy:{seat['id']}"):
        query = await assistant.emulator.press_callback(ali.user, page, data)
        await assistant.emulator.wait_for_callback_answer(query)
        await assistant.emulator.wait_idle()
        assert "başladığı için" in (ali.last().text or "")
    rows = await assistant.fetch(
        "SELECT person_id, status FROM registrations WHERE event_id = 'started' ORDER BY id"
    )
    assert rows == [
        {"person_id": ali.id, "status": "confirmed"},
        {"person_id": bora.id, "status": "waitlisted"},
    ]


async def test_seats_added_by_an_import_while_stopped_go_to_the_waiting_list(
    start_assistant: StartAssistant,
) -> None:
    from bot.app import stop_application
    from storage.catalogue import CatalogueRepository
    from storage.content import catalogue_to_document, parse_catalogue
    from storage.database import Database

    first: Assistant = await start_assistant()
    await first.add_event("grows", capacity=1)
    await signed_up_person(first, "Ali", "grows", company="Ali Makina")
    bora = await signed_up_person(first, "Bora", "grows", company="Bora Kalıp")
    document = catalogue_to_document(first.services.catalogue)
    await stop_application(first.application)
    for event in document["events"]:
        if event["id"] == "grows":
            event["capacity"] = 2
    database = Database(first.services.settings.database_path)
    await database.open()
    await CatalogueRepository(database).import_catalogue(parse_catalogue(document, "cli"))
    await database.close()
    second: Assistant = await start_assistant()
    told = await bora.emulator.wait_for_bot_message(bora.id, contains="Yer açıldı")
    assert "grows" in (told.text or "")
    [row] = await second.fetch("SELECT status FROM registrations WHERE person_id = ?", bora.id)
    assert row["status"] == "confirmed"
