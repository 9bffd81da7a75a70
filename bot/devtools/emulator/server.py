"""The HTTP side: an aiohttp server speaking the Telegram Bot API."""

from __future__ import annotations

import inspect
import logging
import re
import time
from types import TracebackType

from aiohttp import web

from bot.devtools.emulator.api import BotApi
from bot.devtools.emulator.errors import ApiError, not_found
from bot.devtools.emulator.faults import EmulatorStats, Faults
from bot.devtools.emulator.group_side import GroupActions
from bot.devtools.emulator.observe import ActivityCallback, ChatObserver
from bot.devtools.emulator.params import error_response, ok_response, read_params
from bot.devtools.emulator.signals import Signal
from bot.devtools.emulator.state import BotActivity, EmulatorState, User, now_ts
from bot.devtools.emulator.user_side import UserActions
from bot.devtools.emulator.webhook import WebhookDelivery

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"(\d+):([A-Za-z0-9_-]+)")
MAX_BODY = 60 * 1024 * 1024


class BotApiEmulator(UserActions, GroupActions, ChatObserver):
    """A local Telegram Bot API server plus the users talking to the bot.

    Point the bot at ``f"{emu.base_url}/bot"`` (files: ``f"{emu.base_url}/file/bot"``).
    """

    def __init__(
        self,
        *,
        bot_username: str = "clustem_demo_bot",
        global_rate_limit: float | None = None,
        per_chat_rate_limit: float | None = None,
        error_rate: float = 0.0,
        seed: int = 0,
        privacy_mode: bool = True,
    ) -> None:
        self.state = EmulatorState(bot_username=bot_username, seed=seed)
        self.faults = Faults(
            global_rate_limit=global_rate_limit,
            per_chat_rate_limit=per_chat_rate_limit,
            error_rate=error_rate,
            seed=seed,
        )
        self.stats = EmulatorStats()
        self.privacy_mode = privacy_mode
        self._activity = Signal()
        self._updates = Signal()
        self._subscribers: list[ActivityCallback] = []
        self._user_marks: dict[int, int] = {}
        self._inflight = 0
        self._last_request = 0.0
        self.api = BotApi(self.state, self.faults, self.stats, self._bot_activity, self._updates)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self.webhook = WebhookDelivery(self.state, self._updates, self.api.deliverable)

    # -- settings -----------------------------------------------------------

    @property
    def bot_username(self) -> str:
        return self.state.bot_username

    @property
    def global_rate_limit(self) -> float | None:
        return self.faults.global_rate_limit

    @global_rate_limit.setter
    def global_rate_limit(self, value: float | None) -> None:
        self.faults.global_rate_limit = value

    @property
    def per_chat_rate_limit(self) -> float | None:
        return self.faults.per_chat_rate_limit

    @per_chat_rate_limit.setter
    def per_chat_rate_limit(self, value: float | None) -> None:
        self.faults.per_chat_rate_limit = value

    @property
    def error_rate(self) -> float:
        return self.faults.error_rate

    @error_rate.setter
    def error_rate(self, value: float) -> None:
        self.faults.error_rate = value

    @property
    def strict_html_entities(self) -> bool:
        """Reject a bare ``&`` in HTML text (default True; Telegram itself is lenient)."""
        return self.api.strict_entities

    @strict_html_entities.setter
    def strict_html_entities(self, value: bool) -> None:
        self.api.strict_entities = value

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them answer 403."""
        self.faults.blocked_users.add(user_id)

    def blocks_bot(self, user: User) -> None:
        """The user blocks the bot as Telegram tells it: my_chat_member "kicked", then 403s."""
        self.block(user.id)
        chat = self.state.add_user(user)
        old = {"user": self.state.bot_user(), "status": "member"}
        new = {"user": self.state.bot_user(), "status": "kicked", "until_date": 0}
        payload = {
            "chat": chat.to_api(),
            "from": user.to_api(),
            "date": now_ts(),
            "old_chat_member": old,
            "new_chat_member": new,
        }
        self.state.push_update("my_chat_member", payload)
        self._updates.fire()

    def unblock(self, user_id: int) -> None:
        self.faults.blocked_users.discard(user_id)

    def kick_bot(self, chat_id: int) -> None:
        """The bot is removed from a group: sends there answer 403."""
        self.faults.kicked_chats.add(chat_id)

    def inject_error(
        self,
        method: str | None,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        count: int = 1,
    ) -> None:
        """Fail the next ``count`` calls of ``method`` (None: any method but getUpdates)."""
        error = ApiError(
            code, description, retry_after=retry_after, migrate_to_chat_id=migrate_to_chat_id
        )
        self.faults.inject(method, error, count)

    # -- lifecycle ----------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the emulator is not started")
        return self._base_url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Bind and serve; port 0 picks a free port. Returns the base URL."""
        if self._runner is not None:
            return self.base_url
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        self.api.closing = False
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=1.0,
            handler_cancellation=True,
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.webhook.start()
        bound_host, bound_port = runner.addresses[0][:2]
        self._base_url = f"http://{host or bound_host}:{bound_port}"
        return self._base_url

    async def stop(self) -> None:
        """Release pending long polls with an empty answer, then close the server."""
        self.api.closing = True
        self._updates.fire()
        self._activity.fire()
        await self.webhook.stop()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- HTTP ---------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        token = TOKEN_RE.fullmatch(request.match_info["token"])
        found = self.api.lookup(request.match_info["method"]) if token else None
        if token is None or found is None:
            if token is not None:
                # Telegram says only "Not Found" (PTB turns it into InvalidToken): name it here.
                self.stats.unsupported[request.match_info["method"]] += 1
                log.warning("Bot API emulator: unsupported method %s", request.match_info["method"])
            return error_response(not_found())
        self.state.bot_id = int(token.group(1))
        name, handler = found
        polling = name == "getUpdates"
        if not polling:
            self._inflight += 1
        try:
            params = await read_params(request)
            self.stats.calls[name] += 1
            injected = self.faults.server_error(name)
            if injected is not None:
                raise injected
            result = await handler(params)
        except ApiError as error:
            self.stats.record_error(error)
            return error_response(error)
        finally:
            if not polling:
                self._inflight -= 1
                self._last_request = time.monotonic()
        return ok_response(result)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files_by_path.get(request.match_info["path"])
        if not TOKEN_RE.fullmatch(request.match_info["token"]) or stored is None:
            return error_response(not_found())
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return error_response(not_found())

    async def _bot_activity(self, activity: BotActivity) -> None:
        self._activity.fire()
        for callback in list(self._subscribers):
            try:
                result = callback(activity)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                # A broken observer (e.g. the demo printer) must not fail the bot's request.
                log.exception("bot activity callback failed")
