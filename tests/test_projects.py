"""Funded projects: in the content file, and the impact report cut by a project, its targets
against what was done, with the events and service requests that count as evidence."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from bot.devtools.history import add_history
from bot.domain.projects import INDICATORS
from storage.content import (
    PROJECT_INDICATORS,
    ContentError,
    bundled_content_path,
    load_catalogue,
    parse_catalogue,
)
from storage.seeding import SeedRegistration, SeedTicket, add_registrations, add_tickets
from tests.conftest import Assistant, Cli, Person
from tests.readable_sheets import id_like_cells
from tests.test_impact import ISTANBUL, held_period
from tests.test_staff_events import open_staff_event, staff_member

YADIP = "KOBİ'lerde Yalın ve Dijital Dönüşüm Projesi (YADİP)"


@pytest.fixture
def document() -> dict[str, Any]:
    loaded = yaml.safe_load(bundled_content_path().read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_demo_has_two_funded_projects_with_their_activities() -> None:
    catalogue = load_catalogue(bundled_content_path())
    ministry, agency = catalogue.projects
    assert ministry.funder.en.startswith("Ministry of Industry and Technology")
    assert agency.funder.tr.startswith("Ankara Kalkınma Ajansı")
    assert agency.target("smes_trained") == 150
    # Events name their project, and a project may list an event of another one too.
    assert "study-visit-italy-2027-04" in catalogue.project_events(ministry)
    assert "grants-infoday-2027-01" in catalogue.project_events(ministry)
    assert "lean-2027-01" in catalogue.project_events(agency)
    assert "lean-2027-01" not in catalogue.project_events(ministry)


def test_every_indicator_a_project_can_target_is_counted() -> None:
    assert tuple(INDICATORS) == PROJECT_INDICATORS


def _project(document: dict[str, Any]) -> dict[str, Any]:
    project = document["projects"][1]
    assert isinstance(project, dict)
    return project


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (
            lambda d: _project(d)["targets"].update(smes_helped=3),
            "project:ankara-yadip-2026: targets.smes_helped: unknown indicator",
        ),
        (
            lambda d: _project(d)["targets"].update(trainings=0),
            "project:ankara-yadip-2026: targets.trainings: must be a number above 0",
        ),
        (
            lambda d: _project(d)["targets"].update(average_rating=7),
            "targets.average_rating: is a rating out of 5",
        ),
        (
            lambda d: _project(d)["period"].update(end="2026-01-01"),
            "project:ankara-yadip-2026: period.end: must not be before period.start",
        ),
        (
            lambda d: _project(d)["period"].update(start="1 March 2026"),
            "period.start: must be a date like 2027-01-31",
        ),
        (lambda d: _project(d).pop("funder"), "project:ankara-yadip-2026: funder: is missing"),
        (
            lambda d: _project(d).update(events=["no-such-event"]),
            "project:ankara-yadip-2026: events: unknown id 'no-such-event'",
        ),
        (
            lambda d: _project(d).update(services=["catering"]),
            "services: unknown id 'catering'",
        ),
        (lambda d: _project(d).update(logo="logo.gif"), "logo: must be a .png or .jpg image"),
        (
            lambda d: d["events"][0].update(project="no-such-project"),
            "event:lean-2027-01: project: unknown project 'no-such-project'",
        ),
    ],
)
def test_project_errors_name_the_entry_and_the_field(
    document: dict[str, Any], breakage: Any, expected: str
) -> None:
    breakage(document)
    with pytest.raises(ContentError) as error:
        parse_catalogue(document, "cluster.yaml")
    assert expected in str(error.value)


async def project_year(assistant: Assistant) -> None:
    """The held period of test_impact (all its events are the agency project's), one event
    outside any project, a delivered training request, and two people who said their gender."""
    await held_period(assistant)
    await assistant.add_event("unlinked", starts_in=timedelta(days=-4), project=None)
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    await add_registrations(
        assistant.services.database,
        [SeedRegistration("unlinked", 910_004, None, None, "confirmed", seen, 1, seen, 5)],
    )
    asked = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="seconds")
    await add_tickets(
        assistant.services.database,
        [SeedTicket(910_002, "service_request", "training_programmes", "closed", asked, asked)],
    )
    for person, gender in ((910_001, "man"), (910_002, "woman"), (910_003, "unsaid")):
        await assistant.services.database.execute(
            "UPDATE people SET gender = ? WHERE id = ?", (gender, person)
        )


async def project_report(elif_: Person) -> tuple[str, Any]:
    stats = await elif_.says("/stats")
    listing = await elif_.press(stats, "📁 Proje dönemi")
    assert "Kalkınma Ajansı" in (listing.text or "")
    photo = await elif_.press(listing, YADIP[:39] + "…")
    assert photo.photo is not None
    text = await elif_.next_message(photo)
    return text.text or "", text


async def test_staff_see_a_projects_targets_against_what_was_done(assistant: Assistant) -> None:
    await project_year(assistant)
    text, message = await project_report(staff_member(assistant))
    assert YADIP in text
    assert "Ankara Kalkınma Ajansı" in text
    assert "1 Mart 2026 – 31 Ağustos 2027" in text
    # 6 participations at the project's three events; the unlinked one is left out.
    assert "• Katılımcı: 6 / 400 (%2)" in text
    old = (datetime.now(UTC) - timedelta(days=60)).astimezone(ISTANBUL)
    assert f"Kanıt: 3 etkinlik — Test etkinliği old-training ({old:%d.%m.%Y})" in text
    assert "• Eğitim alan KOBİ: 2 / 150 (%1)" in text
    assert "• Eğitim saati: 30 / 2.400 (%1)" in text
    assert "• Eğitim, webinar ve atölye: 2 / 12 (%17)" in text
    assert "• Kadın katılımcı: 1 / 80 (%1)" in text
    assert "• Karşılanan hizmet talebi: 1 / 10 (%10)" in text
    assert "Kanıt: 1 hizmet talebi" in text
    assert "Kadın katılımı: 1 / 3" in text
    assert "unlinked" not in text
    assert "projelere bağlı olmadığından proje raporunda yer almaz" in text
    assert message.buttons == ["⬇️ Excel raporu", "‹ İstatistikler"]


async def test_a_projects_workbook_has_its_targets_and_evidence(assistant: Assistant) -> None:
    await project_year(assistant)
    elif_ = staff_member(assistant)
    _, message = await project_report(elif_)
    await elif_.emulator.press_button(elif_.user, message, "⬇️ Excel raporu")
    sent = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert sent.document is not None
    assert sent.document.filename == f"Etki raporu - {YADIP}.xlsx"
    await elif_.emulator.wait_idle()
    workbook = openpyxl.load_workbook(io.BytesIO(sent.document.content))
    assert id_like_cells(workbook) == []
    assert workbook.sheetnames[:2] == ["Özet", "Hedefler"]
    summary = workbook["Özet"]
    assert summary["B3"].value == YADIP
    assert len(summary._images) == 1  # the project's logo from the content file
    targets = workbook["Hedefler"]
    assert targets._charts  # target against actual as a native chart
    rows = {row[0]: row[1:4] for row in targets.iter_rows(min_row=2, max_row=7, values_only=True)}
    assert rows["Katılımcı"][:2] == (400, 6)
    assert rows["Eğitim saati"][:2] == (2400, 30)
    evidence = [row for row in targets.iter_rows(min_row=21, values_only=True) if row[0]]
    assert ("Katılımcı", "Test etkinliği period-training", 4) in {
        (row[0], row[2], row[3]) for row in evidence
    }
    assert any(str(row[2]).startswith("Hizmet talebi #") for row in evidence)
    assert not any("unlinked" in str(row[2]) for row in evidence)
    audit = await assistant.fetch("SELECT subject FROM audit_log WHERE action = 'report.export'")
    assert audit == [{"subject": "project:ankara-yadip-2026"}]


async def test_a_project_removed_from_the_content_gets_a_clear_answer(
    assistant: Assistant,
) -> None:
    elif_ = staff_member(assistant)
    stats = await elif_.says("/stats")
    listing = await elif_.press(stats, "📁 Proje dönemi")
    query = await elif_.emulator.press_callback(elif_.user, listing, "sm:rj:ended-project")
    answer = await elif_.emulator.wait_for_callback_answer(query)
    assert answer.show_alert and "artık içerikte yok" in (answer.text or "")
    query = await elif_.emulator.press_callback(elif_.user, listing, "sm:rw:ended-project")
    answer = await elif_.emulator.wait_for_callback_answer(query)
    assert answer.show_alert
    assert not [m for m in elif_.emulator.bot_messages(elif_.id) if m.document is not None]


async def test_people_can_not_see_a_projects_report(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    unknown = await ayse.says("/nosuchcommand")
    for data in ("sm:rj:ankara-yadip-2026", "sm:rw:ankara-yadip-2026", "sm:rp:project"):
        query = await ayse.emulator.press_callback(ayse.user, unknown, data)
        answer = await ayse.emulator.wait_for_callback_answer(query)
        assert answer.show_alert
    assert not [m for m in ayse.emulator.bot_messages(ayse.id) if m.document is not None]
    assert not any("YADİP" in text for text in ayse.texts())


def test_a_projects_report_on_the_command_line(cli: Cli, tmp_path: Path) -> None:
    done = cli("report", "--project", "kumevizyon-2026", "--out", "p.xlsx", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Cluster Development Programme" in done.stdout
    assert "• Study visits: 0 / 4 (0%)" in done.stdout
    workbook = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert workbook.sheetnames[:2] == ["Summary", "Targets"]
    assert workbook["Summary"]._images == []  # the Ministry project has no logo
    narrowed = cli(
        "report", "--project", "kumevizyon-2026", "--from", "2026-06-01", "--out", "q.xlsx"
    )
    assert narrowed.returncode == 0, narrowed.stderr
    assert "1 Haziran 2026 – 31 Aralık 2027" in narrowed.stdout
    unknown = cli("report", "--project", "nope", "--out", "r.xlsx")
    assert unknown.returncode == 2
    assert "unknown project 'nope'" in unknown.stderr and "kumevizyon-2026" in unknown.stderr
    neither = cli("report", "--out", "r.xlsx")
    assert neither.returncode == 2 and "--project" in neither.stderr


async def test_the_demo_history_gives_each_project_something_to_show(
    assistant: Assistant,
) -> None:
    await add_history(assistant.services, datetime.now(UTC))
    text, _ = await project_report(staff_member(assistant))
    participants = text.split("• Katılımcı: ")[1].split(" / ")[0]
    assert int(participants.replace(".", "")) > 100
    assert "Kadın katılımı: " in text
    assert "• Kadın katılımcı: 0 /" not in text


def test_a_logo_is_found_next_to_the_content_file_or_left_out(cli: Cli, tmp_path: Path) -> None:
    content = tmp_path / "cluster.yaml"
    content.write_text(bundled_content_path().read_text(encoding="utf-8"), encoding="utf-8")
    env = {"CONTENT_FILE": str(content)}
    done = cli("report", "--project", "ankara-yadip-2026", "--out", "a.xlsx", env=env)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(tmp_path / "a.xlsx")["Özet"]._images == []
    logos = tmp_path / "demo-logos"
    logos.mkdir()
    bundled = bundled_content_path().parent / "demo-logos" / "ankara-yadip.png"
    (logos / "ankara-yadip.png").write_bytes(bundled.read_bytes())
    again = cli("report", "--project", "ankara-yadip-2026", "--out", "b.xlsx", env=env)
    assert again.returncode == 0, again.stderr
    assert len(openpyxl.load_workbook(tmp_path / "b.xlsx")["Özet"]._images) == 1


async def test_staff_move_an_event_to_another_project_from_its_page(
    assistant: Assistant,
) -> None:
    await assistant.add_event("linked-here")  # the agency project's, like the lean training
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği linked-here")
    assert f"📁 Proje: {YADIP}" in (page.text or "")
    step = await elif_.press(page, "📁 Proje")
    assert f"Şu anki: {YADIP}" in (step.text or "")
    assert step.buttons[-1] == "Hiçbir projeye bağlı değil"
    ministry = "Küme Gelişim Programı: Makine ve Tekstilde Uluslararası Rekabetçilik"
    preview = await elif_.press(step, ministry[:60])
    assert "Değişen: proje" in (preview.text or "")
    saved = await elif_.press(preview, "✅ Değişikliği kaydet")
    assert f"📁 Proje: {ministry}" in (saved.text or "")
    catalogue = assistant.services.catalogue
    event = catalogue.event("linked-here")
    assert event is not None and event.project_id == "kumevizyon-2026"
    kumevizyon, yadip = catalogue.projects
    assert "linked-here" in catalogue.project_events(kumevizyon)
    assert "linked-here" not in catalogue.project_events(yadip)
    # And out of any project.
    page = await open_staff_event(elif_, "Test etkinliği linked-here")
    step = await elif_.press(page, "📁 Proje")
    preview = await elif_.press(step, "Hiçbir projeye bağlı değil")
    saved = await elif_.press(preview, "✅ Değişikliği kaydet")
    assert "📁 Proje:" not in (saved.text or "")
    event = assistant.services.catalogue.event("linked-here")
    assert event is not None and event.project_id is None


async def test_an_event_already_held_can_still_be_counted_for_a_project(
    assistant: Assistant,
) -> None:
    await assistant.add_event("held-before", starts_in=timedelta(days=-20), project=None)
    elif_ = staff_member(assistant)
    menu = await elif_.says("/staff")
    listing = await elif_.press(menu, "📅 Etkinlikler")
    past = await elif_.press(listing, "🗂 Geçmiş etkinlikler")
    page = await elif_.press(past, "1")
    assert "✏️ Başlık" not in page.buttons  # held: the event itself stays as it was
    step = await elif_.press(page, "📁 Proje")
    preview = await elif_.press(step, YADIP[:60])
    saved = await elif_.press(preview, "✅ Değişikliği kaydet")
    assert f"📁 Proje: {YADIP}" in (saved.text or "")
    yadip = assistant.services.catalogue.project("ankara-yadip-2026")
    assert yadip is not None
    assert "held-before" in assistant.services.catalogue.project_events(yadip)


async def test_b2b_meetings_count_the_meetings_that_took_place_not_the_days(
    assistant: Assistant,
) -> None:
    await assistant.add_event(
        "b2b-held",
        starts_in=timedelta(days=-3),
        hours=6,
        kind="b2b",
        matchmaking=False,
        project="kumevizyon-2026",
    )
    made = (datetime.now(UTC) - timedelta(days=10)).isoformat(timespec="seconds")
    database = assistant.services.database
    for slot, status in ((1, "scheduled"), (2, "scheduled"), (3, "scheduled"), (None, "cancelled")):
        await database.execute(
            "INSERT INTO meetings (event_id, slot, table_no, status, created_at) "
            "VALUES ('b2b-held', ?, ?, ?, ?)",
            (slot, 1 if slot else None, status, made),
        )
    elif_ = staff_member(assistant)
    stats = await elif_.says("/stats")
    listing = await elif_.press(stats, "📁 Proje dönemi")
    await elif_.emulator.press_button(
        elif_.user, listing, "Küme Gelişim Programı: Makine ve Teksti…"
    )
    report = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Hedef ve gerçekleşen")
    text = report.text or ""
    # Three meetings took place at one B2B day; the cancelled one does not count.
    assert "• Yapılan B2B görüşmesi: 3 / 150 (%2)" in text, text
    assert "Test etkinliği b2b-held" in text
