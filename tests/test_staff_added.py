"""Participants who are not on Telegram: staff add them by hand or from an attendance list;
they count, are listed, exported and marked present like anyone, and are never sent anything."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import openpyxl

from handlers.privacy import run_retention
from storage.impact import ImpactRepository
from tests.conftest import STAFF_ID, Assistant, Person
from tests.test_companies import xlsx
from tests.test_exports import download
from tests.test_staff_events import open_staff_event, staff_member

EVENT = "door"
TITLE = f"Test etkinliği {EVENT}"
AKDENIZ = "Akdeniz Kalıp Ltd. Şti."


async def added(assistant: Assistant) -> list[dict[str, object]]:
    return await assistant.fetch(
        "SELECT s.full_name, s.company_name, s.phone, s.email, s.source, s.added_by, "
        "r.person_id, r.status, r.attended, r.company_id "
        "FROM staff_added_participants s JOIN registrations r ON r.id = s.registration_id "
        "ORDER BY r.id"
    )


async def add_by_hand(staff: Person, name: str, company: str | None, present: str) -> str:
    """Add one participant through the form; return the confirmation's text."""
    page = await open_staff_event(staff, TITLE)
    step = await staff.press(page, "➕ Katılımcı ekle")
    assert "adı ve soyadı" in (step.text or "")
    step = await staff.says(name)
    if company is None:
        step = await staff.press(step, "Atla")
    else:
        step = await staff.says(company)
        if "Kayıtlı firmalarımız" in (step.text or ""):
            step = await staff.press(step, AKDENIZ)
    assert "Telefon numarası ya da e-posta" in (step.text or "")
    step = await staff.says("0532 111 22 33")
    assert "şu an etkinlikte mi" in (step.text or "")
    done = await staff.press(step, present)
    return done.text or ""


async def test_staff_add_a_walk_in_who_is_counted_and_never_messaged(assistant: Assistant) -> None:
    await assistant.add_event(EVENT, capacity=10)
    elif_ = staff_member(assistant)
    text = await add_by_hand(elif_, "Hasan Kapı", "akdeniz kalip", "Evet")
    assert "Hasan Kapı" in text and "katıldı olarak işaretlendi" in text
    ids = {c.name: c.id for c in await assistant.services.companies.all()}
    [row] = await added(assistant)
    assert row == {
        "full_name": "Hasan Kapı",
        "company_name": AKDENIZ,  # picked from the registry: written its way
        "phone": "05321112233",
        "email": None,
        "source": "hand",
        "added_by": STAFF_ID,
        "person_id": None,
        "status": "confirmed",
        "attended": 1,
        "company_id": ids[AKDENIZ],
    }
    # Listed and counted like anyone, marked as added by staff; nothing queued for them.
    page = await open_staff_event(elif_, TITLE)
    assert "Onaylı: 1 / 10" in (page.text or "") and "Katılan: 1" in (page.text or "")
    attendees = await elif_.press(page, "Katılımcılar")
    assert "Hasan Kapı</b> · Akdeniz Kalıp Ltd. Şti. · ✍️ ekip ekledi" in (attendees.html or "")
    assert await assistant.fetch("SELECT * FROM outbox WHERE person_id IS NULL") == []
    # The audit log counts, it does not name.
    [entry] = await assistant.fetch(
        "SELECT subject, detail FROM audit_log WHERE action = 'participants.add'"
    )
    assert entry == {"subject": f"event:{EVENT}", "detail": '{"added": 1}'}
    # Marked absent and present again on the attendance screen, like anyone.
    page = await open_staff_event(elif_, TITLE)
    roll = await elif_.press(page, "☑️ Yoklama")
    roll = await elif_.press(roll, "✅ 1. Hasan Kapı")
    assert "⬜ 1. Hasan Kapı" in roll.buttons
    [row] = await added(assistant)
    assert row["attended"] == 0


async def test_attendance_list_is_previewed_then_added(assistant: Assistant) -> None:
    await assistant.add_event(EVENT)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, TITLE)
    ask = await elif_.press(page, "📥 Katılım listesi yükle")
    assert "XLSX ya da CSV" in (ask.text or "")
    content = xlsx(
        [
            ["Ad Soyad", "Firma", "Telefon", "E-posta", "Katıldı", "Not"],
            ["Zeynep Öztürk", "Kapadokya Metal", 5321112233, "zeynep@akdeniz.example", "evet", ""],
            ["İbrahim Şahin", "Şahin Tornacılık", None, None, "", "telefonla kaydoldu"],
            ["Gül Çetin", None, None, None, "x", None],
        ]
    )
    await elif_.emulator.send_document(elif_.user, "katilim.xlsx", content)
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Eklenecek")
    text = preview.text or ""
    assert "Eklenecek: 3 kişi · katıldı olarak işaretlenecek: 2" in text
    assert "kayıtlı bir firmayla eşleşen: 1" in text
    assert "2. satır: Zeynep Öztürk · Kapadokya Metal · ✅" in text
    assert "Dikkate alınmayan sütunlar: Not" in text
    assert await added(assistant) == []  # nothing until confirmed
    done = await elif_.press(preview, "✅ Listedekileri ekle")
    assert "3 katılımcı eklendi (2 kişi katıldı olarak işaretlendi)" in (done.text or "")
    rows = await added(assistant)
    assert [(r["full_name"], r["attended"], r["source"]) for r in rows] == [
        ("Zeynep Öztürk", 1, "import"),
        ("İbrahim Şahin", None, "import"),
        ("Gül Çetin", 1, "import"),
    ]
    assert rows[0]["phone"] == "5321112233" and rows[0]["company_id"] is not None
    [entry] = await assistant.fetch(
        "SELECT detail FROM audit_log WHERE action = 'participants.import'"
    )
    assert json.loads(str(entry["detail"])) == {"added": 3, "present": 2}

    # In the team's Excel list, marked as added by staff.
    page = await open_staff_event(elif_, TITLE)
    document = await download(elif_, page, "⬇️ Excel indir")
    sheet = openpyxl.load_workbook(io.BytesIO(document.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][8] == "Kaydı yapan"
    assert [row[0] for row in table[1:]] == ["Zeynep Öztürk", "İbrahim Şahin", "Gül Çetin"]
    assert {row[8] for row in table[1:]} == {"Ekip (elle ya da listeden)"}


async def test_a_bad_list_names_rows_and_columns_and_adds_nobody(assistant: Assistant) -> None:
    await assistant.add_event(EVENT)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, TITLE)
    await elif_.press(page, "📥 Katılım listesi yükle")
    # Windows-1254, the way Excel in Turkish saves CSV.
    rows = (
        "Ad Soyad;E-posta\nŞule Ağaç;sule@agac.example\n;kimsesiz@x.example\nOğuz Işık;oguz-at-x\n"
    )
    await elif_.emulator.send_document(elif_.user, "liste.csv", rows.encode("cp1254"))
    refused = await elif_.emulator.wait_for_bot_message(elif_.id, contains="sorun var")
    text = refused.text or ""
    assert "3. satır, “Ad Soyad” sütunu: boş bırakılamaz" in text
    assert "4. satır, “E-posta” sütunu: e-posta adresine benzemiyor (oguz-at-x)" in text
    assert "✅ Listedekileri ekle" not in refused.buttons
    assert await added(assistant) == []
    # No name column at all; a file of another kind.
    await elif_.press(await open_staff_event(elif_, TITLE), "📥 Katılım listesi yükle")
    await elif_.emulator.send_document(elif_.user, "liste.csv", b"Firma;Telefon\nX;1\n")
    refused = await elif_.emulator.wait_for_bot_message(elif_.id, contains="sütunu yok")
    assert "1. satır: “Ad Soyad” sütunu yok" in (refused.text or "")
    await elif_.press(await open_staff_event(elif_, TITLE), "📥 Katılım listesi yükle")
    await elif_.emulator.send_document(elif_.user, "liste.pdf", b"%PDF-1.4")
    wrong = await elif_.emulator.wait_for_bot_message(elif_.id, contains="XLSX ya da CSV dosyası")
    assert "“liste.pdf” okunabilecek bir liste değil" in (wrong.text or "")
    assert await added(assistant) == []


async def test_they_count_in_the_impact_report_and_follow_retention(assistant: Assistant) -> None:
    await assistant.add_event(EVENT, starts_in=timedelta(days=1))
    elif_ = staff_member(assistant)
    await add_by_hand(elif_, "Hasan Kapı", None, "Evet")
    impact = ImpactRepository(assistant.services.database)
    now = datetime.now(UTC)
    [attendance] = await impact.attendance(now, now + timedelta(days=3))
    assert attendance.full_name == "Hasan Kapı" and attendance.person_id is None
    [turnout] = [
        t for t in await impact.events(now, now + timedelta(days=3)) if t.event_id == EVENT
    ]
    assert turnout.confirmed == 1 and turnout.attended == 1
    # Past the retention period their details go; the attendance stays for the counts.
    await run_retention(assistant.services, now + timedelta(days=800))
    [row] = await added(assistant)
    assert row["full_name"] is None and row["phone"] is None and row["attended"] == 1
    [turnout] = [
        t for t in await impact.events(now, now + timedelta(days=3)) if t.event_id == EVENT
    ]
    assert turnout.attended == 1


async def test_only_staff_who_manage_add_participants(assistant: Assistant) -> None:
    from storage.roles import Role
    from tests.test_roles import refused, team_member

    await assistant.add_event(EVENT)
    viewer = await team_member(assistant, Role.VIEWER, "Veli")
    page = await open_staff_event(viewer, TITLE)
    assert "➕ Katılımcı ekle" not in page.buttons
    assert await refused(viewer, f"sp:a:{EVENT}")
    assert await refused(viewer, f"sp:i:{EVENT}")
    assert await assistant.fetch("SELECT * FROM forms") == []


async def test_a_walk_in_who_asks_is_erased_and_still_counted(assistant: Assistant) -> None:
    await assistant.add_event(EVENT)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, TITLE)
    assert not any("Eklenen katılımcılar" in button for button in page.buttons)
    await add_by_hand(elif_, "Hasan Kapı", None, "Evet")
    page = await open_staff_event(elif_, TITLE)
    listed = await elif_.press(page, "✍️ Eklenen katılımcılar (silme talebi)")
    assert "KVKK m. 11" in (listed.text or "")
    confirm = await elif_.press(listed, "🗑 Hasan Kapı")
    assert "Hasan Kapı" in (confirm.text or "") and "geri alınamaz" in (confirm.text or "")
    erase = confirm.button_data("🗑 Evet, verilerini sil")
    assert erase is not None
    done = await elif_.press(confirm, "🗑 Evet, verilerini sil")
    assert "verileri silindi" in (done.text or "")
    [row] = await added(assistant)
    assert row["full_name"] is None and row["phone"] is None
    assert row["attended"] == 1 and row["status"] == "confirmed"
    # A second press on the old confirmation (a double tap, a colleague) changes nothing.
    await elif_.emulator.press_callback(elif_.user, done, erase)
    gone = await elif_.emulator.wait_for_bot_message(elif_.id, contains="artık geçerli değil")
    assert gone.text
    [entry] = await assistant.fetch(
        "SELECT subject, detail FROM audit_log WHERE action = 'participants.erase'"
    )
    assert entry == {"subject": f"event:{EVENT}", "detail": '{"erased": 1}'}
    log = await elif_.press(await elif_.says("/staff"), "Veri dışa aktarma ve silme kaydı")
    assert "eklenen bir katılımcının verilerini sildi" in (log.text or "")
    assert "Hasan" not in (log.text or "")
