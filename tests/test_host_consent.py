"""Sharing details with a study visit's host abroad: asked apart after the sign-up, optional."""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from bot.devtools.emulator import Message
from handlers.privacy import run_retention
from storage.content import (
    ContentError,
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
)
from storage.people import Profile
from tests.conftest import Assistant, Person
from tests.test_exports import download
from tests.test_privacy import sign_up
from tests.test_staff_events import open_staff_event, staff_member

HOST = {
    "host": {"tr": "Emilia-Romagna Makine Kümesi", "en": "Emilia-Romagna Machinery Cluster"},
    "country": {"tr": "İtalya", "en": "Italy"},
}
VISIT = "visit-abroad"


async def host_question(person: Person) -> Message:
    """Return the question about sharing with the host, sent after the sign-up."""
    return await person.emulator.wait_for_bot_message(
        person.id, contains="Bir sorumuz daha", after=0
    )


async def visit(assistant: Assistant) -> None:
    await assistant.add_event(VISIT, transfer_abroad=copy.deepcopy(HOST))


async def test_refusing_to_share_with_the_host_still_registers(assistant: Assistant) -> None:
    await visit(assistant)
    ayse = assistant.person("Ayşe")
    confirmation = await sign_up(ayse, VISIT)
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    question = await host_question(ayse)
    text = question.text or ""
    # Specific: who, where, what, for this visit; optional, and the registration stands.
    assert "İtalya'daki Emilia-Romagna Makine Kümesi" in text
    assert "adınızın, firmanızın, sektörünüzün ve iletişim bilgilerinizin" in text.lower()
    assert "kaydınız aynen geçerli kalır" in text
    assert question.buttons == ["✅ Evet, paylaşılabilir", "🚫 Hayır, paylaşılmasın"]
    answer = await ayse.press(question, "Hayır, paylaşılmasın")
    assert "paylaşmayacağız" in (answer.text or "")
    assert "kaydınız aynen geçerli" in (answer.text or "")
    [registration] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registration["status"] == "confirmed"
    assert await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id) == []


async def test_consent_to_the_host_is_stored_shown_and_withdrawn(assistant: Assistant) -> None:
    await visit(assistant)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, VISIT)
    answer = await ayse.press(await host_question(ayse), "Evet, paylaşılabilir")
    assert "yalnızca bu ziyaret için Emilia-Romagna Makine Kümesi" in (answer.text or "")
    [consent] = await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id)
    assert consent["purpose"] == f"host:{VISIT}" and consent["notice_version"] == "2027-01"
    assert consent["withdrawn_at"] is None

    screen = await ayse.says("/privacy")
    text = screen.text or ""
    assert f"Test etkinliği {VISIT}: bilgilerinizin İtalya'daki Emilia-Romagna" in text
    assert "paylaşılmasına rızanız var" in text
    withdraw = f"↩️ Paylaşım iznini geri al · Test etkinliği {VISIT}"
    assert withdraw in screen.buttons
    after = await ayse.press(screen, withdraw)
    assert f"Test etkinliği {VISIT} (ev sahibiyle paylaşım): " in (after.text or "")
    assert "geri aldınız" in (after.text or "")
    assert withdraw not in after.buttons
    [consent] = await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id)
    assert consent["withdrawn_at"] is not None
    # The registration is untouched by the withdrawal.
    [registration] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registration["status"] == "confirmed"


async def test_an_event_without_a_host_abroad_asks_nothing(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")
    assert not any("Bir sorumuz daha" in text for text in ayse.texts())
    assert await assistant.fetch("SELECT * FROM consents") == []


async def test_staff_see_who_consented_and_the_host_list_names_only_them(
    assistant: Assistant,
) -> None:
    await visit(assistant)
    ayse, bora = assistant.person("Ayşe"), assistant.person("Bora")
    await sign_up(ayse, VISIT)
    await ayse.press(await host_question(ayse), "Evet, paylaşılabilir")
    await sign_up(bora, VISIT)
    await bora.press(await host_question(bora), "Hayır, paylaşılmasın")
    await assistant.services.database.execute(
        "UPDATE people SET email = 'bora@kuzey.example', company = 'Kuzey Döküm' WHERE id = ?",
        (bora.id,),
    )

    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, f"Test etkinliği {VISIT}")
    attendees = await elif_.press(page, "Katılımcılar")
    text = attendees.text or ""
    assert text.count("🤝 ev sahibiyle paylaşılabilir") == 1
    assert text.count("🚫 ev sahibiyle paylaşılmaz") == 1

    page = await open_staff_event(elif_, f"Test etkinliği {VISIT}")
    document = await download(elif_, page, "Ev sahibi listesi")
    assert document.filename == f"Ev sahibi listesi - Test etkinliği {VISIT}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(document.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Ad Soyad", "Firma", "Sektör", "Telefon", "E-posta"]
    assert len(rows) == 2 and rows[1][4] == "ayse@anadolu.example"
    # Nothing of the person who said no: not her name, company or address.
    assert not any(
        "bora" in str(cell).lower() or "Kuzey" in str(cell) for row in rows for cell in row
    )
    caption = elif_.last().caption or ""
    assert "rıza veren 1 onaylı katılımcı" in caption
    [entry] = await assistant.fetch(
        "SELECT detail FROM audit_log WHERE action = 'attendees.export'"
    )
    assert entry["detail"] == '{"format": "host", "rows": 1}'

    # The team's own list says, per person, whether they may be shared.
    page = await open_staff_event(elif_, f"Test etkinliği {VISIT}")
    full = await download(elif_, page, "Excel indir")
    table = [
        list(r)
        for r in openpyxl.load_workbook(io.BytesIO(full.content)).active.iter_rows(values_only=True)
    ]
    assert table[0][-1] == "Ev sahibiyle paylaşım"
    assert sorted(row[-1] for row in table[1:]) == ["Evet", "Hayır"]


async def test_only_an_event_with_a_host_offers_the_host_list(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    await assistant.add_event("plain")
    page = await open_staff_event(elif_, "Test etkinliği plain")
    assert not any("Ev sahibi listesi" in button for button in page.buttons)


def test_the_demo_italy_visit_names_its_host() -> None:
    event = load_catalogue(bundled_content_path()).event("study-visit-italy-2027-04")
    assert event is not None and event.transfer_abroad is not None
    assert event.transfer_abroad.country.tr == "İtalya"


def test_a_host_needs_a_country_in_both_languages(assistant: Assistant) -> None:
    document = catalogue_to_document(assistant.services.catalogue)
    event = document["events"][0]
    event["transfer_abroad"] = copy.deepcopy(HOST)
    parsed = parse_catalogue(copy.deepcopy(document), "test")
    # Round trip: what is stored is read back the same.
    again = parse_catalogue(catalogue_to_document(parsed), "test").event(event["id"])
    assert again is not None and again.transfer_abroad is not None
    assert again.transfer_abroad.host.tr == "Emilia-Romagna Makine Kümesi"
    del event["transfer_abroad"]["country"]["en"]
    with pytest.raises(ContentError) as raised:
        parse_catalogue(document, "test")
    assert raised.value.field_name == "transfer_abroad.country.en"


async def test_staff_read_exports_and_erasures_without_personal_data(
    assistant: Assistant,
) -> None:
    await visit(assistant)
    ayse, bora = assistant.person("Ayşe"), assistant.person("Bora")
    await sign_up(ayse, VISIT)
    await ayse.press(await host_question(ayse), "Evet, paylaşılabilir")
    await sign_up(bora, VISIT)
    privacy = await bora.says("/privacy")
    confirm = await bora.press(privacy, "Verilerimi sil")
    await bora.press(confirm, "Evet, hepsini sil")
    await bora.emulator.wait_idle()
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, f"Test etkinliği {VISIT}")
    await download(elif_, page, "Ev sahibi listesi")

    menu = await elif_.says("/staff")
    log = await elif_.press(menu, "Veri dışa aktarma ve silme kaydı")
    text = log.text or ""
    lines = [line for line in text.splitlines() if " · " in line]
    assert "ev sahibi listesini indirdi (1 satır)" in lines[0]
    assert f"“Test etkinliği {VISIT}”" in lines[0]
    assert "bir üye kendi verilerini sildi (1 kaydı iptal edildi)" in lines[1]
    # Nobody's name, company or address: the log never had them.
    for detail in ("Ayşe", "Bora", "Anadolu", "@", str(bora.id), str(ayse.id)):
        assert detail not in text
    # Staff are named by their profile's name; one without a name, by id, said as such.
    assert f"bir ekip üyesi (kimlik {elif_.id}), “Test etkinliği {VISIT}”" in lines[0]
    people = assistant.services.people
    await people.seen(elif_.id, "tr")
    await assistant.services.privacy.acknowledge_notice(elif_.id, "2027-01", "tr")
    profile = Profile("Elif Demir", "Küme Ofisi", "kume ofisi", None, None, None)
    await people.save_profile(elif_.id, profile)
    log = await elif_.press(await elif_.says("/staff"), "Veri dışa aktarma ve silme kaydı")
    named = log.text or ""
    assert f"Elif Demir, “Test etkinliği {VISIT}” ev sahibi listesini indirdi" in named
    assert str(elif_.id) not in named


async def test_consent_to_the_host_is_cleared_once_the_visit_is_over(
    assistant: Assistant,
) -> None:
    await visit(assistant)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, VISIT)
    await ayse.press(await host_question(ayse), "Evet, paylaşılabilir")
    await assistant.services.privacy.give(ayse.id, "announcements", "2027-01")
    # Before the visit the daily job leaves it alone.
    assert await run_retention(assistant.services) is not None
    assert len(await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id)) == 2

    after_visit = datetime.now(UTC) + timedelta(days=8)
    await run_retention(assistant.services, after_visit)
    [left] = await assistant.fetch("SELECT purpose FROM consents WHERE person_id = ?", ayse.id)
    assert left["purpose"] == "announcements"  # a standing consent is not event data
    screen = await ayse.says("/privacy")
    assert "Emilia-Romagna" not in (screen.text or "")
    assert not any("Paylaşım iznini geri al" in button for button in screen.buttons)
    # Written down for staff, without whose consent it was.
    [entry] = await assistant.fetch(
        "SELECT staff_id, subject, detail FROM audit_log "
        "WHERE action = 'privacy.event_data_cleared'"
    )
    assert entry == {
        "staff_id": 0,
        "subject": f"event:{VISIT}",
        "detail": '{"consents": 1, "special_answers": 0}',
    }
    elif_ = staff_member(assistant)
    log = await elif_.press(await elif_.says("/staff"), "Veri dışa aktarma ve silme kaydı")
    assert f"“Test etkinliği {VISIT}” sona erdi: bu etkinliğe özel 1 rıza kaydı otomatik" in (
        log.text or ""
    )
    # A second run finds nothing more.
    assert await run_retention(assistant.services, after_visit) is not None
    assert len(await assistant.fetch("SELECT * FROM audit_log WHERE action LIKE '%cleared'")) == 1
