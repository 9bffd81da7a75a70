"""Names the forms being moved to the form engine still import; every kind of button is
declared in `bot.screens.buttons`. This module goes once those forms are moved."""

from __future__ import annotations

from bot.screens.buttons import (
    CODE_OF_KIND,
    KIND_CODES,
    SKIP_COMMENT,
    STAFF_CHANGE_CODES,
    StaffEventList,
    StaffEventPage,
    SurveyAnswer,
)
from bot.screens.callback_data import ENTRY_ID
from bot.screens.reminders import rating_row

__all__ = ["CODE_OF_KIND", "ENTRY_ID", "KIND_CODES", "STAFF_CHANGE_CODES", "rating_row"]


def staff_event_list(scope: str = "u", purpose: str = "m", page: int = 0) -> str:
    """Return the callback data of a staff event list."""
    return StaffEventList(scope, purpose, page).data


def staff_event_page(event_id: str) -> str:
    """Return the callback data that opens an event's staff page."""
    return StaffEventPage(event_id).data


def skip_data(registration_id: int) -> str:
    """Return the callback data of the button that skips the survey comment."""
    return SurveyAnswer(registration_id, SKIP_COMMENT).data
