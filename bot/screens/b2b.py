"""B2B matchmaking screens: a participant's card, and the messages sent through the outbox
(a meeting request, its answer, a reminder, a cancellation, the follow-up after the event)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.matchmaking import MatchIndex, Reason
from bot.screens.buttons import (
    OUTCOME_CODES,
    B2bAnswer,
    B2bHub,
    B2bOutcome,
    B2bParticipant,
    B2bRequest,
    B2bScreen,
    DirContact,
    DirHub,
)
from bot.screens.outgoing import TextMessage
from bot.screens.texts import Texts
from storage.content import Catalogue, Event
from storage.matchmaking import MatchProfile, Meeting, MeetingRequest

# Languages a participant can say they meet in, in the order offered.
MEETING_LANGUAGES = ("tr", "en", "de", "fr", "ar", "ru")


def card(
    texts: Texts,
    catalogue: Catalogue,
    profile: MatchProfile,
    language: str,
    reasons: Sequence[Reason] = (),
) -> dict[str, Any]:
    """Return what the templates show of a participant: names, categories, reasons."""

    def names(ids: Sequence[str]) -> list[str]:
        found = (catalogue.category(category_id) for category_id in ids)
        return [category.name.get(language) for category in found if category is not None]

    sector = catalogue.sector(profile.sector_id or "")
    return {
        "name": profile.full_name,
        "company": profile.company,
        "verified": profile.verified,
        "sector": sector.name.get(language) if sector is not None else None,
        "offers": names(profile.offers),
        "seeks": names(profile.seeks),
        "offers_text": profile.offers_text,
        "seeks_text": profile.seeks_text,
        "languages": [
            texts.label(language, f"meeting_language_{code}")
            for code in profile.languages
            if code in MEETING_LANGUAGES
        ],
        "description": profile.description,
        "reasons": [
            {
                "kind": reason.kind,
                "category": names([reason.category_id])[0:1] if reason.category_id else [],
                "words": reason.words,
            }
            for reason in reasons
        ],
    }


def meeting_view(meeting: Meeting, slot_ends: datetime | None, other: str) -> dict[str, Any]:
    """Return what the templates show of a meeting: when, where, with whom."""
    return {
        "id": meeting.id,
        "starts_at": meeting.starts_at,
        "ends_at": slot_ends,
        "table": meeting.table_no,
        "status": meeting.status,
        "with": other,
        "note": meeting.note,
    }


def _hub_button(texts: Texts, event: Event, language: str) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(texts.label(language, "b2b_open"), callback_data=B2bHub(event.id).data)
    ]


def request_notice(
    texts: Texts,
    catalogue: Catalogue,
    event: Event,
    request: MeetingRequest,
    requester: MatchProfile,
    language: str,
) -> TextMessage:
    """Return the news that someone asks the person for a meeting, with accept and decline."""
    text = texts.render(
        language,
        "b2b_request_notice",
        event=event,
        who=card(texts, catalogue, requester, language),
        note=request.note,
    )
    rows = [
        [
            InlineKeyboardButton(
                texts.label(language, "b2b_accept"), callback_data=B2bAnswer(request.id, "y").data
            ),
            InlineKeyboardButton(
                texts.label(language, "b2b_decline"),
                callback_data=B2bAnswer(request.id, "n").data,
            ),
        ],
        _hub_button(texts, event, language),
    ]
    return TextMessage(text, InlineKeyboardMarkup(rows))


def answer_notice(
    texts: Texts,
    event: Event,
    outcome: str,
    other: str,
    reply: str | None,
    meeting: Meeting | None,
    language: str,
    *,
    to_requester: bool,
) -> TextMessage:
    """Return how a request ended: the meeting's time and table, no slot, or declined."""
    text = texts.render(
        language,
        "b2b_answer",
        event=event,
        outcome=outcome,
        other=other,
        reply=reply,
        meeting=meeting,
        to_requester=to_requester,
    )
    agenda = InlineKeyboardButton(
        texts.label(language, "b2b_agenda"), callback_data=B2bScreen(event.id, "agenda").data
    )
    return TextMessage(text, InlineKeyboardMarkup([[agenda], _hub_button(texts, event, language)]))


def reminder_notice(
    texts: Texts, event: Event, meeting: Meeting, other: str, minutes: int, language: str
) -> TextMessage:
    """Return the reminder of a meeting about to start: when, which table, whom."""
    text = texts.render(
        language, "b2b_reminder", event=event, meeting=meeting, other=other, minutes=minutes
    )
    agenda = InlineKeyboardButton(
        texts.label(language, "b2b_agenda"), callback_data=B2bScreen(event.id, "agenda").data
    )
    return TextMessage(text, InlineKeyboardMarkup([[agenda]]))


def cancelled_notice(
    texts: Texts,
    event: Event,
    payload: dict[str, Any],
    starts_at: datetime | None,
    language: str,
    free: Sequence[MatchProfile] = (),
) -> TextMessage:
    """Return the news that a meeting or a request was cancelled, and why; after a no-show,
    the participants also free at that time, to meet instead."""
    text = texts.render(
        language,
        "b2b_cancelled",
        event=event,
        reason=str(payload.get("reason", "")),
        who=str(payload.get("who") or ""),
        request=payload.get("request_id") is not None and payload.get("starts_at") is None,
        starts_at=starts_at,
        table=payload.get("table_no"),
        free=bool(free),
    )
    rows = [_profile_button(profile) for profile in free]
    return TextMessage(text, InlineKeyboardMarkup([*rows, _hub_button(texts, event, language)]))


def _profile_button(profile: MatchProfile) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            f"🏭 {profile.company} · {profile.full_name}"[:60],
            callback_data=B2bParticipant(profile.id).data,
        )
    ]


def proposal_notice(
    texts: Texts,
    catalogue: Catalogue,
    event: Event,
    me: MatchProfile,
    other: MatchProfile,
    language: str,
) -> TextMessage:
    """Return the team's suggestion of a participant to meet, with the reason."""
    index = MatchIndex([me, other], catalogue.categories)
    reasons = next((s.reasons for s in index.suggest(me)), ())
    text = texts.render(
        language,
        "b2b_proposal",
        event=event,
        who=card(texts, catalogue, other, language, reasons),
    )
    request = InlineKeyboardButton(
        texts.label(language, "b2b_request"), callback_data=B2bRequest(other.id).data
    )
    return TextMessage(text, InlineKeyboardMarkup([[request], _hub_button(texts, event, language)]))


def followup_question(
    texts: Texts, event: Event, meeting: Meeting, other: str, language: str
) -> TextMessage:
    """Return the question after the event: what did the meeting lead to?"""
    text = texts.render(language, "b2b_followup", event=event, meeting=meeting, other=other)
    rows = [
        [
            InlineKeyboardButton(
                texts.label(language, f"b2b_outcome_{outcome}"),
                callback_data=B2bOutcome(meeting.id, code).data,
            )
        ]
        for code, outcome in OUTCOME_CODES.items()
    ]
    return TextMessage(text, InlineKeyboardMarkup(rows))


def grid_lines(texts: Texts, event: Event, meetings: Sequence[Meeting], language: str) -> str:
    """Return the meeting grid as text: a line per slot, a mark per table (● taken, · free)."""
    assert event.matchmaking is not None
    tables = event.matchmaking.tables
    taken: dict[int, set[int]] = {}
    for meeting in meetings:
        if meeting.status == "scheduled" and meeting.slot is not None:
            taken.setdefault(meeting.slot, set()).add(meeting.table_no or 0)
    lines = []
    for slot in event.slots():
        used = taken.get(slot.number, set())
        marks = "".join("●" if table in used else "·" for table in range(1, tables + 1))
        lines.append(f"{texts.clock(slot.starts_at, language)} {marks} {len(used)}/{tables}")
    return "\n".join(lines)


def relayed_message(
    texts: Texts, catalogue: Catalogue, sender: MatchProfile, text: str, language: str
) -> TextMessage:
    """Return a directory member's first message to another, with who wrote and a reply."""
    body = texts.render(
        language, "directory_message", who=card(texts, catalogue, sender, language), text=text
    )
    rows = [
        [
            InlineKeyboardButton(
                texts.label(language, "directory_reply"),
                callback_data=DirContact(sender.id, "m").data,
            )
        ],
        [
            InlineKeyboardButton(
                texts.label(language, "directory_open"), callback_data=DirHub().data
            )
        ],
    ]
    return TextMessage(body, InlineKeyboardMarkup(rows))
