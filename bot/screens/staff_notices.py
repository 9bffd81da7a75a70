"""Notices to the team about the assistant itself or their place in it (outbox kind)."""

from __future__ import annotations

from typing import Any

from bot.screens.outgoing import TextMessage
from bot.screens.texts import Texts

# Every fact a notice may mention; a notice's payload fills the ones it has.
_FACTS = (
    "old_id",
    "new_id",
    "role",
    "problem",
    "folder",
    "broadcast_id",
    "decision",
    "decider",
    "scheduled",
)


def staff_notice_screen(texts: Texts, payload: dict[str, Any], language: str) -> TextMessage:
    """Return the notice a payload describes (`about`: what happened)."""
    facts = {name: payload.get(name) for name in _FACTS}
    if facts["role"] is not None:
        facts["role"] = texts.label(language, f"role_{facts['role']}")
    return TextMessage(texts.render(language, "staff_notice", about=payload.get("about"), **facts))
