"""Telegram update handlers, one module per feature, registered here in one place."""

from __future__ import annotations

from bot.context import AssistantApplication
from handlers import (
    access_needs,
    applications,
    b2b,
    backups,
    broadcast,
    broadcast_approval,
    caller,
    certificates,
    chat_setup,
    companies,
    directory,
    errors,
    event_questions,
    events,
    evidence,
    fallback,
    forms,
    language,
    match_forms,
    privacy,
    profile,
    questions,
    registrations,
    services,
    settings,
    staff,
    staff_applications,
    staff_attendees,
    staff_b2b,
    staff_companies,
    staff_event_messages,
    staff_event_questions,
    staff_events,
    staff_import,
    staff_participants,
    staff_questions,
    staff_registrants,
    staff_surveys,
    staff_tickets,
    start,
    stats,
    surveys,
    team,
    tickets,
)
from handlers.groups import CALLER, FORMS


def register(application: AssistantApplication) -> None:
    """Register every handler. Order matters: the first matching handler in a group wins."""
    # First of all, in a group of its own: who the person is, for every handler after it.
    application.add_handlers(caller.handlers(), group=CALLER)
    # The forms come first, in a group of their own: while one waits for an answer, what the
    # person sends is that answer; a command or another button closes it and goes on below.
    engine = forms.FormEngine(
        [
            profile.PROFILE,
            profile.GENDER,
            event_questions.EVENT_QUESTIONS,
            staff_applications.BULK,
            staff_applications.NOTE,
            staff_applications.OVERRIDE,
            staff_applications.SHEET,
            staff_event_questions.BUILDER,
            staff_import.IMPORT,
            staff_events.EVENT_FORM,
            broadcast.BROADCAST,
            tickets.TICKET,
            stats.DATES,
            access_needs.ACCESS_NEEDS,
            staff_participants.WALK_IN,
            staff_participants.ATTENDANCE_IMPORT,
            staff_registrants.CANCEL_REGISTRANT,
            staff_event_messages.EVENT_MESSAGE,
            *b2b.FORMS,
            *directory.FORMS,
            *match_forms.FORMS,
            *staff_b2b.FORMS,
            evidence.EVIDENCE,
            certificates.REVOKE,
            team.ADD,
            surveys.SURVEY,
        ]
    )
    application.add_handlers(engine.handlers(), group=FORMS)
    engine.schedule(application)
    privacy.schedule(application)
    surveys.schedule(application)
    certificates.schedule(application)
    backups.schedule(application)
    staff_applications.schedule(application)
    features = (
        # Any chat, before anything that looks at who is writing: /id, groups joined, upgrades.
        chat_setup,
        profile,
        start,
        events,
        services,
        registrations,
        event_questions,
        access_needs,
        certificates,
        applications,
        staff,
        staff_events,
        evidence,
        staff_attendees,
        staff_registrants,
        staff_event_messages,
        staff_applications,
        staff_event_questions,
        staff_companies,
        staff_participants,
        companies,
        staff_import,
        broadcast,
        broadcast_approval,
        stats,
        surveys,
        settings,
        privacy,
        language,
        tickets,
        staff_tickets,
        staff_questions,
        staff_surveys,
        team,
        b2b,
        staff_b2b,
        directory,
        match_forms,
    )
    for feature in (*features, questions):
        application.add_handlers(feature.handlers())
    # Typed text is a question only when no form and no feature above claimed it.
    application.add_handler(questions.text_handler())
    # The catch-alls come last: unknown commands, stickers, stale buttons.
    application.add_handlers(fallback.handlers())
    application.add_error_handler(errors.on_error)
