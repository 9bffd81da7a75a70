"""Kinds of outbox message and how each is written: kind -> composer.

A composer turns a claimed row into the message the person gets (through a screen of
bot.screens), or says why there is nothing to send (`Skip`). Kinds differ only here: the
claiming, sending, retrying and recording are the worker's, the same for all. A new feature
adds a kind to storage.outbox.KINDS and its composer to `KINDS` below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.context import Services
from bot.screens.applications import (
    decision_screen,
    place_reminder_screen,
    places_unfilled_screen,
)
from bot.screens.b2b import (
    answer_notice,
    cancelled_notice,
    followup_question,
    proposal_notice,
    relayed_message,
    reminder_notice,
    request_notice,
)
from bot.screens.broadcasts import broadcast_message
from bot.screens.certificates import certificate_document, revoked_notice
from bot.screens.company_claims import claim_decided_screen, claim_request_screen
from bot.screens.notices import (
    calendar_document,
    checkin_photo,
    event_cancelled_screen,
    event_changed_screen,
    event_message_screen,
    promoted_screen,
    registration_cancelled_screen,
)
from bot.screens.outgoing import Outgoing, TextMessage
from bot.screens.privacy import consent_request_screen
from bot.screens.reminders import reminder_screen, survey_screen
from bot.screens.staff_notices import staff_notice_screen
from bot.screens.surveys import invitation_screen
from storage import outbox
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.catalogue import parse_utc
from storage.certificates import REVOKED, VALID, CertificateRepository
from storage.content import Event, Text
from storage.events import calendar_sequence
from storage.outbox import OutboxMessage
from storage.survey_definitions import Survey
from storage.surveys import Round


@dataclass(frozen=True)
class Skip:
    """Nothing to send for this row, and why (recorded as the row's reason)."""

    reason: str


@dataclass
class ComposeContext:
    """What composers need besides the row: the services, the bot's name, the time."""

    services: Services
    bot_username: str
    clock: Callable[[], datetime]
    broadcasts: BroadcastRepository
    # A broadcast's content never changes once it is sent: read once per broadcast.
    contents: dict[int, Broadcast] = field(default_factory=dict)

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        """Return a broadcast's content, read once."""
        if broadcast_id not in self.contents:
            found = await self.broadcasts.get(broadcast_id)
            if found is None:
                return None
            self.contents[broadcast_id] = found
        return self.contents[broadcast_id]


Composer = Callable[[ComposeContext, OutboxMessage, str], Awaitable[Outgoing | Skip]]
StillWanted = Callable[[ComposeContext, OutboxMessage], Awaitable[bool]]


@dataclass(frozen=True)
class Kind:
    """How one kind of row becomes a message."""

    compose: Composer
    # Asked after the rate budget's slot, right before the request: False holds it back
    # (a broadcast stopped while its rows were already claimed).
    still_wanted: StillWanted | None = None


def _event(context: ComposeContext, message: OutboxMessage) -> Event | Skip:
    event = context.services.catalogue.event(message.event_id or "")
    return event if event is not None else Skip("event not in the catalogue")


async def compose_reminder(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write a reminder of an event about to start."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    assert message.registration_id is not None
    return reminder_screen(
        context.services.texts, event, message.registration_id, language, context.clock()
    )


async def compose_survey(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write the feedback survey of an event that ended."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    assert message.registration_id is not None
    return survey_screen(context.services.texts, event, message.registration_id, language)


async def compose_event_changed(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write the notice that an event moved: the time or place it had, and the new one."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    assert message.registration_id is not None
    payload = message.payload
    previous = replace(
        event,
        starts_at=_moment(payload.get("previous_starts_at"), event.starts_at),
        ends_at=_moment(payload.get("previous_ends_at"), event.ends_at),
        online=bool(payload.get("previous_online", event.online)),
        location=_text(payload.get("previous_location")) or event.location,
    )
    registration = await context.services.registrations.get(message.registration_id)
    return event_changed_screen(
        context.services.texts,
        previous,
        event,
        message.registration_id,
        language,
        time_changed=bool(payload.get("time_changed", True)),
        place_changed=bool(payload.get("place_changed", False)),
        confirmed=registration is not None and registration.status == "confirmed",
    )


async def compose_event_cancelled(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write the notice that an event was cancelled (it left the catalogue: the row says it)."""
    title = _text(message.payload.get("title"))
    starts_at = message.payload.get("starts_at")
    if title is None or not isinstance(starts_at, str):
        return Skip("notice without its event's title and time")
    waitlisted = message.registration_id in message.payload.get("waitlisted", [])
    return event_cancelled_screen(
        context.services.texts,
        title.get(language),
        parse_utc(starts_at),
        language,
        waitlisted,
        applied=bool(message.payload.get("applied")),
    )


async def compose_registration_cancelled(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write the notice that staff cancelled the person's registration, with their reason."""
    title = _text(message.payload.get("title"))
    starts_at = message.payload.get("starts_at")
    if title is None or not isinstance(starts_at, str):
        return Skip("notice without its event's title and time")
    reason = message.payload.get("reason")
    return registration_cancelled_screen(
        context.services.texts,
        title.get(language),
        parse_utc(starts_at),
        language,
        waitlisted=bool(message.payload.get("waitlisted")),
        reason=reason if isinstance(reason, str) and reason else None,
    )


async def compose_event_message(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write staff's notice to a registrant, under the event's title."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    html = message.payload.get("html")
    if not isinstance(html, str) or not html:
        return Skip("notice without its text")
    return event_message_screen(context.services.texts, event, html, language)


async def still_registered(context: ComposeContext, message: OutboxMessage) -> bool:
    """Tell whether the person still holds or waits for a seat (they may have cancelled)."""
    registration_id = message.payload.get("registration")
    if not isinstance(registration_id, int):
        return False
    registration = await context.services.registrations.get(registration_id)
    return registration is not None and registration.is_active


async def compose_promoted(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write the news that a seat from the waiting list is the person's now."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    return promoted_screen(context.services.texts, event, language)


async def compose_calendar(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Make the registration's calendar file."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    assert message.registration_id is not None
    services = context.services
    return calendar_document(
        services.catalogue.cluster,
        services.settings.timezone,
        event,
        message.registration_id,
        language,
        await calendar_sequence(services.database, event.id),
    )


async def compose_checkin_code(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Make the registration's check-in code, for an event held in a place."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    registration = await context.services.registrations.get(message.registration_id or 0)
    if registration is None:
        return Skip("registration no longer exists")
    photo = checkin_photo(
        context.services.texts, context.bot_username, event, registration, language
    )
    return photo if photo is not None else Skip("no door to scan a code at: the event is online")


async def compose_broadcast(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write a person's copy of a broadcast, in the language fixed when it started."""
    broadcast = await context.broadcast(message.broadcast_id or 0)
    if broadcast is None:
        return Skip("broadcast no longer exists")
    return broadcast_message(context.services.texts, broadcast, language)


async def broadcast_still_sending(context: ComposeContext, message: OutboxMessage) -> bool:
    """Tell whether the broadcast was not stopped since its row was claimed."""
    return await context.broadcasts.is_sending(message.broadcast_id or 0)


async def compose_consent_request(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Ask, once, whether the person wants announcements, in the words that fit them."""
    case = await context.services.privacy.announcements_question(message.person_id or 0)
    if case is None:
        return Skip("answered meanwhile")
    return consent_request_screen(context.services.texts, language, case)


async def still_without_consent(context: ComposeContext, message: OutboxMessage) -> bool:
    """Tell whether the person has not answered meanwhile (at a sign-up, in /settings)."""
    privacy = context.services.privacy
    return await privacy.announcements_question(message.person_id or 0) is not None


async def compose_ticket_copies(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Ask a team chat, under an erased person's ticket, to delete its copies there by hand."""
    text = context.services.texts.render(
        language, "staff_ticket_erased", ticket_id=message.payload.get("ticket")
    )
    reply_to = message.payload.get("message")
    return TextMessage(text, reply_to=int(reply_to) if reply_to is not None else None)


async def compose_staff_notice(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Tell a team member what happened (the staff chat moved, a backup failed, a new role)."""
    return staff_notice_screen(context.services.texts, message.payload, language)


async def compose_company_claim(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Ask a company's contact whether the person who claimed the company works there."""
    services = context.services
    company_id = int(message.payload.get("company", 0))
    claimant_id = int(message.payload.get("claimant", 0))
    company = await services.companies.get(company_id)
    if company is None or await services.company_links.contact_of(company_id) != message.person_id:
        return Skip("company gone or its contact changed")
    link = await services.company_links.of_person(claimant_id)
    claimant = await services.people.get(claimant_id)
    if claimant is None or link.company_id != company_id or link.verified:
        return Skip("claim no longer pending")
    return claim_request_screen(
        services.texts,
        language,
        company_id,
        company.name,
        claimant_id,
        claimant.full_name or "",
    )


async def compose_claim_decided(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Tell the person who claimed a company whether they were confirmed."""
    company = await context.services.companies.get(int(message.payload.get("company", 0)))
    if company is None:
        return Skip("company gone")
    approved = bool(message.payload.get("approved"))
    return claim_decided_screen(context.services.texts, language, company.name, approved)


async def broadcast_still_wanted(context: ComposeContext, message: OutboxMessage) -> bool:
    """Tell whether the broadcast still goes and the person still wants announcements."""
    if not await broadcast_still_sending(context, message):
        return False
    # Withdrawn after the row was claimed: at once means this copy too.
    return await context.services.privacy.wants_announcements(message.person_id or 0)


async def compose_certificate(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Make a person's certificate of participation, unless it was revoked meanwhile."""
    services = context.services
    certificate_id = message.payload.get("certificate_id")
    certificate = (
        await CertificateRepository(services.database).get(certificate_id)
        if isinstance(certificate_id, int)
        else None
    )
    if certificate is None:
        return Skip("certificate no longer exists")
    if certificate.status != VALID:
        return Skip(f"certificate {certificate.status}")
    # A PDF takes a tenth of a second to build: off the loop, so updates keep flowing.
    return await asyncio.to_thread(
        certificate_document,
        services.texts,
        services.catalogue.cluster,
        certificate,
        language,
        context.bot_username,
    )


async def compose_certificate_revoked(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Tell a holder their certificate was revoked, unless they erased their data meanwhile."""
    services = context.services
    certificate_id = message.payload.get("certificate_id")
    certificate = (
        await CertificateRepository(services.database).get(certificate_id)
        if isinstance(certificate_id, int)
        else None
    )
    if certificate is None or certificate.status != REVOKED:
        return Skip("certificate no longer revoked")
    return revoked_notice(services.texts, services.catalogue.cluster, certificate, language)


async def compose_meeting_request(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Tell a participant someone asks them for a meeting, while the request still waits."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    matchmaking = context.services.matchmaking
    request = await matchmaking.get_request(int(message.payload.get("request_id", 0)))
    if request is None or request.status != "pending" or request.requester_id is None:
        return Skip("request no longer waiting")
    requester = await matchmaking.profile(request.requester_id, event.id)
    if requester is None:
        return Skip("requester has no profile")
    services = context.services
    return request_notice(services.texts, services.catalogue, event, request, requester, language)


async def compose_meeting_answer(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Tell how a request ended (or that staff moved the meeting): time and table, or why not."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    matchmaking = context.services.matchmaking
    meeting = await matchmaking.meeting(message.meeting_id) if message.meeting_id else None
    if meeting is not None and meeting.status == "cancelled":
        return Skip("meeting cancelled meanwhile")
    request_id = message.payload.get("request_id")
    request = await matchmaking.get_request(int(request_id)) if request_id else None
    person = message.person_id or 0
    if meeting is not None:
        other = meeting.other(person)
    else:
        other = request.invitee_id if request is not None else None
    return answer_notice(
        context.services.texts,
        event,
        str(message.payload.get("outcome", "")),
        await matchmaking.name_of(other),
        request.reply if request is not None else None,
        meeting,
        language,
        to_requester=request is not None and request.requester_id == person,
    )


async def compose_meeting_reminder(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Remind a participant of a meeting a few minutes ahead, if it still stands there."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    matchmaking = context.services.matchmaking
    meeting = await matchmaking.meeting(message.meeting_id or 0)
    if meeting is None or meeting.status != "scheduled" or meeting.starts_at is None:
        return Skip("meeting no longer scheduled")
    if meeting.slot != message.payload.get("slot"):
        return Skip("meeting moved")
    now = context.clock()
    if meeting.starts_at <= now:
        return Skip("meeting had started")
    minutes = round((meeting.starts_at - now).total_seconds() / 60)
    other = await matchmaking.name_of(meeting.other(message.person_id or 0))
    return reminder_notice(context.services.texts, event, meeting, other, minutes, language)


async def compose_meeting_cancelled(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Tell a participant their meeting (or a request) was cancelled, and why."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    starts_at = message.payload.get("starts_at")
    when = parse_utc(starts_at) if isinstance(starts_at, str) else None
    offered = [int(profile_id) for profile_id in message.payload.get("free", [])]
    free = [
        found
        for found in await context.services.matchmaking.profiles_by_id(offered)
        if found.listed and not found.absent
    ]
    return cancelled_notice(context.services.texts, event, message.payload, when, language, free)


async def compose_meeting_proposal(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Suggest, from the team, a participant worth meeting, with why and "request a meeting"."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    matchmaking = context.services.matchmaking
    other = await matchmaking.profile_by_id(int(message.payload.get("profile_id", 0)))
    me = await matchmaking.profile(message.person_id or 0, event.id)
    if other is None or not other.listed or other.absent or me is None or not me.listed:
        return Skip("one side is no longer listed")
    services = context.services
    return proposal_notice(services.texts, services.catalogue, event, me, other, language)


async def compose_meeting_followup(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Ask after the event what a meeting led to."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    matchmaking = context.services.matchmaking
    meeting = await matchmaking.meeting(message.meeting_id or 0)
    if meeting is None or meeting.status != "scheduled":
        return Skip("meeting did not take place")
    other = await matchmaking.name_of(meeting.other(message.person_id or 0))
    return followup_question(context.services.texts, event, meeting, other, language)


async def compose_application_decision(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Write the decision on an application, with the personal line staff added."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    payload = message.payload
    application = await context.services.applications.get(int(payload.get("application", 0)))
    if application is None or application.person_id != message.person_id:
        return Skip("application no longer exists")
    decision = str(payload.get("decision"))
    return decision_screen(
        context.services.texts,
        event,
        application.id,
        decision,
        payload.get("note"),
        application.confirm_by,
        offered=application.notified_round > 1 and decision == "accepted",
        language=language,
    )


async def decision_still_stands(context: ComposeContext, message: OutboxMessage) -> bool:
    """Tell whether the decision is still the application's, in the round it was told."""
    payload = message.payload
    application = await context.services.applications.get(int(payload.get("application", 0)))
    return (
        application is not None
        and application.status == payload.get("decision")
        and application.notified_round == payload.get("round")
    )


async def compose_place_reminder(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Remind an accepted person to confirm their place before it passes on."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    application = await context.services.applications.get(
        int(message.payload.get("application", 0))
    )
    if application is None or application.confirm_by is None:
        return Skip("application no longer waits for a confirmation")
    return place_reminder_screen(
        context.services.texts, event, application.id, application.confirm_by, language
    )


async def place_still_unconfirmed(context: ComposeContext, message: OutboxMessage) -> bool:
    """Tell whether the place is still offered and not yet taken, in the same round."""
    payload = message.payload
    application = await context.services.applications.get(int(payload.get("application", 0)))
    return (
        application is not None
        and application.status == "accepted"
        and application.notified_round == payload.get("round")
    )


async def compose_places_unfilled(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Tell a team member a place is free with nobody left to offer it to."""
    event = _event(context, message)
    if isinstance(event, Skip):
        return event
    balance = await context.services.applications.balance(event)
    return places_unfilled_screen(
        context.services.texts,
        event,
        bool(message.payload.get("after_cutoff")),
        balance.left,
        language,
    )


async def compose_directory_message(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Relay one directory member's first message to another, with who they are."""
    matchmaking = context.services.matchmaking
    sender = await matchmaking.profile_by_id(int(message.payload.get("from", 0)))
    if sender is None or not sender.listed:
        return Skip("sender no longer listed")
    services = context.services
    return relayed_message(
        services.texts, services.catalogue, sender, str(message.payload.get("text", "")), language
    )


async def _survey_round(
    context: ComposeContext, message: OutboxMessage
) -> tuple[Survey, Round] | Skip:
    round_id = message.payload.get("round")
    round_ = await context.services.surveys.get_round(round_id if isinstance(round_id, int) else 0)
    if round_ is None:
        return Skip("survey round no longer exists")
    survey = context.services.catalogue.survey(round_.survey_id)
    if survey is None:
        return Skip("survey not in the catalogue")
    return survey, round_


async def compose_survey_invitation(
    context: ComposeContext, message: OutboxMessage, language: str
) -> Outgoing | Skip:
    """Invite the person to a survey round (or remind them, once, before it closes)."""
    found = await _survey_round(context, message)
    if isinstance(found, Skip):
        return found
    survey, round_ = found
    reminder = message.kind == outbox.SURVEY_REMINDER
    return invitation_screen(context.services.texts, survey, round_, language, reminder=reminder)


async def survey_still_wanted(context: ComposeContext, message: OutboxMessage) -> bool:
    """Tell whether the round still takes answers and the person has not finished it."""
    found = await _survey_round(context, message)
    if isinstance(found, Skip) or not found[1].is_open(context.clock()):
        return False
    surveys = context.services.surveys
    return not await surveys.has_finished(found[1].id, message.person_id or 0)


KINDS: dict[str, Kind] = {
    outbox.REMINDER: Kind(compose_reminder),
    outbox.SURVEY: Kind(compose_survey),
    outbox.EVENT_CHANGED: Kind(compose_event_changed),
    outbox.EVENT_CANCELLED: Kind(compose_event_cancelled),
    outbox.PROMOTED: Kind(compose_promoted),
    outbox.CALENDAR: Kind(compose_calendar),
    outbox.CHECKIN_CODE: Kind(compose_checkin_code),
    outbox.BROADCAST: Kind(compose_broadcast, still_wanted=broadcast_still_wanted),
    outbox.CONSENT_REQUEST: Kind(compose_consent_request, still_wanted=still_without_consent),
    outbox.STAFF_NOTICE: Kind(compose_staff_notice),
    outbox.TICKET_COPIES: Kind(compose_ticket_copies),
    outbox.CERTIFICATE: Kind(compose_certificate),
    outbox.CERTIFICATE_REVOKED: Kind(compose_certificate_revoked),
    outbox.MEETING_REQUEST: Kind(compose_meeting_request),
    outbox.MEETING_ANSWER: Kind(compose_meeting_answer),
    outbox.MEETING_REMINDER: Kind(compose_meeting_reminder),
    outbox.MEETING_CANCELLED: Kind(compose_meeting_cancelled),
    outbox.MEETING_FOLLOWUP: Kind(compose_meeting_followup),
    outbox.MEETING_PROPOSAL: Kind(compose_meeting_proposal),
    outbox.DIRECTORY_MESSAGE: Kind(compose_directory_message),
    outbox.COMPANY_CLAIM: Kind(compose_company_claim),
    outbox.CLAIM_DECIDED: Kind(compose_claim_decided),
    outbox.APPLICATION_DECISION: Kind(
        compose_application_decision, still_wanted=decision_still_stands
    ),
    outbox.PLACE_REMINDER: Kind(compose_place_reminder, still_wanted=place_still_unconfirmed),
    outbox.PLACES_UNFILLED: Kind(compose_places_unfilled),
    outbox.SURVEY_INVITATION: Kind(compose_survey_invitation, still_wanted=survey_still_wanted),
    outbox.SURVEY_REMINDER: Kind(compose_survey_invitation, still_wanted=survey_still_wanted),
    outbox.REGISTRATION_CANCELLED: Kind(compose_registration_cancelled),
    outbox.EVENT_MESSAGE: Kind(compose_event_message, still_wanted=still_registered),
}


def _moment(value: object, fallback: datetime) -> datetime:
    """Read a UTC time from a notice's payload."""
    return parse_utc(value) if isinstance(value, str) else fallback


def _text(value: object) -> Text | None:
    """Read a {tr, en} text from a notice's payload."""
    if not isinstance(value, dict):
        return None
    return Text(tr=str(value.get("tr", "")), en=str(value.get("en", "")))
