"""When a person whose question went to the team can expect an answer: now, within the usual
response time, or once the office opens again (OFFICE_HOURS, RESPONSE_TIME)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.settings import OfficeHours


@dataclass(frozen=True)
class AnswerExpected:
    """The team is at work now (`opens_at` None) or next opens at `opens_at` (UTC)."""

    hours: OfficeHours
    within: timedelta
    opens_at: datetime | None

    @property
    def open_now(self) -> bool:
        """Tell whether the team is at work right now."""
        return self.opens_at is None


def answer_expected(
    hours: OfficeHours, within: timedelta, now: datetime, zone: ZoneInfo
) -> AnswerExpected:
    """Return when the team will look at a question handed to it at `now`."""
    local = now.astimezone(zone)
    if local.weekday() in hours.days and hours.opens <= local.time() < hours.closes:
        return AnswerExpected(hours, within, None)
    for ahead in range(8):
        day = local.date() + timedelta(days=ahead)
        opening = datetime.combine(day, hours.opens, tzinfo=zone)
        if day.weekday() in hours.days and opening > local:
            return AnswerExpected(hours, within, opening)
    raise ValueError("office hours name no day")  # parse_office_hours never lets this through
