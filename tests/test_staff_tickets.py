"""Staff find what waits for them from the staff menu: open tickets (answered from a card sent
to their private chat) and people whose company choice waits for approval."""

from __future__ import annotations

from bot.devtools.emulator import BotApiEmulator
from tests.conftest import Assistant, Person, StartAssistant
from tests.test_company_contact import AKDENIZ, claims_akdeniz, contact_by_invite
from tests.test_staff_events import staff_member
from tests.test_tickets import QUESTION, ask_team, give_profile, staff_room


async def test_staff_list_open_tickets_and_answer_one_from_its_card(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    assistant = room.assistant
    ayse = assistant.person("Ayşe")
    await give_profile(assistant, ayse, "Anka Makina A.Ş.")
    mehmet = assistant.person("Mehmet")
    await ask_team(ayse, QUESTION)
    await ask_team(mehmet, "Fuar katılım desteği var mı?\nİkinci satır")
    second = await room.wait("Talep #2")
    await room.answer(second, "Evet, var.")
    await emulator.wait_for_bot_message(mehmet.id, contains="Evet, var.")
    await ask_team(assistant.person("Kemal"), "Kapanacak soru")
    await room.wait("Talep #3")
    await assistant.services.tickets.close(3, room.staff.id)

    zeynep = Person(emulator, room.staff)
    menu = await zeynep.says("/staff")
    listing = await zeynep.press(menu, "🎫 Açık talepler")
    text = listing.content
    assert "Açık talepler · 2" in text
    waiting, answered = text.split("Yanıtlandı, üyeden dönüş bekleniyor")
    assert "Ekipten yanıt bekleyenler" in waiting
    assert "#1 · az önce · Ayşe <i>Yılmaz</i> · Anka Makina A.Ş." in waiting
    assert QUESTION in waiting and "#2" not in waiting
    assert "#2 · az önce · profili olmayan üye" in answered
    assert "Fuar katılım desteği var mı?" in answered and "İkinci satır" not in answered
    assert "Kapanacak" not in text
    assert listing.html is not None and "Ayşe &lt;i&gt;Yılmaz&lt;/i&gt;" in listing.html
    assert listing.buttons == [
        "#1 · Ayşe <i>Yılmaz</i>",
        "#2 · Profili olmayan üye",
        "🛠 Ekip menüsü",
    ]
    # The same list by command.
    by_command = await zeynep.says("/tickets")
    assert by_command.buttons == listing.buttons

    # A ticket's card comes as a new message: its thread, and a reply to it answers her.
    await emulator.press_button(zeynep.user, listing, "#1 · Ayşe <i>Yılmaz</i>")
    card = await zeynep.next_message(listing, contains="Talep #1")
    assert QUESTION in card.content and "👤 Üye" in card.content
    assert card.buttons == ["🔒 Talebi kapat"]
    await emulator.wait_idle()
    [post] = await assistant.fetch(
        "SELECT ticket_id, audience FROM ticket_posts WHERE chat_id = ? AND message_id = ?",
        zeynep.id,
        card.message_id,
    )
    assert post == {"ticket_id": 1, "audience": "staff"}
    await emulator.send_message(
        zeynep.user, "Evet, başvuru Mart'ta.", reply_to_message_id=card.message_id
    )
    answer = await emulator.wait_for_bot_message(ayse.id, contains="başvuru Mart'ta")
    assert "Küme ekibinden yanıt" in answer.content
    await emulator.wait_for_bot_message(zeynep.id, contains="üyeye iletildi")
    thread = await assistant.services.tickets.messages(1)
    assert [(m.direction, m.text) for m in thread][-1] == ("staff", "Evet, başvuru Mart'ta.")
    again = await zeynep.says("/tickets")
    assert "Ekipten yanıt bekleyenler" not in again.content  # both answered now

    # Closed from the card (asked once more); the group's post loses its button too.
    await emulator.press_button(zeynep.user, card, "🔒 Talebi kapat")
    await emulator.wait_idle()
    confirm = emulator.state.get_message(zeynep.id, card.message_id)
    assert confirm is not None and confirm.buttons == ["✔️ Evet, kapat", "↩️ Vazgeç"]
    await emulator.press_button(zeynep.user, confirm, "✔️ Evet, kapat")
    await emulator.wait_for_bot_message(ayse.id, contains="kapatıldı")
    await emulator.wait_idle()
    closed = await assistant.services.tickets.get(1)
    assert closed is not None and not closed.is_open
    closed_card = emulator.state.get_message(zeynep.id, card.message_id)
    assert closed_card is not None and closed_card.buttons == []
    group_post = emulator.state.get_message(room.group.id, closed.staff_message_id or 0)
    assert group_post is not None and group_post.buttons == []
    # The old list's button of a closed ticket, and a member forging one, show nothing.
    query = await emulator.press_button(zeynep.user, listing, "#1 · Ayşe <i>Yılmaz</i>")
    stale = await emulator.wait_for_callback_answer(query)
    assert stale.show_alert and "Talep #1 kapatılmış" in (stale.text or "")
    home = await ayse.says("/start")
    query = await emulator.press_callback(ayse.user, home, "st:tk:2")
    await emulator.wait_for_callback_answer(query)
    await emulator.wait_idle()
    assert not any("Fuar katılım" in text for text in ayse.texts())
    refused = await ayse.says("/tickets")
    assert "Açık talepler" not in refused.content


async def test_staff_see_every_waiting_company_claim_and_decide_from_the_list(
    assistant: Assistant,
) -> None:
    selin = await contact_by_invite(assistant)
    ali = assistant.person("Ali")
    await claims_akdeniz(ali)
    elif_ = staff_member(assistant)
    menu = await elif_.says("/staff")
    listing = await elif_.press(menu, "🏢 Firma onayı bekleyenler")
    text = listing.text or ""
    [line] = [line for line in text.splitlines() if AKDENIZ in line]
    [row] = await assistant.fetch("SELECT full_name FROM people WHERE id = ?", ali.id)
    name = row["full_name"]
    assert line == f"1. {name} → {AKDENIZ} · firmanın yetkilisine de soruldu"
    assert f"✅ 1. {name}"[:33] in listing.buttons[0]
    assert listing.buttons[1:3] == ["✖️ 1", "🏢 1"]
    assert selin.id != ali.id

    # Approving from the list verifies her and shows the list again, without her.
    approve = listing.button_data(listing.buttons[0])
    assert approve is not None
    query = await elif_.emulator.press_callback(elif_.user, listing, approve)
    told = await elif_.emulator.wait_for_callback_answer(query)
    assert "Onaylandı" in (told.text or "")
    await elif_.emulator.wait_idle()
    after = elif_.emulator.state.get_message(elif_.id, listing.message_id)
    assert after is not None
    assert AKDENIZ not in (after.text or "") and "Onay bekleyen kimse yok" in (after.text or "")
    [person] = await assistant.fetch("SELECT company_verified FROM people WHERE id = ?", ali.id)
    assert person == {"company_verified": 1}
    # The same button again (a colleague decided a moment ago) changes nothing and says so.
    query = await elif_.emulator.press_callback(elif_.user, after, approve)
    gone = await elif_.emulator.wait_for_callback_answer(query)
    assert gone.show_alert and "az önce karar verilmiş" in (gone.text or "")
