"""No dead ends: every reply that points somewhere has the button, and says only what is true."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import Assistant
from tests.test_signup import fill_profile, open_event, signed_up_person

ESSAY: list[dict[str, Any]] = [
    {
        "id": "hopes",
        "type": "long_text",
        "text": {"tr": "Bu eğitimden ne bekliyorsunuz?", "en": "What do you expect?"},
    }
]


async def test_cancel_with_nothing_open_offers_the_menu(assistant: Assistant) -> None:
    ayse = assistant.person()
    reply = await ayse.says("/cancel")
    assert "yarım kalmış bir işlem yok" in (reply.text or "")
    assert "🏠 Ana menü" in reply.buttons


@pytest.mark.usefixtures("unpaced")
async def test_the_waiting_list_is_mentioned_only_when_someone_waits(
    assistant: Assistant,
) -> None:
    await assistant.add_event("roomy", capacity=10)
    await assistant.add_event("tight", capacity=1)
    ali = await signed_up_person(assistant, "Ali", "roomy", company="Ali Makina")
    page = await open_event(ali, "roomy")
    sure = await ali.press(page, "✖️ Kaydı iptal et")
    assert "istediğinizden emin misiniz?" in (sure.text or "")
    assert "bekleme listesi" not in (sure.text or "")
    done = await ali.press(sure, "Evet, iptal et")
    assert "iptal edildi" in (done.text or "")
    again = await ali.press(done, "📅 Etkinlik sayfası")
    assert "✅ Kayıt ol" in again.buttons

    first = await signed_up_person(assistant, "Can", "tight", company="Can Döküm")
    await signed_up_person(assistant, "Ece", "tight", company="Ece Tekstil")
    page = await open_event(first, "tight")
    sure = await first.press(page, "✖️ Kaydı iptal et")
    assert "Yeriniz bekleme listesindeki ilk kişiye verilecek." in (sure.text or "")


@pytest.mark.usefixtures("unpaced")
async def test_a_long_answer_is_refused_with_the_limit_and_how_far_over(
    assistant: Assistant,
) -> None:
    await assistant.add_event("essay", capacity=5, questions=copy.deepcopy(ESSAY))
    ayse = assistant.person()
    consent = await ayse.press(await open_event(ayse, "essay"), "Kayıt ol")
    question = await fill_profile(ayse, consent)
    assert "en çok 3.000 karakter" in (question.text or "")
    assert "dilediğiniz kadar" not in (question.text or "")
    again = await ayse.says("a" * 3_500)
    text = again.text or ""
    assert "en çok 3.000 karakter" in text and "sizinki 3.500 karakter" in text
    assert "500 karakter fazla" in text
    assert not await assistant.fetch("SELECT 1 FROM event_answers WHERE person_id = ?", ayse.id)


async def test_a_long_message_promises_thumbs_down_only_with_the_button(
    assistant: Assistant,
) -> None:
    ayse = assistant.person()
    await ayse.says("/start")
    unknown = "kuantum bilgisayar tedarikçisi arıyorum " + "ayrıntı " * 300
    await ayse.emulator.send_message(ayse.user, unknown)
    note = await ayse.emulator.wait_for_bot_message(ayse.id, contains="ilk kısmına göre")
    answer = await ayse.emulator.wait_for_bot_message(ayse.id, after=note)
    assert "👎" not in (note.text or "")
    assert "👎 İşe yaramadı" not in answer.buttons

    await ayse.emulator.send_message(ayse.user, "Eğitimler ücretli mi? " + "ayrıntı " * 300)
    note = await ayse.emulator.wait_for_bot_message(
        ayse.id, contains="ilk kısmına göre", after=answer
    )
    answer = await ayse.emulator.wait_for_bot_message(ayse.id, after=note)
    assert "👎" in (note.text or "") and "👎 İşe yaramadı" in answer.buttons


async def test_help_lists_b2b_surveys_and_verify(assistant: Assistant) -> None:
    ayse = assistant.person()
    text = (await ayse.says("/help")).text or ""
    assert "/b2b" in text and "/verify" in text and "/surveys" in text


@pytest.mark.usefixtures("unpaced")
async def test_my_stays_short_and_the_event_list_marks_my_events(assistant: Assistant) -> None:
    await assistant.add_event("first", capacity=5)
    await assistant.add_event("second", capacity=5)
    ayse = await signed_up_person(assistant, "Ayşe", "first")
    for event_id in ("second",):
        event = assistant.services.catalogue.event(event_id)
        assert event is not None
        await assistant.services.registrations.sign_up(event, ayse.id, None, None)
    mine = await ayse.says("/my")
    assert not [label for label in mine.buttons if "takvim" in label or "QR" in label]
    numbered = [label for label in mine.buttons if label.isdigit()]
    assert len(numbered) == 2
    page = await ayse.press(mine, "1")
    assert "📆 Takvim dosyası" in page.buttons and "✖️ Kaydı iptal et" in page.buttons

    listing = await ayse.says("/events")
    lines = (listing.text or "").splitlines()
    marked = [line for line in lines if line.endswith("✅")]
    assert any("Test etkinliği first" in line for line in marked)
    assert any("Test etkinliği second" in line for line in marked)
    assert "✅ kayıtlısınız" in (listing.text or "")
    assert not [line for line in marked if "Test etkinliği" not in line]
