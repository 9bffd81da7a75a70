"""Every text the assistant sends, rendered from the Jinja2 templates in `messages/`.

Templates live in `messages/<language>/<name>.j2`; button labels are `{% set %}` variables in
`messages/<language>/labels.j2`. Autoescape is on because Telegram parses our HTML, and
`StrictUndefined` makes a missing variable fail loudly in the tests instead of printing nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from jinja2.bccache import Bucket

import messages
from bot.domain.phones import shown_phone

LANGUAGES = ("tr", "en")
_LOCALES = {"tr": "tr_TR", "en": "en_GB"}
# How people write dates in each language: "19 Ocak 2027 Salı, 09:30" and
# "Tuesday, 19 January 2027, 09:30".
_DATETIME_PATTERNS = {"tr": "d MMMM y EEEE, HH:mm", "en": "EEEE, d MMMM y, HH:mm"}
_DATE_PATTERNS = {"tr": "d MMMM y EEEE", "en": "EEEE, d MMMM y"}


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, keyed by name and source checksum.

    Shared by every `Texts` of the process, so an application built again in the same process
    (the tests, the demo) does not compile every template again; an edited template is compiled
    anew because its checksum changes.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class Texts:
    """Renders templates and labels in the person's language and time zone."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(messages.__file__).parent),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            bytecode_cache=_COMPILED,
        )
        self._env.filters["when"] = self.when
        self._env.filters["day"] = self.day
        self._env.filters["clock"] = self.clock
        self._env.filters["number"] = _number
        self._env.filters["phone"] = shown_phone
        self._labels: dict[str, dict[str, str]] = {}

    def render(self, language: str, template: str, **context: Any) -> str:
        """Render `messages/<language>/<template>.j2`."""
        found = self._env.get_template(f"{language}/{template}.j2")
        return found.render(lang=language, **context).strip()

    def label(self, language: str, name: str) -> str:
        """Return a button label from `messages/<language>/labels*.j2`."""
        if language not in self._labels:
            self._labels[language] = self._load_labels(language)
        value = self._labels[language].get(name)
        if value is None:
            raise KeyError(f"no label {name!r} for {language}")
        return value

    def _load_labels(self, language: str) -> dict[str, str]:
        # Each feature may keep its labels in its own file: labels.j2, labels_staff.j2, ...
        folder = Path(messages.__file__).parent / language
        labels: dict[str, str] = {}
        for path in sorted(folder.glob("labels*.j2")):
            module = self._env.get_template(f"{language}/{path.name}").module
            exported = {
                key: str(value)
                for key, value in vars(module).items()
                if not key.startswith("_") and isinstance(value, str)
            }
            clash = set(exported) & set(labels)
            if clash:
                raise ValueError(f"labels defined twice in {language}: {sorted(clash)}")
            labels.update(exported)
        return labels

    def when(self, moment: datetime, language: str) -> str:
        """Format a UTC time in the cluster's zone, the person's way."""
        local = moment.astimezone(self.timezone)
        return format_datetime(local, _DATETIME_PATTERNS[language], locale=_LOCALES[language])

    def day(self, moment: datetime, language: str) -> str:
        """Format the day of a UTC time in the cluster's zone."""
        local = moment.astimezone(self.timezone)
        return format_date(local.date(), _DATE_PATTERNS[language], locale=_LOCALES[language])

    def days(self, starts: datetime, ends: datetime, language: str) -> str:
        """Write the days from `starts` up to `ends` (left out): "4 Aralık", "7–13 Aralık",
        "28 December – 3 January", or a whole month or year as "Ocak 2027", "2027"."""
        locale = _LOCALES[language]
        first = starts.astimezone(self.timezone).date()
        last = (ends - timedelta(microseconds=1)).astimezone(self.timezone).date()
        if first == last:
            return format_date(first, "d MMMM", locale=locale)
        if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
            return str(first.year)
        if first.day == 1 and last.month == first.month and (last + timedelta(days=1)).day == 1:
            return format_date(first, "LLLL y", locale=locale)
        if first.month == last.month:
            return f"{first.day}–{format_date(last, 'd MMMM', locale=locale)}"
        return f"{format_date(first, 'd MMMM', locale=locale)} – " + format_date(
            last, "d MMMM", locale=locale
        )

    def clock(self, moment: datetime, language: str) -> str:
        """Format the local time of day of a UTC time."""
        local = moment.astimezone(self.timezone)
        return format_time(local.time(), "HH:mm", locale=_LOCALES[language])


def _number(value: float, language: str, places: int | None = None) -> str:
    if places is None:
        return format_decimal(value, locale=_LOCALES[language])
    # Exactly `places` decimals ("1.250.000,5" at one), and never a "-0".
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(round(value, places) + 0.0, format=pattern, locale=_LOCALES[language])
