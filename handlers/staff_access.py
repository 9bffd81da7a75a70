"""Staff rights, declared where staff handlers are registered and checked for every update.

Each feature wraps its staff handlers with `staff(ability, handlers)`. For anyone whose role
doesn't allow it, a staff command behaves exactly like an unknown command and a staff button
like a stale one: the assistant does not reveal that staff features exist.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler

from bot.context import AssistantContext
from bot.domain.access import Ability
from handlers import fallback

logger = logging.getLogger(__name__)

H = TypeVar("H", bound=BaseHandler[Update, AssistantContext, Any])
Callback = Callable[[Update, AssistantContext], Coroutine[Any, Any, Any]]


def staff(ability: Ability, handlers: Sequence[H]) -> list[H]:
    """Let these handlers run only for staff whose role allows it."""
    for handler in handlers:
        handler.callback = _guarded(ability, handler.callback)
    return list(handlers)


def ability_of(callback: object) -> Ability | None:
    """Return the ability a registered handler's callback needs; None for anyone's handlers."""
    return _ABILITIES.get(callback)


_ABILITIES: dict[object, Ability] = {}


def _guarded(ability: Ability, callback: Callback) -> Callback:
    @functools.wraps(callback)
    async def guarded(update: Update, context: AssistantContext) -> Any:
        caller = context.known_caller
        if caller is not None and caller.can(ability):
            return await callback(update, context)
        # Internal ids only; the role says why (None: not in the team).
        logger.info(
            "Refused %s (needs %s) to person %s with role %s",
            callback.__name__,
            ability.value,
            update.effective_user.id if update.effective_user else None,
            caller.role if caller else None,
        )
        if update.callback_query is not None:
            await fallback.stale_button(update, context)
        elif update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
            await fallback.unknown_command(update, context)
        return None

    _ABILITIES[guarded] = ability
    return guarded
