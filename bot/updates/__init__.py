"""How updates reach the handlers: stored in the inbox first, then handled in order per chat."""

from bot.updates.inbox import UpdateInbox
from bot.updates.per_chat import PerChatUpdateProcessor
from bot.updates.polling import Polling

__all__ = ["PerChatUpdateProcessor", "Polling", "UpdateInbox"]
