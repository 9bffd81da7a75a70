"""The impact report's chart for the chat: participation and SMEs by month, SMEs by sector.

Drawn on a bare matplotlib Figure (no pyplot, so no GUI backend and no global state: the Agg
renderer writes the PNG in memory) at a size a phone shows whole.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from babel.dates import format_date
from matplotlib.figure import Figure

from bot.domain.impact import PeriodReport

_LOCALES = {"tr": "tr_TR", "en": "en_GB"}
_SECTORS_SHOWN = 6
_COLOURS = ("#1f6f8b", "#99a8b2")


def impact_chart(
    report: PeriodReport,
    language: str,
    label: Callable[[str], str],
    sector_name: Callable[[str], str],
) -> bytes:
    """Return the chart as a PNG image."""
    figure = Figure(figsize=(8, 9), dpi=110, layout="constrained")
    by_month, by_sector = figure.subplots(2, 1, height_ratios=(3, 2))
    months = [format_date(m.first_day, "MMM yy", locale=_LOCALES[language]) for m in report.months]
    positions = range(len(months))
    width = 0.4
    by_month.bar(
        [p - width / 2 for p in positions],
        [m.participants for m in report.months],
        width,
        label=label("report_column_participants"),
        color=_COLOURS[0],
    )
    by_month.bar(
        [p + width / 2 for p in positions],
        [m.smes for m in report.months],
        width,
        label=label("report_column_smes"),
        color=_COLOURS[1],
    )
    by_month.set_xticks(list(positions), months, rotation=45 if len(months) > 6 else 0)
    by_month.set_title(label("report_chart_by_month"))
    by_month.legend()
    by_month.yaxis.get_major_locator().set_params(integer=True)
    sectors = list(report.by_sector.items())[:_SECTORS_SHOWN]
    names = [sector_name(key) for key, _ in sectors][::-1]
    by_sector.barh(names, [count for _, count in sectors][::-1], color=_COLOURS[0])
    by_sector.set_title(label("report_chart_sectors"))
    by_sector.xaxis.get_major_locator().set_params(integer=True)
    for axes in (by_month, by_sector):
        axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
