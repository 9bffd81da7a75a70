"""Fault injection: flood limits, blocked users, random server errors, call counters."""

from __future__ import annotations

import math
import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from bot.devtools.emulator.errors import ApiError

# Methods that post a new message; only these count against flood limits.
SEND_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"}
)


class SlidingWindow:
    """Counts events in the last ``window`` seconds."""

    def __init__(self) -> None:
        self._hits: deque[float] = deque()

    def retry_after(self, per_second: float, now: float) -> int | None:
        """Seconds to wait before one more event fits, or None if it fits now."""
        # Below one per second the window grows so that one event stays allowed.
        capacity = max(1, math.floor(per_second))
        window = capacity / per_second
        while self._hits and self._hits[0] <= now - window:
            self._hits.popleft()
        if len(self._hits) < capacity:
            return None
        return max(1, math.ceil(self._hits[0] + window - now))

    def hit(self, now: float) -> None:
        self._hits.append(now)


@dataclass
class EmulatorStats:
    """Counters for assertions; ``calls`` is keyed by the Bot API method name."""

    calls: Counter[str] = field(default_factory=Counter)
    unsupported: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    edited: int = 0
    rate_limited: int = 0
    forbidden: int = 0
    server_errors: int = 0
    bad_requests: int = 0

    def record_error(self, error: ApiError) -> None:
        if error.code == 429:
            self.rate_limited += 1
        elif error.code == 403:
            self.forbidden += 1
        elif error.code >= 500:
            self.server_errors += 1
        elif error.code == 400:
            self.bad_requests += 1


@dataclass
class _Injected:
    method: str | None
    error: ApiError
    remaining: int


class Faults:
    """Runtime-adjustable misbehaviour of the server."""

    def __init__(
        self,
        *,
        global_rate_limit: float | None,
        per_chat_rate_limit: float | None,
        error_rate: float,
        seed: int,
    ) -> None:
        self.global_rate_limit = global_rate_limit
        self.per_chat_rate_limit = per_chat_rate_limit
        self.error_rate = error_rate
        self.error_methods: set[str] = set(SEND_METHODS)
        self.blocked_users: set[int] = set()
        self.kicked_chats: set[int] = set()
        self._rng = random.Random(seed ^ 0x5EED)
        self._global = SlidingWindow()
        self._per_chat: dict[int, SlidingWindow] = {}
        self._injected: list[_Injected] = []

    def inject(self, method: str | None, error: ApiError, count: int) -> None:
        self._injected.append(_Injected(method, error, count))

    def server_error(self, method: str) -> ApiError | None:
        """An injected error for this call, or a random 5xx per ``error_rate``."""
        for injected in self._injected:
            # A catch-all fault leaves polling alone so the bot still sees updates.
            if injected.method == method or (injected.method is None and method != "getUpdates"):
                injected.remaining -= 1
                if injected.remaining <= 0:
                    self._injected.remove(injected)
                return injected.error
        if method in self.error_methods and self._rng.random() < self.error_rate:
            if self._rng.random() < 0.5:
                return ApiError(500, "Internal Server Error")
            return ApiError(502, "Bad Gateway")
        return None

    def check_flood(self, chat_id: int) -> None:
        """Raise 429 if one more message to ``chat_id`` would exceed a limit."""
        now = time.monotonic()
        waits: list[int] = []
        if self.global_rate_limit is not None:
            wait = self._global.retry_after(self.global_rate_limit, now)
            if wait is not None:
                waits.append(wait)
        if self.per_chat_rate_limit is not None:
            window = self._per_chat.setdefault(chat_id, SlidingWindow())
            wait = window.retry_after(self.per_chat_rate_limit, now)
            if wait is not None:
                waits.append(wait)
        if waits:
            retry = max(waits)
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

    def record_send(self, chat_id: int) -> None:
        now = time.monotonic()
        self._global.hit(now)
        self._per_chat.setdefault(chat_id, SlidingWindow()).hit(now)
