"""Staff rights, checked on the server side for every staff command, button and upload.

For anyone else a staff command behaves exactly like an unknown command, and a staff button
like a stale one: the assistant does not reveal that staff features exist.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import AssistantContext
from handlers import fallback

T = TypeVar("T")
Callback = Callable[[Update, AssistantContext], Coroutine[Any, Any, T]]


def is_staff(update: Update, context: AssistantContext) -> bool:
    """Tell whether the update comes from a staff member."""
    user = update.effective_user
    return user is not None and context.services.is_staff(user.id)


def staff_only(callback: Callback[T]) -> Callback[T | int]:
    """Run the callback for staff; answer anyone else as if the feature did not exist."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: AssistantContext) -> T | int:
        if is_staff(update, context):
            return await callback(update, context)
        if update.callback_query is not None:
            await fallback.stale_button(update, context)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await fallback.unknown_command(update, context)
        return ConversationHandler.END

    return guarded
