"""Who sent an update, their language and staff role: resolved once, before any handler runs."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.context import AssistantContext, Caller
from bot.screens.callback_data import allowed_in_groups
from handlers import fallback


async def identify(update: Update, context: AssistantContext) -> None:
    """Record the person behind a message or a button press and set `context.caller`."""
    turn = context.turn
    user = update.effective_user
    if turn is None or user is None:
        return
    if update.message is None and update.edited_message is None and update.callback_query is None:
        # Membership changes and the like say nothing about the person's wish to be seen.
        return
    services = context.services
    role = await services.role_of(user.id)
    chat = update.effective_chat
    in_group = chat is not None and chat.type != ChatType.PRIVATE
    if not (in_group and role is None):
        # A group member outside the team is not recorded: they never talked to the assistant.
        person = await services.people.seen(user.id, user.language_code)
        turn.caller = Caller(services, person, services.language_of(person, user), role)
    query = update.callback_query
    if in_group and query is not None and not allowed_in_groups(query.data or ""):
        # Buttons of a person's own screens work only in the private chat they were sent to.
        await fallback.stale_button(update, context)
        raise ApplicationHandlerStop


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the handler of the first group."""
    return [TypeHandler(Update, identify)]
