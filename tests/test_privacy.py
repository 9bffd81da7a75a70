"""KVKK / GDPR as people and staff live it: informed first, consent apart, rights in the chat."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.devtools.emulator import Message
from handlers.privacy import run_retention
from storage.broadcasts import BroadcastRepository
from storage.content import (
    CONTACT_LIMIT,
    NAME_LIMIT,
    NOTICE_SECTIONS,
    PRIVACY_NOTICE_LIMIT,
    ContentError,
    catalogue_to_document,
    parse_catalogue,
)
from storage.privacy import ANNOUNCEMENTS
from storage.seeding import SeedFeedback, add_feedback
from storage.stats import StatsRepository
from tests.conftest import STAFF_ID, Assistant, Person
from tests.outbox_clock import FakeClock, outbox_on
from tests.test_broadcast import staff_member
from tests.test_signup import open_event


async def sign_up(
    person: Person, event_id: str, *, announcements: str = "Hayır, teşekkürler"
) -> Message:
    """Sign up from the event's page through the notice and the form; return the last reply."""
    notice = await person.press(await open_event(person, event_id), "Kayıt ol")
    name_step = await person.press(notice, "Okudum, devam")
    company_step = await person.press(name_step, 0)
    sector_step = await person.says("Anadolu Makina")
    phone_step = await person.press(sector_step, "Tekstil ve hazır giyim")
    assert "Telefon" in (phone_step.text or "")
    await person.emulator.send_message(person.user, "0532 123 45 67")
    await person.emulator.wait_for_bot_message(person.id, contains="E-posta")
    assert company_step.text
    question = await person.says("ayse@anadolu.example")
    result = await person.press(question, announcements)
    await person.emulator.wait_idle()
    return result


async def test_the_notice_comes_first_and_says_everything_the_law_asks(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    notice = await ayse.press(await open_event(ayse, "lean-2027-01"), "Kayıt ol")
    text = notice.text or ""
    # Controller, from the cluster's details; then every section; the period from the settings.
    assert "Veri sorumlusu: Makine ve Tekstil Kümesi, Küme Ofisi" in text
    assert "info@cluster.example" in text and "+90 312 000 00 00" in text
    for heading in ("İşlenen veriler", "Amaçlar", "Hukuki sebepler", "Aktarım", "Haklarınız"):
        assert f"{heading}:" in text
    assert "Telegram'ın yurt dışındaki sunucularından" in text
    assert "Saklama süresi: etkinlikten sonra 2 yıl." in text
    assert "Metin sürümü: 2027-01" in text
    # Informing, not consent: one button, and nothing stored before it is pressed.
    assert notice.buttons == ["✅ Okudum, devam"]
    assert "Bu bir onay değildir" in text
    assert len(text) <= 4096
    [person] = await assistant.fetch("SELECT informed_at FROM people WHERE id = ?", ayse.id)
    assert person["informed_at"] is None


async def test_refusing_every_consent_still_signs_up(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    confirmation = await sign_up(ayse, "lean-2027-01", announcements="Hayır, teşekkürler")
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    [registration] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registration["status"] == "confirmed"
    [person] = await assistant.fetch("SELECT * FROM people WHERE id = ?", ayse.id)
    assert person["announcements_on"] == 0 and person["notice_version"] == "2027-01"
    assert await assistant.fetch("SELECT * FROM consents") == []
    [acknowledged] = await assistant.fetch(
        "SELECT version, language FROM notice_acknowledgements WHERE person_id = ?", ayse.id
    )
    assert acknowledged == {"version": "2027-01", "language": "tr"}
    # Reminders rest on the service, not on consent: they are planned all the same.
    reminders = await assistant.fetch(
        "SELECT COUNT(*) AS n FROM outbox WHERE person_id = ? AND kind = 'reminder'", ayse.id
    )
    assert reminders[0]["n"] > 0


async def test_consent_is_stored_with_purpose_time_and_notice(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01", announcements="Evet, duyuruları almak istiyorum")
    [consent] = await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id)
    assert consent["purpose"] == ANNOUNCEMENTS and consent["notice_version"] == "2027-01"
    assert consent["given_at"] and consent["withdrawn_at"] is None
    screen = await ayse.says("/privacy")
    assert "Duyurular ve bülten: rızanız var" in (screen.text or "")


async def queued_broadcast(assistant: Assistant, now: datetime) -> int:
    """Start a broadcast to everyone who wants announcements; return its id."""
    store = BroadcastRepository(assistant.services.database, "tr")
    draft = await store.create_draft(STAFF_ID, "tr", "<b>Yeni eğitim takvimi</b>", None, None, now)
    started = await store.start(draft.id, STAFF_ID, now)
    assert started is not None
    return draft.id


async def test_withdrawing_consent_stops_announcements_at_once(assistant: Assistant) -> None:
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    ayse, bora = assistant.person("Ayşe"), assistant.person("Bora")
    for person in (ayse, bora):
        await sign_up(person, "lean-2027-01", announcements="Evet, duyuruları almak istiyorum")
    await outbox.drain()  # the calendar files and codes of the sign-ups
    broadcast_id = await queued_broadcast(assistant, clock.now)
    rows = await assistant.fetch(
        "SELECT person_id, status FROM outbox WHERE broadcast_id = ? ORDER BY person_id",
        broadcast_id,
    )
    assert [row["status"] for row in rows] == ["pending", "pending"]

    # Ayşe withdraws while her copy is already queued: it does not reach her.
    screen = await ayse.says("/privacy")
    screen = await ayse.press(screen, "Duyuru iznimi geri al")
    assert "Duyurular ve bülten: rızanız yok" in (screen.text or "")
    assert "geri aldınız" in (screen.text or "")
    [mine] = await assistant.fetch(
        "SELECT status, last_error FROM outbox WHERE broadcast_id = ? AND person_id = ?",
        broadcast_id,
        ayse.id,
    )
    assert mine == {"status": "cancelled", "last_error": "announcement consent withdrawn"}
    clock.advance(1)
    await outbox.drain()
    await assistant.emulator.wait_idle()
    assert any("Yeni eğitim takvimi" in text for text in bora.texts())
    assert not any("Yeni eğitim takvimi" in text for text in ayse.texts())
    # The next broadcast does not count her either.
    second = await queued_broadcast(assistant, clock.now)
    reached = await assistant.fetch("SELECT person_id FROM outbox WHERE broadcast_id = ?", second)
    assert [row["person_id"] for row in reached] == [bora.id]
    [consent] = await assistant.fetch(
        "SELECT withdrawn_at FROM consents WHERE person_id = ?", ayse.id
    )
    assert consent["withdrawn_at"] is not None


async def new_notice_version(assistant: Assistant, version: str) -> None:
    """Import the catalogue again with a new notice version, as a cluster would."""
    document = catalogue_to_document(assistant.services.catalogue)
    document["cluster"]["privacy_notice"]["version"] = version
    await assistant.services.catalogue_store.import_catalogue(parse_catalogue(document, "test"))
    await assistant.services.reload_catalogue()


async def test_a_new_notice_version_is_shown_again_at_the_next_sign_up(
    assistant: Assistant,
) -> None:
    await assistant.add_event("later", capacity=10)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")
    await new_notice_version(assistant, "2027-06")

    again = await ayse.press(await open_event(ayse, "later"), "Kayıt ol")
    assert "Aydınlatma metnimiz değişti" in (again.text or "")
    assert "Metin sürümü: 2027-06" in (again.text or "")
    confirmation = await ayse.press(again, "Okudum, devam")
    assert "Kaydınız onaylandı" in (confirmation.text or "")  # no form again: the profile stands
    await ayse.emulator.wait_idle()
    acknowledged = await assistant.fetch(
        "SELECT version FROM notice_acknowledgements WHERE person_id = ? ORDER BY id", ayse.id
    )
    assert [row["version"] for row in acknowledged] == ["2027-01", "2027-06"]
    [person] = await assistant.fetch("SELECT notice_version FROM people WHERE id = ?", ayse.id)
    assert person["notice_version"] == "2027-06"


async def test_correcting_the_profile_keeps_what_is_not_changed(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    await sign_up(ayse, "lean-2027-01")
    profile = await ayse.says("/profile")
    name_step = await ayse.press(profile, "Profili güncelle")
    assert "Şu an kayıtlı olan: Ayşe Yılmaz" in (name_step.text or "")
    company_step = await ayse.press(name_step, "Aynı kalsın")
    assert "Şu an kayıtlı olan: Anadolu Makina" in (company_step.text or "")
    sector_step = await ayse.says("Yılmaz Dokuma")
    assert "Şu an kayıtlı olan: Tekstil ve hazır giyim" in (sector_step.text or "")
    phone_step = await ayse.press(sector_step, "Aynı kalsın")
    assert "↩️ Aynı kalsın" in phone_step.buttons  # a reply keyboard: typed back as text
    await ayse.emulator.send_message(ayse.user, "↩️ Aynı kalsın")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="E-posta")
    saved = await ayse.press(email_step, "Aynı kalsın")
    assert "Profiliniz kaydedildi" in (saved.text or "")
    [person] = await assistant.fetch(
        "SELECT full_name, company, sector_id, phone, email FROM people WHERE id = ?", ayse.id
    )
    assert person == {
        "full_name": "Ayşe Yılmaz",
        "company": "Yılmaz Dokuma",
        "sector_id": "textile",
        "phone": "05321234567",
        "email": "ayse@anadolu.example",
    }
    # Correcting asks no consent question and no notice again.
    assert not any("Son olarak: duyurular" in text for text in ayse.texts()[-8:])


async def test_what_do_you_know_export_and_delete_reach_every_copy(assistant: Assistant) -> None:
    await assistant.add_event("erase", capacity=10)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "erase", announcements="Evet, duyuruları almak istiyorum")
    staff_member(assistant)  # the team, reachable in private
    sorry = await ayse.says("zürafa kaç yıl yaşar")  # the assistant can't answer it
    sent = await ayse.press(sorry, "👥 Sorumu ekibe ilet")  # a ticket, with its thread
    assert "#1" in (sent.text or "")
    await assistant.emulator.wait_idle()
    assert await assistant.fetch("SELECT id FROM tickets WHERE person_id = ?", ayse.id)
    screen = await ayse.says("/privacy")
    summary = await ayse.press(screen, "Hakkımda ne biliyorsunuz?")
    text = summary.text or ""
    assert "Anadolu Makina" in text and "1 etkinlik kaydı" in text and "1 soru" in text
    assert "ekiple 1 talep" in text
    await ayse.emulator.press_button(ayse.user, summary, "Verilerimi indir")
    readable = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None and m.document.filename == "my-data.txt"
    )
    assert readable.document is not None
    assert "zürafa kaç yıl yaşar" in readable.document.content.decode("utf-8")
    # A half-filled form and a message still waiting in the outbox are copies too.
    await ayse.says("/profile")
    screen = await ayse.says("/privacy")
    confirm = await ayse.press(screen, "Verilerimi sil")
    # Copies in the team's Telegram group are out of the assistant's reach: said before.
    assert "bu kopyaları ekip orada elle siler" in (confirm.text or "")
    done = await ayse.press(confirm, "Evet, hepsini sil")
    assert "silindi" in (done.text or "")
    await assistant.emulator.wait_idle()

    # Staff see that it happened, never who or what.
    audit = await assistant.fetch(
        "SELECT staff_id, action, subject, detail FROM audit_log "
        "WHERE action LIKE 'privacy.%' ORDER BY id"
    )
    assert [(row["action"], row["staff_id"], row["subject"]) for row in audit] == [
        ("privacy.export", 0, None),
        ("privacy.erase", 0, None),
    ]
    assert json.loads(audit[1]["detail"]) == {"cancelled": 1}
    # No table holds her id, name, company, e-mail or question any more.
    await assistant.services.database.checkpoint()
    traces = (str(ayse.id), "Anadolu Makina", "ayse@anadolu.example", "zürafa")
    tables = await assistant.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
    for table in (row["name"] for row in tables):
        for row in await assistant.fetch(f"SELECT * FROM {table}"):
            values = [str(value) for value in row.values() if value is not None]
            # An inbox row is the update as Telegram sent it: from her, so it names her.
            if table == "inbox":
                continue
            for trace in traces:
                assert all(trace != value and trace not in value for value in values), (
                    table,
                    trace,
                    row,
                )
    # Attendance kept for audits carries a pseudonym, not her.
    [kept] = await assistant.fetch(
        "SELECT person_id, pseudonym FROM registrations WHERE event_id = 'erase'"
    )
    assert kept["person_id"] is None and kept["pseudonym"]
    raw = assistant.services.settings.database_path.read_bytes()
    assert b"ayse@anadolu.example" not in raw
    wal = assistant.services.settings.database_path.with_name(
        assistant.services.settings.database_path.name + "-wal"
    )
    assert not wal.exists() or b"ayse@anadolu.example" not in wal.read_bytes()


async def test_the_retention_job_anonymises_old_data_and_the_counts_stay(
    assistant: Assistant,
) -> None:
    services = assistant.services
    await assistant.add_event("old", starts_in=timedelta(days=3), capacity=10)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "old")
    [registration] = await assistant.fetch(
        "SELECT id FROM registrations WHERE person_id = ?", ayse.id
    )
    await services.database.execute(
        "UPDATE registrations SET attended = 1 WHERE id = ?", (registration["id"],)
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    await add_feedback(
        services.database,
        [SeedFeedback(registration["id"], 5, now, "Ayşe çok memnun kaldı", "Daha çok atölye")],
    )
    stats = StatsRepository(services.database, "tr")
    # Two years and a day after the event (DATA_RETENTION's default is two years).
    later = datetime.now(UTC) + timedelta(days=3 + 731)
    before = await stats.impact(later)

    done = await run_retention(services, later)
    assert done.registrations == 1
    after = await stats.impact(later)
    assert replace(after, people=before.people) == before
    [row] = await assistant.fetch(
        "SELECT person_id, checkin_token, attended, status, anonymised_at FROM registrations "
        "WHERE id = ?",
        registration["id"],
    )
    assert row["person_id"] is None and row["checkin_token"] is None
    assert row["attended"] == 1 and row["status"] == "confirmed" and row["anonymised_at"]
    [feedback] = await assistant.fetch("SELECT rating, comment, next_wish FROM feedback")
    assert feedback == {"rating": 5, "comment": None, "next_wish": None}
    # The rating stays in the survey tables, without the person and without her words.
    [response] = await assistant.fetch("SELECT person_id, registration_id FROM survey_responses")
    assert response == {"person_id": None, "registration_id": registration["id"]}
    answers = await assistant.fetch("SELECT question, value FROM survey_answers")
    assert answers == [{"question": "rating", "value": "5"}]
    assert await assistant.fetch("SELECT * FROM survey_finishers") == []
    # A second run finds nothing new; a person's profile is not "data of a past event".
    assert (await run_retention(services, later)).registrations == 0
    [person] = await assistant.fetch("SELECT full_name FROM people WHERE id = ?", ayse.id)
    assert person["full_name"]


async def test_the_retention_job_leaves_recent_events_alone(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")
    done = await run_retention(assistant.services)
    assert done.registrations == 0
    [row] = await assistant.fetch("SELECT person_id FROM registrations")
    assert row["person_id"] == ayse.id


async def test_staff_ask_everyone_once_and_a_yes_turns_announcements_on(
    assistant: Assistant,
) -> None:
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    services = assistant.services
    # Ayşe said no at sign-up and Bora withdrew his yes: both answered, neither is asked.
    ayse, bora = assistant.person("Ayşe"), assistant.person("Bora")
    await sign_up(ayse, "lean-2027-01")
    [person] = await assistant.fetch(
        "SELECT announcements_declined_at FROM people WHERE id = ?", ayse.id
    )
    assert person["announcements_declined_at"] is not None
    await sign_up(bora, "lean-2027-01", announcements="Evet, duyuruları almak istiyorum")
    await services.privacy.withdraw(bora.id, ANNOUNCEMENTS)
    # Cem read the old notice, whose announcements the rule change switched off; Deniz read
    # today's and left before the question; Eren too, but answers before the question reaches her.
    cem, deniz, eren = (assistant.person(name) for name in ("Cem", "Deniz", "Eren"))
    for person_id in (cem.id, deniz.id, eren.id):
        await services.people.seen(person_id, "tr")
    await services.database.execute(
        "UPDATE people SET informed_at = '2026-01-05T09:00:00+00:00' WHERE id = ?", (cem.id,)
    )
    await services.privacy.acknowledge_notice(deniz.id, "2027-01", "tr")
    await services.privacy.acknowledge_notice(eren.id, "2027-01", "tr")
    await outbox.drain()
    elif_ = staff_member(assistant)
    menu = await elif_.says("/staff")
    explained = await elif_.press(menu, "Duyuru iznini bir kez sor")
    assert "yalnızca bir kez" in (explained.text or "")
    assert "“hayır” diyenlere ve rızasını geri alanlara sorulmaz" in (explained.text or "")
    done = await elif_.press(explained, "Evet, soruyu gönder")
    assert "3 kişiye" in (done.text or "")
    rows = await assistant.fetch(
        "SELECT person_id, bulk FROM outbox WHERE kind = 'consent_request' ORDER BY person_id"
    )
    assert [(row["person_id"], row["bulk"]) for row in rows] == [
        (cem.id, 1),
        (deniz.id, 1),
        (eren.id, 1),
    ]
    await services.privacy.decline_announcements(eren.id)
    clock.set(datetime.now(UTC))
    await outbox.drain()
    await assistant.emulator.wait_idle()
    assert eren.texts() == []
    # Each reads what is true of them; nobody is told "we ask only once" after being asked.
    question = cem.emulator.last_bot_message(cem.id)
    text = question.text or ""
    assert "Duyuruları almak ister misiniz?" in text
    assert "kurallarımızı güncelledik" in text and "şimdilik duyuru göndermiyoruz" in text
    text = deniz.emulator.last_bot_message(deniz.id).text or ""
    assert "henüz bu konuda bir seçim yapmadığınız için" in text
    assert "kurallarımızı güncelledik" not in text
    for text in (*cem.texts(), *deniz.texts()):
        assert "Bu mesajı size yalnızca bir kez gönderiyoruz" in text
        assert "Bu soruyu yalnızca bir kez soruyoruz" not in text
    answered = await cem.press(question, "Evet, duyuruları almak istiyorum")
    assert "Teşekkürler" in (answered.text or "")
    [person] = await assistant.fetch("SELECT announcements_on FROM people WHERE id = ?", cem.id)
    assert person["announcements_on"] == 1
    assert await services.privacy.in_force(cem.id) == {ANNOUNCEMENTS}
    declined = await deniz.press(deniz.emulator.last_bot_message(deniz.id), "Hayır")
    assert "duyuru göndermeyeceğiz" in (declined.text or "")
    assert await services.privacy.in_force(deniz.id) == set()
    [person] = await assistant.fetch(
        "SELECT announcements_declined_at FROM people WHERE id = ?", deniz.id
    )
    assert person["announcements_declined_at"] is not None
    # Asked once: a second campaign asks nobody.
    again = await elif_.press(await elif_.says("/staff"), "Duyuru iznini bir kez sor")
    none_left = await elif_.press(again, "Evet, soruyu gönder")
    assert "Sorulacak kimse kalmadı" in (none_left.text or "")
    [audit] = await assistant.fetch(
        "SELECT detail FROM audit_log WHERE action = 'consent.campaign' ORDER BY id LIMIT 1"
    )
    assert json.loads(audit["detail"]) == {"queued": 3}
    [skipped] = await assistant.fetch(
        "SELECT status FROM outbox WHERE kind = 'consent_request' AND person_id = ?", eren.id
    )
    assert skipped["status"] != "sent"


def demo_document(assistant: Assistant) -> dict[str, Any]:
    """Return the running catalogue as a content document."""
    return copy.deepcopy(catalogue_to_document(assistant.services.catalogue))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["cluster"]["privacy_notice"].pop("rights"), "privacy_notice.rights"),
        (lambda d: d["cluster"]["privacy_notice"].pop("version"), "privacy_notice.version"),
        (
            lambda d: d["cluster"]["privacy_notice"]["transfers"].pop("tr"),
            "privacy_notice.transfers.tr",
        ),
        (lambda d: d["cluster"]["contact"].pop("address"), "address"),
        (lambda d: d["cluster"].pop("privacy_notice"), "privacy_notice"),
    ],
)
async def test_a_notice_without_the_controller_or_the_rights_is_a_content_error(
    assistant: Assistant, change: Any, field: str
) -> None:
    document = demo_document(assistant)
    change(document)
    with pytest.raises(ContentError) as error:
        parse_catalogue(document, "cluster.yaml")
    assert error.value.field_name == field
    assert error.value.entry == "cluster"


@pytest.mark.parametrize("language", ["tr", "en"])
def test_a_notice_at_every_limit_still_fits_in_one_message(
    assistant: Assistant, language: str
) -> None:
    long_text = {"tr": "ş" * PRIVACY_NOTICE_LIMIT, "en": "s" * PRIVACY_NOTICE_LIMIT}
    document = demo_document(assistant)
    notice = document["cluster"]["privacy_notice"]
    for section in NOTICE_SECTIONS:
        notice[section] = long_text
    notice["version"] = "v" * 30
    contact = document["cluster"]["contact"]
    contact["address"] = {"tr": "a" * CONTACT_LIMIT, "en": "a" * CONTACT_LIMIT}
    contact["email"] = "e" * (CONTACT_LIMIT - 12) + "@example.org"
    contact["phone"] = "1" * CONTACT_LIMIT
    document["cluster"]["name"] = {"tr": "n" * NAME_LIMIT, "en": "n" * NAME_LIMIT}
    catalogue = parse_catalogue(document, "cluster.yaml")
    cluster = catalogue.cluster
    shown = {
        "cluster": cluster,
        "sections": cluster.privacy_notice.sections(language),
        "version": cluster.privacy_notice.version,
        "retention_days": 730,
    }
    text = assistant.services.texts.render(
        language, "notice_step", notice=shown, for_event=True, again=True, reason="choose"
    )
    assert len(re.sub(r"<[^>]+>", "", text)) <= 4096


async def test_an_english_speaker_reads_the_notice_and_her_data_in_english(
    assistant: Assistant,
) -> None:
    sam = assistant.person("Sam", language="en")
    notice = await sam.press(await open_event(sam, "lean-2027-01"), "Sign up")
    text = notice.text or ""
    assert "Controller: Machinery and Textile Cluster" in text
    assert "Retention period: 2 years after the event." in text
    assert notice.buttons == ["✅ I've read it, continue"]
    name_step = await sam.press(notice, "I've read it, continue")
    await sam.press(name_step, 0)
    sector_step = await sam.says("Sam Textiles")
    phone_step = await sam.press(sector_step, "Textiles and apparel")
    assert phone_step.text
    await sam.emulator.send_message(sam.user, "Skip")
    email_step = await sam.emulator.wait_for_bot_message(sam.id, contains="e-mail")
    question = await sam.press(email_step, "Skip")
    assert "One last thing: announcements" in (question.text or "")
    done = await sam.press(question, "Yes, send me announcements")
    assert "confirmed" in (done.text or "")
    await sam.emulator.wait_idle()
    screen = await sam.says("/privacy")
    assert "Announcements and newsletter: given" in (screen.text or "")
    summary = await sam.press(screen, "What do you know about me?")
    assert "Sam Textiles" in (summary.text or "") and "1 event registration" in (summary.text or "")
