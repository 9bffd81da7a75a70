"""Staff follow a survey's results live and export them; a benchmark's figures stay confidential."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
from babel.numbers import format_decimal

from bot.devtools.emulator import User
from bot.domain import surveys
from storage.roles import Role
from storage.survey_definitions import Survey
from tests.conftest import STAFF_ID, Assistant, Person
from tests.readable_sheets import id_like_cells
from tests.test_roles import team_member


def _survey(assistant: Assistant, survey_id: str) -> Survey:
    survey = assistant.services.catalogue.survey(survey_id)
    assert survey is not None
    return survey


async def send(assistant: Assistant, survey_id: str) -> int:
    launched, _ = await surveys.send(
        assistant.services.surveys,
        _survey(assistant, survey_id),
        datetime.now(UTC),
        timedelta(days=3),
    )
    return launched.id


async def answered(
    assistant: Assistant, round_id: int, answers: dict[str, Any], company: int | None = None
) -> int:
    """Store one person's submitted answers as the form would; return the person's id."""
    person = assistant.person("Yanıtlayan")
    await assistant.services.people.seen(person.id, "tr")
    survey = _survey(assistant, "benchmark-2027" if company is not None else "needs-2027")
    stored = await assistant.services.surveys.submit(
        survey, round_id, person.id, company, answers, datetime.now(UTC)
    )
    assert stored.stored
    return person.id


def staff(assistant: Assistant) -> Person:
    user = User(id=STAFF_ID, first_name="Elif", language_code="tr")
    assistant.emulator.add_user(user)
    return Person(assistant.emulator, user)


async def survey_page(member: Person, title: str) -> Any:
    listing = await member.says("/survey")
    return await member.press(listing, title)


async def test_staff_see_the_distribution_chart_free_texts_and_workbook(
    assistant: Assistant,
) -> None:
    round_id = await send(assistant, "needs-2027")
    for services, need, wish in (
        (["benchmarking", "lean"], "yes", "Daha çok B2B günü"),
        (["lean"], "no", "Sektörel ziyaretler"),
        (["export"], "no", None),
    ):
        answers: dict[str, Any] = {"services": services, "training_need": need, "satisfaction": 8}
        if wish:
            answers["wishes"] = wish
        await answered(assistant, round_id, answers)
    elif_ = staff(assistant)
    page = await survey_page(elif_, "İhtiyaç analizi 2027")
    assert "1. tur" in (page.text or "") and "3 tamamlayan" in (page.text or "")
    assert "anonim\n❓ 5–6 soru (1 soru yalnızca belirli bir yanıttan sonra sorulur)" in (
        page.text or ""
    )
    results = await elif_.press(page, "📊 Sonuçlar")
    text = results.text or ""
    assert "Yalın üretim: 2" in text and "Kıyaslama: 1" in text
    assert "Hayır: 2" in text and "Evet: 1" in text
    assert "2 açık uçlu yanıt" in text
    texts = await elif_.press(results, "‹ Geri")
    texts = await elif_.press(texts, "💬 Açık uçlu yanıtlar")
    assert "• Daha çok B2B günü" in (texts.text or "") and "(anonim)" in (texts.text or "")

    page = await elif_.press(texts, "‹ Geri")
    await elif_.emulator.press_button(elif_.user, page, "📈 Grafik")
    chart = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.photo is not None
    )
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")

    await elif_.emulator.press_button(elif_.user, page, "📥 Excel")
    sent = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert (
        sent.document is not None and sent.document.filename == "İhtiyaç analizi 2027 - 1. tur.xlsx"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(sent.document.content))
    assert workbook.sheetnames == ["Özet", "Yanıtlar"]
    assert id_like_cells(workbook) == []
    summary, raw = workbook["Özet"], workbook["Yanıtlar"]
    assert len(summary._charts) >= 3  # services, yes/no, the scale
    header = [cell.value for cell in raw[1]]
    # Anonymous: no person column anywhere; each question by its short name, never its id.
    assert header == [
        "Hizmetler",
        "Eğitim planı",
        "Eğitim konusu",
        "Önerme olasılığı",
        "İhracat payı",
        "Beklentiler",
    ]
    assert raw.max_row == 4
    await elif_.emulator.wait_idle()
    [entry] = await assistant.fetch("SELECT * FROM audit_log WHERE action = 'survey.export'")
    assert entry["subject"] == "survey:needs-2027"


async def _member_companies(assistant: Assistant, count: int) -> list[int]:
    ids = []
    now = datetime.now(UTC).isoformat()
    for number in range(count):
        rows = await assistant.services.database.execute_returning(
            "INSERT INTO companies (name, name_key, sector_id, employees, membership, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, 'member', ?, ?) RETURNING id",
            (f"Firma {number}", f"firma {number}", "machinery", 20 + number, now, now),
        )
        ids.append(rows[0]["id"])
    return ids


async def test_a_benchmark_shows_nothing_below_k_and_raw_values_only_to_admins(
    assistant: Assistant,
) -> None:
    round_id = await send(assistant, "benchmark-2027")
    companies = await _member_companies(assistant, 9)
    for number, company in enumerate(companies):
        await answered(
            assistant,
            round_id,
            {"revenue_per_employee": 900_000.0 + 12_345.67 * number, "export_share": 30.0},
            company,
        )
    elif_ = staff(assistant)
    page = await survey_page(elif_, "Kıyaslama 2027")
    results = await elif_.press(page, "📊 Sonuçlar")
    assert "10 firmadan az yanıt" in (results.text or "")
    assert "900" not in (results.text or "")

    (tenth,) = await _member_companies(assistant, 1)
    await answered(assistant, round_id, {"revenue_per_employee": 1_500_000.0}, tenth)
    page = await elif_.press(results, "‹ Geri")
    results = await elif_.press(page, "📊 Sonuçlar")
    text = results.text or ""
    assert "orta değer" in text and "10 firma" in text

    viewer = await team_member(assistant, Role.VIEWER, "Gözlemci")
    await viewer.says("/start")
    view_page = await survey_page(viewer, "Kıyaslama 2027")
    assert "🔐 Ham değerler (yönetici)" not in view_page.buttons
    staff_member = await team_member(assistant, Role.STAFF, "Ekip")
    staff_page = await survey_page(staff_member, "Kıyaslama 2027")
    assert "🔐 Ham değerler (yönetici)" not in staff_page.buttons
    # The summary workbook of a benchmark has no raw sheet, for anyone.
    await staff_member.emulator.press_button(staff_member.user, staff_page, "📥 Excel")
    summary_only = await staff_member.emulator.wait_for_bot_message(
        staff_member.id, predicate=lambda m: m.document is not None
    )
    assert summary_only.document is not None
    book = openpyxl.load_workbook(io.BytesIO(summary_only.document.content))
    assert book.sheetnames == ["Özet"]

    page = await elif_.press(results, "‹ Geri")
    await elif_.emulator.press_button(elif_.user, page, "🔐 Ham değerler (yönetici)")
    raw = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert raw.document is not None
    sheet = openpyxl.load_workbook(io.BytesIO(raw.document.content))["Yanıtlar"]
    assert sheet.max_row == 11 and sheet.cell(1, 1).value == "Firma"
    await elif_.emulator.wait_idle()
    [entry] = await assistant.fetch("SELECT * FROM audit_log WHERE action = 'survey.raw'")
    assert entry["staff_id"] == STAFF_ID


async def test_staff_send_a_survey_from_telegram_after_confirming(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await assistant.services.people.seen(ayse.id, "tr")
    elif_ = staff(assistant)
    page = await survey_page(elif_, "İhtiyaç analizi 2027")
    assert "Henüz gönderilmedi" in (page.text or "")
    confirm = await elif_.press(page, "🚀 Yeni tur gönder")
    assert "Gönderilsin mi?" in (confirm.text or "")
    sent = await elif_.press(confirm, "✅ Evet, gönder")
    assert "Anket gönderildi" in (sent.text or "")
    invitation = await ayse.emulator.wait_for_bot_message(
        ayse.id, contains="İhtiyaç analizi 2027", timeout=10
    )
    assert "Ankete başla" in " ".join(invitation.buttons)
    [entry] = await assistant.fetch("SELECT * FROM audit_log WHERE action = 'survey.send'")
    assert entry["subject"] == "survey:needs-2027"


async def verified_member(assistant: Assistant, company: int) -> Person:
    member = assistant.person("Zeynep")
    await assistant.services.people.seen(member.id, "tr")
    await assistant.services.database.execute(
        "UPDATE people SET company_id = ?, company_verified = 1 WHERE id = ?", (company, member.id)
    )
    return member


async def test_a_member_answers_for_her_company_and_gets_her_benchmark_report(
    assistant: Assistant,
) -> None:
    round_id = await send(assistant, "benchmark-2027")
    others = await _member_companies(assistant, 10)
    other_values = []
    for number, company in enumerate(others):
        figures = {
            "revenue_per_employee": 800_000.0 + 31_415.92 * number,
            "export_share": 10.0 + 3.7 * number,
            "on_time_delivery": 70.0 + 2.3 * number,
            "scrap_rate": 2.0 + 0.37 * number,
            "training_hours": 5.0 + 1.3 * number,
            "rnd_share": 0.5 + 0.21 * number,
        }
        other_values += list(figures.values())
        await answered(assistant, round_id, figures, company)
    (own,) = await _member_companies(assistant, 1)
    zeynep = await verified_member(assistant, own)
    listing = await zeynep.says("/surveys")
    step = await zeynep.press(listing, "Kıyaslama 2027")
    assert "Verimlilik" in (step.text or "") and "TL" in (step.text or "")
    step = await zeynep.says("1.250.000,50")
    step = await zeynep.says("%12")
    step = await zeynep.says("99")
    step = await zeynep.says("150")
    assert "Lütfen 0 ile 100 arasında" in (step.text or "")
    step = await zeynep.says("9,5")
    step = await zeynep.says("4")
    step = await zeynep.says("0,2")
    assert "yanıtlarınız" in (step.text or "") and "1.250.000,5 TL" in (step.text or "")
    done = await zeynep.press(step, "Gönder")
    assert "firmanız adına kaydedildi" in (done.text or "")
    [stored] = await assistant.fetch(
        "SELECT company_id, person_id FROM survey_responses WHERE company_id = ?", own
    )
    assert stored["person_id"] is None

    report = await zeynep.press(done, "📊 Kıyaslama raporum")
    text = report.text or ""
    assert "Kümenin en iyi dörtte birindesiniz" in text  # revenue per employee, on-time delivery
    assert "Kümenin en geride kalan dörtte birindesiniz" in text  # scrap rate 9.5%: the worst
    assert "Geride kaldığınız göstergeler:" in text
    chart = await zeynep.emulator.wait_for_bot_message(
        zeynep.id, predicate=lambda m: m.photo is not None
    )
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
    # No other company's figure appears anywhere in the report, as the report writes numbers.
    for value in other_values:
        written = re.escape(format_decimal(value, locale="tr_TR"))
        assert not re.search(rf"(?<![\d.,]){written}(?![\d,])", text), value
    await zeynep.emulator.press_button(zeynep.user, report, "📄 PDF olarak al")
    pdf = await zeynep.emulator.wait_for_bot_message(
        zeynep.id, predicate=lambda m: m.document is not None
    )
    assert pdf.document is not None and pdf.document.content.startswith(b"%PDF")


async def test_a_second_person_of_the_company_sees_and_updates_its_answer(
    assistant: Assistant,
) -> None:
    round_id = await send(assistant, "benchmark-2027")
    (company,) = await _member_companies(assistant, 1)
    figures = {
        "revenue_per_employee": 1_000_000.0,
        "export_share": 20.0,
        "on_time_delivery": 90.0,
        "scrap_rate": 3.0,
        "training_hours": 12.0,
        "rnd_share": 1.5,
    }
    await answered(assistant, round_id, figures, company)
    colleague = await verified_member(assistant, company)
    listing = await colleague.says("/surveys")
    assert "firmanız yanıtladı" in (listing.text or "")
    review = await colleague.press(listing, "Kıyaslama 2027")
    assert "1.000.000 TL" in (review.text or "")
    step = await colleague.press(review, "✏️ 1")
    assert "Şu anki yanıtınız: <b>1.000.000 TL</b>" in (step.html or "")
    step = await colleague.says("1.100.000")
    assert "1.100.000 TL" in (step.text or "") and "yanıtlarınız" in (step.text or "")
    # Meanwhile someone else of the company submits: the colleague is told, nothing is lost.
    current = await assistant.services.surveys.company_answer(round_id, company)
    assert current is not None
    survey = _survey(assistant, "benchmark-2027")
    other = assistant.person("Can")
    await assistant.services.people.seen(other.id, "tr")
    await assistant.services.surveys.submit(
        survey, round_id, other.id, company, {**figures, "export_share": 5.0}, datetime.now(UTC), 0
    )
    again = await colleague.press(step, "Gönder")
    assert "firmanızdan biri de bu anketi gönderdi" in (again.text or "")
    assert "1.100.000 TL" in (again.text or "")
    done = await colleague.press(again, "Gönder")
    assert "kaydedildi" in (done.text or "")
    final = await assistant.services.surveys.company_answer(round_id, company)
    assert final is not None and final.answers["revenue_per_employee"] == 1_100_000
    assert final.revision == 2


async def test_a_report_waits_for_k_companies(assistant: Assistant) -> None:
    round_id = await send(assistant, "benchmark-2027")
    companies = await _member_companies(assistant, 3)
    for company in companies:
        await answered(assistant, round_id, {"revenue_per_employee": 1.0}, company)
    zeynep = await verified_member(assistant, companies[0])
    listing = await zeynep.says("/surveys")
    report = await zeynep.press(listing, "📊 Kıyaslama raporum")
    assert "en az 10 firma" in (report.text or "")


async def test_staff_see_the_cluster_benchmark_and_how_it_moved_since_the_last_round(
    assistant: Assistant,
) -> None:
    companies = await _member_companies(assistant, 12)
    first = await send(assistant, "benchmark-2027")
    for number, company in enumerate(companies):
        await answered(assistant, first, {"export_share": 20.0 + 1.3 * number}, company)
    second = await send(assistant, "benchmark-2027")
    for number, company in enumerate(companies):
        await answered(assistant, second, {"export_share": 30.0 + 1.3 * number}, company)
    elif_ = staff(assistant)
    page = await survey_page(elif_, "Kıyaslama 2027")
    view = await elif_.press(page, "📊 Küme kıyaslaması")
    text = view.text or ""
    assert "2. tur · küme kıyaslaması" in text
    assert "Orta değer 1. turdan bu yana %10,0 arttı" in text
    assert "12 firma" in text


async def test_the_staff_menu_leads_to_the_surveys(assistant: Assistant) -> None:
    elif_ = staff(assistant)
    menu = await elif_.says("/staff")
    listing = await elif_.press(menu, "📋 Anketler")
    assert "İhtiyaç analizi 2027" in (listing.text or "") and "henüz gönderilmedi" in (
        listing.text or ""
    )


async def test_many_long_free_texts_are_cut_to_one_message(assistant: Assistant) -> None:
    round_id = await send(assistant, "needs-2027")
    for number in range(40):
        wish = f"{number:02d} " + "Daha çok eğitim ve B2B günü istiyoruz. " * 8
        await answered(
            assistant,
            round_id,
            {"services": ["lean"], "training_need": "no", "satisfaction": 7, "wishes": wish},
        )
    elif_ = staff(assistant)
    page = await survey_page(elif_, "İhtiyaç analizi 2027")
    texts = await elif_.press(page, "💬 Açık uçlu yanıtlar")
    assert len(texts.text or "") <= 4096
    assert "tamamı Excel dosyasında" in (texts.text or "")


async def test_an_erased_person_s_anonymous_answer_is_counted_once_and_explained(
    assistant: Assistant,
) -> None:
    people = [assistant.person(name) for name in ("Ayşe", "Bora", "Cem", "Deniz")]
    for person in people:
        await assistant.services.people.seen(person.id, "tr")
    round_id = await send(assistant, "needs-2027")
    survey = _survey(assistant, "needs-2027")
    for person in people[:3]:
        await assistant.services.surveys.submit(
            survey,
            round_id,
            person.id,
            None,
            {"services": ["lean"], "training_need": "no"},
            datetime.now(UTC),
        )
    await assistant.services.people.erase(people[0].id)
    # The finisher went with the person; the anonymous answers are no one's and stay.
    assert len(await assistant.fetch("SELECT * FROM survey_finishers")) == 2
    assert len(await assistant.fetch("SELECT * FROM survey_responses")) == 3
    elif_ = staff(assistant)
    page = await survey_page(elif_, "İhtiyaç analizi 2027")
    text = page.text or ""
    assert "3 tamamlayan" in text
    assert "ℹ️ Bunların 1 tanesi, sonradan verilerini sildiren kişilerin anonim yanıtı" in text
    results = await elif_.press(page, "📊 Sonuçlar")
    text = results.text or ""
    tally = re.search(r"(\d+)/(\d+) tamamladı \(yanıt oranı %(\d+)\)", text)
    assert tally is not None and tally.group(1) == "3", text
    assert round(100 * 3 / int(tally.group(2))) == int(tally.group(3))
    assert "(3 yanıt)" in text and "ℹ️ Bunların 1 tanesi" in text
    await elif_.emulator.press_button(elif_.user, results, "‹ Geri")
    page = await elif_.emulator.wait_for_bot_message(elif_.id, contains="tamamlayan")
    await elif_.emulator.press_button(elif_.user, page, "📥 Excel")
    sent = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert sent.document is not None
    summary = openpyxl.load_workbook(io.BytesIO(sent.document.content))["Özet"]
    assert [summary.cell(4, column).value for column in (1, 2)] == ["Tamamlayan", 3]
    assert "Bunların 1 tanesi" in str(summary.cell(4, 3).value)
