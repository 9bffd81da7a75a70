"""Selecting from applications, as staff and applicants read it: what "notify" and a bulk
decision will do before they do it, when a place must be confirmed, and how a refusal reads."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.domain.questions import heading
from storage.catalogue import parse_utc
from storage.content import Text
from storage.questions import Question
from tests.conftest import Assistant
from tests.test_applications import (
    ITALY_TITLE,
    VISIT,
    VISIT_TITLE,
    application_of,
    apply_italy,
    apply_to,
    confirmed_and_reserve,
    selected_visit,
)
from tests.test_exports import download
from tests.test_staff_events import open_staff_event, staff_member

ISTANBUL = ZoneInfo("Europe/Istanbul")


async def _set_deadline(assistant: Assistant, moment: datetime) -> None:
    await assistant.services.database.execute(
        "UPDATE events SET document = json_set(document, '$.registration_deadline', ?) "
        "WHERE id = ?",
        (moment.isoformat(), VISIT),
    )
    await assistant.services.reload_catalogue()


@pytest.mark.usefixtures("unpaced")
async def test_notify_shows_who_hears_what_and_warns_before_the_deadline(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=3)
    ayse, mehmet, zeynep, deniz = (
        assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep", "Deniz")
    )
    for number, person in enumerate((ayse, mehmet, zeynep, deniz)):
        await apply_to(person, company=f"Qwz Örnek {number}")
    services = assistant.services
    for person, decision in ((ayse, "accepted"), (mehmet, "reserve"), (zeynep, "declined")):
        row = await application_of(assistant, person)
        assert (await services.applications.decide(event, row["id"], decision, 1)).outcome == "done"

    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    ask = await elif_.press(listing, "Bildir (3)")
    text = ask.text or ""
    assert "Son başvuru tarihi henüz geçmedi" in text
    assert "✅ Kabul edildi: 1" in text and "🕒 Yedek listesi: 1" in text
    assert "❌ Reddedildi: 1" in text
    assert "Karar bekleyen 1 başvuruya bir şey gönderilmez" in text
    # Asking sends nothing and marks nothing told.
    rows = await assistant.fetch(
        "SELECT notified_status FROM applications WHERE event_id = ?", VISIT
    )
    assert {row["notified_status"] for row in rows} == {None}
    assert not await assistant.fetch("SELECT id FROM outbox WHERE kind = 'application_decision'")

    # Once the deadline has passed, the same question carries no warning.
    await _set_deadline(assistant, datetime.now(UTC) - timedelta(hours=1))
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    ask = await elif_.press(listing, "Bildir (3)")
    assert "henüz geçmedi" not in (ask.text or "")
    sent = await elif_.press(ask, "Evet, gönder")
    assert "3 karar yola çıktı" in (sent.text or "")
    told = await assistant.fetch(
        "SELECT person_id, notified_status FROM applications WHERE notified_status IS NOT NULL"
    )
    assert {row["person_id"]: row["notified_status"] for row in told} == {
        ayse.id: "accepted",
        mehmet.id: "reserve",
        zeynep.id: "declined",
    }

    # The refusal doesn't claim the event was oversubscribed, and says "için" once at most.
    refusal = await zeynep.emulator.wait_for_bot_message(zeynep.id, contains="seçilemediniz")
    refused = refusal.text or ""
    assert "başvurunuz değerlendirildi" in refused
    assert "kontenjan" not in refused and refused.count("için") <= 1
    reserve = await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="yedek listesi")
    assert "kontenjan" not in (reserve.text or "")


@pytest.mark.usefixtures("unpaced")
async def test_bulk_accept_says_how_many_places_there_are_before_it_accepts(
    assistant: Assistant,
) -> None:
    await selected_visit(assistant, capacity=2)
    people = [assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep", "Deniz")]
    for number, person in enumerate(people):
        await apply_to(person, company=f"Qwz Örnek {number}")
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    line = await elif_.press(listing, "Listedekilerin hepsini kabul et")
    confirm = await elif_.press(line, "Atla")
    text = confirm.text or ""
    assert "listede 4 başvuru var; bunlardan 2 başvuru kabul edilecek" in text
    assert "Boş yer sayısı 2" in text
    assert "2 başvuru boş yer kalmadığı için olduğu gibi kalacak.\n" in text
    # Working it out changed nothing and recorded nothing.
    statuses = {row["status"] for row in await assistant.fetch("SELECT status FROM applications")}
    assert statuses == {"pending"}
    assert not await assistant.fetch("SELECT id FROM audit_log WHERE action = 'application.bulk'")

    done = await elif_.press(confirm, "Evet")
    assert "2 başvuru için karar verildi" in (done.text or "")
    rows = await assistant.fetch("SELECT status FROM applications ORDER BY id")
    assert [row["status"] for row in rows] == ["accepted", "accepted", "pending", "pending"]


@pytest.mark.usefixtures("unpaced")
async def test_a_confirmation_deadline_ends_a_local_day(assistant: Assistant) -> None:
    event = await selected_visit(assistant, capacity=2, confirm_days=3)
    ayse = assistant.person("Ayşe")
    await apply_to(ayse)
    services = assistant.services
    row = await application_of(assistant, ayse)
    await services.applications.decide(event, row["id"], "accepted", 1)
    before = datetime.now(UTC)
    await services.applications.notify(event, 1)
    news = await ayse.emulator.wait_for_bot_message(ayse.id, contains="kabul edildi")
    confirm_by = parse_utc((await application_of(assistant, ayse))["confirm_by"])
    local = confirm_by.astimezone(ISTANBUL)
    assert (local.hour, local.minute) == (23, 59)
    assert local.date() == (before + timedelta(days=3)).astimezone(ISTANBUL).date()
    assert "23:59" in (news.text or "")
    # The reminder comes on the last day's morning, not at midnight the day before.
    [reminder] = await assistant.fetch(
        "SELECT due_at FROM outbox WHERE kind = 'place_reminder' AND person_id = ?", ayse.id
    )
    due = parse_utc(reminder["due_at"]).astimezone(ISTANBUL)
    assert (due.date(), due.hour, due.minute) == (local.date(), 10, 0)


@pytest.mark.usefixtures("unpaced")
async def test_staff_read_answers_by_name_and_see_who_is_outside_the_target_sectors(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    await apply_italy(ayse)  # her profile says textiles; the visit is for machinery and suppliers
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, ITALY_TITLE), "Başvurular")
    text = listing.text or ""
    assert "📋 Pasaport: Evet · Görev: İhracat / satış · İngilizce: Kısmen" in text
    assert "Çalışan sayısı: 45" in text and "1) " not in text
    assert "Tekstil ve hazır giyim ⚠️ hedef sektör dışında" in text
    assert "Karar bekleyen 1 · yedek listesinde 0 · reddedilen 0" in text
    card = await elif_.press(listing, "1")
    assert "⚠️ Hedef sektörler dışında" in (card.text or "")
    assert "İş ve inşaat makineleri, Yan sanayi ve tedarikçiler" in (card.text or "")
    [row] = await assistant.fetch("SELECT sector_id FROM applications WHERE person_id = ?", ayse.id)
    assert row["sector_id"] == "textile"

    # One within the target sectors carries no mark.
    await assistant.services.database.execute(
        "UPDATE applications SET sector_id = 'machinery' WHERE person_id = ?", (ayse.id,)
    )
    listing = await elif_.press(card, "Başvurular")
    assert "⚠️" not in (listing.text or "")


@pytest.mark.usefixtures("unpaced")
async def test_an_application_event_speaks_of_applications_and_the_reserve_list(
    assistant: Assistant,
) -> None:
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, ITALY_TITLE)
    text = page.text or ""
    assert "Son başvuru: 1 Mart 2027" in text and "Son kayıt" not in text
    assert "Bekleme listesi" not in text and "yedek listesi" in text
    assert "⏳ Son başvuru tarihi" in page.buttons and "🌐 Herkes başvurabilir" in text
    assert not any("Bekleme listesi" in button for button in page.buttons)
    card = await elif_.press(await elif_.press(page, "Başvurular"), "Durum: Karar bekliyor")
    assert "Durum: Kabul edildi" in " ".join(card.buttons)

    # A first-come event keeps its waiting list and its registration deadline.
    await assistant.add_event("open-training", capacity=5)
    page = await open_staff_event(elif_, "Test etkinliği open-training")
    assert "Bekleme listesi: 0" in (page.text or "") and "Son kayıt" in (page.text or "")
    assert "⏳ Bekleme listesi" in page.buttons

    # A member reads "applications" too: the list, and the closed notice.
    ayse = assistant.person("Ayşe")
    events = await ayse.says("/events")
    visits = await ayse.press(events, "Çalışma ziyaretleri")
    assert "Bologna, İtalya · katılımcılar başvuruyla seçilir" in (visits.text or "")


@pytest.mark.usefixtures("unpaced")
async def test_the_applications_workbook_has_numbers_and_dates_as_cells(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    await apply_italy(ayse)
    [row] = await assistant.fetch("SELECT id, created_at FROM applications")
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, ITALY_TITLE), "Başvurular")
    document = await download(elif_, listing, "Başvurular (Excel)")
    sheet = openpyxl.load_workbook(io.BytesIO(document.content)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["Başvuru"] == row["id"]
    assert values["Daha önce katıldığı etkinlik"] == 0
    applied = values["Başvuru tarihi"]
    assert isinstance(applied, datetime)
    expected = parse_utc(row["created_at"]).astimezone(ISTANBUL).replace(tzinfo=None)
    assert abs(applied - expected) < timedelta(minutes=1)  # the cell keeps minutes
    assert values["4. Firmanızda kaç kişi çalışıyor?"] == 45
    assert values["3. İngilizce toplantıları ne kadar takip edebilirsiniz?"] == "Kısmen"
    assert values["1. Pasaportunuz Ekim 2027 sonrasına kadar geçerli mi?"] == "Evet"


@pytest.mark.usefixtures("unpaced")
async def test_a_cancelled_place_and_the_reserve_offer_are_one_step(assistant: Assistant) -> None:
    event = await selected_visit(assistant, capacity=1)
    ayse, mehmet = await confirmed_and_reserve(assistant, event)
    services = assistant.services

    # The offer to Mehmet can't be written (a crash, as the database sees it): her
    # cancellation is undone with it, so the place is neither lost nor given twice.
    await services.database.execute(
        "CREATE TEMP TRIGGER offer_fails BEFORE INSERT ON outbox "
        "WHEN NEW.kind = 'application_decision' BEGIN SELECT RAISE(ABORT, 'crash'); END"
    )
    page = await ayse.press(await ayse.says("/my"), "1")
    ask = await ayse.press(page, "Kaydı iptal et")
    await assistant.emulator.press_button(ayse.user, ask, "Evet, iptal et")
    await assistant.emulator.wait_idle()
    [registration] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registration["status"] == "confirmed"
    assert (await application_of(assistant, ayse))["status"] == "confirmed"
    assert (await application_of(assistant, mehmet))["status"] == "reserve"

    # Without the fault, the one step cancels her place and offers it to Mehmet.
    await services.database.execute("DROP TRIGGER offer_fails")
    page = await ayse.press(await ayse.says("/my"), "1")
    ask = await ayse.press(page, "Kaydı iptal et")
    done = await ayse.press(ask, "Evet, iptal et")
    assert "iptal" in (done.text or "").lower()
    await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="bir yer açıldı")
    assert (await application_of(assistant, ayse))["status"] == "withdrawn"
    assert (await application_of(assistant, mehmet))["status"] == "accepted"
    [cancelled] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert cancelled["status"] == "cancelled"


@pytest.mark.usefixtures("unpaced")
async def test_a_marked_sheet_that_accepts_too_many_says_so_before_it_is_applied(
    assistant: Assistant,
) -> None:
    await selected_visit(assistant, capacity=1)
    people = [assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep")]
    for number, person in enumerate(people):
        await apply_to(person, company=f"Qwz Örnek {number}")
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    document = await download(elif_, listing, "Başvurular (Excel)")
    workbook = openpyxl.load_workbook(io.BytesIO(document.content))
    sheet = workbook.active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=2):
        row[-1].value = "kabul"
    marked = io.BytesIO()
    workbook.save(marked)
    await elif_.press(
        await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular"),
        "İşaretlenmiş kararları yükle",
    )
    await elif_.emulator.send_document(elif_.user, f"{VISIT}-applications.xlsx", marked.getvalue())
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="işaretli tablonun")
    text = preview.text or ""
    assert "Tabloda 3 kabul var, boş yer ise 1" in text
    assert "2 başvuru boş yer kalmadığı için olduğu gibi kalır" in text
    assert "Son başvuru tarihi" in text and "henüz geçmedi" in text
    done = await elif_.press(preview, "Kararları uygula")
    assert "Tablodan 1 karar kaydedildi" in (done.text or "")
    rows = await assistant.fetch("SELECT status FROM applications ORDER BY id")
    assert [row["status"] for row in rows] == ["accepted", "pending", "pending"]


def test_a_question_without_a_short_name_is_listed_by_its_wording_cut() -> None:
    question = Question("goal", "text", Text("Bu eğitimden firmanız ne kazanmak istiyor?", "Goal?"))
    assert heading(question, "tr") == "Bu eğitimden firmanız…"
    named = replace(question, short=Text("Beklenti", "Hopes"))
    assert (heading(named, "tr"), heading(named, "en")) == ("Beklenti", "Hopes")
