"""Reply markup validation with Telegram's error descriptions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.devtools.emulator.errors import bad_request
from bot.devtools.emulator.state import JSON

INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MAX_BUTTONS = 100
CALLBACK_DATA_MAX_BYTES = 64


def validate_reply_markup(value: Any) -> JSON | None:
    """Check a reply_markup object; return it normalised (None for no keyboard)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in value:
        rows = _rows(value["inline_keyboard"], "inline_keyboard", "InlineKeyboardMarkup")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        if not any(rows):
            # An empty inline keyboard means "no keyboard" to Telegram.
            return None
        return {"inline_keyboard": rows}
    if "keyboard" in value:
        rows = _rows(value["keyboard"], "keyboard", "ReplyKeyboardMarkup")
        normalised = [[_reply_button(b) for b in row] for row in rows]
        return {**value, "keyboard": normalised}
    if value.get("remove_keyboard") or value.get("force_reply"):
        return dict(value)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(value: Any, field: str, owner: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{field}" of the {owner} should be an Array of Arrays')
    if sum(len(row) for row in value) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return [list(row) for row in value]


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton expected")
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not text.strip():
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = [name for name in INLINE_ACTIONS if button.get(name) is not None]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        # Telegram silently picks one; a button with two actions is a bot bug, so say so.
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, found {', '.join(actions)}"
        )
    data = button.get("callback_data")
    if data is not None and not (
        isinstance(data, str) and 1 <= len(data.encode()) <= CALLBACK_DATA_MAX_BYTES
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not _valid_button_url(url):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _valid_button_url(url: Any) -> bool:
    if not isinstance(url, str) or not url or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme == "tg":
        return bool(parts.netloc)
    if parts.scheme not in ("http", "https"):
        return False
    host = parts.hostname or ""
    return "." in host and not host.startswith(".") and not host.endswith(".")


def _reply_button(button: Any) -> JSON:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse keyboard button: KeyboardButton expected")
    if not button["text"]:
        raise bad_request("keyboard button text must be non-empty")
    return dict(button)
