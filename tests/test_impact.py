"""The impact report of a period: SMEs served by sector, size and membership, activities,
training hours and satisfaction, in the chat with a chart and as a workbook funders accept."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from babel.dates import format_date

from bot.devtools.emulator import Message
from bot.devtools.history import add_history
from bot.domain.companies import name_key
from bot.domain.impact import Period, PeriodError, event_hours, read_day
from bot.domain.profile import fold_turkish
from storage.companies import Company
from storage.seeding import (
    SeedPerson,
    SeedRegistration,
    SeedTicket,
    add_broadcasts,
    add_people,
    add_questions,
    add_registrations,
    add_tickets,
)
from tests.conftest import Assistant, Cli, Person
from tests.readable_sheets import id_like_cells
from tests.test_staff_events import staff_member

ISTANBUL = ZoneInfo("Europe/Istanbul")


@pytest.mark.parametrize(
    ("name", "today", "first", "last"),
    [
        ("month", date(2027, 2, 14), date(2027, 2, 1), date(2027, 2, 28)),
        ("quarter", date(2027, 5, 3), date(2027, 4, 1), date(2027, 6, 30)),
        ("quarter", date(2027, 12, 31), date(2027, 10, 1), date(2027, 12, 31)),
        ("year", date(2027, 7, 1), date(2027, 1, 1), date(2027, 12, 31)),
    ],
)
def test_period_presets(name: str, today: date, first: date, last: date) -> None:
    assert Period.preset(name, today) == Period(first, last)


def test_a_period_can_not_end_before_it_starts() -> None:
    with pytest.raises(PeriodError, match="end_before_start"):
        Period.parse("2027-06-30", "2027-01-01")
    with pytest.raises(PeriodError, match="not_a_date"):
        Period.parse("yesterday", "2027-01-01")
    assert Period.parse("01.01.2027", "2027-06-30") == Period(date(2027, 1, 1), date(2027, 6, 30))


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("31.01.2027", date(2027, 1, 31)),
        ("1.2.27", date(2027, 2, 1)),
        ("31/1/2027", date(2027, 1, 31)),
        ("2027-01-31", date(2027, 1, 31)),
        ("31 Ocak 2027", date(2027, 1, 31)),
        ("5 AĞUSTOS 2027", date(2027, 8, 5)),
        ("1 subat 2027", date(2027, 2, 1)),
        ("3 September 2027", date(2027, 9, 3)),
    ],
)
def test_days_are_read_as_people_in_turkey_write_them(typed: str, day: date) -> None:
    assert read_day(typed) == day


@pytest.mark.parametrize("typed", ["31.13.2027", "31 Smarch 2027", "dün", "2027", ""])
def test_what_is_not_a_day_is_refused(typed: str) -> None:
    with pytest.raises(PeriodError, match="not_a_date"):
        read_day(typed)


def test_a_day_of_a_multi_day_event_counts_eight_hours() -> None:
    start = datetime(2027, 4, 5, 6, 0, tzinfo=UTC)
    assert event_hours(start, start + timedelta(hours=3)) == 3
    assert event_hours(start, start + timedelta(days=2, hours=8)) == 24


async def held_period(assistant: Assistant) -> Period:
    """Two events in the period and one before it, with people of three companies."""
    services = assistant.services
    await services.companies.save(
        [
            Company(
                None,
                "Anka Makina A.Ş.",
                name_key("Anka Makina A.Ş."),
                sector_id="machinery",
                employees=12,
                turnover_band="small",
                city="Ankara",
                membership="member",
            ),
            Company(
                None,
                "Bade Örme Ltd.",
                name_key("Bade Örme Ltd."),
                sector_id="textile",
                employees=4,
                city="Konya",
                membership="non_member",
            ),
        ],
        [],
    )
    ids = {c.name: c.id for c in await services.companies.all()}
    anka, bade = ids["Anka Makina A.Ş."], ids["Bade Örme Ltd."]
    now = datetime.now(UTC)
    day = (now - timedelta(days=8)).date()
    await assistant.add_event("old-training", starts_in=timedelta(days=-60), hours=2)
    await assistant.add_event("period-training", starts_in=timedelta(days=-10), hours=3)
    await assistant.add_event(
        "period-visit",
        kind="study_visit",
        starts_at=f"{day.isoformat()}T06:00:00+00:00",
        ends_at=f"{(day + timedelta(days=1)).isoformat()}T14:00:00+00:00",
    )
    seen = now.isoformat(timespec="seconds")
    people = [
        SeedPerson(910_001, "Ali Kaya", "Anka Makina A.Ş.", anka, "machinery", "tr", seen),
        SeedPerson(910_002, "Ayşe Demir", "Bade Örme Ltd.", bade, "textile", "tr", seen),
        SeedPerson(910_003, "Deniz Ak", "Listede Yok Ltd.", None, None, "tr", seen),
        SeedPerson(910_004, "Emre Şahin", "Anka Makina A.Ş.", anka, "machinery", "tr", seen),
        SeedPerson(910_005, "Cem Tan", "Anka Makina A.Ş.", anka, "machinery", "tr", seen),
    ]
    await add_people(services.database, people)

    def came(
        event: str, person: int, company: int | None, rating: int | None = None
    ) -> SeedRegistration:
        return SeedRegistration(event, person, company, None, "confirmed", seen, 1, seen, rating)

    registrations = [
        came("old-training", 910_005, anka),
        came("period-training", 910_001, anka, 5),
        came("period-training", 910_002, bade, 4),
        came("period-training", 910_003, None),
        SeedRegistration("period-training", 910_004, anka, None, "confirmed", seen, 0, None, None),
        came("period-visit", 910_001, anka),
    ]
    await add_registrations(services.database, registrations)
    # Someone from Bade who came and then had their data erased still counts, without a name.
    await services.database.execute(
        "INSERT INTO registrations (event_id, person_id, status, company_id, created_at, "
        "queued_at, attended) VALUES ('period-training', NULL, 'confirmed', ?, ?, ?, 1)",
        (bade, seen, seen),
    )
    asked = (now - timedelta(days=3)).isoformat(timespec="seconds")
    answered = (now - timedelta(days=3) + timedelta(hours=2)).isoformat(timespec="seconds")
    later = (now - timedelta(days=3) + timedelta(hours=4)).isoformat(timespec="seconds")
    await add_tickets(
        services.database,
        [
            SeedTicket(910_001, "service_request", "benchmarking", "closed", asked, answered),
            SeedTicket(910_002, "service_request", "ipr", "open", asked, None),
            SeedTicket(910_003, "question", None, "closed", asked, later),
        ],
    )
    await add_questions(
        services.database,
        [
            (910_001, "aidat", "answer", 1, asked),
            (910_002, "kosgeb", "answer", None, asked),
            (910_003, "vize", "none", None, asked),
        ],
    )
    await add_broadcasts(services.database, [(1, '{"kind": "all"}', asked, 10, 9)])
    today = now.astimezone(ISTANBUL).date()
    return Period(today - timedelta(days=20), today)


def typed(period: Period) -> str:
    return f"/stats {period.first:%d.%m.%Y} {period.last:%d.%m.%Y}"


async def report_of(staff: Person, period: Period) -> tuple[str, Message]:
    photo = await staff.says(typed(period))
    assert photo.photo is not None  # the chart comes first
    text = await staff.next_message(photo)
    return text.text or "", text


async def test_staff_get_the_report_of_any_period_with_a_chart(assistant: Assistant) -> None:
    period = await held_period(assistant)
    elif_ = staff_member(assistant)
    text, message = await report_of(elif_, period)
    assert "Etki raporu" in text
    assert "Hizmet verilen KOBİ: 2" in text
    assert "Dönemde ilk kez ulaşılan: 1 · Ulaşılan kişi: 4" in text
    assert "Sektör: İş ve inşaat makineleri 1 · Tekstil ve hazır giyim 1" in text
    assert "Ölçek sınıfı: mikro 1 · küçük 1" in text
    assert "Hizmet verilen firma toplamı" not in text  # every company served is an SME
    assert "1 firmanın sınıfı yalnızca çalışan sayısına ya da yalnızca ciroya dayanıyor" in text
    assert "Üyelik: üye 1 · üye değil 1" in text
    assert "Firması kayıtlı olmayan 1 katılım KOBİ sayısına girmedi" in text
    assert "2 etkinlik" in text
    assert "Onaylı 6 · katılan 5 (%83) · eğitim saati 28" in text
    assert "• Çalışma ziyareti: 1 etkinlik, 1 katılan" in text
    assert "Memnuniyet: ortalama 4,5/5 (2 yanıt)" in text
    assert "Hizmet talepleri: 2 talep · 1 karşılandı · 1 açık · ilk yanıt ortalama 2 saat" in text
    assert "3 soru · asistan yanıtladı 2 · ekibe iletilen 1 · ekip ortalama 4 saatte" in text
    assert "Duyurular: 1 duyuru · 9 mesaj ulaştı" in text
    assert message.buttons == ["⬇️ Excel raporu", "‹ İstatistikler"]


async def test_the_workbook_has_a_sheet_and_a_chart_per_indicator(assistant: Assistant) -> None:
    period = await held_period(assistant)
    elif_ = staff_member(assistant)
    _, message = await report_of(elif_, period)
    await elif_.emulator.press_button(elif_.user, message, "⬇️ Excel raporu")
    sent = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert sent.document is not None
    # Named for what it is and its dates, which sort a folder of reports by time.
    assert sent.document.filename == f"Etki raporu - {period.first} – {period.last}.xlsx"
    await elif_.emulator.wait_idle()  # the audit entry is written once the file is sent
    workbook = openpyxl.load_workbook(io.BytesIO(sent.document.content))
    assert id_like_cells(workbook) == []
    assert workbook.sheetnames == [
        "Özet",
        "Hizmet verilen firmalar",
        "Faaliyet türleri",
        "Memnuniyet",
        "Aylara göre",
        "Hizmetler",
        "Sorular",
        "Yaygınlaştırma",
        "Faaliyet listesi",
        "Katılım",
    ]
    summary = {row[0]: row[1] for row in workbook["Özet"].iter_rows(min_row=5, values_only=True)}
    assert summary["Hizmet verilen KOBİ"] == 2
    assert summary["Katılan"] == 5
    assert summary["Eğitim saati (katılımcı × saat)"] == 28
    assert summary["Ortalama memnuniyet (5 üzerinden)"] == 4.5
    for name in workbook.sheetnames[1:8]:
        assert workbook[name]._charts, name  # a native Excel chart, not a picture
    activities = list(workbook["Faaliyet listesi"].iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in activities] == ["Eğitim", "Çalışma ziyareti"]
    attendance = list(workbook["Katılım"].iter_rows(min_row=2, values_only=True))
    assert len(attendance) == 5
    checked_in = [row[6] for row in attendance if row[2] != "(verileri silinmiş kişi)"]
    assert all(isinstance(moment, datetime) for moment in checked_in)  # times, not text
    assert {row[2] for row in attendance} >= {"Ali Kaya", "(verileri silinmiş kişi)"}
    assert {row[3] for row in attendance} >= {
        "Anka Makina A.Ş.",
        "Bade Örme Ltd.",
        "Listede Yok Ltd.",
    }
    rows = await assistant.fetch("SELECT action FROM audit_log WHERE action = 'report.export'")
    assert rows == [{"action": "report.export"}]


async def test_english_staff_get_the_report_in_english(assistant: Assistant) -> None:
    period = await held_period(assistant)
    john = staff_member(assistant, "en", name="John")
    await john.says("/language")  # English by Telegram's language already
    text, _ = await report_of(john, period)
    assert "SMEs served: 2" in text
    assert "Confirmed 6 · attended 5 (83%) · training hours 28" in text
    assert "Satisfaction: 4.5/5 on average (2 answers)" in text


async def test_period_buttons_and_bad_dates(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    stats = await elif_.says("/stats")
    # The test database has no participation this year: the figures come without a chart.
    text = await elif_.press(stats, "Bu yıl")
    assert text.photo is None
    year = datetime.now(ISTANBUL).year
    assert f"1 Ocak {year} – 31 Aralık {year}" in (text.text or "")
    refused = await elif_.says("/stats 30.06.2027 01.01.2027")
    assert "Bitiş tarihi başlangıçtan önce olamaz." in (refused.text or "")
    unread = await elif_.says("/stats geçen hafta")
    assert "Tarihleri anlayamadım." in (unread.text or "")


async def test_a_period_with_no_activity_gets_the_figures_without_an_empty_chart(
    assistant: Assistant,
) -> None:
    elif_ = staff_member(assistant)
    report = await elif_.says("/stats 01.01.2020 31.01.2020")
    assert report.photo is None
    assert "Etki raporu" in (report.text or "")
    assert "Hizmet verilen KOBİ: 0" in (report.text or "")


async def test_people_can_not_get_a_report(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    unknown = await ayse.says("/nosuchcommand")
    assert (await ayse.says("/stats 01.01.2026 31.12.2026")).text == unknown.text
    query = await ayse.emulator.press_callback(ayse.user, unknown, "sm:rx:20260101:20261231")
    answer = await ayse.emulator.wait_for_callback_answer(query)
    assert answer.show_alert
    assert not [m for m in ayse.emulator.bot_messages(ayse.id) if m.document is not None]


def test_report_on_the_command_line(cli: Cli, tmp_path: Path) -> None:
    done = cli("report", "--from", "2026-01-01", "--to", "2026-12-31", "--out", "r.xlsx")
    assert done.returncode == 0, done.stderr
    assert "Etki raporu" in done.stdout and "<b>" not in done.stdout
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames[0] == "Özet"
    english = cli(
        "report", "--from", "2026-01-01", "--to", "2026-12-31", "--out", "e.xlsx", "--lang", "en"
    )
    assert english.returncode == 0
    assert openpyxl.load_workbook(tmp_path / "e.xlsx").sheetnames[0] == "Summary"
    backwards = cli("report", "--from", "2026-12-31", "--to", "2026-01-01", "--out", "r.xlsx")
    assert backwards.returncode == 2
    assert "before the start" in backwards.stderr


async def test_the_demo_history_gives_the_report_something_to_show(assistant: Assistant) -> None:
    await add_history(assistant.services, datetime.now(UTC))
    today = datetime.now(ISTANBUL).date()
    text, _ = await report_of(staff_member(assistant), Period(today - timedelta(days=365), today))
    served = int(text.split("Hizmet verilen KOBİ: ")[1].split(" ")[0].replace(".", ""))
    assert served >= 50
    assert "24 etkinlik" in text
    for kind in ("Eğitim", "Çalışma ziyareti", "B2B görüşmeleri", "Webinar"):
        assert f"• {kind}:" in text


async def test_staff_type_any_period_in_a_short_form(assistant: Assistant) -> None:
    period = await held_period(assistant)
    elif_ = staff_member(assistant)
    stats = await elif_.says("/stats")
    ask = await elif_.press(stats, "📅 Tarih aralığı")
    assert "Raporun başlangıç tarihini yazın" in (ask.text or "")
    forms = "SELECT kind, step FROM forms WHERE person_id = ?"
    assert await assistant.fetch(forms, elif_.id) == [{"kind": "report_dates", "step": "first"}]
    unread = await elif_.says("geçen ay")
    assert "Bu tarihi anlayamadım" in (unread.text or "")
    # Turkish month names, typed without Turkish letters, are understood too.
    first = format_date(period.first, "d MMMM y", locale="tr")
    end = await elif_.says(fold_turkish(first).upper())
    assert f"Başlangıç: {first}" in (end.text or "")
    assert await assistant.fetch(forms, elif_.id) == [{"kind": "report_dates", "step": "last"}]
    refused = await elif_.says("01.01.2020")
    assert f"Bitiş tarihi başlangıçtan ({first}) önce olamaz" in (refused.text or "")
    assert await assistant.fetch(forms, elif_.id) == [{"kind": "report_dates", "step": "last"}]
    photo = await elif_.says(f"{period.last:%d/%m/%Y}")
    assert photo.photo is not None
    text = await elif_.next_message(photo)
    assert "Hizmet verilen KOBİ: 2" in (text.text or "")
    await elif_.emulator.wait_idle()  # the form closes once the report is sent
    assert await assistant.fetch(forms, elif_.id) == []


async def test_the_dates_form_closes_with_cancel_and_is_staff_only(assistant: Assistant) -> None:
    john = staff_member(assistant, "en", name="John")
    stats = await john.says("/stats")
    ask = await john.press(stats, "📅 Date range")
    assert "Type the first day of the report" in (ask.text or "")
    closed = await john.says("/cancel")
    assert "I closed the date range question" in (closed.text or "")
    ayse = assistant.person("Ayşe")
    unknown = await ayse.says("/nosuchcommand")
    query = await ayse.emulator.press_callback(ayse.user, unknown, "sm:rp:custom")
    answer = await ayse.emulator.wait_for_callback_answer(query)
    assert answer.show_alert
    assert await assistant.fetch("SELECT kind FROM forms WHERE person_id = ?", ayse.id) == []
