"""Settings from the environment and `.env`, validated once at startup.

A wrong value raises `SettingsError` naming the setting; the command line turns it into one
line on stderr and exit status 2, so a misconfigured bot never starts half-working.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

_DURATION = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting whose value makes no sense."""

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        super().__init__(f"{setting}: {problem}")


class Secret:
    """A value that never prints: the bot token."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself, for the one place that needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = "mon-fri 09:00-18:00"
_HOURS = re.compile(r"^([a-z,\- ]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class OfficeHours:
    """The days (0 is Monday) and the local times the team works."""

    days: frozenset[int]
    opens: time
    closes: time


def parse_office_hours(value: str) -> OfficeHours:
    """Parse `mon-fri 09:00-18:00` (days as ranges or a list: `mon,wed,fri`, `mon-fri,sat`)."""
    example = "like mon-fri 09:00-18:00"
    match = _HOURS.match(value.strip().lower())
    if match is None:
        raise SettingsError("OFFICE_HOURS", f"{value!r} is not office hours {example}")
    named, *clock = match.groups()
    days: set[int] = set()
    for part in (p.strip() for p in named.split(",")):
        first, _, last = (end.strip() for end in part.partition("-"))
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise SettingsError("OFFICE_HOURS", f"{part!r} is not a day or days {example}")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if end < start:
            raise SettingsError("OFFICE_HOURS", f"{part!r} runs backwards ({example})")
        days.update(range(start, end + 1))
    hours = [int(number) for number in clock]
    if hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
        raise SettingsError("OFFICE_HOURS", f"{value!r} has a time that does not exist")
    opens, closes = time(hours[0], hours[1]), time(hours[2], hours[3])
    if closes <= opens:
        raise SettingsError("OFFICE_HOURS", "the office must close after it opens")
    return OfficeHours(frozenset(days), opens, closes)


def _response_time(value: str) -> timedelta:
    duration = parse_duration("RESPONSE_TIME", value)
    # Longer than this is no promise worth making; shorter than a minute is a typo.
    if not timedelta(minutes=1) <= duration <= timedelta(days=14):
        raise SettingsError("RESPONSE_TIME", "must be between 1m and 14d")
    return duration


@dataclass(frozen=True)
class Settings:
    """Everything the assistant is configured with."""

    bot_token: Secret | None
    telegram_api_url: str
    database_path: Path
    content_file: Path | None
    staff_ids: frozenset[int]
    staff_chat_id: int | None
    timezone: ZoneInfo
    default_language: str
    reminder_offsets: tuple[timedelta, ...]
    feedback_delay: timedelta
    broadcast_rate: float
    log_level: str
    # How long personal data of a past event is kept after it ends before it is anonymised.
    data_retention: timedelta = timedelta(days=730)
    # Nightly backups go here and are kept this long (the newest one always stays).
    backup_dir: Path = Path("data/backups")
    backup_keep: timedelta = timedelta(days=14)
    # "text" for people reading a terminal, "json" (one object a line) for log collectors.
    log_format: str = "text"
    # The local health endpoint (http://127.0.0.1:PORT/health); 0 switches it off.
    health_port: int = 8080
    # Webhook mode when set (https URL Telegram posts updates to); polling otherwise.
    webhook_url: str | None = None
    webhook_secret: Secret | None = None
    webhook_listen: tuple[str, int] = ("0.0.0.0", 8443)
    # A survey's one reminder to those who haven't finished: this long before it closes (or
    # after it was sent, for a survey without a closing date).
    survey_reminder: timedelta = timedelta(days=3)
    # Benchmark comparisons need at least this many companies (disclosure control).
    benchmark_k: int = 10
    # The two-person rule: a broadcast to everyone waits for a second staff member's approval
    # in the staff chat before it is sent (BROADCAST_APPROVAL=on).
    broadcast_approval: bool = False
    # When the team works (OFFICE_HOURS, in TIMEZONE) and how soon it usually answers within
    # them (RESPONSE_TIME): a person whose question goes to the team is told when to expect it.
    office_hours: OfficeHours = field(default_factory=lambda: parse_office_hours(DEFAULT_HOURS))
    response_time: timedelta = timedelta(hours=4)

    def require_token(self) -> Secret:
        """Return the token, or fail naming the setting when it is missing."""
        if self.bot_token is None:
            raise SettingsError("BOT_TOKEN", "is required to run the bot (get one from @BotFather)")
        return self.bot_token


def parse_duration(setting: str, value: str) -> timedelta:
    """Parse `90s`, `15m`, `2h` or `1d`."""
    match = _DURATION.match(value.strip().lower())
    if match is None:
        raise SettingsError(setting, f"{value!r} is not a duration like 30s, 15m, 2h or 1d")
    amount, unit = match.groups()
    duration = timedelta(**{_UNITS[unit]: int(amount)})
    if duration <= timedelta(0):
        raise SettingsError(setting, "must be longer than zero")
    return duration


def _offsets(value: str) -> tuple[timedelta, ...]:
    parts = [part for part in (p.strip() for p in value.split(",")) if part]
    if not parts:
        raise SettingsError("REMINDER_OFFSETS", "needs at least one offset, e.g. 24h,1h")
    offsets = {parse_duration("REMINDER_OFFSETS", part) for part in parts}
    return tuple(sorted(offsets, reverse=True))


def _staff_ids(value: str) -> frozenset[int]:
    ids = set()
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        if not part.isdigit() or int(part) == 0:
            raise SettingsError("STAFF_IDS", f"{part!r} is not a Telegram user id (digits only)")
        ids.add(int(part))
    return frozenset(ids)


def _chat_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"-?\d+", value) or int(value) == 0:
        raise SettingsError("STAFF_CHAT_ID", f"{value!r} is not a Telegram chat id")
    return int(value)


def _timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SettingsError("TIMEZONE", f"unknown time zone {value!r}") from error


def _rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError as error:
        raise SettingsError("BROADCAST_RATE", f"{value!r} is not a number") from error
    if not 0 < rate <= 30:
        raise SettingsError("BROADCAST_RATE", "must be above 0 and at most 30 messages a second")
    return rate


_RETENTION = re.compile(r"^(\d+)\s*([dy])$")
# Shorter than this is a typo (30 minutes for 30 days), and would erase what reports need.
MINIMUM_RETENTION = timedelta(days=30)


def _approval(value: str, staff_chat_id: int | None) -> bool:
    switch = value.strip().lower()
    if switch not in ("on", "off"):
        raise SettingsError("BROADCAST_APPROVAL", f"{value!r} must be on or off")
    if switch == "on" and staff_chat_id is None:
        # The approval card is posted in the staff chat; without one nothing could be approved.
        raise SettingsError("BROADCAST_APPROVAL", "on needs STAFF_CHAT_ID (approvals happen there)")
    return switch == "on"


def _retention(value: str) -> timedelta:
    match = _RETENTION.match(value.strip().lower())
    if match is None:
        raise SettingsError("DATA_RETENTION", f"{value!r} is not a period like 2y or 730d")
    amount, unit = match.groups()
    period = timedelta(days=int(amount) * (365 if unit == "y" else 1))
    if period < MINIMUM_RETENTION:
        raise SettingsError("DATA_RETENTION", "must be at least 30 days (30d)")
    return period


def _backup_keep(value: str) -> timedelta:
    text = value.strip().lower().removesuffix("d")
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise SettingsError("BACKUP_KEEP", f"{value!r} is not a number of days from 1 to 3650")
    return timedelta(days=int(text))


def _backup_dir(value: str, database: Path) -> Path:
    if not value.strip():
        # Beside the database by default: better than none, and `status` says to copy them off.
        return database.parent / "backups"
    folder = Path(value.strip())
    if folder.exists() and not folder.is_dir():
        raise SettingsError("BACKUP_DIR", f"{value!r} is a file, not a folder")
    return folder


def _port(setting: str, value: str, *, allow_off: bool) -> int:
    text = value.strip()
    if not text.isdigit() or not (0 if allow_off else 1) <= int(text) <= 65535:
        low = "0 (off)" if allow_off else "1"
        raise SettingsError(setting, f"{value!r} is not a port number from {low} to 65535")
    return int(text)


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.strip().rpartition(":")
    if not host:
        raise SettingsError("WEBHOOK_LISTEN", f"{value!r} is not an address like 0.0.0.0:8443")
    return host.strip("[]"), _port("WEBHOOK_LISTEN", port, allow_off=False)


def _webhook(url: str, secret: str) -> tuple[str | None, Secret | None]:
    url, secret = url.strip(), secret.strip()
    if not url:
        return None, None
    if not re.match(r"^https://[^\s/]+", url):
        raise SettingsError("WEBHOOK_URL", f"{url!r} is not an https URL (Telegram requires one)")
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
        raise SettingsError(
            "WEBHOOK_SECRET",
            "is required with WEBHOOK_URL: 16 to 256 letters, digits, _ or - "
            "(e.g. from: openssl rand -hex 32)",
        )
    return url, Secret(secret)


def _api_url(value: str) -> str:
    url = value.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", url):
        raise SettingsError("TELEGRAM_API_URL", f"{value!r} is not an http(s) URL")
    return url


def _token(value: str) -> Secret | None:
    value = value.strip()
    if not value:
        return None
    if not _TOKEN.match(value):
        # The value itself is not shown: even a malformed token may be a leaked secret.
        raise SettingsError("BOT_TOKEN", "does not look like a token from @BotFather (123:ABC...)")
    return Secret(value)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings from `.env` (when present) overlaid by the environment, and validate them."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str) -> str:
        return values.get(name, default)

    language = get("DEFAULT_LANGUAGE", "tr").strip().lower()
    if language not in ("tr", "en"):
        raise SettingsError("DEFAULT_LANGUAGE", f"{language!r} must be tr or en")
    log_level = get("LOG_LEVEL", "INFO").strip().upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError("LOG_LEVEL", f"{log_level!r} must be one of {', '.join(LOG_LEVELS)}")
    database = get("DATABASE_PATH", "data/clustem.sqlite3").strip()
    if not database:
        raise SettingsError("DATABASE_PATH", "is empty")
    content = get("CONTENT_FILE", "").strip()
    log_format = get("LOG_FORMAT", "text").strip().lower()
    if log_format not in ("text", "json"):
        raise SettingsError("LOG_FORMAT", f"{log_format!r} must be text or json")
    webhook_url, webhook_secret = _webhook(get("WEBHOOK_URL", ""), get("WEBHOOK_SECRET", ""))
    staff_chat_id = _chat_id(get("STAFF_CHAT_ID", ""))
    return Settings(
        bot_token=_token(get("BOT_TOKEN", "")),
        telegram_api_url=_api_url(get("TELEGRAM_API_URL", "https://api.telegram.org")),
        database_path=Path(database),
        content_file=Path(content) if content else None,
        staff_ids=_staff_ids(get("STAFF_IDS", "")),
        staff_chat_id=staff_chat_id,
        timezone=_timezone(get("TIMEZONE", "Europe/Istanbul")),
        default_language=language,
        reminder_offsets=_offsets(get("REMINDER_OFFSETS", "24h,1h")),
        feedback_delay=parse_duration("FEEDBACK_DELAY", get("FEEDBACK_DELAY", "2h")),
        broadcast_rate=_rate(get("BROADCAST_RATE", "25")),
        log_level=log_level,
        data_retention=_retention(get("DATA_RETENTION", "2y")),
        backup_dir=_backup_dir(get("BACKUP_DIR", ""), Path(database)),
        backup_keep=_backup_keep(get("BACKUP_KEEP", "14")),
        log_format=log_format,
        health_port=_port("HEALTH_PORT", get("HEALTH_PORT", "8080"), allow_off=True),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_listen=_listen(get("WEBHOOK_LISTEN", "0.0.0.0:8443")),
        survey_reminder=parse_duration("SURVEY_REMINDER", get("SURVEY_REMINDER", "3d")),
        benchmark_k=_benchmark_k(get("BENCHMARK_K", "10")),
        broadcast_approval=_approval(get("BROADCAST_APPROVAL", "off"), staff_chat_id),
        office_hours=parse_office_hours(get("OFFICE_HOURS", DEFAULT_HOURS)),
        response_time=_response_time(get("RESPONSE_TIME", "4h")),
    )


def _benchmark_k(value: str) -> int:
    try:
        k = int(value.strip())
    except ValueError as error:
        raise SettingsError("BENCHMARK_K", f"{value!r} is not a whole number") from error
    # Fewer than five companies would make any statistic close to one company's figure.
    if not 5 <= k <= 1000:
        raise SettingsError("BENCHMARK_K", f"{k} must be between 5 and 1000")
    return k
