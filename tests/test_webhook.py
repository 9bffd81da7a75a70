"""Webhook mode: Telegram (the emulator, as the reverse proxy in front of the bot) POSTs each
update with the secret token; the assistant stores it in the inbox, answers 200, and handles
it as in polling mode. A request without the right secret is refused and stored nowhere."""

from __future__ import annotations

import socket

import aiohttp

from bot.app import stop_application
from bot.devtools.emulator import BotApiEmulator
from tests.conftest import StartAssistant

SECRET = "s3cret-token-for-the-webhook-0123456789"
URL = "https://bot.example.org/telegram/updates"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_updates_come_by_webhook_and_are_answered(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    port = free_port()
    emulator.webhook.proxy_to = f"http://127.0.0.1:{port}"
    assistant = await start_assistant(
        WEBHOOK_URL=URL, WEBHOOK_SECRET=SECRET, WEBHOOK_LISTEN=f"127.0.0.1:{port}"
    )
    info = await assistant.application.bot.get_webhook_info()
    assert info.url == URL
    ayse = assistant.person("Ayşe")
    welcome = await ayse.says("/start")
    assert welcome.content
    answer = await ayse.says("eğitimler ücretli mi")
    assert answer.content
    assert emulator.webhook.stats.delivered >= 2 and emulator.webhook.stats.refused == 0
    assert emulator.stats.calls["getUpdates"] == 0
    rows = await assistant.fetch("SELECT person_id, handled_at FROM inbox")
    assert len(rows) == 2 and {row["person_id"] for row in rows} == {ayse.id}

    # Someone who found the address but not the secret.
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess-guess-guess-guess"}):
            forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {}}}
            async with session.post(
                f"http://127.0.0.1:{port}/telegram/updates", json=forged, headers=headers
            ) as response:
                assert response.status == 403
    assert len(await assistant.fetch("SELECT update_id FROM inbox")) == 2


async def test_back_to_polling_takes_what_waited_at_telegram(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    port = free_port()
    webhook = await start_assistant(
        WEBHOOK_URL=URL, WEBHOOK_SECRET=SECRET, WEBHOOK_LISTEN=f"127.0.0.1:{port}"
    )
    # No proxy to the bot: Telegram can't deliver, and keeps the update.
    ayse = webhook.person("Ayşe")
    await emulator.send_message(ayse.user, "/start")
    await stop_application(webhook.application)
    assert emulator.webhook.stats.unreachable >= 1 and emulator.webhook.stats.delivered == 0
    polling = await start_assistant()
    welcome = await emulator.wait_for_bot_message(ayse.id)
    assert welcome.content
    assert (await polling.application.bot.get_webhook_info()).url == ""
