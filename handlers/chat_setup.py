"""Putting the assistant into service from the chat: /id, a greeting in a new group, and
following the staff chat when Telegram upgrades it to a supergroup (its id changes)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.context import AssistantContext, Services
from storage.operating import ChatMove
from storage.outbox import queue_staff_notice

logger = logging.getLogger(__name__)

_OUTSIDE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
_INSIDE = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)


def _language(context: AssistantContext, update: Update) -> str:
    caller = context.known_caller
    if caller is not None:
        return caller.language
    return context.services.language_of(None, update.effective_user)


async def show_ids(update: Update, context: AssistantContext) -> None:
    """Tell the chat's id and the person's id, for those who fill in `.env` by hand."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    services = context.services
    text = services.texts.render(
        _language(context, update),
        "chat_ids",
        chat_id=chat.id,
        user_id=user.id,
        in_group=chat.type != ChatType.PRIVATE,
        is_staff_chat=chat.id == services.settings.staff_chat_id,
    )
    await message.reply_text(text)


async def greet_group(update: Update, context: AssistantContext) -> None:
    """Say in a group the assistant was just added to how to make it the staff chat."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    if change.old_chat_member.status not in _OUTSIDE:
        return
    if change.new_chat_member.status not in _INSIDE:
        return
    services = context.services
    logger.info("Added to group %s", change.chat.id)
    text = services.texts.render(
        services.language_of(None, change.from_user),
        "group_greeting",
        chat_id=change.chat.id,
        is_staff_chat=change.chat.id == services.settings.staff_chat_id,
    )
    await context.bot.send_message(change.chat.id, text)


async def follow_upgrade(update: Update, context: AssistantContext) -> None:
    """Keep working when the staff group becomes a supergroup: store its new id, tell admins."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    moved = await follow_staff_chat(context.services, message.chat_id, message.migrate_to_chat_id)
    if moved:
        services = context.services
        text = services.texts.render(services.settings.default_language, "staff_chat_moved")
        await context.bot.send_message(message.migrate_to_chat_id, text)


async def follow_staff_chat(services: Services, old_id: int, new_id: int) -> bool:
    """Store the staff chat's new id and queue a notice to every admin; False for other chats."""
    if services.settings.staff_chat_id != old_id:
        return False
    await services.operating.record_staff_chat_move(ChatMove(old_id, new_id))
    await services.follow_staff_chat()
    logger.warning("The staff chat moved from %s to %s (supergroup upgrade)", old_id, new_id)
    admins = await services.admin_ids()
    payload = {"about": "staff_chat_moved", "old_id": old_id, "new_id": new_id}
    async with services.database.transaction() as tx:
        await queue_staff_notice(tx, admins, payload, datetime.now(UTC))
    return True


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers (any chat: groups need them most)."""
    return [
        CommandHandler("id", show_ids),
        ChatMemberHandler(greet_group, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, follow_upgrade),
    ]
