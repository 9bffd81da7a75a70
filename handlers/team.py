"""The team, managed by admins in the chat (`/team`): add a person with Telegram's user picker
or by id (`/team ID`), change a role, remove; each change audited and the person told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import (
    InlineKeyboardButton,
    KeyboardButton,
    KeyboardButtonRequestUsers,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import AssistantApplication, AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.forms import Flow, Moved, TextStep
from bot.domain.team import Team, TeamChange
from bot.screens.buttons import (
    STAFF_HOME,
    RemoveFromTeam,
    SetTeamRole,
    StaffMenu,
    TeamAdd,
    TeamMemberPage,
)
from handlers.forms import Form, FormCall, close_form, open_form
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from storage.roles import Role

# The request id of the user-picker button; Telegram sends it back with the people picked.
PICK_REQUEST = 1701
ADD_TIMEOUT = timedelta(minutes=15)


def _team(caller: Caller) -> Team:
    services = caller.services
    return Team(services.database, services.roles, services.audit, services.settings.staff_ids)


async def _names(caller: Caller, person_ids: list[int]) -> dict[int, str | None]:
    people = caller.services.people
    found = {person_id: await people.get(person_id) for person_id in person_ids}
    return {pid: person.full_name if person else None for pid, person in found.items()}


async def team_screen(update: Update, context: AssistantContext) -> None:
    """Show the team: STAFF_IDS, then everyone with a stored role; `/team ID` adds someone."""
    caller = context.caller
    if update.callback_query is None and context.args:
        await _offer_roles(update, caller, context.args[0], None)
        return
    services = caller.services
    team = await services.roles.team()
    fixed = sorted(services.settings.staff_ids)
    names = await _names(caller, fixed + [member.person_id for member in team])
    text = caller.render(
        "team",
        fixed=fixed,
        team=[m for m in team if m.person_id not in fixed],
        names=names,
        roles={role.value: caller.label(f"role_{role.value}") for role in Role},
    )
    rows: list[list[InlineKeyboardButton]] = [
        [
            InlineKeyboardButton(
                f"{names.get(member.person_id) or member.person_id} · "
                f"{caller.label(f'role_{member.role.value}')}",
                callback_data=TeamMemberPage(member.person_id).data,
            )
        ]
        for member in team
        if member.person_id not in fixed
    ]
    rows.append([caller.button("team_add", TeamAdd())])
    rows.append([caller.button("staff_menu", STAFF_HOME)])
    await show(update, text, rows)


def _telegram_id(typed: str) -> tuple[Any, str | None]:
    """Read a typed Telegram user id (digits, spaces allowed as people group them)."""
    digits = typed.strip().replace(" ", "")
    if not digits.isdigit() or not 0 < int(digits) < 10**15:
        return None, "not_an_id"
    return int(digits), None


class TeamAddForm(Form):
    """Whom to add: picked with Telegram's user picker, or their user id typed."""

    kind = "team_add"
    code = "ta"
    ability = Ability.TEAM
    closed_template = "team_add_closed"
    flow = Flow(kind, (TextStep("person", back=False, check=_telegram_id),))

    @property
    def timeout(self) -> timedelta:
        return ADD_TIMEOUT

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        picker = KeyboardButton(
            caller.label("team_pick"),
            request_users=KeyboardButtonRequestUsers(
                PICK_REQUEST, user_is_bot=False, max_quantity=1, request_name=True
            ),
        )
        markup = ReplyKeyboardMarkup([[picker]], resize_keyboard=True, one_time_keyboard=True)
        message = call.update.effective_message
        typed = message.text if message is not None and reason is not None else None
        text = caller.render("team_add", problem=reason, typed=(typed or "")[:40])
        chat = call.update.effective_chat
        if chat is not None:
            await call.context.bot.send_message(chat.id, text, reply_markup=markup)

    async def finish(self, call: FormCall) -> Moved | None:
        message = call.update.effective_message
        caller = call.caller
        if message is not None:
            await message.reply_text(
                caller.render("team_picked"), reply_markup=ReplyKeyboardRemove()
            )
        await _offer_roles(call.update, caller, str(call.state.answers["person"]), None)
        return None


ADD = TeamAddForm()


async def start_adding(update: Update, context: AssistantContext) -> None:
    """Ask whom to add: Telegram's user picker, or their user id typed."""
    caller = context.caller
    await context.acknowledge()
    await open_form(update, context, caller, ADD)


async def picked(update: Update, context: AssistantContext) -> None:
    """Offer the roles for the person picked with the user picker."""
    caller = context.caller
    message = update.effective_message
    shared = message.users_shared if message is not None else None
    if message is None or shared is None or shared.request_id != PICK_REQUEST:
        return
    await close_form(caller.services, caller.person.id, ADD.kind)
    await message.reply_text(caller.render("team_picked"), reply_markup=ReplyKeyboardRemove())
    user = shared.users[0]
    await _offer_roles(update, caller, str(user.user_id), user.first_name)


async def _offer_roles(update: Update, caller: Caller, typed: str, name: str | None) -> None:
    message = update.effective_message
    if not typed.isdigit() or not 0 < int(typed) < 10**15:
        if message is not None:
            await message.reply_text(caller.render("team_not_an_id", typed=typed[:40]))
        return
    person_id = int(typed)
    services = caller.services
    if name is None:
        person = await services.people.get(person_id)
        name = person.full_name if person is not None else None
    role = await services.role_of(person_id)
    text = caller.render(
        "team_member",
        person_id=person_id,
        name=name,
        role=caller.label(f"role_{role.value}") if role else None,
        fixed=person_id in services.settings.staff_ids,
        known=await services.people.get(person_id) is not None,
    )
    await show(update, text, _member_rows(caller, person_id, role))


def _member_rows(caller: Caller, person_id: int, role: Role | None) -> Keyboard:
    if person_id in caller.services.settings.staff_ids:
        return [[caller.button("team_back", StaffMenu("team"))]]
    choices = [
        caller.button(f"role_set_{option.value}", SetTeamRole(person_id, option.value))
        for option in Role
        if option is not role
    ]
    rows: list[list[Any]] = [choices[:2], choices[2:]]
    if role is not None:
        rows.append([caller.button("team_remove", RemoveFromTeam(person_id))])
    rows.append([caller.button("team_back", StaffMenu("team"))])
    return rows


async def member_page(update: Update, context: AssistantContext) -> None:
    """Show a team member's role with buttons to change or remove it."""
    caller = context.caller
    person_id = TeamMemberPage.of(update).person_id
    await _offer_roles(update, caller, str(person_id), None)


async def set_role(update: Update, context: AssistantContext) -> None:
    """Give the person the chosen role; audited, and the person told."""
    caller = context.caller
    pressed = SetTeamRole.of(update)
    change = await _team(caller).set_role(caller.person.id, pressed.person_id, Role(pressed.role))
    await _changed(update, context, change)


async def remove(update: Update, context: AssistantContext) -> None:
    """Take the person's role away; audited, and the person told."""
    caller = context.caller
    person_id = RemoveFromTeam.of(update).person_id
    change = await _team(caller).remove(caller.person.id, person_id)
    await _changed(update, context, change)


async def _changed(update: Update, context: AssistantContext, change: TeamChange) -> None:
    caller = context.caller
    await context.acknowledge(
        caller.render(
            "team_changed",
            outcome=change.outcome,
            role=caller.label(f"role_{change.role.value}") if change.role else None,
            told=change.told,
        ),
        alert=change.outcome in ("fixed", "last_admin", "not_in_team"),
    )
    role = await caller.services.role_of(change.person_id)
    application = context.application
    changed = change.outcome in ("granted", "changed", "removed")
    if changed and isinstance(application, AssistantApplication) and application.menu_changed:
        await application.menu_changed(change.person_id, role)
    person = await caller.services.people.get(change.person_id)
    text = caller.render(
        "team_member",
        person_id=change.person_id,
        name=person.full_name if person else None,
        role=caller.label(f"role_{role.value}") if role else None,
        fixed=change.person_id in caller.services.settings.staff_ids,
        known=person is not None,
    )
    await show(update, text, _member_rows(caller, change.person_id, role))


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return this feature's handlers: admins only."""
    private = filters.ChatType.PRIVATE
    return staff(
        Ability.TEAM,
        [
            CommandHandler("team", team_screen, filters=private),
            CallbackQueryHandler(team_screen, pattern=StaffMenu.pattern(screen="team")),
            CallbackQueryHandler(start_adding, pattern=TeamAdd.pattern()),
            MessageHandler(private & filters.StatusUpdate.USERS_SHARED, picked),
            CallbackQueryHandler(member_page, pattern=TeamMemberPage.pattern()),
            CallbackQueryHandler(set_role, pattern=SetTeamRole.pattern()),
            CallbackQueryHandler(remove, pattern=RemoveFromTeam.pattern()),
        ],
    )
