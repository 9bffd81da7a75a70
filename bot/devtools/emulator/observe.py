"""Reading the chats and waiting for the bot, without sleeps."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.devtools.emulator.errors import EmulatorTimeout
from bot.devtools.emulator.signals import Signal
from bot.devtools.emulator.state import (
    JSON,
    BotActivity,
    CallbackAnswer,
    Document,
    EmulatorState,
    Message,
    scope_key,
)

ActivityCallback = Callable[[BotActivity], Any]
MessagePredicate = Callable[[Message], bool]
T = TypeVar("T")


class ChatObserver:
    """Mixin of BotApiEmulator: what tests and the demo read back."""

    state: EmulatorState
    _activity: Signal
    _subscribers: list[ActivityCallback]
    _user_marks: dict[int, int]
    _inflight: int
    _last_request: float
    _bot_settled: Callable[[], Awaitable[None]] | None = None
    _idle_quiet = 0.1

    # -- reading ------------------------------------------------------------

    def chat_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[Message]:
        """User and bot messages in order; bot messages show their current content."""
        return [m for m in self.state.messages(chat_id) if include_deleted or not m.deleted]

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[Message]:
        return [
            m for m in self.chat_messages(chat_id, include_deleted=include_deleted) if m.from_bot
        ]

    def last_bot_message(self, chat_id: int) -> Message:
        messages = self.bot_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    @property
    def callback_answers(self) -> dict[str, CallbackAnswer]:
        return self.state.callback_answers

    def queries_answered_twice(self) -> list[str]:
        """Return the data of every button press the bot tried to answer more than once."""
        return [
            f"{record.query_id} ({record.data}): {record.answer_calls} answers"
            for record in self.state.queries.values()
            if record.answer_calls > 1
        ]

    def documents(self, chat_id: int) -> list[Document]:
        """Files the bot sent to the chat (not deleted), oldest first."""
        return [m.document for m in self.bot_messages(chat_id) if m.document is not None]

    def commands(
        self,
        scope_type: str = "default",
        language_code: str = "",
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> list[JSON]:
        key = (scope_key(scope_type, chat_id, user_id), language_code)
        return [dict(c) for c in self.state.commands.get(key, [])]

    def chat_actions(self, chat_id: int) -> list[str]:
        return [action for cid, action in self.state.chat_actions if cid == chat_id]

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by the bot."""
        return [u.to_api() for u in self.state.updates]

    def describe_chat(self, chat_id: int) -> str:
        lines = [f"chat {chat_id}:"]
        for m in self.state.messages(chat_id):
            who = "bot " if m.from_bot else "user"
            flags = (f" [edited x{len(m.edits)}]" if m.edits else "") + (
                " [deleted]" if m.deleted else ""
            )
            buttons = f" buttons={m.buttons}" if m.buttons else ""
            lines.append(f"  #{m.message_id} {who}{flags}: {m.content[:300]!r}{buttons}")
        if len(lines) == 1:
            lines.append("  (empty)")
        return "\n".join(lines)

    # -- subscriptions --------------------------------------------------------

    def on_bot_activity(self, callback: ActivityCallback) -> Callable[[], None]:
        """Call ``callback`` (sync or async) on every bot send, edit, delete and answer.

        Returns a function that unsubscribes.
        """
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    # -- waiting ------------------------------------------------------------

    async def wait_for_bot_message(
        self,
        chat_id: int,
        *,
        predicate: MessagePredicate | None = None,
        contains: str | None = None,
        after: int | Message | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is the point of this API
    ) -> Message:
        """First bot message (by id) matching ``predicate``/``contains``.

        ``after`` is a message id (or message): only later messages count. Without it,
        messages sent or edited since the user's last action in this chat count.
        """
        after_id = after.message_id if isinstance(after, Message) else after
        since = self._user_marks.get(chat_id, 0)

        def check() -> Message | None:
            for m in self.bot_messages(chat_id):
                fresh = m.message_id > after_id if after_id is not None else m.seq > since
                if fresh and _matches(m, predicate, contains):
                    return m
            return None

        what = f"a bot message in chat {chat_id}" + (
            f" containing {contains!r}" if contains else ""
        )
        return await self._wait(check, timeout, what, chat_id)

    async def wait_for_edit(
        self,
        message: Message,
        *,
        predicate: MessagePredicate | None = None,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Message:
        """Wait until ``message`` changes again (edit or delete) and matches."""
        since = message.seq

        def check() -> Message | None:
            current = self.state.get_message(message.chat_id, message.message_id)
            if current and current.seq > since and _matches(current, predicate, contains):
                return current
            return None

        what = f"an edit of message {message.message_id}"
        return await self._wait(check, timeout, what, message.chat_id)

    async def wait_for_callback_answer(
        self,
        query_id: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        def check() -> CallbackAnswer | None:
            return self.state.callback_answers.get(query_id)

        record = self.state.queries.get(query_id)
        chat_id = record.chat_id if record else 0
        return await self._wait(check, timeout, f"an answer to callback query {query_id}", chat_id)

    def watch_bot(self, settled: Callable[[], Awaitable[None]], *, quiet: float = 0.02) -> None:
        """Let ``wait_idle`` also wait for the bot to say it has handled what it fetched.

        For a bot running in this process (the tests): ``settled`` returns once every update
        the bot has fetched is handled. The quiet time, which only guesses at work between
        requests, can then be shorter: ``quiet`` becomes the default of ``wait_idle``.
        """
        self._bot_settled = settled
        self._idle_quiet = quiet

    async def wait_idle(
        self,
        *,
        quiet: float | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until updates are fetched, no request is running and ``quiet`` s passed.

        A heuristic for asserting that the bot did *not* do something; with ``watch_bot``, also
        until the bot has handled every update it fetched (default quiet: 0.1 s, else the
        one given to ``watch_bot``).
        """
        quiet = self._idle_quiet if quiet is None else quiet
        deadline = time.monotonic() + timeout
        while True:
            await self._quiet_for(quiet, deadline, timeout)
            if self._bot_settled is None:
                return
            before = self._last_request
            try:
                async with asyncio.timeout(max(deadline - time.monotonic(), 0.0)):
                    await self._bot_settled()
            except TimeoutError:
                raise EmulatorTimeout(f"bot still handling updates after {timeout}s") from None
            # Handling may have sent requests or made updates: then wait for quiet again.
            if self._last_request == before and not self._inflight and not self.state.updates:
                return

    async def _quiet_for(self, quiet: float, deadline: float, limit: float) -> None:
        while True:
            now = time.monotonic()
            busy = bool(self.state.updates) or self._inflight > 0
            idle_for = now - self._last_request
            if not busy and idle_for >= quiet:
                return
            if now >= deadline:
                raise EmulatorTimeout(
                    f"bot not idle after {limit}s: {len(self.state.updates)} unconfirmed "
                    f"updates, {self._inflight} requests in flight"
                )
            pause = quiet if busy else quiet - idle_for
            with contextlib.suppress(TimeoutError):
                await self._activity.wait_until(lambda: None, min(pause, deadline - now))

    async def _wait(
        self, check: Callable[[], T | None], seconds: float, what: str, chat_id: int
    ) -> T:
        try:
            return await self._activity.wait_until(check, seconds)
        except TimeoutError:
            raise EmulatorTimeout(
                f"timed out after {seconds}s waiting for {what}\n{self.describe_chat(chat_id)}"
            ) from None


def _matches(message: Message, predicate: MessagePredicate | None, contains: str | None) -> bool:
    if contains is not None and contains not in message.content:
        return False
    return predicate is None or predicate(message)
