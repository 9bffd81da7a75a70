"""The inbox: updates stored before Telegram is told they arrived, handled once, none lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.devtools.emulator import BotActivity, BotApiEmulator, User
from storage.database import Database
from storage.inbox import ArrivedUpdate, InboxRepository
from tests.conftest import STAFF_ID, TOKEN

QUESTION = "Kümeye nasıl üye olurum?"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def inbox(tmp_path: Path) -> AsyncIterator[InboxRepository]:
    database = Database(tmp_path / "inbox.sqlite3")
    await database.open()
    yield InboxRepository(database)
    await database.close()


def arrived(update_id: int, person_id: int = 1) -> ArrivedUpdate:
    return ArrivedUpdate(update_id, person_id, f'{{"update_id": {update_id}}}')


async def test_an_update_sent_again_is_not_new(inbox: InboxRepository) -> None:
    assert await inbox.store([arrived(10), arrived(11)]) == {10, 11}
    assert await inbox.store([arrived(11), arrived(12)]) == {12}
    assert [u.update_id for u in await inbox.unhandled()] == [10, 11, 12]


async def test_handled_updates_are_not_handled_again(inbox: InboxRepository) -> None:
    await inbox.store([arrived(1), arrived(2), arrived(3)])
    await inbox.mark_handled([1, 3])
    assert [u.update_id for u in await inbox.unhandled()] == [2]
    # Handled and pruned or not, an update Telegram sends again is not new.
    assert await inbox.store([arrived(3)]) == set()


async def test_pruning_keeps_what_telegram_may_send_again(inbox: InboxRepository) -> None:
    await inbox.store([arrived(1), arrived(2), arrived(3)])
    await inbox.mark_handled([1, 2, 3])
    later = datetime.now(UTC) + timedelta(seconds=1)
    # Update 3 was not acknowledged yet: it may come again and must be known then.
    assert await inbox.prune(later, acknowledged_below=3) == 2
    assert await inbox.store([arrived(3)]) == set()
    assert await inbox.prune(datetime.now(UTC) - timedelta(hours=1), acknowledged_below=4) == 0


# -- a real crash: the bot process killed with SIGKILL in the middle of a burst --------------


class BotProcess:
    """`clustem-bot run` in its own process, pointed at the emulator."""

    def __init__(self, emulator: BotApiEmulator, folder: Path) -> None:
        self.environment = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emulator.base_url,
            "DATABASE_PATH": str(folder / "clustem.sqlite3"),
            "STAFF_IDS": str(STAFF_ID),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        self.folder = folder
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=self.environment, cwd=self.folder
        )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        assert await self.process.wait() == -signal.SIGKILL

    async def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 60)


async def inbox_marks(path: Path) -> dict[int, bool]:
    """Return each stored update with whether it was marked handled."""
    database = Database(path)
    await database.open()
    rows = await database.fetch_all("SELECT update_id, handled_at FROM inbox")
    await database.close()
    return {row["update_id"]: row["handled_at"] is not None for row in rows}


async def test_a_crash_mid_burst_loses_no_update_and_repeats_none_handled(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    people = [User(id=610001 + n, first_name=f"Kişi {n}", language_code="tr") for n in range(8)]
    for person in people:
        emulator.add_user(person)
    replies: Counter[int] = Counter()
    replied_before_kill: Counter[int] = Counter()
    third, changed = asyncio.Event(), asyncio.Event()
    total = len(people) * 12

    def record(activity: BotActivity) -> None:
        message = activity.message
        if activity.kind == "send" and message is not None and message.chat_id != STAFF_ID:
            replies[message.chat_id] += 1
            changed.set()
            if sum(replies.values()) >= total // 3:
                third.set()

    emulator.on_bot_activity(record)
    bot = BotProcess(emulator, tmp_path)
    await bot.start()
    # The burst: every person asks twelve questions, all queued before the bot answers any.
    sent: dict[int, list[int]] = {person.id: [] for person in people}
    for _ in range(12):
        for person in people:
            await emulator.send_message(person, QUESTION)
            sent[person.id].append(emulator.state.updates[-1].update_id)

    await asyncio.wait_for(third.wait(), 60)
    await bot.kill()
    replied_before_kill.update(replies)
    marks = await inbox_marks(tmp_path / "clustem.sqlite3")
    assert len(replied_before_kill) > 0 and sum(replied_before_kill.values()) < total

    # Each person's questions are answered in order: the first n of them were answered.
    # One answered but not yet marked handled is answered again after the restart (its reply
    # and the kill came within the same instant); any other is answered exactly once.
    expected: dict[int, int] = {}
    for person_id, update_ids in sent.items():
        answered = set(update_ids[: replied_before_kill[person_id]])
        assert all(marks.get(update_id) is not True for update_id in set(update_ids) - answered)
        again = sum(1 for update_id in answered if not marks.get(update_id, False))
        expected[person_id] = len(update_ids) + again

    await bot.start()
    while any(replies[person_id] < count for person_id, count in expected.items()):
        changed.clear()
        await asyncio.wait_for(changed.wait(), 60)
    assert await bot.stop() == 0
    assert dict(replies) == expected
    final = await inbox_marks(tmp_path / "clustem.sqlite3")
    assert all(final[u] for ids in sent.values() for u in ids)
