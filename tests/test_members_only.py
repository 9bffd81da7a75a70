"""Members-only events: everyone sees them; only confirmed people of member companies sign up,
and anyone else reads who may join and how to reach the office."""

from __future__ import annotations

import json

from storage.content import bundled_content_path, load_catalogue
from tests.conftest import Assistant, Person
from tests.test_privacy import sign_up
from tests.test_signup import open_event
from tests.test_staff_events import open_staff_event, staff_member

EVENT = "members-day"
TITLE = f"Test etkinliği {EVENT}"
MEMBER = "Akdeniz Kalıp Ltd. Şti."  # a member company of the demo registry
NON_MEMBER = "Gökçe Boya Apre A.Ş."
CONTACT = "info@cluster.example · +90 312 000 00 00"


async def company_id(assistant: Assistant, name: str) -> int:
    found = {c.name: c.id for c in await assistant.services.companies.all()}[name]
    assert found is not None
    return found


async def linked(assistant: Assistant, person: Person, name: str, *, verified: bool) -> None:
    """Link the person to a registry company, confirmed or only claimed."""
    await person.says("/start")
    await assistant.services.database.execute(
        "UPDATE people SET company_id = ?, company_verified = ? WHERE id = ?",
        (await company_id(assistant, name), int(verified), person.id),
    )


async def registrations(assistant: Assistant) -> list[dict[str, object]]:
    return await assistant.fetch("SELECT person_id FROM registrations WHERE event_id = ?", EVENT)


async def test_someone_without_a_member_company_sees_who_may_join(assistant: Assistant) -> None:
    await assistant.add_event(EVENT, audience="members")
    ayse = assistant.person("Ayşe")
    page = await open_event(ayse, EVENT)
    text = page.text or ""
    assert "🔒 Yalnızca küme üyesi firmaların onaylı çalışanları kayıt olabilir." in text
    assert "Profilinizde kayıtlı bir firma yok" in text
    assert f"küme ofisine ulaşabilirsiniz: {CONTACT}" in text
    assert "✅ Kayıt ol" not in page.buttons
    # A forged sign-up press is refused the same way, before any form, and writes nothing.
    query = await ayse.emulator.press_callback(ayse.user, page, f"rg:new:{EVENT}")
    await ayse.emulator.wait_for_callback_answer(query)
    await ayse.emulator.wait_idle()
    assert "Profilinizde kayıtlı bir firma yok" in (ayse.last().text or "")
    assert await registrations(assistant) == []
    assert await assistant.fetch("SELECT * FROM forms WHERE person_id = ?", ayse.id) == []
    # The list marks it.
    listing = await ayse.says("/events")
    assert f"{TITLE}</b> 🔒" in (listing.html or "")


async def test_a_claimed_or_non_member_company_is_told_why(assistant: Assistant) -> None:
    await assistant.add_event(EVENT, audience="members")
    can, deniz = assistant.person("Can"), assistant.person("Deniz")
    await linked(assistant, can, MEMBER, verified=False)
    await linked(assistant, deniz, NON_MEMBER, verified=True)
    page = await open_event(can, EVENT)
    assert f"{MEMBER} ile bağlantınız henüz onaylanmadı" in (page.text or "")
    assert "✅ Kayıt ol" not in page.buttons
    page = await open_event(deniz, EVENT)
    assert f"{NON_MEMBER} şu an küme üyesi görünmüyor" in (page.text or "")
    assert CONTACT in (page.text or "")
    assert "✅ Kayıt ol" not in page.buttons
    english = assistant.person("Emma", language="en")
    await linked(assistant, english, NON_MEMBER, verified=True)
    page = await open_event(english, EVENT)
    assert f"{NON_MEMBER} is not a member at the moment" in (page.text or "")


async def test_a_confirmed_member_signs_up(assistant: Assistant) -> None:
    await assistant.add_event(EVENT, audience="members")
    ayse = assistant.person("Ayşe")
    await linked(assistant, ayse, MEMBER, verified=True)
    page = await open_event(ayse, EVENT)
    assert "✅ Kayıt ol" in page.buttons
    assert "küme ofisine ulaşabilirsiniz" not in (page.text or "")
    confirmation = await sign_up(ayse, EVENT)
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    [row] = await assistant.fetch(
        "SELECT person_id, company_id FROM registrations WHERE event_id = ?", EVENT
    )
    assert row == {"person_id": ayse.id, "company_id": await company_id(assistant, MEMBER)}


async def test_staff_make_an_event_members_only_from_its_page(assistant: Assistant) -> None:
    await assistant.add_event(EVENT)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, TITLE)
    assert "🌐 Herkes kayıt olabilir" in (page.text or "")
    step = await elif_.press(page, "🔒 Kimler katılabilir")
    assert "Kimler kayıt olabilir?" in (step.text or "")
    assert step.buttons[:2] == ["🌐 Herkese açık", "🔒 Yalnızca üye firmalar"]
    preview = await elif_.press(step, "🔒 Yalnızca üye firmalar")
    assert "🔒 Yalnızca küme üyesi firmaların onaylı çalışanları kayıt olabilir." in (
        preview.text or ""
    )
    saved = await elif_.press(preview, "✅ Değişikliği kaydet")
    assert "🔒 Yalnızca üye firmaların onaylı çalışanları kayıt olabilir" in (saved.text or "")
    [row] = await assistant.fetch("SELECT document FROM events WHERE id = ?", EVENT)
    assert json.loads(str(row["document"]))["audience"] == "members"
    event = assistant.services.catalogue.event(EVENT)
    assert event is not None and event.members_only
    # And back: open to all again, the field leaves the stored document.
    page = await open_staff_event(elif_, TITLE)
    step = await elif_.press(page, "🔒 Kimler katılabilir")
    preview = await elif_.press(step, "🌐 Herkese açık")
    await elif_.press(preview, "✅ Değişikliği kaydet")
    [row] = await assistant.fetch("SELECT document FROM events WHERE id = ?", EVENT)
    assert "audience" not in json.loads(str(row["document"]))


async def test_the_company_seat_limit_counts_confirmed_people_by_company(
    assistant: Assistant,
) -> None:
    await assistant.add_event(EVENT, audience="members", max_per_company=1)
    ayse, bora = assistant.person("Ayşe"), assistant.person("Bora")
    for person in (ayse, bora):
        await linked(assistant, person, MEMBER, verified=True)
    await sign_up(ayse, EVENT)
    # Only the registry company links the two seats, not a typed name.
    await assistant.services.database.execute(
        "UPDATE registrations SET company_key = 'baska bir yazilis' WHERE person_id = ?",
        (ayse.id,),
    )
    second = await sign_up(bora, EVENT)
    rows = await assistant.fetch(
        "SELECT status, company_id FROM registrations WHERE event_id = ? ORDER BY id", EVENT
    )
    assert [r["status"] for r in rows] == ["confirmed", "waitlisted"]
    assert "bekleme listesi" in (second.text or "").lower()


def test_the_demo_spain_visit_is_for_members() -> None:
    event = load_catalogue(bundled_content_path()).event("study-visit-spain-2027-05")
    assert event is not None and event.members_only
