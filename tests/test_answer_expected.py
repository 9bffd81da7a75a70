"""A person whose question goes to the team is told when to expect the answer."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.devtools.emulator import BotApiEmulator
from bot.domain.office_hours import answer_expected
from bot.settings import WEEKDAYS, SettingsError, load_settings, parse_office_hours
from tests.conftest import Cli, StartAssistant
from tests.test_staff_events import staff_member
from tests.test_tickets import ask_team

ISTANBUL = ZoneInfo("Europe/Istanbul")


def closed_today() -> tuple[str, datetime]:
    """Office hours that leave out today (only tomorrow's weekday); return them and when the
    office opens next, tomorrow at 09:00 in the cluster's zone."""
    tomorrow = datetime.now(ISTANBUL).date() + timedelta(days=1)
    opening = datetime.combine(tomorrow, time(9), tzinfo=ISTANBUL)
    return f"{WEEKDAYS[tomorrow.weekday()]} 09:00-18:00", opening


async def test_outside_office_hours_a_question_says_when_the_team_looks_at_it(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    hours, opening = closed_today()
    group = emulator.create_group("Küme ekibi")
    assistant = await start_assistant(
        STAFF_CHAT_ID=str(group.id), OFFICE_HOURS=hours, RESPONSE_TIME="1d"
    )
    ayse = assistant.person("Ayşe")
    confirmation = await ask_team(ayse, "Makine ihracatı için KOSGEB desteği var mı?")
    text = confirmation.text or ""
    texts = assistant.services.texts
    assert "Sorunuz küme ekibine iletildi" in text
    assert "Şu an mesai saatleri" in text and "09:00–18:00) dışındayız" in text
    assert f"Ekibimiz sorunuza {texts.when(opening, 'tr')} itibarıyla bakacak" in text
    assert "genellikle 1 gün içinde yanıt verecek" in text
    (ticket,) = await assistant.services.tickets.of_person(ayse.id)
    assert ticket.kind == "question" and ticket.status == "open"


async def test_a_question_handed_over_from_an_answer_says_it_in_english(
    start_assistant: StartAssistant,
) -> None:
    hours, opening = closed_today()
    assistant = await start_assistant(OFFICE_HOURS=hours)
    staff_member(assistant)  # the team, reachable in private
    jane = assistant.person("Jane", language="en")
    sorry = await jane.says("how long do giraffes live")
    sent = await jane.press(sorry, "👥 Pass my question to the team")
    text = sent.text or ""
    assert "#1" in text and "We are outside office hours" in text
    when = assistant.services.texts.when(opening, "en")
    assert f"The team will look at your question from {when}" in text
    assert "usually answers within 4 hours" in text
    assert await assistant.fetch("SELECT id FROM tickets WHERE person_id = ?", jane.id)


def test_during_office_hours_the_usual_response_time_is_given() -> None:
    hours = parse_office_hours("mon-fri 09:00-18:00")
    friday_noon = datetime(2027, 1, 15, 12, 0, tzinfo=ISTANBUL)
    at_work = answer_expected(hours, timedelta(hours=4), friday_noon, ISTANBUL)
    assert at_work.open_now and at_work.opens_at is None
    friday_evening = datetime(2027, 1, 15, 18, 0, tzinfo=ISTANBUL)
    weekend = answer_expected(hours, timedelta(hours=4), friday_evening, ISTANBUL)
    assert weekend.opens_at == datetime(2027, 1, 18, 9, 0, tzinfo=ISTANBUL)  # Monday
    early = answer_expected(
        hours, timedelta(hours=4), datetime(2027, 1, 14, 5, tzinfo=UTC), ISTANBUL
    )
    assert early.opens_at == datetime(2027, 1, 14, 9, 0, tzinfo=ISTANBUL)  # the same morning


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OFFICE_HOURS", "weekdays"),
        ("OFFICE_HOURS", "mon-fri 9-18"),
        ("OFFICE_HOURS", "fri-mon 09:00-18:00"),
        ("OFFICE_HOURS", "mon-fri 18:00-09:00"),
        ("OFFICE_HOURS", "pzt-cum 09:00-18:00"),
        ("OFFICE_HOURS", "mon 24:00-25:00"),
        ("RESPONSE_TIME", "soon"),
        ("RESPONSE_TIME", "30s"),
        ("RESPONSE_TIME", "30d"),
    ],
)
def test_office_hours_and_response_time_that_make_no_sense_name_the_setting(
    name: str, value: str
) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({name: value}, env_file=None)
    assert error.value.setting == name


def test_office_hours_read_as_people_write_them() -> None:
    settings = load_settings({"OFFICE_HOURS": "Mon-Thu, Sat 8:30 - 12:00"}, env_file=None)
    assert settings.office_hours.days == frozenset({0, 1, 2, 3, 5})
    assert (settings.office_hours.opens, settings.office_hours.closes) == (time(8, 30), time(12))
    default = load_settings({}, env_file=None)
    assert default.office_hours.days == frozenset(range(5))
    assert default.response_time == timedelta(hours=4)


def test_check_names_a_wrong_office_hours_setting(cli: Cli) -> None:
    result = cli("check", env={"OFFICE_HOURS": "always"})
    assert result.returncode == 2
    assert "setting OFFICE_HOURS:" in result.stderr
