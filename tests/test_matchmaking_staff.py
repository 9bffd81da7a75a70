"""B2B matchmaking for staff: the grid, the workbook, a no-show, proposals for free times, and
the outcome question after the event feeding the figures."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import openpyxl
import pypdf

from bot.devtools.emulator import Message
from bot.domain.impact import Period, period_report
from bot.domain.matchmaking import schedule_of
from bot.screens.buttons import StaffEventPage
from storage.impact import ImpactRepository, MeetingCounts
from storage.matchmaking import ProfileDraft
from storage.seeding import SeedRegistration, add_registrations
from tests.conftest import Assistant, Person
from tests.readable_sheets import id_like_cells
from tests.test_exports import download
from tests.test_matchmaking import (
    B2B,
    Outbox,
    answer_request,
    listed,
    pair,
    participant,
    request_meeting,
)
from tests.test_staff_events import staff_member


async def staff_grid(elif_: Person, event_id: str = B2B) -> Message:
    """Open the event's staff page (as from the event list) and its B2B grid."""
    menu = await elif_.says("/staff")
    await elif_.emulator.press_callback(elif_.user, menu, StaffEventPage(event_id).data)
    page = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: "🤝 B2B görüşme tablosu" in m.buttons
    )
    return await elif_.press(page, "B2B görüşme tablosu")


async def test_staff_see_the_grid_and_download_the_schedule(assistant: Assistant) -> None:
    ayse, bora, outbox = await pair(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", "Silindir")
    await outbox.deliver()
    await answer_request(bora, accept=True)
    elif_ = staff_member(assistant)
    grid = await staff_grid(elif_)
    text = grid.text or ""
    assert "Listelenen katılımcı: 2" in text and "Planlanan görüşme: 1" in text
    assert "09:30 ●··········· 1/12" in text
    assert "09:50 ············ 0/12" in text
    document = await download(elif_, grid, "Excel: tablo ve gündemler")
    event = assistant.services.catalogue.event(B2B)
    assert event is not None
    title = event.title.get("tr").replace(":", "")  # no colon in a file name
    # Named for the event (a long title cut at a word), never for its id.
    assert document.filename.startswith(f"B2B görüşmeleri - {title[:30]}")
    assert document.filename.endswith(".xlsx") and B2B not in document.filename
    book = openpyxl.load_workbook(io.BytesIO(document.content))
    assert id_like_cells(book) == []
    sheet = book["Tablo"]
    assert sheet.cell(1, 2).value == "Masa 1"
    assert "Ayşe Kaya · Anadolu Lazer" in str(sheet.cell(2, 2).value)
    assert "Bora Demir · Kuzey Hidrolik" in str(sheet.cell(2, 2).value)
    agendas = [row for row in book["Gündemler"].iter_rows(min_row=2, values_only=True)]
    assert len(agendas) == 2 and {row[5] for row in agendas} == {"Silindir"}
    [entry] = await assistant.fetch("SELECT action FROM audit_log WHERE action = 'b2b.export'")
    assert entry["action"] == "b2b.export"
    cards = await download(elif_, grid, "Masa kartları (PDF)")
    assert cards.filename.startswith(f"Masa kartları - {title[:30]}")
    pages = pypdf.PdfReader(io.BytesIO(cards.content)).pages
    assert len(pages) == 12
    first = pages[0].extract_text()
    assert "MASA 1" in first and "09:30" in first and "Anadolu Lazer" in first
    assert "Anadolu Lazer" not in pages[1].extract_text()


async def test_a_no_show_cancels_meetings_and_offers_a_free_partner(assistant: Assistant) -> None:
    ayse, bora, outbox = await pair(assistant)
    cem = await participant(assistant, "Cem Yıldız", "Güney Döküm")
    await listed(cem, ["Döküm"], ["Lazer kesim"])
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    elif_ = staff_member(assistant)
    grid = await staff_grid(elif_)
    people = await elif_.press(grid, "Gelmeyen katılımcı")
    confirm = await elif_.press(people, "Kuzey Hidrolik")
    assert "1 görüşmesi iptal edilecek" in (confirm.text or "")
    done = await elif_.press(confirm, "Evet, gelmedi")
    assert "gelmedi olarak işaretlendi; 1 görüşme iptal edildi" in (done.text or "")
    assert "Planlanan görüşme: 0" in (done.text or "")
    await outbox.deliver()
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="iptal edildi", after=0)
    assert "katılımcı etkinliğe gelemedi" in (told.text or "")
    # Cem is free at that time: offered to Ayşe, one tap from a request.
    assert any("Güney Döküm" in button for button in told.buttons)
    page = await ayse.press(told, "Güney Döküm")
    assert "Görüşme talep et" in " ".join(page.buttons)
    # Bora, absent, is no longer listed for requests.
    assert [p.company for p in await assistant.services.matchmaking.listed(B2B)] == [
        "Anadolu Lazer",
        "Güney Döküm",
    ]


async def test_a_no_show_with_two_meetings_offers_each_side_who_is_free_then(
    assistant: Assistant,
) -> None:
    ayse, bora, outbox = await pair(assistant)
    cem = await participant(assistant, "Cem Yıldız", "Güney Döküm")
    await listed(cem, ["Döküm"], ["Hidrolik sistemler"])
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    await request_meeting(cem, await cem.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    notices = [
        m for m in bora.emulator.bot_messages(bora.id) if "Yeni görüşme talebi" in (m.text or "")
    ]
    await bora.press(await bora.press(notices[-1], "Kabul et"), "Atla")
    slots = await assistant.fetch("SELECT slot FROM meetings ORDER BY slot")
    assert [row["slot"] for row in slots] == [0, 1]

    elif_ = staff_member(assistant)
    confirm = await elif_.press(
        await elif_.press(await staff_grid(elif_), "Gelmeyen katılımcı"), "Kuzey Hidrolik"
    )
    assert "2 görüşmesi iptal edilecek" in (confirm.text or "")
    done = await elif_.press(confirm, "Evet, gelmedi")
    assert "2 görüşme iptal edildi" in (done.text or "")
    await outbox.deliver()
    # Ayşe's 09:30 and Cem's 09:50 are free now: each is offered the other, free then too.
    for person, other in ((ayse, "Güney Döküm"), (cem, "Anadolu Lazer")):
        told = await person.emulator.wait_for_bot_message(
            person.id, contains="iptal edildi", after=0
        )
        assert "katılımcı etkinliğe gelemedi" in (told.text or "")
        assert any(other in button for button in told.buttons)
    rows = await assistant.fetch(
        "SELECT person_id, payload FROM outbox WHERE kind = 'meeting_cancelled' ORDER BY person_id"
    )
    offered = {row["person_id"]: json.loads(row["payload"])["free"] for row in rows}
    profiles = {
        row["person_id"]: row["id"]
        for row in await assistant.fetch("SELECT id, person_id FROM match_profiles")
    }
    assert offered == {ayse.id: [profiles[cem.id]], cem.id: [profiles[ayse.id]]}


async def test_staff_propose_meetings_for_free_times(assistant: Assistant) -> None:
    ayse, _, outbox = await pair(assistant)
    elif_ = staff_member(assistant)
    grid = await staff_grid(elif_)
    done = await elif_.press(grid, "Boşluklar için öner")
    assert "2 görüşme önerisi gönderiliyor" in (done.text or "")
    await outbox.deliver()
    suggestion = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Küme ekibinden")
    assert "Kuzey Hidrolik" in (suggestion.text or "")
    assert "Aradığınız “Hidrolik sistemler” alanında hizmet veriyorlar" in (suggestion.text or "")
    ask = await ayse.press(suggestion, "Görüşme talep et")
    assert "kısa bir not" in (ask.text or "")
    # Proposing again suggests nothing new: the pair was already proposed and is now asked.
    await ayse.press(ask, "Atla")
    again = await elif_.press(done, "Boşluklar için öner")
    assert "önerilecek uygun eşleşme yok" in (again.text or "")


async def test_after_the_event_the_outcome_question_feeds_the_figures(
    assistant: Assistant,
) -> None:
    await assistant.add_event(
        "held-b2b", starts_in=-timedelta(hours=3), hours=2, kind="b2b", matchmaking=True
    )
    event = assistant.services.catalogue.event("held-b2b")
    assert event is not None
    ayse = assistant.person("Ayşe")
    bora = assistant.person("Bora")
    store = assistant.services.matchmaking
    before = event.starts_at - timedelta(days=1)
    for person, company in ((ayse, "Anadolu Lazer"), (bora, "Kuzey Hidrolik")):
        await assistant.services.people.seen(person.id, "tr")
        await add_registrations(
            assistant.services.database,
            [
                SeedRegistration(
                    "held-b2b",
                    person.id,
                    None,
                    None,
                    "confirmed",
                    before.isoformat(),
                    1,
                    None,
                    None,
                )
            ],
        )
        draft = ProfileDraft(company, None, None, ("laser-cutting",), (), None, None, ("tr",), None)
        await store.save_profile(person.id, "held-b2b", draft, "2027-01", before)
    made = await store.request("held-b2b", ayse.id, bora.id, None, 10, before)
    assert made.request_id is not None
    await store.answer(made.request_id, bora.id, True, None, schedule_of(event), before)
    outbox = Outbox(assistant)
    await outbox.deliver()  # what was queued back then

    elif_ = staff_member(assistant)
    screen = await staff_grid(elif_, "held-b2b")
    assert "Sonucunu bildiren görüşme: 0" in (screen.text or "")
    sent = await elif_.press(screen, "Sonuç sorusunu gönder")
    assert "2 kişiye görüşmelerinin sonucu soruluyor" in (sent.text or "")
    assert await outbox.deliver() == 2
    question = await ayse.emulator.wait_for_bot_message(ayse.id, contains="neye vesile oldu")
    thanks = await ayse.press(question, "Anlaşma / sipariş")
    assert "Anlaşmanız hayırlı olsun" in (thanks.text or "")
    figures = await store.figures("held-b2b")
    assert (figures.answered, figures.deals, figures.scheduled) == (1, 1, 1)
    # The impact report counts the meeting held and the deal it led to.
    today = datetime.now(assistant.services.settings.timezone).date()
    report = await period_report(
        ImpactRepository(assistant.services.database),
        assistant.services.companies,
        Period(today - timedelta(days=2), today),
        assistant.services.settings.timezone,
    )
    assert report.meetings == MeetingCounts(
        events=1, held=1, follow_ups=0, offers=0, deals=1, held_by_event={"held-b2b": 1}
    )
    # A second send asks nobody twice.
    again = await elif_.press(sent, "Sonuç sorusunu gönder")
    assert "zaten gönderilmiş" in (again.text or "")
    assert datetime.now(UTC) > event.ends_at


async def test_staff_move_a_meeting_and_both_sides_are_told(assistant: Assistant) -> None:
    ayse, bora, outbox = await pair(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    await outbox.deliver()
    elif_ = staff_member(assistant)
    meetings = await elif_.press(await staff_grid(elif_), "Görüşme taşı")
    choose = await elif_.press(meetings, "Anadolu Lazer / Kuzey Hidrolik")
    assert "nereye taşınsın" in (choose.text or "")
    done = await elif_.press(choose, "09:50 · Masa 1")
    assert "Görüşme taşındı" in (done.text or "")
    assert "09:50 ●··········· 1/12" in (done.text or "")
    [meeting] = await assistant.fetch("SELECT slot, table_no FROM meetings")
    assert meeting == {"slot": 1, "table_no": 1}
    await outbox.deliver()
    for person in (ayse, bora):
        told = await person.emulator.wait_for_bot_message(person.id, contains="yeniden planladı")
        assert "09:50" in (told.text or "") and "Masa 1" in (told.text or "")
    reminders = await assistant.fetch(
        "SELECT due_at FROM outbox WHERE kind = 'meeting_reminder' AND status = 'pending'"
    )
    assert len(reminders) == 2 and all("06:40:00" in r["due_at"] for r in reminders)


async def test_staff_set_sessions_tables_and_placement_in_a_form(assistant: Assistant) -> None:
    ayse, bora, outbox = await pair(assistant)
    elif_ = staff_member(assistant)
    form = await elif_.press(await staff_grid(elif_), "Oturumlar ve masalar")
    assert "09:30-12:30, 13:30-16:30" in (form.text or "")
    again = await elif_.says("sabah")
    assert "Saatleri okuyamadım" in (again.text or "")
    await elif_.says("10:00-12:00")
    await elif_.says("30")
    tables = elif_.last()
    await elif_.press(tables, "Aynı kalsın")
    await elif_.says("5")
    saved = await elif_.press(elif_.last(), "Ekip yerleştirsin")
    text = saved.text or ""
    assert "Eşleştirme ayarları kaydedildi" in text
    assert "10:00 ············ 0/12" in text and "11:30 ············ 0/12" in text
    assert "09:30" not in text
    event = assistant.services.catalogue.event(B2B)
    assert event is not None and event.matchmaking is not None
    assert (event.matchmaking.meeting_minutes, event.matchmaking.pending_cap) == (30, 5)
    assert event.matchmaking.scheduling == "staff" and len(event.slots()) == 4
    # Staff placement: an accepted meeting waits for the team, then "place waiting" seats it.
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    held = await answer_request(bora, accept=True)
    assert "Saatini ve masasını küme ekibi belirleyip" in (held.text or "")
    placed = await elif_.press(await staff_grid(elif_), "Bekleyenleri yerleştir")
    assert "Bekleyen 1 görüşme boş yerlere yerleştirildi" in (placed.text or "")
    # Once a meeting sits in a slot, the sessions can't be reshaped.
    form = await elif_.press(placed, "Oturumlar ve masalar")
    await elif_.says("14:00-15:00")
    for _ in range(2):
        await elif_.press(elif_.last(), "Aynı kalsın")
    await elif_.press(elif_.last(), "Aynı kalsın")
    refused = await elif_.press(elif_.last(), "Aynı kalsın")
    assert "oturumlar ve görüşme süresi değiştirilemez" in (refused.text or "")
    assert form.text


async def test_retention_forgets_who_met_whom_and_keeps_the_figures(assistant: Assistant) -> None:
    await test_after_the_event_the_outcome_question_feeds_the_figures(assistant)
    event = assistant.services.catalogue.event("held-b2b")
    assert event is not None
    await assistant.services.privacy.anonymise_before(event.ends_at + timedelta(days=1))
    assert await assistant.fetch("SELECT * FROM match_profiles WHERE event_id = 'held-b2b'") == []
    [meeting] = await assistant.fetch("SELECT * FROM meetings WHERE event_id = 'held-b2b'")
    assert (meeting["person_a"], meeting["person_b"], meeting["outcome_a"]) == (None, None, "deal")
    figures = await assistant.services.matchmaking.figures("held-b2b")
    assert (figures.scheduled, figures.deals) == (1, 1)
