"""Certificates of participation: issued once to those present, delivered, verified, revoked."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import re
from datetime import UTC, datetime, timedelta

import pypdf
import pytest

from bot.app import prepare_storage
from bot.context import Services
from bot.devtools.emulator import Message, User
from bot.domain.certificates import ALPHABET, issue_due, shown_code, typed_code
from bot.screens.outgoing import file_name
from bot.settings import load_settings
from handlers.privacy import run_retention
from storage.certificates import CertificateRepository
from storage.seeding import SeedPerson, SeedRegistration, add_people, add_registrations
from tests.conftest import STAFF_ID, Assistant, Cli, Person
from tests.test_staff_events import open_staff_event, staff_member

_ids = itertools.count(620001)
TURKISH = "İĞŞÇÖÜığşçöü"
NAME = "Işıl Ağaoğlu Çiğdemli"
COMPANY = f"Öztürk Şişe Ürünleri ({TURKISH}) Ltd."


def pdf_text(content: bytes) -> str:
    """Return the text of every page of a PDF."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def held_training(
    assistant: Assistant,
    event_id: str,
    people: dict[str, bool | None],
    language: str = "tr",
    **fields: object,
) -> dict[str, Person]:
    """A training that ended yesterday, with these people signed up (present, absent, unknown)."""
    fields.setdefault("certificate", True)
    await assistant.add_event(event_id, starts_in=timedelta(days=-1), hours=2.5, **fields)
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    persons: dict[str, Person] = {}
    seeds, registrations = [], []
    for name, present in people.items():
        user = User(id=next(_ids), first_name=name.split()[0], language_code="tr")
        assistant.emulator.add_user(user)
        persons[name] = Person(assistant.emulator, user)
        company = COMPANY if name == NAME else f"{name} Ltd."
        seeds.append(SeedPerson(user.id, name, company, None, "machinery", language, seen))
        attended = None if present is None else int(present)
        registrations.append(
            SeedRegistration(event_id, user.id, None, None, "confirmed", seen, attended, None, None)
        )
    await add_people(assistant.services.database, seeds)
    await add_registrations(assistant.services.database, registrations)
    return persons


async def issue(assistant: Assistant) -> int:
    """Run what the certificates job runs."""
    services = assistant.services
    repository = CertificateRepository(services.database)
    return await issue_due(repository, services.catalogue, datetime.now(UTC))


async def certificate_of(person: Person) -> tuple[Message, str]:
    """Wait for the person's certificate; return the message and its code."""
    message = await person.emulator.wait_for_bot_message(
        person.id, predicate=lambda m: m.document is not None, timeout=10
    )
    found = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", message.caption or "")
    assert found is not None, message.caption
    return message, found.group(0)


async def test_people_present_get_a_certificate_once_and_anyone_can_verify_it(
    assistant: Assistant,
) -> None:
    people = await held_training(
        assistant, "lean-cert", {NAME: True, "Bora Tan": False, "Cem Er": None}
    )
    assert await issue(assistant) == 1
    assert await issue(assistant) == 0  # the job runs again and again: once is once

    message, code = await certificate_of(people[NAME])
    assert message.document is not None
    assert message.document.filename.endswith(".pdf")
    assert message.document.filename == f"Katılım belgesi - Test etkinliği lean-cert - {NAME}.pdf"
    text = pdf_text(message.document.content)
    for expected in (
        "KATILIM BELGESİ",
        NAME,
        COMPANY,
        "Test etkinliği lean-cert",
        "Makine ve Tekstil Kümesi",
        "Toplam süre: 2,5 saat",
        f"Doğrulama kodu: {code}",
        f"/verify {code}",
    ):
        assert expected in text, expected
    assert all(letter in text for letter in TURKISH)
    await assistant.emulator.wait_idle(quiet=0.3)
    for absent in ("Bora Tan", "Cem Er"):
        assert people[absent].emulator.bot_messages(people[absent].id) == []
    rows = await assistant.fetch("SELECT code, holder_name, hours, event_id FROM certificates")
    assert rows == [
        {"code": code.replace("-", ""), "holder_name": NAME, "hours": 2.5, "event_id": "lean-cert"}
    ]
    sent = await assistant.fetch("SELECT status FROM outbox WHERE kind = 'certificate'")
    assert sent == [{"status": "sent"}]

    # Anyone checks the code, typed any way: dashes, spaces and case do not matter.
    stranger = assistant.person("Deniz")
    for typed in (code, code.replace("-", " ").lower()):
        answer = await stranger.says(f"/verify {typed}")
        assert "✅ Geçerli katılım belgesi" in (answer.text or "")
        assert NAME in (answer.text or "") and "Test etkinliği lean-cert" in (answer.text or "")
        assert "2,5 saat" in (answer.text or "")
        assert answer.buttons == []  # only staff may revoke


async def test_an_english_speaker_gets_the_certificate_in_english(assistant: Assistant) -> None:
    people = await held_training(assistant, "english-cert", {"Jane Smith": True}, language="en")
    await issue(assistant)
    message, code = await certificate_of(people["Jane Smith"])
    assert message.document is not None
    assert message.document.filename == "Certificate - Test event english-cert - Jane Smith.pdf"
    text = pdf_text(message.document.content)
    assert "CERTIFICATE OF PARTICIPATION" in text and "This is to certify that" in text
    assert "Test event english-cert" in text and "a total of 2.5 hours" in text
    assert "Machinery and Textile Cluster" in text and f"Verification code: {code}" in text
    assert "Your certificate of participation" in (message.caption or "")


async def test_unknown_forged_and_malformed_codes_say_so(assistant: Assistant) -> None:
    people = await held_training(assistant, "forge-cert", {"Ali Kaya": True})
    await issue(assistant)
    _, code = await certificate_of(people["Ali Kaya"])
    # One character changed: still well formed, but no certificate has it.
    last = code[-1]
    forged = code[:-1] + next(ch for ch in ALPHABET if ch != last)
    stranger = assistant.person("Deniz")
    usage = await stranger.says("/verify")
    assert "/verify ABCD-EFGH-JKMN" in (usage.text or "")
    for typed in (forged, "hello", "<b>0000</b>", "Ş" * 12):
        answer = await stranger.says(f"/verify {typed}")
        text = answer.text or ""
        assert "❌ Bu kodla verilmiş bir belge bulunamadı" in text, typed
        assert "Ali Kaya" not in text
    assert "&lt;b&gt;0000&lt;/b&gt;" in (stranger.last().html or "") or "Ş" in (
        stranger.last().text or ""
    )


async def test_a_certificate_is_only_for_events_flagged_for_one(assistant: Assistant) -> None:
    await held_training(assistant, "plain-visit", {"Ali Kaya": True}, certificate=False)
    assert await issue(assistant) == 0
    assert await assistant.fetch("SELECT * FROM certificates") == []
    assert await assistant.fetch("SELECT * FROM outbox WHERE kind = 'certificate'") == []


async def test_staff_revoke_a_certificate_with_a_reason_and_the_holder_is_told(
    assistant: Assistant,
) -> None:
    people = await held_training(assistant, "revoke-cert", {"Ali Kaya": True})
    await issue(assistant)
    ali = people["Ali Kaya"]
    delivered, code = await certificate_of(ali)
    elif_ = staff_member(assistant)
    checked = await elif_.says(f"/verify {code}")
    ask = await elif_.press(checked, "🚫 Belgeyi iptal et")
    assert "iptalin gerekçesini kısaca yazın" in (ask.text or "")
    # Nothing but emoji is no reason: asked again, nothing revoked.
    again = await elif_.says("🙂")
    assert "gerekçesini" in (again.text or "")
    reason = "Yoklamada yanlışlıkla katıldı olarak işaretlenmiş"
    confirm = await elif_.says(reason)
    assert "iptal etmek istediğinizden emin misiniz" in (confirm.text or "")
    assert f"Gerekçe: {reason}" in (confirm.text or "")
    assert await assistant.fetch("SELECT 1 FROM certificates WHERE revoked_at IS NOT NULL") == []
    done = await elif_.press(confirm, "🚫 Evet, iptal et")
    assert "iptal edildi" in (done.text or "")
    assert "Belge sahibine gerekçenizle birlikte haber veriliyor" in (done.text or "")
    (row,) = await assistant.fetch("SELECT id, revoked_by, revoked_reason FROM certificates")
    assert row["revoked_by"] == elif_.id and row["revoked_reason"] == reason

    # The holder is told through the outbox: what, why, and whom to ask.
    notice = await ali.emulator.wait_for_bot_message(
        ali.id, predicate=lambda m: "iptal edildi" in (m.text or ""), after=delivered
    )
    text = notice.text or ""
    assert "Katılım belgeniz iptal edildi" in text and code in text
    assert f"Küme ekibinin açıklaması: {reason}" in text
    assert "info@cluster.example" in text and "/ask" in text

    # A second revoke (two staff at once, or a stale button) changes nothing and tells no one.
    query = await elif_.emulator.press_callback(elif_.user, done, f"ce:r:{row['id']}")
    await elif_.emulator.wait_for_callback_answer(query)
    await assistant.emulator.wait_idle(quiet=0.3)
    assert "artık geçerli değil" in (elif_.last().text or "")
    assert (
        len(await assistant.fetch("SELECT 1 FROM outbox WHERE kind = 'certificate_revoked'")) == 1
    )
    answer = await ali.says(f"/verify {code}")
    assert "⚠️ Bu belge iptal edilmiştir" in (answer.text or "")
    today = assistant.services.texts.day(datetime.now(UTC), "tr")
    assert today in (answer.text or "")
    assert "Ali Kaya" not in (answer.text or "")
    audit = await assistant.fetch(
        "SELECT action, detail FROM audit_log WHERE action = 'certificate.revoke'"
    )
    assert len(audit) == 1 and reason in audit[0]["detail"]
    # A member can't revoke, even with a forged button.
    query = await ali.emulator.press_callback(ali.user, answer, f"ce:r:{row['id']}")
    reply = await ali.emulator.wait_for_callback_answer(query)
    assert reply.show_alert and "artık geçerli değil" in (reply.text or "")
    # The member's list marks it revoked and offers no file for it.
    listing = await ali.says("/my")
    mine = await ali.press(listing, "📜 Katılım belgelerim")
    assert "iptal edildi" in (mine.text or "")
    assert not any(label.startswith("📄") for label in mine.buttons)


async def test_staff_change_their_mind_and_the_certificate_stays_valid(
    assistant: Assistant,
) -> None:
    people = await held_training(assistant, "keep-cert", {"Ali Kaya": True})
    await issue(assistant)
    _, code = await certificate_of(people["Ali Kaya"])
    elif_ = staff_member(assistant)
    checked = await elif_.says(f"/verify {code}")
    await elif_.press(checked, "🚫 Belgeyi iptal et")
    cancelled = await elif_.says("/cancel")
    assert "belge iptal edilmedi" in (cancelled.text or "")
    rows = await assistant.fetch("SELECT revoked_at, revoked_reason FROM certificates")
    assert rows == [{"revoked_at": None, "revoked_reason": None}]
    assert await assistant.fetch("SELECT 1 FROM outbox WHERE kind = 'certificate_revoked'") == []
    answer = await people["Ali Kaya"].says(f"/verify {code}")
    assert "✅ Geçerli katılım belgesi" in (answer.text or "")


async def test_a_member_gets_their_certificates_again_from_my(assistant: Assistant) -> None:
    people = await held_training(assistant, "again-cert", {NAME: True, "Bora Tan": True})
    await issue(assistant)
    ayse = people[NAME]
    first, code = await certificate_of(ayse)
    listing = await ayse.says("/my")
    mine = await ayse.press(listing, "📜 Katılım belgelerim")
    assert "Test etkinliği again-cert" in (mine.text or "") and code in (mine.text or "")
    await ayse.emulator.press_button(ayse.user, mine, "📄 Belge 1")
    again = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None, after=first
    )
    assert again.document is not None and NAME in pdf_text(again.document.content)
    # Someone else's certificate can't be fetched by forging its button.
    bora = people["Bora Tan"]
    await certificate_of(bora)
    mine_id = (await assistant.fetch("SELECT id FROM certificates WHERE holder_name = ?", NAME))[0]
    hello = await bora.says("/my")
    query = await bora.emulator.press_callback(bora.user, hello, f"ce:f:{mine_id['id']}")
    await bora.emulator.wait_for_callback_answer(query)
    await assistant.emulator.wait_idle(quiet=0.3)
    documents = [m for m in bora.emulator.bot_messages(bora.id) if m.document is not None]
    (own,) = [m.document for m in documents]
    assert own is not None and NAME not in pdf_text(own.content)


async def test_an_erased_person_s_certificate_is_withdrawn_and_still_counts(
    assistant: Assistant,
) -> None:
    people = await held_training(assistant, "erase-cert", {NAME: True})
    await issue(assistant)
    ayse = people[NAME]
    _, code = await certificate_of(ayse)
    privacy = await ayse.says("/privacy")
    ask = await ayse.press(privacy, "🗑 Verilerimi sil")
    await ayse.press(ask, "Evet, hepsini sil")
    stranger = assistant.person("Deniz")
    answer = await stranger.says(f"/verify {code}")
    text = answer.text or ""
    assert "ℹ️ Bu belge geri çekilmiştir" in text and "KVKK" in text
    assert NAME not in text and "Öztürk" not in text
    rows = await assistant.fetch(
        "SELECT holder_name, company, person_id, withdrawn_at FROM certificates"
    )
    assert rows[0]["holder_name"] is None and rows[0]["company"] is None
    assert rows[0]["person_id"] is None and rows[0]["withdrawn_at"] is not None
    # The participation still counts for the funders, under a pseudonym.
    kept = await assistant.fetch(
        "SELECT person_id, pseudonym, attended FROM registrations WHERE event_id = 'erase-cert'"
    )
    assert kept[0]["person_id"] is None and kept[0]["pseudonym"] and kept[0]["attended"] == 1


async def test_past_the_retention_period_a_certificate_verifies_without_its_holder(
    assistant: Assistant,
) -> None:
    people = await held_training(assistant, "old-cert", {NAME: True, "Bora Tan": True})
    await issue(assistant)
    _, kept = await certificate_of(people[NAME])
    _, revoked = await certificate_of(people["Bora Tan"])
    (bora_s,) = await assistant.fetch("SELECT id FROM certificates WHERE holder_name = 'Bora Tan'")
    await CertificateRepository(assistant.services.database).revoke(
        bora_s["id"], STAFF_ID, "Yanlış işaretlendi", datetime.now(UTC)
    )
    # The retention job runs once the period has passed since the event.
    later = datetime.now(UTC) + assistant.services.settings.data_retention + timedelta(days=1)
    done = await run_retention(assistant.services, later)
    assert done.certificates == 2
    rows = await assistant.fetch(
        "SELECT code, holder_name, company, person_id, revoked_reason, event_id, hours, "
        "anonymised_at IS NOT NULL AS anonymised, revoked_at IS NOT NULL AS revoked "
        "FROM certificates ORDER BY id"
    )
    assert [
        (r["holder_name"], r["company"], r["person_id"], r["revoked_reason"]) for r in rows
    ] == [(None, None, None, None)] * 2
    assert [(r["event_id"], r["hours"], r["anonymised"], r["revoked"]) for r in rows] == [
        ("old-cert", 2.5, 1, 0),
        ("old-cert", 2.5, 1, 1),
    ]
    assert (await run_retention(assistant.services, later)).certificates == 0

    stranger = assistant.person("Deniz")
    answer = await stranger.says(f"/verify {kept}")
    text = answer.text or ""
    assert "✅ Geçerli katılım belgesi" in text and "Test etkinliği old-cert" in text
    assert "2,5 saat" in text and "belge sahibinin adı ve firması kayıtlarımızdan silindi" in text
    assert NAME not in text and "Öztürk" not in text and "None" not in text
    answer = await stranger.says(f"/verify {revoked}")
    assert "⚠️ Bu belge iptal edilmiştir" in (answer.text or "")
    assert "Bora Tan" not in (answer.text or "")


def test_codes_are_random_readable_and_forgiving() -> None:
    from bot.domain.certificates import new_code

    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(code) == 12 and set(code) <= set(ALPHABET) for code in codes)
    assert not set(ALPHABET) & set("01ILOUV")
    code = next(iter(codes))
    assert typed_code(shown_code(code).lower()) == code
    assert typed_code(f"  {shown_code(code)} ") == code
    assert typed_code(code[:-1]) is None and typed_code(code + "2") is None


async def _certified(services: Services) -> int:
    """Prepare the database the command line reads, with one certificate issued."""
    await prepare_storage(services)
    try:
        event = services.catalogue.events[0]
        seen = datetime.now(UTC).isoformat(timespec="seconds")
        await add_people(
            services.database, [SeedPerson(630001, NAME, COMPANY, None, None, "tr", seen)]
        )
        await add_registrations(
            services.database,
            [SeedRegistration(event.id, 630001, None, None, "confirmed", seen, 1, seen, None)],
        )
        repository = CertificateRepository(services.database)
        codes = iter(["ABCDEFGHJKMN", "PQRSTWXYZ234"])
        return await repository.issue(event, 7.5, lambda: next(codes), datetime.now(UTC))
    finally:
        await services.database.close()


def test_verify_on_the_command_line(cli: Cli) -> None:
    assert asyncio.run(_certified(Services.create(load_settings(env_file=None)))) == 1
    valid = cli("verify", "abcd-efgh-jkmn")
    assert valid.returncode == 0
    assert "✅ Geçerli katılım belgesi" in valid.stdout and NAME in valid.stdout
    assert "7,5 saat" in valid.stdout
    english = cli("verify", "ABCDEFGHJKMN", "--lang", "en")
    assert "Valid certificate of participation" in english.stdout
    unknown = cli("verify", "PQRS-TWXY-Z234")
    assert unknown.returncode == 1 and "bulunamadı" in unknown.stdout


async def test_staff_switch_certificates_on_and_off_from_the_event_page(
    assistant: Assistant,
) -> None:
    await assistant.add_event("switch-cert")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği switch-cert")
    assert "📜 Katılanlara katılım belgesi verilir." not in (page.text or "")
    step = await elif_.press(page, "📜 Katılım belgesi")
    assert "Şu anki: belge verilmiyor" in (step.text or "")
    preview = await elif_.press(step, "📜 Evet, katılanlara belge verilsin")
    saved = await elif_.press(preview, "✅ Değişikliği kaydet")
    assert "📜 Katılanlara katılım belgesi verilir." in (saved.text or "")
    event = assistant.services.catalogue.event("switch-cert")
    assert event is not None and event.certificate
    step = await elif_.press(saved, "📜 Katılım belgesi")
    preview = await elif_.press(step, "Hayır, belge verilmesin")
    await elif_.press(preview, "✅ Değişikliği kaydet")
    [row] = await assistant.fetch("SELECT document FROM events WHERE id = 'switch-cert'")
    assert "certificate" not in json.loads(str(row["document"]))


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (
            ("Katılım belgesi", "İhracat: Pazar/Ülke seçimi?", "Ayşe Öz"),
            "Katılım belgesi - İhracat Pazar Ülke seçimi - Ayşe Öz.pdf",
        ),
        (
            ("Katılım belgesi", "Eğitim", '  "Çağrı"  <Ünal>\n'),
            "Katılım belgesi - Eğitim - Çağrı Ünal.pdf",
        ),
        (("Katılım belgesi", "...", "Ali"), "Katılım belgesi - Ali.pdf"),
        (
            ("Certificate", "Lean " * 20, "Jane"),
            "Certificate - " + ("Lean " * 12).strip() + " - Jane.pdf",
        ),
    ],
)
def test_a_certificate_file_is_named_for_reading_and_safe_to_save(
    parts: tuple[str, ...], expected: str
) -> None:
    assert file_name(*parts, suffix=".pdf") == expected
