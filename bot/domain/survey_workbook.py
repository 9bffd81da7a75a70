"""A survey round as an Excel workbook: a summary sheet with native charts, and the raw answers.

Written with XlsxWriter (imported only when a workbook is made), as the impact workbook is.
An anonymous survey's raw sheet has no person column; a benchmark's raw values go only into
an admin's workbook (the caller decides and audits), everyone else gets the summary only.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.domain.questions import column_title
from bot.domain.survey_chart import answer_label
from bot.domain.survey_results import RoundResults
from storage.surveys import RawResponse

_SHEET_TITLE_LIMIT = 31


def survey_workbook(
    results: RoundResults,
    raw: Sequence[RawResponse] | None,
    language: str,
    label: Callable[[str], str],
    yes_no: Mapping[str, str],
) -> bytes:
    """Return the workbook's bytes: the summary, and the raw answers when `raw` is given."""
    import xlsxwriter  # only when a workbook is made, not in every running bot

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})
    percent = book.add_format({"num_format": "0%"})
    decimal = book.add_format({"num_format": "#,##0.00"})
    survey = results.survey
    summary = book.add_worksheet(label("survey_sheet_summary")[:_SHEET_TITLE_LIMIT])
    summary.set_column(0, 0, 48)
    summary.set_column(1, 3, 14)
    summary.write(0, 0, survey.title.get(language), title)
    if results.about is not None:
        summary.write(1, 0, results.about, bold)
    summary.write_row(2, 0, [label("survey_column_invited"), results.tally.invited], bold)
    summary.write_row(3, 0, [label("survey_column_finished"), results.tally.completed], bold)
    if results.tally.erased:
        summary.write(3, 2, label("survey_erased_note").format(count=results.tally.erased))
    summary.write(4, 0, label("survey_column_rate"), bold)
    if results.rate is not None:
        summary.write_number(4, 1, results.rate, percent)
    row = 6
    charts = 0
    for result in results.questions:
        question = result.question
        summary.write(row, 0, question.text.get(language), bold)
        summary.write(row, 1, label("survey_column_answered"), bold)
        summary.write_number(row, 2, result.answered)
        row += 1
        if result.counts:
            first = row
            for value, count in result.counts:
                summary.write_string(row, 0, answer_label(question, value, language, yes_no))
                summary.write_number(row, 1, count)
                row += 1
            chart = book.add_chart({"type": "bar"})
            assert chart is not None
            name = summary.get_name()
            chart.add_series(
                {
                    "name": question.text.get(language)[:60],
                    "categories": [name, first, 0, row - 1, 0],
                    "values": [name, first, 1, row - 1, 1],
                }
            )
            chart.set_legend({"none": True})
            chart.set_title({"name": question.text.get(language)[:60]})
            chart.set_size({"width": 520, "height": 60 + 26 * len(result.counts)})
            summary.insert_chart(first - 1, 5, chart)
            charts += 1
            row = max(row, first + 3 + len(result.counts))
        elif result.spread is not None:
            places = survey.places(question)
            shown = book.add_format(
                {"num_format": "#,##0" + ("." + "0" * places if places else "")}
            )
            for column, figure in (
                ("survey_column_lower", result.spread.lower),
                ("survey_column_median", result.spread.median),
                ("survey_column_upper", result.spread.upper),
            ):
                summary.write_string(row, 0, label(column))
                summary.write_number(row, 1, figure, shown)
                row += 1
        elif result.suppressed:
            summary.write_string(row, 0, label("survey_column_suppressed"))
            row += 1
        elif result.average is not None:
            for name, number in (
                ("survey_column_smallest", result.smallest),
                ("survey_column_average", result.average),
                ("survey_column_largest", result.largest),
            ):
                summary.write_string(row, 0, label(name))
                summary.write_number(row, 1, number or 0.0, decimal)
                row += 1
        elif result.texts:
            for text in result.texts:
                summary.write_string(row, 0, text)
                row += 1
        row += 1
    if raw is not None:
        _raw_sheet(book, results, raw, language, label, yes_no, bold)
    book.close()
    return buffer.getvalue()


def _raw_sheet(
    book: Any,
    results: RoundResults,
    raw: Sequence[RawResponse],
    language: str,
    label: Callable[[str], str],
    yes_no: Mapping[str, str],
    bold: Any,
) -> None:
    survey = results.survey
    sheet = book.add_worksheet(label("survey_sheet_raw")[:_SHEET_TITLE_LIMIT])
    who: list[str] = []
    if survey.per_company:
        who = [label("survey_column_company")]
    elif not survey.anonymous:
        who = [label("survey_column_person")]
    # Questions by their short name (or wording): nothing here is read back, so no ids.
    header = [*who, *(column_title(question, language) for question in survey.questions)]
    sheet.write_row(0, 0, header, bold)
    for line, response in enumerate(raw, start=1):
        cells: list[Any] = []
        if survey.per_company:
            cells.append(response.company or "")
        elif not survey.anonymous:
            cells.append(response.person or "")
        for question in survey.questions:
            value = response.answers.get(question.id)
            if isinstance(value, bool) or value is None:
                cells.append("")
            elif isinstance(value, int | float):
                cells.append(value)
            elif isinstance(value, list):
                cells.append(
                    ", ".join(answer_label(question, str(v), language, yes_no) for v in value)
                )
            elif question.choices or question.type == "yes_no":
                cells.append(answer_label(question, str(value), language, yes_no))
            else:
                cells.append(str(value))
        for column, cell in enumerate(cells):
            if isinstance(cell, int | float):
                sheet.write_number(line, column, cell)
            else:
                sheet.write_string(line, column, cell)
    sheet.set_column(0, len(header), 18)
