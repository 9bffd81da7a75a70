"""Choosing a broadcast draft's audience: everyone, a sector, a language, an event's people."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, Update

from bot.context import AssistantContext, Services
from bot.screens.broadcasts import audience_view
from bot.screens.buttons import AudienceChoice, DraftStep, RegistrantStatus
from handlers.broadcast_panel import STATUS_CODES, own_draft, panel_screen, repository
from handlers.replies import show
from storage.broadcasts import (
    ATTENDEES,
    EVERYONE,
    LANGUAGE,
    REGISTRANTS,
    SECTOR,
    Audience,
    Broadcast,
)

# Events offered when choosing an event's registrants or attendees.
EVENTS_LISTED = 8
EVENT_TITLE_SHOWN = 48
# Audience choices: the list each opens, and the code of one choice in it.
AUDIENCE_CODES = {"all": EVERYONE, "s": SECTOR, "l": LANGUAGE, "r": REGISTRANTS, "p": ATTENDEES}


async def audience_list(update: Update, context: AssistantContext) -> None:
    """Show the audience choices, or one list of them: sectors, languages, events."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    step = DraftStep.of(update).step
    number = draft.id
    services = caller.services
    events = []
    rows: list[list[InlineKeyboardButton]] = []
    if step == "au":
        rows = [
            [caller.button("broadcast_to_everyone", DraftStep("all", number))],
            [caller.button("broadcast_by_sector", DraftStep("sec", number))],
            [caller.button("broadcast_by_language", DraftStep("lng", number))],
            [caller.button("broadcast_to_registrants", DraftStep("reg", number))],
            [caller.button("broadcast_to_attendees", DraftStep("att", number))],
        ]
    elif step == "sec":
        rows = [
            [
                InlineKeyboardButton(
                    sector.name.get(caller.language),
                    callback_data=AudienceChoice("s", number, sector.id).data,
                )
            ]
            for sector in services.catalogue.sectors
        ]
    elif step == "lng":
        rows = [
            [caller.button(f"broadcast_language_{language}", AudienceChoice("l", number, language))]
            for language in ("tr", "en")
        ]
    else:
        now = datetime.now(UTC)
        if step == "reg":
            events = sorted(
                (e for e in services.catalogue.events if e.ends_at > now), key=lambda e: e.starts_at
            )[:EVENTS_LISTED]
        else:
            events = sorted(
                (e for e in services.catalogue.events if e.ends_at <= now),
                key=lambda e: e.starts_at,
                reverse=True,
            )[:EVENTS_LISTED]
        code = "r" if step == "reg" else "p"
        zone = services.settings.timezone
        rows = [
            [
                InlineKeyboardButton(
                    f"{event.starts_at.astimezone(zone):%d.%m} · "
                    f"{_shorten(event.title.get(caller.language))}",
                    callback_data=AudienceChoice(code, number, event.id).data,
                )
            ]
            for event in events
        ]
    back = DraftStep("v" if step == "au" else "au", number)
    rows.append([caller.button("back", back)])
    text = caller.render(
        "broadcast_audience",
        broadcast=draft,
        step=step,
        events=events,
        audience=audience_view(services.catalogue, draft.audience, caller.language),
    )
    await show(update, text, rows)


def _choice(update: Update) -> tuple[str, str | None]:
    """Return the audience code and value of the button pressed ("rs": registrant statuses)."""
    data = update.callback_query.data or "" if update.callback_query else ""
    if (chosen := AudienceChoice.parse(data)) is not None:
        return chosen.code, chosen.value
    if (statuses := RegistrantStatus.parse(data)) is not None:
        return "rs", statuses.status
    return DraftStep.of(update).step, None


def _shorten(title: str) -> str:
    if len(title) <= EVENT_TITLE_SHOWN:
        return title
    return title[: EVENT_TITLE_SHOWN - 1].rstrip() + "…"


async def audience_chosen(update: Update, context: AssistantContext) -> None:
    """Set the draft's audience to the choice pressed, then show the panel with its count."""
    caller = context.caller
    draft = await own_draft(update, context, caller)
    if draft is None:
        return
    code, value = _choice(update)
    audience = _audience(caller.services, draft, code, value)
    if audience is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    changed = await repository(caller.services).set_audience(draft.id, caller.person.id, audience)
    if changed is not None:
        text, rows = await panel_screen(caller, changed)
        await show(update, text, rows)


def _audience(
    services: Services, draft: Broadcast, code: str, value: str | None
) -> Audience | None:
    """Return the audience a button stands for, or None when it names nothing that exists."""
    if code == "rs":
        statuses = STATUS_CODES.get(value or "")
        if draft.audience.kind != REGISTRANTS or statuses is None:
            return None
        return Audience(REGISTRANTS, draft.audience.value, statuses)
    kind = AUDIENCE_CODES[code]
    if kind == EVERYONE:
        return Audience()
    if kind == SECTOR and services.catalogue.sector(value or "") is None:
        return None
    if kind == LANGUAGE and value not in ("tr", "en"):
        return None
    if kind in (REGISTRANTS, ATTENDEES) and services.catalogue.event(value or "") is None:
        return None
    return Audience(kind, value)
