"""A sign-up left half-filled: a command closes it and says so; its old buttons lead back."""

from __future__ import annotations

import pytest

from tests.conftest import Assistant
from tests.test_event_questions import TRAINING
from tests.test_signup import fill_profile, open_event


@pytest.mark.usefixtures("unpaced")
async def test_an_old_button_of_event_questions_left_for_my_offers_the_event_again(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, TRAINING), "Kayıt ol")
    first = await fill_profile(ayse, consent)
    assert "soru 1/5" in (first.text or "")

    await ayse.emulator.send_message(ayse.user, "/my")
    notice = await ayse.emulator.wait_for_bot_message(ayse.id, contains="yarım kalan")
    assert "İhracata İlk Adım" in (notice.text or "") and "kapatıldı" in (notice.text or "")
    await ayse.emulator.wait_for_bot_message(ayse.id, contains="Kayıtlarım")
    assert not await assistant.fetch("SELECT 1 FROM forms WHERE person_id = ?", ayse.id)

    old = await ayse.press(first, "Avrupa Birliği")
    text = old.text or ""
    assert "Bu form kapandı" in text and "kaldırılmış veya değişmiş" not in text
    page = await ayse.press(old, "Etkinlik sayfası")
    assert "İhracata İlk Adım" in (page.text or "") and "Kayıt ol" in " ".join(page.buttons)
    assert not await assistant.fetch("SELECT 1 FROM registrations WHERE person_id = ?", ayse.id)


async def test_an_old_button_of_the_profile_form_left_for_start_says_it_closed(
    assistant: Assistant,
) -> None:
    can = assistant.person("Can")
    notice = await can.says("/profile")
    name_step = await can.press(notice, "✅ Okudum, devam")
    await can.emulator.send_message(can.user, "/start")
    await can.emulator.wait_for_bot_message(can.id)
    old = await can.press(name_step, 0)
    assert "Bu form kapandı" in (old.text or "")
    assert "menüden baştan" in (old.text or "")
