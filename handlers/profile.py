"""Consent and the sign-up form, asked once, one question at a time; `/profile` to see or edit.

A PTB ConversationHandler drives the form: `/cancel` and a back button work at every step,
and a form left unanswered for `FORM_TIMEOUT` seconds is closed with a message saying so.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    InlineKeyboardButton,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import AssistantContext, ProfileForm
from bot.domain.profile import check_company, check_email, check_name, check_phone, company_key
from bot.screens.links import ENTRY_ID
from handlers import registrations
from handlers.groups import FORMS
from handlers.replies import Keyboard, Visit, acknowledge, show, visit
from storage.people import Profile

FORM_TIMEOUT = 15 * 60
CONSENT, NAME, COMPANY, SECTOR, PHONE, EMAIL = range(6)
STEPS = {NAME: "name", COMPANY: "company", SECTOR: "sector", PHONE: "phone", EMAIL: "email"}


def _back(guest: Visit) -> list[InlineKeyboardButton]:
    return [guest.button("back", "pf:back")]


async def ask_step(
    update: Update, context: AssistantContext, guest: Visit, state: int, reason: str | None = None
) -> int:
    """Ask the question of a form step (again, with a reason, after a wrong answer)."""
    assert context.user_data is not None
    context.user_data.form.step = state
    message = update.effective_message
    user = update.effective_user
    text = guest.render(
        "form_step",
        step=STEPS[state],
        reason=reason,
        suggestion=bool(user and user.full_name),
    )
    if state == PHONE:
        # Sharing a contact needs a reply keyboard; inline buttons can't request it.
        markup = ReplyKeyboardMarkup(
            [
                [KeyboardButton(guest.label("share_phone"), request_contact=True)],
                [KeyboardButton(guest.label("skip")), KeyboardButton(guest.label("back"))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        if message is not None:
            if update.callback_query is not None:
                await acknowledge(update)
            await context.bot.send_message(message.chat_id, text, reply_markup=markup)
        return state
    rows: Keyboard = []
    if state == NAME and user is not None and user.full_name:
        rows = [[InlineKeyboardButton(user.full_name[:60], callback_data="pf:tgname")]]
    elif state == SECTOR:
        sectors = guest.services.catalogue.sectors
        rows = [
            [InlineKeyboardButton(s.name.get(guest.language), callback_data=f"pf:sector:{s.id}")]
            for s in sectors
        ]
        rows = [*rows, _back(guest)]
    elif state == COMPANY:
        rows = [_back(guest)]
    elif state == EMAIL:
        rows = [[guest.button("skip", "pf:skip")], _back(guest)]
    await show(update, text, rows)
    return state


async def begin(update: Update, context: AssistantContext) -> int:
    """Start the form: the privacy notice first, unless consent was already given."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.user_data is not None
    context.user_data.form = ProfileForm()
    if not guest.person.has_consented:
        notice = guest.services.catalogue.cluster.privacy_notice.get(guest.language)
        rows = [
            [guest.button("consent_yes", "pf:consent:yes")],
            [guest.button("consent_no", "pf:consent:no")],
        ]
        text = guest.render(
            "consent", notice=notice, for_event=context.user_data.pending_event is not None
        )
        await show(update, text, rows)
        return CONSENT
    return await ask_step(update, context, guest, NAME)


async def profile_command(update: Update, context: AssistantContext) -> int:
    """Show the profile, or start the form when there is none yet."""
    guest = await visit(update, context)
    assert context.user_data is not None
    context.user_data.pending_event = None
    if not guest.person.has_profile:
        return await begin(update, context)
    await acknowledge(update)
    await show_profile(update, guest, saved=False)
    return ConversationHandler.END


async def show_profile(update: Update, guest: Visit, *, saved: bool) -> None:
    """Show the stored profile with an edit button."""
    person = await guest.services.people.get(guest.person.id)
    assert person is not None
    sector = guest.services.catalogue.sector(person.sector_id or "")
    text = guest.render(
        "profile",
        person=person,
        sector=sector.name.get(guest.language) if sector else "",
        saved=saved,
    )
    await show(
        update, text, [[guest.button("edit_profile", "pf:edit")], [guest.button("home", "m:home")]]
    )


async def sign_up_pressed(update: Update, context: AssistantContext) -> int:
    """Sign up at once when the profile is complete, else fill the form first."""
    guest = await visit(update, context)
    assert context.matches is not None and context.user_data is not None
    event_id = context.matches[0].group(1)
    if guest.person.has_profile:
        await acknowledge(update)
        await registrations.sign_up(update, context, guest, event_id)
        return ConversationHandler.END
    context.user_data.pending_event = event_id
    return await begin(update, context)


async def consent_given(update: Update, context: AssistantContext) -> int:
    """Record consent and ask the first question."""
    guest = await visit(update, context)
    await acknowledge(update)
    await guest.services.people.give_consent(guest.person.id)
    return await ask_step(update, context, guest, NAME)


async def consent_refused(update: Update, context: AssistantContext) -> int:
    """Store nothing, explain, and offer a way to change one's mind."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.user_data is not None
    context.user_data.pending_event = None
    rows = [[guest.button("consent_again", "pf:again")], [guest.button("home", "m:home")]]
    await show(update, guest.render("consent_refused"), rows)
    return ConversationHandler.END


def _typed(
    check: Callable[[str], tuple[str | None, str | None]],
    store: Callable[[ProfileForm, str], None],
    state: int,
    next_state: int,
) -> Callable[[Update, AssistantContext], Coroutine[Any, Any, object]]:
    """Return a handler that validates a typed answer, stores it and moves on."""

    async def answered(update: Update, context: AssistantContext) -> int:
        guest = await visit(update, context)
        message = update.effective_message
        assert message is not None and context.user_data is not None
        if message.text == guest.label("back"):
            return await ask_step(update, context, guest, _previous(state))
        value, reason = check(message.text or "")
        if value is None:
            return await ask_step(update, context, guest, state, reason)
        store(context.user_data.form, value)
        return await ask_step(update, context, guest, next_state)

    return answered


def _previous(state: int) -> int:
    return max(state - 1, NAME)


def _set_name(form: ProfileForm, value: str) -> None:
    form.full_name = value


def _set_company(form: ProfileForm, value: str) -> None:
    form.company = value


async def telegram_name(update: Update, context: AssistantContext) -> int:
    """Use the person's Telegram name as their full name."""
    guest = await visit(update, context)
    await acknowledge(update)
    user = update.effective_user
    assert context.user_data is not None and user is not None
    name, reason = check_name(user.full_name)
    if name is None:
        return await ask_step(update, context, guest, NAME, reason)
    context.user_data.form.full_name = name
    return await ask_step(update, context, guest, COMPANY)


async def sector_chosen(update: Update, context: AssistantContext) -> int:
    """Store the sector chosen with a button."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.matches is not None and context.user_data is not None
    sector_id = context.matches[0].group(1)
    if guest.services.catalogue.sector(sector_id) is None:
        return await ask_step(update, context, guest, SECTOR, "choose")
    context.user_data.form.sector_id = sector_id
    return await ask_step(update, context, guest, PHONE)


async def contact_shared(update: Update, context: AssistantContext) -> int:
    """Take the phone number from a shared contact (only the person's own)."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None and message.contact is not None and context.user_data is not None
    if message.contact.user_id not in (None, guest.person.id):
        return await ask_step(update, context, guest, PHONE, "phone")
    phone, reason = check_phone(message.contact.phone_number)
    if phone is None:
        return await ask_step(update, context, guest, PHONE, reason)
    context.user_data.form.phone = phone
    return await _after_phone(update, context, guest)


async def phone_typed(update: Update, context: AssistantContext) -> int:
    """Take a typed phone number, or skip, or go back."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    text = message.text or ""
    if text == guest.label("back"):
        await _remove_keyboard(update, guest)
        return await ask_step(update, context, guest, SECTOR)
    if text == guest.label("skip"):
        context.user_data.form.phone = None
        return await _after_phone(update, context, guest)
    phone, reason = check_phone(text)
    if phone is None:
        return await ask_step(update, context, guest, PHONE, reason)
    context.user_data.form.phone = phone
    return await _after_phone(update, context, guest)


async def _remove_keyboard(update: Update, guest: Visit) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(guest.label("noted"), reply_markup=ReplyKeyboardRemove())


async def _after_phone(update: Update, context: AssistantContext, guest: Visit) -> int:
    await _remove_keyboard(update, guest)
    return await ask_step(update, context, guest, EMAIL)


async def email_typed(update: Update, context: AssistantContext) -> int:
    """Take the e-mail address and finish the form."""
    guest = await visit(update, context)
    message = update.effective_message
    assert message is not None and context.user_data is not None
    email, reason = check_email(message.text or "")
    if email is None:
        return await ask_step(update, context, guest, EMAIL, reason)
    context.user_data.form.email = email
    return await finish(update, context, guest)


async def email_skipped(update: Update, context: AssistantContext) -> int:
    """Finish the form without an e-mail address."""
    guest = await visit(update, context)
    await acknowledge(update)
    assert context.user_data is not None
    context.user_data.form.email = None
    return await finish(update, context, guest)


async def back_pressed(update: Update, context: AssistantContext) -> int:
    """Go back one question."""
    guest = await visit(update, context)
    await acknowledge(update)
    state = _state_of(context)
    return await ask_step(update, context, guest, _previous(state))


def _state_of(context: AssistantContext) -> int:
    return context.user_data.form.step if context.user_data is not None else NAME


async def finish(update: Update, context: AssistantContext, guest: Visit) -> int:
    """Store the profile, then complete the sign-up that started the form, if any."""
    assert context.user_data is not None
    form = context.user_data.form
    assert form.full_name is not None and form.company is not None
    profile = Profile(
        full_name=form.full_name,
        company=form.company,
        company_key=company_key(form.company),
        sector_id=form.sector_id,
        phone=form.phone,
        email=form.email,
    )
    await guest.services.people.save_profile(guest.person.id, profile)
    pending = context.user_data.pending_event
    context.user_data.pending_event = None
    context.user_data.form = ProfileForm()
    refreshed = await visit(update, context)
    if pending is not None:
        await registrations.sign_up(update, context, refreshed, pending)
    else:
        await show_profile(update, refreshed, saved=True)
    return ConversationHandler.END


async def wrong_kind(update: Update, context: AssistantContext) -> int:
    """Re-ask the current question after a sticker, photo or other non-answer."""
    guest = await visit(update, context)
    state = _state_of(context)
    return await ask_step(update, context, guest, state, "choose" if state == SECTOR else "other")


async def cancel(update: Update, context: AssistantContext) -> int:
    """Drop the form; nothing typed is kept."""
    guest = await visit(update, context)
    assert context.user_data is not None
    context.user_data.form = ProfileForm()
    context.user_data.pending_event = None
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            guest.render("form_cancelled", timeout=False), reply_markup=ReplyKeyboardRemove()
        )
    return ConversationHandler.END


async def timed_out(update: Update, context: AssistantContext) -> None:
    """Tell the person the form was closed for lack of an answer."""
    guest = await visit(update, context)
    assert context.user_data is not None
    context.user_data.form = ProfileForm()
    context.user_data.pending_event = None
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(
            chat.id,
            guest.render("form_cancelled", timeout=True),
            reply_markup=ReplyKeyboardRemove(),
        )


def _back_handler() -> CallbackQueryHandler[AssistantContext, object]:
    return CallbackQueryHandler(_claim(back_pressed), pattern=r"^pf:back$")


def _claim(
    callback: Callable[[Update, AssistantContext], Coroutine[Any, Any, object]],
) -> Callable[[Update, AssistantContext], Coroutine[Any, Any, object]]:
    """Handle the update in the form and keep the later handler groups from seeing it."""

    @functools.wraps(callback)
    async def claimed(update: Update, context: AssistantContext) -> object:
        raise ApplicationHandlerStop(await callback(update, context))

    return claimed


async def leave(update: Update, context: AssistantContext) -> int:
    """Leave the form quietly when the person turns to something else; keep nothing typed."""
    if context.user_data is not None:
        context.user_data.form = ProfileForm()
        context.user_data.pending_event = None
    return ConversationHandler.END


def conversation() -> ConversationHandler[AssistantContext]:
    """Return the consent and profile form conversation."""
    # The form is tracked per person and chat, not per message: PTB warns that buttons are
    # then not tied to one message, which is what we want (the back button on any step works).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation()


def _conversation() -> ConversationHandler[AssistantContext]:
    text = filters.TEXT & ~filters.COMMAND
    not_text = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    return ConversationHandler(
        entry_points=[
            CommandHandler("profile", _claim(profile_command), filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(_claim(profile_command), pattern=r"^m:profile$"),
            CallbackQueryHandler(_claim(begin), pattern=r"^pf:(edit|again)$"),
            CallbackQueryHandler(_claim(sign_up_pressed), pattern=rf"^rg:new:({ENTRY_ID})$"),
        ],
        states={
            CONSENT: [
                CallbackQueryHandler(_claim(consent_given), pattern=r"^pf:consent:yes$"),
                CallbackQueryHandler(_claim(consent_refused), pattern=r"^pf:consent:no$"),
            ],
            NAME: [
                MessageHandler(text, _claim(_typed(check_name, _set_name, NAME, COMPANY))),
                CallbackQueryHandler(_claim(telegram_name), pattern=r"^pf:tgname$"),
                MessageHandler(not_text, _claim(wrong_kind)),
            ],
            COMPANY: [
                MessageHandler(text, _claim(_typed(check_company, _set_company, COMPANY, SECTOR))),
                _back_handler(),
                MessageHandler(not_text, _claim(wrong_kind)),
            ],
            SECTOR: [
                CallbackQueryHandler(_claim(sector_chosen), pattern=rf"^pf:sector:({ENTRY_ID})$"),
                _back_handler(),
                MessageHandler(text | not_text, _claim(wrong_kind)),
            ],
            PHONE: [
                MessageHandler(filters.CONTACT, _claim(contact_shared)),
                MessageHandler(text, _claim(phone_typed)),
                MessageHandler(not_text, _claim(wrong_kind)),
            ],
            EMAIL: [
                MessageHandler(text, _claim(email_typed)),
                CallbackQueryHandler(_claim(email_skipped), pattern=r"^pf:skip$"),
                _back_handler(),
                MessageHandler(not_text, _claim(wrong_kind)),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=[
            CommandHandler("cancel", _claim(cancel)),
            # Any other command or button leaves the form and is handled as usual.
            MessageHandler(filters.COMMAND, leave),
            CallbackQueryHandler(leave),
        ],
        conversation_timeout=FORM_TIMEOUT,
        name="profile",
        allow_reentry=True,
    )


def handlers() -> dict[int, list[BaseHandler[Update, AssistantContext, None]]]:
    """Return the form, in the group that sees the person's answers first."""
    return {FORMS: [conversation()]}  # type: ignore[list-item]
