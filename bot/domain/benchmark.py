"""Benchmarking with disclosure control: what the cluster may be shown of its companies' figures.

Confidentiality is the whole value of benchmarking, so every figure anyone but the company
itself sees comes from here, computed from anonymous lists of values (never company ids):
- a comparison exists only when at least K companies answered an indicator;
- the quartiles shown are averages of a window of neighbouring answers around the quantile,
  rounded to the indicator's display precision, and moved off any value a company gave, so no
  shown figure is one company's number;
- a group (a sector, a size class) is shown only with K companies of its own, and a group whose
  difference from another shown group (or from the cluster, or from its sibling groups) would
  be fewer than K companies is suppressed too, so subtracting two reports reveals no one.
Nothing here reads the database or talks to Telegram.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_K = 10

HIGHER = "higher"  # a larger value is better (export share, on-time delivery)
LOWER = "lower"  # a smaller value is better (scrap rate)
DIRECTIONS = (HIGHER, LOWER)

# Where a company stands, best first; templates word them.
TOP_QUARTER = "top_quarter"
ABOVE_MEDIAN = "above_median"
BELOW_MEDIAN = "below_median"
BOTTOM_QUARTER = "bottom_quarter"
BANDS = (TOP_QUARTER, ABOVE_MEDIAN, BELOW_MEDIAN, BOTTOM_QUARTER)


@dataclass(frozen=True)
class Spread:
    """An indicator's cluster figures as shown: how many answered and three safe quartiles."""

    companies: int
    lower: float  # first quartile
    median: float
    upper: float  # third quartile
    step: float  # the display precision the figures were rounded to


@dataclass(frozen=True)
class Standing:
    """Where one company's own value stands among the cluster's (direction taken into account)."""

    value: float
    band: str
    # Share of the other companies it does better than, 0 to 1 (ties count half).
    ahead_of: float


def display_step(values: Sequence[float]) -> float:
    """Return the precision figures of these values are shown at: three significant digits."""
    largest = max((abs(value) for value in values), default=0.0)
    if largest == 0:
        return 0.01
    return float(10 ** (math.floor(math.log10(largest)) - 2))


def _window_mean(ordered: Sequence[float], quantile: float) -> float:
    """Average the answers around a quantile's position, never fewer than three of them."""
    count = len(ordered)
    width = max(3, math.ceil(math.sqrt(count)))
    centre = quantile * (count - 1)
    start = min(max(0, round(centre - (width - 1) / 2)), count - width)
    window = ordered[start : start + width]
    return sum(window) / len(window)


def _snap(value: float, step: float) -> float:
    """Round to the display precision, without float noise (0.1 + 0.2)."""
    places = max(0, -math.floor(math.log10(step))) + 1
    return round(round(value / step) * step, places)


def _off_answers(value: float, answers: Collection[float], step: float) -> float:
    """Move a rounded figure off every company's value, by the smallest half step that does."""
    taken = {round(answer, 9) for answer in answers}
    half = step / 2
    for distance in range(0, 2 * len(taken) + 2):
        for sign in (1, -1):
            candidate = round(value + sign * distance * half, 9)
            if candidate not in taken:
                return candidate
    raise AssertionError("a finite set of answers always leaves a free half step")


def spread(values: Sequence[float], k: int = DEFAULT_K, places: int | None = None) -> Spread | None:
    """Return the indicator's shown cluster figures, or None with fewer than `k` companies.

    With `places` (the indicator's decimals) the figures are written with exactly that many
    decimals, so they are kept off the companies' values as written that way too: moved by
    whole steps of the shown precision instead of half steps that the writing would round away.
    """
    if len(values) < max(k, 3):
        return None
    ordered = sorted(values)
    step = display_step(ordered)
    if places is None:
        lower, median, upper = (
            _off_answers(_snap(_window_mean(ordered, quantile), step), ordered, step)
            for quantile in (0.25, 0.5, 0.75)
        )
        return Spread(len(ordered), lower, median, upper, step)
    step = max(step, 10.0**-places)
    written = {round(value / step) for value in ordered}
    lower, median, upper = (
        _off_written(round(_window_mean(ordered, quantile) / step), written) * step
        for quantile in (0.25, 0.5, 0.75)
    )
    return Spread(
        len(ordered), round(lower, places), round(median, places), round(upper, places), step
    )


def _off_written(steps: int, written: Collection[int]) -> int:
    """Return the nearest whole number of steps that no company's value is written as."""
    for distance in range(0, 2 * len(written) + 2):
        for candidate in (steps + distance, steps - distance):
            if candidate not in written:
                return candidate
    raise AssertionError("a finite set of values always leaves a free step")


def standing(own: float, others: Sequence[float], direction: str) -> Standing:
    """Return where a company's own value stands among the other companies' values."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    if not others:
        return Standing(own, ABOVE_MEDIAN, 0.5)
    better = sum(1 for other in others if _better(own, other, direction))
    ties = sum(1 for other in others if other == own)
    ahead = (better + ties / 2) / len(others)
    if ahead >= 0.75:
        band = TOP_QUARTER
    elif ahead >= 0.5:
        band = ABOVE_MEDIAN
    elif ahead > 0.25:
        band = BELOW_MEDIAN
    else:
        band = BOTTOM_QUARTER
    return Standing(own, band, ahead)


def _better(own: float, other: float, direction: str) -> bool:
    return own > other if direction == HIGHER else own < other


def lagging(standings: Mapping[str, Standing], count: int = 3) -> list[str]:
    """Return the indicators where the company lags most (lowest standing first), below median."""
    behind = [(s.ahead_of, name) for name, s in standings.items() if s.ahead_of < 0.5]
    return [name for _, name in sorted(behind)[:count]]


def movement(previous: Spread | None, current: Spread | None) -> float | None:
    """Return how the shown median moved since the previous round (both shown), else None."""
    if previous is None or current is None:
        return None
    return _snap(current.median - previous.median, min(previous.step, current.step))


# -- groups: which may be shown --------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A set of answering companies shown as a group: a sector, a size class (one dimension)."""

    dimension: str  # "sector", "size"
    key: str
    members: frozenset[int]  # anonymous answer numbers, never company ids


def shown_groups(
    everyone: Collection[int], groups: Sequence[Group], k: int = DEFAULT_K
) -> list[Group]:
    """Return the groups that may be shown next to the cluster's figures.

    A group is shown only with `k` answers of its own, and only when neither the cluster nor
    any other shown group differs from it by fewer than `k` answers: otherwise comparing the
    two would describe a handful of companies. Within one dimension (sectors partition the
    cluster), the answers left outside the shown groups must be none or at least `k` too, or
    the cluster minus the shown groups would describe them. Suppression repeats until stable,
    the smallest group going first.
    """
    cluster = frozenset(everyone)
    shown = [group for group in groups if len(group.members) >= k]
    while True:
        suppress = _one_to_suppress(cluster, shown, k)
        if suppress is None:
            return shown
        shown.remove(suppress)


def _unsafe(difference: int, k: int) -> bool:
    return 0 < difference < k


def _one_to_suppress(cluster: frozenset[int], shown: list[Group], k: int) -> Group | None:
    by_size = sorted(shown, key=lambda group: (len(group.members), group.dimension, group.key))
    for group in by_size:
        if _unsafe(len(cluster - group.members), k):
            return group
        for other in shown:
            if other is group:
                continue
            if _unsafe(len(group.members - other.members), k) or _unsafe(
                len(other.members - group.members), k
            ):
                return group
    for dimension in sorted({group.dimension for group in shown}):
        siblings = [group for group in by_size if group.dimension == dimension]
        covered = frozenset().union(*(group.members for group in siblings))
        if _unsafe(len(cluster - covered), k):
            return siblings[0]
    return None
