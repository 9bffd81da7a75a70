"""Callback data for buttons that open screens of another feature.

Callback data is limited to 64 bytes, so screens are named with short prefixes
(`ev:` events, `sv:` services, `rg:` registrations, `qa:` answers, `m:` menu).
"""

from __future__ import annotations

from bot.catalogue import EVENT_KINDS

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
