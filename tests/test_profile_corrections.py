"""A person corrects their profile: kept answers stay, the company step never traps them."""

from __future__ import annotations

from tests.conftest import Assistant, Person


async def linked_person(assistant: Assistant) -> tuple[Person, int]:
    """Ayşe fills the form picking Akdeniz Kalıp from the registry; return her and its id."""
    ids = {c.name: c.id for c in await assistant.services.companies.all()}
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    notice = await ayse.says("/profile")
    name_step = await ayse.press(notice, "✅ Okudum, devam")
    await ayse.press(name_step, "Ayşe Yılmaz")
    pick = await ayse.says("Akdeniz Kalıp Ltd. Şti.")
    # The registry's near-duplicate "Akdeniz Kalip Ltd" is the same company to her.
    assert "Akdeniz Kalıp Ltd. Şti." in pick.buttons
    assert "Akdeniz Kalip Ltd" not in pick.buttons
    sector_step = await ayse.press(pick, "Akdeniz Kalıp Ltd. Şti.")
    phone_step = await ayse.press(sector_step, "İş ve inşaat makineleri")
    assert "Telefon numaranız nedir?" in (phone_step.text or "")
    await ayse.emulator.send_message(ayse.user, "Atla")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="E-posta")
    announcements = await ayse.press(email_step, "Atla")
    await ayse.press(announcements, "Hayır, teşekkürler")
    await ayse.emulator.wait_idle()
    company_id = ids["Akdeniz Kalıp Ltd. Şti."]
    assert company_id is not None
    return ayse, company_id


async def test_keeping_the_company_while_correcting_goes_on_and_keeps_the_link(
    assistant: Assistant,
) -> None:
    ayse, company_id = await linked_person(assistant)
    await assistant.services.database.execute(
        "UPDATE people SET company_verified = 1 WHERE id = ?", (ayse.id,)
    )
    profile = await ayse.says("/profile")
    name_step = await ayse.press(profile, "✏️ Profili güncelle")
    company_step = await ayse.press(name_step, "↩️ Aynı kalsın")
    text = company_step.text or ""
    assert "2/5" in text and "Şti.." not in text
    assert "Şu an kayıtlı olan: Akdeniz Kalıp Ltd. Şti.\n" in text
    sector_step = await ayse.press(company_step, "↩️ Aynı kalsın")
    # No question about registry matches: the company she kept is the one she belongs to.
    assert "3/5" in (sector_step.text or "")
    await ayse.press(sector_step, "↩️ Aynı kalsın")
    await ayse.emulator.send_message(ayse.user, "↩️ Aynı kalsın")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="5/5")
    saved = await ayse.press(email_step, "↩️ Aynı kalsın")
    assert "Profiliniz kaydedildi" in (saved.text or "")
    [row] = await assistant.fetch(
        "SELECT company, company_id, company_verified FROM people WHERE id = ?", ayse.id
    )
    assert row == {
        "company": "Akdeniz Kalıp Ltd. Şti.",
        "company_id": company_id,
        "company_verified": 1,
    }
