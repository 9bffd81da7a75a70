"""The form engine's Telegram side: ask the open form's step, read the reply, store it, go on.

Every form (the sign-up profile, the staff event form, a broadcast's text, a content import, a
question for the team, a survey) is a `Form`: a flow of steps (bot/domain/forms.py), its
question screens, and what finishing does. A person has at most one form open; it lives in
SQLite (storage/forms.py), each answer written together with the move to the next step, so a
restart, a kill -9 included, resumes it where the person was.

The engine's handlers sit in the FORMS group, ahead of the features:
- `/cancel` closes whatever form is open and says so;
- any other command, and any button that is not the open form's, closes the form without a
  word and goes on to the features: what the person asked for answers them, and a notice about
  the form left behind would only come between them and it (Telegram's own BotFather does the
  same when one command interrupts another);
- anything else sent in the private chat while a form is open is that form's answer; what
  no step takes (a sticker where text is due, a text where a button is due) is asked again.
A JobQueue job closes the forms left unanswered past their timeout and says so; it reads the
table, so the timeout holds across restarts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from telegram import (
    InlineKeyboardButton,
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import AssistantApplication, AssistantContext, Caller, Services
from bot.domain.access import Ability
from bot.domain.forms import (
    BACK,
    DONE,
    NO,
    SKIP,
    TOO_LONG,
    YES,
    Answered,
    Asked,
    ChoiceStep,
    Finished,
    Flow,
    FormState,
    Moved,
    MultiChoiceStep,
    Outcome,
    Reask,
    Reply,
    ScaleStep,
    Upload,
    YesNoStep,
)
from bot.screens.buttons import HOME, EventPage, FormPress
from handlers import fallback
from handlers.replies import show
from storage.forms import OpenForm

logger = logging.getLogger(__name__)

# How often forms left unanswered are looked for; a form closes at most this late.
SWEEP_INTERVAL = 20.0

# -- buttons ---------------------------------------------------------------------------------

# What a form's button does: choose a value (or toggle it in a multiple choice), go back, skip,
# finish a multiple choice.
_ACTIONS = {"c": None, "b": BACK, "s": SKIP, "d": DONE}
_CODE_OF_ACTION = {BACK: "b", SKIP: "s", DONE: "d"}


@dataclass(frozen=True)
class FormButton:
    """The callback data of a form's buttons: `f:<form code>:<action>[:<value>]`."""

    PATTERN: ClassVar[re.Pattern[str]] = FormPress.pattern()

    code: str
    action: str | None = None  # None: a choice
    value: str = ""

    @property
    def press(self) -> FormPress:
        """Return the button's kind of callback data."""
        if self.action is None:
            return FormPress(self.code, "c", self.value)
        return FormPress(self.code, _CODE_OF_ACTION[self.action])

    @property
    def data(self) -> str:
        """Return the callback data (at most 64 bytes: codes are short, values are ids)."""
        return self.press.data

    @classmethod
    def parse(cls, data: str) -> FormButton | None:
        """Return the button a callback data stands for, or None when it is not a form's."""
        pressed = FormPress.parse(data)
        if pressed is None:
            return None
        return cls(pressed.form, _ACTIONS[pressed.action], pressed.value)


# -- one update, for one form ----------------------------------------------------------------


@dataclass
class FormCall:
    """A form at work on one update: the person, the state it is in, the reply's origin."""

    update: Update
    context: AssistantContext
    caller: Caller
    state: FormState
    row: OpenForm | None = None
    # What a form found wrong beyond the reason (a file's name, Telegram's refusal), for `ask`.
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        """Return the running assistant's services."""
        return self.caller.services

    @property
    def answers(self) -> dict[str, Any]:
        """Return the answers so far."""
        return dict(self.state.answers)

    async def acknowledge(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the button press, once per update (the update's turn sees to it)."""
        await self.context.acknowledge(text, alert=alert)

    def button(self, form: Form, label: str, value: str) -> InlineKeyboardButton:
        """Return a choice button of `form` with a literal label (a sector's name)."""
        return InlineKeyboardButton(label, callback_data=FormButton(form.code, None, value).data)

    def action(self, form: Form, label_name: str, action: str) -> InlineKeyboardButton:
        """Return a back, skip or done button of `form`, labelled from `labels.j2`."""
        return self.caller.button(label_name, FormButton(form.code, action).press)


class Form:
    """A form the engine runs: its flow, its screens, and what finishing it does."""

    kind: ClassVar[str]
    code: ClassVar[str]  # in its buttons' callback data
    flow: ClassVar[Flow]
    # What a staff member's role must allow to fill it in (None: anyone), checked with every
    # answer: a role taken away in the middle of a form ends it.
    ability: ClassVar[Ability | None] = None
    # The template of the message saying the form was closed, with `timeout` true or false.
    closed_template: ClassVar[str]
    # A sign-up for its subject (an event): a command that closes it half-filled says so, and
    # its old buttons lead back to the event's page.
    signs_up: ClassVar[bool] = False

    @property
    def timeout(self) -> timedelta:
        """Return how long the form waits for an answer before it closes."""
        raise NotImplementedError

    def flow_for(self, call: FormCall) -> Flow:
        """Return the form's steps for this call; a form built from content (an event's own
        questions) returns the steps of its subject."""
        return self.flow

    def options(self, call: FormCall) -> Sequence[tuple[str, str]]:
        """Return the current step's choices as (value, label), for `step_keyboard`."""
        return ()

    def offered(self, call: FormCall) -> frozenset[str]:
        """Return the values of the choice buttons the current step shows."""
        return frozenset(value for value, _ in self.options(call))

    def translate(self, call: FormCall, reply: Reply) -> Reply:
        """Turn a form's own shortcut into a reply its step reads (a name button into text)."""
        return reply

    def route(self, call: FormCall, reply: Reply) -> str | None:
        """Return the step a reply answers when not the current one (a new file at a preview)."""
        return None

    def passes(self, call: FormCall, reply: Reply) -> bool:
        """Tell whether the reply is not for the form: it closes, and the reply goes on."""
        return False

    async def take(self, call: FormCall, reply: Reply) -> Moved | Finished | None:
        """Read a reply the form's own way; None lets its steps read it (the usual way)."""
        return None

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        """Check an answer against the world (a file's content); return it or a reason."""
        return value, None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        """Show the current step's question (again, saying why, after a wrong answer)."""
        raise NotImplementedError

    async def answered(self, call: FormCall, step: str, value: Any) -> None:
        """Act on an answer once it is stored (consent is recorded when given)."""

    async def left(self, call: FormCall, step: str) -> None:
        """Tidy up after leaving a step (remove a reply keyboard)."""

    async def finish(self, call: FormCall) -> Moved | None:
        """Act on the complete answers; return where to go instead when they can't be used."""
        raise NotImplementedError

    def closed_text(self, services: Services, language: str, *, timeout: bool) -> str | None:
        """Return the text saying the form was closed by /cancel or for lack of an answer."""
        return services.texts.render(language, self.closed_template, timeout=timeout)

    async def cancelled(self, call: FormCall) -> None:
        """Say the form was closed with /cancel."""
        message = call.update.effective_message
        text = self.closed_text(call.services, call.caller.language, timeout=False)
        if message is not None and text is not None:
            await message.reply_text(text, reply_markup=ReplyKeyboardRemove())


def step_keyboard(call: FormCall, form: Form) -> list[list[InlineKeyboardButton]]:
    """Return the current step's buttons, by its kind: its choices (those chosen marked in a
    multiple choice, then "done"), yes and no, then skip and back where the step allows them."""
    flow = form.flow_for(call)
    step = flow.step(call.state.step)
    caller = call.caller
    rows: list[list[InlineKeyboardButton]] = []
    if isinstance(step, YesNoStep):
        rows.append(
            [
                call.button(form, caller.label("form_yes"), YES),
                call.button(form, caller.label("form_no"), NO),
            ]
        )
    elif isinstance(step, MultiChoiceStep):
        chosen = call.state.answers.get(step.name) or []
        for value, label in form.options(call):
            mark = "✅" if value in chosen else "⬜"
            rows.append([call.button(form, f"{mark} {label}", value)])
        rows.append([call.action(form, "form_done", DONE)])
    elif isinstance(step, ScaleStep):
        # A scale's points side by side, as people read a scale: 0 to 10 in two rows.
        points = [call.button(form, label, value) for value, label in form.options(call)]
        width = 6 if len(points) > 6 else len(points)
        rows += [points[start : start + width] for start in range(0, len(points), width)]
    elif isinstance(step, ChoiceStep):
        rows += [[call.button(form, label, value)] for value, label in form.options(call)]
    if step.optional:
        rows.append([call.action(form, "skip", SKIP)])
    if step.back and flow.before(step.name, call.state.answers) != step.name:
        rows.append([call.action(form, "back", BACK)])
    return rows


# -- opening and closing ---------------------------------------------------------------------


async def open_form(
    update: Update,
    context: AssistantContext,
    caller: Caller,
    form: Form,
    *,
    answers: dict[str, Any] | None = None,
    subject: str | None = None,
    step: str | None = None,
) -> None:
    """Open `form` for the person (closing the one they had open) and ask its first step."""
    answers = answers or {}
    opening = FormCall(update, context, caller, FormState(form.kind, "", answers, subject))
    first = step or form.flow_for(opening).first(answers)
    chat = update.effective_chat
    assert first is not None and chat is not None
    now = datetime.now(UTC)
    row = await caller.services.forms.open(
        caller.person.id,
        chat.id,
        form.kind,
        first,
        answers,
        subject,
        now,
        now + form.timeout,
        update.update_id,
    )
    call = FormCall(update, context, caller, _state(row), row)
    await form.ask(call)


async def close_form(services: Services, person_id: int, kind: str | None = None) -> bool:
    """Close the person's open form (only of `kind`, when given) without a word."""
    return await services.forms.close(person_id, kind) is not None


def _state(row: OpenForm) -> FormState:
    return FormState(row.kind, row.step, row.answers, row.subject)


# -- reading what the person sent ------------------------------------------------------------


def reply_of_message(message: Message, caller: Caller) -> Reply:
    """Return what a message says to a form, whatever it holds."""
    if message.contact is not None:
        return Reply(phone=message.contact.phone_number, contact_user_id=message.contact.user_id)
    caption = message.caption
    caption_html = message.caption_html if caption else None
    if message.document is not None:
        document = message.document
        upload = Upload(
            "document",
            document.file_id,
            document.file_name,
            document.mime_type,
            document.file_size,
            document.file_unique_id,
        )
        return Reply(text=caption, html=caption_html, upload=upload)
    if message.photo:
        photo = message.photo[-1]
        upload = Upload(
            "photo", photo.file_id, size=photo.file_size, unique_id=photo.file_unique_id
        )
        return Reply(text=caption, html=caption_html, upload=upload)
    if message.text is not None:
        return Reply(text=message.text, html=message.text_html)
    for kind in ("sticker", "voice", "audio", "video", "video_note", "animation", "location"):
        if getattr(message, kind, None) is not None:
            return Reply(unreadable=kind)
    return Reply(unreadable="other")


def _with_typed_actions(reply: Reply, call: FormCall, form: Form) -> Reply:
    """Read a reply keyboard's "Back" and "Skip" (they arrive as text) as the actions."""
    if reply.text is None:
        return reply
    caller = call.caller
    step = form.flow_for(call).step(call.state.step)
    if step.back and reply.text == caller.label("back"):
        return Reply(action=BACK)
    if step.optional and reply.text == caller.label("skip"):
        return Reply(action=SKIP)
    return reply


# -- the engine ------------------------------------------------------------------------------


class FormEngine:
    """Runs the registered forms: their answers, /cancel, leaving, and the timeout sweep."""

    def __init__(self, forms: list[Form]) -> None:
        self._forms = {form.kind: form for form in forms}
        self._by_code = {form.code: form for form in forms}
        codes = [form.code for form in forms]
        if len(set(codes)) != len(codes) or len(self._forms) != len(forms):
            raise ValueError("two forms share a kind or a button code")

    def handlers(self) -> list[BaseHandler[Update, AssistantContext, Any]]:
        """Return the engine's handlers, for the FORMS group (see the module's docstring)."""
        private = filters.ChatType.PRIVATE
        answers = private & filters.UpdateType.MESSAGE & ~filters.COMMAND
        return [
            CommandHandler("cancel", self.cancel, filters=private),
            MessageHandler(private & filters.COMMAND, self.leave),
            CallbackQueryHandler(self.button, pattern=FormButton.PATTERN),
            CallbackQueryHandler(self.leave),
            MessageHandler(answers & ~filters.StatusUpdate.ALL, self.message),
        ]

    def schedule(self, application: AssistantApplication) -> None:
        """Start the sweep that closes forms left unanswered."""
        assert application.job_queue is not None
        application.job_queue.run_repeating(
            self.sweep, interval=SWEEP_INTERVAL, first=SWEEP_INTERVAL, name="form-timeouts"
        )

    async def _open(self, update: Update, context: AssistantContext) -> OpenForm | None:
        user = update.effective_user
        if user is None:
            return None
        return await context.services.forms.of_person(user.id)

    def _form(self, update: Update, context: AssistantContext, row: OpenForm) -> Form | None:
        """Return the row's form, if the person may still fill it in."""
        form = self._forms.get(row.kind)
        if form is None:
            return None
        caller = context.known_caller
        if form.ability is not None and (caller is None or not caller.can(form.ability)):
            return None
        return form

    async def cancel(self, update: Update, context: AssistantContext) -> None:
        """Close whatever form is open and say so; with none open, /cancel goes on."""
        row = await self._open(update, context)
        if row is None:
            return
        await context.services.forms.close(row.person_id, left=True)
        form = self._forms.get(row.kind)
        if form is not None:
            caller = context.caller
            await form.cancelled(FormCall(update, context, caller, _state(row), row))
        raise ApplicationHandlerStop

    async def leave(self, update: Update, context: AssistantContext) -> None:
        """Close the open form quietly: the person turned to something else."""
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            return  # a button in a group (a ticket post) leaves a private form alone
        row = await self._open(update, context)
        if row is None:
            return
        if _is_unknown_command(update, context):
            # A typo ("/foo") is not a wish to leave: keep the form and ask its step again.
            form = self._form(update, context, row)
            message = update.effective_message
            if form is not None and message is not None:
                call = FormCall(update, context, context.caller, _state(row), row)
                await message.reply_text(call.caller.render("form_unknown_command"))
                await form.ask(call)
                raise ApplicationHandlerStop
        await context.services.forms.close(row.person_id, left=True)
        form = self._forms.get(row.kind)
        message = update.message
        if form is not None and form.signs_up and row.subject and message and message.text:
            # A command ended a half-filled sign-up: one line says so before the command answers.
            event = context.services.catalogue.event(row.subject)
            if event is not None:
                caller = context.caller
                title = event.title.get(caller.language)
                await message.reply_text(caller.render("form_left_notice", title=title))

    async def button(self, update: Update, context: AssistantContext) -> None:
        """Take a press of the open form's button; any other form's button is stale."""
        query = update.callback_query
        assert query is not None
        pressed = FormButton.parse(query.data or "")
        row = await self._open(update, context)
        form = self._form(update, context, row) if row is not None else None
        if pressed is None or row is None or form is None or pressed.code != form.code:
            if pressed is None or not await self._was_left(update, context, pressed.code):
                await fallback.stale_button(update, context)
            raise ApplicationHandlerStop
        reply = Reply(pressed=pressed.value, action=pressed.action)
        caller = context.caller
        call = FormCall(update, context, caller, _state(row), row)
        if not form.flow_for(call).has(call.state.step):
            # The content changed under the form (the event's questions): it can't go on.
            await context.services.forms.close(row.person_id)
            await fallback.stale_button(update, context)
            raise ApplicationHandlerStop
        await self._take(form, call, reply)
        await call.acknowledge()
        raise ApplicationHandlerStop

    async def _was_left(self, update: Update, context: AssistantContext, code: str) -> bool:
        """Say that the form of an old button was closed half-filled, and offer a new start."""
        form = self._by_code.get(code)
        caller = context.known_caller
        if form is None or caller is None:
            return False
        left = await context.services.forms.left_form(caller.person.id, form.kind)
        if left is None:
            return False
        event = context.services.catalogue.event(left.subject) if left.subject else None
        if form.signs_up and event is not None:
            rows = [
                [caller.button("event_page", EventPage(event.id))],
                [caller.button("home", HOME)],
            ]
        else:
            rows = [[caller.button("home", HOME)]]
        text = caller.render("form_left", event=event is not None and form.signs_up)
        await show(update, text, rows)
        return True

    async def message(self, update: Update, context: AssistantContext) -> None:
        """Take a message as the open form's answer; with no form open it goes on."""
        row = await self._open(update, context)
        if row is None:
            return
        form = self._form(update, context, row)
        if form is None:
            await context.services.forms.close(row.person_id)
            return
        message = update.effective_message
        assert message is not None
        caller = context.caller
        call = FormCall(update, context, caller, _state(row), row)
        if not form.flow_for(call).has(call.state.step):
            # The content changed under the form (the event's questions): it can't go on.
            await context.services.forms.close(row.person_id)
            return
        reply = _with_typed_actions(reply_of_message(message, caller), call, form)
        if form.passes(call, reply):
            await context.services.forms.close(row.person_id, revision=row.revision, left=True)
            return
        await self._take(form, call, reply)
        raise ApplicationHandlerStop

    async def _take(self, form: Form, call: FormCall, reply: Reply) -> None:
        """Read the reply with the current step, store where it leads, ask or finish."""
        taken = call.row.update_id if call.row is not None else None
        if taken is not None and call.update.update_id <= taken:
            # Delivered again after a crash, but its answer was stored: show where the form is.
            await form.ask(call)
            return
        reply = form.translate(call, reply)
        routed = form.route(call, reply)
        if routed is not None:
            call.state = replace(call.state, step=routed)
        state = call.state
        flow = form.flow_for(call)
        step = flow.step(state.step)
        result = await form.take(call, reply)
        outcome: Outcome | None = None
        if result is None:
            asked = Asked(form.offered(call), call.caller.person.id, call.caller.language)
            outcome = step.read(reply, asked, state.answers.get(step.name))
            if isinstance(outcome, Reask) and reply.pressed is not None and reply.action is None:
                # A button of an earlier question (a double tap): the form has moved on, so
                # the press changes nothing and the question on screen stays as it is.
                await call.acknowledge(call.caller.label("form_earlier_button"))
                return
            if isinstance(outcome, Reask) and outcome.reason == TOO_LONG and reply.text:
                # "Too long" says by how much, against the step's own limit.
                call.details.update(length=len(reply.text), limit=getattr(step, "limit", None))
            if isinstance(outcome, Answered):
                value, reason = await form.verify(call, step.name, outcome.value)
                outcome = Answered(value) if reason is None else Reask(reason)
            result = flow.advance(state, outcome)
        if isinstance(result, Moved) and result.reason is not None:
            await form.ask(call, result.reason)
            return
        if isinstance(result, Finished):
            call.state = result.state
        elif not await self._move(form, call, result.state):
            return
        if isinstance(outcome, Answered):
            await form.answered(call, step.name, outcome.value)
        if call.state.step != step.name or isinstance(result, Finished):
            await form.left(call, step.name)
        if isinstance(result, Finished):
            await self._finish(form, call)
        else:
            await form.ask(call)

    async def _move(self, form: Form, call: FormCall, state: FormState) -> bool:
        """Write the new step and answers; False when the form closed meanwhile."""
        assert call.row is not None
        now = datetime.now(UTC)
        row = await call.services.forms.move(
            call.row,
            state.step,
            dict(state.answers),
            now,
            now + form.timeout,
            call.update.update_id,
        )
        if row is None:
            await call.acknowledge()
            return False
        call.row, call.state = row, _state(row)
        return True

    async def _finish(self, form: Form, call: FormCall) -> None:
        """Let the form act on its answers, then close it (unless it asks something again)."""
        row = call.row
        assert row is not None
        instead = await form.finish(call)
        if instead is None:
            # Only this form: finishing may have opened the next one.
            await call.services.forms.close(row.person_id, revision=row.revision)
            return
        if await self._move(form, call, replace(instead.state, kind=form.kind)):
            await form.ask(call, instead.reason)

    async def sweep(self, context: AssistantContext) -> None:
        """Close the forms left unanswered past their timeout, and tell each person."""
        services = context.services
        for row in await services.forms.close_expired(datetime.now(UTC)):
            form = self._forms.get(row.kind)
            if form is None:
                continue
            language = await services.language_of_person(row.person_id)
            text = form.closed_text(services, language, timeout=True)
            if text is None:
                continue
            try:
                await context.bot.send_message(
                    row.chat_id, text, reply_markup=ReplyKeyboardRemove()
                )
            except TelegramError as error:
                logger.info("Could not say form %s closed: %s", row.kind, error)


def _is_unknown_command(update: Update, context: AssistantContext) -> bool:
    """Tell whether the message is a command no handler of the application knows."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    name = message.text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
    known = {
        command
        for handlers in context.application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    return name not in known
