"""The services catalogue and each service's page with its upcoming events."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.screens.buttons import HOME, EventPage, Menu, RequestService, ServicePage
from handlers.replies import Keyboard, show

# How many upcoming events a service's page lists.
SHOWN_EVENTS = 5


async def services_command(update: Update, context: AssistantContext) -> None:
    """List the cluster's services."""
    caller = context.caller
    services = caller.services.catalogue.services
    numbers = [
        InlineKeyboardButton(str(index + 1), callback_data=ServicePage(service.id).data)
        for index, service in enumerate(services)
    ]
    rows = [numbers[start : start + 5] for start in range(0, len(numbers), 5)]
    await show(
        update,
        caller.render("services_list", services=services),
        [*rows, [caller.button("home", HOME)]],
    )


async def open_service(update: Update, context: AssistantContext) -> None:
    """Open a service from a button."""
    caller = context.caller
    await show_service(update, caller, ServicePage.of(update).service_id)


async def show_service(
    update: Update, caller: Caller, service_id: str, extra: Keyboard = ()
) -> None:
    """Render a service's page, with buttons to its upcoming events; `extra` rows at the end."""
    services = caller.services
    service = services.catalogue.service(service_id)
    back = [caller.button("all_services", Menu("services")), caller.button("home", HOME)]
    if service is None:
        await show(update, caller.render("not_available"), [back])
        return
    listings = [
        item
        for item in await services.catalogue_store.upcoming(services.catalogue, datetime.now(UTC))
        if item.event.service_id == service.id
    ]
    sectors = [
        sector.name.get(caller.language)
        for sector_id in service.sectors
        if (sector := services.catalogue.sector(sector_id)) is not None
    ]
    rows = [
        [
            InlineKeyboardButton(
                "📅 " + item.event.title.get(caller.language),
                callback_data=EventPage(item.event.id).data,
            )
        ]
        for item in listings[:SHOWN_EVENTS]
    ]
    # The page lists the next few events; the full list is under /events.
    text = caller.render(
        "service_page", service=service, sectors=sectors, listings=listings[:SHOWN_EVENTS]
    )
    request = [caller.button("ticket_request_service", RequestService(service.id))]
    await show(update, text, [*rows, request, *extra, back])


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("services", services_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(services_command, pattern=Menu.pattern(screen="services")),
        CallbackQueryHandler(open_service, pattern=ServicePage.pattern()),
    ]
