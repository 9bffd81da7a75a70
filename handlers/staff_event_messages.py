"""📣 A message to an event's registrants, from its staff page: staff write it, see it as
registrants will with how many get it, and send it (rules in bot/domain/event_messages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.event_messages import TEXT_LIMIT, message_registrants
from bot.domain.forms import TOO_LONG, Answers, ChoiceStep, Flow, MessageStep, Moved
from bot.screens.buttons import MessageRegistrants, StaffEventPage
from handlers.forms import Form, FormCall, close_form, open_form, step_keyboard
from handlers.replies import show, show_staff_gone
from handlers.staff_access import staff
from storage import events as event_store
from storage.content import Event

FORM_TIMEOUT = timedelta(minutes=30)
SEND = "send"


def _applies(step: str, answers: Answers) -> bool:
    # The waiting list is asked about only when someone is on it.
    return step != "audience" or bool(answers.get("waiting"))


class EventMessageForm(Form):
    """The notice, who gets it (the waiting list too?), then its preview and "send"."""

    kind = "event_message"
    code = "em"
    ability = Ability.MANAGE
    closed_template = "staff_event_message_closed"
    flow = Flow(
        kind,
        (
            MessageStep("text", back=False),
            ChoiceStep("audience"),
            ChoiceStep("confirm"),
        ),
        _applies,
    )

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    def _event(self, call: FormCall) -> Event | None:
        return call.services.catalogue.event(call.state.subject or "")

    def options(self, call: FormCall) -> Sequence[tuple[str, str]]:
        caller, step = call.caller, call.state.step
        if step == "audience":
            return [
                ("c", caller.label("event_message_confirmed")),
                ("b", caller.label("event_message_everyone")),
            ]
        if step == "confirm":
            return [(SEND, caller.label("event_message_send"))]
        return ()

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        if step == "text" and len(value.get("html", "")) > TEXT_LIMIT:
            call.details.update(length=len(value["html"]), limit=TEXT_LIMIT)
            return value, TOO_LONG
        return value, None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        event = self._event(call)
        if event is None:
            await close_form(call.services, caller.person.id, self.kind)
            await show_staff_gone(call.update, caller)
            return
        confirmed, waiting = await event_store.reachable_counts(call.services.database, event.id)
        answers = call.state.answers
        audience = answers.get("audience", "c")
        typed = answers.get("text")
        preview = ""
        if call.state.step == "confirm" and isinstance(typed, dict):
            # Exactly what registrants get, in the staff member's language.
            preview = Markup(caller.render("event_message", event=event, body=typed["html"]))
        text = caller.render(
            "staff_event_message",
            step=call.state.step,
            event=event,
            confirmed=confirmed,
            waiting=waiting,
            people=confirmed + (waiting if audience == "b" else 0),
            audience=audience,
            preview=preview,
            problem=reason,
            details=call.details,
            limit=TEXT_LIMIT,
        )
        back = [caller.button("staff_back_to_event", StaffEventPage(event.id))]
        await show(call.update, text, [*step_keyboard(call, self), back])

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        await call.acknowledge()
        event = self._event(call)
        typed = call.state.answers.get("text")
        told = None
        if event is not None and isinstance(typed, dict):
            told = await message_registrants(
                call.services,
                caller.person.id,
                event,
                call.state.answers.get("audience", "c"),
                str(typed.get("text", "")),
                str(typed.get("html", "")),
                datetime.now(UTC),
            )
        if event is None or told is None:
            await show_staff_gone(call.update, caller)
            return None
        text = caller.render("staff_event_message_sent", event=event, told=told)
        await show(
            call.update, text, [[caller.button("staff_back_to_event", StaffEventPage(event.id))]]
        )
        return None


EVENT_MESSAGE = EventMessageForm()


async def message_pressed(update: Update, context: AssistantContext) -> None:
    """Ask for the notice to an event's registrants."""
    caller: Caller = context.caller
    event = caller.services.catalogue.event(MessageRegistrants.of(update).event_id)
    if event is None:
        await show_staff_gone(update, caller)
        return
    _, waiting = await event_store.reachable_counts(caller.services.database, event.id)
    await open_form(
        update, context, caller, EVENT_MESSAGE, subject=event.id, answers={"waiting": waiting}
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers (the notice itself is the form's)."""
    return staff(
        Ability.MANAGE,
        [CallbackQueryHandler(message_pressed, pattern=MessageRegistrants.pattern())],
    )
