"""Broadcasts end to end: staff write, target, preview and send; people get it once.

Sending runs at a few messages a second here (BROADCAST_RATE) so that stopping, scheduling
and a crash in the middle all happen within a few seconds of real time.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import bot.outbox.worker
from bot.app import stop_application
from bot.devtools.emulator import Message, User
from bot.screens.texts import LANGUAGES, Texts
from storage.broadcasts import Audience, AudienceCount, Broadcast, BroadcastRepository, Progress
from storage.catalogue import CatalogueRepository
from storage.content import bundled_content_path, load_catalogue
from storage.database import Database
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository, Profile
from storage.privacy import ANNOUNCEMENTS, PrivacyRepository
from storage.roles import Role
from tests.conftest import STAFF_ID, Assistant, Person
from tests.outbox_clock import FakeClock, outbox_on
from tests.test_roles import team_member

ISTANBUL = ZoneInfo("Europe/Istanbul")
SECOND_STAFF_ID = 700002
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def quick_sweeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sweep the outbox every quarter second and show progress every half second."""
    monkeypatch.setattr(bot.outbox.worker, "SWEEP_INTERVAL", 0.25)
    monkeypatch.setattr(bot.outbox.worker, "PROGRESS_INTERVAL", 0.5)


def staff_member(assistant: Assistant, user_id: int = STAFF_ID, language: str = "tr") -> Person:
    user = User(id=user_id, first_name="Elif", last_name="Demir", language_code=language)
    assistant.emulator.add_user(user)
    return Person(assistant.emulator, user)


async def announcing_staff(assistant: Assistant) -> Person:
    """Return the staff member, who like anyone gets announcements only with her consent."""
    elif_ = staff_member(assistant)
    await assistant.services.people.seen(elif_.id, "tr")
    await assistant.services.privacy.give(elif_.id, ANNOUNCEMENTS, "2027-01")
    return elif_


async def started(assistant: Assistant, name: str, language: str | None = "tr") -> Person:
    """Return a person who has started the assistant and wants announcements."""
    person = assistant.person(name, language=language)
    await assistant.services.people.seen(person.id, language)
    await assistant.services.privacy.give(person.id, ANNOUNCEMENTS, "2027-01")
    return person


async def with_profile(assistant: Assistant, person: Person, sector: str | None) -> None:
    people = assistant.services.people
    await assistant.services.privacy.acknowledge_notice(person.id, "2027-01", "tr")
    profile = Profile(person.user.first_name, "Örnek A.Ş.", "ornek a.s.", sector, None, None)
    await people.save_profile(person.id, profile)


def write(staff: Person, text: str, entities: list[dict[str, Any]] | None = None) -> Message:
    """Send the staff member's announcement, with formatting entities if any."""
    # The emulator's public send_message adds only command entities; bold and links need this.
    return staff.emulator._post(staff.user, None, None, text=text, entities=entities or [])


async def draft(staff: Person, text: str, entities: list[dict[str, Any]] | None = None) -> Message:
    """Open /broadcast, send the announcement and return the draft's panel."""
    prompt = await staff.says("/broadcast")
    assert "Duyurunuzu bana gönderin" in (prompt.text or "")
    write(staff, text, entities)
    return await staff.emulator.wait_for_bot_message(staff.id, contains="Duyuru taslağı")


async def report(staff: Person, within: float = 8) -> Message:
    return await staff.emulator.wait_for_bot_message(staff.id, contains="raporu", timeout=within)


def received(person: Person, text: str) -> list[Message]:
    return [m for m in person.emulator.bot_messages(person.id) if text in m.content]


async def broadcast_row(assistant: Assistant) -> dict[str, Any]:
    [row] = await assistant.fetch("SELECT * FROM broadcasts ORDER BY id DESC LIMIT 1")
    return row


async def test_staff_send_a_formatted_announcement_and_get_the_report(
    assistant: Assistant,
) -> None:
    ayse, mehmet = await started(assistant, "Ayşe"), await started(assistant, "Mehmet")
    sam = await started(assistant, "Sam", "en")
    quiet = await started(assistant, "Zeynep")
    await assistant.services.privacy.withdraw(quiet.id, ANNOUNCEMENTS)
    elif_ = await announcing_staff(assistant)
    text = "Yeni eğitim takvimi yayında! Ayrıntılar: <site> & daha fazlası"
    entities = [
        {"type": "bold", "offset": 0, "length": 19},
        {"type": "text_link", "offset": 20, "length": 7, "url": "https://kume.example/takvim"},
    ]
    expected = (
        '<b>Yeni eğitim takvimi</b> <a href="https://kume.example/takvim">yayında</a>! '
        "Ayrıntılar: &lt;site&gt; &amp; daha fazlası"
    )

    panel = await draft(elif_, text, entities)
    [preview] = received(elif_, "Yeni eğitim takvimi yayında")
    assert preview.html == expected  # the preview is the person's message itself
    shown = panel.text or ""
    assert "Alıcılar: Herkes" in shown
    # Ayşe, Mehmet, Sam and the staff member herself; Zeynep switched announcements off.
    assert "Şu an 4 kişiye ulaşıyor (Türkçe: 3 · İngilizce: 1)" in shown
    assert "İngilizce metin yok: herkes Türkçe metni alacak" in shown
    assert panel.buttons == [
        "👥 Alıcıları değiştir",
        "🇬🇧 İngilizce metin ekle",
        "🚀 Şimdi gönder",
        "🕒 İleri bir saate planla",
        "🗑 Vazgeç",
    ]
    assert all(len((data or "").encode()) <= 64 for data in map(panel.button_data, panel.buttons))

    query = await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    answer = await elif_.emulator.wait_for_callback_answer(query)
    assert answer.text == "Gönderim başladı."
    for person in (ayse, mehmet, sam):
        message = await person.emulator.wait_for_bot_message(person.id, contains="yayında")
        assert message.html == expected
    final = await report(elif_)
    assert "Gönderilen: 4" in (final.text or "")
    assert "Botu engellemiş: 0" in (final.text or "")
    assert "Gönderilemeyen: 0" in (final.text or "")
    progress = elif_.emulator.state.get_message(panel.chat_id, panel.message_id)
    assert progress is not None
    assert "✅ Duyuru #1 gönderildi" in (progress.text or "")
    assert "4 / 4" in (progress.text or "")
    assert progress.buttons == []
    assert received(quiet, "yayında") == []
    for person in (ayse, mehmet, sam):
        assert len(received(person, "yayında")) == 1

    row = await broadcast_row(assistant)
    assert (row["status"], row["recipients"], row["sent"]) == ("done", 4, 4)
    [entry] = await assistant.fetch("SELECT * FROM audit_log WHERE action = 'broadcast.send'")
    assert (entry["staff_id"], entry["subject"]) == (STAFF_ID, "broadcast:1")


async def test_the_english_version_reaches_english_people(assistant: Assistant) -> None:
    ayse = await started(assistant, "Ayşe")
    sam = await started(assistant, "Sam", "en")
    kemal = await started(assistant, "Kemal")
    await assistant.services.people.set_language(kemal.id, "en")  # chose English in /language
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Fuar katılım başvuruları açıldı.")

    ask = await elif_.press(panel, "İngilizce metin ekle")
    assert "İngilizce kullanan üyelerin alacağı metni yazın" in (ask.text or "")
    write(elif_, "Applications for the trade fair are open.")
    english = await elif_.emulator.wait_for_bot_message(elif_.id, contains="trade fair")
    assert english.text == "Applications for the trade fair are open."
    panel = await elif_.next_message(english, contains="Duyuru taslağı")
    assert "İngilizce kullanan üyeler kendi dillerindeki metni alacak" in (panel.text or "")
    assert "🇬🇧 İngilizce metni değiştir" in panel.buttons

    await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    await report(elif_)
    assert [m.text for m in elif_.emulator.bot_messages(ayse.id)] == [
        "Fuar katılım başvuruları açıldı."
    ]
    for person in (sam, kemal):
        assert [m.text for m in person.emulator.bot_messages(person.id)] == [
            "Applications for the trade fair are open."
        ]


async def test_staff_choose_the_audience_and_see_each_count(assistant: Assistant) -> None:
    services = assistant.services
    await assistant.add_event("coming", capacity=1)
    await assistant.add_event("held", starts_in=timedelta(days=-3))
    machinist = await started(assistant, "Ali")
    await with_profile(assistant, machinist, "machinery")
    weaver = await started(assistant, "Ayşe")
    await with_profile(assistant, weaver, "textile")
    engineer = await started(assistant, "Sam", "en")
    await with_profile(assistant, engineer, "machinery")
    kemal = await started(assistant, "Kemal")
    await services.people.set_language(kemal.id, "en")
    quiet = await started(assistant, "Zeynep")
    await with_profile(assistant, quiet, "machinery")
    await services.privacy.withdraw(quiet.id, ANNOUNCEMENTS)
    await started(assistant, "Deniz", None)  # no Telegram language: the default, Turkish
    coming, held = services.catalogue.event("coming"), services.catalogue.event("held")
    assert coming is not None and held is not None
    for person in (machinist, weaver, engineer):
        await services.registrations.sign_up(coming, person.id, None, None)
    await services.registrations.cancel(
        (await services.registrations.of_person(engineer.id))[0].id, engineer.id, coming
    )
    for person, present in ((machinist, 1), (weaver, 0), (kemal, 1), (quiet, 1)):
        await services.registrations.sign_up(held, person.id, None, None)
        await services.database.execute(
            "UPDATE registrations SET attended = ? WHERE person_id = ? AND event_id = 'held'",
            (present, person.id),
        )
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Duyuru")
    assert "Şu an 6 kişiye ulaşıyor (Türkçe: 4 · İngilizce: 2)" in (panel.text or "")

    async def choose(*buttons: str) -> str:
        screen = await elif_.press(panel, "Alıcıları değiştir")
        for button in buttons:
            screen = await elif_.press(screen, button)
        return screen.text or ""

    shown = await choose("Sektöre göre", "İş ve inşaat makineleri")
    assert "İş ve inşaat makineleri sektöründeki üyeler" in shown
    assert "Şu an 2 kişiye ulaşıyor (Türkçe: 1 · İngilizce: 1)" in shown
    shown = await choose("Dile göre", "İngilizce kullananlar")
    assert "Şu an 2 kişiye ulaşıyor (Türkçe: 0 · İngilizce: 2)" in shown
    shown = await choose("Bir etkinliğe kayıtlı olanlar", "Test etkinliği coming")
    assert "“Test etkinliği coming” etkinliğine kayıtlı olanlar" in shown
    assert "Şu an 2 kişiye ulaşıyor" in shown
    screen = await elif_.press(panel, "Yalnız onaylılar")
    assert "kaydı onaylananlar" in (screen.text or "")
    assert "Şu an 1 kişiye ulaşıyor" in (screen.text or "")
    screen = await elif_.press(screen, "Yalnız bekleme listesi")
    assert "Şu an 1 kişiye ulaşıyor" in (screen.text or "")
    shown = await choose("Bir etkinliğe katılmış olanlar", "Test etkinliği held")
    assert "“Test etkinliği held” etkinliğine katılmış olanlar" in shown
    assert "Şu an 2 kişiye ulaşıyor (Türkçe: 1 · İngilizce: 1)" in shown

    shown = await choose("Sektöre göre", "İş ve inşaat makineleri")
    await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    await report(elif_)
    assert [len(received(p, "Duyuru")) for p in (machinist, engineer)] == [1, 1]
    assert [len(received(p, "Duyuru")) for p in (weaver, kemal, quiet)] == [0, 0, 0]


async def test_people_and_forged_buttons_get_nothing(start_assistant: Any) -> None:
    assistant = await start_assistant(STAFF_IDS=f"{STAFF_ID},{SECOND_STAFF_ID}")
    ayse = await started(assistant, "Ayşe")
    unknown = await ayse.says("/nosuchcommand")
    for command in ("/broadcast", "/stats"):
        reply = await ayse.says(command)
        assert reply.text == unknown.text  # as if the feature did not exist

    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Gizli taslak")
    number = (await broadcast_row(assistant))["id"]
    forged = [f"bc:go:{number}", f"bc:all:{number}", f"bc:del:{number}", f"bc:at:{number}"]
    forged += [f"bc:q:{number}:h1", f"bc:stop:{number}", "sm:broadcast", f"bc:tx:{number}"]
    for data in forged:
        query = await ayse.emulator.press_callback(ayse.user, unknown, data)
        answer = await ayse.emulator.wait_for_callback_answer(query)
        assert answer.show_alert and "artık geçerli değil" in (answer.text or ""), data
    # Another staff member can't send or drop someone else's draft either.
    colleague = staff_member(assistant, SECOND_STAFF_ID)
    hello = await colleague.says("/staff")
    for data in (f"bc:go:{number}", f"bc:del:{number}"):
        query = await colleague.emulator.press_callback(colleague.user, hello, data)
        answer = await colleague.emulator.wait_for_callback_answer(query)
        assert answer.show_alert, data

    await assistant.emulator.wait_idle(quiet=0.6)
    row = await broadcast_row(assistant)
    assert row["status"] == "draft"
    assert await assistant.fetch("SELECT * FROM outbox") == []
    assert received(ayse, "Gizli taslak") == []
    assert panel.buttons  # the draft is still the staff member's to send


async def test_a_person_who_blocked_the_bot_is_counted_and_marked(
    assistant: Assistant,
) -> None:
    ayse, mehmet = await started(assistant, "Ayşe"), await started(assistant, "Mehmet")
    assistant.emulator.block(mehmet.id)
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Genel kurul toplantısı 20 Ocak'ta.")
    await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    final = await report(elif_)
    assert "Gönderilen: 2" in (final.text or "")  # Ayşe and the staff member
    assert "Botu engellemiş: 1" in (final.text or "")
    assert len(received(ayse, "Genel kurul")) == 1
    person = await assistant.services.people.get(mehmet.id)
    assert person is not None and person.unreachable
    [row] = await assistant.fetch("SELECT status FROM outbox WHERE person_id = ?", mehmet.id)
    assert row["status"] == "blocked"
    assert assistant.emulator.stats.forbidden == 1


async def test_a_stopped_broadcast_sends_nothing_more(start_assistant: Any) -> None:
    assistant = await start_assistant(BROADCAST_RATE="5")
    people = [await started(assistant, f"Üye {n}") for n in range(30)]
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Yarınki eğitim ertelendi.")
    await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    sending = await elif_.emulator.wait_for_edit(panel, contains="gönderiliyor", timeout=4)
    assert "⏹ Gönderimi durdur" in sending.buttons

    query = await elif_.emulator.press_button(elif_.user, sending, "Gönderimi durdur")
    answer = await elif_.emulator.wait_for_callback_answer(query)
    assert "durduruluyor" in (answer.text or "")
    reached = sum(len(received(p, "ertelendi")) for p in people)
    final = await report(elif_)
    later = sum(len(received(p, "ertelendi")) for p in people)
    assert later <= reached + 1  # only a request already on the wire may still land
    assert later < 25
    assert "durduruldu" in (final.text or "")
    assert f"Durdurulduğu için gönderilmeyen: {31 - later}" in (final.text or "")
    await assistant.emulator.wait_idle(quiet=1.0)
    assert sum(len(received(p, "ertelendi")) for p in people) == later
    counts = await assistant.fetch(
        "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status"
    )
    assert {row["status"]: row["n"] for row in counts} == {"cancelled": 31 - later, "sent": later}
    [entry] = await assistant.fetch("SELECT * FROM audit_log WHERE action = 'broadcast.cancel'")
    assert entry["detail"] == '{"was": "sending"}'


async def test_a_scheduled_broadcast_goes_out_at_its_time(assistant: Assistant) -> None:
    ayse = await started(assistant, "Ayşe")
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Bugün saat 14:00'te webinar var.")
    ask = await elif_.press(panel, "İleri bir saate planla")
    assert "ne zaman gönderilsin" in (ask.text or "")
    again = await elif_.says("yarın öğlen")
    assert "anlayamadım" in (again.text or "")
    again = await elif_.says("01.01.2020 10:00")
    assert "geçmişte" in (again.text or "")
    tomorrow = datetime.now(ISTANBUL) + timedelta(days=1)
    local = tomorrow.replace(hour=9, minute=30, second=0, microsecond=0)
    done = await elif_.says(local.strftime("%d.%m.%Y %H:%M"))
    assert "Duyuru #1 planlandı" in (done.text or "")
    assert "09:30" in (done.text or "")
    row = await broadcast_row(assistant)
    assert (row["status"], row["scheduled_at"]) == (
        "scheduled",
        local.astimezone(UTC).isoformat(timespec="seconds"),
    )
    [entry] = await assistant.fetch("SELECT * FROM audit_log WHERE action = 'broadcast.schedule'")
    assert entry["subject"] == "broadcast:1"

    # Time passes: the broadcast is due two seconds from now.
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    await assistant.services.database.execute(
        "UPDATE broadcasts SET scheduled_at = ? WHERE id = 1", (due.isoformat(),)
    )
    message = await ayse.emulator.wait_for_bot_message(ayse.id, contains="webinar", timeout=5)
    assert datetime.now(UTC) >= due
    assert message.text == "Bugün saat 14:00'te webinar var."
    progress = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: "Duyuru #1 gönder" in m.content, timeout=3
    )
    assert progress.message_id != done.message_id  # a new message: the old one is far above
    final = await report(elif_)
    assert "Gönderilen: 2" in (final.text or "")


async def test_a_scheduled_broadcast_can_be_cancelled(assistant: Assistant) -> None:
    ayse = await started(assistant, "Ayşe")
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Planlı duyuru")
    ask = await elif_.press(panel, "İleri bir saate planla")
    done = await elif_.press(ask, "1 saat sonra")
    assert "planlandı" in (done.text or "")
    row = await broadcast_row(assistant)
    planned = datetime.fromisoformat(row["scheduled_at"]) - datetime.now(UTC)
    assert timedelta(minutes=58) < planned <= timedelta(hours=1)

    prompt = await elif_.says("/broadcast")
    assert "Planlanmış duyurular" in (prompt.text or "")
    # The plan says what goes, to whom and when, not just its number.
    assert "#1 · Planlı duyuru\n    👥 Herkes · gönderim: " in (prompt.text or "")
    assert "Yarım kalan taslaklarınız" not in (prompt.text or "")
    closed = await elif_.press(prompt, "#1 · 🗑 Planı iptal et")
    assert "plan iptal edildi" in (closed.text or "")
    row = await broadcast_row(assistant)
    assert row["status"] == "cancelled"
    await assistant.services.database.execute(
        "UPDATE broadcasts SET scheduled_at = ? WHERE id = 1", (datetime.now(UTC).isoformat(),)
    )
    await assistant.emulator.wait_idle(quiet=0.8)
    assert received(ayse, "Planlı duyuru") == []


async def test_staff_find_their_unfinished_drafts_by_their_first_line(
    assistant: Assistant,
) -> None:
    await started(assistant, "Ayşe")
    elif_ = await announcing_staff(assistant)
    long_line = "Yarınki yalın üretim eğitimi saat 10:00'da Organize Sanayi Bölgesi'ndeki salonda"
    await draft(
        elif_, f"{long_line}\nİkinci satır burada", [{"type": "bold", "offset": 0, "length": 7}]
    )
    await elif_.says("/cancel")
    murat = await team_member(assistant, Role.STAFF, "Murat")
    await draft(murat, "Murat'ın taslağı")

    prompt = await elif_.says("/broadcast")
    text = prompt.text or ""
    assert "📝 Yarım kalan taslaklarınız" in text
    shown = long_line[:59].rstrip() + "…"
    assert f"#1 · {shown}\n    👥 Herkes · yazıldı: " in text
    assert "İkinci satır" not in text and "<b>" not in text
    assert "Murat" not in text  # a colleague's draft is theirs to finish
    assert prompt.buttons == ["#1 · ✏️ Taslağa devam et"]
    panel = await elif_.press(prompt, "#1 · ✏️ Taslağa devam et")
    assert "Duyuru taslağı #1" in (panel.text or "")


@pytest.mark.parametrize("kind", ["photo", "document"])
async def test_a_photo_or_a_file_goes_out_with_its_caption(assistant: Assistant, kind: str) -> None:
    ayse = await started(assistant, "Ayşe")
    elif_ = await announcing_staff(assistant)
    await elif_.says("/broadcast")
    if kind == "photo":
        await elif_.emulator.send_photo(elif_.user, PNG, caption="Fuar standımızdan <kareler>")
    else:
        await elif_.emulator.send_document(
            elif_.user, "program.pdf", b"%PDF-1.4 program", caption="Fuar standımızdan <kareler>"
        )
    panel = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Duyuru taslağı")
    [preview] = received(elif_, "Fuar standımızdan")
    assert preview.caption_html == "Fuar standımızdan &lt;kareler&gt;"
    await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    await report(elif_)
    [message] = received(ayse, "Fuar standımızdan")
    assert message.caption == "Fuar standımızdan <kareler>"
    if kind == "photo":
        assert message.photo == PNG
    else:
        assert message.document is not None and message.document.content == b"%PDF-1.4 program"


async def crash(assistant: Assistant) -> None:
    """Kill the outbox worker in the middle of a batch, as a crash would, then stop the rest."""

    def sweeping(task: asyncio.Task[Any]) -> bool:
        coroutine: Any = task.get_coro()
        while coroutine is not None:
            if getattr(coroutine, "__qualname__", "") == "OutboxWorker._sweep":
                return True
            coroutine = getattr(coroutine, "cr_await", None)
        return False

    tasks = [task for task in asyncio.all_tasks() if sweeping(task)]
    assert tasks, "no sweep was running"
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await stop_application(assistant.application)


async def test_a_restart_in_the_middle_resumes_and_misses_nobody(
    start_assistant: Any, make_settings: Any
) -> None:
    first = await start_assistant(BROADCAST_RATE="10")
    people = [await started(first, f"Üye {n}") for n in range(40)]
    elif_ = await announcing_staff(first)
    panel = await draft(elif_, "Kayıtlar yarın kapanıyor.")
    await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    twelfth = people[11]  # people are sent to in the order they joined
    await twelfth.emulator.wait_for_bot_message(twelfth.id, contains="kapanıyor", timeout=5)
    await crash(first)
    database = Database(make_settings().database_path)
    await database.open()
    rows = await database.fetch_all("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    await database.close()
    statuses = {row["status"]: row["n"] for row in rows}
    in_flight = statuses.get("sending", 0)
    assert statuses.get("pending", 0) > 0  # the crash really was in the middle

    second = await start_assistant(BROADCAST_RATE="10")
    final = await report(elif_, within=10)
    assert "Gönderilen: 41" in (final.text or "")
    per_person = Counter(len(received(p, "kapanıyor")) for p in people)
    assert per_person[0] == 0  # nobody missed
    repeated = sum((count - 1) * n for count, n in per_person.items() if count > 1)
    assert repeated <= in_flight
    counts = await second.fetch("SELECT status, COUNT(*) AS n FROM outbox GROUP BY 1")
    assert counts == [{"status": "sent", "n": 41}]


async def test_discarding_a_draft_sends_nothing(assistant: Assistant) -> None:
    ayse = await started(assistant, "Ayşe")
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Vazgeçilecek duyuru")
    closed = await elif_.press(panel, "Vazgeç")
    assert "Taslak #1 silindi" in (closed.text or "")
    assert await assistant.fetch("SELECT * FROM broadcasts") == []
    query = await elif_.emulator.press_callback(elif_.user, closed, "bc:go:1")
    answer = await elif_.emulator.wait_for_callback_answer(query)
    assert answer.show_alert
    assert received(ayse, "Vazgeçilecek") == []


async def test_a_sticker_is_not_an_announcement(assistant: Assistant) -> None:
    elif_ = await announcing_staff(assistant)
    await elif_.says("/broadcast")
    await elif_.emulator.send_sticker(elif_.user)
    again = await elif_.emulator.wait_for_bot_message(elif_.id)
    assert "duyuru olarak gönderemem" in (again.text or "")
    write(elif_, "Şimdi oldu")
    await elif_.emulator.wait_for_bot_message(elif_.id, contains="Duyuru taslağı")


def sample_broadcast(**fields: Any) -> Broadcast:
    moment = datetime(2027, 1, 19, 6, 30, tzinfo=UTC)
    values: dict[str, Any] = {
        "id": 7,
        "staff_id": STAFF_ID,
        "main_language": "tr",
        "text_tr": "Duyuru",
        "text_en": None,
        "media_kind": None,
        "media_file_id": None,
        "audience": Audience(),
        "status": "sending",
        "scheduled_at": moment,
        "created_at": moment,
        "started_at": moment,
        "finished_at": moment + timedelta(minutes=6, seconds=40),
        "progress_chat_id": None,
        "progress_message_id": None,
        "recipients": 5000,
        "sent": 4990,
        "blocked": 7,
        "failed": 3,
        "skipped": 0,
        "cancelled": 0,
    }
    values.update(fields)
    return Broadcast(**values)


@pytest.mark.parametrize(
    ("language", "figures"), [("tr", "1.240 / 5.000"), ("en", "1,240 / 5,000")]
)
def test_progress_is_shown_in_each_languages_number_format(language: str, figures: str) -> None:
    progress = Progress({"sent": 1230, "blocked": 7, "failed": 3, "pending": 3760})
    text = Texts(ISTANBUL).render(
        language,
        "broadcast_progress",
        broadcast=sample_broadcast(),
        progress=progress,
        audience={"kind": "all", "value": None, "name": None, "statuses": []},
        rate=25.0,
    )
    assert figures in text


AUDIENCES = [
    {"kind": "all", "value": None, "name": None, "statuses": []},
    {"kind": "sector", "value": "textile", "name": "Tekstil", "statuses": []},
    {"kind": "language", "value": "en", "name": "en", "statuses": []},
    {"kind": "registrants", "value": "e", "name": "Eğitim", "statuses": ["confirmed"]},
    {"kind": "registrants", "value": "e", "name": "Eğitim", "statuses": ["waitlisted"]},
    {"kind": "registrants", "value": "e", "name": "Eğitim", "statuses": ["a", "b"]},
    {"kind": "attendees", "value": "e", "name": "Eğitim", "statuses": []},
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("audience", AUDIENCES, ids=lambda a: f"{a['kind']}-{a['statuses']}")
def test_every_broadcast_screen_renders_in_both_languages(
    language: str, audience: dict[str, Any]
) -> None:
    texts = Texts(ISTANBUL)
    done = sample_broadcast(status="done", text_en="Notice", media_kind="photo", media_file_id="f")
    stopped = sample_broadcast(status="cancelled", skipped=2, cancelled=40)
    count = AudienceCount({"tr": 1100, "en": 140})
    progress = Progress({"sent": 10, "skipped": 1, "cancelled": 2})
    screens = [
        ("broadcast_panel", {"broadcast": done, "audience": audience, "count": count}),
        ("broadcast_panel", {"broadcast": stopped, "audience": audience, "count": AudienceCount()}),
        ("broadcast_scheduled", {"broadcast": done, "audience": audience, "count": count}),
        ("broadcast_report", {"broadcast": done, "audience": audience, "minutes": 6, "seconds": 4}),
        (
            "broadcast_report",
            {"broadcast": stopped, "audience": audience, "minutes": 0, "seconds": 9},
        ),
        (
            "broadcast_progress",
            {"broadcast": stopped, "audience": audience, "progress": progress, "rate": 30},
        ),
    ]
    for step in ("au", "sec", "lng", "reg", "att"):
        for events in ([], ["e"]):
            screens.append(
                (
                    "broadcast_audience",
                    {"broadcast": done, "step": step, "events": events, "audience": audience},
                )
            )
    for reason in (None, "text", "too_long", "refused"):
        screens.append(
            (
                "broadcast_version",
                {"broadcast": done, "reason": reason, "limit": 1024, "length": 2000},
            )
        )
    for reason in (None, "moment", "past", "far"):
        screens.append(
            ("broadcast_when", {"broadcast": done, "reason": reason, "zone": "Europe/Istanbul"})
        )
    moment = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    listed = [
        {
            "id": number,
            "first_line": line,
            "media": media,
            "audience": audience,
            "written_at": moment,
            "scheduled_at": moment,
        }
        for number, (line, media) in enumerate(
            (("Yarın eğitim var", None), ("", "photo"), ("", "document"), ("", None)), start=1
        )
    ]
    for reason in (None, "kind", "refused"):
        screens.append(
            (
                "broadcast_compose",
                {
                    "reason": reason,
                    "drafts": listed,
                    "scheduled": listed,
                    "main": "tr",
                    "error": "x",
                },
            )
        )
    for what in ("discarded", "unscheduled", "timeout", "form"):
        screens.append(("broadcast_closed", {"what": what, "number": 7}))
    for template, context in screens:
        text = texts.render(language, template, **context)
        assert text and "None" not in text, (template, context)
    for name in ("broadcast_send_now", "broadcast_stop", "stats_refresh", "broadcast_add_en"):
        assert texts.label(language, name)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "broadcasts.sqlite3")
    await database.open()
    await CatalogueRepository(database).import_catalogue(load_catalogue(bundled_content_path()))
    yield database
    await database.close()


async def test_the_outbox_repeats_only_rows_in_flight_and_finishes_once(
    database: Database,
) -> None:
    people = PeopleRepository(database)
    privacy = PrivacyRepository(database)
    for person_id in range(1, 6):
        await people.seen(person_id, "tr")
        await privacy.give(person_id, ANNOUNCEMENTS, "2027-01")
    store = BroadcastRepository(database, "tr")
    outbox = OutboxRepository(database)
    now = datetime.now(UTC)
    created = await store.create_draft(STAFF_ID, "tr", "<b>Duyuru</b>", None, None, now)
    started = await store.start(created.id, STAFF_ID, now)
    assert started is not None and started.recipients == 5
    assert await store.start(created.id, STAFF_ID, now) is None  # a second press

    first = await outbox.claim_due(now, 2)  # then the process dies
    assert [message.person_id for message in first] == [1, 2]
    assert (await outbox.recover_interrupted()).retried == 2
    again = await outbox.claim_due(now, 2)  # and dies once more
    assert [r.id for r in again] == [r.id for r in first] and again[0].attempts == 2
    recovery = await outbox.recover_interrupted()
    assert (recovery.retried, recovery.failed) == (0, 2)

    # Switched off between queueing and claiming (withdrawing would cancel the row at once).
    await database.execute("UPDATE people SET announcements_on = 0 WHERE id = 4")
    await people.mark_unreachable(5)
    [last] = await outbox.claim_due(now, 10)
    assert last.person_id == 3
    assert (await store.progress(created.id)).counts == {
        "failed": 2,
        "sending": 1,
        "skipped": 1,
        "blocked": 1,
    }
    assert await store.finish(created.id, now) is None  # one is still in flight
    await outbox.mark_sent(last.id, now, 42)
    finished = await store.finish(created.id, now)
    assert finished is not None
    assert (finished.status, finished.sent, finished.failed, finished.blocked) == ("done", 1, 2, 1)
    assert finished.skipped == 1
    assert await store.finish(created.id, now) is None  # the report goes once


async def test_a_long_broadcast_does_not_hold_a_reminder_back(start_assistant: Any) -> None:
    assistant = await start_assistant(BROADCAST_RATE="5", REMINDER_OFFSETS="1h")
    clock = FakeClock()
    worker = outbox_on(assistant, clock)  # batches of 5: a second of the budget
    people = [await started(assistant, f"Üye {n}") for n in range(25)]
    last = people[-1]  # the broadcast reaches her last, in its fifth batch
    await assistant.add_event("soon", starts_in=timedelta(days=1))
    event = assistant.services.catalogue.event("soon")
    assert event is not None
    await assistant.services.registrations.sign_up(event, last.id, None, None)
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Uzun bir duyuru")
    query = await elif_.emulator.press_button(elif_.user, panel, "Şimdi gönder")
    await elif_.emulator.wait_for_callback_answer(query)

    clock.advance(1)
    assert await worker.dispatch_batch() == 5  # the broadcast is on its way
    clock.set(event.starts_at - timedelta(hours=1))
    # The very next batch carries the reminder that just fell due, ahead of the broadcast.
    assert await worker.dispatch_batch() == 5
    assert len(received(last, "Hatırlatma")) == 1
    assert received(last, "Uzun bir duyuru") == []  # the broadcast is still on its way
    await worker.drain()
    await report(elif_)
    assert len(received(last, "Uzun bir duyuru")) == 1
    assert len(received(last, "Hatırlatma")) == 1
