"""The privacy notice and the sign-up form, one question at a time; `/profile` to see or correct.

Informing is not consent (KVKK Art. 10 and 5): the form opens with the privacy notice, which
the person acknowledges with "read, continue", then asks for the profile, which rests on the
service they asked for, and last, separately, whether they want announcements (explicit
consent; "no" changes nothing else). A new notice version is shown again at the next sign-up.
Correcting the profile asks each field with "keep current".

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
from bot.domain.companies import CompanyIndex, Found, core_name
from bot.domain.forms import (
    BACK,
    NO,
    SKIP,
    YES,
    Answered,
    Answers,
    ChoiceStep,
    ContactStep,
    Finished,
    Flow,
    Moved,
    Reply,
    TextStep,
    YesNoStep,
)
from bot.domain.names import check_name, with_capitals
from bot.domain.phones import check_phone
from bot.domain.profile import check_company, check_email, company_key
from bot.screens.buttons import HOME, EditProfile, EventPage, Menu, SignUp
from handlers import event_questions, registrations
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import Keyboard, show
from storage.people import GENDERS, Person, Profile
from storage.privacy import ANNOUNCEMENTS

# Seconds the form waits for an answer before it closes.
FORM_TIMEOUT = 15 * 60
# The Telegram-name button's value at the name step.
TELEGRAM_NAME = "tg"
# The notice's one button, and "keep current" when correcting a field.
READ = "read"
KEEP = "keep"
# What the form is open for: a first sign-up, the notice alone (a new version before a
# sign-up), or correcting the profile.
SIGN_UP = "signup"
NOTICE_ONLY = "notice"
CORRECT = "correct"


# A registry company this close to what was typed is offered as a button ("is it this one?").
LIKELY_MATCH = 90
NOT_LISTED = "none"
# Answers "keep current" keeps without checking again (the company is looked up again).
KEPT_AS_STORED = ("name", "phone", "email")


def _applies(step: str, answers: Answers) -> bool:
    mode = answers.get("mode", SIGN_UP)
    if step == "notice":
        return bool(answers.get("notice_needed", True))
    if mode == NOTICE_ONLY:
        return False
    if step == "company_pick":
        # Asked only when the typed name found registry companies (kept with it, see verify),
        # and not when a correction keeps the company the person is already linked to.
        return isinstance(answers.get("company"), dict) and not _keeps_link(answers)
    if step == "announcements":
        return mode == SIGN_UP and bool(answers.get("ask_announcements", True))
    return True


def _keeps_link(answers: Answers) -> bool:
    """Tell whether a correction kept the company name of a registry company already linked."""
    if answers.get("mode") != CORRECT or not answers.get("linked"):
        return False
    company = answers.get("company")
    if company is None:
        return False
    return bool(typed_company(answers) == answers.get("current", {}).get("company"))


class ProfileForm(Form):
    """The notice (unless read), name, company, sector, phone, e-mail, then announcements."""

    kind = "profile"
    code = "pf"
    signs_up = True
    closed_template = "form_cancelled"
    flow = Flow(
        "profile",
        (
            ChoiceStep("notice", back=False),
            TextStep("name", back=False, check=check_name),
            TextStep("company", check=check_company),
            ChoiceStep("company_pick"),
            ChoiceStep("sector"),
            ContactStep("phone", optional=True, check=check_phone),
            TextStep("email", optional=True, check=check_email),
            YesNoStep("announcements"),
        ),
        _applies,
    )

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        language = call.caller.language
        if call.state.step == "notice":
            return [(READ, call.caller.label("notice_read"))]
        if call.state.step == "company_pick":
            company = call.state.answers.get("company")
            matches = company.get("matches", []) if isinstance(company, dict) else []
            return [(str(match["id"]), match["name"]) for match in matches] + [
                (NOT_LISTED, call.caller.label("company_not_listed"))
            ]
        if call.state.step != "sector":
            return []
        return [
            (sector.id, sector.name.get(language)) for sector in call.services.catalogue.sectors
        ]

    def translate(self, call: FormCall, reply: Reply) -> Reply:
        step, answers = call.state.step, call.state.answers
        user = call.update.effective_user
        if step == "name" and reply.pressed == TELEGRAM_NAME and user is not None:
            return Reply(text=user.full_name)
        keep_typed = step == "phone" and reply.text == call.caller.label("keep_current")
        if answers.get("mode") == CORRECT and (reply.pressed == KEEP or keep_typed):
            current = answers.get("current", {}).get(step)
            if current is None:
                return Reply(action=SKIP)
            return Reply(pressed=current) if step == "sector" else Reply(text=current)
        return reply

    async def take(self, call: FormCall, reply: Reply) -> Moved | Finished | None:
        step, answers = call.state.step, call.state.answers
        if answers.get("mode") == CORRECT and step in KEPT_AS_STORED:
            current = answers.get("current", {}).get(step)
            if current is not None and reply.text == current:
                # Kept as stored, even if stored before today's checks ("0555 12 34").
                return self.flow_for(call).advance(call.state, Answered(current))
        return None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller, step, answers = call.caller, call.state.step, call.state.answers
        if step == "notice":
            text = caller.render(
                "notice_step",
                notice=notice_context(call.caller),
                for_event=call.state.subject is not None,
                again=caller.person.informed,
                reason=reason,
            )
            await show(call.update, text, [[call.button(self, caller.label("notice_read"), READ)]])
            return
        if step == "announcements":
            choices = [
                [call.button(self, caller.label("announcements_yes"), YES)],
                [call.button(self, caller.label("announcements_no"), NO)],
                [call.action(self, "back", BACK)],
            ]
            await show(call.update, caller.render("consent_ask", reason=reason), choices)
            return
        user = call.update.effective_user
        # Picking among registry matches has no "keep": the company step decided that already.
        correcting = answers.get("mode") == CORRECT and step != "company_pick"
        current = answers.get("current", {}).get(step) if correcting else None
        text = caller.render(
            "form_step",
            step=step,
            reason=reason,
            suggestion=bool(user and user.full_name) and not correcting,
            correcting=correcting,
            current=_shown(call, step, current),
        )
        if step == "phone":
            await call.acknowledge()
            await self._ask_phone(call, text, correcting)
            return
        rows: Keyboard = step_keyboard(call, self)
        if correcting:
            rows = [[call.button(self, caller.label("keep_current"), KEEP)], *rows]
        elif step == "name" and user is not None and user.full_name:
            rows = [[call.button(self, user.full_name[:60], TELEGRAM_NAME)]]
        await show(call.update, text, rows)

    async def _ask_phone(self, call: FormCall, text: str, correcting: bool) -> None:
        # Sharing a contact needs a reply keyboard; inline buttons can't request it.
        caller = call.caller
        rows = [[KeyboardButton(caller.label("share_phone"), request_contact=True)]]
        if correcting:
            rows.append([KeyboardButton(caller.label("keep_current"))])
        rows.append([KeyboardButton(caller.label("skip")), KeyboardButton(caller.label("back"))])
        markup = ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
        chat = call.update.effective_chat
        assert chat is not None
        await call.context.bot.send_message(chat.id, text, reply_markup=markup)

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        if step == "name":
            return with_capitals(value, call.caller.language), None
        if step != "company":
            return value, None
        # Registry companies like the typed name are kept with it, to offer them as buttons.
        found = CompanyIndex(await call.services.companies.all()).search(value)
        # "Akdeniz Kalip Ltd" and "Akdeniz Kalıp Ltd. Şti." are one company to the person:
        # of such near-duplicates only the best match is offered, the fuller name on a tie.
        best: dict[str, Found] = {}
        for item in found:
            core = core_name(item.company.name)
            held = best.get(core)
            if item.score >= LIKELY_MATCH and (
                held is None
                or (item.score, len(item.company.name)) > (held.score, len(held.company.name))
            ):
                best[core] = item
        likely = [item.company for item in best.values()]
        if not likely:
            return value, None
        matches = [{"id": company.id, "name": company.name[:60]} for company in likely]
        return {"name": value, "matches": matches}, None

    async def answered(self, call: FormCall, step: str, value: Any) -> None:
        services, person = call.services, call.caller.person
        version = services.catalogue.cluster.privacy_notice.version
        if step == "notice":
            await services.privacy.acknowledge_notice(person.id, version, call.caller.language)
        elif step == "announcements" and value == YES:
            await services.privacy.give(person.id, ANNOUNCEMENTS, version)
        elif step == "announcements":
            # "No" stores no consent; only the answer, so the team's question skips them.
            await services.privacy.decline_announcements(person.id)

    async def left(self, call: FormCall, step: str) -> None:
        message = call.update.effective_message
        if step == "phone" and message is not None:
            await message.reply_text(call.caller.label("noted"), reply_markup=ReplyKeyboardRemove())

    async def finish(self, call: FormCall) -> Moved | None:
        answers = call.state.answers
        if answers.get("mode") != NOTICE_ONLY:
            picked = answers.get("company_pick")
            registry_id = int(picked) if picked and picked != NOT_LISTED else None
            # The registry's spelling ("Akdeniz Kalıp Ltd. Şti."), not what was typed to find it
            # ("akdeniz kalip"), is what staff, tickets and exports show.
            company = await call.services.companies.name_of(registry_id) or typed_company(answers)
            profile = Profile(
                full_name=answers["name"],
                company=company,
                company_key=company_key(company),
                sector_id=answers.get("sector"),
                phone=answers.get("phone"),
                email=answers.get("email"),
            )
            await call.services.people.save_profile(call.caller.person.id, profile)
            # A company found by typing is claimed, not earned: unverified until approved.
            # A correction that kept the company keeps its link (and its confirmation) as it is.
            if not _keeps_link(answers):
                await call.services.company_links.claim(call.caller.person.id, registry_id)
        refreshed = await call.context.refresh_caller()
        await call.acknowledge()
        if call.state.subject is not None:
            await event_questions.proceed(call.update, call.context, refreshed, call.state.subject)
        else:
            await show_profile(call.update, refreshed, saved=True)
        return None


PROFILE = ProfileForm()


class GenderForm(Form):
    """The optional gender question, asked only when the person opens it from their profile.

    Funders ask for women's participation; the report counts only those who chose to say, and
    "prefer not to say" is an answer like the others.
    """

    kind = "gender"
    code = "gd"
    closed_template = "form_cancelled"
    flow = Flow("gender", (ChoiceStep("gender", back=False),))

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=FORM_TIMEOUT)

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        return [(value, call.caller.label(f"gender_{value}")) for value in GENDERS]

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        text = caller.render("profile_gender", reason=reason, current=caller.person.gender)
        await show(call.update, text, step_keyboard(call, self))

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        if not caller.person.informed:
            # Erased (or never informed) since the question was shown: nothing is stored.
            await show(call.update, caller.render("not_available"), [])
            return None
        await caller.services.people.set_gender(caller.person.id, call.state.answers["gender"])
        refreshed = await call.context.refresh_caller()
        await call.acknowledge()
        await show_profile(call.update, refreshed, saved=True)
        return None


GENDER = GenderForm()


def typed_company(answers: Answers) -> str:
    """Return the company name as typed, however the company step stored it."""
    company = answers["company"]
    return str(company["name"]) if isinstance(company, dict) else str(company)


def notice_context(caller: Caller) -> dict[str, Any]:
    """Return what the notice template shows: the controller, the sections, the period."""
    services = caller.services
    cluster = services.catalogue.cluster
    return {
        "cluster": cluster,
        "sections": cluster.privacy_notice.sections(caller.language),
        "version": cluster.privacy_notice.version,
        "retention_days": services.settings.data_retention.days,
    }


def _shown(call: FormCall, step: str, value: Any) -> str | None:
    """Return a stored value as the person reads it (a sector's name, not its id)."""
    if value is None or step != "sector":
        return value if value is None else str(value)
    sector = call.services.catalogue.sector(value)
    return sector.name.get(call.caller.language) if sector else None


async def begin(
    update: Update, context: AssistantContext, caller: Caller, event_id: str | None = None
) -> None:
    """Open the sign-up form: the notice first unless this version was read already."""
    services = caller.services
    version = services.catalogue.cluster.privacy_notice.version
    consents = await services.privacy.in_force(caller.person.id)
    answers = {
        "mode": SIGN_UP,
        "notice_needed": caller.person.needs_notice(version),
        "ask_announcements": ANNOUNCEMENTS not in consents,
    }
    await open_form(update, context, caller, PROFILE, answers=answers, subject=event_id)


async def show_notice_again(
    update: Update, context: AssistantContext, caller: Caller, event_id: str
) -> None:
    """Show a changed notice before a sign-up; the sign-up follows "read, continue"."""
    answers = {"mode": NOTICE_ONLY, "notice_needed": True}
    await open_form(update, context, caller, PROFILE, answers=answers, subject=event_id)


async def correct(update: Update, context: AssistantContext, caller: Caller) -> None:
    """Open the form to correct the profile field by field, each with "keep current"."""
    person = caller.person
    version = caller.services.catalogue.cluster.privacy_notice.version
    link = await caller.services.company_links.of_person(person.id)
    answers = {
        "mode": CORRECT,
        "notice_needed": person.needs_notice(version),
        "current": _current(person),
        "linked": link.company_id is not None,
    }
    await open_form(update, context, caller, PROFILE, answers=answers)


def _current(person: Person) -> dict[str, str | None]:
    return {
        "name": person.full_name,
        "company": person.company,
        "sector": person.sector_id,
        "phone": person.phone,
        "email": person.email,
    }


async def profile_command(update: Update, context: AssistantContext) -> None:
    """Show the profile, or start the form when there is none yet."""
    caller = context.caller
    if not caller.person.has_profile:
        await begin(update, context, caller)
        return
    await show_profile(update, caller, saved=False)


async def edit_pressed(update: Update, context: AssistantContext) -> None:
    """Open the form to correct the profile (or to fill it in, when there is none)."""
    caller = context.caller
    if EditProfile.of(update).how == "gender" and caller.person.has_profile:
        await open_form(update, context, caller, GENDER)
        return
    if caller.person.has_profile:
        await correct(update, context, caller)
    else:
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
        gender=caller.label(f"gender_{person.gender}") if person.gender else None,
        saved=saved,
    )
    rows = [
        [caller.button("edit_profile", EditProfile("edit"))],
        [caller.button("profile_gender", EditProfile("gender"))],
        [caller.button("home", HOME)],
    ]
    await show(update, text, rows)


async def sign_up_pressed(update: Update, context: AssistantContext) -> None:
    """Sign up at once when the profile is complete, else fill the form first."""
    caller = context.caller
    event_id = SignUp.of(update).event_id
    event = caller.services.catalogue.event(event_id)
    refused = await registrations.audience_refusal(caller, event) if event else None
    if refused is not None:
        # Said before the form, not after it: the form would not lead to a seat.
        await show(update, refused, [[caller.button("event_page", EventPage(event_id))]])
        return
    if not caller.person.has_profile:
        await begin(update, context, caller, event_id)
        return
    version = caller.services.catalogue.cluster.privacy_notice.version
    if caller.person.needs_notice(version):
        await show_notice_again(update, context, caller, event_id)
        return
    await event_questions.proceed(update, context, caller, event_id)


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return the ways into the form and the profile page."""
    return [
        CommandHandler("profile", profile_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(profile_command, pattern=Menu.pattern(screen="profile")),
        CallbackQueryHandler(edit_pressed, pattern=EditProfile.pattern()),
        CallbackQueryHandler(sign_up_pressed, pattern=SignUp.pattern()),
    ]
