"""Webhook mode: Telegram POSTs each update; it is stored in the inbox, then answered 200.

Every request must carry the secret token given to setWebhook (Telegram sends it in
`X-Telegram-Bot-Api-Secret-Token`); anything else is refused with 403 and stored nowhere. An
update that can't be stored is answered 500, so Telegram sends it again: nothing is lost.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

if TYPE_CHECKING:
    from bot.updates.inbox import UpdateInbox

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are small; anything bigger is not one.
MAX_BODY = 1024 * 1024


class Webhook:
    """The HTTP listener Telegram (through a reverse proxy) delivers updates to."""

    def __init__(self, bot: Bot, inbox: UpdateInbox, url: str, secret: str) -> None:
        self._bot = bot
        self._inbox = inbox
        self._url = url
        self._secret = secret.encode()
        self.path = urlsplit(url).path or "/"
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen, then tell Telegram where to deliver; return the port listened on."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._receive)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        # Updates waiting at Telegram are kept: they come as soon as the webhook is set.
        await self._bot.set_webhook(
            self._url, secret_token=self._secret.decode(), drop_pending_updates=False
        )
        logger.info("Receiving updates by webhook on %s:%s%s", host, self.port, self.path)
        return self.port

    async def stop(self) -> None:
        """Stop listening; Telegram keeps what it could not deliver and sends it later."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            logger.warning("Webhook request without the right secret token refused")
            return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), self._bot)
        except (ValueError, TypeError, KeyError):
            logger.warning("Webhook request that is not an update refused")
            return web.Response(status=400)
        try:
            await self._inbox.accept([update])
        except Exception:
            logger.exception(
                "Could not store update %s; Telegram will send it again", update.update_id
            )
            return web.Response(status=500)
        self._inbox.acknowledged(update.update_id + 1)
        return web.Response(status=200)
