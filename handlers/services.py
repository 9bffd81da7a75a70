"""The services catalogue and each service's page with its upcoming events."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext
from bot.screens.links import ENTRY_ID, event_page, service_page
from handlers.replies import Visit, acknowledge, show, visit

# How many upcoming events a service's page lists.
SHOWN_EVENTS = 5


async def services_command(update: Update, context: AssistantContext) -> None:
    """List the cluster's services."""
    guest = await visit(update, context)
    await acknowledge(update)
    services = guest.services.catalogue.services
    numbers = [
        InlineKeyboardButton(str(index + 1), callback_data=service_page(service.id))
        for index, service in enumerate(services)
    ]
    rows = [numbers[start : start + 5] for start in range(0, len(numbers), 5)]
    await show(
        update,
        guest.render("services_list", services=services),
        [*rows, [guest.button("home", "m:home")]],
    )


async def open_service(update: Update, context: AssistantContext) -> None:
    """Open a service from a button."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None
    await show_service(update, guest, context.matches[0].group(1))


async def show_service(update: Update, guest: Visit, service_id: str) -> None:
    """Render a service's page, with buttons to its upcoming events."""
    services = guest.services
    service = services.catalogue.service(service_id)
    back = [guest.button("all_services", "m:services"), guest.button("home", "m:home")]
    if service is None:
        await show(update, guest.render("not_available"), [back])
        return
    listings = [
        item
        for item in await services.catalogue_store.upcoming(services.catalogue, datetime.now(UTC))
        if item.event.service_id == service.id
    ]
    sectors = [
        sector.name.get(guest.language)
        for sector_id in service.sectors
        if (sector := services.catalogue.sector(sector_id)) is not None
    ]
    rows = [
        [
            InlineKeyboardButton(
                "📅 " + item.event.title.get(guest.language),
                callback_data=event_page(item.event.id),
            )
        ]
        for item in listings[:SHOWN_EVENTS]
    ]
    # The page lists the next few events; the full list is under /events.
    text = guest.render(
        "service_page", service=service, sectors=sectors, listings=listings[:SHOWN_EVENTS]
    )
    request = [guest.button("ticket_request_service", f"tk:svc:{service.id}")]
    await show(update, text, [*rows, request, back])


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("services", services_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(services_command, pattern=r"^m:services$"),
        CallbackQueryHandler(open_service, pattern=rf"^sv:s:({ENTRY_ID})$"),
    ]
