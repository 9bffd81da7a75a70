"""Service outcomes: staff close a service request as delivered or not, add a short outcome
note by replying, and the impact report lists requests by service with their notes."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import openpyxl

from bot.devtools.emulator import BotApiEmulator, Message
from tests.conftest import Assistant, Person, StartAssistant
from tests.test_impact import ISTANBUL
from tests.test_staff_events import staff_member
from tests.test_tickets import StaffRoom, close_ticket, give_profile, staff_room


async def request_service(room: StaffRoom, person: Person, number: str, text: str) -> Message:
    """The person asks for the service listed under `number`; return the team's post."""
    page = await person.says("/services")
    service = await person.press(page, number)
    await person.press(service, "📝 Bu hizmeti talep et")
    await room.emulator.wait_idle()
    await person.says(text)
    return await room.wait(text)


async def report_text(assistant: Assistant) -> tuple[str, Message, Person]:
    elif_ = staff_member(assistant)
    today = datetime.now(ISTANBUL).date()
    first = await elif_.says(f"/stats {today - timedelta(days=3):%d.%m.%Y} {today:%d.%m.%Y}")
    # No event was held: the figures come without a chart.
    return first.text or "", first, elif_


async def test_staff_close_a_request_as_delivered_and_note_the_outcome(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    assistant = room.assistant
    ayse = assistant.person("Ayşe")
    await give_profile(assistant, ayse, "Anka Makina A.Ş.")
    post = await request_service(room, ayse, "2", "Almanya pazarı için ihracat danışmanlığı")
    assert post.buttons == ["✅ Karşılandı, kapat", "❌ Karşılanamadı, kapat"]
    await close_ticket(room, post, "✅ Karşılandı, kapat")
    note = await room.wait("hizmet karşılandı")
    assert "sonuç notu eklemek isterseniz bu mesajı yanıtlayın" in note.content
    await room.answer(note, "Almanya için pazar raporu hazırlandı, 3 alıcıyla görüşme ayarlandı.")
    saved = await room.wait("sonuç notu kaydedildi")
    assert "#1" in saved.content
    [ticket] = await assistant.fetch("SELECT status, outcome, outcome_note FROM tickets")
    assert ticket == {
        "status": "closed",
        "outcome": "delivered",
        "outcome_note": "Almanya için pazar raporu hazırlandı, 3 alıcıyla görüşme ayarlandı.",
    }
    # The member is told it was closed, never shown the team's note.
    assert not any("pazar raporu" in text for text in ayse.texts())
    # A reply to the request itself (not to the closing note) is no note: it is held, asked about.
    await room.answer(post, "Raporu e-postayla da gönderdik.")
    held = await room.wait("gönderilmedi")
    assert "kapanış notunu yanıtlayın" in held.content
    [kept] = await assistant.fetch("SELECT status, outcome_note FROM tickets")
    assert kept["status"] == "closed" and kept["outcome_note"].startswith("Almanya için")
    assert not any("e-postayla" in text for text in ayse.texts())

    kemal = assistant.person("Kemal")
    await give_profile(assistant, kemal, "Bade Örme Ltd.")
    other = await request_service(room, kemal, "2", "Fuar desteği lazım")
    await close_ticket(room, other, "❌ Karşılanamadı, kapat")
    refused = await room.wait("hizmet karşılanamadı")
    await room.answer(refused, "Fuar takvimi bu yıl uymadı.")
    await room.wait("#2 için sonuç notu kaydedildi")

    text, _, _ = await report_text(assistant)
    assert "Hizmet talepleri: 2 talep · 1 karşılandı · 0 açık · 1 karşılanamadı" in text
    assert "• Uluslararasılaşma ve ihracat desteği: 2 talep · 1 karşılandı · 0 açık" in text
    assert "📝 #1 ✅ Almanya için pazar raporu hazırlandı" in text
    assert "📝 #2 ❌ Fuar takvimi bu yıl uymadı." in text


async def test_the_workbook_lists_each_request_with_its_outcome(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    assistant = room.assistant
    ayse = assistant.person("Ayşe")
    await give_profile(assistant, ayse, "Anka Makina A.Ş.")
    post = await request_service(room, ayse, "2", "Almanya pazarı için danışmanlık")
    await room.answer(post, "Merhaba, yarın arıyoruz.")  # the first answer
    await room.wait("Yanıtınız üyeye iletildi")
    await close_ticket(room, post, "✅ Karşılandı, kapat")
    note = await room.wait("hizmet karşılandı")
    await room.answer(note, "Pazar raporu teslim edildi.")
    await room.wait("sonuç notu kaydedildi")
    _, message, elif_ = await report_text(assistant)
    await emulator.press_button(elif_.user, message, "⬇️ Excel raporu")
    sent = await emulator.wait_for_bot_message(elif_.id, predicate=lambda m: m.document is not None)
    assert sent.document is not None
    workbook = openpyxl.load_workbook(io.BytesIO(sent.document.content))
    sheet = workbook["Hizmetler"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == [
        "Hizmet",
        "Talep",
        "Açık",
        "Karşılanan",
        "Karşılanamadı",
        "İlk yanıt (ortalama saat)",
    ]
    listed = [row for row in sheet.iter_rows(min_row=23, values_only=True) if row[0]]
    assert listed[0][0] == 1
    assert isinstance(listed[0][1], datetime)
    assert listed[0][4] == "Karşılandı"
    assert listed[0][6] == "Pazar raporu teslim edildi."


async def test_only_staff_note_an_outcome_and_a_question_keeps_its_one_button(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    assistant = room.assistant
    ayse = assistant.person("Ayşe")
    await give_profile(assistant, ayse, "Anka Makina A.Ş.")
    post = await request_service(room, ayse, "2", "Danışmanlık rica ediyoruz")
    query = await emulator.press_button(room.intern, post, "✅ Karşılandı, kapat")
    answer = await emulator.wait_for_callback_answer(query)
    assert answer.show_alert
    await close_ticket(room, post, "✅ Karşılandı, kapat")
    note = await room.wait("hizmet karşılandı")
    await room.answer(note, "Benim notum", by=room.intern)
    await room.wait("yalnızca Yönetici ya da Ekip üyesi")
    # A second close (an old post, another staff member) changes nothing.
    query = await emulator.press_callback(room.staff, post, "tk:close:1:n")
    await emulator.wait_for_callback_answer(query)
    [ticket] = await assistant.fetch("SELECT outcome, outcome_note FROM tickets")
    assert ticket == {"outcome": "delivered", "outcome_note": None}
