"""The catalogue: validation with precise errors, import into the database, export round trip."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import storage.database
from storage.catalogue import CatalogueRepository
from storage.content import (
    ANSWER_LIMIT,
    CONTACT_LIMIT,
    DESCRIPTION_LIMIT,
    LOCATION_LIMIT,
    NAME_LIMIT,
    PRIVACY_NOTICE_LIMIT,
    QUESTION_LIMIT,
    SHORT_NAME_LIMIT,
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    URL_LIMIT,
    ContentError,
    bundled_content_path,
    dump_catalogue,
    load_catalogue,
    parse_catalogue,
    parse_catalogue_text,
)
from storage.database import Database
from storage.registrations import RegistrationRepository
from tests.conftest import Assistant, Cli
from tests.test_staff_events import open_staff_event, staff_member


@pytest.fixture
def document() -> dict[str, Any]:
    """Return the bundled demo catalogue as a plain document to break in tests."""
    loaded = yaml.safe_load(bundled_content_path().read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """Return an open database in a temporary folder."""
    db = Database(tmp_path / "nested" / "catalogue.sqlite3")
    await db.open()
    yield db
    await db.close()


def test_the_bundled_demo_is_valid_and_complete() -> None:
    catalogue = load_catalogue(bundled_content_path())
    assert catalogue.cluster.short_name == "MTK"
    assert len(catalogue.events) == 12
    assert len(catalogue.services) == 10
    assert len(catalogue.faq) >= 34
    lean = catalogue.event("lean-2027-01")
    assert lean is not None
    assert lean.starts_at.isoformat() == "2027-01-19T06:30:00+00:00"
    assert lean.capacity == 25


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda d: d["events"][0].pop("starts_at"), "event:lean-2027-01: starts_at: is missing"),
        (
            lambda d: d["events"][0].update(kind="party"),
            "event:lean-2027-01: kind: must be one of",
        ),
        (
            lambda d: d["events"][0].update(starts_at="2027-01-19T09:30:00"),
            "event:lean-2027-01: starts_at: needs its UTC offset",
        ),
        (
            lambda d: d["events"][0].update(ends_at="2027-01-18T09:30:00+03:00"),
            "event:lean-2027-01: ends_at: must be after starts_at",
        ),
        (lambda d: d["events"][0].update(capacity=0), "capacity: must be a whole number"),
        (lambda d: d["events"][0].update(sectors=["space"]), "sectors: unknown id 'space'"),
        (lambda d: d["events"][1].pop("online_url"), "event:grants-infoday-2027-01: online_url"),
        (lambda d: d["faq"][0]["answer"].pop("en"), "faq:membership-how: answer.en: is missing"),
        (
            lambda d: d["faq"].append(copy.deepcopy(d["faq"][0])),
            "faq:membership-how: id: is used twice",
        ),
        (lambda d: d["services"][0].update(id="Bad Id!"), "service[?]: id: must be a slug"),
        (
            lambda d: d["cluster"].update(timezone="Mars/Base"),
            "cluster: timezone: unknown time zone",
        ),
        (lambda d: d.update(extra=[]), "document: unknown sections ['extra']"),
        (lambda d: d["events"][0].update(max_per_company=-1), "max_per_company: must be"),
    ],
)
def test_errors_name_the_file_the_entry_and_the_field(
    document: dict[str, Any], breakage: Any, expected: str
) -> None:
    breakage(document)
    with pytest.raises(ContentError) as error:
        parse_catalogue(document, "cluster.yaml")
    assert str(error.value).startswith("cluster.yaml: ")
    assert expected in str(error.value)


@pytest.mark.parametrize(
    ("place", "holder", "key", "limit"),
    [
        ("event:lean-2027-01: title.en", lambda d: d["events"][0]["title"], "en", TITLE_LIMIT),
        (
            "event:lean-2027-01: description.tr",
            lambda d: d["events"][0]["description"],
            "tr",
            DESCRIPTION_LIMIT,
        ),
        (
            "event:lean-2027-01: location.tr",
            lambda d: d["events"][0]["location"],
            "tr",
            LOCATION_LIMIT,
        ),
        (
            "event:grants-infoday-2027-01: online_url",
            lambda d: d["events"][1],
            "online_url",
            URL_LIMIT,
        ),
        ("service:benchmarking: title.tr", lambda d: d["services"][0]["title"], "tr", TITLE_LIMIT),
        (
            "service:benchmarking: summary.en",
            lambda d: d["services"][0]["summary"],
            "en",
            SUMMARY_LIMIT,
        ),
        (
            "service:benchmarking: description.tr",
            lambda d: d["services"][0]["description"],
            "tr",
            DESCRIPTION_LIMIT,
        ),
        (
            "faq:membership-how: question.tr",
            lambda d: d["faq"][0]["question"],
            "tr",
            QUESTION_LIMIT,
        ),
        ("faq:membership-how: answer.en", lambda d: d["faq"][0]["answer"], "en", ANSWER_LIMIT),
        ("sector:machinery: name.tr", lambda d: d["sectors"][0]["name"], "tr", NAME_LIMIT),
        (
            "cluster: privacy_notice.rights.tr",
            lambda d: d["cluster"]["privacy_notice"]["rights"],
            "tr",
            PRIVACY_NOTICE_LIMIT,
        ),
        ("cluster: name.en", lambda d: d["cluster"]["name"], "en", NAME_LIMIT),
        ("cluster: short_name", lambda d: d["cluster"], "short_name", SHORT_NAME_LIMIT),
        (
            "cluster: address.tr",
            lambda d: d["cluster"]["contact"]["address"],
            "tr",
            CONTACT_LIMIT,
        ),
        ("cluster: phone", lambda d: d["cluster"]["contact"], "phone", CONTACT_LIMIT),
    ],
)
def test_texts_too_long_for_a_telegram_message_are_refused(
    document: dict[str, Any], place: str, holder: Any, key: str, limit: int
) -> None:
    link = "https://meet.cluster.example/" if key == "online_url" else ""
    holder(document)[key] = link + "x" * (limit - len(link))
    parse_catalogue(document, "cluster.yaml")  # exactly at the limit loads
    holder(document)[key] += "x"
    with pytest.raises(ContentError) as error:
        parse_catalogue(document, "cluster.yaml")
    assert str(error.value) == (
        f"cluster.yaml: {place}: is too long: {limit + 1} characters, at most {limit}"
    )


def filled(limit: int) -> str:
    """Return Turkish-looking text exactly `limit` characters long."""
    return ("Üretimde yalın dönüşüm " * limit)[: limit - 1] + "."


async def test_an_event_at_every_limit_still_fits_in_one_message(assistant: Assistant) -> None:
    title = filled(TITLE_LIMIT)
    description = filled(DESCRIPTION_LIMIT)
    await assistant.add_event(
        "longest",
        title={"tr": title, "en": title},
        description={"tr": description, "en": description},
        location={"tr": filled(LOCATION_LIMIT), "en": filled(LOCATION_LIMIT)},
        capacity=20,
        max_per_company=2,
        language="en",
    )
    ayse = assistant.person("Ayşe")
    page = await ayse.says("/start event_longest")
    assert description in (page.text or "")
    elif_ = staff_member(assistant)
    staff_page = await open_staff_event(elif_, title)
    step = await elif_.press(staff_page, "🗓 Tarih ve saat")
    await elif_.press(step, "Aynı kalsın")
    preview = await elif_.press(step, "Aynı kalsın")  # the preview: the page and more
    assert description in (preview.text or "") and "Hiçbir şey değişmedi" in (preview.text or "")


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(ContentError, match=r"broken.yaml: line 2: is not valid YAML"):
        parse_catalogue_text("version: 1\n\tbad: x\n", "broken.yaml")


def test_max_per_company_is_part_of_the_format(document: dict[str, Any]) -> None:
    document["events"][0]["max_per_company"] = 2
    catalogue = parse_catalogue(document, "x")
    assert catalogue.events[0].max_per_company == 2
    again = parse_catalogue_text(dump_catalogue(catalogue), "exported")
    assert again.events[0].max_per_company == 2


async def test_import_then_export_then_import_changes_nothing(database: Database) -> None:
    store = CatalogueRepository(database)
    bundled = load_catalogue(bundled_content_path())
    first = await store.import_catalogue(bundled)
    # The cluster, sectors, services, events, projects, FAQ and surveys (the content's own: the
    # feedback survey shipped with the assistant is not stored with it).
    written = [survey for survey in bundled.surveys if not survey.bundled]
    assert [survey.id for survey in bundled.surveys if survey.bundled] == ["feedback"]
    assert len(first.added) == 1 + 4 + 10 + 12 + 2 + len(bundled.faq) + len(written)
    exported = dump_catalogue(await store.load())
    second = await store.import_catalogue(parse_catalogue_text(exported, "export.yaml"))
    assert second.is_empty
    assert dump_catalogue(await store.load()) == exported


async def test_import_upserts_by_id(database: Database, document: dict[str, Any]) -> None:
    store = CatalogueRepository(database)
    await store.import_catalogue(parse_catalogue(document, "a"))
    document["events"][0]["capacity"] = 40
    document["faq"].append(
        {
            "id": "parking",
            "question": {"tr": "Otopark var mı?", "en": "Is there parking?"},
            "answer": {"tr": "Evet.", "en": "Yes."},
        }
    )
    report = await store.import_catalogue(parse_catalogue(document, "b"))
    assert report.changed == ["event:lean-2027-01"]
    assert report.added == ["faq:parking"]
    catalogue = await store.load()
    lean = catalogue.event("lean-2027-01")
    assert lean is not None and lean.capacity == 40
    assert catalogue.faq_entry("parking") is not None


async def test_import_never_drops_an_event_with_registrations(
    database: Database, document: dict[str, Any]
) -> None:
    store = CatalogueRepository(database)
    catalogue = parse_catalogue(document, "a")
    await store.import_catalogue(catalogue)
    await database.execute(
        "INSERT INTO people (id, first_seen_at, last_seen_at) VALUES (1, 'x', 'x')"
    )
    lean = catalogue.event("lean-2027-01")
    assert lean is not None
    await RegistrationRepository(database).sign_up(lean, 1, None, None)
    gone = ("lean-2027-01", "kets-webinar-2027-02")
    document["events"] = [e for e in document["events"] if e["id"] not in gone]
    for faq in document["faq"]:  # an answer may not lead to an event the file no longer has
        faq["links"] = [link for link in faq.get("links", []) if link.get("event") not in gone]
    smaller = parse_catalogue(document, "b")
    plain = await store.import_catalogue(smaller)
    assert plain.removed == [] and plain.kept == []
    assert len((await store.load()).events) == 12  # without --prune nothing is removed
    pruned = await store.import_catalogue(smaller, prune=True)
    assert pruned.removed == ["event:kets-webinar-2027-02"]
    assert pruned.kept == ["event:lean-2027-01"]
    remaining = {event.id for event in (await store.load()).events}
    assert "lean-2027-01" in remaining and "kets-webinar-2027-02" not in remaining


async def test_a_dry_run_reports_and_changes_nothing(
    database: Database, document: dict[str, Any]
) -> None:
    store = CatalogueRepository(database)
    await store.import_catalogue(parse_catalogue(document, "a"))
    document["services"][0]["title"]["en"] = "Benchmarking with peers"
    preview = await store.preview_import(parse_catalogue(document, "b"))
    assert preview.changed == ["service:benchmarking"]
    service = (await store.load()).service("benchmarking")
    assert service is not None and service.title.en == "Benchmarking"


def test_migrations_are_numbered_without_a_gap_or_a_repeat() -> None:
    # A database at version N skips every migration numbered N or less: two migrations with
    # one number would leave one of them unapplied on databases that had the other.
    numbers = [number for number, _, _ in storage.database._migrations()]
    assert numbers == list(range(1, len(numbers) + 1))


async def test_migrations_are_safe_to_run_twice(database: Database) -> None:
    await database.migrate()
    await database.close()
    await database.open()
    row = await database.fetch_one("PRAGMA user_version")
    assert row is not None and row[0] >= 2
    mode = await database.fetch_one("PRAGMA journal_mode")
    assert mode is not None and mode[0] == "wal"
    secure = await database.fetch_one("PRAGMA secure_delete")
    assert secure is not None and secure[0] == 1


def test_cli_export_import_round_trip_and_check(tmp_path: Path, cli: Cli) -> None:
    exported = tmp_path / "export.yaml"
    result = cli("content", "export", str(exported))
    assert result.returncode == 0, result.stderr
    result = cli("content", "import", str(exported))
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 changed, 0 removed" in result.stdout
    assert cli("check").returncode == 0
    backup = tmp_path / "backup.sqlite3"
    assert cli("db", "backup", str(backup)).returncode == 0
    assert backup.stat().st_size > 0


def test_cli_import_of_a_broken_file_exits_2_naming_the_place(tmp_path: Path, cli: Cli) -> None:
    broken = tmp_path / "broken.yaml"
    text = (
        bundled_content_path().read_text(encoding="utf-8").replace("kind: workshop", "kind: picnic")
    )
    broken.write_text(text, encoding="utf-8")
    result = cli("content", "import", str(broken))
    assert result.returncode == 2
    assert "event:resource-workshop-2027-03: kind: must be one of" in result.stderr
    assert "Traceback" not in result.stderr


async def test_an_old_content_file_does_not_bring_back_a_cancelled_event(
    database: Database, document: dict[str, Any]
) -> None:
    store = CatalogueRepository(database)
    catalogue = parse_catalogue(document, "a")
    await store.import_catalogue(catalogue)
    await database.execute("UPDATE events SET status = 'cancelled' WHERE id = 'lean-2027-01'")
    report = await store.import_catalogue(catalogue)
    assert report.kept == ["event:lean-2027-01"]
    assert (await store.load()).event("lean-2027-01") is None
    [row] = await database.fetch_all("SELECT status FROM events WHERE id = 'lean-2027-01'")
    assert row["status"] == "cancelled"


def test_cli_import_into_a_new_database_takes_the_file_not_the_demo(
    tmp_path: Path, document: dict[str, Any], cli: Cli
) -> None:
    document["events"] = document["events"][:1]
    document["projects"] = document["projects"][1:]  # the first lists an event left out
    document["faq"] = document["faq"][:2]
    small = tmp_path / "small.yaml"
    small.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = cli("content", "import", str(small))
    assert result.returncode == 0, result.stderr
    exported = tmp_path / "out.yaml"
    assert cli("content", "export", str(exported)).returncode == 0
    catalogue = load_catalogue(exported)
    assert [e.id for e in catalogue.events] == ["lean-2027-01"]
    assert len(catalogue.faq) == 2


def test_cli_backup_without_a_database_says_so(tmp_path: Path, cli: Cli) -> None:
    result = cli("db", "backup", str(tmp_path / "b.sqlite3"))
    assert result.returncode == 2
    assert "no database at" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()
