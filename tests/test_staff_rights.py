"""Every staff command and every staff button, pressed by every role (and by someone outside
the team): the guard lets through exactly those the role allows, and refuses the others the way
it refuses an unknown command or a stale button. The list is read from the running
application, so a staff handler added later is checked without touching this test."""

from __future__ import annotations

import itertools
import logging
import re
from typing import Any

import pytest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.access import Ability, can
from bot.screens.callback_data import CallbackData, kinds
from handlers.staff_access import ability_of
from storage.roles import Role
from tests.conftest import Assistant, Person
from tests.test_roles import STALE, UNKNOWN, team_member

ROLES: tuple[Role | None, ...] = (None, Role.VIEWER, Role.CHECKIN, Role.STAFF, Role.ADMIN)
# Values tried for a field whose pattern is not a plain list of words.
CANDIDATES = ("1", "a", "u", "m", "c", "s", "e", "y", "t", "x", "tr", "p---")


def field_values(pattern: str) -> list[str]:
    """Return every word of a list-of-words pattern, else one value the pattern accepts."""
    words = pattern.split("|")
    if all(re.fullmatch(r"[A-Za-z0-9_-]+", word) for word in words):
        return words
    return [next(value for value in CANDIDATES if re.fullmatch(pattern, value))]


def samples(kind: type[CallbackData]) -> list[str]:
    """Return button data of this kind, one per choice of each list-of-words field."""
    choices = [field_values(field.pattern) for field in kind.fields()]
    return [":".join([kind.prefix, *values]) for values in itertools.product(*choices)] or [
        kind.prefix
    ]


def staff_entries(assistant: Assistant) -> tuple[dict[str, Ability], dict[str, Ability]]:
    """Return every staff command and every staff button's data, with the ability each needs.

    A button's data goes to the first handler whose pattern accepts it, staff or not.
    """
    handlers: list[Any] = [
        handler
        for group in sorted(assistant.application.handlers)
        for handler in assistant.application.handlers[group]
    ]
    commands = {
        command: ability
        for handler in handlers
        if isinstance(handler, CommandHandler)
        and (ability := ability_of(handler.callback)) is not None
        for command in handler.commands
    }
    buttons: dict[str, Ability] = {}
    staff_patterns: set[str] = set()
    for data in (data for kind in kinds() for data in samples(kind)):
        first = next(
            (
                h
                for h in handlers
                if isinstance(h, CallbackQueryHandler)
                and isinstance(h.pattern, re.Pattern)
                and h.pattern.match(data)
            ),
            None,
        )
        ability = ability_of(first.callback) if first is not None else None
        if first is not None and ability is not None:
            assert isinstance(first.pattern, re.Pattern)
            buttons[data] = ability
            staff_patterns.add(first.pattern.pattern)
    # Every staff button handler was reached by at least one sample.
    for handler in handlers:
        if isinstance(handler, CallbackQueryHandler) and ability_of(handler.callback):
            assert isinstance(handler.pattern, re.Pattern)
            assert handler.pattern.pattern in staff_patterns, handler.pattern.pattern
    return commands, buttons


async def person_with(assistant: Assistant, role: Role | None) -> Person:
    name = f"Kişi {role.value if role else 'dışarıdan'}"
    if role is None:
        person = assistant.person(name)
    else:
        person = await team_member(assistant, role, name)
    await person.says("/start")
    return person


@pytest.mark.usefixtures("unpaced")
async def test_every_staff_command_and_button_against_every_role(
    assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    await assistant.add_event("door", capacity=5)
    commands, buttons = staff_entries(assistant)
    # A staff command that lost its guard would drop out of this table.
    read, manage = Ability.READ, Ability.MANAGE
    assert commands == {
        "staff": Ability.BROWSE,
        "newevent": manage,
        "import": manage,
        "broadcast": manage,
        "export": read,
        "company": read,
        "stats": read,
        "unanswered": read,
        "tickets": manage,
        "survey": read,
        "team": Ability.TEAM,
    }
    assert len(buttons) > 50
    prefixes = {"ap", "bc", "ce", "co", "sa", "sb", "sd", "se", "sm", "sp", "ss", "st", "tm"}
    assert {data.split(":")[0] for data in buttons} == prefixes
    caplog.set_level(logging.INFO, logger="handlers.staff_access")
    emulator = assistant.emulator
    for role in ROLES:
        person = await person_with(assistant, role)
        for command, ability in sorted(commands.items()):
            caplog.clear()
            reply = await person.says(f"/{command}")
            refused = any("Refused" in r.getMessage() for r in caplog.records)
            allowed = can(role, ability)
            assert refused is not allowed, (role, command)
            if not allowed:
                assert UNKNOWN in reply.content, (role, command)
            await person.says("/cancel")
        for data, ability in sorted(buttons.items()):
            caplog.clear()
            on = person.last()
            query = await emulator.press_callback(person.user, on, data)
            answer = await emulator.wait_for_callback_answer(query)
            await emulator.wait_idle()
            refused = any("Refused" in r.getMessage() for r in caplog.records)
            allowed = can(role, ability)
            assert refused is not allowed, (role, data)
            if not allowed:
                assert answer.show_alert and STALE in (answer.text or ""), (role, data)
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR], (role, data)
    # Nothing a refused press asked for happened: the event is still there, nobody lost a role.
    [event] = await assistant.fetch("SELECT status FROM events WHERE id = 'door'")
    assert event["status"] == "scheduled"
