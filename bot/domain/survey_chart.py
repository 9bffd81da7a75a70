"""A survey round's chart for the chat: a bar per answer of each counted question.

Drawn on a bare matplotlib Figure (no pyplot, no GUI backend), as the impact chart is, and
only when staff ask for it: the library is imported here, not when the bot starts.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping

from bot.domain.survey_results import RoundResults
from storage.questions import SCALE, YES_NO, Question

_COLOUR = "#1f6f8b"
_SHOWN = 8  # questions in one image; a longer survey's chart shows its first eight


def answer_label(question: Question, value: str, language: str, yes_no: Mapping[str, str]) -> str:
    """Return how an answer value reads: its choice's label, yes or no, a scale's point."""
    if question.type == YES_NO:
        return yes_no[value]
    if question.type == SCALE:
        return value
    choice = question.choice(value)
    return choice.label.get(language) if choice is not None else value


def survey_chart(results: RoundResults, language: str, yes_no: Mapping[str, str]) -> bytes | None:
    """Return the chart as a PNG image, or None when no question is counted."""
    from matplotlib.figure import Figure  # only when a chart is made

    counted = [result for result in results.questions if result.counts][:_SHOWN]
    if not counted:
        return None
    figure = Figure(figsize=(8, 2.2 * len(counted) + 0.5), dpi=100, layout="constrained")
    axes = figure.subplots(len(counted), 1, squeeze=False)
    for row, result in enumerate(counted):
        plot = axes[row][0]
        labels = [
            textwrap.shorten(answer_label(result.question, value, language, yes_no), 38)
            for value, _ in result.counts
        ]
        values = [count for _, count in result.counts]
        positions = list(range(len(labels)))
        plot.barh(positions, values, color=_COLOUR)
        plot.set_yticks(positions, labels)
        plot.invert_yaxis()
        plot.set_title(textwrap.shorten(result.question.text.get(language), 70), fontsize=10)
        plot.xaxis.get_major_locator().set_params(integer=True)
        for position, value in zip(positions, values, strict=True):
            plot.annotate(str(value), (value, position), xytext=(3, -3), textcoords="offset points")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
