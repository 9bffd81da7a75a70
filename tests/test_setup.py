"""`clustem-bot setup` through the emulator: the token checked with getMe, the operator's
/start makes them the first admin, the staff group found when the bot is added to it, `.env`
written (other lines kept) and passing the check; the assistant then starts with them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.devtools.emulator import BotApiEmulator, User
from bot.settings import load_settings
from bot.setup import run_setup
from tests.conftest import TOKEN


class Operator:
    """The person at the terminal: answers prompts in turn, reads what the wizard says."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.said: list[str] = []
        self.changed = asyncio.Event()

    async def ask(self, prompt: str) -> str:
        while not self.answers:  # a terminal nobody types in yet
            self.changed.clear()
            await self.changed.wait()
        return self.answers.pop(0)

    def type(self, answer: str) -> None:
        self.answers.append(answer)
        self.changed.set()

    def say(self, text: str) -> None:
        self.said.append(text)
        self.changed.set()

    async def told(self, words: str) -> None:
        while not any(words in line for line in self.said):
            self.changed.clear()
            await self.changed.wait()


async def test_setup_finds_the_admin_and_the_staff_group(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    env = tmp_path / ".env"
    (tmp_path / ".env.example").write_text("# the settings\nBOT_TOKEN=\nTIMEZONE=Europe/Istanbul\n")
    operator = Operator(["not a token", TOKEN])
    elif_ = User(id=424242, first_name="Elif", language_code="tr")
    wizard = asyncio.create_task(run_setup(emulator.base_url, env, operator.ask, operator.say))

    await operator.told("send /start")
    await emulator.send_message(elif_, "/start")
    await operator.told("add @")
    group = emulator.add_bot_to_group(elif_, "Küme ekibi")
    result = await asyncio.wait_for(wizard, 30)

    assert "That does not look like a token" in "\n".join(operator.said)
    assert f"this is @{emulator.bot_username}" in "\n".join(operator.said)
    assert (result.admin_id, result.staff_chat_id) == (elif_.id, group.id)
    written = env.read_text()
    assert "# the settings" in written and "TIMEZONE=Europe/Istanbul" in written
    settings = load_settings({}, env_file=env)
    assert settings.staff_ids == {elif_.id} and settings.staff_chat_id == group.id
    assert settings.require_token().reveal() == TOKEN
    # What the wizard read was acknowledged: the assistant won't answer the /start again.
    assert [u.kind for u in emulator.state.updates] in ([], ["message"])
    assert all("/start" not in str(u.payload) for u in emulator.state.updates)


async def test_setup_can_leave_the_group_for_later(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    env = tmp_path / ".env"
    env.write_text("STAFF_IDS=111\nSTAFF_CHAT_ID=-100200\n")
    operator = Operator([TOKEN])
    wizard = asyncio.create_task(run_setup(emulator.base_url, env, operator.ask, operator.say))
    await operator.told("send /start")
    await emulator.send_message(User(id=5150, first_name="Ada"), "/start")
    await operator.told("Type skip")
    operator.type("skip")
    result = await asyncio.wait_for(wizard, 30)
    assert result.staff_chat_id is None
    settings = load_settings({}, env_file=env)
    assert settings.staff_ids == {111, 5150} and settings.staff_chat_id == -100200


def test_setup_on_the_command_line_runs_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("builtins.input", lambda prompt: (_ for _ in ()).throw(EOFError()))
    assert main(["setup"]) == 1
    assert "setup stopped" in capsys.readouterr().out
