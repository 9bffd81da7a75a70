"""`clustem-bot demo`: the emulator and the bot in one process, and a chat in the terminal."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from bot.app import build_application, start_application, stop_application
from bot.devtools.emulator import BotActivity, BotApiEmulator, Message, User, html_to_plain_readable
from bot.screens.texts import Texts
from bot.settings import Secret, Settings

DEMO_TOKEN = "100000001:DEMO-token-not-a-real-secret"
DEMO_USER_ID = 424242


class TerminalChat:
    """Prints what the bot shows and turns typed lines into messages or button presses."""

    def __init__(self, emulator: BotApiEmulator, user: User, *, ansi: bool) -> None:
        self.emulator = emulator
        self.user = user
        self.ansi = ansi
        self.keyboard_message: Message | None = None

    def show(self, activity: BotActivity) -> None:
        """Print a message the bot sent or edited, with numbered buttons."""
        message = activity.message
        if activity.kind == "callback_answer" and activity.answer and activity.answer.text:
            print(f"\n  (!) {activity.answer.text}", flush=True)
            return
        if message is None or activity.kind not in ("send", "edit") or not message.from_bot:
            return
        if message.chat_id != self.user.id:
            return
        body = html_to_plain_readable(message.html or message.text or "", ansi=self.ansi)
        if message.document is not None:
            body = f"[file: {message.document.filename}] {message.caption or ''}".strip()
        elif message.photo is not None:
            body = f"[photo] {message.caption or ''}".strip()
        marker = "(edited) " if activity.kind == "edit" else ""
        print(f"\n🤖 {marker}{body}", flush=True)
        buttons = message.buttons
        if buttons:
            if message.is_inline_keyboard:
                self.keyboard_message = message
            numbered = "  ".join(f"[{n}] {label}" for n, label in enumerate(buttons, start=1))
            print(f"   {numbered}", flush=True)

    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False to stop."""
        text = line.strip()
        if text in ("/quit", "/exit"):
            return False
        if not text:
            return True
        if text.startswith("/contact"):
            phone = text.removeprefix("/contact").strip() or "+90 532 000 00 00"
            await self.emulator.send_contact(self.user, phone)
            return True
        keyboard = self.keyboard_message
        if text.isdigit() and keyboard is not None and 1 <= int(text) <= len(keyboard.buttons):
            await self.emulator.press_button(self.user, keyboard, int(text) - 1)
            return True
        await self.emulator.send_message(self.user, text)
        return True


def demo_settings(settings: Settings, emulator: BotApiEmulator, folder: Path) -> Settings:
    """Point the settings at the emulator and a temporary database."""
    return replace(
        settings,
        bot_token=Secret(DEMO_TOKEN),
        telegram_api_url=emulator.base_url,
        database_path=folder / "demo.sqlite3",
        # The demo person is staff too, so /staff, /newevent and the rest can be tried.
        staff_ids=settings.staff_ids | {DEMO_USER_ID},
    )


async def run_demo(settings: Settings, *, user_language: str = "tr") -> int:
    """Run the demo until the person types /quit or input ends."""
    texts = Texts(settings.timezone)
    print(texts.render(user_language, "demo_intro"), flush=True)
    user = User(id=DEMO_USER_ID, first_name="Demo", last_name="Üye", language_code=user_language)
    with tempfile.TemporaryDirectory(prefix="clustem-demo-") as folder:
        async with BotApiEmulator() as emulator:
            emulator.add_user(user)
            chat = TerminalChat(emulator, user, ansi=sys.stdout.isatty())
            unsubscribe = emulator.on_bot_activity(chat.show)
            application = build_application(demo_settings(settings, emulator, Path(folder)))
            await start_application(application, poll_timeout=1)
            try:
                await emulator.send_command(user, "start")
                await emulator.wait_for_bot_message(user.id, timeout=10)
                loop = asyncio.get_running_loop()
                while True:
                    line = await loop.run_in_executor(None, sys.stdin.readline)
                    if not line or not await chat.handle(line):
                        break
                    await emulator.wait_idle(timeout=10)
            finally:
                unsubscribe()
                await stop_application(application)
    return 0
