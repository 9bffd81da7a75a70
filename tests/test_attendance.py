"""Who signed up and who came: attendee lists, attendance toggles and QR check-in."""

from __future__ import annotations

import itertools
import json

from bot.devtools.emulator import Message, User
from bot.domain.checkin import checkin_link, checkin_png
from bot.domain.profile import company_key
from storage.people import Profile
from tests.conftest import STAFF_ID, Assistant, Person
from tests.test_signup import fill_profile, open_event
from tests.test_staff_events import open_staff_event, staff_member

_ids = itertools.count(610001)


async def registered(
    assistant: Assistant, event_id: str, name: str, company: str, **profile: str | None
) -> int:
    """Sign a person up through the storage API (fast, for lists longer than a page)."""
    services = assistant.services
    person_id = next(_ids)
    assistant.emulator.add_user(User(id=person_id, first_name=name))
    await services.people.seen(person_id, "tr")
    await services.privacy.acknowledge_notice(person_id, "2027-01", "tr")
    details = {"sector_id": "machinery", "phone": "05320000000", "email": None} | profile
    await services.people.save_profile(
        person_id,
        Profile(full_name=name, company=company, company_key=company_key(company), **details),
    )
    event = services.catalogue.event(event_id)
    assert event is not None
    await services.registrations.sign_up(event, person_id, company_key(company), "machinery")
    return person_id


async def test_staff_page_through_the_confirmed_list_and_the_waiting_list(
    assistant: Assistant,
) -> None:
    await assistant.add_event("crowded", capacity=12)
    for number in range(1, 15):
        await registered(assistant, "crowded", f"Katılımcı {number:02d}", f"Firma {number}")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği crowded")
    assert "Onaylı: 12 / 12 · Bekleme listesi: 2" in (page.text or "")
    confirmed = await elif_.press(page, "👥 Katılımcılar")
    text = confirmed.text or ""
    assert "Onaylı kayıt: 12 / 12" in text and "Sayfa 1/2" in text
    assert "1. Katılımcı 01 · Firma 1" in text and "10. Katılımcı 10" in text
    assert "Katılımcı 11" not in text
    assert "İş ve inşaat makineleri" in text and "+90 532 000 00 00" in text
    second = await elif_.press(confirmed, "Sonraki ›")
    assert "11. Katılımcı 11" in (second.text or "") and "12. Katılımcı 12" in (second.text or "")
    back = await elif_.press(second, "‹ Etkinliğe dön")
    waiting = await elif_.press(back, "⏳ Bekleme listesi")
    text = waiting.text or ""
    assert "Bekleyen: 2" in text
    assert "1. Katılımcı 13" in text and "2. Katılımcı 14" in text


async def test_what_people_typed_is_shown_literally_in_lists(assistant: Assistant) -> None:
    await assistant.add_event("escaped")
    await registered(assistant, "escaped", "<b>Ayşe</b> & Co", "<i>Firma</i>")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği escaped")
    confirmed = await elif_.press(page, "👥 Katılımcılar")
    assert "<b>Ayşe</b> & Co · <i>Firma</i>" in (confirmed.text or "")
    assert "&lt;b&gt;Ayşe&lt;/b&gt; &amp; Co" in (confirmed.html or "")


async def test_attendance_is_toggled_from_the_list_and_audited(assistant: Assistant) -> None:
    await assistant.add_event("roll-call", capacity=5)
    for name in ("Ali Kaya", "Bora Tan", "Cem Er"):
        await registered(assistant, "roll-call", name, f"{name} Ltd")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği roll-call")
    roll = await elif_.press(page, "☑️ Yoklama")
    assert "Katılan: 0 / 3" in (roll.text or "")
    assert roll.buttons[:3] == ["⬜ 1. Ali Kaya", "⬜ 2. Bora Tan", "⬜ 3. Cem Er"]
    roll = await elif_.press(roll, "⬜ 2. Bora Tan")
    assert "✅ 2. Bora Tan" in roll.buttons and "Katılan: 1 / 3" in (roll.text or "")
    roll = await elif_.press(roll, "⬜ 3. Cem Er")
    roll = await elif_.press(roll, "✅ 3. Cem Er")
    assert "⬜ 3. Cem Er" in roll.buttons
    rows = await assistant.fetch(
        "SELECT attended FROM registrations WHERE event_id = 'roll-call' ORDER BY id"
    )
    assert [row["attended"] for row in rows] == [None, 1, 0]
    entries = await assistant.fetch(
        "SELECT staff_id, detail FROM audit_log WHERE action = 'attendance.set' ORDER BY id"
    )
    assert [json.loads(e["detail"])["attended"] for e in entries] == [True, True, False]
    assert {e["staff_id"] for e in entries} == {STAFF_ID}
    page = await elif_.press(roll, "‹ Etkinliğe dön")
    assert "Katılan: 1" in (page.text or "")


async def confirmed_person_with_code(assistant: Assistant, event_id: str) -> tuple[Person, Message]:
    """Sign a person up the way people do and return them with their check-in code photo."""
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    page = await open_event(ayse, event_id)
    confirmation = await fill_profile(ayse, await ayse.press(page, "Kayıt ol"))
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    code = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.photo is not None, after=confirmation
    )
    return ayse, code


async def test_a_confirmed_person_gets_a_personal_qr_code(assistant: Assistant) -> None:
    ayse, code = await confirmed_person_with_code(assistant, "lean-2027-01")
    assert "Giriş kodunuz" in (code.caption or "")
    assert "Yalın Üretim" in (code.caption or "")
    [row] = await assistant.fetch("SELECT checkin_token FROM registrations")
    link = checkin_link(assistant.emulator.bot_username, row["checkin_token"])
    assert link.startswith("https://t.me/clustem_demo_bot?start=ci_")
    assert code.photo == checkin_png(link)  # the photo is the QR code of that very link
    assert code.photo is not None and code.photo.startswith(b"\x89PNG")
    # Online-only events have no door: no code.
    page = await open_event(ayse, "grants-infoday-2027-01")
    confirmation = await ayse.press(page, "Kayıt ol")
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    await ayse.emulator.wait_idle()
    photos = [m for m in ayse.emulator.bot_messages(ayse.id) if m.photo is not None]
    assert len(photos) == 1


async def test_staff_scan_a_code_and_the_person_is_checked_in(assistant: Assistant) -> None:
    ayse, _ = await confirmed_person_with_code(assistant, "lean-2027-01")
    [row] = await assistant.fetch("SELECT id, checkin_token FROM registrations")
    payload = f"/start ci_{row['checkin_token']}"

    # The person (or anyone else) opening the link gets the plain greeting; nothing changes.
    greeting = await ayse.says(payload)
    assert "Giriş kaydedildi" not in (greeting.text or "")
    assert "📅 Etkinlikler" in greeting.buttons
    [after] = await assistant.fetch("SELECT attended FROM registrations")
    assert after["attended"] is None
    stranger = assistant.person("Mallory")
    answer = await stranger.says(payload)
    assert "Ayşe" not in (answer.text or "") and "Yalın" not in (answer.text or "")

    elif_ = staff_member(assistant)
    scanned = await elif_.says(payload)
    text = scanned.text or ""
    assert "Giriş kaydedildi" in text
    assert "Ayşe Yılmaz · Anadolu Makina A.Ş. · Tekstil ve hazır giyim" in text
    assert "Yalın Üretim ve Verimlilik Eğitimi" in text
    [after] = await assistant.fetch("SELECT attended FROM registrations")
    assert after["attended"] == 1
    [entry] = await assistant.fetch(
        "SELECT staff_id, subject FROM audit_log WHERE action = 'attendance.checkin'"
    )
    assert entry == {"staff_id": STAFF_ID, "subject": f"registration:{row['id']}"}

    again = await elif_.says(payload)
    assert "daha önce kaydedilmiş" in (again.text or "")
    roll = await elif_.press(again, "☑️ Yoklama")
    assert "✅ 1. Ayşe Yılmaz" in roll.buttons
    unknown = await elif_.says("/start ci_AAAAAAAAAAAAAAAA")
    assert "hiçbir kayıtla eşleşmiyor" in (unknown.text or "")


async def test_a_cancelled_registrations_code_checks_nobody_in(assistant: Assistant) -> None:
    ayse, _ = await confirmed_person_with_code(assistant, "lean-2027-01")
    [row] = await assistant.fetch("SELECT id, checkin_token FROM registrations")
    my = await ayse.says("/my")
    confirm = await ayse.press(await ayse.press(my, "1"), "Kaydı iptal et")
    await ayse.press(confirm, "Evet, iptal et")
    elif_ = staff_member(assistant)
    scanned = await elif_.says(f"/start ci_{row['checkin_token']}")
    assert "Giriş kaydedilmedi" in (scanned.text or "")
    assert "iptal edilmiş" in (scanned.text or "")
    [after] = await assistant.fetch("SELECT attended FROM registrations")
    assert after["attended"] is None


async def test_a_person_promoted_from_the_waiting_list_gets_a_code_too(
    assistant: Assistant,
) -> None:
    await assistant.add_event("one-seat", capacity=1)
    ali_id = await registered(assistant, "one-seat", "Ali Kaya", "Ali Makina")
    ayse = assistant.person("Ayşe")
    page = await open_event(ayse, "one-seat")
    waiting = await fill_profile(ayse, await ayse.press(page, "Bekleme listesine gir"))
    assert "Bekleme listesindesiniz" in (waiting.text or "")
    assert all(m.photo is None for m in ayse.emulator.bot_messages(ayse.id))
    [ali] = await assistant.fetch(
        "SELECT id FROM registrations WHERE person_id = ? AND event_id = 'one-seat'", ali_id
    )
    event = assistant.services.catalogue.event("one-seat")
    assert event is not None
    outcome = await assistant.services.registrations.cancel(ali["id"], ali_id, event)
    assert outcome is not None and len(outcome.promoted) == 1
    code = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.photo is not None
    )
    assert "Giriş kodunuz" in (code.caption or "")
