"""Benchmark disclosure control: no figure shown to others is, or reveals, a company's value."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.domain.benchmark import (
    ABOVE_MEDIAN,
    BOTTOM_QUARTER,
    HIGHER,
    LOWER,
    TOP_QUARTER,
    Group,
    lagging,
    movement,
    shown_groups,
    spread,
    standing,
)


def _values(count: int, seed: int) -> list[float]:
    """Figures with many digits, like revenue per employee in lira."""
    rng = random.Random(seed)
    return [round(rng.uniform(200_000, 2_400_000), 2) for _ in range(count)]


def test_fewer_than_k_companies_give_no_comparison() -> None:
    values = _values(9, 1)
    assert spread(values, k=10) is None
    assert spread([*values, 1_000_000.0], k=10) is not None


@pytest.mark.parametrize("count", [10, 11, 12, 17, 40, 300])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_shown_figure_is_a_company_value(count: int, seed: int) -> None:
    values = _values(count, seed)
    shown = spread(values)
    assert shown is not None
    assert shown.lower <= shown.median <= shown.upper
    for figure in (shown.lower, shown.median, shown.upper):
        assert figure not in values


def test_whole_numbers_shared_by_many_still_are_not_shown_as_given() -> None:
    # Training hours per employee: every whole number is somebody's answer.
    values = [float(hours) for hours in range(10, 30)] * 3
    shown = spread(values)
    assert shown is not None
    assert {shown.lower, shown.median, shown.upper}.isdisjoint(values)


def test_the_median_of_exactly_k_answers_is_not_the_middle_company() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    shown = spread(values)
    assert shown is not None
    assert shown.median not in values
    assert 40 <= shown.median <= 70


def _derived(first: float, second: float, own: tuple[float, float], width: int) -> set[float]:
    """What an attacker computes from two shown figures, their own two answers and the window."""
    found = {first, second, second - first}
    for scale in range(1, width + 2):
        found |= {
            scale * second - scale * first,
            scale * second - (scale - 1) * first,
            scale * (second - first) + own[0],
            scale * (second - first) - own[1],
            scale * first - sum(own) / 2,
        }
    return {round(value, 2) for value in found}


@pytest.mark.parametrize("seed", range(6))
def test_answering_twice_with_different_values_reveals_no_other_company(seed: int) -> None:
    others = _values(10, seed + 10)
    low, high = 1.0, 9_999_999.0
    before = spread([*others, low])
    after = spread([*others, high])
    assert before is not None and after is not None
    guesses: set[float] = set()
    for first, second in itertools.product(
        (before.lower, before.median, before.upper), (after.lower, after.median, after.upper)
    ):
        guesses |= _derived(first, second, (low, high), width=4)
    assert guesses.isdisjoint(round(value, 2) for value in others)


def test_a_sector_one_company_short_of_the_cluster_is_not_shown() -> None:
    everyone = frozenset(range(25))
    sector = Group("sector", "textile", frozenset(range(24)))  # the cluster minus one company
    assert shown_groups(everyone, [sector], k=10) == []


def test_the_cluster_minus_the_shown_sectors_must_not_leave_a_handful() -> None:
    everyone = frozenset(range(30))
    machinery = Group("sector", "machinery", frozenset(range(0, 15)))
    textile = Group("sector", "textile", frozenset(range(15, 27)))
    food = Group("sector", "food", frozenset(range(27, 30)))  # three companies
    shown = shown_groups(everyone, [machinery, textile, food], k=10)
    # Textile alone would let cluster - machinery - textile describe the three food companies.
    assert food not in shown
    covered = frozenset().union(*(group.members for group in shown))
    assert len(everyone - covered) == 0 or len(everyone - covered) >= 10


def test_overlapping_groups_that_differ_by_a_few_are_suppressed() -> None:
    everyone = frozenset(range(40))
    textile = Group("sector", "textile", frozenset(range(0, 20)))
    small = Group("size", "small", frozenset(range(0, 22)))  # textile plus two companies
    medium = Group("size", "medium", frozenset(range(22, 40)))
    shown = shown_groups(everyone, [textile, small, medium], k=10)
    pairs = itertools.combinations(shown, 2)
    for one, other in pairs:
        assert not 0 < len(one.members - other.members) < 10
        assert not 0 < len(other.members - one.members) < 10
    assert medium in shown


def test_comparing_cluster_and_sector_figures_reveals_no_company() -> None:
    values = _values(21, 7)
    sector_members = list(range(20))
    cluster = spread(values)
    sector_shown = shown_groups(
        frozenset(range(21)), [Group("sector", "textile", frozenset(sector_members))]
    )
    assert cluster is not None
    # The sector differs from the cluster by one company: it is not shown at all.
    assert sector_shown == []


def test_rounds_compared_reveal_no_company_that_joined() -> None:
    first_round = _values(12, 3)
    newcomer = 1_777_777.77
    second_round = [*first_round, newcomer]
    before, after = spread(first_round), spread(second_round)
    assert before is not None and after is not None
    moved = movement(before, after)
    assert moved is not None
    guesses = _derived(before.median, after.median, (0.0, 0.0), width=4) | {moved}
    assert round(newcomer, 2) not in guesses
    assert movement(None, after) is None


def test_a_company_sees_where_it_stands_in_words() -> None:
    others = [float(value) for value in range(1, 21)]
    assert standing(30.0, others, HIGHER).band == TOP_QUARTER
    assert standing(30.0, others, LOWER).band == BOTTOM_QUARTER
    assert standing(12.0, others, HIGHER).band == ABOVE_MEDIAN
    with pytest.raises(ValueError):
        standing(1.0, others, "sideways")


def test_the_three_lagging_indicators_are_the_furthest_behind() -> None:
    others = [float(value) for value in range(1, 21)]
    standings = {
        "export": standing(2.0, others, HIGHER),
        "scrap": standing(19.0, others, LOWER),
        "training": standing(5.0, others, HIGHER),
        "delivery": standing(9.0, others, HIGHER),
        "rnd": standing(20.0, others, HIGHER),
    }
    assert lagging(standings) == ["export", "scrap", "training"]
    assert "rnd" not in lagging(standings, count=5)
