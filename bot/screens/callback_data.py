"""Callback data declared once per kind of button, after aiogram's `CallbackData`.

A kind is a frozen dataclass with a prefix and typed fields::

    @dataclass(frozen=True)
    class EventPage(CallbackData, prefix="ev:s"):
        event_id: EntryId
        kind: KindCode = "a"
        page: Page = 0

`EventPage("lean", page=2).data` is the callback data ("ev:s:lean:a:2"), `EventPage.pattern()` the
regular expression a handler is registered with (`EventPage.pattern(kind="a")` fixes a field),
and `EventPage.parse(data)` / `EventPage.of(update)` read a press back into the dataclass. A
field's type says what it may hold: `int` (or an `Annotated` int with its own pattern), a
`Literal` of strings, or an `Annotated` str with its pattern. Fields with defaults may be left
off at the end of the data, and are when they hold their default. Building data
that would not parse back, or that is longer than Telegram's 64 bytes, raises at once.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self, get_args, get_origin

from telegram import Update

# Telegram's limit for callback data, in bytes.
MAX_BYTES = 64
SEPARATOR = ":"

# Field types with their patterns.
# The id of a catalogue entry (event, service, sector, FAQ); also in deep links.
ENTRY_ID = r"[a-z0-9][a-z0-9_-]{0,47}"
EntryId = Annotated[str, ENTRY_ID]
Number = Annotated[int, r"\d{1,12}"]
Page = Annotated[int, r"\d{1,4}"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind: its name, the pattern its text matches, int or str, its default."""

    name: str
    pattern: str
    kind: type
    default: Any


_FIELDS: dict[type, tuple[FieldSpec, ...]] = {}
_PATTERNS: dict[tuple[type, tuple[tuple[str, Any], ...]], re.Pattern[str]] = {}


class CallbackData:
    """Base of every kind of button; subclasses are frozen dataclasses with a prefix."""

    prefix: ClassVar[str]
    # Buttons the assistant puts in group chats (the staff chat); others work only in private.
    in_groups: ClassVar[bool] = False
    _kinds: ClassVar[list[type[CallbackData]]] = []

    def __init_subclass__(cls, *, prefix: str, in_groups: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix
        cls.in_groups = in_groups
        CallbackData._kinds.append(cls)

    def __post_init__(self) -> None:
        data = self.data
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
        if type(self).parse(data) != self:
            raise ValueError(f"callback data would not parse back: {data!r}")

    @property
    def data(self) -> str:
        """Return the callback data of this button."""
        fields = list(self.fields())
        # Trailing fields left at their defaults stay off: shorter data, and it parses back.
        while fields and getattr(self, fields[-1].name) == fields[-1].default:
            fields.pop()
        values = [_text(getattr(self, field.name)) for field in fields]
        return SEPARATOR.join([self.prefix, *values])

    @classmethod
    def pattern(cls, **fixed: Any) -> re.Pattern[str]:
        """Return the pattern of this kind's data; `fixed` fields accept only the given value(s)."""
        key = (cls, tuple(sorted(fixed.items())))
        compiled = _PATTERNS.get(key)
        if compiled is None:
            compiled = _PATTERNS[key] = cls._compile(fixed)
        return compiled

    @classmethod
    def _compile(cls, fixed: dict[str, Any]) -> re.Pattern[str]:
        fields = cls.fields()
        unknown = set(fixed) - {field.name for field in fields}
        if unknown:
            raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
        parts = [re.escape(cls.prefix)]
        optional = 0
        for field in fields:
            if field.name in fixed:
                wanted = fixed[field.name]
                choices = wanted if isinstance(wanted, tuple) else (wanted,)
                body = "|".join(re.escape(_text(choice)) for choice in choices)
            else:
                body = field.pattern
            part = f"{SEPARATOR}({body})"
            if field.default is not dataclasses.MISSING and field.name not in fixed:
                parts.append(f"(?:{part}")
                optional += 1
            else:
                parts.append(")?" * optional + part)
                optional = 0
        return re.compile("^" + "".join(parts) + ")?" * optional + "$")

    @classmethod
    def parse(cls, data: str) -> Self | None:
        """Return the button this data stands for, or None when it is not of this kind."""
        match = cls.pattern().match(data)
        if match is None:
            return None
        values: dict[str, Any] = {}
        for field, text in zip(cls.fields(), match.groups(), strict=True):
            if text is not None:
                values[field.name] = int(text) if field.kind is int else text
        return cls._build(values)

    @classmethod
    def of(cls, update: Update) -> Self:
        """Return the button pressed in an update its handler was chosen for by `pattern()`."""
        query = update.callback_query
        pressed = cls.parse(query.data or "") if query is not None else None
        if pressed is None:
            raise ValueError(f"the update carries no {cls.__name__} button")
        return pressed

    @classmethod
    def _build(cls, values: dict[str, Any]) -> Self:
        # Not through __init__'s check: parse is what that check calls.
        built = object.__new__(cls)
        for field in cls.fields():
            value = values.get(field.name, field.default)
            object.__setattr__(built, field.name, value)
        return built

    @classmethod
    def fields(cls) -> tuple[FieldSpec, ...]:
        """Return the kind's fields, in the order they travel."""
        fields = _FIELDS.get(cls)
        if fields is None:
            fields = _FIELDS[cls] = _fields_of(cls)
        return fields


def kinds() -> Iterator[type[CallbackData]]:
    """Yield every kind of button declared so far."""
    yield from CallbackData._kinds


def kinds_of(data: str) -> list[type[CallbackData]]:
    """Return the kinds whose pattern accepts this data (exactly one for any data we send)."""
    return [kind for kind in CallbackData._kinds if kind.pattern().match(data)]


def allowed_in_groups(data: str) -> bool:
    """Tell whether this data is one of the buttons the assistant puts in group chats."""
    return any(kind.in_groups for kind in kinds_of(data))


def _fields_of(cls: type[CallbackData]) -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(cls, include_extras=True)
    found = []
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        kind, pattern = _type_pattern(hints[field.name])
        default = field.default
        found.append(FieldSpec(field.name, pattern, kind, default))
    return tuple(found)


def _type_pattern(hint: Any) -> tuple[type, str]:
    if get_origin(hint) is Annotated:
        base, pattern = get_args(hint)[:2]
        return base, pattern
    if get_origin(hint) is Literal:
        return str, "|".join(re.escape(str(choice)) for choice in get_args(hint))
    if hint is int:
        return int, r"\d{1,12}"
    raise TypeError(f"callback data fields are int, Literal or Annotated, not {hint!r}")


def _text(value: Any) -> str:
    return str(value)
