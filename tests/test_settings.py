"""Settings: defaults, parsing, and a clear failure naming the setting."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from tests.conftest import Cli

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


def test_defaults_follow_the_design() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_path == Path("data/clustem.sqlite3")
    assert settings.content_file is None
    assert str(settings.timezone) == "Europe/Istanbul"
    assert settings.default_language == "tr"
    assert settings.reminder_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert settings.feedback_delay == timedelta(hours=2)
    assert settings.broadcast_rate == 25
    assert settings.staff_ids == frozenset()
    assert settings.bot_token is None
    assert settings.data_retention == timedelta(days=730)


def test_values_are_parsed() -> None:
    settings = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "STAFF_IDS": "11, 22,",
            "STAFF_CHAT_ID": "-100123",
            "REMINDER_OFFSETS": "1h, 30s, 2d",
            "FEEDBACK_DELAY": "15m",
            "DEFAULT_LANGUAGE": "EN",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "DATA_RETENTION": "400d",
        },
        env_file=None,
    )
    assert settings.staff_ids == {11, 22}
    assert settings.staff_chat_id == -100123
    assert settings.reminder_offsets == (
        timedelta(days=2),
        timedelta(hours=1),
        timedelta(seconds=30),
    )
    assert settings.feedback_delay == timedelta(minutes=15)
    assert settings.default_language == "en"
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.data_retention == timedelta(days=400)
    assert load_settings({"DATA_RETENTION": "3y"}, env_file=None).data_retention == timedelta(
        days=3 * 365
    )


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_LANGUAGE=en\nBROADCAST_RATE=10\n", encoding="utf-8")
    settings = load_settings({"BROADCAST_RATE": "20"}, env_file=env_file)
    assert settings.default_language == "en"
    assert settings.broadcast_rate == 20


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("REMINDER_OFFSETS", "24 hours"),
        ("REMINDER_OFFSETS", "0h"),
        ("REMINDER_OFFSETS", ""),
        ("FEEDBACK_DELAY", "-2h"),
        ("STAFF_IDS", "12,abc"),
        ("STAFF_CHAT_ID", "chat"),
        ("DEFAULT_LANGUAGE", "de"),
        ("BROADCAST_RATE", "500"),
        ("BROADCAST_RATE", "fast"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_URL", "ftp://example"),
        ("BOT_TOKEN", "not-a-token"),
        ("DATA_RETENTION", "2 years"),
        ("DATA_RETENTION", "30m"),
        ("DATA_RETENTION", "7d"),
    ],
)
def test_a_value_that_makes_no_sense_names_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({name: value}, env_file=None)
    assert error.value.setting == name
    assert str(error.value).startswith(f"{name}: ")


def test_the_token_never_prints() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN}, env_file=None)
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.bot_token)
    assert settings.require_token().reveal() == TOKEN


def test_startup_exits_2_with_one_line_naming_the_setting(cli: Cli) -> None:
    result = cli("check", env={"TIMEZONE": "Nowhere/City"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "clustem-bot: setting TIMEZONE: unknown time zone 'Nowhere/City'"
    ]


def test_run_without_a_token_exits_2(cli: Cli) -> None:
    result = cli("run")
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_token_is_not_echoed(cli: Cli) -> None:
    secret = "999:short"
    result = cli("run", env={"BOT_TOKEN": secret})
    assert result.returncode == 2
    assert secret not in result.stderr + result.stdout
