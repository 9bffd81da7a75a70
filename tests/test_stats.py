"""`/stats`: the impact report staff give funders, in each language's number format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.devtools.emulator import User
from storage.people import Profile
from storage.seeding import SeedFeedback, add_feedback
from tests.conftest import STAFF_ID, Assistant, Person


async def started(assistant: Assistant, name: str, language: str = "tr") -> Person:
    person = assistant.person(name, language=language)
    await assistant.services.people.seen(person.id, language)
    return person


async def with_profile(assistant: Assistant, person: Person, sector: str) -> None:
    people = assistant.services.people
    await assistant.services.privacy.acknowledge_notice(person.id, "2027-01", "tr")
    profile = Profile(person.user.first_name, "Örnek A.Ş.", "ornek a.s.", sector, None, None)
    await people.save_profile(person.id, profile)


@pytest.fixture
async def cluster_year(assistant: Assistant) -> Assistant:
    """A cluster with people, two past events, feedback, tickets and one broadcast."""
    services = assistant.services
    database = services.database
    moment = datetime.now(UTC).isoformat(timespec="seconds")
    # 1,200 people who only pressed /start: the report needs thousands separators.
    async with database.transaction() as tx:
        await tx.executemany(
            "INSERT INTO people (id, first_seen_at, last_seen_at, telegram_language) "
            "VALUES (?, ?, ?, 'tr')",
            [(800_000 + n, moment, moment) for n in range(1200)],
        )
    ali, ayse, kemal = [await started(assistant, name) for name in ("Ali", "Ayşe", "Kemal")]
    sam = await started(assistant, "Sam", "en")
    for person, sector in ((ali, "machinery"), (ayse, "textile"), (sam, "machinery")):
        await with_profile(assistant, person, sector)
    await assistant.add_event("held", starts_in=timedelta(days=-5), capacity=3)
    await assistant.add_event("held-two", starts_in=timedelta(days=-2))
    held, held_two = services.catalogue.event("held"), services.catalogue.event("held-two")
    assert held is not None and held_two is not None
    for person in (ali, ayse, sam, kemal):  # Kemal is fourth: the waiting list
        await services.registrations.sign_up(held, person.id, None, None)
    for person in (ali, ayse):
        await services.registrations.sign_up(held_two, person.id, None, None)
    [mine] = [
        r for r in await services.registrations.of_person(ayse.id) if r.event_id == "held-two"
    ]
    await services.registrations.cancel(mine.id, ayse.id, held_two)
    registrations = {
        row["person_id"]: row["id"]
        for row in await assistant.fetch(
            "SELECT id, person_id FROM registrations WHERE event_id = 'held'"
        )
    }
    for person, present, rating in ((ali, 1, 5), (ayse, 0, None), (sam, 1, 4)):
        await database.execute(
            "UPDATE registrations SET attended = ? WHERE id = ?",
            (present, registrations[person.id]),
        )
        if rating is not None:
            await add_feedback(database, [SeedFeedback(registrations[person.id], rating, moment)])
    for kind, status in (("question", "open"), ("question", "open"), ("service_request", "closed")):
        await database.execute(
            "INSERT INTO tickets (person_id, kind, status, language, created_at) "
            "VALUES (?, ?, ?, 'tr', ?)",
            (ali.id, kind, status, moment),
        )
    await database.execute(
        "INSERT INTO broadcasts (staff_id, main_language, text_tr, audience, status, created_at, "
        "started_at, finished_at, recipients, sent) "
        "VALUES (?, 'tr', 'Duyuru', '{\"kind\": \"all\"}', 'done', ?, ?, ?, 1204, 1198)",
        (STAFF_ID, moment, moment, moment),
    )
    return assistant


def staff(assistant: Assistant, language: str) -> Person:
    user = User(id=STAFF_ID, first_name="Elif", language_code=language)
    assistant.emulator.add_user(user)
    return Person(assistant.emulator, user)


async def test_staff_see_the_impact_report_in_turkish(cluster_year: Assistant) -> None:
    report = await staff(cluster_year, "tr").says("/stats")
    text = report.text or ""
    assert "Etki raporu" in text
    # 1,200 + Ali, Ayşe, Kemal, Sam + the staff member herself.
    assert "Asistanı başlatan kişi: 1.205" in text
    assert "Aydınlatma metnini okuduğunu bildiren: 3 · Profilini (ad, firma) dolduran: 3" in text
    assert "Konuştuğu dil (kişi): İngilizce 1 · Türkçe 1.204" in text
    assert "Katılan (yoklamada var): 2" in text
    assert "• İş ve inşaat makineleri: 2" in text
    assert "• Tekstil ve hazır giyim: 1" in text
    assert (
        "Kayıt (tüm etkinlikler): 4 onaylı kayıt · 1 bekleme listesinde · 1 iptal edilmiş" in text
    )
    assert "Memnuniyet yanıtı: 2 · ortalama memnuniyet 4,5/5" in text
    assert "Test etkinliği held" in text
    assert (
        "Kayıt (onaylı) 3 · katılan (yoklamada var) 2 · katılım oranı %67"
        " · memnuniyet 4,5/5 (2 yanıt)" in text
    )
    assert "Kayıt (onaylı) 1 · yoklama alınmadı · memnuniyet yanıtı yok" in text
    assert "Ekibe iletilen soru: 2 açık (yanıt bekliyor) · 0 kapatılmış" in text
    assert "Hizmet talebi: 0 açık (yanıt bekliyor) · 1 kapatılmış" in text
    assert "Gönderilen duyuru: 1 · Ulaşan duyuru mesajı: 1.198" in text
    assert report.buttons == [
        "Bu ay",
        "Bu çeyrek",
        "Bu yıl",
        "📁 Proje dönemi",
        "📅 Tarih aralığı",
        "🔄 Yenile",
        "🛠 Ekip menüsü",
    ]
    assert len(text) < 4096


async def test_the_report_follows_the_staff_members_language(cluster_year: Assistant) -> None:
    elif_ = staff(cluster_year, "en")
    menu = await elif_.says("/staff")
    report = await elif_.press(menu, "📊 Statistics")
    text = report.text or ""
    assert "Impact report" in text
    assert "People who started the assistant: 1,205" in text
    assert (
        "Registrations (confirmed) 3 · attended (marked present) 2 · attendance rate 67%"
        " · satisfaction 4.5/5 (2 answers)" in text
    )
    assert "Announcement messages delivered: 1,198" in text
    query = await elif_.emulator.press_button(elif_.user, report, "🔄 Refresh")
    answer = await elif_.emulator.wait_for_callback_answer(query)
    assert not answer.show_alert  # nothing changed: the same report stays on screen


async def test_people_can_not_see_the_report(assistant: Assistant) -> None:
    ayse = await started(assistant, "Ayşe")
    unknown = await ayse.says("/nosuchcommand")
    assert (await ayse.says("/stats")).text == unknown.text
    query = await ayse.emulator.press_callback(ayse.user, unknown, "sm:stats")
    answer = await ayse.emulator.wait_for_callback_answer(query)
    assert answer.show_alert and "artık geçerli değil" in (answer.text or "")
    assert "Etki raporu" not in ayse.texts()[-1]
