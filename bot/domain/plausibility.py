"""Is a typed figure likely what the person meant? A doubt asks them once; it never refuses.

A number is valid when it fits its question's range; it is *plausible* when it also lies in the
question's typical range (content: `typical: [low, high]`, e.g. revenue per employee in TL,
where "1.250" was likely meant in thousands) and is not ten times, or a tenth of, what the
company answered in the survey's previous round. An implausible value is shown back, written
out, with a "yes, it's right" button; the person confirms it or types another.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.questions import NUMBER, PERCENTAGE, Question

# A change from the previous round by this factor, up or down, is asked about.
JUMP = 10.0

OUTSIDE = "outside"  # outside the typical range
JUMPED = "jumped"  # ten times or a tenth of the previous round's answer


@dataclass(frozen=True)
class Doubt:
    """Why a typed value is asked about before it is taken."""

    reason: str  # OUTSIDE or JUMPED
    value: float
    previous: float | None = None  # the company's answer of the previous round


def doubt(question: Question, value: float, previous: float | None) -> Doubt | None:
    """Return why `value` looks unlikely for the question, or None when it looks right."""
    if question.type not in (NUMBER, PERCENTAGE):
        return None
    if question.typical is not None:
        low, high = question.typical
        if not low <= value <= high:
            return Doubt(OUTSIDE, value, previous)
    if previous is not None and previous > 0 and value >= 0:
        ratio = value / previous
        if ratio >= JUMP or ratio <= 1 / JUMP:
            return Doubt(JUMPED, value, previous)
    return None
