"""The application factory: `build_application(settings)` wires PTB, storage and handlers."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.commands import (
    publish_commands,
    publish_profile,
    publish_staff_menu,
    staff_command_abilities,
)
from bot.context import AssistantApplication, AssistantContext, Services
from bot.domain.company_files import load_demo_companies
from bot.domain.notices import fill_free_seats
from bot.flood import FloodControl
from bot.health import HealthServer
from bot.outbox.worker import start_outbox
from bot.settings import Settings
from bot.updates import PerChatUpdateProcessor, UpdateInbox
from storage.content import bundled_content_path, load_catalogue
from storage.inbox import InboxRepository
from storage.roles import Role

logger = logging.getLogger(__name__)


def build_application(settings: Settings) -> AssistantApplication:
    """Build the assistant; nothing is opened or sent until the application starts."""
    services = Services.create(settings)
    root = settings.telegram_api_url
    inbox = UpdateInbox(InboxRepository(services.database), services.pulse)
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
        # Replies go at once; bulk sending is paced within BROADCAST_RATE by bot.outbox.sending.
        .rate_limiter(FloodControl())
        .concurrent_updates(PerChatUpdateProcessor(inbox))
        # Updates come through the inbox (bot.updates), stored before they are acknowledged.
        .updater(None)
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
    await services.follow_staff_chat()
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
    settings = services.settings
    abilities = staff_command_abilities(application)
    team = {member.person_id: member.role for member in await services.roles.team()}
    team.update({staff_id: Role.ADMIN for staff_id in settings.staff_ids})
    bot, texts, language = application.bot, services.texts, settings.default_language
    try:
        await publish_commands(bot, texts, language, team, abilities)
        await publish_profile(bot, texts, services.catalogue, language)
    except TelegramError as error:
        # The menus and profile are a convenience: the assistant works without them.
        logger.warning("Could not update the command menus or profile: %s", error)

    async def menu_changed(person_id: int, role: Role | None) -> None:
        if person_id in settings.staff_ids:
            role = Role.ADMIN
        await publish_staff_menu(bot, texts, language, person_id, role, abilities)

    application.menu_changed = menu_changed
    # Seats a command-line import freed while the bot was stopped go to the waiting list now.
    await fill_free_seats(services.registrations, services.catalogue)
    # Last, once storage is ready: first puts back what a crash left in flight, then sweeps.
    await start_outbox(application)


async def _on_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    assert isinstance(application, AssistantApplication)
    await application.services.database.close()


def _inbox(application: AssistantApplication) -> UpdateInbox:
    processor = application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor) and processor.inbox is not None
    return processor.inbox


async def start_application(application: AssistantApplication, *, poll_timeout: int = 10) -> None:
    """Start the bot inside a running event loop and receive updates (run, tests, the demo).

    Polling by default; by webhook when WEBHOOK_URL is set.
    """
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    inbox = _inbox(application)
    # What a crash left unhandled is queued first, ahead of anything newer.
    await inbox.open(application.bot, application.update_queue)
    await application.start()
    settings = application.services.settings
    if settings.webhook_url is not None and settings.webhook_secret is not None:
        host, port = settings.webhook_listen
        await inbox.start_webhook(
            settings.webhook_url, settings.webhook_secret.reveal(), host, port
        )
    else:
        await inbox.start_polling(poll_seconds=poll_timeout)


async def stop_application(application: AssistantApplication) -> None:
    """Stop a bot started with `start_application`, releasing every resource."""
    inbox = _inbox(application)
    await inbox.stop_fetching()
    if application.running:
        # Handles the updates already queued before it returns.
        await application.stop()
    await inbox.close()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def run_until_stopped(application: AssistantApplication) -> None:
    """Run the bot until SIGINT or SIGTERM (`clustem-bot run`)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    await start_application(application)
    health = None
    port = application.services.settings.health_port
    if port:
        health = HealthServer(application.services, application.bot)
        try:
            await health.start("127.0.0.1", port)
        except OSError as error:
            # Serving people matters more than reporting on it: run on without the endpoint.
            logger.error("Health endpoint not started on port %s: %s", port, error)
            health = None
    logger.info("Running; Ctrl-C stops")
    try:
        await stopping.wait()
    finally:
        if health is not None:
            await health.stop()
        await stop_application(application)
