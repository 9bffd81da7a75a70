"""Where the staff chat is: the configured id, or the one Telegram moved it to."""

from __future__ import annotations

from storage.operating import ChatMove


def staff_chat_after(configured: int | None, move: ChatMove | None) -> int | None:
    """Return the staff chat to use.

    A move applies only to the chat it moved from: an operator who later sets STAFF_CHAT_ID
    to another group gets that group, whatever happened to the old one.
    """
    if move is not None and configured == move.old_id:
        return move.new_id
    return configured
