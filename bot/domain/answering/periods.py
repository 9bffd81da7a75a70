"""The stretch of time a question names: "bugün", "yarın", "bu hafta", "ocakta", "next month".

People ask what is on "this week" or "in January" in the cluster's own time zone. A period is
worked out from the moment of asking: weeks start on Monday, "this week" and "this month" run from
now to their end, and a month named without a year is its next one ("ocak" asked in December is
next January). Month names come from Babel, folded as people type them, with the Turkish suffixes
they carry ("ocakta", "şubattaki", "mart'ta" whose apostrophe part the tokenizer drops).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

from bot.domain.answering.normalise import fold

PeriodName = Literal[
    "today", "tomorrow", "this_week", "weekend", "next_week", "this_month", "next_month", "month",
    "this_year", "next_year", "year",
]  # fmt: skip


def _month_names(locale: str) -> tuple[str, ...]:
    names = get_month_names("wide", locale=locale)
    return tuple(fold(names[number]).strip() for number in range(1, 13))


MONTHS_TR = _month_names("tr")  # "ocak", "subat", ... "aralik"
MONTHS_EN = _month_names("en")  # "january", ... "december"
_MONTH_SHORT = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9}
_MONTH_SHORT |= {"sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH_SUFFIX = 6  # "nisandaki", "martta", "ocaginda" is not written: at most this many letters


def month_of(word: str, previous: str | None = None) -> int | None:
    """Return the month a folded word names ("mart", "nisandaki", "february"), if any."""
    for number, name in enumerate(MONTHS_TR, start=1):
        if word.startswith(name) and len(word) - len(name) <= _MONTH_SUFFIX:
            return number
    for number, name in enumerate(MONTHS_EN, start=1):
        # "may" is a verb far more often than a month: only "in May" is the month.
        if word == name and (name != "may" or previous == "in"):
            return number
    return _MONTH_SHORT.get(word)


@dataclass(frozen=True)
class Period:
    """A stretch of time, [starts, ends) in UTC, and how the person named it."""

    name: PeriodName
    starts: datetime
    ends: datetime

    def holds(self, moment: datetime) -> bool:
        """Return whether a moment falls in the period."""
        return self.starts <= moment < self.ends


# Folded words that name a period on their own, and those that do with the word before them.
_TODAY = frozenset({"bugun", "bugunku", "bugune", "today", "tonight"})
_TOMORROW = frozenset({"yarin", "yarinki", "tomorrow"})
_THIS = frozenset({"bu", "this", "su"})
_NEXT = frozenset({"gelecek", "onumuzdeki", "sonraki", "next", "haftaya", "coming"})
_WEEK = ("hafta", "week")
_MONTH = ("ay", "aya", "ayin", "ayki", "ayda", "month", "aylarinda", "aylarda", "aylari", "months")
_WEEKEND = ("haftasonu", "weekend")
_YEAR = ("yil", "yila", "yilin", "yilki", "yilda", "yili", "yilinda", "yilindaki", "sene", "year")
# Words a period is made of: they say when, not what.
PERIOD_WORDS = frozenset(
    {*_TODAY, *_TOMORROW, *_THIS, *_NEXT, "sonu", "ayinda", "ayindaki", "ayi", "end"}
)


def _is(word: str, stems: Sequence[str]) -> bool:
    # "haftaki", "haftada", "weeks", "aylarda": the stem with a short ending.
    return any(word.startswith(item) and len(word) - len(item) <= 4 for item in stems)


def is_period_word(word: str) -> bool:
    """Return whether a folded word only helps to name a period ("hafta", "ayında", "next")."""
    return (
        word in PERIOD_WORDS
        or _is(word, _WEEK)
        or word in _MONTH
        or _is(word, _WEEKEND)
        or word.startswith(_YEAR)
        or _year(word) is not None
    )


def _year(word: str) -> int | None:
    """Return the year a word names ("2027"), if it is a plausible one."""
    return int(word) if len(word) == 4 and word.isdigit() and 2000 <= int(word) <= 2100 else None


def _start_of(day: date, timezone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), timezone).astimezone(UTC)


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _year_period(name: PeriodName, year: int, now: datetime, timezone: ZoneInfo) -> Period:
    starts = _start_of(date(year, 1, 1), timezone)
    return Period(name, max(now, starts), _start_of(date(year + 1, 1, 1), timezone))


def period_in(words: Sequence[str], now: datetime, timezone: ZoneInfo) -> Period | None:
    """Return the period a question's folded words name, the first one named, or None.

    Several months named ("şubat ve mart aylarında") are one period, from the first to the end
    of the last."""
    period = _first_period(words, now, timezone)
    if period is None or period.name != "month":
        return period
    months = [
        found
        for position, word in enumerate(words)
        if (found := month_of(word, words[position - 1] if position else None)) is not None
    ]
    if len(set(months)) < 2:
        return period
    last = _first_period([_MONTH_WORDS[months[-1]]], now, timezone)
    if last is None or last.ends <= period.starts:
        return period  # "aralık ve ocak" asked in January: the last month came round already
    return Period("month", period.starts, last.ends)


_MONTH_WORDS = dict(enumerate(MONTHS_TR, start=1))


def _first_period(words: Sequence[str], now: datetime, timezone: ZoneInfo) -> Period | None:
    """Return the first period the words name."""
    today = now.astimezone(timezone).date()
    monday = today - timedelta(days=today.weekday())
    for position, word in enumerate(words):
        before = words[position - 1] if position else ""
        after = words[position + 1] if position + 1 < len(words) else ""
        if word in _TODAY:
            return Period("today", now, _start_of(today + timedelta(days=1), timezone))
        if word in _TOMORROW:
            day = today + timedelta(days=1)
            return Period(
                "tomorrow", _start_of(day, timezone), _start_of(day + timedelta(1), timezone)
            )
        weekend = _is(word, _WEEKEND) or (_is(word, ("hafta",)) and after.startswith("son"))
        weekend = weekend or (word == "week" and after == "end")
        if weekend:
            saturday = monday + timedelta(days=5)
            if before in _NEXT:
                saturday += timedelta(days=7)
            starts = max(now, _start_of(saturday, timezone))
            return Period("weekend", starts, _start_of(saturday + timedelta(2), timezone))
        if _is(word, _WEEK) or word == "haftaya":
            if word == "haftaya" or before in _NEXT:
                following = monday + timedelta(days=7)
                ends = _start_of(following + timedelta(days=7), timezone)
                return Period("next_week", _start_of(following, timezone), ends)
            if before in _THIS:
                return Period("this_week", now, _start_of(monday + timedelta(7), timezone))
        if word in _MONTH or word in ("ayinda", "ayindaki", "ayi"):
            first = today.replace(day=1)
            if before in _NEXT:
                following = _month_start(today.year, today.month + 1)
                after_that = _month_start(today.year, today.month + 2)
                return Period(
                    "next_month", _start_of(following, timezone), _start_of(after_that, timezone)
                )
            if before in _THIS:
                following = _month_start(first.year, first.month + 1)
                return Period("this_month", now, _start_of(following, timezone))
        if word.startswith(_YEAR) and before in _THIS:
            return _year_period("this_year", today.year, now, timezone)
        if word.startswith(_YEAR) and before in _NEXT:
            return _year_period("next_year", today.year + 1, now, timezone)
        # "2027'de"; in "ocak 2027" the year is the month's (below).
        named = _year(word)
        if named is not None and month_of(after) is None and month_of(before) is None:
            return _year_period("year", named, now, timezone)
        month = month_of(word, before or None)
        if month is not None:
            year = today.year + (month < today.month)
            year = _year(after) or _year(before) or year  # "ocak 2027", "2027 ocak"
            starts_on = date(year, month, 1)
            ends_on = _month_start(year, month + 1)
            return Period(
                "month", max(now, _start_of(starts_on, timezone)), _start_of(ends_on, timezone)
            )
    return None
