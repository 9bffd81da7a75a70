"""`clustem-bot demo`: the emulator and the bot in one process, and a chat in the terminal.

Typed lines are messages, as in Telegram; what only the demo does starts with a sign no message
needs, so the two never collide: `#2` presses button 2 of the latest buttons, `#5.2` button 2 of
message 5 (older messages' buttons too); `!team TEXT` writes in the staff group, `!reply 5 TEXT`
replies to message 5, `!file PATH` sends a file, `!contact` shares a phone number. Files the
bot sends (calendar files, QR codes, exports) are saved to a folder shown at the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application, prepare_storage, start_application, stop_application
from bot.context import Services
from bot.devtools.b2b_day import add_b2b_day
from bot.devtools.emulator import (
    BotActivity,
    BotApiEmulator,
    Chat,
    EmulatorTimeout,
    Message,
    User,
    html_to_plain_readable,
)
from bot.devtools.history import (
    add_demo_broadcasts,
    add_demo_full_event,
    add_demo_member,
    add_history,
    add_waiting_tickets,
)
from bot.screens.texts import Texts
from bot.settings import Secret, Settings
from storage.seeding import SeedPerson

DEMO_TOKEN = "100000001:DEMO-token-not-a-real-secret"
DEMO_USER_ID = 424242
# A second, fictional staff member: what needs two people (BROADCAST_APPROVAL's approval of a
# broadcast to everyone) is tried by pressing buttons as her (`!colleague #5.1`).
COLLEAGUE_ID = 424243
_PRESS = re.compile(r"^#(?:(\d+)\.)?(\d+)$")
_REPLY = re.compile(r"^!reply\s+(\d+)\s+(.+)$", re.DOTALL)
_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass
class TerminalChat:
    """Prints what the bot shows and turns typed lines into messages, presses and replies."""

    emulator: BotApiEmulator
    user: User
    ansi: bool
    files: Path  # where files the bot sends are saved
    group: Chat | None = None  # the staff group, when the demo has one
    colleague: User | None = None  # the second staff member, for what needs two people
    texts: Texts | None = None
    language: str = "tr"
    numbers: dict[tuple[int, int], int] = field(default_factory=dict)  # (chat, message) -> n
    shown: dict[int, Message] = field(default_factory=dict)  # n -> message
    latest: Message | None = None  # the latest message with buttons
    latest_in_group: Message | None = None  # ...and in the staff group, where the colleague acts

    def _number(self, message: Message) -> int:
        key = (message.chat_id, message.message_id)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
        number = self.numbers[key]
        self.shown[number] = message
        return number

    def _note(self, name: str, **context: object) -> str:
        assert self.texts is not None
        return self.texts.render(self.language, name, **context)

    def show(self, activity: BotActivity) -> None:
        """Print a message the bot sent or edited, numbered, with numbered buttons."""
        message = activity.message
        if activity.kind == "callback_answer" and activity.answer and activity.answer.text:
            print(f"\n  (!) {activity.answer.text}", flush=True)
            return
        if message is None or activity.kind not in ("send", "edit") or not message.from_bot:
            return
        in_group = self.group is not None and message.chat_id == self.group.id
        if message.chat_id != self.user.id and not in_group:
            return
        number = self._number(message)
        body = html_to_plain_readable(message.html or message.text or "", ansi=self.ansi)
        if message.document is not None:
            path = self._save(number, message.document.filename, message.document.content)
            body = f"[{message.document.filename}: {path}] {message.caption or ''}".strip()
        elif message.photo is not None:
            path = self._save(number, "photo.png", message.photo)
            body = f"[🖼 {path}] {message.caption or ''}".strip()
        marker = "(edited) " if activity.kind == "edit" else ""
        where = "👥 " if in_group else "🤖 "
        print(f"\n{where}({number}) {marker}{body}", flush=True)
        buttons = message.buttons
        if buttons:
            self.latest = message
            if in_group:
                self.latest_in_group = message
            numbered = "  ".join(f"[#{n}] {label}" for n, label in enumerate(buttons, start=1))
            print(f"   {numbered}", flush=True)

    def _save(self, number: int, name: str, content: bytes) -> Path:
        """Save a file the bot sent, so that it can be opened."""
        path = self.files / f"{number:03d}-{_UNSAFE.sub('_', name)}"
        path.write_bytes(content)
        return path

    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False to stop."""
        text = line.strip()
        if text in ("/quit", "/exit", "!quit"):
            return False
        if not text:
            return True
        press = _PRESS.match(text)
        if press is not None:
            await self._press(press.group(1), int(press.group(2)))
            return True
        if text.startswith("!"):
            await self._demo_command(text)
            return True
        await self.emulator.send_message(self.user, text)
        return True

    async def _press(
        self, message_number: str | None, button: int, user: User | None = None
    ) -> None:
        """Press a button of the latest buttons, or of an older message by its number (as the
        demo's person, or as `user`)."""
        who = user or self.user
        # The colleague acts in the staff group: "#1" is the first button of its latest card.
        latest = self.latest if user is None else self.latest_in_group
        message = self.shown.get(int(message_number)) if message_number else latest
        if message is None or not 1 <= button <= len(message.buttons):
            print(self._note("demo_no_button"), flush=True)
            return
        chat_id = message.chat_id
        target = [item for row in message.reply_markup for item in row][button - 1]
        if message.is_inline_keyboard:
            if target.get("url"):
                print(f"  🔗 {target['url']}", flush=True)
                return
            await self.emulator.press_button(who, message, button - 1)
        elif target.get("request_contact"):
            await self.emulator.send_contact(who, "+90 532 000 00 00", chat_id=chat_id)
        else:  # a reply keyboard's button sends its label
            await self.emulator.send_message(who, str(target["text"]), chat_id=chat_id)

    async def _demo_command(self, text: str) -> None:
        """Act in the staff group, reply to a message, send a file or a contact, or press a
        button as the second staff member."""
        command, _, rest = text.partition(" ")
        rest = rest.strip()
        reply = _REPLY.match(text)
        if command == "!team" and rest and self.group is not None:
            await self.emulator.send_message(self.user, rest, chat_id=self.group.id)
        elif command == "!reply" and reply is not None:
            message = self.shown.get(int(reply.group(1)))
            if message is None:
                print(self._note("demo_no_message"), flush=True)
                return
            await self.emulator.send_message(
                self.user,
                reply.group(2).strip(),
                chat_id=message.chat_id,
                reply_to_message_id=message.message_id,
            )
        elif command == "!file" and rest:
            await self._send_file(rest)
        elif command == "!colleague" and self.colleague is not None and _PRESS.match(rest):
            press = _PRESS.match(rest)
            assert press is not None
            await self._press(press.group(1), int(press.group(2)), self.colleague)
        elif command == "!contact":
            await self.emulator.send_contact(self.user, rest or "+90 532 000 00 00")
        else:
            print(self._note("demo_help"), flush=True)

    async def _send_file(self, typed: str) -> None:
        """Send the file at a typed path, as if attached in Telegram."""
        path = Path(typed)
        try:
            content = await asyncio.to_thread(lambda: path.expanduser().read_bytes())
        except OSError:
            print(self._note("demo_no_file", path=str(path)), flush=True)
            return
        await self.emulator.send_document(self.user, path.name, content)


def demo_settings(
    settings: Settings,
    emulator: BotApiEmulator,
    folder: Path,
    group: Chat,
    *,
    broadcast_approval: bool = False,
) -> Settings:
    """Point the settings at the emulator, a temporary database and the demo's staff group."""
    return replace(
        settings,
        bot_token=Secret(DEMO_TOKEN),
        telegram_api_url=emulator.base_url,
        database_path=folder / "demo.sqlite3",
        # The demo person is staff too, so /staff, /newevent and the rest can be tried; the
        # fictional colleague makes a second pair of eyes for BROADCAST_APPROVAL.
        staff_ids=settings.staff_ids | {DEMO_USER_ID, COLLEAGUE_ID},
        staff_chat_id=group.id,
        broadcast_approval=settings.broadcast_approval or broadcast_approval,
    )


async def _add_demo_history(settings: Settings, user: User) -> list[SeedPerson]:
    """Give the demo a year of past events, attendance and ratings, for /stats to show; return
    the history's people.

    The demo's person came to the latest training held: /my has their certificate. They are
    listed for the B2B day too, with requests to answer and a meeting: /b2b. They hold a seat
    at a full workshop with two people waiting, for the staff page's registrant tools.
    """
    services = Services.create(settings)
    await prepare_storage(services)
    try:
        now = datetime.now(UTC)
        people = await add_history(services, now)
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        await add_demo_member(services, user.id, name, now)
        await add_waiting_tickets(services, now, user.id)
        await add_demo_broadcasts(services, user.id, now)
        await add_demo_full_event(services, user.id, now)
        await add_b2b_day(services, user.id, now)
    finally:
        await services.database.close()
    return people


async def run_demo(
    settings: Settings, *, user_language: str = "tr", broadcast_approval: bool = False
) -> int:
    """Run the demo until the person types /quit or input ends."""
    texts = Texts(settings.timezone)
    files = Path(tempfile.mkdtemp(prefix="clustem-demo-files-"))
    print(texts.render(user_language, "demo_intro", files=str(files)), flush=True)
    user = User(id=DEMO_USER_ID, first_name="Demo", last_name="Üye", language_code=user_language)
    colleague = User(
        id=COLLEAGUE_ID, first_name="Selin", last_name="Ekip", language_code=user_language
    )
    with tempfile.TemporaryDirectory(prefix="clustem-demo-") as folder:
        async with BotApiEmulator() as emulator:
            emulator.add_user(user)
            emulator.add_user(colleague)
            group = emulator.create_group(texts.render(user_language, "demo_group"))
            chat = TerminalChat(
                emulator, user, sys.stdout.isatty(), files, group, colleague, texts, user_language
            )
            unsubscribe = emulator.on_bot_activity(chat.show)
            settings = demo_settings(
                settings, emulator, Path(folder), group, broadcast_approval=broadcast_approval
            )
            # The history's people have chats too, so a broadcast reaches those who said yes.
            for person in await _add_demo_history(settings, user):
                first, _, last = person.full_name.partition(" ")
                emulator.add_user(User(person.id, first, last or None, None, person.language))
            application = build_application(settings)
            await start_application(application, poll_timeout=1)

            async def settled() -> None:
                # Each typed line waits until the bot has handled what it caused, files included.
                await application.update_queue.join()

            emulator.watch_bot(settled)
            try:
                await emulator.send_command(user, "start")
                await emulator.wait_for_bot_message(user.id, timeout=10)
                loop = asyncio.get_running_loop()
                while True:
                    line = await loop.run_in_executor(None, sys.stdin.readline)
                    if not line or not await chat.handle(line):
                        break
                    # A broadcast going out keeps the bot busy for a while: the next line may
                    # come meanwhile, its copies keep going.
                    with contextlib.suppress(EmulatorTimeout):
                        await emulator.wait_idle(timeout=10)
            finally:
                unsubscribe()
                await stop_application(application)
    _tidy_files(files, texts, user_language)
    return 0


def _tidy_files(files: Path, texts: Texts, language: str) -> None:
    """Remove the files folder when the bot sent nothing; otherwise say where the files stay."""
    saved = sorted(files.iterdir())
    if not saved:
        files.rmdir()  # each run would otherwise leave an empty folder in /tmp
        return
    print(texts.render(language, "demo_files_kept", files=str(files), count=len(saved)), flush=True)
