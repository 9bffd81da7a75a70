"""B2B matchmaking: profiles on consent, suggestions with reasons, requests, a race-safe
schedule, agendas with calendar files and reminders, and what happens when people leave."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from bot.app import stop_application
from bot.devtools.b2b_day import add_b2b_day
from bot.devtools.emulator import Message
from bot.domain.profile import company_key
from bot.screens.buttons import B2bAnswer, B2bRequest
from storage.content import (
    ContentError,
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
)
from storage.people import Profile
from tests.conftest import Assistant, Person, StartAssistant
from tests.outbox_clock import FakeClock, outbox_on
from tests.test_signup import open_event

B2B = "b2b-days-2027-04"


async def participant(assistant: Assistant, name: str, company: str, event_id: str = B2B) -> Person:
    """A person with a profile and a confirmed seat (set up through storage: the sign-up form
    is tested elsewhere); the B2B part is then driven through the chat."""
    person = assistant.person(name)
    services = assistant.services
    await services.people.seen(person.id, "tr")
    await services.privacy.acknowledge_notice(person.id, "2027-01", "tr")
    await services.people.save_profile(
        person.id,
        Profile(name, company, company_key(company), "machinery", None, None),
    )
    event = services.catalogue.event(event_id)
    assert event is not None
    outcome = await services.registrations.sign_up(event, person.id, company_key(company), None)
    assert outcome.registration.status == "confirmed"
    return person


async def listed(person: Person, offers: list[str], seeks: list[str]) -> Message:
    """Fill in the matchmaking profile through /b2b and agree to be listed."""
    hub = await person.says("/b2b")
    step = await person.press(hub, "Profil oluştur ve listelen")
    for category in offers:
        step = await person.press(step, category)
    step = await person.press(step, "Tamam")
    step = await person.press(step, "Atla")
    for category in seeks:
        step = await person.press(step, category)
    step = await person.press(step, "Tamam")
    step = await person.press(step, "Atla")
    assert "hangi dillerde" in (step.text or "")
    step = await person.press(step, "Tamam")  # Turkish is already ticked: their language
    step = await person.press(step, "Atla")
    assert "Listelenme izni" in (step.text or "")
    assert "telefonunuz ve e-posta adresiniz gösterilmez" in (step.text or "")
    return await person.press(step, "Evet")


async def request_meeting(person: Person, hub: Message, company: str, note: str | None) -> Message:
    """From the B2B page, find a company among the participants and ask for a meeting."""
    everyone = await person.press(hub, "Katılımcılar")
    page = await person.press(everyone, company)
    ask = await person.press(page, "Görüşme talep et")
    assert "kısa bir not" in (ask.text or "")
    if note is None:
        return await person.press(ask, "Atla")
    return await person.says(note)


async def answer_request(person: Person, accept: bool, line: str | None = None) -> Message:
    """Answer the request notice the outbox delivered."""
    notice = await person.emulator.wait_for_bot_message(
        person.id, contains="Yeni görüşme talebi", after=0
    )
    ask = await person.press(notice, "Kabul et" if accept else "Geri çevir")
    if line is None:
        return await person.press(ask, "Atla")
    return await person.says(line)


class Outbox:
    """The assistant's outbox, sent by the test: what is due by the clock goes on `deliver`."""

    def __init__(self, assistant: Assistant) -> None:
        self.clock = FakeClock()
        self.worker = outbox_on(assistant, self.clock)

    async def deliver(self) -> int:
        """Send what is due now; return how many messages were claimed."""
        self.clock.set(max(self.clock.now, datetime.now(UTC)))
        return await self.worker.drain()


async def pair(assistant: Assistant) -> tuple[Person, Person, Outbox]:
    """Ayşe offers laser cutting and looks for hydraulics; Bora the other way round."""
    ayse = await participant(assistant, "Ayşe Kaya", "Anadolu Lazer")
    bora = await participant(assistant, "Bora Demir", "Kuzey Hidrolik")
    await listed(ayse, ["Lazer kesim"], ["Hidrolik sistemler"])
    await listed(bora, ["Hidrolik sistemler"], ["Lazer kesim"])
    return ayse, bora, Outbox(assistant)


def test_the_demo_b2b_day_has_matchmaking_and_its_settings_round_trip() -> None:
    catalogue = load_catalogue(bundled_content_path())
    event = catalogue.event(B2B)
    assert event is not None and event.matchmaking is not None
    assert event.matchmaking.tables == 12 and event.matchmaking.pending_cap == 8
    # Two sessions of three hours, twenty minutes a meeting.
    assert len(event.slots()) == 18
    assert len(catalogue.categories) >= 15
    again = parse_catalogue(catalogue_to_document(catalogue), "again")
    assert again == catalogue


def test_matchmaking_can_be_switched_on_for_any_event_and_checked() -> None:
    document = catalogue_to_document(load_catalogue(bundled_content_path()))
    training = document["events"][0]
    training["matchmaking"] = True
    catalogue = parse_catalogue(copy.deepcopy(document), "test")
    assert catalogue.events[0].matchmaking is not None
    training["matchmaking"] = {
        "sessions": [
            {"starts_at": "2020-01-01T09:00:00+03:00", "ends_at": "2020-01-01T10:00:00+03:00"}
        ]
    }
    with pytest.raises(ContentError, match="within the event's times"):
        parse_catalogue(document, "test")
    training["matchmaking"] = {"scheduling": "whenever"}
    with pytest.raises(ContentError, match="auto or staff"):
        parse_catalogue(document, "test")


async def test_a_participant_is_listed_only_on_consent(assistant: Assistant) -> None:
    ayse = await participant(assistant, "Ayşe Kaya", "Anadolu Lazer")
    hub = await ayse.says("/b2b")
    assert "kısa bir profil oluşturun" in (hub.text or "")
    step = await ayse.press(hub, "Profil oluştur ve listelen")
    for label in ("Lazer kesim", "Tamam", "Atla", "Tamam", "Atla", "Tamam", "Atla"):
        step = await ayse.press(step, label)
    refused = await ayse.press(step, "Hayır")
    assert "profilinizi listelemedik" in (refused.text or "")
    assert await assistant.fetch("SELECT * FROM match_profiles") == []
    assert await assistant.fetch("SELECT * FROM consents WHERE purpose LIKE 'match:%'") == []

    done = await listed(ayse, ["CNC talaşlı işleme"], [])
    assert "Profiliniz kaydedildi ve listelendi" in (done.text or "")
    [profile] = await assistant.fetch("SELECT * FROM match_profiles")
    assert profile["company"] == "Anadolu Lazer" and profile["listed_at"] is not None
    [consent] = await assistant.fetch("SELECT * FROM consents WHERE purpose = ?", f"match:{B2B}")
    assert consent["withdrawn_at"] is None and consent["notice_version"] == "2027-01"


async def test_a_person_not_registered_is_sent_to_the_event_page(assistant: Assistant) -> None:
    visitor = assistant.person("Cem")
    hub = await visitor.says("/b2b")
    assert "önce etkinliğe kaydolun" in (hub.text or "")
    assert "📅 Etkinlik sayfası" in hub.buttons


async def test_suggestion_request_accept_agenda_calendar_and_reminder(
    assistant: Assistant,
) -> None:
    ayse, bora, outbox = await pair(assistant)
    hub = await ayse.says("/b2b")
    suggested = await ayse.press(hub, "Size önerilenler")
    text = suggested.text or ""
    assert "Kuzey Hidrolik" in text
    assert "Aradığınız “Hidrolik sistemler” alanında hizmet veriyorlar" in text
    assert "Sizin sunduğunuz “Lazer kesim” hizmetini arıyorlar" in text

    sent = await request_meeting(ayse, hub, "Kuzey Hidrolik", "Silindir gövdeleri için")
    assert "Talebiniz Bora Demir · Kuzey Hidrolik tarafına iletildi" in (sent.text or "")
    await outbox.deliver()
    accepted = await answer_request(bora, accept=True, line="Memnuniyetle")
    text = accepted.text or ""
    assert "Görüşmeyi kabul ettiniz" in text and "Masa 1" in text
    # The earliest slot: the first session opens at 09:30 Istanbul time.
    assert "09:30" in text
    [meeting] = await assistant.fetch("SELECT * FROM meetings")
    assert (meeting["slot"], meeting["table_no"], meeting["status"]) == (0, 1, "scheduled")

    await outbox.deliver()
    news = await ayse.emulator.wait_for_bot_message(ayse.id, contains="kabul etti", after=0)
    assert "Bora Demir · Kuzey Hidrolik görüşme talebinizi kabul etti" in (news.text or "")
    assert "Memnuniyetle" in (news.text or "")

    agenda = await ayse.press(await ayse.says("/b2b"), "Gündemim")
    assert "09:30–09:50" in (agenda.text or "") and "Silindir gövdeleri için" in (agenda.text or "")
    await ayse.emulator.press_button(ayse.user, agenda, "Takvim dosyası")
    sent_file = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None
    )
    assert sent_file.document is not None
    calendar = icalendar.Calendar.from_ical(sent_file.document.content)
    [entry] = calendar.walk("VEVENT")
    assert "Masa 1" in str(entry["summary"]) and "Kuzey Hidrolik" in str(entry["summary"])

    # Ten minutes before the meeting, each side is reminded (through the outbox).
    [row] = await assistant.fetch("SELECT starts_at FROM meetings")
    outbox.clock.set(datetime.fromisoformat(row["starts_at"]) - timedelta(minutes=9))
    assert await outbox.worker.drain() == 2
    reminder = await bora.emulator.wait_for_bot_message(bora.id, contains="dakika sonra", after=0)
    assert "Masa 1" in (reminder.text or "") and "Ayşe Kaya · Anadolu Lazer" in (
        reminder.text or ""
    )


async def test_requests_that_cannot_be_made_get_a_clear_answer(assistant: Assistant) -> None:
    ayse, bora, outbox = await pair(assistant)
    cem = await participant(assistant, "Cem Yıldız", "Güney Döküm")  # registered, not listed
    hub = await ayse.says("/b2b")
    [own] = await assistant.fetch("SELECT id FROM match_profiles WHERE person_id = ?", ayse.id)
    [bora_profile] = await assistant.fetch(
        "SELECT id FROM match_profiles WHERE person_id = ?", bora.id
    )
    # Oneself: no button offers it; a forged one is refused.
    await ayse.emulator.press_callback(ayse.user, hub, B2bRequest(own["id"]).data)
    refused = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Kendinizle")
    assert refused.text
    # Twice: after one request, a second one to the same company is refused.
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    everyone = await ayse.press(await ayse.says("/b2b"), "Katılımcılar")
    again = await ayse.press(await ayse.press(everyone, "Kuzey Hidrolik"), "Görüşme talep et")
    assert "zaten bir talep ya da görüşme var" in (again.text or "")
    # Unlisted: Cem can't ask and can't be asked.
    cem_hub = await cem.says("/b2b")
    await cem.emulator.press_callback(cem.user, cem_hub, B2bRequest(bora_profile["id"]).data)
    not_listed = await cem.emulator.wait_for_bot_message(
        cem.id, contains="profilinizin listelenmesi"
    )
    assert not_listed.text
    requests = await assistant.fetch("SELECT * FROM meeting_requests")
    assert len(requests) == 1
    # Bora stops being listed: Ayşe's waiting request is cancelled and she is told politely.
    await outbox.deliver()
    bora_hub = await bora.says("/b2b")
    after = await bora.press(bora_hub, "Listeden çık")
    assert "1 talep iptal edildi" in (after.text or "")
    await outbox.deliver()
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="iptal edildi", after=0)
    assert "artık listede yer almıyor" in (told.text or "")
    [request] = await assistant.fetch("SELECT status FROM meeting_requests")
    assert request["status"] == "cancelled"
    [consent] = await assistant.fetch(
        "SELECT withdrawn_at FROM consents WHERE person_id = ? AND purpose LIKE 'match:%'",
        bora.id,
    )
    assert consent["withdrawn_at"] is not None
    # The request notice Bora had not answered yet: accepting it now is politely refused.
    notice = await bora.emulator.wait_for_bot_message(
        bora.id, contains="Yeni görüşme talebi", after=0
    )
    gone = await bora.press(notice, "Kabul et")
    assert "iptal edildi; yanıtlamanıza gerek yok" in (gone.text or "")
    assert await assistant.fetch("SELECT * FROM meetings") == []


async def test_accepting_a_withdrawn_request_changes_nothing(assistant: Assistant) -> None:
    ayse, bora, outbox = await pair(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", "Merhaba")
    await outbox.deliver()
    requests = await ayse.press(await ayse.says("/b2b"), "Talepler")
    await ayse.press(requests, "Geri al")
    notice = await bora.emulator.wait_for_bot_message(
        bora.id, contains="Yeni görüşme talebi", after=0
    )
    gone = await bora.press(notice, "Kabul et")
    assert "gönderen tarafından geri alındı" in (gone.text or "")
    assert await assistant.fetch("SELECT * FROM meetings") == []
    [request] = await assistant.fetch("SELECT status FROM meeting_requests")
    assert request["status"] == "withdrawn"


async def test_two_acceptances_racing_for_the_last_place_never_share_it(
    assistant: Assistant,
) -> None:
    # One slot, one table: only one of two meetings accepted at once can have it.
    await assistant.add_event(
        "tiny-b2b",
        starts_in=timedelta(days=3),
        hours=1,
        kind="b2b",
        matchmaking={"meeting_minutes": 60, "tables": 1},
    )
    people = [
        await participant(assistant, name, company, "tiny-b2b")
        for name, company in (
            ("Ayşe Kaya", "Anadolu Lazer"),
            ("Bora Demir", "Kuzey Hidrolik"),
            ("Cem Yıldız", "Güney Döküm"),
            ("Derya Ak", "Batı Redüktör"),
        )
    ]
    store = assistant.services.matchmaking
    for person in people:
        await listed(person, ["Lazer kesim"], ["Döküm"])
    ayse, bora, cem, derya = people
    outbox = Outbox(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await request_meeting(cem, await cem.says("/b2b"), "Batı Redüktör", None)
    await outbox.deliver()
    forms = []
    for invitee in (bora, derya):
        notice = await invitee.emulator.wait_for_bot_message(
            invitee.id, contains="Yeni görüşme talebi", after=0
        )
        forms.append(await invitee.press(notice, "Kabul et"))
    # Both skip the line at the same moment.
    await asyncio.gather(
        *(
            p.emulator.press_button(p.user, form, "Atla")
            for p, form in zip((bora, derya), forms, strict=True)
        )
    )
    await assistant.emulator.wait_idle()
    meetings = await assistant.fetch("SELECT status, slot, table_no FROM meetings ORDER BY id")
    assert sorted(m["status"] for m in meetings) == ["scheduled", "unscheduled"]
    assert await store.double_bookings("tiny-b2b") == 0
    texts = bora.texts()[-1:] + derya.texts()[-1:]
    assert any("boş masa kalmadı" in text for text in texts)


async def test_cancelling_frees_the_slot_and_tells_the_other_side(assistant: Assistant) -> None:
    ayse, bora, outbox = await pair(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    agenda = await ayse.press(await ayse.says("/b2b"), "Gündemim")
    confirm = await ayse.press(agenda, "İptal ·")
    assert "emin misiniz" in (confirm.text or "")
    done = await ayse.press(confirm, "Evet, iptal et")
    assert "görüşmeniz iptal edildi" in (done.text or "")
    assert await assistant.fetch("SELECT * FROM meeting_seats") == []
    [meeting] = await assistant.fetch("SELECT status, slot FROM meetings")
    assert meeting == {"status": "cancelled", "slot": None}
    await outbox.deliver()
    told = await bora.emulator.wait_for_bot_message(bora.id, contains="iptal edildi", after=0)
    assert "Ayşe Kaya · Anadolu Lazer ile görüşmeniz iptal edildi" in (told.text or "")
    # The reminders of the cancelled meeting are gone with it.
    assert (
        await assistant.fetch(
            "SELECT * FROM outbox WHERE kind = 'meeting_reminder' AND status = 'pending'"
        )
        == []
    )


async def test_erasing_ones_data_cancels_meetings_and_tells_the_other_side(
    assistant: Assistant,
) -> None:
    ayse, bora, outbox = await pair(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    privacy = await bora.says("/privacy")
    assert "B2B katılımcı listesinde görünmeye" in (privacy.text or "")
    confirm = await bora.press(privacy, "Verilerimi sil")
    await bora.press(confirm, "Evet, hepsini sil")
    await outbox.deliver()
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="iptal edildi", after=0)
    assert "artık aramızda değil" in (told.text or "")
    assert await assistant.fetch("SELECT * FROM meeting_seats") == []
    assert await assistant.fetch("SELECT * FROM match_profiles WHERE person_id = ?", bora.id) == []
    agenda = await ayse.press(await ayse.says("/b2b"), "Gündemim")
    assert "Henüz bir görüşmeniz yok" in (agenda.text or "")


async def test_leaving_with_several_meetings_and_a_request_tells_each_other_side(
    assistant: Assistant,
) -> None:
    ayse, bora, outbox = await pair(assistant)
    cem = await participant(assistant, "Cem Yıldız", "Güney Döküm")
    derya = await participant(assistant, "Derya Aksoy", "Batı Kaynak")
    await listed(cem, ["Döküm"], ["Hidrolik sistemler"])
    await listed(derya, ["Kaynaklı imalat"], ["Hidrolik sistemler"])
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    await request_meeting(bora, await bora.says("/b2b"), "Güney Döküm", "Döküm gövde")
    await outbox.deliver()
    await answer_request(cem, accept=True)
    await request_meeting(derya, await derya.says("/b2b"), "Kuzey Hidrolik", "Kaynak işleri")
    # Bora's agenda and requests name every other side.
    agenda = await bora.press(await bora.says("/b2b"), "Gündemim")
    text = agenda.text or ""
    assert "Ayşe Kaya · Anadolu Lazer" in text and "Cem Yıldız · Güney Döküm" in text
    assert text.index("Ayşe Kaya") < text.index("Cem Yıldız")
    requests = await bora.press(await bora.says("/b2b"), "Talepler")
    assert "Derya Aksoy · Batı Kaynak: " in (requests.text or "")
    assert len(await assistant.fetch("SELECT * FROM meeting_seats")) == 4

    confirm = await bora.press(await bora.says("/privacy"), "Verilerimi sil")
    await bora.press(confirm, "Evet, hepsini sil")
    await outbox.deliver()
    for person in (ayse, cem):
        told = await person.emulator.wait_for_bot_message(
            person.id, contains="görüşmeniz iptal edildi", after=0
        )
        assert "artık aramızda değil" in (told.text or "")
    told = await derya.emulator.wait_for_bot_message(derya.id, contains="talebi iptal", after=0)
    assert "artık aramızda değil" in (told.text or "")
    meetings = await assistant.fetch("SELECT status, slot, cancel_reason FROM meetings")
    assert meetings == [{"status": "cancelled", "slot": None, "cancel_reason": "erased"}] * 2
    requests_left = await assistant.fetch("SELECT status FROM meeting_requests ORDER BY id")
    assert [r["status"] for r in requests_left] == ["cancelled"] * 3
    assert await assistant.fetch("SELECT * FROM meeting_seats") == []
    cancelled = await assistant.fetch(
        "SELECT person_id FROM outbox WHERE kind = 'meeting_cancelled' ORDER BY person_id"
    )
    assert sorted(row["person_id"] for row in cancelled) == sorted([ayse.id, cem.id, derya.id])
    assert (
        await assistant.fetch(
            "SELECT * FROM outbox WHERE kind = 'meeting_reminder' AND status = 'pending'"
        )
        == []
    )


async def test_reminders_survive_a_restart(
    assistant: Assistant, start_assistant: StartAssistant
) -> None:
    ayse, bora, outbox = await pair(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    await outbox.deliver()
    await stop_application(assistant.application)
    restarted = await start_assistant()
    [row] = await restarted.fetch("SELECT starts_at FROM meetings")
    later = FakeClock()
    later.set(datetime.fromisoformat(row["starts_at"]) - timedelta(minutes=5))
    assert await outbox_on(restarted, later).drain() == 2
    reminder = await ayse.emulator.wait_for_bot_message(ayse.id, contains="dakika sonra", after=0)
    assert "Masa 1" in (reminder.text or "")


async def test_a_forged_answer_to_someone_elses_request_is_refused(assistant: Assistant) -> None:
    ayse, _, _ = await pair(assistant)
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    [request] = await assistant.fetch("SELECT id FROM meeting_requests")
    hub = await ayse.says("/b2b")
    await ayse.emulator.press_callback(ayse.user, hub, B2bAnswer(request["id"], "y").data)
    refused = await ayse.emulator.wait_for_bot_message(ayse.id, contains="artık geçerli değil")
    assert refused.text
    [still] = await assistant.fetch("SELECT status FROM meeting_requests")
    assert still["status"] == "pending"


async def test_the_demo_b2b_day_has_listed_participants_and_work_for_the_demo_person(
    assistant: Assistant,
) -> None:
    member = assistant.person("Demo")
    await member.says("/start")
    event_id = await add_b2b_day(assistant.services, member.id, datetime.now(UTC))
    assert event_id == B2B
    listed_now = await assistant.services.matchmaking.listed(B2B)
    assert len(listed_now) > 20 and all(p.verified or p.person_id == member.id for p in listed_now)
    assert await assistant.services.matchmaking.double_bookings(B2B) == 0
    hub = await member.says("/b2b")
    assert "Size gelen talepler: <b>2</b>" in (hub.html or hub.text or "") or (
        "Size gelen talepler: 2" in (hub.text or "")
    )
    suggested = await member.press(hub, "Size önerilenler")
    assert "💡" in (suggested.text or "")


async def test_a_participants_event_page_leads_to_the_b2b_page(assistant: Assistant) -> None:
    ayse = await participant(assistant, "Ayşe Kaya", "Anadolu Lazer")
    page = await open_event(ayse, B2B)
    hub = await ayse.press(page, "B2B sayfası")
    assert "kısa bir profil oluşturun" in (hub.text or "")
    visitor = assistant.person("Cem")
    assert "🤝 B2B sayfası" not in (await open_event(visitor, B2B)).buttons


async def test_participants_can_be_narrowed_by_sector_and_member_company(
    assistant: Assistant,
) -> None:
    ayse, bora, _ = await pair(assistant)
    cem = await participant(assistant, "Cem Yıldız", "Güney Döküm")
    await assistant.services.database.execute(
        "UPDATE people SET sector_id = 'textile' WHERE id = ?", (cem.id,)
    )
    await listed(cem, ["Teknik tekstil"], [])
    everyone = await ayse.press(await ayse.says("/b2b"), "Katılımcılar")
    assert "Güney Döküm" in (everyone.text or "") and "Kuzey Hidrolik" in (everyone.text or "")
    textile = await ayse.press(everyone, "Tekstil ve hazır giyim")
    text = textile.text or ""
    assert "Sektör: Tekstil ve hazır giyim" in text
    assert "Güney Döküm" in text and "Kuzey Hidrolik" not in text
    # Nobody's company link is verified here: member companies only leaves no one.
    members = await ayse.press(textile, "Yalnızca üye firmalar")
    assert "yalnızca üye firmalar" in (members.text or "")
    assert "Bu listede henüz kimse yok" in (members.text or "")
    assert bora.id


async def test_after_the_event_no_request_can_be_made(assistant: Assistant) -> None:
    ayse, bora, _ = await pair(assistant)
    [bora_profile] = await assistant.fetch(
        "SELECT id FROM match_profiles WHERE person_id = ?", bora.id
    )
    document = catalogue_to_document(assistant.services.catalogue)
    held = next(e for e in document["events"] if e["id"] == B2B)
    held.pop("matchmaking", None)  # its sessions lie on the original day
    past = datetime.now(UTC) - timedelta(days=1)
    held.update(starts_at=past.isoformat(), ends_at=(past + timedelta(hours=8)).isoformat())
    held.pop("registration_deadline", None)
    await assistant.services.catalogue_store.import_catalogue(parse_catalogue(document, "t"))
    await assistant.services.reload_catalogue()
    hub = await ayse.says("/b2b")
    await ayse.emulator.press_callback(ayse.user, hub, B2bRequest(bora_profile["id"]).data)
    refused = await ayse.emulator.wait_for_bot_message(ayse.id, contains="Etkinlik sona erdi")
    assert "talep edilemiyor" in (refused.text or "")
    assert await assistant.fetch("SELECT * FROM meeting_requests") == []
