"""KVKK / GDPR in the chat: the notice, consents, what is known, download, deletion, retention.

The person uses their rights (KVKK Art. 11) here without asking anyone: read the notice and
which version they acknowledged, give or withdraw explicit consent, see a summary of what is
stored, download it (JSON and a readable text), correct it (/profile) and delete it. Exports
and deletions are written to the audit log without the person's data. A daily job anonymises
personal data of events that ended longer ago than DATA_RETENTION.
"""

from __future__ import annotations

import html
import json
import logging
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantApplication, AssistantContext, Caller, Services
from bot.domain.access import Ability
from bot.screens.b2b import MEETING_LANGUAGES
from bot.screens.buttons import (
    HOME,
    STAFF_HOME,
    AnnouncementsAnswer,
    B2bScreen,
    ConsentCampaign,
    DeleteConfirmed,
    DirScreen,
    EditProfile,
    EventPage,
    HostConsent,
    Menu,
    PrivacyAction,
    StaffMenu,
    WithdrawAccessNeeds,
    WithdrawHostConsent,
)
from bot.screens.callback_data import CallbackData
from handlers import registrations
from handlers.profile import notice_context
from handlers.registrations import answers_shown
from handlers.replies import show
from handlers.staff_access import staff
from storage.catalogue import parse_utc
from storage.matchmaking import DIRECTORY, MATCH_PREFIX
from storage.privacy import (
    ANNOUNCEMENTS,
    HOST_PREFIX,
    SPECIAL_PREFIX,
    Anonymised,
    Consent,
    host_purpose,
    scoped_event,
    special_purpose,
)

logger = logging.getLogger(__name__)

# A withdraw button names its event; Telegram shows about this much of a label on a phone.
BUTTON_TITLE_LIMIT = 30

# How often retention runs, and how soon after a start (a bot restarted daily still runs it).
RETENTION_INTERVAL = 24 * 60 * 60
RETENTION_FIRST = 5 * 60


async def privacy_command(update: Update, context: AssistantContext) -> None:
    """Show what the person can do with their data, and where their consents stand."""
    await show_privacy(update, context.caller)


async def show_privacy(update: Update, caller: Caller) -> None:
    """Render the privacy screen."""
    person = caller.person
    consents = await caller.services.privacy.consents(person.id)
    in_force = {c.purpose: c for c in consents if c.in_force}
    announcements = in_force.get(ANNOUNCEMENTS)
    rows = [
        [caller.button("read_notice", PrivacyAction("notice"))],
        [caller.button("what_we_know", PrivacyAction("summary"))],
        [caller.button("download_data", PrivacyAction("export"))],
        [
            caller.button(
                "announcements_off" if announcements else "announcements_on",
                PrivacyAction("announcements"),
            )
        ],
    ]
    hosts = [_host(caller, c) for c in in_force.values() if c.purpose.startswith(HOST_PREFIX)]
    listings = [_host(caller, c) for c in in_force.values() if c.purpose.startswith(MATCH_PREFIX)]
    specials = [_host(caller, c) for c in in_force.values() if c.purpose.startswith(SPECIAL_PREFIX)]
    withdraws: list[tuple[str, dict[str, Any], CallbackData]] = (
        [("host_withdraw", host, WithdrawHostConsent(host["event_id"])) for host in hosts]
        + [
            ("access_needs_withdraw", special, WithdrawAccessNeeds(special["event_id"]))
            for special in specials
        ]
        + [
            (
                "b2b_unlist",
                listing,
                DirScreen("unlist")
                if listing["event_id"] == DIRECTORY
                else B2bScreen(listing["event_id"], "unlist"),
            )
            for listing in listings
        ]
    )
    for label_name, item, pressed in withdraws:
        title = item["title"]
        if len(title) > BUTTON_TITLE_LIMIT:
            title = title[: BUTTON_TITLE_LIMIT - 1] + "…"
        label = f"{caller.label(label_name)} · {title}"
        rows.append([InlineKeyboardButton(label, callback_data=pressed.data)])
    rows += [
        [caller.button("edit_profile", EditProfile("edit"))],
        [caller.button("delete_data", PrivacyAction("delete"))],
        [caller.button("home", HOME)],
    ]
    text = caller.render(
        "privacy",
        person=person,
        informed_at=parse_utc(person.informed_at) if person.informed_at else None,
        current_version=caller.services.catalogue.cluster.privacy_notice.version,
        announcements=announcements,
        hosts=hosts,
        specials=specials,
        listings=listings,
        withdrawn=[_host(caller, c) for c in consents if not c.in_force],
    )
    await show(update, text, rows)


def _host(caller: Caller, consent: Consent) -> dict[str, Any]:
    """Return a consent as the privacy screen names it: the event, its host and country."""
    listing = consent.purpose.startswith(MATCH_PREFIX)
    event_id = scoped_event(consent.purpose) or consent.purpose.removeprefix(MATCH_PREFIX)
    event = caller.services.catalogue.event(event_id)
    transfer = event.transfer_abroad if event is not None else None
    language = caller.language
    return {
        "consent": consent,
        "announcements": consent.purpose == ANNOUNCEMENTS,
        "special": consent.purpose.startswith(SPECIAL_PREFIX),
        "listing": listing,
        "event_id": event_id,
        "title": event.title.get(language)
        if event is not None
        else caller.label("directory_open")
        if listing and event_id == DIRECTORY
        else event_id,
        "host": transfer.host.get(language) if transfer is not None else None,
        "country": transfer.country.get(language) if transfer is not None else None,
    }


async def host_answered(update: Update, context: AssistantContext) -> None:
    """Take the answer to sharing one's details with an event's host abroad."""
    caller = context.caller
    pressed = HostConsent.of(update)
    event = caller.services.catalogue.event(pressed.event_id)
    if event is None or event.transfer_abroad is None:
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    wants = pressed.answer == "yes"
    privacy, purpose = caller.services.privacy, host_purpose(event.id)
    if wants:
        version = caller.services.catalogue.cluster.privacy_notice.version
        await privacy.give(caller.person.id, purpose, version)
    elif purpose in await privacy.in_force(caller.person.id):
        await privacy.withdraw(caller.person.id, purpose)
    # "No" otherwise stores nothing: no consent, and the registration stands.
    rows = [[caller.button("event_page", EventPage(event.id))], [caller.button("home", HOME)]]
    text = caller.render(
        "host_consent_answered", wants=wants, event=event, transfer=event.transfer_abroad
    )
    await show(update, text, rows)


async def host_withdrawn(update: Update, context: AssistantContext) -> None:
    """Withdraw the consent to share one's details with an event's host, then show /privacy."""
    caller = context.caller
    event_id = WithdrawHostConsent.of(update).event_id
    await caller.services.privacy.withdraw(caller.person.id, host_purpose(event_id))
    await show_privacy(update, await context.refresh_caller())


async def access_needs_withdrawn(update: Update, context: AssistantContext) -> None:
    """Ask, then withdraw the consent to an event's special question and delete the answer."""
    caller = context.caller
    pressed = WithdrawAccessNeeds.of(update)
    privacy, purpose = caller.services.privacy, special_purpose(pressed.event_id)
    event = caller.services.catalogue.event(pressed.event_id)
    title = event.title.get(caller.language) if event is not None else pressed.event_id
    back = [caller.button("privacy", Menu("privacy"))]
    if purpose not in await privacy.in_force(caller.person.id):
        # Withdrawn already (a second tap, another device) or never given: nothing to delete.
        await show(update, caller.render("not_available"), [back])
        return
    if pressed.sure == "0":
        rows = [
            [
                caller.button(
                    "access_needs_withdraw_yes", WithdrawAccessNeeds(pressed.event_id, "1")
                )
            ],
            back,
        ]
        await show(update, caller.render("access_needs_withdraw_confirm", title=title), rows)
        return
    await privacy.withdraw(caller.person.id, purpose)
    await show(update, caller.render("access_needs_withdrawn", title=title), [back])


async def notice_pressed(update: Update, context: AssistantContext) -> None:
    """Show the whole privacy notice."""
    caller = context.caller
    rows = [[caller.button("privacy", Menu("privacy"))], [caller.button("home", HOME)]]
    await show(update, caller.render("notice", notice=notice_context(caller)), rows)


async def announcements_pressed(update: Update, context: AssistantContext) -> None:
    """Give or withdraw consent to announcements, then show the privacy screen again."""
    caller = context.caller
    await switch_announcements(caller)
    await show_privacy(update, await context.refresh_caller())


async def switch_announcements(caller: Caller) -> None:
    """Withdraw the consent to announcements when in force, else give it."""
    privacy = caller.services.privacy
    if ANNOUNCEMENTS in await privacy.in_force(caller.person.id):
        await privacy.withdraw(caller.person.id, ANNOUNCEMENTS)
    else:
        version = caller.services.catalogue.cluster.privacy_notice.version
        await privacy.give(caller.person.id, ANNOUNCEMENTS, version)


async def announcements_answered(update: Update, context: AssistantContext) -> None:
    """Take the answer to the one-time question about announcements."""
    caller = context.caller
    wants = AnnouncementsAnswer.of(update).answer == "yes"
    if wants:
        version = caller.services.catalogue.cluster.privacy_notice.version
        await caller.services.privacy.give(caller.person.id, ANNOUNCEMENTS, version)
    else:
        # No consent, as before; only that they answered, so nobody asks again.
        await caller.services.privacy.decline_announcements(caller.person.id)
    await show(update, caller.render("consent_answered", wants=wants), [])


async def campaign_pressed(update: Update, context: AssistantContext) -> None:
    """Staff: explain the one-time question about announcements and ask to confirm."""
    caller = context.caller
    rows = [
        [caller.button("staff_consent_send", ConsentCampaign())],
        [caller.button("staff_menu", STAFF_HOME)],
    ]
    await show(update, caller.render("staff_consent_campaign", queued=None), rows)


async def campaign_confirmed(update: Update, context: AssistantContext) -> None:
    """Staff: queue the question, once, to everyone informed who has not been asked."""
    caller = context.caller
    queued = await caller.services.privacy.ask_for_announcements(datetime.now(UTC))
    await caller.services.audit.record(
        caller.person.id, "consent.campaign", None, {"queued": queued}
    )
    rows = [[caller.button("staff_menu", STAFF_HOME)]]
    await show(update, caller.render("staff_consent_campaign", queued=queued), rows)


# How many of the latest exports and erasures the staff screen lists.
PRIVACY_LOG_SIZE = 20


async def privacy_log(update: Update, context: AssistantContext) -> None:
    """Staff: list the latest exports and erasures from the audit log, without personal data."""
    caller = context.caller
    entries = await caller.services.audit.data_actions(PRIVACY_LOG_SIZE)
    catalogue, language = caller.services.catalogue, caller.language

    def title(subject: str | None) -> str | None:
        event_id = (subject or "").removeprefix("event:")
        event = catalogue.event(event_id) if event_id else None
        return event.title.get(language) if event is not None else event_id or None

    # Staff are named as their profile names them; the id is shown only for one without a name.
    people = caller.services.people
    names: dict[int, str | None] = {}
    for staff_id in {entry.staff_id for entry in entries if entry.staff_id}:
        person = await people.get(staff_id)
        names[staff_id] = person.full_name if person is not None else None
    shown = [
        {"entry": entry, "event": title(entry.subject), "staff": names.get(entry.staff_id)}
        for entry in entries
    ]
    rows = [[caller.button("staff_menu", STAFF_HOME)]]
    await show(update, caller.render("staff_privacy_log", entries=shown), rows)


# Columns of a B2B profile stored as JSON lists: exported as lists, not as JSON in a string.
_PROFILE_LISTS = ("offers", "seeks", "languages")


async def personal_data(caller: Caller) -> dict[str, Any]:
    """Return everything stored about the person, its JSON columns read as lists."""
    document = await caller.services.people.personal_data(caller.person.id)
    for profile in document.get("match_profiles", []):
        for name in _PROFILE_LISTS:
            try:
                value = json.loads(profile.get(name) or "[]")
            except (TypeError, ValueError):
                continue
            profile[name] = value if isinstance(value, list) else []
    return document


async def summary_pressed(update: Update, context: AssistantContext) -> None:
    """Tell the person, in a few lines, everything that is stored about them."""
    caller = context.caller
    document = await personal_data(caller)
    rows = [
        [caller.button("download_data", PrivacyAction("export"))],
        [caller.button("privacy", Menu("privacy"))],
    ]
    await show(update, caller.render("data_summary", **_summary(caller, document)), rows)


async def export_data(update: Update, context: AssistantContext) -> None:
    """Send the person their data: a JSON file, and the same as text a person reads."""
    caller = context.caller
    services = caller.services
    document = await personal_data(caller)
    document["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    payload = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    # A text file, not Telegram HTML: the escaping the templates add is undone.
    readable = html.unescape(caller.render("data_readable", **_readable(caller, document)))
    await context.acknowledge()
    await context.bot.send_document(
        caller.person.id,
        document=payload,
        filename="my-data.json",
        caption=caller.render("export_ready"),
    )
    await context.bot.send_document(
        caller.person.id,
        document=readable.encode("utf-8"),
        filename="my-data.txt",
    )
    await services.privacy.record_request("privacy.export")


def _summary(caller: Caller, document: dict[str, Any]) -> dict[str, Any]:
    """Return what the summary and the readable export show, from the export's document."""
    catalogue = caller.services.catalogue
    member = document.get("member", {})
    sector = catalogue.sector(member.get("sector_id") or "")
    notices = document.get("notice_acknowledgements", [])

    def title(event_id: str) -> str:
        event = catalogue.event(event_id)
        return event.title.get(caller.language) if event is not None else event_id

    return {
        "member": member,
        "sector": sector.name.get(caller.language) if sector else None,
        "registrations": [
            {**item, "title": title(item["event_id"])} for item in document["registrations"]
        ],
        "questions": document.get("asked_questions", []),
        "tickets": document.get("tickets", []),
        "ticket_messages": document.get("ticket_messages", []),
        "feedback": [
            {**item, "title": title(item["event_id"])} for item in document.get("feedback", [])
        ],
        "consents": document.get("consents", []),
        "special_answers": [
            {**item, "title": title(item["event_id"])}
            for item in document.get("special_category_answers", [])
        ],
        "notices": document.get("notice_acknowledgements", []),
        # The version read last, as /privacy names it ("2027-01, read on ...").
        "notice": _with_moments(notices[-1], "acknowledged_at") if notices else None,
        "forms": document.get("forms", []),
        "applications": document.get("applications", []),
        "certificates": document.get("certificates", []),
        "match_profiles": document.get("match_profiles", []),
        "meeting_requests": document.get("meeting_requests", []),
        "meetings": document.get("meetings", []),
    }


def _moment(value: Any) -> datetime | None:
    """Return a stored UTC time as a datetime, for the templates to show in local time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        return None


def _with_moments(item: dict[str, Any], *names: str) -> dict[str, Any]:
    return {**item, **{name: _moment(item.get(name)) for name in names}}


def _readable(caller: Caller, document: dict[str, Any]) -> dict[str, Any]:
    """Return the readable export: everything of the JSON, in words, in local time."""
    catalogue = caller.services.catalogue
    shown = _summary(caller, document)

    def title(event_id: str | None) -> str:
        event = catalogue.event(event_id or "")
        return event.title.get(caller.language) if event is not None else (event_id or "–")

    def purpose(name: str) -> tuple[str, str]:
        """Return what a consent is for, and the event it is about (if any)."""
        if name == f"{MATCH_PREFIX}{DIRECTORY}":
            return "directory", ""
        for prefix, kind in (
            (HOST_PREFIX, "host"),
            (SPECIAL_PREFIX, "special"),
            (MATCH_PREFIX, "listing"),
        ):
            if name.startswith(prefix):
                return kind, title(name.removeprefix(prefix))
        return ("announcements" if name == ANNOUNCEMENTS else "other"), ""

    def categories(ids: list[str], words: str | None) -> list[str]:
        """Return the categories of a profile by name, then what the person wrote."""
        found = (catalogue.category(category_id) for category_id in ids)
        named = [c.name.get(caller.language) for c in found if c is not None]
        return [*named, f"“{words}”"] if words else named

    answers: dict[str, dict[str, Any]] = {}
    for row in document.get("event_answers", []):
        try:
            value = json.loads(row["value"])
        except (TypeError, ValueError):
            value = row["value"]
        answers.setdefault(row["event_id"], {})[row["question_id"]] = value
    event_answers = []
    for event_id, given in answers.items():
        event = catalogue.event(event_id)
        lines = answers_shown(caller, event, given) if event is not None else []
        event_answers.append({"title": title(event_id), "answers": lines})
    sectors = {sector.id: sector.name.get(caller.language) for sector in catalogue.sectors}
    member = shown["member"]
    return {
        **shown,
        "member": _with_moments(
            member, "informed_at", "first_seen_at", "last_seen_at", "announcements_declined_at"
        ),
        "registrations": [
            _with_moments(item, "created_at", "cancelled_at") for item in shown["registrations"]
        ],
        "questions": [_with_moments(item, "created_at") for item in shown["questions"]],
        "tickets": [_with_moments(item, "created_at", "closed_at") for item in shown["tickets"]],
        "ticket_messages": [_with_moments(item, "created_at") for item in shown["ticket_messages"]],
        "notices": [_with_moments(item, "acknowledged_at") for item in shown["notices"]],
        "consents": [
            {
                **_with_moments(item, "given_at", "withdrawn_at"),
                "kind": purpose(item["purpose"])[0],
                "title": purpose(item["purpose"])[1],
            }
            for item in shown["consents"]
        ],
        "special_answers": [
            _with_moments(item, "answered_at") for item in shown["special_answers"]
        ],
        "event_answers": event_answers,
        "certificates": [
            {**_with_moments(item, "issued_at", "revoked_at"), "title": title(item["event_id"])}
            for item in document.get("certificates", [])
        ],
        "match_profiles": [
            {
                **_with_moments(item, "listed_at", "updated_at"),
                # The year-round directory's profile has no event: the template names it.
                "title": title(item["event_id"]) if item["event_id"] else None,
                "sector": sectors.get(item.get("sector_id") or "", ""),
                "offers": categories(item.get("offers", []), item.get("offers_text")),
                "seeks": categories(item.get("seeks", []), item.get("seeks_text")),
                "languages": [
                    caller.label(f"meeting_language_{code}")
                    for code in item.get("languages", [])
                    if code in MEETING_LANGUAGES
                ],
            }
            for item in document.get("match_profiles", [])
        ],
        "meeting_requests": [
            {**_with_moments(item, "created_at"), "title": title(item["event_id"])}
            for item in document.get("meeting_requests", [])
        ],
        "meetings": [
            {**_with_moments(item, "starts_at"), "title": title(item["event_id"])}
            for item in document.get("meetings", [])
        ],
        "applications": [
            {**_with_moments(item, "created_at", "decided_at"), "title": title(item["event_id"])}
            for item in document.get("applications", [])
        ],
        "deliveries": len(document.get("deliveries", [])),
        "broadcasts": len(document.get("broadcasts", [])),
        "forms": [_with_moments(item, "updated_at") for item in shown["forms"]],
    }


async def ask_delete(update: Update, context: AssistantContext) -> None:
    """Ask for confirmation before erasing."""
    caller = context.caller
    rows = [
        [caller.button("confirm_delete", DeleteConfirmed())],
        [caller.button("keep_data", Menu("privacy"))],
    ]
    await show(update, caller.render("delete_confirm"), rows)


async def delete_data(update: Update, context: AssistantContext) -> None:
    """Cancel active registrations (passing seats on), then erase the person's personal data."""
    caller = context.caller
    services = caller.services
    cancelled = 0
    now = datetime.now(UTC)
    for registration in await services.registrations.of_person(caller.person.id):
        event = services.catalogue.event(registration.event_id)
        # Past registrations stay (pseudonymised) for the funders' audits.
        if not registration.is_active or event is None or event.starts_at <= now:
            continue
        # Whoever gets a freed seat is told by the outbox, queued with the seat.
        outcome = await registrations.cancel(caller, registration.id, event)
        if outcome is not None:
            cancelled += 1
    # Meetings booked go first, so the other side of each is told and the slot is freed.
    await services.matchmaking.leave(caller.person.id, "erased", now)
    # The team chats its tickets went to are asked to delete their copies, in the erasure.
    await services.people.erase(caller.person.id)
    await services.privacy.record_request("privacy.erase", {"cancelled": cancelled})
    await show(update, caller.render("deleted", cancelled=cancelled))


async def run_retention(services: Services, now: datetime | None = None) -> Anonymised:
    """Clear what only an event that is over needed; anonymise data past DATA_RETENTION."""
    moment = now or datetime.now(UTC)
    for cleared in await services.privacy.clear_past_events(moment):
        logger.info(
            "Retention: event %s is over, %d scoped consents and %d special answers cleared",
            cleared.event_id,
            cleared.consents,
            cleared.special_answers,
        )
    done = await services.privacy.anonymise_before(moment - services.settings.data_retention)
    if done.registrations or done.questions or done.tickets or done.certificates:
        logger.info(
            "Retention: anonymised %d registrations, %d questions, %d tickets, %d certificates",
            done.registrations,
            done.questions,
            done.tickets,
            done.certificates,
        )
    return done


async def _retention_job(context: AssistantContext) -> None:
    """Run retention (JobQueue)."""
    await run_retention(context.services)


def schedule(application: AssistantApplication) -> None:
    """Run retention once a day (it reads the tables, so it needs no state of its own)."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _retention_job, interval=RETENTION_INTERVAL, first=RETENTION_FIRST, name="retention"
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("privacy", privacy_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(privacy_command, pattern=Menu.pattern(screen="privacy")),
        CallbackQueryHandler(notice_pressed, pattern=PrivacyAction.pattern(action="notice")),
        CallbackQueryHandler(summary_pressed, pattern=PrivacyAction.pattern(action="summary")),
        CallbackQueryHandler(
            announcements_pressed, pattern=PrivacyAction.pattern(action="announcements")
        ),
        CallbackQueryHandler(export_data, pattern=PrivacyAction.pattern(action="export")),
        CallbackQueryHandler(ask_delete, pattern=PrivacyAction.pattern(action="delete")),
        CallbackQueryHandler(delete_data, pattern=DeleteConfirmed.pattern()),
        CallbackQueryHandler(announcements_answered, pattern=AnnouncementsAnswer.pattern()),
        CallbackQueryHandler(host_answered, pattern=HostConsent.pattern()),
        CallbackQueryHandler(host_withdrawn, pattern=WithdrawHostConsent.pattern()),
        CallbackQueryHandler(access_needs_withdrawn, pattern=WithdrawAccessNeeds.pattern()),
        *staff(
            Ability.MANAGE,
            [
                CallbackQueryHandler(campaign_pressed, pattern=StaffMenu.pattern(screen="consent")),
                CallbackQueryHandler(campaign_confirmed, pattern=ConsentCampaign.pattern()),
                CallbackQueryHandler(privacy_log, pattern=StaffMenu.pattern(screen="privacylog")),
            ],
        ),
    ]
