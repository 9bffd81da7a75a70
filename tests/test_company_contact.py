"""A company's contact person approves, with one tap, the people who claim the company; staff
set the contact on the company's page or send the contact's own invite link."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.devtools.emulator import Message
from storage.database import Database, _migrations
from storage.seeding import SeedPerson, add_people
from tests.conftest import Assistant, Person
from tests.outbox_clock import FakeClock, outbox_on
from tests.test_staff_events import staff_member

AKDENIZ = "Akdeniz Kalıp Ltd. Şti."


async def company_id(assistant: Assistant, name: str = AKDENIZ) -> int:
    ids = {c.name: c.id for c in await assistant.services.companies.all()}
    found = ids[name]
    assert found is not None
    return found


async def company_page(staff: Person, typed: str = "akdeniz kalip") -> Message:
    found = await staff.says(f"/company {typed}")
    return await staff.press(found, AKDENIZ)


async def contact_by_invite(assistant: Assistant, name: str = "Selin") -> Person:
    """Staff send the contact's invite link; `name` opens it and becomes the contact."""
    elif_ = staff_member(assistant)
    page = await company_page(elif_)
    invite = await elif_.press(page, "🔗 Yetkili davet bağlantısı")
    assert "yetkili kişi davet bağlantısı" in (invite.text or "")
    link = re.search(r"\?start=(cc\d+-[a-z2-7]+)", invite.text or "")
    assert link is not None, invite.text
    contact = assistant.person(name)
    joined = await contact.says(f"/start {link.group(1)}")
    text = joined.text or ""
    assert f"Artık {AKDENIZ} çalışanı olarak kayıtlısınız" in text
    assert "yetkilisi de sizsiniz" in text
    return contact


async def claims_akdeniz(
    person: Person, typed: str = "akdeniz kalip", picked: str = AKDENIZ
) -> None:
    """Fill the profile picking a company (Akdeniz) from the names offered (unverified)."""
    notice = await person.says("/profile")
    name_step = await person.press(notice, "✅ Okudum, devam")
    await person.press(name_step, 0)
    pick = await person.says(typed)
    sector_step = await person.press(pick, picked)
    phone_step = await person.press(sector_step, "İş ve inşaat makineleri")
    assert "Telefon" in (phone_step.text or "")
    await person.emulator.send_message(person.user, "Atla")
    email_step = await person.emulator.wait_for_bot_message(person.id, contains="E-posta")
    announcements = await person.press(email_step, "Atla")
    await person.press(announcements, "Hayır, teşekkürler")
    await person.emulator.wait_idle()


async def test_the_contacts_invite_link_makes_its_opener_the_contact(
    assistant: Assistant,
) -> None:
    akdeniz = await company_id(assistant)
    selin = await contact_by_invite(assistant)
    [row] = await assistant.fetch("SELECT contact_person_id FROM companies WHERE id = ?", akdeniz)
    assert row["contact_person_id"] == selin.id
    [person] = await assistant.fetch(
        "SELECT company_id, company_verified FROM people WHERE id = ?", selin.id
    )
    assert person == {"company_id": akdeniz, "company_verified": 1}
    # The people's link does not make anyone the contact; a forged contact code names nobody.
    page = await company_page(staff_member(assistant))
    assert "Yetkili kişi: profilini henüz doldurmamış bir kişi" in (page.text or "")
    await assistant.services.database.execute(
        "UPDATE people SET full_name = 'Selin Kara' WHERE id = ?", (selin.id,)
    )
    page = await company_page(staff_member(assistant))
    assert "Yetkili kişi: Selin Kara" in (page.text or "")
    kemal = assistant.person("Kemal")
    refused = await kemal.says(f"/start cc{akdeniz}-aaaaaaaaaaaaaaaa")
    assert "davet bağlantısı geçerli değil" in (refused.text or "")


async def test_the_contact_approves_a_claim_and_the_claimant_is_told(
    assistant: Assistant,
) -> None:
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    akdeniz = await company_id(assistant)
    selin = await contact_by_invite(assistant)
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    await claims_akdeniz(ayse)
    clock.set(datetime.now(UTC))  # the question was queued after the clock was made
    await outbox.drain()
    question = await selin.emulator.wait_for_bot_message(
        selin.id, contains="firmasında çalıştığını söyledi"
    )
    assert "Ayşe Yılmaz, Akdeniz Kalıp Ltd. Şti. firmasında çalıştığını söyledi" in (
        question.text or ""
    )
    assert question.buttons == ["✅ Evet, onaylıyorum", "✖️ Hayır"]
    # Someone else pressing the contact's button (forged) changes nothing.
    bora = assistant.person("Bora")
    await bora.says("/start")
    query = await bora.emulator.press_callback(
        bora.user, bora.last(), f"co:ca:{akdeniz}:{ayse.id}:y"
    )
    await bora.emulator.wait_for_callback_answer(query)
    await bora.emulator.wait_idle()
    [row] = await assistant.fetch("SELECT company_verified FROM people WHERE id = ?", ayse.id)
    assert row["company_verified"] == 0

    answered = await selin.press(question, "✅ Evet, onaylıyorum")
    assert "Ayşe Yılmaz artık" in (answered.text or "") and "onaylı" in (answered.text or "")
    [row] = await assistant.fetch(
        "SELECT company_id, company_verified FROM people WHERE id = ?", ayse.id
    )
    assert row == {"company_id": akdeniz, "company_verified": 1}
    [entry] = await assistant.fetch(
        "SELECT staff_id, subject FROM audit_log WHERE action = 'company.contact_approve'"
    )
    assert entry == {"staff_id": selin.id, "subject": f"company:{akdeniz}"}
    clock.advance(1)
    await outbox.drain()
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="onaylandı")
    assert f"{AKDENIZ} çalışanı olduğunuz onaylandı" in (told.text or "")
    # A second tap on the old question (a double tap) is answered plainly, changes nothing.
    await selin.emulator.press_callback(selin.user, answered, f"co:ca:{akdeniz}:{ayse.id}:n")
    again = await selin.emulator.wait_for_bot_message(selin.id, contains="artık beklemiyor")
    assert "Bir şey değişmedi" in (again.text or "")
    [row] = await assistant.fetch("SELECT company_verified FROM people WHERE id = ?", ayse.id)
    assert row["company_verified"] == 1


async def test_a_declined_claim_unlinks_and_staff_can_still_decide(assistant: Assistant) -> None:
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    akdeniz = await company_id(assistant)
    selin = await contact_by_invite(assistant)
    ayse, can = assistant.person("Ayşe", last_name="Yılmaz"), assistant.person("Can")
    await claims_akdeniz(ayse)
    await claims_akdeniz(can)
    clock.set(datetime.now(UTC))  # the questions were queued after the clock was made
    await outbox.drain()
    first = await selin.emulator.wait_for_bot_message(selin.id, contains="Ayşe Yılmaz")
    declined = await selin.press(first, "✖️ Hayır")
    assert "Ayşe Yılmaz" in (declined.text or "") and "ayrıldı" in (declined.text or "")
    [row] = await assistant.fetch("SELECT company_id FROM people WHERE id = ?", ayse.id)
    assert row["company_id"] is None
    clock.advance(1)
    await outbox.drain()
    told = await ayse.emulator.wait_for_bot_message(ayse.id, contains="onaylanmadı")
    assert "bağlantınız onaylanmadı ve kaldırıldı" in (told.text or "")

    # Staff approve Can from the company page before the contact does.
    elif_ = staff_member(assistant)
    page = await company_page(elif_)
    assert "firmanın yetkilisine de soruldu" in (page.text or "")
    await elif_.press(page, "✅ Can")
    [row] = await assistant.fetch("SELECT company_verified FROM people WHERE id = ?", can.id)
    assert row["company_verified"] == 1
    clock.advance(1)
    await outbox.drain()
    told = await can.emulator.wait_for_bot_message(can.id, contains="onaylandı")
    assert AKDENIZ in (told.text or "")
    # The contact's question about Can, pressed late, says it was decided already.
    question = await selin.emulator.wait_for_bot_message(selin.id, contains="Can,", after=0)
    late = await selin.press(question, "✅ Evet, onaylıyorum")
    assert "artık beklemiyor" in (late.text or "")
    assert len(await assistant.fetch("SELECT * FROM outbox WHERE kind = 'claim_decided'")) == 2
    _ = akdeniz


async def test_staff_choose_the_contact_among_the_companys_people(assistant: Assistant) -> None:
    akdeniz = await company_id(assistant)
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    await add_people(
        assistant.services.database,
        [SeedPerson(950_001, "Deniz Ak", "Akdeniz Kalıp", akdeniz, None, "tr", seen)],
    )
    await assistant.services.database.execute(
        "UPDATE people SET company_verified = 1 WHERE id = 950001"
    )
    elif_ = staff_member(assistant)
    page = await company_page(elif_)
    assert "Yetkili kişi: yok" in (page.text or "")
    choose = await elif_.press(page, "👤 Yetkili kişi")
    assert "Deniz Ak" in choose.buttons
    page = await elif_.press(choose, "Deniz Ak")
    assert "Yetkili kişi: Deniz Ak" in (page.text or "")
    [row] = await assistant.fetch("SELECT contact_person_id FROM companies WHERE id = ?", akdeniz)
    assert row["contact_person_id"] == 950_001
    choose = await elif_.press(page, "👤 Yetkili kişi")
    assert "👤 Deniz Ak" in choose.buttons
    page = await elif_.press(choose, "🚫 Yetkili kişi olmasın")
    [row] = await assistant.fetch("SELECT contact_person_id FROM companies WHERE id = ?", akdeniz)
    assert row["contact_person_id"] is None
    actions = await assistant.fetch(
        "SELECT detail FROM audit_log WHERE action = 'company.contact' ORDER BY id"
    )
    assert [a["detail"] for a in actions] == ['{"person": 950001}', '{"person": null}']


async def test_a_claimant_who_erases_their_data_leaves_no_trace_with_the_contact(
    assistant: Assistant,
) -> None:
    selin = await contact_by_invite(assistant)
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    await claims_akdeniz(ayse)
    [queued] = await assistant.fetch(
        "SELECT person_id, about_person_id FROM outbox WHERE kind = 'company_claim'"
    )
    assert (queued["person_id"], queued["about_person_id"]) == (selin.id, ayse.id)
    confirm = await ayse.press(await ayse.says("/privacy"), "Verilerimi sil")
    await ayse.press(confirm, "Evet, hepsini sil")
    assert await assistant.fetch("SELECT * FROM outbox WHERE kind = 'company_claim'") == []
    _ = timedelta


async def test_a_contact_who_leaves_the_company_is_its_contact_no_more(
    assistant: Assistant,
) -> None:
    akdeniz = await company_id(assistant)
    selin = await contact_by_invite(assistant)
    # Selin picks another company in her profile: a claim elsewhere, not Akdeniz's contact.
    await claims_akdeniz(selin, "kapadokya metal", "Kapadokya Metal San. Tic. Ltd. Şti.")
    [row] = await assistant.fetch("SELECT contact_person_id FROM companies WHERE id = ?", akdeniz)
    assert row["contact_person_id"] is None


async def test_claims_queued_before_the_column_name_their_claimant_after_the_upgrade(
    tmp_path: Path,
) -> None:
    """A database whose waiting claims named the claimant only in their payload."""
    path = tmp_path / "old.sqlite3"
    before = _migration("outbox_about_person") - 1
    connection = sqlite3.connect(path)
    for number, _, script in _migrations():
        if number <= before:
            connection.executescript(script)
    connection.execute(f"PRAGMA user_version = {before}")
    moment = datetime.now(UTC).isoformat()
    for person in (1, 2):
        connection.execute(
            "INSERT INTO people (id, first_seen_at, last_seen_at) VALUES (?, ?, ?)",
            (person, moment, moment),
        )
    # Contact 1 asked about claimant 2; and about claimant 3, erased before the column came.
    for claimant in (2, 3):
        connection.execute(
            "INSERT INTO outbox (kind, person_id, payload, due_at, created_at) "
            "VALUES ('company_claim', 1, ?, ?, ?)",
            (f'{{"claimant": {claimant}, "company": 7}}', moment, moment),
        )
    connection.commit()
    connection.close()
    database = Database(path)
    await database.open()
    try:
        rows = await database.fetch_all(
            "SELECT person_id, about_person_id FROM outbox WHERE kind = 'company_claim' ORDER BY id"
        )
        assert [tuple(row) for row in rows] == [(1, 2), (1, None)]
        await database.execute("DELETE FROM people WHERE id = 2")
        left = await database.fetch_all("SELECT about_person_id FROM outbox")
        assert [row[0] for row in left] == [None]
    finally:
        await database.close()


def _migration(name: str) -> int:
    return next(number for number, called, _ in _migrations() if name in called)
