"""Callback data for buttons that open screens of another feature.

Callback data is limited to 64 bytes, so screens are named with short prefixes
(`ev:` events, `sv:` services, `rg:` registrations, `qa:` answers, `m:` menu,
`se:` staff events).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton

from storage.content import EVENT_KINDS

ALL_KINDS = "a"
# Kinds travel as one character to stay far below Telegram's 64 bytes.
KIND_CODES = {str(index): kind for index, kind in enumerate(EVENT_KINDS)}
CODE_OF_KIND = {kind: code for code, kind in KIND_CODES.items()}
ENTRY_ID = r"[a-z0-9][a-z0-9_-]{0,47}"
KIND_CODE = f"[{ALL_KINDS}{''.join(KIND_CODES)}]"


def event_list(kind_code: str = ALL_KINDS, page: int = 0) -> str:
    """Return the callback data that opens a page of the event list."""
    return f"ev:l:{kind_code}:{page}"


def event_page(event_id: str, kind_code: str = ALL_KINDS, page: int = 0) -> str:
    """Return the callback data that opens an event, remembering the list to go back to."""
    return f"ev:s:{event_id}:{kind_code}:{page}"


def service_page(service_id: str) -> str:
    """Return the callback data that opens a service."""
    return f"sv:s:{service_id}"


# What staff change from an event's page, one character each to stay inside 64 bytes.
STAFF_CHANGE_CODES = {
    "t": "title",
    "d": "description",
    "w": "time",
    "p": "place",
    "c": "capacity",
    "l": "deadline",
}
CODE_OF_STAFF_CHANGE = {change: code for code, change in STAFF_CHANGE_CODES.items()}


def staff_event_list(scope: str = "u", purpose: str = "m", page: int = 0) -> str:
    """Return the callback data of a staff event list: upcoming/past, manage/export."""
    return f"se:l:{scope}:{purpose}:{page}"


def staff_event_page(event_id: str) -> str:
    """Return the callback data that opens an event's staff page."""
    return f"se:s:{event_id}"


def staff_event_change(change: str, event_id: str) -> str:
    """Return the callback data that starts changing one thing about an event."""
    return f"se:e:{CODE_OF_STAFF_CHANGE[change]}:{event_id}"


# The post-event survey and the buttons reminders carry.
SCORES = range(1, 6)


def rating_data(registration_id: int, score: int) -> str:
    """Return the callback data of a survey rating button."""
    return f"fb:{registration_id}:{score}"


def skip_data(registration_id: int) -> str:
    """Return the callback data of the button that skips the comment."""
    return f"fb:{registration_id}:s"


def cancel_data(registration_id: int) -> str:
    """Return the callback data of the registrations feature's cancel flow (it asks first)."""
    return f"rg:cx:{registration_id}"


def rating_row(registration_id: int, chosen: int | None = None) -> list[InlineKeyboardButton]:
    """Return the 1 to 5 buttons, the person's current rating marked."""
    return [
        InlineKeyboardButton(
            f"• {score}" if score == chosen else str(score),
            callback_data=rating_data(registration_id, score),
        )
        for score in SCORES
    ]
