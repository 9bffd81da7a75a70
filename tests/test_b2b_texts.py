"""The B2B and directory texts line by line: no line glued to the next by a template tag, and
the directory worded as a directory, not as an event."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import messages
from bot.screens.texts import LANGUAGES, Texts
from tests.conftest import Assistant
from tests.test_directory import join, member
from tests.test_matchmaking import pair

# A line made of tags and comments only: trim_blocks and lstrip_blocks leave nothing of it.
_TAGS_ONLY = re.compile(r"^\s*(\{%.*?%\}|\{#.*?#\})+\s*$")
# A tag ending a line of text whose newline trim_blocks takes ("+%}" keeps it).
_EATS_NEWLINE = re.compile(r"\{%-?\s*(endif|endfor|if\b[^%]*|for\b[^%]*)\s*-?%\}$")
# Past these, the text that follows belongs to another branch or to no call of the macro.
_BRANCH = re.compile(r"\{%-?\s*(else|elif|endmacro|macro)\b")


def glued_lines(source: str) -> list[int]:
    """Return the lines whose text runs into the next text line once the tags are gone."""
    lines = source.split("\n")
    glued = []
    for number, line in enumerate(lines, start=1):
        text = line.rstrip()
        if _TAGS_ONLY.match(text) or not _EATS_NEWLINE.search(text):
            continue
        following = number
        while following < len(lines) and _TAGS_ONLY.match(lines[following]):
            if _BRANCH.search(lines[following]):
                break
            following += 1
        else:
            if following < len(lines) and lines[following].strip():
                glued.append(number)
    return glued


def test_the_check_finds_a_glued_line() -> None:
    assert glued_lines("🏭 {{ a }}{% if b %} · {{ b }}{% endif %}\n{% if c %}\n📤 {{ c }}\n") == [1]
    assert glued_lines("🏭 {{ a }}{% if b %} · {{ b }}{% endif +%}\n{% if c %}\n📤 {{ c }}\n") == []
    assert glued_lines("{% if a %}A{% endif %}\n{% elif b %}\nB\n") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_template_glues_a_line_to_the_next(language: str) -> None:
    folder = Path(messages.__file__).parent / language
    glued = {
        path.name: found
        for path in sorted(folder.glob("*.j2"))
        if (found := glued_lines(path.read_text(encoding="utf-8")))
    }
    assert glued == {}


def card(**changes: Any) -> dict[str, Any]:
    """Return a participant as bot.screens.b2b.card gives them to the templates."""
    return {
        "name": "Ayşe Kaya",
        "company": "Anadolu Lazer",
        "verified": True,
        "sector": "Makine",
        "offers": ["Lazer kesim"],
        "seeks": ["Hidrolik sistemler"],
        "offers_text": "5 eksen CNC",
        "seeks_text": None,
        "languages": ["Türkçe"],
        "description": "Kayseri’de 40 kişilik bir atölye.",
        "reasons": [{"kind": "they_offer", "category": ["Lazer kesim"], "words": None}],
    } | changes


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts(ZoneInfo("Europe/Istanbul"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_participants_card_has_one_line_each(texts: Texts, language: str) -> None:
    lines = texts.render(language, "b2b_participant", who=card(), itself=True, directory=False)
    first, offers, seeks, spoken, about, blank, reason, blank_too, note = lines.split("\n")
    assert first == "🏭 <b>Anadolu Lazer</b> ✅ · Ayşe Kaya · <i>Makine</i>"
    assert offers.startswith("📤 <b>") and offers.endswith("Lazer kesim, 5 eksen CNC")
    assert seeks.startswith("📥 <b>") and seeks.endswith("Hidrolik sistemler")
    assert spoken == "🗣 Türkçe" and about == "<i>Kayseri’de 40 kişilik bir atölye.</i>"
    assert blank == blank_too == ""
    assert reason.startswith("💡 ") and note.startswith("<i>")
    # Without a sector the first line still ends where it should.
    who = card(sector=None, reasons=[])
    alone = texts.render(language, "b2b_participant", who=who, itself=False, directory=False)
    assert alone.split("\n")[:2] == [
        "🏭 <b>Anadolu Lazer</b> ✅ · Ayşe Kaya",
        offers,
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_list_keeps_one_blank_line_between_companies(texts: Texts, language: str) -> None:
    people = [card(), card(company="Kuzey Hidrolik", reasons=[]), card(company="Batı Kaynak")]
    text = texts.render(
        language,
        "b2b_list",
        kind="browse",
        people=people,
        title=None,
        side="a",
        page=0,
        pages=2,
        directory=False,
    )
    assert "\n\n\n" not in text
    blocks = text.split("\n\n")
    companies = [block for block in blocks if block.startswith("🏭")]
    assert [block.split("\n")[0].split("</b>")[0] for block in companies] == [
        "🏭 <b>Anadolu Lazer",
        "🏭 <b>Kuzey Hidrolik",
        "🏭 <b>Batı Kaynak",
    ]
    assert companies[0].split("\n")[1:] == [
        "📤 Lazer kesim",
        companies[0].split("\n")[2],
    ] and companies[0].split("\n")[2].startswith("💡 ")
    assert companies[1].split("\n")[1:] == ["📤 Lazer kesim"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_agendas_note_has_its_own_line(texts: Texts, language: str) -> None:
    starts = datetime(2027, 4, 20, 7, 0, tzinfo=UTC)
    meeting = {
        "id": 1,
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=20),
        "table": 3,
        "status": "scheduled",
        "with": "Bora Demir · Kuzey Hidrolik",
        "note": "Silindir gövdesi",
    }

    event = {"title": {"tr": "B2B günleri", "en": "B2B days"}}
    text = texts.render(language, "b2b_agenda", event=event, meetings=[meeting], note=None)
    assert "Bora Demir · Kuzey Hidrolik\n<i>Silindir gövdesi</i>\n" in text


async def test_the_b2b_card_reaches_the_member_line_by_line(assistant: Assistant) -> None:
    ayse, _, _ = await pair(assistant)
    everyone = await ayse.press(await ayse.says("/b2b"), "Katılımcılar")
    page = await ayse.press(everyone, "Kuzey Hidrolik")
    lines = (page.text or "").split("\n")
    assert lines[0].startswith("🏭 Kuzey Hidrolik · Bora Demir · ")
    assert lines[1] == "📤 Sunduğu: Hidrolik sistemler"
    assert lines[2] == "📥 Aradığı: Lazer kesim"


async def test_the_directory_speaks_of_companies_and_help_names_it(assistant: Assistant) -> None:
    ayse = await member(assistant, "Ayşe Kaya", "Anadolu Lazer")
    bora = await member(assistant, "Bora Demir", "Kuzey Hidrolik")
    await join(ayse, ["Lazer kesim"], ["Hidrolik sistemler"])
    await join(bora, ["Hidrolik sistemler"], ["Lazer kesim"])
    page = await ayse.press(await ayse.says("/b2b"), "Üye firma rehberi")
    assert "🏭 Rehberdeki firmalar" in page.buttons
    everyone = await ayse.press(page, "Rehberdeki firmalar")
    text = everyone.text or ""
    assert text.startswith("🏭 Rehberdeki tüm firmalar")
    assert "firmayla iletişime geçmek için bir firmaya dokunun" in text
    suggested = await ayse.press(await ayse.press(everyone, "Rehber"), "Size önerilenler")
    assert "en iyi eşleşen üye firmalar" in (suggested.text or "")
    for shown in (text, suggested.text or ""):
        assert "katılımcı" not in shown.lower() and "etkinlik" not in shown.lower()
        assert "görüşme talep" not in shown
    help_text = (await ayse.says("/help")).text or ""
    assert "/b2b – B2B görüşmeleri, eşleştirme ve üye firma rehberi" in help_text
