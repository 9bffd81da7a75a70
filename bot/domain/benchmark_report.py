"""A company's benchmark report, and the cluster's: computed from anonymous figures only.

The company's own values come with their standing against the others (a band in words) and
the cluster's safe spread (bot/domain/benchmark.py); the three indicators where it lags most
carry the services and trainings that address them (the indicator's links in the content).
The staff's cluster report adds the spread per sector where the sector may be shown, and how
the median moved since the previous round. The chart (matplotlib) and the PDF (fpdf2, the
project's printed-document base) are made only when asked for.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.domain.benchmark import (
    Group,
    Spread,
    Standing,
    lagging,
    movement,
    shown_groups,
    spread,
    standing,
)
from storage.questions import Question
from storage.survey_definitions import Indicator, Survey
from storage.surveys import CompanyFigure

if TYPE_CHECKING:
    from fpdf import FPDF
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class IndicatorReport:
    """One indicator for one company: its value, standing and the cluster's spread."""

    indicator: Indicator
    question: Question
    own: float | None
    standing: Standing | None  # None: the company did not answer, or too few companies did
    cluster: Spread | None  # None: fewer than K companies answered


@dataclass(frozen=True)
class CompanyReport:
    """A company's benchmark report of one round."""

    survey: Survey
    round_number: int
    indicators: tuple[IndicatorReport, ...]
    lagging: tuple[IndicatorReport, ...]

    @property
    def compared(self) -> bool:
        """Tell whether at least one indicator could be compared."""
        return any(item.standing is not None for item in self.indicators)


@dataclass(frozen=True)
class GroupSpread:
    """A group's spread for an indicator, shown only when disclosure control allows it."""

    key: str
    spread: Spread


@dataclass(frozen=True)
class ClusterIndicator:
    """An indicator across the cluster for staff: its spread, per sector, and its movement."""

    indicator: Indicator
    question: Question
    cluster: Spread | None
    sectors: tuple[GroupSpread, ...]
    moved: float | None  # the median's change since the previous round, when both are shown


def company_report(
    survey: Survey,
    round_number: int,
    figures: Mapping[str, Sequence[CompanyFigure]],
    k: int,
) -> CompanyReport:
    """Return a company's report from each indicator's figures (its own marked `mine`)."""
    items = []
    for indicator in survey.indicators:
        question = survey.question(indicator.question)
        assert question is not None  # the content checks indicators name questions
        given = figures.get(indicator.question, ())
        own = next((figure.value for figure in given if figure.mine), None)
        others = [figure.value for figure in given if not figure.mine]
        shown = spread([figure.value for figure in given], k, indicator.places)
        place = (
            standing(own, others, indicator.direction)
            if own is not None and shown is not None
            else None
        )
        items.append(IndicatorReport(indicator, question, own, place, shown))
    placed = {item.indicator.question: item.standing for item in items if item.standing}
    behind = lagging(placed)
    by_question = {item.indicator.question: item for item in items}
    return CompanyReport(
        survey, round_number, tuple(items), tuple(by_question[name] for name in behind)
    )


def cluster_report(
    survey: Survey,
    current: Mapping[str, Sequence[CompanyFigure]],
    previous: Mapping[str, Sequence[CompanyFigure]] | None,
    k: int,
) -> list[ClusterIndicator]:
    """Return the staff's cluster view of a round: spreads, safe sector spreads, movement."""
    found = []
    for indicator in survey.indicators:
        question = survey.question(indicator.question)
        assert question is not None
        given = list(current.get(indicator.question, ()))
        shown = spread([figure.value for figure in given], k, indicator.places)
        groups = [
            Group(
                "sector",
                sector,
                frozenset(n for n, figure in enumerate(given) if figure.sector_id == sector),
            )
            for sector in sorted({figure.sector_id for figure in given if figure.sector_id})
        ]
        sectors = []
        for group in shown_groups(frozenset(range(len(given))), groups, k):
            values = [given[n].value for n in sorted(group.members)]
            sector_spread = spread(values, k, indicator.places)
            if sector_spread is not None:
                sectors.append(GroupSpread(group.key, sector_spread))
        before = None
        if previous is not None:
            earlier = [figure.value for figure in previous.get(indicator.question, ())]
            before = spread(earlier, k, indicator.places)
        found.append(
            ClusterIndicator(indicator, question, shown, tuple(sectors), movement(before, shown))
        )
    return found


# -- the chart and the PDF -------------------------------------------------------------------

_BAND = "#99c1d1"
_MEDIAN = "#1f6f8b"
_OWN = "#d1495b"


@dataclass(frozen=True)
class ChartWords:
    """The chart's words in the company's language, made by the caller."""

    own: str  # the legend's entries
    cluster: str
    median: str
    names: Mapping[str, str]  # indicator (its question id) -> its short name
    units: Mapping[str, str]  # indicator -> its axis label ("TL", "yüzde (%)"), "" for none
    tick: Callable[[float, Question, int], str]  # (value, question, decimals) -> "%12,5"


def report_chart(report: CompanyReport, words: ChartWords) -> bytes:
    """Return the chart as a PNG."""
    buffer = io.BytesIO()
    chart_figure(report, words).savefig(buffer, format="png")
    return buffer.getvalue()


def chart_figure(report: CompanyReport, words: ChartWords) -> Figure:
    """Return the chart: per indicator the cluster's middle half as a band, its median, and the
    company's own value, each indicator on its own scale with its unit and its decimals."""
    from matplotlib.figure import Figure  # only when a chart is made
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    shown = [item for item in report.indicators if item.cluster is not None]
    figure = Figure(figsize=(8, 1.3 * max(len(shown), 1) + 1), dpi=100, layout="constrained")
    axes = figure.subplots(max(len(shown), 1), 1, squeeze=False)
    for row, item in enumerate(shown):
        plot = axes[row][0]
        cluster = item.cluster
        assert cluster is not None
        name = item.indicator.question
        low = min(cluster.lower, item.own if item.own is not None else cluster.lower)
        high = max(cluster.upper, item.own if item.own is not None else cluster.upper)
        margin = (high - low) * 0.25 or abs(high) * 0.1 or 1.0
        # Within what the question allows: no -5 % or 110 % on the axis.
        question = item.question
        left = max(low - margin, question.minimum if question.minimum is not None else -math.inf)
        right = min(high + margin, question.maximum if question.maximum is not None else math.inf)
        plot.set_xlim(left, right if right > left else left + 1)
        plot.barh(
            [0],
            [cluster.upper - cluster.lower],
            left=cluster.lower,
            color=_BAND,
            height=0.6,
            label=words.cluster,
        )
        plot.plot([cluster.median] * 2, [-0.3, 0.3], color=_MEDIAN, linewidth=3, label=words.median)
        if item.own is not None:
            plot.plot([item.own], [0], marker="D", color=_OWN, markersize=10, label=words.own)
        plot.set_yticks([])
        # Ticks only where the indicator's decimals can write them (no 2,5 for whole numbers),
        # each written the language's way ("1.250.000", "%12,5"): no "1e6" offset. An axis
        # whose ticks are all whole writes them so (%10, %20), the figures keep their decimals.
        locator = MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=item.indicator.places == 0)
        plot.xaxis.set_major_locator(locator)
        places = _tick_places(locator.tick_values(*plot.get_xlim()), item.indicator.places)
        plot.xaxis.set_major_formatter(
            FuncFormatter(lambda value, _, q=item.question, p=places: words.tick(value, q, p))
        )
        plot.tick_params(axis="x", labelsize=8)
        plot.set_xlabel(words.units.get(name, ""), fontsize=8, loc="right")
        plot.set_title(words.names.get(name, name), fontsize=10, loc="left", fontweight="bold")
    # One legend under the chart, where it covers no figure.
    legend: dict[str, Any] = {}
    for plot in (row[0] for row in axes):
        handles, labels = plot.get_legend_handles_labels()
        legend.update(zip(labels, handles, strict=True))
    if legend:
        figure.legend(
            list(legend.values()), list(legend), loc="outside lower center", ncols=3, fontsize=8
        )
    return figure


def _tick_places(ticks: Sequence[float], places: int) -> int:
    """Return the fewest decimals, at most the indicator's, that write every tick exactly."""
    for fewer in range(places + 1):
        if all(math.isclose(round(tick, fewer), tick, abs_tol=1e-9) for tick in ticks):
            return fewer
    return places


@dataclass(frozen=True)
class PdfText:
    """The report's words, rendered by the caller in the company's language."""

    title: str
    intro: str
    lines: Sequence[tuple[str, str]]  # (indicator, what the chat says about it)
    lagging_title: str
    lagging: Sequence[str]
    footer: str


def report_pdf(text: PdfText, chart: bytes, created: datetime, author: str) -> bytes:
    """Return the report as a PDF: its text, then the chart."""
    from bot.domain.printed import FONT, new_document, pdf_bytes

    document = new_document(created, title=text.title, author=author)
    document.add_page()
    document.set_font(FONT, "B", 16)
    _line(document, 9, text.title)
    document.set_font(FONT, "", 10)
    _line(document, 5, text.intro)
    document.ln(3)
    for name, line in text.lines:
        document.set_font(FONT, "B", 10)
        _line(document, 5, name)
        document.set_font(FONT, "", 10)
        _line(document, 5, line)
        document.ln(1)
    if text.lagging:
        document.ln(2)
        document.set_font(FONT, "B", 11)
        _line(document, 6, text.lagging_title)
        document.set_font(FONT, "", 10)
        for line in text.lagging:
            _line(document, 5, f"• {line}")
    document.add_page()
    document.image(io.BytesIO(chart), w=180)
    document.ln(4)
    document.set_font(FONT, "", 8)
    _line(document, 4, text.footer)
    return pdf_bytes(document)


def _line(document: FPDF, height: float, text: str) -> None:
    """Write a paragraph across the page and move to the start of the next line."""
    document.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
