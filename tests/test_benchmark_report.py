"""A company's benchmark report reads plainly: short names, plain words, figures written alike."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pypdf
import pytest
import yaml

from bot.domain.benchmark import spread
from bot.domain.benchmark_report import chart_figure, company_report
from bot.screens.surveys import chart_words
from bot.screens.texts import Texts
from storage.content import ContentError, bundled_content_path, parse_catalogue_text
from storage.survey_definitions import Survey
from storage.surveys import CompanyFigure
from tests.conftest import Assistant
from tests.test_survey_results import (
    _member_companies,
    answered,
    send,
    staff,
    survey_page,
    verified_member,
)

# Ten other companies' figures: each indicator spread evenly, so the report's words are known.
OTHERS = [
    {
        "revenue_per_employee": 800_000.0 + 31_415.92 * number,
        "export_share": 10.0 + 3.7 * number,
        "on_time_delivery": 70.0 + 2.3 * number,
        "scrap_rate": 2.0 + 0.37 * number,
        "training_hours": 5.0 + 1.3 * number,
        "rnd_share": 0.5 + 0.21 * number,
    }
    for number in range(10)
]
OWN = {
    "revenue_per_employee": 1_250_000.5,
    "export_share": 12.0,
    "on_time_delivery": 99.0,
    "scrap_rate": 9.5,
    "training_hours": 4.0,
    "rnd_share": 0.2,
}


def _survey(assistant: Assistant) -> Survey:
    survey = assistant.services.catalogue.survey("benchmark-2027")
    assert survey is not None
    return survey


async def _benchmark_with_own(assistant: Assistant) -> tuple[int, int]:
    """Send the benchmark, let ten companies answer, and one more: return (round, own company)."""
    round_id = await send(assistant, "benchmark-2027")
    companies = await _member_companies(assistant, 11)
    for company, figures in zip(companies, OTHERS, strict=False):
        await answered(assistant, round_id, figures, company)
    await answered(assistant, round_id, OWN, companies[-1])
    return round_id, companies[-1]


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_the_report_names_indicators_shortly_and_says_where_the_company_stands_plainly(
    assistant: Assistant,
) -> None:
    _, own = await _benchmark_with_own(assistant)
    zeynep = await verified_member(assistant, own)
    listing = await zeynep.says("/surveys")
    report = await zeynep.press(listing, "📊 Kıyaslama raporum")
    text = report.text or ""
    # The indicators' short names, not the questions ("Fire (hurda) oranı?").
    for name in ("Çalışan başına ciro", "İhracat payı", "Fire oranı", "Ar-Ge payı"):
        assert f"\n{name}\n" in f"\n{text}\n".replace("🟢 ", "").replace("🔴 ", "").replace(
            "🔵 ", ""
        ).replace("🟠 ", ""), name
    assert "?" not in text
    # Plain words: no "orta yarı", "ortanca" or "bantlı".
    for jargon in ("orta yarı", "ortanca", "bantlı", "çeyrek"):
        assert jargon not in text.lower(), jargon
    assert "Kümenin en iyi dörtte birindesiniz." in text  # on-time delivery, 99%
    assert "Kümenin en geride kalan dörtte birindesiniz." in text  # scrap rate 9.5%
    lagging = re.search(r"Geride kaldığınız göstergeler: ([^.]+)\.", text)
    assert lagging is not None and "Fire oranı" in lagging.group(1).split(", ")
    assert "yuvarlanır ve birkaç firmanın ortalamasından hesaplanır" in text
    # Every figure of an indicator has its decimals: revenue none, percentages one.
    assert "Sizin değeriniz 1.250.000 TL." in text
    assert "Sizin değeriniz %99,0." in text and "Sizin değeriniz %0,2." in text
    percentages = re.findall(r"%\d[\d.]*(?:,\d+)?", text)
    assert percentages and all(re.fullmatch(r"%[\d.]+,\d", found) for found in percentages)
    amounts = re.findall(r"[\d.,]+ TL", text)
    assert len(amounts) == 4 and all("," not in amount for amount in amounts)
    # The exact value stays in the database; only its writing is rounded.
    [stored] = await assistant.fetch(
        "SELECT a.number FROM survey_answers a JOIN survey_responses s ON s.id = a.response_id "
        "WHERE s.company_id = ? AND a.question = 'revenue_per_employee'",
        own,
    )
    assert stored["number"] == 1_250_000.5

    await zeynep.emulator.press_button(zeynep.user, report, "📄 PDF olarak al")
    pdf = await zeynep.emulator.wait_for_bot_message(
        zeynep.id, predicate=lambda m: m.document is not None
    )
    assert pdf.document is not None
    printed = _pdf_text(pdf.document.content)
    assert "Fire oranı" in printed and "Fire (hurda)" not in printed
    assert "1.250.000 TL" in printed and "%99,0" in printed
    assert "orta yarı" not in printed and "bantlı" not in printed


async def test_an_english_speaker_reads_the_same_figures_the_english_way(
    assistant: Assistant,
) -> None:
    _, own = await _benchmark_with_own(assistant)
    member = await verified_member(assistant, own)
    await assistant.services.people.seen(member.id, "en")
    await assistant.services.database.execute(
        "UPDATE people SET language = 'en' WHERE id = ?", (member.id,)
    )
    listing = await member.says("/surveys")
    report = await member.press(listing, "📊 My benchmark report")
    text = report.text or ""
    assert "Scrap rate" in text and "Turnover per employee" in text
    assert "Your figure is 1,250,000 TRY." in text and "Your figure is 99.0%." in text
    assert "You are in the cluster's best quarter." in text
    assert "middle half" not in text and "median" not in text


async def test_staff_see_the_cluster_by_short_names_with_each_indicators_decimals(
    assistant: Assistant,
) -> None:
    await _benchmark_with_own(assistant)
    elif_ = staff(assistant)
    page = await survey_page(elif_, "Kıyaslama 2027")
    view = await elif_.press(page, "📊 Küme kıyaslaması")
    text = view.text or ""
    assert "<b>Fire oranı</b>" in (view.html or "")
    assert "Fire (hurda) oranı?" not in text
    assert "ortanca" not in text.lower() and "orta yarı" not in text
    assert re.search(r"Orta değer [\d.]+ TL · firmaların yarısı [\d.]+ TL ile [\d.]+ TL", text)
    assert re.search(r"Orta değer %\d+,\d · firmaların yarısı %\d+,\d ile %\d+,\d", text)


def _figures() -> dict[str, list[CompanyFigure]]:
    """Return each indicator's figures as storage gives them: the others', then the own."""
    return {
        name: [
            *(CompanyFigure(row[name], None, None, False) for row in OTHERS),
            CompanyFigure(OWN[name], None, None, True),
        ]
        for name in OWN
    }


@pytest.mark.parametrize(("language", "ticks"), [("tr", r"%\d+(,\d)?"), ("en", r"\d+(\.\d)?%")])
def test_the_chart_speaks_the_language_with_units_and_no_offset(
    language: str, ticks: str, assistant: Assistant
) -> None:
    survey = _survey(assistant)
    report = company_report(survey, 1, _figures(), k=10)
    texts = Texts(assistant.services.texts.timezone)
    figure = chart_figure(report, chart_words(texts, report, language))
    figure.savefig(io.BytesIO(), format="png")  # draws: the tick labels are set
    plots = figure.axes
    titles = [plot.get_title(loc="left") for plot in plots]
    if language == "tr":
        assert titles[0] == "Çalışan başına ciro" and "Fire oranı" in titles
    else:
        assert titles[0] == "Turnover per employee" and "Scrap rate" in titles
    revenue = [label.get_text() for label in plots[0].get_xticklabels() if label.get_text()]
    # Whole lira, grouped the language's way, no "1e6" offset above the axis.
    separator = "." if language == "tr" else ","
    assert revenue and all(re.fullmatch(rf"\d{{1,3}}(?:\{separator}\d{{3}})+", t) for t in revenue)
    assert plots[0].xaxis.get_offset_text().get_text() == ""
    assert plots[0].get_xlabel() == ("TL" if language == "tr" else "TRY")
    export = [label.get_text() for label in plots[1].get_xticklabels() if label.get_text()]
    assert export and all(re.fullmatch(ticks, t) for t in export), export
    # An axis of whole percentages writes them whole; one with a half writes all with a decimal.
    written = {bool(re.search(r"[,.]\d", t)) for t in export}
    assert len(written) == 1, export
    scrap = [label.get_text() for label in plots[3].get_xticklabels() if label.get_text()]
    assert len({bool(re.search(r"[,.]\d", t)) for t in scrap}) == 1, scrap
    assert plots[1].get_xlabel() == ("yüzde (%)" if language == "tr" else "per cent (%)")
    legend = figure.legends[0]
    assert len(legend.get_texts()) == 3


@pytest.mark.parametrize("places", [0, 1, 2])
def test_shown_figures_have_the_indicators_decimals_and_none_is_a_company_value_so_written(
    places: int,
) -> None:
    values = [float(hours) for hours in range(10, 30)] * 2 + [12.34, 17.77, 21.05]
    shown = spread(values, k=10, places=places)
    assert shown is not None
    written = {round(value, places) for value in values}
    for figure in (shown.lower, shown.median, shown.upper):
        assert round(figure, places) == figure
        assert figure not in written
    assert shown.lower <= shown.median <= shown.upper


async def test_one_query_brings_all_of_a_rounds_figures(assistant: Assistant) -> None:
    round_id, own = await _benchmark_with_own(assistant)
    questions = [indicator.question for indicator in _survey(assistant).indicators]
    together = await assistant.services.surveys.round_figures(round_id, questions, own)
    for question in questions:
        alone = await assistant.services.surveys.company_figures(round_id, question, own)
        assert together[question] == alone
    assert sum(figure.mine for figure in together["scrap_rate"]) == 1


def _demo_with(change: Any) -> str:
    """Return the bundled catalogue's YAML with the benchmark survey changed by `change`."""
    data = yaml.safe_load(bundled_content_path().read_text(encoding="utf-8"))
    [benchmark] = [survey for survey in data["surveys"] if survey["id"] == "benchmark-2027"]
    change(benchmark)
    return yaml.safe_dump(data, allow_unicode=True)


def _unnamed(*questions: str) -> Any:
    def change(survey: dict[str, Any]) -> None:
        for indicator in survey["indicators"]:
            if indicator["question"] in questions:
                indicator.pop("name")

    return change


def test_an_indicator_is_named_from_its_question_or_must_be_given_a_short_name() -> None:
    text = _demo_with(_unnamed("revenue_per_employee", "scrap_rate"))
    survey = parse_catalogue_text(text, "demo.yaml").survey("benchmark-2027")
    assert survey is not None
    names = {indicator.question: indicator.name for indicator in survey.indicators}
    # "Geçen yıl çalışan başına ciro (TL)?": no question mark, no unit in brackets.
    assert names["revenue_per_employee"].tr == "Geçen yıl çalışan başına ciro"
    assert names["scrap_rate"].en == "Scrap rate"
    assert names["on_time_delivery"].tr == "Zamanında teslimat"
    # "Zamanında teslim edilen siparişlerin oranı" is too long for a chart's title.
    with pytest.raises(ContentError) as error:
        parse_catalogue_text(_demo_with(_unnamed("on_time_delivery")), "demo.yaml")
    assert error.value.field_name == "indicators[on_time_delivery].name"
    assert "at most 40 characters" in error.value.problem

    def too_many_decimals(survey: dict[str, Any]) -> None:
        survey["indicators"][0]["decimals"] = 5

    with pytest.raises(ContentError, match="must be 0, 1, 2 or 3"):
        parse_catalogue_text(_demo_with(too_many_decimals), "demo.yaml")


async def test_staff_results_of_a_benchmark_use_the_same_plain_words_and_decimals(
    assistant: Assistant,
) -> None:
    await _benchmark_with_own(assistant)
    elif_ = staff(assistant)
    page = await survey_page(elif_, "Kıyaslama 2027")
    results = await elif_.press(page, "📊 Sonuçlar")
    text = results.text or ""
    assert "bantlı" not in text and "çeyrek" not in text and "ortanca" not in text
    revenue = re.search(r"Firmaların yarısı ([\d.,]+) TL ile ([\d.,]+) TL arasında", text)
    assert revenue is not None and "," not in revenue.group(0)
    export = re.findall(r"(?:yarısı|ile|değer) (%[\d.,]+)", text)
    assert export and all(re.fullmatch(r"%\d+,\d", figure) for figure in export), export

    page = await elif_.press(results, "‹ Geri")
    await elif_.emulator.press_button(elif_.user, page, "📥 Excel")
    workbook = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert workbook.document is not None
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.document.content)).worksheets[0]
    shown = [
        row[1].number_format
        for row in sheet.iter_rows()
        if str(row[0].value or "").startswith("Orta değer")
    ]
    # Revenue per employee in whole lira, the percentages and hours with one decimal.
    assert shown[0] == "#,##0" and set(shown[1:]) == {"#,##0.0"}
