"""What people type as a name or a phone number: read, tidied, or asked again with an example."""

from __future__ import annotations

import copy
import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.event_form import check_capacity
from bot.domain.forms import Answered, Asked, NumberStep, Reask, Reply
from bot.domain.names import check_name, with_capitals
from bot.domain.phones import check_phone
from storage.database import Database, _migrations
from tests.conftest import Assistant
from tests.test_event_questions import QUESTIONS
from tests.test_signup import fill_profile, open_event
from tests.test_staff_events import open_staff_event, staff_member

# An event staff add walk-ins to.
WALK_IN_EVENT = "door"
# The migration that writes registry companies' names into profiles.
REGISTRY_NAMES = 39


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0555 123 45 67", "05551234567"),
        ("+90 555 123 4567", "+905551234567"),
        ("5551234567", "5551234567"),
        ("(0212) 555 12 34", "02125551234"),
        ("0850 222 33 44", "08502223344"),
        ("905551234567", "905551234567"),  # a contact Telegram shares, without the plus
        ("0090 555 123 45 67", "+905551234567"),
        ("+49 30 1234567", "+49301234567"),  # from abroad: taken with its country code
    ],
)
def test_whole_phone_numbers_are_taken(typed: str, stored: str) -> None:
    assert check_phone(typed) == (stored, None)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0555 12 34", "phone_short"),
        ("555 12 34", "phone_short"),
        ("+90 555 123 45", "phone_short"),
        ("0555 123 45 67 8", "phone_short"),
        ("0155 123 45 67", "phone"),  # no Turkish number starts with 1
        ("abc", "phone"),
        ("+49 123", "phone"),
    ],
)
def test_short_or_impossible_phone_numbers_are_refused(typed: str, reason: str) -> None:
    assert check_phone(typed) == (None, reason)


@pytest.mark.parametrize(
    "typed",
    ["eğitim ne zaman?", "egitim ne zaman", "İhracat eğitimine katılmak istiyorum lütfen", "Ali 2"],
)
def test_a_question_or_a_sentence_is_not_a_name(typed: str) -> None:
    assert check_name(typed) == (None, "not_a_name")


@pytest.mark.parametrize(
    ("typed", "language", "written"),
    [
        ("ayşe yılmaz", "tr", "Ayşe Yılmaz"),
        ("ismail ışık", "tr", "İsmail Işık"),
        ("ismail ışık", "en", "İsmail Işık"),  # Turkish letters: the Turkish way in English too
        ("isabel smith", "en", "Isabel Smith"),
        ("ayşe-nur çelik", "tr", "Ayşe-Nur Çelik"),
        ("Mehmet Ali Öztürk", "tr", "Mehmet Ali Öztürk"),
        ("de Vries", "en", "de Vries"),  # a capital anywhere: as its owner wrote it
    ],
)
def test_a_lower_case_name_gets_its_capitals(typed: str, language: str, written: str) -> None:
    name, reason = check_name(typed)
    assert reason is None and name is not None
    assert with_capitals(name, language) == written


async def test_a_member_signs_up_in_lower_case_and_picks_her_company_from_the_registry(
    assistant: Assistant,
) -> None:
    ids = {c.name: c.id for c in await assistant.services.companies.all()}
    ayse = assistant.person("Ayşe")
    notice = await ayse.says("/profile")
    await ayse.press(notice, "✅ Okudum, devam")
    refused = await ayse.says("eğitim ne zaman?")
    assert "soru ya da cümle gibi görünüyor" in (refused.text or "")
    assert "1/5" in (refused.text or "")  # the name is asked again
    company_step = await ayse.says("ayşe yılmaz")
    assert "Hangi firmada" in (company_step.text or "")
    pick = await ayse.says("akdeniz kalip")
    sector_step = await ayse.press(pick, "Akdeniz Kalıp Ltd. Şti.")
    phone_step = await ayse.press(sector_step, "İş ve inşaat makineleri")
    assert "Telefon" in (phone_step.text or "")
    await ayse.emulator.send_message(ayse.user, "0555 12 34")
    short = await ayse.emulator.wait_for_bot_message(ayse.id, contains="10 haneden")
    assert "(0212) 555 12 34" in (short.text or "")
    await ayse.emulator.send_message(ayse.user, "(0212) 555 12 34")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="E-posta")
    announcements = await ayse.press(email_step, "Atla")
    saved = await ayse.press(announcements, "Hayır, teşekkürler")
    await ayse.emulator.wait_idle()
    [row] = await assistant.fetch(
        "SELECT full_name, company, company_id, phone FROM people WHERE id = ?", ayse.id
    )
    assert row == {
        "full_name": "Ayşe Yılmaz",
        "company": "Akdeniz Kalıp Ltd. Şti.",
        "company_id": ids["Akdeniz Kalıp Ltd. Şti."],
        "phone": "02125551234",
    }
    profile = await ayse.says("/profile")
    assert "Akdeniz Kalıp Ltd. Şti." in (profile.text or "")
    assert "akdeniz kalip" not in (profile.text or "")
    del saved


async def test_names_typed_before_are_written_the_registrys_way_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "before.sqlite3"
    connection = sqlite3.connect(path)
    for number, _, script in _migrations():
        if number < REGISTRY_NAMES:
            connection.executescript(script)
    connection.execute(f"PRAGMA user_version = {REGISTRY_NAMES - 1}")
    now = datetime.now(UTC).isoformat()
    connection.execute(
        "INSERT INTO companies (id, name, name_key, membership, created_at, updated_at) "
        "VALUES (1, 'Akdeniz Kalıp Ltd. Şti.', 'akdenizkalipltdsti', 'member', ?, ?)",
        (now, now),
    )
    people = [
        (1, "akdeniz kalip", 1),  # picked from the registry: its name from now on
        (2, "Hitit Dokuma", None),  # not in the registry: as typed
        (3, None, 1),  # joined by invite, no profile yet: still to fill in
    ]
    connection.executemany(
        "INSERT INTO people (id, company, company_id, first_seen_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(*person, now, now) for person in people],
    )
    connection.commit()
    connection.close()
    database = Database(path)
    await database.open()
    try:
        rows = await database.fetch_all("SELECT id, company FROM people ORDER BY id")
    finally:
        await database.close()
    assert [tuple(row) for row in rows] == [
        (1, "Akdeniz Kalıp Ltd. Şti."),
        (2, "Hitit Dokuma"),
        (3, None),
    ]


# -- counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("3", 3),
        ("1 kişi", 1),
        ("2 kisi", 2),
        ("3 kişiyiz", 3),
        ("İKİ KİŞİ", 2),
        ("iki", 2),
        ("on iki kişiyiz", 12),
        ("yirmi beş", 25),
        ("tek kişi", 1),
        ("two people", 2),
    ],
)
def test_a_count_is_read_with_its_word_or_in_words(typed: str, count: int) -> None:
    assert NumberStep("n", minimum=1, maximum=50).read(Reply(text=typed), Asked()) == Answered(
        count
    )


@pytest.mark.parametrize(
    ("typed", "read"),
    [("2,5 saat", 2.5), ("1.250.000 TL", 1_250_000.0), ("12 bin", None), ("birkaç kişi", None)],
)
def test_a_figure_keeps_its_multiplier(typed: str, read: float | None) -> None:
    # "12 bin" is twelve thousand, not 12: a word that changes the figure is never dropped.
    outcome = NumberStep("n", whole=False).read(Reply(text=typed), Asked())
    assert outcome == (Reask("number") if read is None else Answered(read))


@pytest.mark.parametrize(
    ("typed", "capacity"), [("20 kişi", 20), ("yirmi kişilik", 20), ("1.000", 1000)]
)
def test_staff_type_a_capacity_with_its_word(typed: str, capacity: int) -> None:
    assert check_capacity(typed, seats_taken=0) == (capacity, None)


async def test_a_member_says_how_many_are_coming_in_her_own_words(assistant: Assistant) -> None:
    await assistant.add_event("asks", capacity=5, questions=copy.deepcopy(QUESTIONS))
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "asks"), "Kayıt ol")
    topic = await fill_profile(ayse, consent)
    people = await ayse.press(topic, "SMED")
    vague = await ayse.says("birkaç kişi")
    assert "<i>3</i> gibi bir tam sayı" in (vague.html or "")
    note = await ayse.says("3 kişiyiz")
    assert "Eklemek istediğiniz" in (note.text or "")
    review = await ayse.press(note, "Atla")
    assert "3" in (review.text or "")
    await ayse.press(review, "Gönder")
    rows = await assistant.fetch(
        "SELECT question_id, value FROM event_answers WHERE person_id = ?", ayse.id
    )
    assert {row["question_id"]: json.loads(row["value"]) for row in rows} == {
        "topic": "smed",
        "people": 3,
    }
    del people


async def test_joining_by_invite_names_the_company_the_registrys_way(
    assistant: Assistant,
) -> None:
    services = assistant.services
    ids = {c.name: c.id for c in await services.companies.all()}
    akdeniz = ids["Akdeniz Kalıp Ltd. Şti."]
    assert akdeniz is not None
    can = assistant.person("Can")
    notice = await can.says("/profile")
    await can.press(notice, "✅ Okudum, devam")
    await can.says("can er")
    pick = await can.says("Akdeniz kalıpçılık")  # not sure enough to be offered
    if "Firmam listede yok" in pick.buttons:
        pick = await can.press(pick, "Firmam listede yok")
    phone_step = await can.press(pick, "İş ve inşaat makineleri")
    await can.emulator.send_message(can.user, "Atla")
    email_step = await can.emulator.wait_for_bot_message(can.id, contains="E-posta")
    announcements = await can.press(email_step, "Atla")
    await can.press(announcements, "Hayır, teşekkürler")
    await can.emulator.wait_idle()
    elif_ = staff_member(assistant)
    found = await elif_.says("/company akdeniz kalip")
    page = await elif_.press(found, "Akdeniz Kalıp Ltd. Şti.")
    invite = await elif_.press(page, "🔗 Davet bağlantısı")
    link = re.search(r"\?start=(co\d+-[a-z2-7]+)", invite.text or "")
    assert link is not None
    await can.says(f"/start {link.group(1)}")
    [row] = await assistant.fetch(
        "SELECT full_name, company, company_id, company_verified FROM people WHERE id = ?", can.id
    )
    assert row == {
        "full_name": "Can Er",
        "company": "Akdeniz Kalıp Ltd. Şti.",
        "company_id": akdeniz,
        "company_verified": 1,
    }
    del phone_step


async def test_keeping_answers_stored_before_the_stricter_checks_goes_on(
    assistant: Assistant,
) -> None:
    ali = assistant.person("Ali")
    notice = await ali.says("/profile")
    await ali.press(notice, "✅ Okudum, devam")
    await ali.says("Ali Er")
    pick = await ali.says("Hitit Dokuma")
    if "Firmam listede yok" in pick.buttons:
        pick = await ali.press(pick, "Firmam listede yok")
    await ali.press(pick, "Tekstil ve hazır giyim")
    await ali.emulator.send_message(ali.user, "Atla")
    email_step = await ali.emulator.wait_for_bot_message(ali.id, contains="E-posta")
    announcements = await ali.press(email_step, "Atla")
    await ali.press(announcements, "Hayır, teşekkürler")
    await ali.emulator.wait_idle()
    # Stored while any 7 digits passed, and a Telegram name with a year in it.
    await assistant.services.database.execute(
        "UPDATE people SET full_name = 'Ali 1978', phone = '05551234' WHERE id = ?", (ali.id,)
    )
    profile = await ali.says("/profile")
    company_step = await ali.press(await ali.press(profile, "✏️ Profili güncelle"), "↩️ Aynı kalsın")
    assert "2/5" in (company_step.text or "")
    sector_step = await ali.press(company_step, "↩️ Aynı kalsın")
    if "Firmam listede yok" in sector_step.buttons:
        sector_step = await ali.press(sector_step, "Firmam listede yok")
    await ali.press(sector_step, "↩️ Aynı kalsın")
    await ali.emulator.send_message(ali.user, "↩️ Aynı kalsın")
    email_step = await ali.emulator.wait_for_bot_message(ali.id, contains="5/5")
    saved = await ali.press(email_step, "↩️ Aynı kalsın")
    assert "Profiliniz kaydedildi" in (saved.text or "")
    [row] = await assistant.fetch("SELECT full_name, phone FROM people WHERE id = ?", ali.id)
    assert row == {"full_name": "Ali 1978", "phone": "05551234"}
    # Typed anew, the same short number is refused.
    profile = await ali.says("/profile")
    name_step = await ali.press(profile, "✏️ Profili güncelle")
    refused = await ali.says("ali 1978")
    assert "soru ya da cümle" in (refused.text or "")
    del name_step


async def test_staff_add_a_walk_in_typed_in_lower_case_with_a_short_number(
    assistant: Assistant,
) -> None:
    await assistant.add_event(WALK_IN_EVENT, capacity=10)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, f"Test etkinliği {WALK_IN_EVENT}")
    step = await elif_.press(page, "➕ Katılımcı ekle")
    refused = await elif_.says("kapıda 3 kişi var")
    assert "ad soyada benzemiyor" in (refused.text or "")
    step = await elif_.says("ismail ışık")
    step = await elif_.press(step, "Atla")
    refused = await elif_.says("0532 111 22")
    assert "10 haneden" in (refused.text or "")
    step = await elif_.says("0532 111 22 33")
    await elif_.press(step, "Evet")
    [row] = await assistant.fetch(
        "SELECT full_name, phone FROM staff_added_participants WHERE event_id = ?",
        WALK_IN_EVENT,
    )
    assert row == {"full_name": "İsmail Işık", "phone": "05321112233"}
