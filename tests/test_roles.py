"""Staff roles: admins and staff do everything, check-in staff only take attendance, viewers only
read; STAFF_IDS stay admins whatever the database says; anyone else sees no staff feature."""

from __future__ import annotations

from bot.devtools.emulator import User
from storage.roles import Role
from tests.conftest import STAFF_ID, Assistant, Person
from tests.test_attendance import confirmed_person_with_code, registered
from tests.test_staff_events import open_staff_event, staff_member

UNKNOWN = "Bu komutu tanımıyorum"
STALE = "artık geçerli değil"


async def team_member(assistant: Assistant, role: Role, name: str) -> Person:
    """Return a person the database gives a staff role."""
    member = assistant.person(name)
    await assistant.services.roles.grant(member.id, role, granted_by=STAFF_ID)
    return member


async def refused(member: Person, message_data: str) -> bool:
    """Press a button with this data on the member's last message; tell whether it was stale."""
    emulator = member.emulator
    query = await emulator.press_callback(member.user, member.last(), message_data)
    answer = await emulator.wait_for_callback_answer(query)
    return answer.show_alert and STALE in (answer.text or "")


async def test_check_in_staff_take_attendance_and_nothing_else(assistant: Assistant) -> None:
    await assistant.add_event("door", capacity=5)
    await registered(assistant, "door", "Ali Kaya", "Kaya Ltd")
    deniz = await team_member(assistant, Role.CHECKIN, "Deniz")
    menu = await deniz.says("/staff")
    assert menu.buttons == ["📅 Etkinlikler"]
    page = await open_staff_event(deniz, "Test etkinliği door")
    assert "☑️ Yoklama" in page.buttons
    assert not {"👥 Katılımcılar", "✖️ Etkinliği iptal et"} & set(page.buttons)
    roll = await deniz.press(page, "☑️ Yoklama")
    roll = await deniz.press(roll, "⬜ 1. Ali Kaya")
    assert "✅ 1. Ali Kaya" in roll.buttons
    [row] = await assistant.fetch("SELECT attended FROM registrations WHERE event_id = 'door'")
    assert row["attended"] == 1
    # Lists, exports, cancelling, statistics and forms look like they don't exist.
    assert await refused(deniz, "sa:c:door:0")
    assert await refused(deniz, "sa:x:c:door")
    assert await refused(deniz, "se:c:door")
    assert await refused(deniz, "sm:stats")
    for command in ("/stats", "/broadcast", "/newevent", "/import", "/export", "/unanswered"):
        assert UNKNOWN in ((await deniz.says(command)).text or ""), command


async def test_check_in_staff_scan_codes(assistant: Assistant) -> None:
    _, _ = await confirmed_person_with_code(assistant, "lean-2027-01")
    [row] = await assistant.fetch("SELECT checkin_token FROM registrations")
    deniz = await team_member(assistant, Role.CHECKIN, "Deniz")
    scanned = await deniz.says(f"/start ci_{row['checkin_token']}")
    assert "Giriş kaydedildi" in (scanned.text or "")
    [after] = await assistant.fetch("SELECT attended FROM registrations")
    assert after["attended"] == 1


async def test_viewers_read_lists_and_statistics_only(assistant: Assistant) -> None:
    await assistant.add_event("seen", capacity=5)
    await registered(assistant, "seen", "Ali Kaya", "Kaya Ltd")
    vera = await team_member(assistant, Role.VIEWER, "Vera")
    menu = await vera.says("/staff")
    assert "📊 İstatistikler" in menu.buttons and "📣 Duyuru gönder" not in menu.buttons
    page = await open_staff_event(vera, "Test etkinliği seen")
    assert "☑️ Yoklama" not in page.buttons
    listed = await vera.press(page, "👥 Katılımcılar")
    assert "1. Ali Kaya" in (listed.text or "")
    assert "Etki raporu" in ((await vera.says("/stats")).text or "")
    assert await refused(vera, "sa:a:seen:0")
    assert await refused(vera, "se:e:t:seen")
    for command in ("/broadcast", "/newevent", "/import"):
        assert UNKNOWN in ((await vera.says(command)).text or ""), command
    [row] = await assistant.fetch("SELECT attended FROM registrations WHERE event_id = 'seen'")
    assert row["attended"] is None


async def test_staff_ids_stay_admins_whatever_the_database_says(assistant: Assistant) -> None:
    await assistant.services.roles.grant(STAFF_ID, Role.VIEWER)
    elif_ = staff_member(assistant)
    assert "Yeni etkinlik" in " ".join((await elif_.says("/staff")).buttons)
    await assistant.services.roles.revoke(STAFF_ID)
    assert "Yeni etkinlik" in " ".join((await elif_.says("/staff")).buttons)


async def test_a_revoked_role_leaves_an_ordinary_person(assistant: Assistant) -> None:
    sami = await team_member(assistant, Role.STAFF, "Sami")
    assert "Etki raporu" in ((await sami.says("/stats")).text or "")
    await assistant.services.roles.revoke(sami.id)
    assert UNKNOWN in ((await sami.says("/stats")).text or "")
    [stored] = await assistant.fetch("SELECT COUNT(*) AS n FROM staff_roles")
    assert stored["n"] == 0


async def test_roles_are_kept_in_the_database(assistant: Assistant) -> None:
    await assistant.services.roles.grant(42, Role.CHECKIN, granted_by=STAFF_ID)
    rows = await assistant.fetch("SELECT person_id, role, granted_by FROM staff_roles")
    assert rows == [{"person_id": 42, "role": "checkin", "granted_by": STAFF_ID}]
    assert await assistant.services.role_of(42) is Role.CHECKIN
    assert await assistant.services.role_of(STAFF_ID) is Role.ADMIN
    assert await assistant.services.role_of(User(id=43, first_name="x").id) is None
