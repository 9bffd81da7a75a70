"""An event's special-category question (access or dietary needs: health data, KVKK Art. 6).

After the sign-up, apart from it and only for an event whose content flags such a question,
the person is asked whether they want to answer it: a separate explicit consent for this one
event (purpose `special:<event id>`), which they may refuse without any effect on the
registration. "Yes" opens a one-step form for the answer, stored apart
(storage/special_answers.py). Staff who manage read the answers on the event's staff page;
withdrawing the consent in /privacy deletes the answer, and the daily job deletes every answer
once the event is over.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.forms import Flow, Moved, TextStep
from bot.screens.buttons import (
    HOME,
    AccessNeedsConsent,
    EventPage,
    StaffAccessNeeds,
    StaffEventPage,
)
from handlers.forms import Form, FormCall, open_form
from handlers.replies import Keyboard, keyboard, show
from handlers.staff_access import staff
from storage.content import Event
from storage.privacy import special_purpose
from storage.special_answers import ANSWER_LIMIT, SpecialAnswers

# Minutes the answer form waits before it closes.
FORM_TIMEOUT = 15 * 60


def _answers(caller: Caller) -> SpecialAnswers:
    return SpecialAnswers(caller.services.database)


async def _has_seat(caller: Caller, event_id: str) -> bool:
    registration = await caller.services.registrations.of_person_for_event(
        caller.person.id, event_id
    )
    return registration is not None


def _open(event: Event | None) -> bool:
    """Tell whether the event asks a special question and is not over."""
    return (
        event is not None and event.access_needs is not None and event.ends_at > datetime.now(UTC)
    )


def _question_rows(caller: Caller, event: Event) -> Keyboard:
    return [
        [caller.button("access_needs_yes", AccessNeedsConsent(event.id, "yes"))],
        [caller.button("access_needs_no", AccessNeedsConsent(event.id, "no"))],
    ]


async def _question_text(caller: Caller, event: Event) -> str:
    assert event.access_needs is not None
    current = await _answers(caller).of_person(caller.person.id, event.id)
    return caller.render(
        "access_needs_ask", event=event, prompt=event.access_needs.prompt, current=current
    )


async def ask_consent(context: AssistantContext, caller: Caller, event: Event) -> None:
    """Ask, after the sign-up, whether the person wants to answer the event's special question."""
    if event.access_needs is None:
        return
    if special_purpose(event.id) in await caller.services.privacy.in_force(caller.person.id):
        return
    markup = keyboard(_question_rows(caller, event))
    text = await _question_text(caller, event)
    try:
        await context.bot.send_message(caller.person.id, text, reply_markup=markup)
    except Forbidden:
        await caller.services.people.mark_unreachable(caller.person.id)


async def consent_answered(update: Update, context: AssistantContext) -> None:
    """Take the answer to the consent: yes opens the question, no stores nothing."""
    caller = context.caller
    pressed = AccessNeedsConsent.of(update)
    event = caller.services.catalogue.event(pressed.event_id)
    if event is None or not _open(event) or not await _has_seat(caller, event.id):
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    if pressed.answer == "ask":
        await show(update, await _question_text(caller, event), _question_rows(caller, event))
        return
    privacy, purpose = caller.services.privacy, special_purpose(event.id)
    if pressed.answer == "no":
        withdrawn = purpose in await privacy.in_force(caller.person.id)
        if withdrawn:
            await privacy.withdraw(caller.person.id, purpose)
        rows = [[caller.button("event_page", EventPage(event.id))], [caller.button("home", HOME)]]
        text = caller.render("access_needs_declined", event=event, withdrawn=withdrawn)
        await show(update, text, rows)
        return
    version = caller.services.catalogue.cluster.privacy_notice.version
    await privacy.give(caller.person.id, purpose, version)
    await context.acknowledge()
    await open_form(update, context, caller, ACCESS_NEEDS, subject=event.id)


class AccessNeedsForm(Form):
    """One step: the answer to the event's special question, typed in the person's words."""

    kind = "access_needs"
    code = "an"
    closed_template = "access_needs_closed"
    flow = Flow(
        "access_needs",
        (TextStep("answer", back=False, limit=ANSWER_LIMIT, multiline=True),),
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        event = call.services.catalogue.event(call.state.subject or "")
        if event is None or event.access_needs is None:
            await show(call.update, call.caller.render("not_available"))
            return
        text = call.caller.render(
            "access_needs_step",
            event=event,
            prompt=event.access_needs.prompt,
            reason=reason,
            limit=ANSWER_LIMIT,
        )
        await show(call.update, text)

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        event = caller.services.catalogue.event(call.state.subject or "")
        answer = str(call.state.answers.get("answer", ""))
        # The consent withdrawn, the seat cancelled or the event over meanwhile: nothing kept.
        saved = (
            event is not None
            and _open(event)
            and await _answers(caller).save(event.id, caller.person.id, answer)
        )
        if not saved or event is None:
            await show(call.update, caller.render("not_available"), [[caller.button("home", HOME)]])
            return None
        rows = [[caller.button("event_page", EventPage(event.id))], [caller.button("home", HOME)]]
        await show(call.update, caller.render("access_needs_saved", event=event), rows)
        return None


ACCESS_NEEDS = AccessNeedsForm()


async def staff_answers(update: Update, context: AssistantContext) -> None:
    """Staff who manage: show the answers to an event's special question (and audit it)."""
    caller = context.caller
    event_id = StaffAccessNeeds.of(update).event_id
    event = caller.services.catalogue.event(event_id)
    if event is None or event.access_needs is None:
        await show(update, caller.render("not_available"), [[caller.button("home", HOME)]])
        return
    answers = await _answers(caller).for_event(event.id)
    await caller.services.audit.record(
        caller.person.id, "special.read", f"event:{event.id}", {"answers": len(answers)}
    )
    rows = [[caller.button("staff_back_to_event", StaffEventPage(event.id))]]
    text = caller.render(
        "staff_access_needs", event=event, prompt=event.access_needs.prompt, answers=answers
    )
    await show(update, text, rows)


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers (the answer itself is the form's)."""
    return [
        CallbackQueryHandler(consent_answered, pattern=AccessNeedsConsent.pattern()),
        *staff(
            Ability.MANAGE,
            [CallbackQueryHandler(staff_answers, pattern=StaffAccessNeeds.pattern())],
        ),
    ]
