"""Admins manage the team in the chat: add a person with Telegram's user picker or by id,
change a role, remove; each change audited and the person told; STAFF_IDS stay admins."""

from __future__ import annotations

import json

from storage.roles import Role
from tests.conftest import STAFF_ID, Assistant
from tests.test_roles import UNKNOWN, team_member
from tests.test_staff_events import staff_member


async def test_an_admin_adds_a_person_with_the_user_picker(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    deniz = assistant.person("Deniz")
    await deniz.says("/start")
    team = await elif_.says("/team")
    assert "Ekip ve yetkiler" in team.content and str(STAFF_ID) in team.content
    picker = await elif_.press(team, "➕ Ekibe kişi ekle")
    assert picker.buttons == ["👤 Kişi seç"]
    await assistant.emulator.pick_users(elif_.user, picker, "👤 Kişi seç", [deniz.user])
    offer = await elif_.next_message(picker, contains="Ekipte değil")
    assert "Deniz" in offer.content
    done = await elif_.press(offer, "Giriş görevlisi yap")
    assert "Rolü: <b>Giriş görevlisi</b>" in (done.html or "")
    told = await deniz.next_message(deniz.last(), contains="ekibindesiniz")
    assert "Giriş görevlisi" in told.content
    rows = await assistant.fetch("SELECT person_id, role, granted_by FROM staff_roles")
    assert rows == [{"person_id": deniz.id, "role": "checkin", "granted_by": STAFF_ID}]
    [audit] = await assistant.fetch("SELECT staff_id, action, subject, detail FROM audit_log")
    assert (audit["staff_id"], audit["action"], audit["subject"]) == (
        STAFF_ID,
        "team.granted",
        str(deniz.id),
    )
    assert json.loads(audit["detail"]) == {"previous": None, "role": "checkin"}
    # Deniz now takes attendance, and nothing more.
    assert (await deniz.says("/staff")).buttons == ["📅 Etkinlikler"]


async def test_an_admin_adds_by_id_changes_and_removes(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    sami = assistant.person("Sami")
    await sami.says("/start")
    offer = await elif_.says(f"/team {sami.id}")
    await elif_.press(offer, "İzleyici yap")
    page = await elif_.press(elif_.last(), "Ekip üyesi yap")
    assert "Rolü: <b>Ekip üyesi</b>" in (page.html or "")
    assert "Etki raporu" in ((await sami.says("/stats")).text or "")
    removed = await elif_.press(page, "🚫 Ekipten çıkar")
    assert "Ekipte değil" in removed.content
    assert UNKNOWN in ((await sami.says("/stats")).text or "")
    actions = [row["action"] for row in await assistant.fetch("SELECT action FROM audit_log")]
    assert actions == ["team.granted", "team.changed", "team.removed"]
    await assistant.emulator.wait_for_bot_message(sami.id, contains="çıkarıldınız")
    notices = [t for t in sami.texts() if t.startswith("👥")]
    assert len(notices) == 3 and "İzleyici" in notices[0] and "Ekip üyesi" in notices[1]


async def test_bad_ids_stale_pages_and_staff_ids(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    answer = await elif_.says("/team ahmet")
    assert "Telegram kullanıcı kimliği değil" in answer.content
    fixed = await elif_.says(f"/team {STAFF_ID}")
    assert "her zaman yönetici" in fixed.content and "Yönetici yap" not in fixed.buttons
    # A forged press on a STAFF_IDS admin changes nothing.
    query = await assistant.emulator.press_callback(elif_.user, fixed, f"tm:x:{STAFF_ID}")
    refused = await assistant.emulator.wait_for_callback_answer(query)
    assert "kalıcı yönetici" in (refused.text or "") and "STAFF_IDS" not in (refused.text or "")
    # Two admins on the same page: the second removal finds nobody to remove.
    vera = await team_member(assistant, Role.VIEWER, "Vera")
    page = await elif_.says(f"/team {vera.id}")
    await elif_.press(page, "🚫 Ekipten çıkar")
    query = await assistant.emulator.press_callback(elif_.user, page, f"tm:x:{vera.id}")
    again = await assistant.emulator.wait_for_callback_answer(query)
    assert "zaten ekipte değil" in (again.text or "")
    assert await assistant.fetch("SELECT * FROM staff_roles") == []


async def test_an_admin_types_the_id_at_the_picker_prompt(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    deniz = assistant.person("Deniz")
    await deniz.says("/start")
    team = await elif_.says("/team")
    assert "STAFF_IDS" not in team.content and "Veritabanı" not in team.content
    assert "Kalıcı yöneticiler" in team.content
    picker = await elif_.press(team, "➕ Ekibe kişi ekle")
    assert "kullanıcı kimliğini" in picker.content
    # A username is not an id: explained, and the prompt (with its picker) stays.
    wrong = await elif_.says("@deniz")
    assert "“@deniz” bir Telegram kullanıcı kimliği değil" in wrong.content
    assert wrong.buttons == ["👤 Kişi seç"]
    # The id typed as digits (as /id gives it) is the person to add, not a question.
    got = await elif_.says(str(deniz.id))
    offer = await elif_.next_message(got, contains="Ekipte değil")
    assert str(deniz.id) in offer.content
    await assistant.emulator.wait_idle()
    assert await assistant.fetch("SELECT 1 FROM tickets") == []
    assert await assistant.fetch("SELECT 1 FROM forms WHERE person_id = ?", elif_.id) == []
    done = await elif_.press(offer, "İzleyici yap")
    assert "Rolü: <b>İzleyici</b>" in (done.html or "")
    rows = await assistant.fetch("SELECT person_id, role FROM staff_roles")
    assert rows == [{"person_id": deniz.id, "role": "viewer"}]


async def test_an_admin_changes_their_mind_at_the_picker_prompt(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    team = await elif_.says("/team")
    await elif_.press(team, "➕ Ekibe kişi ekle")
    closed = await elif_.says("/cancel")
    assert "ekibe kimseyi eklemedim" in closed.content
    assert await assistant.fetch("SELECT * FROM staff_roles") == []


async def test_only_admins_manage_the_team(assistant: Assistant) -> None:
    sami = await team_member(assistant, Role.STAFF, "Sami")
    assert UNKNOWN in ((await sami.says("/team")).text or "")
    assert "👥 Ekip ve yetkiler" not in (await sami.says("/staff")).buttons
    admin = await team_member(assistant, Role.ADMIN, "Ada")
    assert "👥 Ekip ve yetkiler" in (await admin.says("/staff")).buttons
    page = await admin.says(f"/team {sami.id}")
    await admin.press(page, "Yönetici yap")
    assert await assistant.services.role_of(sami.id) is Role.ADMIN
