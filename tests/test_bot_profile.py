"""What Telegram shows about the bot: its name, description and short description per
language from the content, the command menus, each team member's by their role (stored roles
too, updated when /team changes one), all set only when they differ from what Telegram has."""

from __future__ import annotations

from bot.app import stop_application
from bot.devtools.emulator import BotApiEmulator, User
from storage.roles import Role
from tests.conftest import STAFF_ID, StartAssistant
from tests.test_staff_events import staff_member

PROFILE_CALLS = ("setMyName", "setMyDescription", "setMyShortDescription", "setMyCommands")


async def test_profile_per_language_set_once(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    first = await start_assistant()
    texts = emulator.state.bot_texts
    assert texts[("name", "tr")] == "MTK Asistanı" and texts[("name", "en")] == "MTK Assistant"
    assert "Başlamak için /start" in texts[("description", "tr")]
    assert "Send /start" in texts[("description", "en")]
    assert len(texts[("short_description", "tr")]) <= 120
    assert texts[("name", "")] == texts[("name", "tr")]  # the default language's
    before = {name: emulator.stats.calls[name] for name in PROFILE_CALLS}
    assert all(before.values())
    # A restart finds everything as it should be and sends none of it again.
    await stop_application(first.application)
    await start_assistant()
    assert {name: emulator.stats.calls[name] for name in PROFILE_CALLS} == before


async def test_team_members_get_the_menu_of_their_role(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    vera = User(id=640001, first_name="Vera", language_code="tr")
    emulator.add_user(vera)
    emulator.add_user(User(id=STAFF_ID, first_name="Elif", language_code="tr"))
    first = await start_assistant()
    await first.services.roles.grant(vera.id, Role.VIEWER, granted_by=STAFF_ID)
    await stop_application(first.application)
    assistant = await start_assistant()
    viewer_menu = [c["command"] for c in emulator.commands("chat", "tr", chat_id=vera.id)]
    assert {"staff", "stats", "export"} <= set(viewer_menu)
    assert not {"newevent", "broadcast", "team"} & set(viewer_menu)
    admin_menu = [c["command"] for c in emulator.commands("chat", "tr", chat_id=STAFF_ID)]
    assert "team" in admin_menu

    # An admin makes Vera check-in staff, then removes her: her menu follows at once.
    elif_ = staff_member(assistant)
    page = await elif_.says(f"/team {vera.id}")
    page = await elif_.press(page, "Giriş görevlisi yap")
    checkin_menu = [c["command"] for c in emulator.commands("chat", "tr", chat_id=vera.id)]
    assert checkin_menu[0] == "staff" and "stats" not in checkin_menu
    await elif_.press(page, "🚫 Ekipten çıkar")
    assert emulator.commands("chat", "tr", chat_id=vera.id) == []
