"""The company registry: KOBİ size classes, search, and import/export round trips with bad input."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from bot.domain.companies import CompanyIndex, ImportPlan, name_key, size_of, suspected_duplicates
from bot.domain.company_files import (
    ROW_LIMIT,
    CompanyFile,
    catalogue_sectors,
    company_sheet,
    import_companies,
    read_company_file,
    write_company_file,
)
from bot.screens.texts import Texts
from storage.companies import Company, CompanyRepository, bundled_companies_path
from storage.content import bundled_content_path, load_catalogue
from storage.database import Database
from storage.seeding import SeedPerson, SeedRegistration, add_people, add_registrations
from tests.conftest import Assistant, Cli
from tests.readable_sheets import id_like_cells
from tests.test_staff_events import staff_member

SECTORS = catalogue_sectors(load_catalogue(bundled_content_path()))


@pytest.fixture
async def registry(tmp_path: Path) -> AsyncIterator[CompanyRepository]:
    database = Database(tmp_path / "companies.sqlite3")
    await database.open()
    yield CompanyRepository(database)
    await database.close()


def company(name: str, **fields: object) -> Company:
    return Company(id=None, name=name, name_key=name_key(name), **fields)  # type: ignore[arg-type]


async def imported(
    registry: CompanyRepository, content: bytes | str, filename: str, *, dry_run: bool = False
) -> tuple[CompanyFile, ImportPlan]:
    data = content.encode("utf-8") if isinstance(content, str) else content
    company_file = read_company_file(data, filename, SECTORS)
    return company_file, await import_companies(registry, company_file, dry_run=dry_run)


def xlsx(rows: list[list[object]], merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("employees", "turnover", "expected"),
    [
        (4, "micro", ("micro", "both")),
        (9, "small", ("small", "both")),  # few people, but the turnover of a small company
        (45, "micro", ("small", "both")),
        (249, None, ("medium", "employees")),
        (250, None, ("large", "employees")),
        (None, "medium", ("medium", "turnover")),
        (None, None, (None, None)),
    ],
)
def test_kobi_size_class_is_the_larger_of_headcount_and_turnover(
    employees: int | None, turnover: str | None, expected: tuple[str | None, str | None]
) -> None:
    size = size_of(company("Örnek A.Ş.", employees=employees, turnover_band=turnover))
    assert (size.size_class, size.basis) == expected


def test_search_tolerates_typos_and_missing_turkish_letters() -> None:
    names = [
        "Akın Makina San. ve Tic. A.Ş.",
        "Akın Tekstil Ltd. Şti.",
        "Gökçe Boya Apre A.Ş.",
        "Hitit Dokuma San. ve Tic. A.Ş.",
        "Özdemir Hidrolik A.Ş.",
    ]
    companies = [
        Company(id=n, name=name, name_key=name_key(name), short_name="GBA" if n == 3 else None)
        for n, name in enumerate(names, start=1)
    ]
    index = CompanyIndex(companies)
    assert index.search("gokce boya")[0].company.id == 3
    assert index.search("ozdmir hidrolik")[0].company.id == 5
    assert index.search("hitit dokma")[0].company.id == 4
    assert index.search("GBA")[0].company.id == 3
    assert {found.company.id for found in index.search("akin")} >= {1, 2}
    assert index.search("a") == []
    assert len(CompanyIndex(companies * 3).search("a.ş.", limit=5)) <= 5


async def test_the_demo_registry_loads_without_problems(registry: CompanyRepository) -> None:
    path = bundled_companies_path()
    company_file, _ = await imported(registry, path.read_bytes(), path.name)
    assert company_file.problems == [] and company_file.ignored_columns == []
    companies = await registry.all()
    assert len(companies) == len(company_file.rows) >= 150
    assert {c.membership for c in companies} == {"member", "non_member", "former"}
    duplicates = suspected_duplicates(companies)
    [hitit] = [c for c in companies if c.name == "HİTİT DOKUMA A.Ş."]
    assert hitit.id in duplicates  # entered twice on purpose, to show the cleanup


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("filename", ["registry.xlsx", "registry.csv", "registry.yaml"])
async def test_an_exported_registry_imports_back_unchanged(
    registry: CompanyRepository, filename: str, language: str
) -> None:
    path = bundled_companies_path()
    await imported(registry, path.read_bytes(), path.name)
    companies = await registry.all()
    texts = Texts(ZoneInfo("Europe/Istanbul"))
    names = {"machinery": "İş ve inşaat makineleri", "textile": "Tekstil ve hazır giyim"}
    sheet = company_sheet(
        companies,
        lambda label: texts.label(language, label),
        lambda sector: names.get(sector or "", sector or ""),
        suspected_duplicates(companies),
    )
    content = write_company_file(filename, sheet, companies, ";" if language == "tr" else ",")
    company_file, plan = await imported(registry, content, filename, dry_run=True)
    assert company_file.problems == []
    assert company_file.ignored_columns == []
    assert (plan.added, plan.changed, plan.unchanged) == ([], [], len(companies))


async def test_import_upserts_by_tax_number_else_by_name(registry: CompanyRepository) -> None:
    await imported(
        registry,
        "Firma adı,Vergi no,Çalışan sayısı,Üyelik\n"
        "Akın Makina A.Ş.,9000000001,12,üye\n"
        "Gökçe Boya Ltd.,,5,hayır\n",
        "a.csv",
    )
    _, plan = await imported(
        registry,
        "Firma adı,Vergi no,Çalışan sayısı\n"
        "Akın Makina Sanayi ve Ticaret A.Ş.,9000000001,14\n"  # renamed: found by tax number
        "GÖKÇE BOYA LTD,,6\n",  # found by its folded name
        "b.csv",
    )
    assert plan.problems == []
    companies = {c.tax_number: c for c in await registry.all()}
    assert len(companies) == 2
    akin = companies["9000000001"]
    assert (akin.name, akin.employees, akin.membership) == (
        "Akın Makina Sanayi ve Ticaret A.Ş.",
        14,
        "member",  # a column the file doesn't have keeps its value
    )
    assert companies[None].name == "GÖKÇE BOYA LTD" and companies[None].employees == 6


async def test_a_windows_1254_csv_keeps_its_turkish_letters(registry: CompanyRepository) -> None:
    text = "Firma adı;İl;Sektör;Ciro sınıfı\nÇağlar Örme Şirketi;Eskişehir;Tekstil;küçük\n"
    company_file, _ = await imported(registry, text.encode("cp1254"), "liste.csv")
    assert company_file.problems == []
    [stored] = await registry.all()
    assert (stored.name, stored.city, stored.sector_id, stored.turnover_band) == (
        "Çağlar Örme Şirketi",
        "Eskişehir",
        "textile",
        "small",
    )


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"", "empty.csv", [("empty", None, None)]),
        (b"\n;;\n", "blank.csv", [("empty", None, None)]),
        (b"Vergi no,Il\n9000000001,Ankara\n", "x.csv", [("no_name_column", 1, None)]),
        (b"Firma\xff\x81,Il\n", "bad.csv", [("encoding", None, None)]),
        (b"name: [unclosed", "bad.yaml", [("unreadable", None, None)]),
        (b"%PDF-1.4", "list.pdf", [("format", None, None)]),
        (b"not a workbook", "list.xlsx", [("unreadable", None, None)]),
        (
            "Firma adı,Vergi no\nA Makina,9000000001\nB Makina,9000000001\n".encode(),
            "dup.csv",
            [("repeats_row:2", 3, "Vergi no")],
        ),
        (
            "Firma adı,Çalışan sayısı,Üyelik,Üyelik tarihi\nA Makina,çok,belki,dün\n".encode(),
            "values.csv",
            [
                ("number", 2, "Çalışan sayısı"),
                ("membership", 2, "Üyelik"),
                ("date", 2, "Üyelik tarihi"),
            ],
        ),
        (
            "Firma adı,Firma\nA Makina,A\n".encode(),
            "twice.csv",
            [("column_twice", 1, "Firma")],
        ),
    ],
)
async def test_bad_files_name_rows_and_columns_and_change_nothing(
    registry: CompanyRepository,
    content: bytes,
    filename: str,
    expected: list[tuple[str, int | None, str | None]],
) -> None:
    _, plan = await imported(registry, content, filename)
    found = [(p.reason, p.row, p.column) for p in plan.problems]
    assert found == expected
    assert await registry.count() == 0


async def test_merged_cells_and_formulas_are_named(registry: CompanyRepository) -> None:
    content = xlsx(
        [["Firma adı", "Çalışan sayısı"], ["A Makina", "=2*5"], ["B Makina", 3]], merge="A3:B3"
    )
    _, plan = await imported(registry, content, "liste.xlsx")
    found = [(p.reason, p.row, p.value) for p in plan.problems]
    assert found == [("merged", 3, "A3:B3"), ("formula", 2, "B2")]
    assert await registry.count() == 0


async def test_ten_thousand_rows_preview_and_import(registry: CompanyRepository) -> None:
    lines = ["Firma adı;Vergi no;İl"]
    lines += [f"Firma {n} Makina;{9_100_000_000 + n};Ankara" for n in range(10_000)]
    company_file = read_company_file("\n".join(lines).encode(), "big.csv", SECTORS)
    preview = await import_companies(registry, company_file, dry_run=True)
    assert len(preview.added) == 10_000 and await registry.count() == 0
    await import_companies(registry, company_file, dry_run=False)
    assert await registry.count() == 10_000
    assert ROW_LIMIT >= 10_000


async def test_a_referenced_company_is_never_deleted(registry: CompanyRepository) -> None:
    await imported(registry, "Firma adı\nA Makina\nB Makina\n", "a.csv")
    first, second = await registry.all()
    database = registry._db
    await database.execute(
        "INSERT INTO people (id, first_seen_at, last_seen_at, company_id) VALUES (1, 'x', 'x', ?)",
        (first.id,),
    )
    assert not await registry.delete_unreferenced(first.id or 0)
    assert await registry.delete_unreferenced(second.id or 0)
    # An import of a file without the company changes nothing about it either.
    await imported(registry, "Firma adı\nC Makina\n", "c.csv")
    assert [c.name for c in await registry.all()] == ["A Makina", "C Makina"]


def test_companies_import_and_export_on_the_command_line(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "new.csv").write_text(
        "Firma adı,Vergi no,Sektör,Üyelik\nYeni Örme A.Ş.,9555555555,Tekstil,üye\n",
        encoding="utf-8",
    )
    preview = cli("companies", "import", "new.csv", "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "İçe aktarılırsa: 1 yeni, 0 değişen, 0 aynı." in preview.stdout
    assert "+ Yeni Örme A.Ş." in preview.stdout
    done = cli("companies", "import", "new.csv")
    assert "Firma listesi güncellendi: 1 yeni" in done.stdout
    exported = cli("companies", "export", "all.xlsx")
    assert exported.returncode == 0, exported.stderr
    assert id_like_cells(load_workbook(tmp_path / "all.xlsx")) == []
    sheet = load_workbook(tmp_path / "all.xlsx").active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["No", "Firma adı", "Kısa ad", "Vergi no"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Yeni Örme A.Ş." in names and len(names) == 183
    checks = [row[12] for row in sheet.iter_rows(min_row=2, values_only=True) if row[12]]
    assert any("Aynı firma olabilir" in str(check) for check in checks)
    (tmp_path / "bad.csv").write_text("Firma adı,Vergi no\nX Makina,123\n", encoding="utf-8")
    refused = cli("companies", "import", "bad.csv")
    assert refused.returncode == 2
    assert "2. satır, “Vergi no” sütunu" in refused.stdout
    assert cli("companies", "export", "all.pdf").returncode == 2
    exported_yaml = cli("companies", "export", "all.yaml")
    assert exported_yaml.returncode == 0
    document = yaml.safe_load((tmp_path / "all.yaml").read_text(encoding="utf-8"))
    assert len(document["companies"]) == 183


async def test_the_per_company_seat_limit_counts_by_registry_company(assistant: Assistant) -> None:
    services = assistant.services
    await assistant.add_event("one-each", max_per_company=1, capacity=10)
    event = services.catalogue.event("one-each")
    assert event is not None
    [anka] = [c for c in await services.companies.all() if c.tax_number][:1]
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    # Two spellings of one company: by name they differ, in the registry they are one.
    await add_people(
        services.database,
        [
            SeedPerson(920_001, "Ali Kaya", "ANKA MAKİNA", anka.id, None, "tr", seen),
            SeedPerson(920_002, "Ayşe Su", "Anka Makina Sanayi", anka.id, None, "tr", seen),
            SeedPerson(920_003, "Can Er", "Başka Firma", None, None, "tr", seen),
        ],
    )
    first = await services.registrations.sign_up(event, 920_001, "ankamakina", None)
    second = await services.registrations.sign_up(event, 920_002, "ankamakinasanayi", None)
    other = await services.registrations.sign_up(event, 920_003, "baskafirma", None)
    assert first.registration.status == "confirmed"
    assert second.registration.status == "waitlisted" and second.company_limited
    assert other.registration.status == "confirmed"
    rows = await assistant.fetch(
        "SELECT person_id, company_id FROM registrations WHERE event_id = 'one-each' "
        "ORDER BY person_id"
    )
    assert [row["company_id"] for row in rows] == [anka.id, anka.id, None]


def test_typed_company_names_are_linked_where_the_match_is_sure(cli: Cli, tmp_path: Path) -> None:
    assert cli("companies", "export", "before.yaml").returncode == 0  # the registry is there
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO people (id, first_seen_at, last_seen_at, company) VALUES (?, 'x', 'x', ?)",
            [
                (1, "Akdeniz Kalıp Ltd. Şti."),  # the registry's own spelling: sure
                (2, "hitit dokuma san ve tic as"),  # same name once folded: sure
                (3, "Hitit Dokuma"),  # two companies are called that: staff decide
                (4, "Hiç Bilinmeyen Firma"),
            ],
        )
    preview = cli("companies", "match", "--dry-run")
    assert "4 kişiden 2 kişi kayıtlı firmasına bağlanabilir" in preview.stdout
    assert "? Hitit Dokuma: " in preview.stdout
    assert "? Hiç Bilinmeyen Firma" in preview.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(company_id) FROM people").fetchone() == (0,)
    done = cli("companies", "match")
    assert "2 kişi kayıtlı firmasına bağlandı" in done.stdout
    with sqlite3.connect(database) as connection:
        linked = dict(connection.execute("SELECT id, company_id FROM people WHERE id < 5"))
        names = dict(connection.execute("SELECT id, name FROM companies"))
    assert names[linked[1]] == "Akdeniz Kalıp Ltd. Şti."
    assert names[linked[2]] == "Hitit Dokuma San. ve Tic. A.Ş."
    assert linked[3] is None and linked[4] is None


def test_merging_moves_people_and_registrations_and_refuses_itself(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli("companies", "export", "before.yaml").returncode == 0
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as connection:
        ids = dict(connection.execute("SELECT name, id FROM companies"))
        duplicate, original = ids["HİTİT DOKUMA A.Ş."], ids["Hitit Dokuma San. ve Tic. A.Ş."]
        connection.execute(
            "INSERT INTO people (id, first_seen_at, last_seen_at, company_id) "
            "VALUES (1, 'x', 'x', ?)",
            (duplicate,),
        )
        event = connection.execute("SELECT id FROM events LIMIT 1").fetchone()[0]
        connection.execute(
            "INSERT INTO registrations (event_id, person_id, status, company_id, created_at, "
            "queued_at) VALUES (?, 1, 'confirmed', ?, 'x', 'x')",
            (event, duplicate),
        )
    itself = cli("companies", "merge", str(original), str(original))
    assert itself.returncode == 2 and "kendisiyle birleştirilemez" in itself.stderr
    unknown = cli("companies", "merge", "99999", str(original))
    assert unknown.returncode == 2 and "Hiçbir şey değişmedi" in unknown.stderr
    merged = cli("companies", "merge", str(duplicate), str(original))
    assert merged.returncode == 0, merged.stderr
    assert "1 kişi ve 1 kayıt taşındı" in merged.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT company_id FROM people WHERE id = 1").fetchone() == (
            original,
        )
        assert connection.execute("SELECT company_id FROM registrations").fetchone() == (original,)
        gone = connection.execute("SELECT 1 FROM companies WHERE id = ?", (duplicate,)).fetchone()
        assert gone is None


async def test_staff_find_a_company_and_open_its_page(assistant: Assistant) -> None:
    services = assistant.services
    ids = {c.name: c.id for c in await services.companies.all()}
    hitit = ids["Hitit Dokuma San. ve Tic. A.Ş."]
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    await add_people(
        services.database,
        [
            SeedPerson(930_001, "Ali Kaya", "Hitit Dokuma", hitit, "textile", "tr", seen),
            SeedPerson(930_002, "Zehra Ak", "Hitit", hitit, "textile", "tr", seen),
        ],
    )
    await assistant.add_event("held-here", starts_in=timedelta(days=-3))
    await add_registrations(
        services.database,
        [
            SeedRegistration("held-here", 930_001, hitit, None, "confirmed", seen, 1, seen, 5),
            SeedRegistration("held-here", 930_002, hitit, None, "confirmed", seen, 0, None, None),
        ],
    )
    elif_ = staff_member(assistant)
    found = await elif_.says("/company hitit dokma")
    assert "için bulunan firmalar" in (found.text or "")
    assert set(found.buttons[:2]) == {"Hitit Dokuma San. ve Tic. A.Ş.", "HİTİT DOKUMA A.Ş."}
    page = await elif_.press(found, "Hitit Dokuma San. ve Tic. A.Ş.")
    text = page.text or ""
    assert f"No {hitit} · Vergi no 9882164643" in text
    assert "Üye (2025-04-04 tarihinden beri) · Tekstil ve hazır giyim · Ankara" in text
    assert "KOBİ sınıfı: orta · 233 çalışan" in text
    assert "Kişiler (2)" in text and "• Ali Kaya" in text and "• Zehra Ak" in text
    assert "2 kayıt · 1 katılım · memnuniyet 5/5 (1 yanıt)" in text
    assert "Test etkinliği held-here (2 kayıt, 1 katıldı)" in text
    nothing = await elif_.says("/company zzqx")
    assert "eşleşen kayıtlı firma bulunamadı" in (nothing.text or "")
    # A company merged away since its button was sent.
    await elif_.emulator.press_callback(elif_.user, found, "co:s:999999")
    await elif_.emulator.wait_for_bot_message(elif_.id, contains="artık kayıtlı değil")


async def test_people_can_not_open_companies(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    unknown = await ayse.says("/nosuchcommand")
    assert (await ayse.says("/company hitit")).text == unknown.text
    query = await ayse.emulator.press_callback(ayse.user, unknown, "co:s:1")
    answer = await ayse.emulator.wait_for_callback_answer(query)
    assert answer.show_alert


async def test_an_invite_link_makes_its_opener_one_of_the_companys_people(
    assistant: Assistant,
) -> None:
    services = assistant.services
    ids = {c.name: c.id for c in await services.companies.all()}
    akdeniz = ids["Akdeniz Kalıp Ltd. Şti."]
    assert akdeniz is not None
    elif_ = staff_member(assistant)
    found = await elif_.says("/company akdeniz kalip")
    page = await elif_.press(found, "Akdeniz Kalıp Ltd. Şti.")
    invite = await elif_.press(page, "🔗 Davet bağlantısı")
    link = re.search(r"https://t\.me/\w+\?start=(co\d+-[a-z2-7]+)", invite.text or "")
    assert link is not None, invite.text
    ayse = assistant.person("Ayşe")
    joined = await ayse.says(f"/start {link.group(1)}")
    assert "Artık Akdeniz Kalıp Ltd. Şti. çalışanı olarak kayıtlısınız" in (joined.text or "")
    [row] = await assistant.fetch(
        "SELECT company_id, company_verified FROM people WHERE id = ?", ayse.id
    )
    assert row == {"company_id": akdeniz, "company_verified": 1}
    # A code for another company with this one's signature, or made up, names no company.
    forged = link.group(1).replace(f"co{akdeniz}-", f"co{akdeniz + 1}-")
    kemal = assistant.person("Kemal")
    refused = await kemal.says(f"/start {forged}")
    assert "davet bağlantısı geçerli değil" in (refused.text or "")
    [row] = await assistant.fetch("SELECT company_id FROM people WHERE id = ?", kemal.id)
    assert row == {"company_id": None}
    audit = await assistant.fetch("SELECT subject FROM audit_log WHERE action = 'company.invite'")
    assert audit == [{"subject": f"company:{akdeniz}"}]


async def test_staff_send_a_company_list_and_see_it_before_it_applies(
    assistant: Assistant,
) -> None:
    elif_ = staff_member(assistant)
    ask = await elif_.says("/import")
    assert "firma listesini" in (ask.text or "")
    rows = "Firma adı;Vergi no;Sektör;Üyelik\nYeni Örme A.Ş.;9555555555;Tekstil;üye\n"
    await elif_.emulator.send_document(elif_.user, "firmalar.csv", rows.encode("cp1254"))
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="İçe aktarılırsa")
    assert "1 yeni, 0 değişen, 0 aynı" in (preview.text or "") and "+ Yeni Örme A.Ş." in (
        preview.text or ""
    )
    assert not [c for c in await assistant.services.companies.all() if c.name == "Yeni Örme A.Ş."]
    done = await elif_.press(preview, "✅ İçe aktar")
    assert "Firma listesi güncellendi: 1 yeni" in (done.text or "")
    [company] = [c for c in await assistant.services.companies.all() if c.name == "Yeni Örme A.Ş."]
    assert (company.sector_id, company.membership) == ("textile", "member")
    assert len(await assistant.fetch("SELECT 1 FROM audit_log WHERE action = 'companies.import'"))

    await elif_.says("/import")
    bad = "Firma adı;Vergi no\nX Makina;123\n"
    await elif_.emulator.send_document(elif_.user, "hatali.csv", bad.encode())
    refused = await elif_.emulator.wait_for_bot_message(elif_.id, contains="sorun var")
    assert "2. satır, “Vergi no” sütunu" in (refused.text or "")
    assert "✅ İçe aktar" not in refused.buttons


async def test_a_company_found_by_typing_is_claimed_unverified(assistant: Assistant) -> None:
    ids = {c.name: c.id for c in await assistant.services.companies.all()}
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    notice = await ayse.says("/profile")
    name_step = await ayse.press(notice, "✅ Okudum, devam")
    company_step = await ayse.press(name_step, "Ayşe Yılmaz")
    assert "Hangi firmada" in (company_step.text or "")
    pick = await ayse.says("akdeniz kalip")  # no Turkish letters, no legal form
    assert "Firmanız bunlardan biri mi?" in (pick.text or "")
    assert "Akdeniz Kalıp Ltd. Şti." in pick.buttons and "Firmam listede yok" in pick.buttons
    sector_step = await ayse.press(pick, "Akdeniz Kalıp Ltd. Şti.")
    assert "hangi sektörde" in (sector_step.text or "")
    phone_step = await ayse.press(sector_step, "İş ve inşaat makineleri")
    assert "Telefon" in (phone_step.text or "")
    await ayse.emulator.send_message(ayse.user, "Atla")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="E-posta")
    announcements = await ayse.press(email_step, "Atla")
    await ayse.press(announcements, "Hayır, teşekkürler")
    await ayse.emulator.wait_idle()
    [row] = await assistant.fetch(
        "SELECT company, company_id, company_verified FROM people WHERE id = ?", ayse.id
    )
    assert row == {
        "company": "Akdeniz Kalıp Ltd. Şti.",  # the registry's name, not the typed one
        "company_id": ids["Akdeniz Kalıp Ltd. Şti."],
        "company_verified": 0,
    }


async def test_not_listed_keeps_only_the_typed_name(assistant: Assistant) -> None:
    can = assistant.person("Can")
    notice = await can.says("/profile")
    name_step = await can.press(notice, "✅ Okudum, devam")
    await can.says("Can Er")
    pick = await can.says("Hitit Dokuma")
    sector_step = await can.press(pick, "Firmam listede yok")
    assert "hangi sektörde" in (sector_step.text or "")
    del name_step
    [row] = await assistant.fetch("SELECT answers FROM forms WHERE person_id = ?", can.id)
    assert json.loads(row["answers"])["company_pick"] == "none"


async def test_staff_approve_or_decline_claims_on_the_company_page(assistant: Assistant) -> None:
    services = assistant.services
    ids = {c.name: c.id for c in await services.companies.all()}
    akdeniz = ids["Akdeniz Kalıp Ltd. Şti."]
    assert akdeniz is not None
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    await add_people(
        services.database,
        [
            SeedPerson(940_001, "Deniz Ak", "akdeniz kalip", akdeniz, None, "tr", seen),
            SeedPerson(940_002, "Hakan Öz", "Akdeniz", akdeniz, None, "tr", seen),
        ],
    )
    elif_ = staff_member(assistant)
    found = await elif_.says("/company akdeniz kalip")
    page = await elif_.press(found, "Akdeniz Kalıp Ltd. Şti.")
    assert "Onay bekleyenler" in (page.text or "")
    assert "✅ Deniz Ak" in page.buttons and "✅ Hakan Öz" in page.buttons
    page = await elif_.press(page, "✅ Deniz Ak")
    assert "✅ Deniz Ak" not in page.buttons
    page = await elif_.press(page, "✖️")  # Hakan's, the only claim left
    assert "Onay bekleyen kimse yok" in (page.text or "")
    rows = await assistant.fetch(
        "SELECT id, company_id, company_verified FROM people WHERE id IN (940001, 940002) "
        "ORDER BY id"
    )
    assert rows == [
        {"id": 940_001, "company_id": akdeniz, "company_verified": 1},
        {"id": 940_002, "company_id": None, "company_verified": 0},
    ]
    actions = await assistant.fetch(
        "SELECT action FROM audit_log WHERE action LIKE 'company.%' ORDER BY id"
    )
    assert [a["action"] for a in actions] == ["company.approve", "company.decline"]
