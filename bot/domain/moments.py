"""A date and time typed by staff, the way people in Turkey write them, in the cluster's zone.

"19.01.2027 09:30", "05.01.2027 10.00", "2027-01-19 09:30", "5 Ocak 2027 10:00", "5 ocak 10:00",
"yarın 10:00", "bugün saat 15:30", "cuma 14:00'te" all read. A day without a year is the next
such day; a weekday is the next one (today while its time is still ahead). Late at night,
"yarın 09:00" is the coming morning, which the calendar already calls today: someone still up at
02:55 has not slept into tomorrow yet. The answer is always shown back in words ("3 Aralık 2026
Perşembe, 09:00"), so a reading the person did not mean is caught before it counts.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.profile import clean_line, fold_turkish

# Month names as people type them, Turkish letters optional, and English.
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("ocak", "oca", "january", "jan"),
            ("subat", "sub", "february", "feb"),
            ("mart", "mar", "march"),
            ("nisan", "nis", "april", "apr"),
            ("mayis", "may"),
            ("haziran", "haz", "june", "jun"),
            ("temmuz", "tem", "july", "jul"),
            ("agustos", "agu", "august", "aug"),
            ("eylul", "eyl", "september", "sep", "sept"),
            ("ekim", "eki", "october", "oct"),
            ("kasim", "kas", "november", "nov"),
            ("aralik", "ara", "december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Weekdays, Monday first (date.weekday()).
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("pazartesi", "pzt", "monday", "mon"),
            ("sali", "tuesday", "tue"),
            ("carsamba", "crs", "wednesday", "wed"),
            ("persembe", "prs", "thursday", "thu"),
            ("cuma", "friday", "fri"),
            ("cumartesi", "cmt", "saturday", "sat"),
            ("pazar", "sunday", "sun"),
        )
    )
    for name in names
}
TODAY = ("bugun", "today")
TOMORROW = ("yarin", "tomorrow")
YESTERDAY = ("dun", "yesterday")
# Until this hour, "tomorrow" at a daytime hour is the day the calendar already calls today.
NIGHT_ENDS = 5

# The time at the end: "10:00", "10.00", "10", "saat 10", "10:00'da", "14:00'te".
_AT = re.compile(
    r"^(?P<day>.*?)[\s,]*(?:\bsaat\s*)?(?P<h>\d{1,2})(?:[:.](?P<min>\d{2}))?(?:\s*(?:da|de|ta|te))?$"
)
_NUMERIC = re.compile(r"^(?P<d>\d{1,2})[./-](?P<m>\d{1,2})(?:[./-](?P<y>\d{4}|\d{2}))?$")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_NAMED = re.compile(r"^(?P<d>\d{1,2})\.?\s*(?P<month>[a-z]+)\.?,?(?:\s+(?P<y>\d{4}))?$")
_CLOCK = re.compile(r"^(?:saat\s*)?(?P<h>\d{1,2})[:.](?P<min>\d{2})(?:\s*(?:da|de|ta|te))?$")


def read_clock(text: str) -> time | None:
    """Read a time of day alone: "17:00", "17.00", "saat 17:00'de"; None if it is not one."""
    found = _CLOCK.match(_typed(text))
    return _clock(found["h"], found["min"]) if found else None


def read_moment(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    """Read a typed date and time in the cluster's zone; return it in UTC, None if unreadable.

    Whether it is in the past is for the caller to say: "geçmişte kalıyor" is a clearer answer
    than "I couldn't read that".
    """
    typed = _typed(text)
    found = _AT.match(typed)
    if found is None or not found["day"]:
        return None
    hour, minute = found["h"], found["min"]
    if minute is None and not re.search(r"[a-z]", found["day"]):
        return None  # "05.01.2027 10" is more likely a typo than ten o'clock
    clock = _clock(hour, minute)
    if clock is None:
        return None
    local_now = now.astimezone(zone)
    day = _day(found["day"].strip(" ,"), local_now, clock)
    if day is None:
        return None
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _typed(text: str) -> str:
    # Folded (no Turkish letters, lower case), apostrophes of suffixes dropped ("10'da").
    typed = fold_turkish(clean_line(text)).replace("'", "").replace("\u2019", "")
    return re.sub(r"(\d)t(\d)", r"\1 \2", typed)  # 2027-01-19T09:30


def _clock(hour: str, minute: str | None) -> time | None:
    hours, minutes = int(hour), int(minute or 0)
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def _day(words: str, now: datetime, clock: time) -> date | None:
    today = now.date()
    if words in TODAY:
        return today
    if words in TOMORROW:
        # At 02:55, "yarın 09:00" is the morning after the night, the calendar's today.
        late_night = now.hour < NIGHT_ENDS and clock.hour >= NIGHT_ENDS
        return today if late_night else today + timedelta(days=1)
    if words in WEEKDAYS:
        ahead = (WEEKDAYS[words] - today.weekday()) % 7
        if ahead == 0 and clock <= now.time():
            ahead = 7  # today's has passed: next week's
        return today + timedelta(days=ahead)
    if found := _ISO.match(words):
        return _date(int(found["y"]), int(found["m"]), int(found["d"]))
    if found := _NUMERIC.match(words):
        return _dated(found["d"], int(found["m"]), found["y"], today)
    if (found := _NAMED.match(words)) and found["month"] in MONTHS:
        return _dated(found["d"], MONTHS[found["month"]], found["y"], today)
    return None


def _dated(day: str, month: int, year: str | None, today: date) -> date | None:
    if year is None:
        # "5 ocak" is the next 5 January: this year's, or next year's once it has passed.
        this_year = _date(today.year, month, int(day))
        if this_year is not None and this_year < today:
            return _date(today.year + 1, month, int(day))
        return this_year
    full = int(year) + 2000 if len(year) == 2 else int(year)
    return _date(full, month, int(day))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
