"""Dates and times staff type, read the way people in Turkey write them, shown back in words."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from bot.domain.impact import PeriodError, read_day
from bot.domain.moments import read_clock, read_moment
from tests.conftest import Assistant
from tests.test_broadcast import announcing_staff, broadcast_row, draft
from tests.test_staff_events import staff_member

ISTANBUL = ZoneInfo("Europe/Istanbul")
# Thursday 3 December 2026, 14:00 in Istanbul.
AFTERNOON = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
# The same Thursday at 02:55 in Istanbul, still Wednesday night to whoever is up.
NIGHT = datetime(2026, 12, 2, 23, 55, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """Return an Istanbul wall-clock time in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=ISTANBUL).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("5 Ocak 2027 10:00", local(2027, 1, 5, 10, 0)),
        ("5 ocak 10:00", local(2027, 1, 5, 10, 0)),  # no year: the next 5 January
        ("5 aralık 10:00", local(2026, 12, 5, 10, 0)),  # this year's is still ahead
        ("1 aralik 10:00", local(2027, 12, 1, 10, 0)),  # this year's has passed
        ("05.01.2027 10.00", local(2027, 1, 5, 10, 0)),
        ("19.01.2027 09:30", local(2027, 1, 19, 9, 30)),
        ("19/1/2027 9.30", local(2027, 1, 19, 9, 30)),
        ("19.01.2027, 09:30", local(2027, 1, 19, 9, 30)),
        ("2027-01-19T09:30", local(2027, 1, 19, 9, 30)),
        ("yarın 10:00", local(2026, 12, 4, 10, 0)),
        ("Yarin saat 10", local(2026, 12, 4, 10, 0)),
        ("bugün 15:30", local(2026, 12, 3, 15, 30)),
        ("bugun 15.30", local(2026, 12, 3, 15, 30)),
        ("tomorrow 9:00", local(2026, 12, 4, 9, 0)),
        ("cuma 14:00'te", local(2026, 12, 4, 14, 0)),
        ("perşembe 16:00", local(2026, 12, 3, 16, 0)),  # today's is still ahead
        ("perşembe 10:00", local(2026, 12, 10, 10, 0)),  # today's has passed: next week's
        ("5 Oca 2027 10:00", local(2027, 1, 5, 10, 0)),
    ],
)
def test_a_moment_is_read_the_way_people_write_it(typed: str, meant: datetime) -> None:
    assert read_moment(typed, ISTANBUL, AFTERNOON) == meant


@pytest.mark.parametrize(
    "typed",
    ["19.01.2027", "31.02.2027 10:00", "25:00", "yarın", "05.01.2027 10", "5 ocak 2027", "10:00"],
)
def test_what_is_not_a_moment_is_not_guessed(typed: str) -> None:
    assert read_moment(typed, ISTANBUL, AFTERNOON) is None


def test_tomorrow_morning_typed_in_the_night_is_the_coming_morning() -> None:
    # At 02:55 "yarın 09:00" is the morning after the night: Thursday by the calendar.
    assert read_moment("yarın 09:00", ISTANBUL, NIGHT) == local(2026, 12, 3, 9, 0)
    # A time still in the night is tomorrow by the calendar.
    assert read_moment("yarın 03:00", ISTANBUL, NIGHT) == local(2026, 12, 4, 3, 0)
    assert read_moment("bugün 09:00", ISTANBUL, NIGHT) == local(2026, 12, 3, 9, 0)


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [("17:00", 17, 0), ("17.30", 17, 30), ("saat 17:00'de", 17, 0), ("9:05", 9, 5)],
)
def test_a_time_of_day_alone(typed: str, hour: int, minute: int) -> None:
    clock = read_clock(typed)
    assert clock is not None and (clock.hour, clock.minute) == (hour, minute)


def test_a_time_of_day_that_does_not_exist() -> None:
    assert read_clock("24:00") is None and read_clock("17") is None


# -- through the forms -----------------------------------------------------------------------

TURKISH_MONTHS = [
    *("ocak", "şubat", "mart", "nisan", "mayıs", "haziran"),
    *("temmuz", "ağustos", "eylül", "ekim", "kasım", "aralık"),
]


async def test_staff_type_an_events_start_in_words_and_see_it_back_in_words(
    assistant: Assistant,
) -> None:
    elif_ = staff_member(assistant)
    step = await elif_.says("/newevent")
    step = await elif_.press(step, "Atölye")
    await elif_.says("Yalın Üretim Atölyesi")
    step = await elif_.says("Lean Production Workshop")
    step = await elif_.says("Değer akışı ve israfın azaltılması.")
    step = await elif_.press(step, "Türkçesiyle aynı olsun")
    assert "yarın 10:00" in (step.text or "")  # the question shows what may be typed
    again = await elif_.says("bugün 00:00")
    assert "geçmişte kalıyor" in (again.text or "")
    starts = (datetime.now(ISTANBUL) + timedelta(days=40)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    typed = f"{starts.day} {TURKISH_MONTHS[starts.month - 1]} 9.30"  # "12 ocak 9.30"
    ends_step = await elif_.says(typed)
    text = ends_step.text or ""
    assert "ne zaman bitiyor" in text
    assert f"Başlangıç: {assistant.services.texts.when(starts, 'tr')}" in text
    await elif_.says("17:00")
    [row] = await assistant.fetch("SELECT answers FROM forms WHERE person_id = ?", elif_.id)
    draft = json.loads(row["answers"])["draft"]
    assert draft["starts_at"] == starts.astimezone(UTC).isoformat()
    assert draft["ends_at"] == starts.replace(hour=17, minute=0).astimezone(UTC).isoformat()


async def test_staff_schedule_an_announcement_for_tomorrow_morning(assistant: Assistant) -> None:
    elif_ = await announcing_staff(assistant)
    panel = await draft(elif_, "Yarın sabah ofis kapalı.")
    ask = await elif_.press(panel, "İleri bir saate planla")
    assert "yarın 09:00" in (ask.text or "")
    now = datetime.now(UTC)
    done = await elif_.says("Yarın 09:00")
    meant = read_moment("yarın 09:00", ISTANBUL, now)
    assert meant is not None and meant > now
    text = done.text or ""
    assert "Duyuru #1 planlandı" in text
    # The day it was read as is written out, weekday and all, so a misreading shows.
    assert f"Gönderim zamanı: {assistant.services.texts.when(meant, 'tr')}" in text
    row = await broadcast_row(assistant)
    assert row["scheduled_at"] == meant.isoformat(timespec="seconds")


# -- report days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("bugün", date(2026, 12, 3)),
        ("Bugun", date(2026, 12, 3)),
        ("dün", date(2026, 12, 2)),
        ("1 ocak", date(2026, 1, 1)),  # no year: this year's
        ("31.03", date(2026, 3, 31)),
        ("1 Ocak 2027", date(2027, 1, 1)),
    ],
)
def test_a_report_day_is_read_with_today_known(typed: str, day: date) -> None:
    assert read_day(typed, date(2026, 12, 3)) == day


def test_without_today_a_day_needs_its_year() -> None:
    with pytest.raises(PeriodError, match="not_a_date"):
        read_day("1 ocak")


async def test_staff_ask_for_the_report_from_new_year_to_today(assistant: Assistant) -> None:
    elif_ = staff_member(assistant)
    stats = await elif_.says("/stats")
    ask = await elif_.press(stats, "📅 Tarih aralığı")
    assert "1 ocak" in (ask.text or "")
    today = datetime.now(ISTANBUL).date()
    new_year = date(today.year, 1, 1)
    end = await elif_.says("1 ocak")
    assert f"Başlangıç: {format_date(new_year, 'd MMMM y', locale='tr')}" in (end.text or "")
    span = f"{format_date(new_year, 'd MMMM y', locale='tr')} – "
    span += format_date(today, "d MMMM y", locale="tr")
    report = await elif_.says("bugün")
    assert f"Etki raporu\n{span}" in (report.text or "")
    typed = await elif_.says("/stats 1.1 bugün")
    assert f"Etki raporu\n{span}" in (typed.text or "")
