"""When the team will answer a person whose question it was handed, in their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_time, format_timedelta, get_day_names

from bot.domain.office_hours import answer_expected
from bot.settings import OfficeHours, Settings

_LOCALES = {"tr": "tr_TR", "en": "en_GB"}


def _days(hours: OfficeHours, language: str) -> str:
    """Return the working days as people say them: "Pazartesi–Cuma", "Monday, Wednesday"."""
    names = get_day_names("wide", locale=_LOCALES[language])
    runs: list[list[int]] = []
    for day in sorted(hours.days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        names[run[0]] if len(run) == 1 else f"{names[run[0]]}–{names[run[-1]]}" for run in runs
    )


@dataclass(frozen=True)
class ExpectedWords:
    """When the team will answer, worded for `answer_expected.j2` (included by the receipts)."""

    open_now: bool
    opens_at: datetime | None
    request: bool  # a service request rather than a question
    within: str
    days: str
    opens: str
    closes: str


def expected_answer(
    settings: Settings, language: str, now: datetime, *, request: bool = False
) -> ExpectedWords:
    """Return when the team will answer a question (or a service request) handed over now."""
    expected = answer_expected(
        settings.office_hours, settings.response_time, now, settings.timezone
    )
    locale = _LOCALES[language]
    hours = expected.hours
    return ExpectedWords(
        open_now=expected.open_now,
        opens_at=expected.opens_at,
        request=request,
        within=format_timedelta(expected.within, locale=locale),
        days=_days(hours, language),
        opens=format_time(hours.opens, "HH:mm", locale=locale),
        closes=format_time(hours.closes, "HH:mm", locale=locale),
    )
