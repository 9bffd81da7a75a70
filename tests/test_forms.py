"""The form engine: its steps and flow, its table, and forms that survive restarts and give way."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from telegram import InlineKeyboardButton, Update

from bot.app import stop_application
from bot.context import AssistantContext, Caller
from bot.devtools.emulator import BotApiEmulator, User
from bot.domain.forms import (
    BACK,
    DONE,
    SKIP,
    Answered,
    Asked,
    ChoiceStep,
    ContactStep,
    Finished,
    Flow,
    FormState,
    GoBack,
    MessageStep,
    Moved,
    MultiChoiceStep,
    NumberStep,
    Reask,
    Reply,
    Skipped,
    Stay,
    TextStep,
    Upload,
    YesNoStep,
    parse_number,
)
from bot.domain.names import check_name
from handlers import forms, profile
from handlers.forms import Form, FormButton, FormCall, step_keyboard
from storage.database import Database
from storage.forms import FormRepository
from tests.conftest import STAFF_ID, TOKEN, Assistant, Person, StartAssistant

# -- the steps -------------------------------------------------------------------------------

NOTHING = Asked()
SECTORS = Asked(frozenset({"machinery", "textile"}))


@pytest.mark.parametrize(
    ("step", "reply", "asked", "outcome"),
    [
        (TextStep("t"), Reply(text="  Kaya   Tekstil "), NOTHING, Answered("Kaya Tekstil")),
        (TextStep("t"), Reply(text="x" * 4000), NOTHING, Reask("too_long")),
        (TextStep("t"), Reply(text="\u200b\u202e 🙂 "), NOTHING, Reask("empty")),
        (TextStep("t"), Reply(unreadable="sticker"), NOTHING, Reask("other")),
        (TextStep("t"), Reply(pressed="machinery"), NOTHING, Reask("other")),
        (TextStep("t", check=check_name), Reply(text="!!"), NOTHING, Reask("no_letters")),
        (TextStep("t", multiline=True), Reply(text="a\n\n\n\nb  "), NOTHING, Answered("a\n\nb")),
        (TextStep("t", back=False), Reply(action=BACK), NOTHING, Reask("other")),
        (TextStep("t"), Reply(action=BACK), NOTHING, GoBack()),
        (TextStep("t"), Reply(action=SKIP), NOTHING, Reask("other")),
        (TextStep("t", optional=True), Reply(action=SKIP), NOTHING, Skipped()),
        (ChoiceStep("c"), Reply(pressed="textile"), SECTORS, Answered("textile")),
        (ChoiceStep("c"), Reply(pressed="forged"), SECTORS, Reask("choose")),
        (ChoiceStep("c"), Reply(text="textile"), SECTORS, Reask("choose")),
        (YesNoStep("y"), Reply(pressed="yes"), NOTHING, Answered("yes")),
        (YesNoStep("y"), Reply(pressed="maybe"), NOTHING, Reask("choose")),
        (NumberStep("n", minimum=1, maximum=10), Reply(text="7"), NOTHING, Answered(7)),
        (NumberStep("n", minimum=1, maximum=10), Reply(text="11"), NOTHING, Reask("range")),
        (NumberStep("n"), Reply(text="2,5"), NOTHING, Reask("number")),
        (NumberStep("n", whole=False), Reply(text="2,5"), NOTHING, Answered(2.5)),
        (NumberStep("n"), Reply(text="yedi"), NOTHING, Answered(7)),
        (NumberStep("n"), Reply(text="epey"), NOTHING, Reask("number")),
        (
            ContactStep("p"),
            Reply(phone="+90 555", contact_user_id=5),
            Asked(person_id=5),
            Answered("+90 555"),
        ),
        (
            ContactStep("p"),
            Reply(phone="+90 555", contact_user_id=6),
            Asked(person_id=5),
            Reask("phone"),
        ),
        (MessageStep("d", text=False, documents=True), Reply(text="x"), NOTHING, Reask("document")),
        (
            MessageStep("d", text=False, documents=True),
            Reply(upload=Upload("photo", "f1")),
            NOTHING,
            Reask("document"),
        ),
        (MessageStep("m", photos=True), Reply(unreadable="sticker"), NOTHING, Reask("other")),
        (
            MessageStep("m"),
            Reply(text="a <b>", html="a &lt;b&gt;"),
            NOTHING,
            Answered({"text": "a <b>", "html": "a &lt;b&gt;"}),
        ),
    ],
)
def test_a_step_reads_a_reply(step: Any, reply: Reply, asked: Asked, outcome: Any) -> None:
    assert step.read(reply, asked) == outcome


def test_a_multiple_choice_toggles_then_finishes() -> None:
    step = MultiChoiceStep("m", maximum=2)
    assert step.read(Reply(action=DONE), SECTORS, []) == Reask("choose")
    assert step.read(Reply(pressed="textile"), SECTORS, []) == Stay(["textile"])
    assert step.read(Reply(pressed="textile"), SECTORS, ["textile"]) == Stay([])
    assert step.read(Reply(pressed="gone"), SECTORS, ["textile"]) == Reask("choose")
    chosen = ["textile", "machinery"]
    assert step.read(Reply(action=DONE), SECTORS, chosen) == Answered(chosen)


def test_an_upload_is_kept_as_json() -> None:
    upload = Upload("document", "f1", "c.yaml", "application/yaml", 10)
    outcome = MessageStep("d", documents=True).read(Reply(upload=upload), NOTHING)
    assert isinstance(outcome, Answered)
    assert json.loads(json.dumps(outcome.value))["file_name"] == "c.yaml"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12),
        ("-3", -3),
        ("2,5", 2.5),
        ("1.250.000,50", 1250000.5),
        ("1 250", 1250),
        ("%5", None),
    ],
)
def test_numbers_are_read_as_people_type_them(typed: str, number: float | None) -> None:
    assert parse_number(typed) == number


@pytest.mark.parametrize(
    ("typed", "turkish", "english"),
    [
        ("1,250", 1.25, 1250),
        ("1.250", 1250, 1.25),
        ("1,250,000.50", 1250000.5, 1250000.5),
        ("1.250.000,50", 1250000.5, 1250000.5),
        ("1,25,0", None, None),
        ("2,5", 2.5, 2.5),
        ("12.5", 12.5, 12.5),
    ],
)
def test_thousands_are_read_the_persons_way(
    typed: str, turkish: float | None, english: float | None
) -> None:
    assert parse_number(typed, "tr") == turkish
    assert parse_number(typed, "en") == english


FLOW = Flow(
    "test",
    (
        YesNoStep("agree", back=False),
        TextStep("name", back=False),
        TextStep("note", optional=True),
        ChoiceStep("pick"),
    ),
    lambda step, answers: step == "agree" or answers.get("agree") == "yes",
)


def test_a_flow_moves_on_goes_back_skips_and_finishes() -> None:
    state = FormState("test", "agree")
    moved = FLOW.advance(state, Answered("yes"))
    assert moved == Moved(FormState("test", "name", {"agree": "yes"}))
    assert isinstance(moved, Moved)
    state = moved.state
    assert FLOW.advance(state, Reask("empty")) == Moved(state, "empty")
    after_name = FLOW.advance(state, Answered("Ayşe"))
    assert isinstance(after_name, Moved) and after_name.state.step == "note"
    skipped = FLOW.advance(after_name.state, Skipped())
    assert isinstance(skipped, Moved) and skipped.state.step == "pick"
    assert "note" not in skipped.state.answers
    back = FLOW.advance(skipped.state, GoBack())
    assert isinstance(back, Moved) and back.state.step == "note"
    done = FLOW.advance(skipped.state, Answered("x"))
    assert isinstance(done, Finished) and done.state.answers["pick"] == "x"


def test_a_step_that_no_longer_applies_ends_the_flow() -> None:
    refused = FLOW.advance(FormState("test", "agree"), Answered("no"))
    assert isinstance(refused, Finished)


@pytest.mark.parametrize("data", ["f:pf:c:textile", "f:pf:b", "f:bc:s", "f:ev:d"])
def test_form_buttons_parse_back(data: str) -> None:
    button = FormButton.parse(data)
    assert button is not None and button.data == data
    assert len(data.encode()) <= 64


def test_every_profile_button_fits_in_callback_data() -> None:
    longest = FormButton("pf", None, "x" * 48).data
    assert len(longest.encode()) <= 64 and FormButton.parse(longest) is not None


class _Survey(Form):
    """A form of every kind of choice, to see the buttons the engine gives each."""

    kind = "test"
    code = "ts"
    closed_template = "form_cancelled"
    flow = Flow(
        "test",
        (
            YesNoStep("agree", back=False),
            ChoiceStep("one"),
            MultiChoiceStep("many", optional=True),
        ),
    )

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        return [("a", "Alpha"), ("b", "Beta")]


def _labels_and_data(rows: list[list[InlineKeyboardButton]]) -> list[list[tuple[str, str]]]:
    return [[(button.text, str(button.callback_data)) for button in row] for row in rows]


async def test_each_kind_of_step_gets_its_buttons(assistant: Assistant) -> None:
    person = await assistant.services.people.seen(1, "en")
    caller = Caller(assistant.services, person, "en")
    form = _Survey()

    def call_at(step: str, answers: dict[str, Any]) -> FormCall:
        state = FormState("test", step, answers)
        return FormCall(cast(Update, None), cast(AssistantContext, None), caller, state)

    def keyboard(step: str, answers: dict[str, Any]) -> list[list[tuple[str, str]]]:
        return _labels_and_data(step_keyboard(call_at(step, answers), form))

    assert keyboard("agree", {}) == [[("Yes", "f:ts:c:yes"), ("No", "f:ts:c:no")]]
    assert keyboard("one", {"agree": "yes"}) == [
        [("Alpha", "f:ts:c:a")],
        [("Beta", "f:ts:c:b")],
        [("‹ Back", "f:ts:b")],
    ]
    assert keyboard("many", {"many": ["b"]}) == [
        [("⬜ Alpha", "f:ts:c:a")],
        [("✅ Beta", "f:ts:c:b")],
        [("✔️ Done", "f:ts:d")],
        [("Skip", "f:ts:s")],
        [("‹ Back", "f:ts:b")],
    ]
    assert form.offered(
        FormCall(cast(Update, None), cast(AssistantContext, None), caller, FormState("test", "one"))
    ) == {"a", "b"}


# -- the table -------------------------------------------------------------------------------


@pytest.fixture
async def form_store(tmp_path: Path) -> AsyncIterator[FormRepository]:
    database = Database(tmp_path / "forms.sqlite3")
    await database.open()
    await database.execute(
        "INSERT INTO people (id, first_seen_at, last_seen_at) VALUES (1, 'x', 'x'), (2, 'x', 'x')"
    )
    yield FormRepository(database)
    await database.close()


async def test_one_open_form_per_person_and_stale_writes_refused(
    form_store: FormRepository,
) -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    later = now + timedelta(minutes=15)
    first = await form_store.open(1, 1, "profile", "name", {}, "ev-1", now, later)
    moved = await form_store.move(first, "company", {"name": "Ayşe"}, now, later)
    assert moved is not None and moved.answers == {"name": "Ayşe"}
    # The same answer applied again to the form as it was is refused: it moved since.
    assert await form_store.move(first, "company", {"name": "Ali"}, now, later) is None
    other = await form_store.open(1, 1, "import", "file", {}, None, now, later)
    assert (await form_store.of_person(1)) == other
    # Closing the form that finished leaves alone the one opened since.
    assert await form_store.close(1, revision=moved.revision) is None
    assert await form_store.close(1, "profile") is None
    assert (await form_store.close(1)) == other
    assert await form_store.of_person(1) is None


async def test_expired_forms_are_closed_once(form_store: FormRepository) -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    await form_store.open(1, 1, "profile", "name", {}, None, now, now + timedelta(minutes=1))
    await form_store.open(2, 2, "profile", "name", {}, None, now, now + timedelta(minutes=30))
    [closed] = await form_store.close_expired(now + timedelta(minutes=2))
    assert closed.person_id == 1
    assert await form_store.close_expired(now + timedelta(minutes=2)) == []
    assert await form_store.of_person(2) is not None


# -- end to end ------------------------------------------------------------------------------


def _committed_form(assistant: Assistant, person: Person) -> dict[str, Any] | None:
    """Read the person's form from the file with a separate connection: what a crash keeps."""
    with sqlite3.connect(assistant.services.settings.database_path) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute(
            "SELECT kind, step, answers, subject FROM forms WHERE person_id = ?", (person.id,)
        ).fetchone()
    return dict(row) if row is not None else None


async def test_the_sign_up_form_continues_where_it_was_after_a_restart(
    start_assistant: StartAssistant,
) -> None:
    first: Assistant = await start_assistant()
    ayse = first.person("Ayşe", last_name="Yılmaz")
    page = await ayse.says("/start event_lean-2027-01")
    consent = await ayse.press(page, "Kayıt ol")
    name_step = await ayse.press(consent, "Okudum, devam")
    company_step = await ayse.press(name_step, 0)
    assert "Hangi firmada" in (company_step.text or "")
    sector_step = await ayse.says("Yarım Kalmış Makina")
    assert "hangi sektörde" in (sector_step.text or "")
    # Each answer is in the file as soon as the next question is asked: a kill -9 keeps it.
    saved = _committed_form(first, ayse)
    assert saved is not None
    assert (saved["kind"], saved["step"], saved["subject"]) == ("profile", "sector", "lean-2027-01")
    assert json.loads(saved["answers"]) == {
        "mode": "signup",
        "notice_needed": True,
        "ask_announcements": True,
        "notice": "read",
        "name": "Ayşe Yılmaz",
        "company": "Yarım Kalmış Makina",
    }
    await stop_application(first.application)

    second: Assistant = await start_assistant()
    # The sector buttons shown before the restart still answer the question.
    phone_step = await ayse.press(sector_step, "İş ve inşaat makineleri")
    assert "Telefon numaranız" in (phone_step.text or "")
    await ayse.emulator.send_message(ayse.user, "0532 123 45 67")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="E-posta")
    announcements = await ayse.press(email_step, "Atla")
    done = await ayse.press(announcements, "Hayır, teşekkürler")
    assert "Kaydınız onaylandı" in (done.text or "")
    await ayse.emulator.wait_idle()  # the calendar file follows; the form closes last
    [person] = await second.fetch(
        "SELECT full_name, company, sector_id, phone FROM people WHERE id = ?", ayse.id
    )
    assert person == {
        "full_name": "Ayşe Yılmaz",
        "company": "Yarım Kalmış Makina",
        "sector_id": "machinery",
        "phone": "05321234567",
    }
    [registration] = await second.fetch(
        "SELECT event_id, status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registration == {"event_id": "lean-2027-01", "status": "confirmed"}
    assert _committed_form(second, ayse) is None


async def test_typed_answers_continue_after_a_restart(start_assistant: StartAssistant) -> None:
    first: Assistant = await start_assistant()
    ali = first.person("Ali")
    await ali.press(await ali.says("/profile"), "Okudum, devam")
    await ali.says("Ali Demir")
    await stop_application(first.application)
    second: Assistant = await start_assistant()
    sector_step = await ali.says("Demir Döküm")
    assert "hangi sektörde" in (sector_step.text or "")
    saved = _committed_form(second, ali)
    assert saved is not None and json.loads(saved["answers"])["company"] == "Demir Döküm"


async def test_what_no_step_takes_is_asked_again_and_nothing_is_lost(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    company_step = await ayse.says("Ayşe Kaya")
    assert "Hangi firmada" in (company_step.text or "")
    before = _committed_form(assistant, ayse)
    await ayse.emulator.send_sticker(ayse.user)
    sticker = await ayse.emulator.wait_for_bot_message(ayse.id)
    assert "Hangi firmada" in (sticker.text or "") and "anlayamadım" in (sticker.text or "")
    await ayse.emulator.send_photo(ayse.user, b"not really a photo")
    photo = await ayse.emulator.wait_for_bot_message(ayse.id)
    assert "Hangi firmada" in (photo.text or "")
    too_long = await ayse.says("Ş" * 4000)
    assert "daha kısa" in (too_long.text or "")
    odd = await ayse.says("\u200b\u202e\u2066")
    assert "harflerle" in (odd.text or "")
    assert _committed_form(assistant, ayse) == before
    sector_step = await ayse.says("Kaya Tekstil")
    assert "hangi sektörde" in (sector_step.text or "")
    stale = await ayse.emulator.press_callback(ayse.user, sector_step, "f:pf:c:no-such-sector")
    answer = await ayse.emulator.wait_for_callback_answer(stale)
    await ayse.emulator.wait_idle()
    # A button no question on screen offers is answered with a note, not a new message.
    assert "artık geçerli değil" in (answer.text or "")
    assert ayse.last().message_id == sector_step.message_id
    assert json.loads((_committed_form(assistant, ayse) or {})["answers"]) == {
        "mode": "signup",
        "notice_needed": True,
        "ask_announcements": True,
        "notice": "read",
        "name": "Ayşe Kaya",
        "company": "Kaya Tekstil",
    }


async def test_a_form_left_open_times_out_across_a_restart(
    start_assistant: StartAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    first: Assistant = await start_assistant()
    ayse = first.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    await stop_application(first.application)
    monkeypatch.setattr(profile, "FORM_TIMEOUT", 0)
    monkeypatch.setattr(forms, "SWEEP_INTERVAL", 0.2)
    # The form's deadline passed while the bot was stopped.
    with sqlite3.connect(first.services.settings.database_path) as connection:
        connection.execute("UPDATE forms SET expires_at = '2020-01-01T00:00:00+00:00'")
    second: Assistant = await start_assistant()
    closed = await ayse.emulator.wait_for_bot_message(ayse.id, contains="yanıt gelmediği için")
    assert "/profile" in (closed.text or "")
    assert await second.fetch("SELECT * FROM forms") == []
    answer = await ayse.says("eğitimler ücretli mi")
    assert "Eğitimler ücretli mi?" in (answer.text or "")


async def test_a_half_filled_form_is_in_the_export_and_erased(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    await ayse.says("Ayşe Silinecek")
    exported = await assistant.services.people.personal_data(ayse.id)
    assert "Ayşe Silinecek" in exported["forms"][0]["answers"]
    await assistant.services.people.erase(ayse.id)
    assert await assistant.fetch("SELECT * FROM forms") == []


# -- one form at a time (issue 9, defect 3) --------------------------------------------------


def _staff(assistant: Assistant) -> Person:
    user = User(id=STAFF_ID, first_name="Elif", last_name="Demir", language_code="tr")
    assistant.emulator.add_user(user)
    return Person(assistant.emulator, user)


async def test_a_staff_form_gives_way_to_the_next_staff_command(assistant: Assistant) -> None:
    elif_ = _staff(assistant)
    ask_file = await elif_.says("/import")
    assert "YAML" in (ask_file.text or "")
    compose = await elif_.says("/broadcast")
    assert "Duyurunuzu bana gönderin" in (compose.text or "")
    await elif_.emulator.send_message(elif_.user, "Yarın sabah kümede toplantı var.")
    panel = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Duyuru taslağı")
    assert panel.buttons
    await elif_.emulator.wait_idle()
    after = [m.content for m in elif_.emulator.bot_messages(elif_.id) if m.seq > compose.seq]
    assert not any("belge olarak" in text for text in after)
    [draft] = await assistant.fetch("SELECT status, text_tr FROM broadcasts")
    assert draft == {"status": "draft", "text_tr": "Yarın sabah kümede toplantı var."}
    assert await assistant.fetch("SELECT * FROM forms") == []


async def test_cancel_closes_whatever_form_is_open(assistant: Assistant) -> None:
    elif_ = _staff(assistant)
    kind_step = await elif_.says("/newevent")
    assert "Etkinliğin türü nedir?" in (kind_step.text or "")
    await elif_.says("/broadcast")
    await elif_.says("/import")
    [open_form] = await assistant.fetch("SELECT kind FROM forms WHERE person_id = ?", elif_.id)
    assert open_form["kind"] == "import"
    cancelled = await elif_.says("/cancel")
    assert "kapattım; içerik değişmedi" in (cancelled.text or "")
    assert await assistant.fetch("SELECT * FROM forms") == []
    compose = await elif_.says("/broadcast")
    assert "Duyurunuzu bana gönderin" in (compose.text or "")
    await elif_.emulator.send_message(elif_.user, "Kayıtlar açıldı.")
    await elif_.emulator.wait_for_bot_message(elif_.id, contains="Duyuru taslağı")
    await elif_.emulator.wait_idle()
    later = elif_.emulator.bot_messages(elif_.id)[-3:]
    assert not any("türü" in m.content or "belge olarak" in m.content for m in later)
    [draft] = await assistant.fetch("SELECT text_tr FROM broadcasts")
    assert draft["text_tr"] == "Kayıtlar açıldı."
    nothing = await elif_.says("/cancel")
    assert "yarım kalmış bir işlem yok" in (nothing.text or "")


async def test_a_person_form_gives_way_to_asking_the_team(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    prompt = await ayse.says("/ask")  # the assistant answers first: no form of its own
    assert "Sorunuzu yazın" in (prompt.text or "")
    assert await assistant.fetch("SELECT * FROM forms") == []
    answer = await ayse.says("ekiple konuşmak istiyorum")
    await ayse.press(answer, "👥 Ekibe yaz")
    [form] = await assistant.fetch("SELECT kind FROM forms WHERE person_id = ?", ayse.id)
    assert form["kind"] == "ticket"
    cancelled = await ayse.says("/cancel")
    assert "Adınız" not in (cancelled.text or "")
    assert await assistant.fetch("SELECT * FROM forms") == []


async def test_an_answer_delivered_again_after_a_crash_is_not_taken_twice(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    sent = await ayse.emulator.send_message(ayse.user, "Ayşe Kaya")
    await ayse.emulator.wait_for_bot_message(ayse.id, contains="Hangi firmada")
    [form] = await assistant.fetch("SELECT step, update_id FROM forms WHERE person_id = ?", ayse.id)
    assert form["step"] == "company" and form["update_id"] is not None
    # The update that answered the name comes again, as it does when the bot crashed between
    # storing the answer and marking the update handled: it must not become the company.
    again = Update.de_json(
        {"update_id": form["update_id"], "message": sent.to_api()}, assistant.application.bot
    )
    await assistant.application.process_update(again)
    assert "Hangi firmada" in (ayse.last().text or "")
    [after] = await assistant.fetch("SELECT step, answers FROM forms WHERE person_id = ?", ayse.id)
    assert after["step"] == "company"
    assert json.loads(after["answers"]) == {
        "mode": "signup",
        "notice_needed": True,
        "ask_announcements": True,
        "notice": "read",
        "name": "Ayşe Kaya",
    }


# -- a real crash: the bot process killed with SIGKILL halfway through the form ---------------

ROOT = Path(__file__).resolve().parent.parent


async def _run_bot(emulator: BotApiEmulator, folder: Path) -> asyncio.subprocess.Process:
    """Start `clustem-bot run` in its own process, pointed at the emulator."""
    environment = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_PATH": str(folder / "clustem.sqlite3"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=environment, cwd=folder
    )


async def test_the_sign_up_form_survives_a_kill_9(emulator: BotApiEmulator, tmp_path: Path) -> None:
    user = User(id=640001, first_name="Ayşe", last_name="Yılmaz", language_code="tr")
    emulator.add_user(user)
    ayse = Person(emulator, user)
    bot = await _run_bot(emulator, tmp_path)
    try:
        consent = await ayse.says("/profile", timeout=30)  # the first start fills the database
        name_step = await ayse.press(consent, "Okudum, devam")
        await ayse.press(name_step, 0)
        sector_step = await ayse.says("Öldürülen Makina")
        assert "hangi sektörde" in (sector_step.text or "")
        bot.send_signal(signal.SIGKILL)
        assert await bot.wait() == -signal.SIGKILL

        bot = await _run_bot(emulator, tmp_path)
        # The company's update may come again (the kill came before it was marked handled):
        # the form then shows its sector step again, and takes the company only once.
        phone_step = await ayse.press(
            sector_step, "Tekstil ve hazır giyim", contains="Telefon numaranız", timeout=30
        )
        assert "Telefon numaranız" in (phone_step.text or "")
        await emulator.send_message(user, "Atla")
        email_step = await emulator.wait_for_bot_message(user.id, contains="E-posta")
        announcements = await ayse.press(email_step, "Atla")
        saved = await ayse.press(announcements, "Hayır, teşekkürler")
        assert "Öldürülen Makina" in (saved.text or "")
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 60)
    with sqlite3.connect(tmp_path / "clustem.sqlite3") as connection:
        person = connection.execute(
            "SELECT full_name, company, sector_id, phone FROM people WHERE id = ?", (user.id,)
        ).fetchone()
        forms_left = connection.execute("SELECT COUNT(*) FROM forms").fetchone()[0]
    assert person == ("Ayşe Yılmaz", "Öldürülen Makina", "textile", None)
    assert forms_left == 0


async def test_a_double_tap_on_an_answered_question_changes_nothing(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    await ayse.says("Ayşe Kaya")
    sector_step = await ayse.says("Kaya Tekstil")
    phone_step = await ayse.press(sector_step, "İş ve inşaat makineleri")
    assert "Telefon numaranız" in (phone_step.text or "")
    again = await ayse.emulator.press_button(ayse.user, sector_step, "İş ve inşaat makineleri")
    answer = await ayse.emulator.wait_for_callback_answer(again)
    await ayse.emulator.wait_idle()
    assert "artık geçerli değil" in (answer.text or "")
    assert ayse.last().message_id == phone_step.message_id
    saved = _committed_form(assistant, ayse)
    assert saved is not None and saved["step"] == "phone"


async def test_an_unknown_command_keeps_the_form_open(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.press(await ayse.says("/profile"), "Okudum, devam")
    await ayse.says("Ayşe Kaya")
    notice = await ayse.says("/foo")
    assert "Yarım kalan formunuz hâlâ açık" in (notice.text or "")
    asked = await ayse.next_message(notice)
    assert "Hangi firmada" in (asked.text or "")
    sector_step = await ayse.says("Acme Makina")
    assert "hangi sektörde" in (sector_step.text or "")
    saved = _committed_form(assistant, ayse)
    assert saved is not None and json.loads(saved["answers"])["company"] == "Acme Makina"
