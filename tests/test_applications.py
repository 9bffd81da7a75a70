"""Events where staff select: applying, reviewing, deciding, notifying, confirming, passing on."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest

from bot.devtools.emulator import Message
from storage.content import Event, catalogue_to_document, parse_catalogue
from storage.impact import ImpactRepository
from storage.roles import Role
from tests.conftest import Assistant, Person, StartAssistant
from tests.outbox_clock import FakeClock, outbox_on
from tests.readable_sheets import id_like_cells
from tests.test_exports import download
from tests.test_signup import fill_profile, open_event
from tests.test_staff_events import open_staff_event, staff_member

ITALY = "study-visit-italy-2027-04"
ITALY_TITLE = "Çalışma Ziyareti: İtalya Makine Kümesi"
VISIT = "selected-visit"
VISIT_TITLE = f"Test etkinliği {VISIT}"


async def apply_italy(person: Person, company: str = "Anadolu Makina A.Ş.") -> Message:
    """Apply to the demo's Italy visit through the notice, the profile and its questions."""
    page = await open_event(person, ITALY)
    notice = await person.press(page, "Başvur")
    passport = await fill_profile(person, notice, company=company)
    assert "Pasaportunuz" in (passport.text or "")
    role = await person.press(passport, "Evet")
    english = await person.press(role, "İhracat / satış")
    await person.press(english, "Kısmen")  # then the number of employees
    await person.says("45")  # then the company's hopes
    review = await person.says("Otomasyon çözümlerini yerinde görmek.")
    assert "Başvuruyu gönder" in " ".join(review.buttons)
    return await person.press(review, "Başvuruyu gönder")


async def selected_visit(assistant: Assistant, **fields: Any) -> Event:
    """Publish an application-based visit with two places, one per company, no questions."""
    values: dict[str, Any] = {
        "capacity": 2,
        "max_per_company": 1,
        "selection": "application",
        "confirm_days": 3,
        "reserve_cutoff_days": 1,
    }
    values.update(fields)
    await assistant.add_event(VISIT, starts_in=timedelta(days=20), **values)
    event = assistant.services.catalogue.event(VISIT)
    assert event is not None
    return event


async def apply_to(person: Person, event_id: str = VISIT, company: str = "") -> Message:
    """Apply to an event without questions: the profile, then the answer."""
    notice = await person.press(await open_event(person, event_id), "Başvur")
    return await fill_profile(person, notice, company=company or f"{person.user.first_name} A.Ş.")


async def application_of(assistant: Assistant, person: Person) -> dict[str, Any]:
    [row] = await assistant.fetch("SELECT * FROM applications WHERE person_id = ?", person.id)
    return row


async def confirmed_and_reserve(
    assistant: Assistant, event: Event, accepted_news: str = "kabul edildi"
) -> tuple[Person, Person]:
    """Ayşe and Mehmet apply; Ayşe is accepted and confirms, Mehmet is on the reserve list."""
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    await apply_to(ayse)
    await apply_to(mehmet)
    services = assistant.services
    ids = [(await application_of(assistant, p))["id"] for p in (ayse, mehmet)]
    await services.applications.decide(event, ids[0], "accepted", 1)
    await services.applications.decide(event, ids[1], "reserve", 1)
    await services.applications.notify(event, 1)
    news = await ayse.emulator.wait_for_bot_message(ayse.id, contains=accepted_news)
    await ayse.press(news, "Yerimi onaylıyorum")
    await assistant.emulator.wait_idle()
    return ayse, mehmet


@pytest.mark.usefixtures("unpaced")
async def test_applying_collects_the_answers_and_says_what_happens_next(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    page = await open_event(ayse, ITALY)
    assert "Kontenjan: 12 kişi; katılımcılar başvurular arasından seçilir" in (page.text or "")
    assert "Sonuçlar en geç" in (page.text or "")
    applied = await apply_italy(ayse)
    text = applied.text or ""
    assert "Başvurunuz alındı" in text and "Sonucu en geç" in text
    assert "3 gününüz olacak" in text
    row = await application_of(assistant, ayse)
    assert row["status"] == "pending"
    answers = await assistant.fetch(
        "SELECT question_id, value FROM event_answers WHERE person_id = ?", ayse.id
    )
    assert {a["question_id"]: json.loads(a["value"]) for a in answers}["employees"] == 45
    # No registration: a place comes only with a decision.
    assert not await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ayse.id)

    # Applying twice finds the application; /my lists it with the answers.
    again = await ayse.press(await open_event(ayse, ITALY), "Başvurumu geri çek")
    assert "geri çekmek istiyor musunuz" in (again.text or "")
    kept = await ayse.press(again, "Hayır, kalsın")
    assert "Başvurunuz alındı" in (kept.text or "")
    mine = await ayse.says("/my")
    assert "Başvurular" in (mine.text or "") and "değerlendirme sürüyor" in (mine.text or "")
    assert "Otomasyon çözümlerini" in (mine.text or "")


@pytest.mark.usefixtures("unpaced")
async def test_staff_accept_notify_and_the_person_confirms_the_place(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    await apply_italy(ayse)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, ITALY_TITLE)
    listing = await elif_.press(page, "Başvurular")
    text = listing.text or ""
    assert "Kontenjan: 12" in text and "Karar bekleyen 1" in text
    assert "Ayşe" in text and "🆕 ilk kez" in text and "📋 Pasaport: Evet · Görev: İhracat" in text
    card = await elif_.press(listing, "1")
    assert "Pasaportunuz" in (card.text or "") and "45" in (card.text or "")
    accepted = await elif_.press(card, "Kabul et")
    assert "Kaydedildi" in (accepted.text or "") and "henüz bildirilmedi" in (accepted.text or "")
    # Nothing reaches her before "notify".
    await assistant.emulator.wait_idle()
    assert not any("kabul edildi" in text for text in ayse.texts())

    listing = await elif_.press(accepted, "Başvurular")
    ask = await elif_.press(listing, "Bildir (1)")
    assert "✅ Kabul edildi: 1" in (ask.text or "")
    sent = await elif_.press(ask, "Evet, gönder")
    assert "1 karar yola çıktı" in (sent.text or "")
    news = await ayse.emulator.wait_for_bot_message(
        ayse.id, contains="Başvurunuz kabul edildi, tebrikler"
    )
    assert news.buttons[0] == "✅ Yerimi onaylıyorum"
    confirmed = await ayse.press(news, "Yerimi onaylıyorum")
    assert "Yeriniz onaylandı" in (confirmed.text or "")
    ics = await ayse.next_message(confirmed, predicate=lambda m: m.document is not None)
    assert ics.document is not None
    [registration] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ? AND event_id = ?", ayse.id, ITALY
    )
    assert registration["status"] == "confirmed"
    assert (await application_of(assistant, ayse))["status"] == "confirmed"
    # Notifying again sends nothing: every decision was told once.
    await assistant.emulator.wait_idle()
    italy = assistant.services.catalogue.event(ITALY)
    assert italy is not None
    assert await assistant.services.applications.notify(italy, elif_.id) == 0
    decisions = await assistant.fetch(
        "SELECT status FROM outbox WHERE kind = 'application_decision' AND person_id = ?", ayse.id
    )
    assert [row["status"] for row in decisions] == ["sent"]
    audit = await assistant.fetch(
        "SELECT action FROM audit_log WHERE action LIKE 'application.%' ORDER BY id"
    )
    assert [row["action"] for row in audit] == ["application.decided", "application.notify"]


@pytest.mark.usefixtures("unpaced")
async def test_an_old_accept_button_and_an_old_confirm_button_change_nothing(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant)
    ayse = assistant.person("Ayşe")
    await apply_to(ayse)
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    card = await elif_.press(listing, "1")
    # Another staff member declines meanwhile.
    application = await application_of(assistant, ayse)
    outcome = await assistant.services.applications.decide(
        event, application["id"], "declined", 700002
    )
    assert outcome.outcome == "done"
    await assistant.emulator.press_button(elif_.user, card, "Kabul et")
    refreshed = await elif_.emulator.wait_for_bot_message(elif_.id, contains="başka biri")
    assert "Reddedildi" in (refreshed.text or "")
    assert (await application_of(assistant, ayse))["status"] == "declined"

    # Accepted and told, then declined and told again: the first message's button is stale.
    services = assistant.services
    await services.applications.decide(event, application["id"], "accepted", elif_.id)
    await services.applications.notify(event, elif_.id)
    news = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Başvurunuz kabul edildi")
    await services.applications.decide(event, application["id"], "declined", elif_.id)
    await services.applications.notify(event, elif_.id)
    await ayse.emulator.wait_for_bot_message(ayse.id, contains="bu kez seçilemediniz")
    stale = await ayse.press(news, "Yerimi onaylıyorum")
    assert "karar değişti" in (stale.text or "")
    assert not await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ayse.id)


@pytest.mark.usefixtures("unpaced")
async def test_two_staff_accepting_at_once_never_overfill_the_places(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=1)
    people = [assistant.person(name) for name in ("Ayşe", "Mehmet")]
    for person in people:
        await apply_to(person)
    ids = [(await application_of(assistant, person))["id"] for person in people]
    elif_ = staff_member(assistant)
    can = staff_member(assistant, user_id=700002, name="Can")
    await assistant.services.roles.grant(can.id, Role.STAFF)
    cards = []
    for member, application_id in zip((elif_, can), ids, strict=True):
        listing = await member.press(await open_staff_event(member, VISIT_TITLE), "Başvurular")
        number = "1" if application_id == ids[0] else "2"
        cards.append(await member.press(listing, number))
    await asyncio.gather(
        elif_.emulator.press_button(elif_.user, cards[0], "Kabul et"),
        can.emulator.press_button(can.user, cards[1], "Kabul et"),
    )
    await assistant.emulator.wait_idle()
    rows = await assistant.fetch(
        "SELECT status FROM applications WHERE event_id = ? ORDER BY id", VISIT
    )
    assert sorted(row["status"] for row in rows) == ["accepted", "pending"]
    # The database itself refuses a second acceptance past the places.
    with pytest.raises(Exception, match="no place left"):
        await assistant.services.database.execute(
            "UPDATE applications SET status = 'accepted' WHERE event_id = ? AND status = 'pending'",
            (VISIT,),
        )
    balance = await assistant.services.applications.balance(event)
    assert balance.taken == 1 and balance.left == 0


@pytest.mark.usefixtures("unpaced")
async def test_the_company_limit_and_its_audited_override(assistant: Assistant) -> None:
    event = await selected_visit(assistant, capacity=5)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    await apply_to(ayse, company="Anadolu Makina")
    await apply_to(mehmet, company="Anadolu Makina")
    services = assistant.services
    first = (await application_of(assistant, ayse))["id"]
    await services.applications.decide(event, first, "accepted", 700002)
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    card = await elif_.press(listing, "1")  # Mehmet: the only pending one
    refused = await elif_.press(card, "Kabul et")
    assert "firmanın kontenjanı dolu" in (refused.text or "")
    ask = await elif_.press(refused, "Firma sınırını aşarak kabul et")
    assert "Gerekçeniz" in (ask.text or "")
    done = await elif_.says("İki farklı tesisten geliyorlar")
    assert "Firma sınırı aşılarak kabul edildi" in (done.text or "")
    assert (await application_of(assistant, mehmet))["status"] == "accepted"
    [entry] = await assistant.fetch(
        "SELECT detail FROM audit_log WHERE action = 'application.decided' AND staff_id = ?",
        elif_.id,
    )
    assert json.loads(entry["detail"])["company_override"] == "İki farklı tesisten geliyorlar"


@pytest.mark.usefixtures("unpaced")
async def test_a_place_not_confirmed_passes_to_the_reserve_then_staff_are_told(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=1)
    ayse, mehmet, zeynep = (assistant.person(n) for n in ("Ayşe", "Mehmet", "Zeynep"))
    for person in (ayse, mehmet, zeynep):
        await apply_to(person)
    services = assistant.services
    ids = {p.id: (await application_of(assistant, p))["id"] for p in (ayse, mehmet, zeynep)}
    staff_id = next(iter(services.settings.staff_ids))
    staff_member(assistant)  # the team member is a person the assistant can write to
    await staff_member(assistant).says("/staff")
    await services.applications.decide(event, ids[ayse.id], "accepted", staff_id)
    await services.applications.decide(event, ids[mehmet.id], "reserve", staff_id)
    await services.applications.decide(event, ids[zeynep.id], "declined", staff_id)
    assert await services.applications.notify(event, staff_id) == 3
    await ayse.emulator.wait_for_bot_message(mehmet.id, contains="yedek listesindesiniz")

    # Ayşe lets her deadline pass: the place lapses and Mehmet is offered it at once.
    await services.database.execute(
        "UPDATE applications SET confirm_by = ? WHERE id = ?",
        ((datetime.now(UTC) - timedelta(minutes=1)).isoformat(), ids[ayse.id]),
    )
    events = {event.id: event}
    staff = await services.applications.staff_to_tell([staff_id])
    assert await services.applications.lapse_overdue(events, staff) == 1
    offer = await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="bir yer açıldı")
    assert offer.buttons[0] == "✅ Yerimi onaylıyorum"
    late = await ayse.press(
        await ayse.emulator.wait_for_bot_message(ayse.id, contains="Başvurunuz kabul edildi"),
        "Yerimi onaylıyorum",
    )
    assert "karar değişti" in (late.text or "")

    # Mehmet gives it back after the reserve cutoff: nobody is offered it, staff are told.
    mehmet_row = await application_of(assistant, mehmet)
    assert mehmet_row["status"] == "accepted"
    await services.database.execute(
        "UPDATE events SET document = json_set(document, '$.reserve_cutoff_days', 25) WHERE id = ?",
        (VISIT,),
    )
    await services.reload_catalogue()
    near = services.catalogue.event(VISIT)
    assert near is not None and near.reserve_closes_at < datetime.now(UTC)
    withdrawn = await services.applications.withdraw(mehmet_row["id"], mehmet.id, near, staff)
    assert withdrawn is not None and withdrawn.status == "withdrawn"
    note = await assistant.emulator.wait_for_bot_message(staff_id, contains="bir yer boşaldı")
    assert "Yedek listesi için son tarih" in (note.text or "")
    statuses = {
        row["person_id"]: row["status"]
        for row in await assistant.fetch("SELECT person_id, status FROM applications")
    }
    assert statuses == {ayse.id: "lapsed", mehmet.id: "withdrawn", zeynep.id: "declined"}


@pytest.mark.usefixtures("unpaced")
async def test_applying_after_the_deadline_and_withdrawing_a_confirmed_place(
    assistant: Assistant,
) -> None:
    deadline = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    event = await selected_visit(assistant, registration_deadline=deadline, capacity=1)
    ayse, mehmet = await confirmed_and_reserve(assistant, event, "Başvurunuz kabul edildi")
    services = assistant.services
    # She cancels her confirmed place from /my: it passes to Mehmet on the reserve list.
    mine = await ayse.says("/my")
    page = await ayse.press(mine, "1")
    ask = await ayse.press(page, "Kaydı iptal et")
    done = await ayse.press(ask, "Evet, iptal et")
    assert "iptal" in (done.text or "").lower()
    await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="bir yer açıldı")
    assert (await application_of(assistant, ayse))["status"] == "withdrawn"
    assert (await application_of(assistant, mehmet))["status"] == "accepted"

    # Past the deadline, a newcomer's "apply" is refused politely.
    await services.database.execute(
        "UPDATE events SET document = json_set(document, '$.registration_deadline', ?) "
        "WHERE id = ?",
        ((datetime.now(UTC) - timedelta(hours=1)).isoformat(), VISIT),
    )
    await services.reload_catalogue()
    zeynep = assistant.person("Zeynep")
    page = await open_event(zeynep, VISIT)
    assert "Başvurular kapandı" in (page.text or "")
    assert not any("Başvur" in button for button in page.buttons)


@pytest.mark.usefixtures("unpaced")
async def test_bulk_decisions_survive_a_restart_before_notify_and_go_once(
    start_assistant: StartAssistant,
) -> None:
    assistant = await start_assistant()
    await selected_visit(assistant, capacity=2)
    people = [assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep")]
    for person in people:
        await apply_to(person)
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    line = await elif_.press(listing, "Listedekilerin hepsini kabul et")
    assert "bunlardan 2 başvuru kabul edilecek" in (line.text or "")
    confirm = await elif_.says("Bologna'da görüşmek üzere!")
    done = await elif_.press(confirm, "Evet")
    assert "2 başvuru için karar verildi" in (done.text or "")
    assert "1 başvuru boş yer kalmadığı için" in (done.text or "")
    await assistant.emulator.wait_idle()

    # A restart between the decisions and "notify" loses nothing.
    await assistant.application.stop()
    await assistant.application.shutdown()
    again = await start_assistant()
    event = again.services.catalogue.event(VISIT)
    assert event is not None
    assert await again.services.applications.notify(event, elif_.id) == 2
    assert await again.services.applications.notify(event, elif_.id) == 0
    for person in people[:2]:
        news = await again.emulator.wait_for_bot_message(
            person.id, contains="Başvurunuz kabul edildi"
        )
        assert "Bologna'da görüşmek üzere!" in (news.text or "")
    rows = await again.fetch(
        "SELECT person_id, COUNT(*) AS n FROM outbox WHERE kind = 'application_decision' "
        "GROUP BY person_id"
    )
    assert sorted(row["n"] for row in rows) == [1, 1]


@pytest.mark.usefixtures("unpaced")
async def test_the_spreadsheet_round_trip_previews_then_decides(assistant: Assistant) -> None:
    await selected_visit(assistant, capacity=5)
    people = [assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep")]
    for person in people:
        await apply_to(person)
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    document = await download(elif_, listing, "Başvurular (Excel)")
    workbook = openpyxl.load_workbook(io.BytesIO(document.content))
    sheet = workbook.active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Başvuru" and header[-1] == "İşaret (kabul / yedek / ret)"
    assert id_like_cells(workbook) == []
    marks = {"Ayşe": "kabul", "Mehmet": "Yedek", "Zeynep": ""}
    for row in sheet.iter_rows(min_row=2):
        name = str(row[1].value).split()[0]
        row[len(header) - 1].value = marks[name]
    marked = io.BytesIO()
    workbook.save(marked)

    ask = await elif_.press(
        await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular"),
        "İşaretlenmiş kararları yükle",
    )
    assert "son sütununa" in (ask.text or "")
    await elif_.emulator.send_document(
        elif_.user, "selected-visit-applications.xlsx", marked.getvalue()
    )
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="işaretli tablonun")
    assert "✅ kabul" in (preview.text or "") and "🕒 yedek" in (preview.text or "")
    assert (await application_of(assistant, people[0]))["status"] == "pending"
    done = await elif_.press(preview, "Kararları uygula")
    assert "Tablodan 2 karar kaydedildi" in (done.text or "")
    statuses = [(await application_of(assistant, p))["status"] for p in people]
    assert statuses == ["accepted", "reserve", "pending"]


async def test_an_event_turned_to_applications_keeps_its_registrations(
    assistant: Assistant,
) -> None:
    await assistant.add_event("switch", capacity=2)
    services = assistant.services
    event = services.catalogue.event("switch")
    assert event is not None
    ayse = assistant.person("Ayşe")
    await ayse.says("/start")
    await services.registrations.sign_up(event, ayse.id, None, None)
    document = catalogue_to_document(services.catalogue)
    for entry in document["events"]:
        if entry["id"] == "switch":
            entry["selection"] = "application"
    await services.catalogue_store.import_catalogue(parse_catalogue(document, "switch"))
    await services.reload_catalogue()
    switched = services.catalogue.event("switch")
    assert switched is not None and switched.by_application
    balance = await services.applications.balance(switched)
    assert balance.confirmed == 1 and balance.left == 1
    page = await open_event(ayse, "switch")
    assert "Kaydınız onaylı" in (page.text or "")
    mehmet = assistant.person("Mehmet")
    page = await open_event(mehmet, "switch")
    assert "📨 Başvur" in page.buttons


@pytest.mark.usefixtures("unpaced")
async def test_erasing_a_person_withdraws_their_application_and_frees_the_place(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=1)
    ayse = assistant.person("Ayşe")
    await apply_to(ayse)
    services = assistant.services
    row = await application_of(assistant, ayse)
    await services.applications.decide(event, row["id"], "accepted", 1)
    exported = await services.people.personal_data(ayse.id)
    assert [item["status"] for item in exported["applications"]] == ["accepted"]
    await services.people.erase(ayse.id)
    [kept] = await assistant.fetch("SELECT * FROM applications WHERE id = ?", row["id"])
    assert kept["person_id"] is None and kept["status"] == "withdrawn"
    assert kept["company_key"] is None
    assert (await services.applications.balance(event)).left == 1


@pytest.mark.usefixtures("unpaced")
async def test_the_impact_report_counts_applications_and_places_taken(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=2, max_per_company=None)
    people = [assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep", "Deniz")]
    for number, person in enumerate(people):
        await apply_to(person, company=f"Qwz Örnek {number}")
    services = assistant.services
    ids = [(await application_of(assistant, p))["id"] for p in people]
    await services.applications.decide(event, ids[0], "accepted", 1)
    await services.applications.decide(event, ids[1], "accepted", 1)
    await services.applications.decide(event, ids[2], "declined", 1)
    await services.applications.notify(event, 1)
    await services.applications.confirm(ids[0], people[0].id, event)
    counts = await ImpactRepository(services.database).selection(
        event.ends_at - timedelta(days=1), event.ends_at + timedelta(days=1)
    )
    assert (counts.events, counts.applications, counts.selected) == (1, 4, 2)
    assert (counts.places, counts.taken) == (2, 1)
    assert counts.acceptance_rate == 0.5


@pytest.mark.usefixtures("unpaced")
async def test_staff_switch_an_event_with_registrations_to_selection(
    assistant: Assistant,
) -> None:
    await assistant.add_event("switch", capacity=3)
    services = assistant.services
    ayse = assistant.person("Ayşe")
    await ayse.says("/start")
    event = services.catalogue.event("switch")
    assert event is not None
    await services.registrations.sign_up(event, ayse.id, None, None)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği switch")
    ask = await elif_.press(page, "Açık kayıt ya da seçim")
    assert "Şu anki: açık kayıt" in (ask.text or "")
    preview = await elif_.press(ask, "Başvurular arasından seçim")
    assert "katılımcı seçimi" in (preview.text or "")
    saved = await elif_.press(preview, "Değişikliği kaydet")
    text = saved.text or ""
    assert "Başvuruyla seçim" in text and "kontenjandan düşülür" in text
    switched = services.catalogue.event("switch")
    assert switched is not None and switched.by_application
    # Her seat stands and counts; a newcomer is asked to apply for the places left.
    assert (await services.applications.balance(switched)).left == 2
    assert "Kaydınız onaylı" in ((await open_event(ayse, "switch")).text or "")
    mehmet = assistant.person("Mehmet")
    assert "📨 Başvur" in (await open_event(mehmet, "switch")).buttons
    # And back: the selection's own fields go with it.
    ask = await elif_.press(await open_staff_event(elif_, "Test etkinliği switch"), "seçim")
    await elif_.press(await elif_.press(ask, "Açık kayıt"), "Değişikliği kaydet")
    reopened = services.catalogue.event("switch")
    assert reopened is not None and not reopened.by_application


@pytest.mark.usefixtures("unpaced")
async def test_a_reminder_comes_before_the_deadline_unless_the_place_was_taken(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=2)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    await apply_to(ayse)
    await apply_to(mehmet)
    services = assistant.services
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    ids = [(await application_of(assistant, p))["id"] for p in (ayse, mehmet)]
    for application_id in ids:
        await services.applications.decide(event, application_id, "accepted", 1)
    await services.applications.notify(event, 1, clock.now)
    assert await outbox.drain() == 2  # the two decisions; the reminders wait
    news = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Başvurunuz kabul edildi")
    await ayse.press(news, "Yerimi onaylıyorum")
    await assistant.emulator.wait_idle()
    [due] = await assistant.fetch(
        "SELECT due_at FROM outbox WHERE kind = 'place_reminder' AND person_id = ?", mehmet.id
    )
    clock.set(datetime.fromisoformat(due["due_at"]) + timedelta(minutes=1))
    await outbox.drain()
    reminder = await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="Hatırlatma")
    assert reminder.buttons[0] == "✅ Yerimi onaylıyorum"
    assert not any("Hatırlatma" in text for text in ayse.texts())
    rows = await assistant.fetch(
        "SELECT person_id, status FROM outbox WHERE kind = 'place_reminder' ORDER BY person_id"
    )
    assert {row["person_id"]: row["status"] for row in rows} == {
        ayse.id: "cancelled",
        mehmet.id: "sent",
    }


@pytest.mark.usefixtures("unpaced")
async def test_the_review_filters_by_status_sector_member_company_and_attendance(
    assistant: Assistant,
) -> None:
    await selected_visit(assistant, capacity=5)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    await apply_to(ayse)
    await apply_to(mehmet)
    services = assistant.services
    # Mehmet came to an earlier event.
    await assistant.add_event("earlier", starts_in=timedelta(days=-30))
    await services.database.execute(
        "INSERT INTO registrations (event_id, person_id, status, created_at, queued_at, "
        "attended) VALUES ('earlier', ?, 'confirmed', '2026-01-01T00:00:00+00:00', "
        "'2026-01-01T00:00:00+00:00', 1)",
        (mehmet.id,),
    )
    elif_ = staff_member(assistant)
    listing = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Başvurular")
    assert "Ayşe" in (listing.text or "") and "Mehmet" in (listing.text or "")
    assert "🎓 daha önce 1 etkinliğe katıldı" in (listing.text or "")
    attended = await elif_.press(listing, "Daha önce katıldı: hepsi")
    assert "Mehmet" in (attended.text or "") and "Ayşe" not in (attended.text or "")
    first_timers = await elif_.press(attended, "Daha önce katıldı: evet")
    assert "Ayşe" in (first_timers.text or "") and "Mehmet" not in (first_timers.text or "")
    sector = await elif_.press(first_timers, "Sektör: hepsi")
    assert "Sektör: İş ve inşaat makineleri" in " ".join(sector.buttons)
    assert "Bu filtrelere uyan başvuru yok." in (sector.text or "")  # both are in textiles
    accepted_only = await elif_.press(listing, "Durum: Karar bekliyor")
    assert "Durum: Kabul edildi" in " ".join(accepted_only.buttons)
    assert "Bu filtrelere uyan başvuru yok." in (accepted_only.text or "")


@pytest.mark.usefixtures("unpaced")
async def test_confirming_after_the_deadline_is_refused_politely(assistant: Assistant) -> None:
    event = await selected_visit(assistant, capacity=1)
    ayse = assistant.person("Ayşe")
    await apply_to(ayse)
    services = assistant.services
    application_id = (await application_of(assistant, ayse))["id"]
    await services.applications.decide(event, application_id, "accepted", 1)
    await services.applications.notify(event, 1)
    news = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Başvurunuz kabul edildi")
    # The deadline passed a minute ago; the sweep has not run yet.
    await services.database.execute(
        "UPDATE applications SET confirm_by = ? WHERE id = ?",
        ((datetime.now(UTC) - timedelta(minutes=1)).isoformat(), application_id),
    )
    late = await ayse.press(news, "Yerimi onaylıyorum")
    assert "onaylama süresi doldu" in (late.text or "")
    assert not await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ayse.id)


@pytest.mark.usefixtures("unpaced")
async def test_cancelling_a_selection_event_tells_the_applicants(assistant: Assistant) -> None:
    event = await selected_visit(assistant, capacity=2)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    await apply_to(ayse)
    await apply_to(mehmet)
    services = assistant.services
    reserve = (await application_of(assistant, mehmet))["id"]
    await services.applications.decide(event, reserve, "reserve", 1)
    elif_ = staff_member(assistant)
    ask = await elif_.press(await open_staff_event(elif_, VISIT_TITLE), "Etkinliği iptal et")
    await elif_.press(ask, "Evet, etkinliği iptal et")
    for person in (ayse, mehmet):
        notice = await person.emulator.wait_for_bot_message(person.id, contains="iptal edildi")
        assert "Başvurduğunuz" in (notice.text or "")
        assert "Başvurunuz da otomatik olarak kapatıldı" in (notice.text or "")
    statuses = {row["status"] for row in await assistant.fetch("SELECT status FROM applications")}
    assert statuses == {"withdrawn"}
