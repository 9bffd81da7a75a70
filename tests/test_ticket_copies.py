"""Copies of a person's tickets in the team's chats stay in Telegram after an erasure: the team
is asked, under each ticket's post, to delete them by hand; the person was told so before. The
request is an outbox row queued with the erasure, so a 429 or a restart does not lose it."""

from __future__ import annotations

import json

from bot.app import stop_application
from tests.conftest import Assistant, StartAssistant
from tests.outbox_clock import FakeClock, outbox_on
from tests.test_matchmaking import Outbox
from tests.test_privacy import sign_up
from tests.test_staff_events import staff_member


async def test_an_erasure_asks_the_team_to_delete_its_copies(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")
    elif_ = staff_member(assistant)
    outbox = Outbox(assistant)
    sorry = await ayse.says("zürafa kaç yıl yaşar")
    sent = await ayse.press(sorry, "👥 Sorumu ekibe ilet")
    assert "#1" in (sent.text or "")
    post = await elif_.emulator.wait_for_bot_message(elif_.id, contains="zürafa")
    confirm = await ayse.press(await ayse.says("/privacy"), "Verilerimi sil")
    assert "bu kopyaları ekip orada elle siler" in (confirm.text or "")
    await ayse.press(confirm, "Evet, hepsini sil")
    [row] = await assistant.fetch(
        "SELECT person_id, chat_id, payload, status FROM outbox WHERE kind = 'ticket_copies'"
    )
    assert row["person_id"] is None and row["chat_id"] == elif_.id
    assert json.loads(row["payload"]) == {"ticket": 1, "message": post.message_id}
    assert row["status"] == "pending"

    # Telegram asks the assistant to slow down: the request goes when it may, once.
    assistant.emulator.inject_error("sendMessage", 429, "Too Many Requests", retry_after=1)
    await outbox.deliver()
    assert assistant.emulator.stats.rate_limited == 1
    note = await elif_.emulator.wait_for_bot_message(elif_.id, contains="verilerini sildi")
    text = note.text or ""
    assert "#1 numaralı talebi yazan kişi" in text and "elle silin" in text
    assert note.reply_to_message_id == post.message_id
    # The note names the ticket, never the person.
    assert "Ayşe" not in text and "Anadolu" not in text and "zürafa" not in text
    [row] = await assistant.fetch("SELECT status FROM outbox WHERE kind = 'ticket_copies'")
    assert row["status"] == "sent"
    assert len([m for m in elif_.texts() if "verilerini sildi" in m]) == 1


async def test_the_request_survives_a_restart_before_it_is_sent(
    assistant: Assistant, start_assistant: StartAssistant
) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")
    elif_ = staff_member(assistant)
    Outbox(assistant)  # nothing is sent before the restart
    sent = await ayse.press(await ayse.says("zürafa kaç yıl yaşar"), "👥 Sorumu ekibe ilet")
    assert "#1" in (sent.text or "")
    post = await elif_.emulator.wait_for_bot_message(elif_.id, contains="zürafa")
    confirm = await ayse.press(await ayse.says("/privacy"), "Verilerimi sil")
    await ayse.press(confirm, "Evet, hepsini sil")
    await stop_application(assistant.application)

    restarted = await start_assistant()
    assert await outbox_on(restarted, FakeClock()).drain() == 1
    note = await elif_.emulator.wait_for_bot_message(elif_.id, contains="verilerini sildi")
    assert note.reply_to_message_id == post.message_id
    assert await restarted.fetch("SELECT * FROM people WHERE id = ?", ayse.id) == []
