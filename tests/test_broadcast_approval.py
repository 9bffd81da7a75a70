"""The two-person rule: with BROADCAST_APPROVAL=on a broadcast to everyone waits for a second
staff member's approval in the staff chat; the author can't approve their own."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import bot.outbox.worker
from bot.devtools.emulator import BotApiEmulator, Message
from bot.settings import SettingsError, load_settings
from storage.database import _migrations
from tests.conftest import STAFF_ID, Assistant, Person
from tests.test_broadcast import (
    SECOND_STAFF_ID,
    announcing_staff,
    broadcast_row,
    draft,
    received,
    report,
    staff_member,
    started,
)

StartAssistant = Callable[..., Awaitable[Assistant]]


@pytest.fixture(autouse=True)
def quick_sweeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.outbox.worker, "SWEEP_INTERVAL", 0.25)
    monkeypatch.setattr(bot.outbox.worker, "PROGRESS_INTERVAL", 0.5)


async def team(
    start_assistant: StartAssistant, emulator: BotApiEmulator, approval: str = "on"
) -> tuple[Assistant, int]:
    group = emulator.create_group("Küme ekibi")
    assistant = await start_assistant(
        STAFF_IDS=f"{STAFF_ID},{SECOND_STAFF_ID}",
        STAFF_CHAT_ID=str(group.id),
        BROADCAST_APPROVAL=approval,
    )
    return assistant, group.id


async def card_of(emulator: BotApiEmulator, group_id: int) -> Message:
    return await emulator.wait_for_bot_message(group_id, contains="onay bekliyor")


async def press(emulator: BotApiEmulator, person: Person, message: Message, label: str) -> Any:
    query = await emulator.press_button(person.user, message, label)
    return await emulator.wait_for_callback_answer(query)


async def test_a_colleague_approves_and_everyone_gets_it_once(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    assistant, group_id = await team(start_assistant, emulator)
    ayse, sam = await started(assistant, "Ayşe"), await started(assistant, "Sam", "en")
    elif_ = await announcing_staff(assistant)
    colleague = staff_member(assistant, SECOND_STAFF_ID)

    panel = await draft(elif_, "Genel kurul 20 Ocak'ta.")
    waiting = await elif_.press(panel, "Şimdi gönder")
    assert "onaya gönderildi" in waiting.content
    card = await card_of(emulator, group_id)
    assert "Alıcılar: Herkes" in card.content
    assert card.buttons == ["✅ Onayla ve gönder", "❌ Reddet"]
    assert received(ayse, "Genel kurul") == []  # nothing goes out before approval
    preview = emulator.bot_messages(group_id)[0]  # the text as members will see it
    assert preview.content == "Genel kurul 20 Ocak'ta."

    # The author can't approve her own announcement.
    refused = await press(emulator, elif_, card, "Onayla")
    assert refused.show_alert and "Kendi yazdığınız duyuruyu" in (refused.text or "")
    assert (await broadcast_row(assistant))["status"] == "approval"
    assert await assistant.fetch("SELECT * FROM outbox") == []

    approved = await press(emulator, colleague, card, "Onayla")
    assert approved.text == "Onaylandı."
    for person in (ayse, sam):
        await emulator.wait_for_bot_message(person.id, contains="Genel kurul")
    final = await report(elif_)
    assert "Gönderilen: 3" in (final.text or "")
    told = await emulator.wait_for_bot_message(elif_.id, contains="tarafından onaylandı")
    assert "Duyuru #1" in told.content
    shown = emulator.state.get_message(group_id, card.message_id)
    assert shown is not None and shown.buttons == [] and "onaylandı" in shown.content

    # A second press on the decided card changes nothing.
    forged = await emulator.press_callback(colleague.user, card, "bc:ap:n:1")
    stale = await emulator.wait_for_callback_answer(forged)
    assert stale.show_alert and "zaten verilmiş" in (stale.text or "")

    row = await broadcast_row(assistant)
    assert (row["status"], row["decided_by"], row["sent"]) == ("done", SECOND_STAFF_ID, 3)
    for person in (ayse, sam):
        assert len(received(person, "Genel kurul")) == 1
    actions = await assistant.fetch("SELECT action, staff_id FROM audit_log ORDER BY id")
    assert [(a["action"], a["staff_id"]) for a in actions] == [
        ("broadcast.approval_asked", STAFF_ID),
        ("broadcast.approve", SECOND_STAFF_ID),
    ]


async def test_a_rejected_broadcast_sends_nothing_and_the_author_is_told(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    assistant, group_id = await team(start_assistant, emulator)
    ayse = await started(assistant, "Ayşe")
    elif_ = await announcing_staff(assistant)
    colleague = staff_member(assistant, SECOND_STAFF_ID)
    panel = await draft(elif_, "Yanlış tarihli duyuru")
    scheduling = await elif_.press(panel, "İleri bir saate planla")
    waiting = await elif_.press(scheduling, "1 saat sonra")
    assert "onaya gönderildi" in waiting.content
    card = await card_of(emulator, group_id)
    assert "Gönderim zamanı" in card.content

    rejected = await press(emulator, colleague, card, "Reddet")
    assert "Reddedildi" in (rejected.text or "")
    told = await emulator.wait_for_bot_message(elif_.id, contains="tarafından reddedildi")
    assert "gönderilmeyecek" in told.content
    # Approving after the rejection is answered clearly and changes nothing.
    forged = await emulator.press_callback(colleague.user, card, "bc:ap:y:1")
    stale = await emulator.wait_for_callback_answer(forged)
    assert stale.show_alert and "zaten verilmiş" in (stale.text or "")

    await emulator.wait_idle(quiet=0.6)
    row = await broadcast_row(assistant)
    assert (row["status"], row["cancelled_by"], row["decided_by"]) == (
        "cancelled",
        SECOND_STAFF_ID,
        SECOND_STAFF_ID,
    )
    # Only the author's notice went through the outbox, never the broadcast.
    kinds = await assistant.fetch("SELECT kind, person_id FROM outbox")
    assert [(k["kind"], k["person_id"]) for k in kinds] == [("staff_notice", STAFF_ID)]
    assert received(ayse, "Yanlış tarihli") == []
    [entry] = await assistant.fetch("SELECT * FROM audit_log WHERE action = 'broadcast.reject'")
    assert entry["staff_id"] == SECOND_STAFF_ID


async def test_people_in_the_group_who_are_not_staff_cannot_decide(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    assistant, group_id = await team(start_assistant, emulator)
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Gizli duyuru")
    await elif_.press(panel, "Şimdi gönder")
    card = await card_of(emulator, group_id)
    outsider = assistant.person("Stajyer")
    answer = await press(emulator, outsider, card, "Onayla")
    assert answer.show_alert
    assert (await broadcast_row(assistant))["status"] == "approval"
    assert await assistant.fetch("SELECT * FROM outbox") == []


async def test_with_the_rule_off_staff_send_as_before(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    assistant, group_id = await team(start_assistant, emulator, approval="off")
    ayse = await started(assistant, "Ayşe")
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Onaysız duyuru")
    query = await emulator.press_button(elif_.user, panel, "Şimdi gönder")
    assert (await emulator.wait_for_callback_answer(query)).text == "Gönderim başladı."
    await emulator.wait_for_bot_message(ayse.id, contains="Onaysız duyuru")
    await report(elif_)
    assert emulator.bot_messages(group_id) == []
    assert (await broadcast_row(assistant))["decided_by"] is None


def test_the_setting_is_checked_at_startup() -> None:
    assert load_settings({}, env_file=None).broadcast_approval is False
    on = load_settings({"BROADCAST_APPROVAL": "on", "STAFF_CHAT_ID": "-100123"}, env_file=None)
    assert on.broadcast_approval is True
    with pytest.raises(SettingsError, match="BROADCAST_APPROVAL"):
        load_settings({"BROADCAST_APPROVAL": "yes", "STAFF_CHAT_ID": "-100123"}, env_file=None)
    with pytest.raises(SettingsError, match=r"BROADCAST_APPROVAL.*STAFF_CHAT_ID"):
        load_settings({"BROADCAST_APPROVAL": "on"}, env_file=None)


def test_rebuilding_the_broadcasts_table_keeps_their_outbox_rows(tmp_path: Path) -> None:
    """Migration 0032 drops and recreates `broadcasts`; copies waiting to go must survive."""
    connection = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    for number, _name, script in _migrations():
        if number == 32:
            people = connection.execute("PRAGMA table_info(people)").fetchall()
            required = [row[1] for row in people if row[3] and row[4] is None and not row[5]]
            columns = ", ".join(["id", *required])
            values = ", ".join(["42"] + ["'0'"] * len(required))
            connection.execute(f"INSERT INTO people ({columns}) VALUES ({values})")
            connection.execute(
                "INSERT INTO broadcasts (id, staff_id, main_language, text_tr, audience, status, "
                "created_at) VALUES (5, 1, 'tr', 'x', '{\"kind\": \"all\"}', 'sending', 'z')"
            )
            connection.execute(
                "INSERT INTO outbox (kind, person_id, broadcast_id, bulk, language, due_at, "
                "status, created_at) VALUES ('broadcast', 42, 5, 1, 'tr', 'z', 'pending', 'z')"
            )
        connection.executescript(f"BEGIN IMMEDIATE;\n{script}\nCOMMIT;")
    rows = connection.execute("SELECT broadcast_id, status FROM outbox").fetchall()
    assert rows == [(5, "pending")]
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()
