"""Callback data: each kind of button builds its data and parses it back, and every button the
assistant sends during the main flows is of exactly one declared kind."""

from __future__ import annotations

import itertools
import re
import string
from typing import Any

import pytest

from bot.devtools.emulator import BotApiEmulator
from bot.devtools.emulator.state import BotActivity
from bot.screens.buttons import HOME, EventPage, Menu, StaffMenu, SurveyAnswer
from bot.screens.callback_data import (
    ENTRY_ID,
    MAX_BYTES,
    CallbackData,
    FieldSpec,
    kinds,
    kinds_of,
)
from tests.conftest import Assistant, Person
from tests.test_broadcast import draft
from tests.test_signup import fill_profile, open_event
from tests.test_staff_events import open_staff_event, staff_member
from tests.test_tickets import ask_team, staff_room


def _samples(field: FieldSpec) -> list[Any]:
    """Return values a field may hold, its longest among them."""
    if field.kind is int:
        digits = int(re.findall(r"\d+", field.pattern)[-1])
        return [0, int("9" * digits)]
    if field.pattern == ENTRY_ID:
        return ["a", "lean-2027_01", "x" * 48]
    classes = re.findall(r"\[([^\]]+)\]", field.pattern)
    if len(classes) > 1 and "".join(f"[{c}]" for c in classes) == field.pattern:
        # A code of several characters (a review list's filters): each class's first and last.
        return ["".join(c[0] for c in classes), "".join(c[-1] for c in classes)]
    candidates = set(field.pattern.split("|")) | set(string.ascii_lowercase + string.digits)
    return sorted(c for c in candidates if re.fullmatch(field.pattern, c))


def _instances(kind: type[CallbackData]) -> list[CallbackData]:
    fields = kind.fields()
    combinations = itertools.product(*(_samples(field) for field in fields))
    return [
        kind(**dict(zip((f.name for f in fields), values, strict=True))) for values in combinations
    ]


@pytest.mark.parametrize("kind", list(kinds()), ids=lambda kind: kind.__name__)
def test_every_kind_round_trips_within_telegrams_limit(kind: type[CallbackData]) -> None:
    built = _instances(kind)
    assert built
    for button in built:
        data = button.data
        assert len(data.encode()) <= MAX_BYTES, data
        assert kinds_of(data) == [kind], data
        assert kind.parse(data) == button
        assert kind.pattern().match(data)


def test_data_that_would_not_parse_back_is_refused_when_built() -> None:
    with pytest.raises(ValueError):
        EventPage("Not An Id")
    with pytest.raises(ValueError):
        EventPage("x" * 48, page=1000)
    with pytest.raises(ValueError):
        SurveyAnswer(1, "6")


def test_patterns_fix_fields_and_old_buttons_still_parse() -> None:
    assert HOME.data == "m:home"
    assert Menu.pattern(screen="home").match("m:home")
    assert not Menu.pattern(screen="home").match("m:events")
    assert StaffMenu.pattern(screen=("stats", "events")).match("sm:events")
    # An event button from before the list page travelled with it.
    assert EventPage.parse("ev:s:lean-2027-01") == EventPage("lean-2027-01")
    assert EventPage.parse("ev:s:lean-2027-01:a") == EventPage("lean-2027-01")
    assert EventPage.parse("ev:s:lean-2027-01:a:x") is None
    assert kinds_of("m:nowhere") == [] and kinds_of("") == []


def _collect(emulator: BotApiEmulator) -> set[str]:
    """Start recording the callback data of every inline button the bot sends or edits in."""
    seen: set[str] = set()

    def record(activity: BotActivity) -> None:
        message = activity.message
        if message is None or not message.is_inline_keyboard:
            return
        for row in message.reply_markup:
            for button in row:
                if button.get("callback_data") is not None:
                    seen.add(str(button["callback_data"]))

    emulator.on_bot_activity(record)
    return seen


async def _walk(person: Person, message: Any, *labels: str) -> Any:
    for label in labels:
        message = await person.press(message, label)
    return message


@pytest.mark.usefixtures("unpaced")
async def test_every_button_sent_in_the_main_flows_parses_to_one_kind(
    start_assistant: Any, emulator: BotApiEmulator
) -> None:
    seen = _collect(emulator)
    room = await staff_room(start_assistant, emulator)
    assistant: Assistant = room.assistant
    ayse = assistant.person("Ayşe", last_name="Yılmaz")
    menu = await ayse.says("/start")
    await _walk(ayse, menu, "📅 Etkinlikler", "Sonraki ›")
    page = await open_event(ayse, "lean-2027-01")
    confirmation = await fill_profile(ayse, await ayse.press(page, "Kayıt ol"))
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    mine = await ayse.says("/my")
    await ayse.press(mine, 1)
    for command in ("/services", "/settings", "/privacy", "/language", "/profile", "/help"):
        await ayse.says(command)
    await ayse.says("eğitim sonunda sertifika veriliyor mu")
    await ayse.says("fikri mülkiyet desteği")
    await ask_team(ayse, "Makine parkımız için hibe var mı?")
    await room.wait("Talep #1")

    elif_ = staff_member(assistant)
    staff_page = await open_staff_event(elif_, "Yalın Üretim ve Verimlilik Eğitimi")
    await _walk(elif_, staff_page, "👥 Katılımcılar", "‹ Etkinliğe dön", "☑️ Yoklama", "⬜ 1")
    await elif_.says("/stats")
    panel = await draft(elif_, "Duyuru")
    for choice in (
        ("Sektöre göre", "İş ve inşaat makineleri"),
        ("Dile göre", "İngilizce kullananlar"),
        ("Bir etkinliğe katılmış olanlar", "‹ Geri", "Herkes"),
        ("Bir etkinliğe kayıtlı olanlar", 0),
    ):
        await _walk(elif_, panel, "Alıcıları değiştir", *choice)
    await _walk(elif_, panel, "Yalnız onaylılar", "İleri bir saate planla")
    await elif_.says("/cancel")
    await elif_.says("/newevent")
    await emulator.wait_idle()

    assert len(seen) > 40
    for data in sorted(seen):
        matching = kinds_of(data)
        assert len(matching) == 1, (data, matching)
        pressed = matching[0].parse(data)
        assert pressed is not None and pressed.data == data
