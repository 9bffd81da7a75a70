"""What staff do with one event's registrations, and what registrants get when it changes."""

from __future__ import annotations

import asyncio
import json

import icalendar

from bot.devtools.emulator import Message
from tests.conftest import STAFF_ID, Assistant, Person, StartAssistant
from tests.test_applications import (
    VISIT,
    VISIT_TITLE,
    application_of,
    confirmed_and_reserve,
    selected_visit,
)
from tests.test_companies import xlsx
from tests.test_signup import open_event, signed_up_person
from tests.test_staff_added import EVENT as ADDED_EVENT
from tests.test_staff_added import TITLE as ADDED_TITLE
from tests.test_staff_added import add_by_hand
from tests.test_staff_events import COLLEAGUE_ID, audit, local, open_staff_event, staff_member


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
    # The worker marks a row sent just after Telegram answers: under load that can trail the
    # message the test already saw, so wait (bounded) for the last rows to settle.
    for _ in range(100):
        unsettled = await assistant.fetch(
            "SELECT 1 FROM outbox WHERE event_id = 'moved-ics' AND status IN ('pending', 'sending')"
        )
        if not unsettled:
            break
        await asyncio.sleep(0.05)
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


async def open_card(staff: Person, event_title: str, which: str, number: str) -> Message:
    """Open a registrant's card: the event's staff page, its list, the person's number."""
    page = await open_staff_event(staff, event_title)
    listing = await staff.press(page, "👥 Katılımcılar" if which == "c" else "⏳ Bekleme listesi")
    assert "numarasına dokunun" in (listing.text or "")
    return await staff.press(listing, number)


async def test_staff_cancel_a_registrant_and_the_waiting_list_moves_up(
    assistant: Assistant,
) -> None:
    await assistant.add_event("trimmed", capacity=1)
    ali = await signed_up_person(assistant, "Ali", "trimmed", company="Ali Makina")
    ayse = await signed_up_person(assistant, "Ayşe", "trimmed", company="Ayşe Tekstil")
    elif_ = staff_member(assistant)
    card = await open_card(elif_, "Test etkinliği trimmed", "c", "1")
    assert "Ali" in (card.text or "") and "onaylı kayıt" in (card.text or "")
    assert "⬆️ Yer ver" not in card.buttons
    step = await elif_.press(card, "✖️ Kaydı iptal et")
    assert "gerekçesini" in (step.text or "")
    confirm = await elif_.says("Firmanızdan <iki> kişi kayıtlı olduğu için")
    assert "emin misiniz" in (confirm.text or "")
    assert "Firmanızdan <iki> kişi kayıtlı olduğu için" in (confirm.text or "")
    assert "sıradaki kişiye verilir (1 kişi bekliyor)" in (confirm.text or "")
    done = await elif_.press(confirm, "✖️ Evet, kaydı iptal et")
    assert "Kayıt iptal edildi" in (done.text or "")
    assert "bekleme listesindeki 1 kişiye verildi" in (done.text or "")
    assert "iptal edilmiş" in (done.text or "")

    told = await ali.emulator.wait_for_bot_message(ali.id, contains="Kaydınız iptal edildi")
    assert "Test etkinliği trimmed" in (told.text or "")
    assert "Ekibin notu: Firmanızdan <iki> kişi kayıtlı olduğu için" in (told.text or "")
    await ayse.emulator.wait_for_bot_message(ayse.id, contains="Yer açıldı")
    rows = await assistant.fetch(
        "SELECT person_id, status FROM registrations WHERE event_id = 'trimmed' ORDER BY id"
    )
    assert [(r["person_id"], r["status"]) for r in rows] == [
        (ali.id, "cancelled"),
        (ayse.id, "confirmed"),
    ]
    [notice] = await assistant.fetch(
        "SELECT person_id, status, payload FROM outbox WHERE kind = 'registration_cancelled'"
    )
    # Sent (Ali has it above); the row is marked right after the send returns.
    assert notice["person_id"] == ali.id and notice["status"] in ("sending", "sent")
    [entry] = await audit(assistant, "registration.cancel")
    detail = json.loads(entry["detail"])
    assert entry["staff_id"] == STAFF_ID
    assert detail["event"] == "trimmed" and detail["was"] == "confirmed"
    assert detail["reason"] == "Firmanızdan <iki> kişi kayıtlı olduğu için"
    # The card's old button, pressed again (or by a colleague): nothing more happens.
    [cancelled] = await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ali.id)
    await elif_.emulator.press_callback(elif_.user, done, f"sa:k:{cancelled['id']}")
    again = await elif_.emulator.wait_for_bot_message(elif_.id, contains="zaten iptal edilmiş")
    assert "✖️ Kaydı iptal et" not in again.buttons
    assert len(await audit(assistant, "registration.cancel")) == 1


async def test_a_reason_is_optional_and_keep_changes_nothing(assistant: Assistant) -> None:
    await assistant.add_event("kept")
    ali = await signed_up_person(assistant, "Ali", "kept", company="Ali Makina")
    elif_ = staff_member(assistant)
    card = await open_card(elif_, "Test etkinliği kept", "c", "1")
    step = await elif_.press(card, "✖️ Kaydı iptal et")
    confirm = await elif_.press(step, "Atla", contains="emin misiniz")
    kept = await elif_.press(confirm, "Vazgeç, kayıt kalsın", contains="Durum:")
    assert "Durum: ✅ onaylı kayıt" in (kept.text or "")
    [row] = await assistant.fetch("SELECT status FROM registrations WHERE event_id = 'kept'")
    assert row["status"] == "confirmed"
    step = await elif_.press(kept, "✖️ Kaydı iptal et", contains="gerekçesini")
    confirm = await elif_.press(step, "Atla", contains="emin misiniz")
    assert "Gerekçe:" not in (confirm.text or "")
    await elif_.press(confirm, "✖️ Evet, kaydı iptal et")
    told = await ali.emulator.wait_for_bot_message(ali.id, contains="Kaydınız iptal edildi")
    assert "Ekibin notu" not in (told.text or "")


async def test_staff_give_a_waiting_person_a_free_seat_by_hand(assistant: Assistant) -> None:
    # One per company: Ayşe waits although a seat is free, until staff decide otherwise.
    await assistant.add_event("by-hand", capacity=2, max_per_company=1)
    await signed_up_person(assistant, "Ali", "by-hand", company="Anadolu Makina")
    ayse = await signed_up_person(assistant, "Ayşe", "by-hand", company="Anadolu Makina")
    elif_ = staff_member(assistant)
    card = await open_card(elif_, "Test etkinliği by-hand", "w", "1")
    assert "bekleme listesinde 1. sırada" in (card.text or "")
    assert "Şu an boş yer var" in (card.text or "")
    ask = await elif_.press(card, "⬆️ Yer ver")
    assert "onaylı kayıtlara eklensin mi" in (ask.text or "")
    done = await elif_.press(ask, "✅ Evet, yer ver")
    assert "Yer verildi" in (done.text or "") and "onaylı kayıt" in (done.text or "")
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Yer açıldı")
    assert "Test etkinliği by-hand" in (told.text or "")
    await ayse.emulator.wait_for_bot_message(
        ayse.id, after=told, predicate=lambda m: m.document is not None
    )
    rows = await assistant.fetch(
        "SELECT status FROM registrations WHERE event_id = 'by-hand' ORDER BY id"
    )
    assert [r["status"] for r in rows] == ["confirmed", "confirmed"]
    [entry] = await audit(assistant, "registration.promote")
    assert json.loads(entry["detail"]) == {"event": "by-hand"}
    # The same confirmation again: she no longer waits.
    [waited] = await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ayse.id)
    await elif_.emulator.press_callback(elif_.user, done, f"sa:g:{waited['id']}:y")
    await elif_.emulator.wait_for_bot_message(elif_.id, contains="artık bekleme listesinde değil")
    assert len(await audit(assistant, "registration.promote")) == 1


async def test_two_staff_give_the_last_seat_at_once(start_assistant: StartAssistant) -> None:
    assistant = await start_assistant(STAFF_IDS=f"{STAFF_ID},{COLLEAGUE_ID}")
    await assistant.add_event("last-one", capacity=2, max_per_company=1)
    await signed_up_person(assistant, "Ali", "last-one", company="Anadolu Makina")
    await signed_up_person(assistant, "Ayşe", "last-one", company="Anadolu Makina")
    await signed_up_person(assistant, "Cem", "last-one", company="Anadolu Makina")
    elif_ = staff_member(assistant)
    murat = staff_member(assistant, user_id=COLLEAGUE_ID, name="Murat")
    asks = []
    for staff, number in ((elif_, "1"), (murat, "2")):
        card = await open_card(staff, "Test etkinliği last-one", "w", number)
        asks.append(await staff.press(card, "⬆️ Yer ver"))
    await asyncio.gather(
        elif_.emulator.press_button(elif_.user, asks[0], "✅ Evet, yer ver"),
        murat.emulator.press_button(murat.user, asks[1], "✅ Evet, yer ver"),
    )
    outcomes = await asyncio.gather(
        elif_.emulator.wait_for_edit(asks[0]), murat.emulator.wait_for_edit(asks[1])
    )
    texts = sorted(message.text or "" for message in outcomes)
    assert sum("Yer verildi" in text for text in texts) == 1
    assert sum("boş yer olmadığı için yer verilemedi" in text for text in texts) == 1
    [row] = await assistant.fetch(
        "SELECT COUNT(*) AS n FROM registrations WHERE event_id = 'last-one' "
        "AND status = 'confirmed'"
    )
    assert row["n"] == 2


async def test_forged_and_unauthorised_registrant_buttons_are_refused(
    start_assistant: StartAssistant,
) -> None:
    assistant = await start_assistant()
    await assistant.add_event("guarded", capacity=1)
    ali = await signed_up_person(assistant, "Ali", "guarded", company="Ali Makina")
    [row] = await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ali.id)
    # A member pressing staff data gets a polite answer; nothing changes.
    home = await ali.says("/start")
    query = await ali.emulator.press_callback(ali.user, home, f"sa:k:{row['id']}")
    answer = await ali.emulator.wait_for_callback_answer(query)
    assert answer is not None and answer.text
    query = await ali.emulator.press_callback(ali.user, home, f"sa:g:{row['id']}:y")
    await ali.emulator.wait_for_callback_answer(query)
    elif_ = staff_member(assistant)
    menu = await elif_.says("/staff")
    # A registration that does not exist, and a seat given when none is free.
    gone = await elif_.emulator.press_callback(elif_.user, menu, "sa:r:999999")
    await elif_.emulator.wait_for_callback_answer(gone)
    await elif_.emulator.wait_for_bot_message(elif_.id, contains="Bu artık geçerli değil")
    [still] = await assistant.fetch("SELECT status FROM registrations WHERE id = ?", row["id"])
    assert still["status"] == "confirmed"
    assert await audit(assistant, "registration.cancel") == []


async def test_staff_message_an_events_registrants_without_their_announcement_consent(
    assistant: Assistant,
) -> None:
    await assistant.add_event("room-change", capacity=1)
    await assistant.add_event("elsewhere")
    # Both said no to announcements in the sign-up form; the notice is about their event.
    ali = await signed_up_person(assistant, "Ali", "room-change", company="Ali Makina")
    ayse = await signed_up_person(assistant, "Ayşe", "room-change", company="Ayşe Tekstil")
    cem = await signed_up_person(assistant, "Cem", "elsewhere", company="Cem Döküm")
    before = {person.id: len(person.texts()) for person in (ali, ayse, cem)}
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği room-change")
    ask = await elif_.press(page, "📣 Kayıtlı kişilere mesaj")
    assert "1 onaylı kayıt ve bekleme listesinde 1 kişi" in (ask.text or "")
    sticker = await elif_.emulator.send_sticker(elif_.user)
    assert sticker is not None
    again = await elif_.emulator.wait_for_bot_message(elif_.id, contains="yazıyla gönderin")
    assert again is not None
    audience = await elif_.says("Eğitim <b>B salonuna</b> taşındı; kimliğinizi yanınıza alın.")
    assert "Mesaj kimlere gitsin?" in (audience.text or "")
    preview = await elif_.press(audience, "✅ Yalnızca onaylı kayıtlar")
    text = preview.text or ""
    assert "Test etkinliği room-change" in text and "B salonuna" in text
    assert "Onaylı kayıtlar: 1 kişi" in text
    done = await elif_.press(preview, "📣 Gönder")
    assert "1 kişiye gönderiliyor" in (done.text or "")

    told = await ali.emulator.wait_for_bot_message(ali.id, contains="B salonuna")
    assert "📣 Test etkinliği room-change" in (told.text or "")
    # What staff typed is shown as typed: Telegram's own formatting only, no HTML of theirs.
    assert "&lt;b&gt;B salonuna&lt;/b&gt;" in (told.html or "")
    assert "Etkinlik sayfası" in " ".join(told.buttons)
    await assistant.emulator.wait_idle()
    # Nobody else: not the waiting list (not chosen), not another event's registrant.
    assert len(ayse.texts()) == before[ayse.id] and len(cem.texts()) == before[cem.id]
    rows = await assistant.fetch(
        "SELECT person_id, event_id, bulk FROM outbox WHERE kind = 'event_message'"
    )
    assert rows == [{"person_id": ali.id, "event_id": "room-change", "bulk": 1}]
    [entry] = await audit(assistant, "event.message")
    detail = json.loads(entry["detail"])
    assert entry["subject"] == "event:room-change" and detail["people"] == 1
    assert detail["statuses"] == ["confirmed"] and "B salonuna" in detail["text"]

    # The waiting list too, this time.
    page = await open_staff_event(elif_, "Test etkinliği room-change")
    await elif_.press(page, "📣 Kayıtlı kişilere mesaj")
    audience = await elif_.says("Otopark girişi arka kapıdadır.")
    preview = await elif_.press(audience, "👥 Onaylılar ve bekleme listesi")
    assert "Onaylı kayıtlar ve bekleme listesi: 2 kişi" in (preview.text or "")
    await elif_.press(preview, "📣 Gönder")
    for person in (ali, ayse):
        await person.emulator.wait_for_bot_message(person.id, contains="Otopark girişi")


async def test_a_notice_to_someone_who_cancelled_meanwhile_is_not_sent(
    assistant: Assistant,
) -> None:
    await assistant.add_event("left-early")
    ali = await signed_up_person(assistant, "Ali", "left-early", company="Ali Makina")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği left-early")
    await elif_.press(page, "📣 Kayıtlı kişilere mesaj")
    preview = await elif_.says("Yarın 09:00'da kapıda olalım.")
    assert "Onaylı kayıtlar: 1 kişi" in (preview.text or "")
    # Ali cancels while the preview is on screen: the notice is not queued for him at all.
    [row] = await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ali.id)
    await assistant.services.registrations.cancel(row["id"], ali.id, None)
    done = await elif_.press(preview, "📣 Gönder")
    assert "kimseye gönderilmedi" in (done.text or "")
    await assistant.emulator.wait_idle()
    assert not any("kapıda olalım" in text for text in ali.texts())
    assert await assistant.fetch("SELECT id FROM outbox WHERE kind = 'event_message'") == []


async def test_an_attendance_list_over_capacity_is_flagged_and_staff_decide(
    assistant: Assistant,
) -> None:
    await assistant.add_event("crowded", capacity=2)
    await signed_up_person(assistant, "Ali", "crowded", company="Ali Makina")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği crowded")
    await elif_.press(page, "📥 Katılım listesi yükle")
    content = xlsx(
        [
            ["Ad Soyad", "Firma", "Katıldı"],
            ["Zeynep Öztürk", "Kapadokya Metal", "evet"],
            ["İbrahim Şahin", "Şahin Tornacılık", ""],
            ["Gül Çetin", None, "x"],
        ]
    )
    await elif_.emulator.send_document(elif_.user, "katilim.xlsx", content)
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Eklenecek")
    text = preview.text or ""
    assert "Kontenjan aşılacak" in text and "yalnızca 1 boş yer var" in text
    assert "kontenjan 2 kişi aşılır" in text
    assert "⚠️ Kontenjanı aşarak ekle" in preview.buttons
    assert await assistant.fetch("SELECT registration_id FROM staff_added_participants") == []
    done = await elif_.press(preview, "⚠️ Kontenjanı aşarak ekle")
    assert "3 katılımcı eklendi" in (done.text or "")
    assert "Verdiğiniz kararla kontenjan 2 kişi aşıldı" in (done.text or "")
    [row] = await assistant.fetch(
        "SELECT COUNT(*) AS n FROM registrations WHERE event_id = 'crowded' "
        "AND status = 'confirmed'"
    )
    assert row["n"] == 4
    [entry] = await audit(assistant, "participants.import")
    assert json.loads(entry["detail"]) == {"added": 3, "present": 2, "over_capacity": 2}
    # A member who signs up now waits: the seats are over-full, not one freed.
    ayse = await signed_up_person(assistant, "Ayşe", "crowded", company="Ayşe Tekstil")
    [status] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert status["status"] == "waitlisted"

    # By hand: the first question says the event is full.
    page = await open_staff_event(elif_, "Test etkinliği crowded")
    step = await elif_.press(page, "➕ Katılımcı ekle")
    assert "Kontenjan dolu" in (step.text or "")


async def test_a_list_that_fits_is_added_without_a_warning(assistant: Assistant) -> None:
    await assistant.add_event("roomy", capacity=10)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği roomy")
    await elif_.press(page, "📥 Katılım listesi yükle")
    content = xlsx([["Ad Soyad"], ["Zeynep Öztürk"], ["Gül Çetin"]])
    await elif_.emulator.send_document(elif_.user, "katilim.xlsx", content)
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Eklenecek")
    assert "Kontenjan aşılacak" not in (preview.text or "")
    assert "✅ Listedekileri ekle" in preview.buttons
    step = await elif_.press(
        await open_staff_event(elif_, "Test etkinliği roomy"), "➕ Katılımcı ekle"
    )
    assert "Kontenjan dolu" not in (step.text or "")


async def test_cancelling_a_walk_in_tells_nobody(assistant: Assistant) -> None:
    await assistant.add_event(ADDED_EVENT, capacity=5)
    elif_ = staff_member(assistant)
    await add_by_hand(elif_, "Zeynep Öztürk", None, "Hayır")
    card = await open_card(elif_, ADDED_TITLE, "c", "1")
    assert "Zeynep Öztürk" in (card.text or "") and "ekip ekledi" in (card.text or "")
    step = await elif_.press(card, "✖️ Kaydı iptal et", contains="gerekçesini")
    confirm = await elif_.press(step, "Atla", contains="emin misiniz")
    assert "Telegram'da olmadığı için kendisine mesaj gitmez" in (confirm.text or "")
    done = await elif_.press(confirm, "✖️ Evet, kaydı iptal et", contains="Kayıt iptal edildi")
    assert "mesaj gitmiyor" in (done.text or "")
    assert (
        await assistant.fetch("SELECT id FROM outbox WHERE kind = 'registration_cancelled'") == []
    )
    [row] = await assistant.fetch(
        "SELECT status FROM registrations WHERE event_id = ?", ADDED_EVENT
    )
    assert row["status"] == "cancelled"


async def test_staff_cancel_a_selected_place_and_the_reserve_list_gets_it(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=1)
    ayse, mehmet = await confirmed_and_reserve(assistant, event)

    elif_ = staff_member(assistant)
    card = await open_card(elif_, VISIT_TITLE, "c", "1")
    step = await elif_.press(card, "✖️ Kaydı iptal et", contains="gerekçesini")
    confirm = await elif_.press(step, "Atla", contains="emin misiniz")
    await elif_.press(confirm, "✖️ Evet, kaydı iptal et", contains="Kayıt iptal edildi")
    await ayse.emulator.wait_for_bot_message(ayse.id, contains="Kaydınız iptal edildi")
    # The place goes down the reserve list as when she gives it back herself.
    await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="bir yer açıldı")
    assert (await application_of(assistant, ayse))["status"] == "withdrawn"
    assert (await application_of(assistant, mehmet))["status"] == "accepted"
    [entry] = await audit(assistant, "registration.cancel")
    assert json.loads(entry["detail"])["event"] == VISIT
