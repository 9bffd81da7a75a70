"""Copies of a person's tickets in the team's chats stay in Telegram after an erasure: the team
is asked, under each ticket's post, to delete them by hand; the person was told so before."""

from __future__ import annotations

from tests.conftest import Assistant
from tests.test_privacy import sign_up
from tests.test_staff_events import staff_member


async def test_an_erasure_asks_the_team_to_delete_its_copies(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")
    elif_ = staff_member(assistant)
    sorry = await ayse.says("zürafa kaç yıl yaşar")
    sent = await ayse.press(sorry, "👥 Sorumu ekibe ilet")
    assert "#1" in (sent.text or "")
    post = await elif_.emulator.wait_for_bot_message(elif_.id, contains="zürafa")
    confirm = await ayse.press(await ayse.says("/privacy"), "Verilerimi sil")
    assert "bu kopyaları ekip orada elle siler" in (confirm.text or "")
    await ayse.press(confirm, "Evet, hepsini sil")
    note = await elif_.emulator.wait_for_bot_message(elif_.id, contains="verilerini sildi")
    text = note.text or ""
    assert "#1 numaralı talebi yazan kişi" in text and "elle silin" in text
    assert note.reply_to_message_id == post.message_id
    # The note names the ticket, never the person.
    assert "Ayşe" not in text and "Anadolu" not in text and "zürafa" not in text
