"""The member directory: verified members list what they offer and look for, find each other,
and make contact through an introduction by the team or one relayed first message."""

from __future__ import annotations

from bot.devtools.emulator import BotApiEmulator
from bot.domain.profile import company_key
from storage.people import Profile
from tests.conftest import Assistant, Person, StartAssistant
from tests.test_matchmaking import Outbox
from tests.test_tickets import staff_room


async def member(assistant: Assistant, name: str, company: str, verified: bool = True) -> Person:
    """A person of a registry member company, their link verified (or only claimed)."""
    person = assistant.person(name)
    services = assistant.services
    await services.people.seen(person.id, "tr")
    await services.privacy.acknowledge_notice(person.id, "2027-01", "tr")
    await services.people.save_profile(
        person.id, Profile(name, company, company_key(company), "machinery", "05320000000", None)
    )
    [row] = await assistant.fetch(
        "SELECT id FROM companies WHERE membership = 'member' ORDER BY id LIMIT 1"
    )
    await services.database.execute(
        "UPDATE people SET company_id = ?, company_verified = ? WHERE id = ?",
        (row["id"], int(verified), person.id),
    )
    return person


async def join(person: Person, offers: list[str], seeks: list[str]) -> None:
    """Open the directory from /b2b and list one's company."""
    b2b = await person.says("/b2b")
    page = await person.press(b2b, "Üye firma rehberi")
    step = await person.press(page, "Rehbere katıl")
    assert "Üye firma rehberi: firma profiliniz" in (step.text or "")
    for category in offers:
        step = await person.press(step, category)
    step = await person.press(step, "Tamam")
    step = await person.press(step, "Atla")
    for category in seeks:
        step = await person.press(step, category)
    for label in ("Tamam", "Atla", "Tamam", "Atla"):
        step = await person.press(step, label)
    assert "doğrulanmış üye firma çalışanlarına" in (step.text or "")
    done = await person.press(step, "Evet")
    assert "listelendi" in (done.text or "")


async def test_members_find_each_other_and_write_a_first_message(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    assistant = room.assistant
    ayse = await member(assistant, "Ayşe Kaya", "Anadolu Lazer")
    bora = await member(assistant, "Bora Demir", "Kuzey Hidrolik")
    await join(ayse, ["Lazer kesim"], ["Hidrolik sistemler"])
    await join(bora, ["Hidrolik sistemler"], ["Lazer kesim"])
    [consent] = await assistant.fetch(
        "SELECT purpose FROM consents WHERE person_id = ? AND purpose LIKE 'match:%'", ayse.id
    )
    assert consent["purpose"] == "match:directory"
    outbox = Outbox(assistant)

    page = await ayse.press(await ayse.says("/b2b"), "Üye firma rehberi")
    suggested = await ayse.press(page, "Size önerilenler")
    assert "Aradığınız “Hidrolik sistemler” alanında hizmet veriyorlar" in (suggested.text or "")
    company = await ayse.press(suggested, "Kuzey Hidrolik")
    assert "05320000000" not in (company.text or "")
    ask = await ayse.press(company, "İlk mesajı gönder")
    sent = await ayse.says("Merhaba, silindir gövdesi için görüşebilir miyiz?")
    assert "Mesajınız Bora Demir · Kuzey Hidrolik tarafına iletiliyor" in (sent.text or "")
    assert ask.text
    await outbox.deliver()
    relayed = await bora.emulator.wait_for_bot_message(bora.id, contains="rehberinden bir mesaj")
    text = relayed.text or ""
    assert "Anadolu Lazer" in text and "silindir gövdesi" in text and "0532" not in text
    assert "✉️ Yanıtla" in relayed.buttons
    # Only a first message: a second one to the same member is not relayed.
    again = await ayse.press(await ayse.press(sent, "Rehber"), "Rehberdeki firmalar")
    again = await ayse.press(again, "Kuzey Hidrolik")
    await ayse.press(again, "İlk mesajı gönder")
    refused = await ayse.says("Tekrar merhaba")
    assert "zaten gönderdiniz" in (refused.text or "")
    [first] = await assistant.fetch(
        "SELECT f.person_id AS sender, d.recipient_id FROM directory_first_messages d "
        "JOIN match_profiles f ON f.id = d.sender_profile_id"
    )
    assert first == {"sender": ayse.id, "recipient_id": bora.id}
    relays = await assistant.fetch("SELECT * FROM outbox WHERE kind = 'directory_message'")
    assert len(relays) == 1

    # An introduction by the team: a ticket naming both sides.
    intro = await ayse.press(await ayse.press(refused, "Rehber"), "Rehberdeki firmalar")
    intro = await ayse.press(intro, "Kuzey Hidrolik")
    await ayse.press(intro, "Ekipten tanıştırma iste")
    confirmed = await ayse.says("Ortak bir ihracat projesi için")
    assert "Tanıştırma isteğiniz küme ekibine iletildi" in (confirmed.text or "")
    [message] = await assistant.fetch(
        "SELECT m.text FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
        "WHERE t.person_id = ?",
        ayse.id,
    )
    assert "Anadolu Lazer" in message["text"] and "Kuzey Hidrolik" in message["text"]
    post = await emulator.wait_for_bot_message(room.group.id, contains="tanıştırma isteği")
    assert "Kuzey Hidrolik" in (post.text or "")


async def test_only_verified_members_may_use_the_directory(assistant: Assistant) -> None:
    cem = await member(assistant, "Cem Yıldız", "Güney Döküm", verified=False)
    page = await cem.press(await cem.says("/b2b"), "Üye firma rehberi")
    assert "doğrulanmış olması gerekir" in (page.text or "")
    assert "✍️ Rehbere katıl" not in page.buttons
    assert await assistant.fetch("SELECT * FROM match_profiles") == []


async def test_the_directory_and_a_b2b_day_share_one_profile_and_search_form(
    assistant: Assistant,
) -> None:
    ayse = await member(assistant, "Ayşe Kaya", "Anadolu Lazer")
    bora = await member(assistant, "Bora Demir", "Kuzey Hidrolik")
    await join(ayse, ["Lazer kesim"], ["Hidrolik sistemler"])
    await join(bora, ["Hidrolik sistemler"], ["Lazer kesim"])

    # A search in the directory is the shared form, about the directory.
    page = await ayse.press(await ayse.says("/b2b"), "Üye firma rehberi")
    ask = await ayse.press(page, "Ara")
    assert "Ne arıyorsunuz?" in (ask.text or "")
    [form] = await assistant.fetch("SELECT kind, subject FROM forms WHERE person_id = ?", ayse.id)
    assert form == {"kind": "b2b_search", "subject": "directory"}
    found = await ayse.says("hidrolik")
    assert "“hidrolik” araması" in (found.text or "") and "Kuzey Hidrolik" in (found.text or "")
    assert "Anadolu Lazer" not in " ".join(found.buttons)

    # Editing the listing is the shared profile form, starting from what was saved.
    edit = await ayse.press(await ayse.press(found, "Rehber"), "Profili düzenle")
    assert "Üye firma rehberi: firma profiliniz" in (edit.text or "")
    assert any(b.startswith("✅") and "Lazer kesim" in b for b in edit.buttons)
    [form] = await assistant.fetch("SELECT kind, subject FROM forms WHERE person_id = ?", ayse.id)
    assert form == {"kind": "b2b_profile", "subject": "directory"}
    for label in ("Tamam", "Atla", "Tamam", "Atla", "Tamam", "Atla"):
        edit = await ayse.press(edit, label)
    done = await ayse.press(edit, "Hayır")
    assert "profilinizi listelemedik" in (done.text or "")
    assert done.buttons == ["📒 Üye firma rehberi"]
    # Saying no to listing again changes nothing that was listed before.
    [profile] = await assistant.fetch(
        "SELECT offers, listed_at IS NOT NULL AS listed FROM match_profiles WHERE person_id = ?",
        ayse.id,
    )
    assert profile == {"offers": '["laser-cutting"]', "listed": 1}
