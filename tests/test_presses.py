"""Button presses: answered exactly once, by someone who blocks the assistant at once, and in
the staff group by people who may not press them."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.devtools.emulator import BotApiEmulator
from tests.conftest import Assistant
from tests.test_tickets import QUESTION, ask_team, close_ticket, staff_room


async def test_a_press_answered_twice_is_caught(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import services

    async def answers_twice(update: Any, *args: Any) -> None:
        await update.callback_query.answer()
        await update.callback_query.answer()

    monkeypatch.setattr(services, "show_service", answers_twice)
    ayse = assistant.person()
    page = await ayse.says("/services")
    query = await assistant.emulator.press_callback(ayse.user, page, "sv:s:benchmarking")
    await assistant.emulator.wait_for_callback_answer(query)
    await assistant.emulator.wait_idle()
    [caught] = assistant.emulator.queries_answered_twice()
    assert "sv:s:benchmarking" in caught
    # Forgotten here, so the emulator fixture's own check passes.
    assistant.emulator.state.queries[query].answer_calls = 1


async def test_a_press_on_a_form_step_is_answered_once(assistant: Assistant) -> None:
    ayse = assistant.person()
    page = await ayse.says("/start event_lean-2027-01")
    name_step = await ayse.press(await ayse.press(page, "Kayıt ol"), "Okudum, devam")
    company_step = await ayse.press(name_step, 0)
    sector_step = await ayse.says("Anadolu Makina")
    query = await ayse.emulator.press_button(ayse.user, sector_step, 0)
    await ayse.emulator.wait_for_callback_answer(query)
    await ayse.emulator.wait_idle()
    assert ayse.emulator.state.queries[query].answer_calls == 1
    assert "Hangi firmada" in (company_step.text or "")


@pytest.mark.parametrize("data", ["m:ask", "m:events", "sv:s:benchmarking"])
async def test_a_person_who_blocks_right_after_pressing_is_left_alone(
    start_assistant: Any,
    emulator: BotApiEmulator,
    caplog: pytest.LogCaptureFixture,
    data: str,
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    menu = await ayse.says("/start")
    before = len(emulator.chat_messages(ayse.id))
    with caplog.at_level(logging.INFO):
        query = await emulator.press_callback(ayse.user, menu, data)
        # Telegram tells the bot before it could reply: my_chat_member "kicked".
        emulator.blocks_bot(ayse.user)
        await emulator.wait_idle()
    person = await room.assistant.services.people.get(ayse.id)
    assert person is not None and person.unreachable
    # No apology to her, no alert to the staff chat, the press answered at most once.
    assert room.posts() == []
    assert len(emulator.chat_messages(ayse.id)) == before
    assert emulator.state.queries[query].answer_calls <= 1
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    [line] = [r for r in caplog.records if "blocked the assistant" in r.getMessage()]
    assert line.exc_info is None


async def test_a_person_who_comes_back_is_reachable_again(assistant: Assistant) -> None:
    ayse = assistant.person()
    menu = await ayse.says("/start")
    await assistant.emulator.press_callback(ayse.user, menu, "m:events")
    assistant.emulator.blocks_bot(ayse.user)
    await assistant.emulator.wait_idle()
    assistant.emulator.unblock(ayse.id)
    assert "Merhaba" in ((await ayse.says("/start")).text or "")
    person = await assistant.services.people.get(ayse.id)
    assert person is not None and not person.unreachable


PERSON_BUTTONS = ["m:events", "m:services", "m:ask", "m:my", "m:settings", "m:help", "pv:export"]


@pytest.mark.parametrize("data", PERSON_BUTTONS)
async def test_person_buttons_do_nothing_in_the_staff_group(
    start_assistant: Any, emulator: BotApiEmulator, data: str
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await ask_team(ayse, QUESTION)
    post = await room.wait("Talep #1")
    # An intern who never started the bot, and a staff member: neither turns the post into
    # their own screens there.
    for presser in (room.intern, room.staff):
        query = await emulator.press_callback(presser, post, data)
        answer = await emulator.wait_for_callback_answer(query)
        assert answer.show_alert and "artık geçerli değil" in (answer.text or "")
    await emulator.wait_idle()
    [shown] = [m for m in room.posts() if m.message_id == post.message_id]
    assert shown.text == post.text and shown.buttons == ["🔒 Talebi kapat"]
    assert len(room.posts()) == 1  # no screen, no file, no error note posted
    assert await room.assistant.fetch("SELECT * FROM forms") == []
    assert await room.assistant.services.people.get(room.intern.id) is None


async def test_only_staff_close_a_ticket_from_the_group(
    start_assistant: Any, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await ask_team(ayse, QUESTION)
    post = await room.wait("Talep #1")
    query = await emulator.press_button(room.intern, post, "🔒 Talebi kapat")
    refused = await emulator.wait_for_callback_answer(query)
    assert refused.show_alert and "yalnızca küme ekibi" in (refused.text or "")
    ticket = await room.assistant.services.tickets.get(1)
    assert ticket is not None and ticket.is_open
    await close_ticket(room, post)
    ticket = await room.assistant.services.tickets.get(1)
    assert ticket is not None and not ticket.is_open
