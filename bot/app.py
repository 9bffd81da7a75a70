"""The application factory: `build_application(settings)` wires PTB, storage and handlers."""

from __future__ import annotations

import logging
from pathlib import Path

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.commands import publish_commands
from bot.context import AssistantApplication, AssistantContext, Services
from bot.domain.company_files import load_demo_companies
from bot.domain.notices import fill_free_seats
from bot.outbox.worker import start_outbox
from bot.settings import Settings
from bot.updates import PerChatUpdateProcessor
from storage.content import bundled_content_path, load_catalogue

logger = logging.getLogger(__name__)

# How often a request that Telegram refused with 429 is retried after its retry_after.
RATE_LIMIT_RETRIES = 5
# Messages a second Telegram accepts from one bot overall.
TELEGRAM_RATE = 30


def build_application(settings: Settings) -> AssistantApplication:
    """Build the assistant; nothing is opened or sent until the application starts."""
    services = Services.create(settings)
    root = settings.telegram_api_url
    application = (
        ApplicationBuilder()
        .application_class(AssistantApplication, kwargs={"services": services})
        .token(settings.require_token().reveal())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.timezone,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=AssistantContext))
        .rate_limiter(
            # Telegram's own ceiling for everything; bulk sending is paced lower (BROADCAST_RATE)
            # by bot.outbox.sending, so replies to people keep headroom during a broadcast.
            AIORateLimiter(overall_max_rate=TELEGRAM_RATE, max_retries=RATE_LIMIT_RETRIES)
        )
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(_on_startup)
        .post_shutdown(_on_shutdown)
        .build()
    )
    assert isinstance(application, AssistantApplication)
    handlers.register(application)
    return application


async def prepare_storage(services: Services, first_content: Path | None = None) -> None:
    """Open the database, fill an empty one, and load the catalogue.

    An empty database is filled from `first_content` when given (`content import` on a new
    database), else from CONTENT_FILE, else from the bundled demo.
    """
    await services.database.open()
    if await services.catalogue_store.is_empty():
        path = first_content or services.settings.content_file or bundled_content_path()
        logger.info("Empty database: importing the catalogue from %s", path)
        await services.catalogue_store.import_catalogue(load_catalogue(Path(path)))
    await services.reload_catalogue()
    if services.settings.content_file is None and not await services.companies.count():
        # The demo catalogue comes with its demo companies; a cluster's own content does not.
        await load_demo_companies(services.companies, services.catalogue)


async def _on_startup(application: Application) -> None:  # type: ignore[type-arg]
    assert isinstance(application, AssistantApplication)
    services = application.services
    await prepare_storage(services)
    await publish_commands(
        application.bot,
        services.texts,
        services.settings.default_language,
        services.settings.staff_ids,
    )
    # Seats a command-line import freed while the bot was stopped go to the waiting list now.
    await fill_free_seats(services.registrations, services.catalogue)
    # Last, once storage is ready: first puts back what a crash left in flight, then sweeps.
    await start_outbox(application)


async def _on_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    assert isinstance(application, AssistantApplication)
    await application.services.database.close()


async def start_application(application: AssistantApplication, *, poll_timeout: int = 10) -> None:
    """Start the bot inside a running event loop, as `run_polling` does (tests, the demo)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
    await application.start()


async def stop_application(application: AssistantApplication) -> None:
    """Stop a bot started with `start_application`, releasing every resource."""
    assert application.updater is not None
    if application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
