"""Putting the assistant into service from the chat: /id anywhere, a greeting in a new group
saying how to make it the staff chat, and the staff chat followed when Telegram upgrades it."""

from __future__ import annotations

from bot.devtools.emulator import BotApiEmulator
from tests.conftest import STAFF_ID, StartAssistant
from tests.test_staff_events import staff_member
from tests.test_tickets import ask_team


async def test_id_in_a_private_chat_tells_the_user_id(start_assistant: StartAssistant) -> None:
    assistant = await start_assistant()
    ayse = assistant.person("Ayşe")
    answer = await ayse.says("/id")
    assert str(ayse.id) in answer.content and "STAFF_IDS" in answer.content


async def test_id_in_a_group_tells_the_chat_id(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    assistant = await start_assistant()
    ayse = assistant.person("Ayşe")
    group = emulator.create_group("Ekip")
    await emulator.send_message(ayse.user, "/id", chat_id=group.id)
    answer = await emulator.wait_for_bot_message(group.id)
    assert f"STAFF_CHAT_ID={group.id}" in answer.content
    assert str(ayse.id) in answer.content


async def test_a_new_group_is_told_how_to_become_the_staff_chat(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    assistant = await start_assistant()
    elif_ = assistant.person("Elif")
    group = emulator.add_bot_to_group(elif_.user, "Küme ekibi")
    greeting = await emulator.wait_for_bot_message(group.id)
    assert f"STAFF_CHAT_ID={group.id}" in greeting.content
    assert "clustem-bot setup" in greeting.content


async def test_the_staff_group_is_followed_when_it_becomes_a_supergroup(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    group = emulator.create_group("Küme ekibi")
    assistant = await start_assistant(STAFF_CHAT_ID=str(group.id))
    admin = staff_member(assistant)
    await admin.says("/start")
    supergroup = emulator.upgrade_group(admin.user, group.id)
    told = await emulator.wait_for_bot_message(supergroup.id)
    assert "süper gruba yükseltildi" in told.content
    notice = await emulator.wait_for_bot_message(STAFF_ID, after=admin.last())
    assert f"STAFF_CHAT_ID={supergroup.id}" in notice.content
    [stored] = await assistant.fetch("SELECT value FROM operating_state")
    assert stored["value"] == f"{group.id}>{supergroup.id}"

    # A member's question reaches the team in the new chat, also after a restart.
    ayse = assistant.person("Ayşe")
    await ask_team(ayse, "Makine desteği için kime başvurmalıyım?")
    post = await emulator.wait_for_bot_message(supergroup.id, after=told)
    assert "Makine desteği" in post.content
    restarted = await start_assistant(STAFF_CHAT_ID=str(group.id))
    assert restarted.services.settings.staff_chat_id == supergroup.id
