"""Consent and the sign-up form, asked once, one question at a time; `/profile` to see or edit.

The form runs on the form engine (handlers/forms.py): its answers are stored with each step,
so a person halfway through continues where they were after a restart; `/cancel`, a back
button, and the timeout work the same in every form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain.forms import (
    NO,
    YES,
    Answers,
    ChoiceStep,
    ContactStep,
    Flow,
    Moved,
    Reply,
    TextStep,
    YesNoStep,
)
from bot.domain.profile import check_company, check_email, check_name, check_phone, company_key
from bot.screens.buttons import HOME, EditProfile, Menu, SignUp
from handlers import registrations
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import Keyboard, show
from storage.people import Profile

# Seconds the form waits for an answer before it closes.
FORM_TIMEOUT = 15 * 60
# The Telegram-name button's value at the name step.
TELEGRAM_NAME = "tg"


def _applies(step: str, answers: Answers) -> bool:
    # A refused consent ends the form: no question follows it.
    return step == "consent" or answers.get("consent") != NO


class ProfileForm(Form):
    """Consent (unless given before), then name, company, sector, phone and e-mail."""

    kind = "profile"
    code = "pf"
    closed_template = "form_cancelled"
    flow = Flow(
        "profile",
        (
            YesNoStep("consent", back=False),
            TextStep("name", back=False, check=check_name),
            TextStep("company", check=check_company),
            ChoiceStep("sector"),
            ContactStep("phone", optional=True, check=check_phone),
            TextStep("email", optional=True, check=check_email),
        ),
        _applies,
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        if call.state.step != "sector":
            return []
        language = call.caller.language
        return [
            (sector.id, sector.name.get(language)) for sector in call.services.catalogue.sectors
        ]

    def translate(self, call: FormCall, reply: Reply) -> Reply:
        user = call.update.effective_user
        if call.state.step == "name" and reply.pressed == TELEGRAM_NAME and user is not None:
            return Reply(text=user.full_name)
        return reply

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller, step = call.caller, call.state.step
        if step == "consent":
            notice = call.services.catalogue.cluster.privacy_notice.get(caller.language)
            choices = [
                [call.button(self, caller.label("consent_yes"), YES)],
                [call.button(self, caller.label("consent_no"), NO)],
            ]
            text = caller.render(
                "consent", notice=notice, for_event=call.state.subject is not None, reason=reason
            )
            await show(call.update, text, choices)
            return
        user = call.update.effective_user
        text = caller.render(
            "form_step", step=step, reason=reason, suggestion=bool(user and user.full_name)
        )
        if step == "phone":
            await call.acknowledge()
            await self._ask_phone(call, text)
            return
        rows: Keyboard = step_keyboard(call, self)
        if step == "name" and user is not None and user.full_name:
            rows = [[call.button(self, user.full_name[:60], TELEGRAM_NAME)]]
        await show(call.update, text, rows)

    async def _ask_phone(self, call: FormCall, text: str) -> None:
        # Sharing a contact needs a reply keyboard; inline buttons can't request it.
        caller = call.caller
        markup = ReplyKeyboardMarkup(
            [
                [KeyboardButton(caller.label("share_phone"), request_contact=True)],
                [KeyboardButton(caller.label("skip")), KeyboardButton(caller.label("back"))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        chat = call.update.effective_chat
        assert chat is not None
        await call.context.bot.send_message(chat.id, text, reply_markup=markup)

    async def answered(self, call: FormCall, step: str, value: Any) -> None:
        if step == "consent" and value == YES:
            await call.services.people.give_consent(call.caller.person.id)

    async def left(self, call: FormCall, step: str) -> None:
        message = call.update.effective_message
        if step == "phone" and message is not None:
            await message.reply_text(call.caller.label("noted"), reply_markup=ReplyKeyboardRemove())

    async def finish(self, call: FormCall) -> Moved | None:
        answers, caller = call.state.answers, call.caller
        if answers.get("consent") == NO:
            # Nothing is stored; a way to change one's mind is offered.
            rows = [
                [caller.button("consent_again", EditProfile("again"))],
                [caller.button("home", HOME)],
            ]
            await show(call.update, caller.render("consent_refused"), rows)
            return None
        profile = Profile(
            full_name=answers["name"],
            company=answers["company"],
            company_key=company_key(answers["company"]),
            sector_id=answers.get("sector"),
            phone=answers.get("phone"),
            email=answers.get("email"),
        )
        await call.services.people.save_profile(caller.person.id, profile)
        refreshed = await call.context.refresh_caller()
        await call.acknowledge()
        if call.state.subject is not None:
            await registrations.sign_up(call.update, call.context, refreshed, call.state.subject)
        else:
            await show_profile(call.update, refreshed, saved=True)
        return None


PROFILE = ProfileForm()


async def begin(
    update: Update, context: AssistantContext, caller: Caller, event_id: str | None = None
) -> None:
    """Open the form: the privacy notice first, unless consent was already given."""
    step = "name" if caller.person.has_consented else "consent"
    await open_form(update, context, caller, PROFILE, subject=event_id, step=step)


async def profile_command(update: Update, context: AssistantContext) -> None:
    """Show the profile, or start the form when there is none yet."""
    caller = context.caller
    if not caller.person.has_profile:
        await begin(update, context, caller)
        return
    await show_profile(update, caller, saved=False)


async def edit_pressed(update: Update, context: AssistantContext) -> None:
    """Open the form to fill in the profile again (or to give consent after refusing)."""
    caller = context.caller
    await begin(update, context, caller)


async def show_profile(update: Update, caller: Caller, *, saved: bool) -> None:
    """Show the stored profile with an edit button."""
    person = await caller.services.people.get(caller.person.id)
    assert person is not None
    sector = caller.services.catalogue.sector(person.sector_id or "")
    text = caller.render(
        "profile",
        person=person,
        sector=sector.name.get(caller.language) if sector else "",
        saved=saved,
    )
    await show(
        update,
        text,
        [[caller.button("edit_profile", EditProfile("edit"))], [caller.button("home", HOME)]],
    )


async def sign_up_pressed(update: Update, context: AssistantContext) -> None:
    """Sign up at once when the profile is complete, else fill the form first."""
    caller = context.caller
    event_id = SignUp.of(update).event_id
    if caller.person.has_profile:
        await registrations.sign_up(update, context, caller, event_id)
        return
    await begin(update, context, caller, event_id)


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the ways into the form and the profile page."""
    return [
        CommandHandler("profile", profile_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(profile_command, pattern=Menu.pattern(screen="profile")),
        CallbackQueryHandler(edit_pressed, pattern=EditProfile.pattern()),
        CallbackQueryHandler(sign_up_pressed, pattern=SignUp.pattern()),
    ]
