"""Survey screens: the invitation and reminder, a person's open surveys, the answers shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.benchmark_report import (
    ChartWords,
    ClusterIndicator,
    CompanyReport,
    IndicatorReport,
)
from bot.domain.plausibility import Doubt
from bot.domain.questions import shown_answer
from bot.screens.buttons import SurveyOpen
from bot.screens.outgoing import TextMessage
from bot.screens.texts import Texts
from storage.questions import NUMBER, PERCENTAGE, Question
from storage.survey_definitions import Survey
from storage.surveys import Round


@dataclass(frozen=True)
class ShownAnswer:
    """A question and its answer as the review lists them."""

    number: int
    question: Question
    answer: str  # empty: not answered


def invitation_screen(
    texts: Texts, survey: Survey, round_: Round, language: str, *, reminder: bool
) -> TextMessage:
    """Return a survey's invitation (or its one reminder) with the button that starts it."""
    text = texts.render(
        language,
        "survey_invitation",
        survey=survey,
        round=round_,
        reminder=reminder,
    )
    button = InlineKeyboardButton(
        texts.label(language, "survey_start"), callback_data=SurveyOpen(round_.id).data
    )
    return TextMessage(text, InlineKeyboardMarkup([[button]]))


def yes_no(texts: Texts, language: str) -> dict[str, str]:
    """Return how yes and no read in answers."""
    return {"yes": texts.label(language, "form_yes"), "no": texts.label(language, "form_no")}


def answer_text(texts: Texts, question: Question, value: Any, language: str) -> str:
    """Return an answer as people read it: numbers the Turkish or English way, with the unit."""
    if value is None:
        return ""
    if question.type in (NUMBER, PERCENTAGE) and isinstance(value, int | float):
        number = texts.render(language, "survey_number", value=value, question=question)
        return number
    return shown_answer(question, value, language, yes_no(texts, language))


@dataclass(frozen=True)
class ShownDoubt:
    """A typed figure asked about, written as the person reads figures."""

    reason: str  # bot.domain.plausibility's OUTSIDE or JUMPED
    value: str
    low: str  # the typical range ("" when the question has none)
    high: str
    previous: str  # the company's previous answer ("" when none)


def shown_doubt(texts: Texts, question: Question, doubt: Doubt, language: str) -> ShownDoubt:
    """Return a doubt about a typed figure with its figures written out."""
    low, high = question.typical or (None, None)
    return ShownDoubt(
        reason=doubt.reason,
        value=answer_text(texts, question, doubt.value, language),
        low=answer_text(texts, question, low, language),
        high=answer_text(texts, question, high, language),
        previous=answer_text(texts, question, doubt.previous, language),
    )


def shown_answers(
    texts: Texts,
    answers: Mapping[str, Any],
    asked: Sequence[Question],
    language: str,
) -> list[ShownAnswer]:
    """Return the questions asked, numbered among those asked, with their answers."""
    return [
        ShownAnswer(
            number,
            question,
            answer_text(texts, question, answers.get(question.id), language),
        )
        for number, question in enumerate(asked, start=1)
    ]


def figure_text(texts: Texts, places: int, question: Question, value: float, language: str) -> str:
    """Return a benchmark figure with this many decimals and its unit ("%12,5", "1.690 TL")."""
    return texts.render(
        language, "benchmark_figure", value=value, question=question, places=places, unit=True
    )


@dataclass(frozen=True)
class BenchmarkLine:
    """One indicator of a company's report as the chat and the PDF say it."""

    name: str
    own: str  # the company's value, formatted ("" when not answered)
    band: str | None  # the standing's band (templates word it), None: not compared
    median: str
    lower: str
    upper: str
    lagging: bool
    plain: str  # the whole line as plain text, for the PDF


def benchmark_lines(texts: Texts, report: CompanyReport, language: str) -> list[BenchmarkLine]:
    """Return the report's indicators as lines, numbers written the language's way."""
    behind = {item.indicator.question for item in report.lagging}
    lines = []
    for item in report.indicators:

        def shown(value: float | None, item: IndicatorReport = item) -> str:
            if value is None:
                return ""
            return figure_text(texts, item.indicator.places, item.question, value, language)

        cluster = item.cluster
        line = BenchmarkLine(
            name=item.indicator.name.get(language),
            own=shown(item.own),
            band=item.standing.band if item.standing is not None else None,
            median=shown(cluster.median) if cluster else "",
            lower=shown(cluster.lower) if cluster else "",
            upper=shown(cluster.upper) if cluster else "",
            lagging=item.indicator.question in behind,
            plain="",
        )
        plain = texts.render(language, "benchmark_line", line=line)
        lines.append(replace(line, plain=plain))
    return lines


@dataclass(frozen=True)
class ClusterLine:
    """One indicator of the staff's cluster benchmark, its figures written out."""

    item: ClusterIndicator
    median: str
    lower: str
    upper: str
    moved: str  # how far the median moved, without its sign ("" when it did not)
    sectors: tuple[tuple[str, str], ...]  # (sector's name, its median)


def cluster_lines(
    texts: Texts,
    indicators: Sequence[ClusterIndicator],
    language: str,
    sector_name: Callable[[str], str],
) -> list[ClusterLine]:
    """Return the staff's cluster benchmark as lines, figures with each indicator's decimals."""
    lines = []
    for item in indicators:

        def shown(value: float, item: ClusterIndicator = item) -> str:
            return figure_text(texts, item.indicator.places, item.question, value, language)

        cluster = item.cluster
        lines.append(
            ClusterLine(
                item=item,
                median=shown(cluster.median) if cluster else "",
                lower=shown(cluster.lower) if cluster else "",
                upper=shown(cluster.upper) if cluster else "",
                moved=shown(abs(item.moved)) if item.moved else "",
                sectors=tuple(
                    (sector_name(group.key), shown(group.spread.median)) for group in item.sectors
                ),
            )
        )
    return lines


def chart_words(texts: Texts, report: CompanyReport, language: str) -> ChartWords:
    """Return the chart's words in the company's language: names, units and tick labels."""
    questions = {item.indicator.question: item for item in report.indicators}

    def tick(value: float, question: Question, places: int) -> str:
        return texts.render(
            language, "benchmark_figure", value=value, question=question, places=places, unit=False
        )

    return ChartWords(
        own=texts.label(language, "benchmark_own"),
        cluster=texts.label(language, "benchmark_cluster"),
        median=texts.label(language, "benchmark_median"),
        names={name: item.indicator.name.get(language) for name, item in questions.items()},
        units={
            name: texts.render(language, "benchmark_axis", question=item.question)
            for name, item in questions.items()
        },
        tick=tick,
    )
