"""A person meets the assistant: greeting, language, events, services, help, answers, bad input."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.devtools.emulator import User
from storage.content import (
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
)
from tests.conftest import Assistant, StartAssistant


async def test_start_greets_with_the_cluster_name_and_the_main_menu(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    reply = await ayse.says("/start")
    assert "Merhaba Ayşe!" in (reply.text or "")
    assert "Makine ve Tekstil Kümesi" in (reply.text or "")
    assert reply.buttons == [
        "📅 Etkinlikler",
        "🧰 Hizmetler",
        "💬 Soru sor",
        "🎟 Kayıtlarım",
        "⚙️ Ayarlar",
        "❓ Yardım",
    ]
    row = await assistant.services.database.fetch_one(
        "SELECT telegram_language, full_name FROM people WHERE id = ?", (ayse.id,)
    )
    assert row is not None and row["telegram_language"] == "tr"
    assert row["full_name"] is None  # nothing personal before consent


@pytest.mark.parametrize(
    ("code", "greeting"),
    [("tr", "Merhaba"), ("tr-TR", "Merhaba"), ("en", "Hello"), ("de", "Hello"), (None, "Merhaba")],
)
async def test_language_follows_telegram_then_the_default(
    assistant: Assistant, code: str | None, greeting: str
) -> None:
    person = assistant.person("Sam", language=code)
    reply = await person.says("/start")
    assert (reply.text or "").startswith(greeting)


async def test_default_language_setting_applies_when_telegram_gives_none(
    start_assistant: StartAssistant,
) -> None:
    english = await start_assistant(DEFAULT_LANGUAGE="en")
    person = english.person("Sam", language=None)
    assert ((await person.says("/start")).text or "").startswith("Hello")


async def test_a_chosen_language_is_remembered(assistant: Assistant) -> None:
    mehmet = assistant.person("Mehmet", language="tr")
    offer = await mehmet.says("/language")
    done = await mehmet.press(offer, "English")
    assert "English from now on" in (done.text or "")
    row = await assistant.services.database.fetch_one(
        "SELECT language FROM people WHERE id = ?", (mehmet.id,)
    )
    assert row is not None and row["language"] == "en"
    assert ((await mehmet.says("/start")).text or "").startswith("Hello Mehmet")


async def test_events_are_upcoming_soonest_first_and_paged_in_place(assistant: Assistant) -> None:
    ayse = assistant.person()
    first = await ayse.says("/events")
    text = first.text or ""
    assert "1. Yalın Üretim ve Verimlilik Eğitimi" in text
    assert "19 Ocak 2027 Salı, 09:30" in text
    assert text.index("Yalın Üretim") < text.index("AB Destek Programları")
    assert "(Sayfa 1/3)" in text
    second = await ayse.press(first, "Sonraki ›")
    assert second.message_id == first.message_id  # the same message, edited
    assert "6. Tekstilde Su ve Enerji Verimliliği Atölyesi" in (second.text or "")
    assert "(Sayfa 2/3)" in (second.text or "")
    back = await ayse.press(second, "‹ Önceki")
    assert "(Sayfa 1/3)" in (back.text or "")


async def test_events_can_be_filtered_by_kind(assistant: Assistant) -> None:
    ayse = assistant.person()
    listing = await ayse.says("/events")
    webinars = await ayse.press(listing, "Webinarlar")
    text = webinars.text or ""
    assert "Webinarlar" in text
    assert "AB Destek Programları" in text and "Kilit Etkinleştirici" in text
    assert "Yalın Üretim" not in text
    visits = await ayse.press(webinars, "Çalışma ziyaretleri")
    assert "İtalya" in (visits.text or "") and "İspanya" in (visits.text or "")


async def test_an_event_page_in_turkish_and_english(assistant: Assistant) -> None:
    ayse = assistant.person()
    listing = await ayse.says("/events")
    page = await ayse.press(listing, "1")
    text = page.text or ""
    assert "Yalın Üretim ve Verimlilik Eğitimi" in text
    assert "19 Ocak 2027 Salı, 09:30 – 17:00" in text
    assert "📍 Küme Eğitim Salonu, Ankara" in text
    assert "Kontenjan: 25 kişi · Boş yer: 25" in text
    assert "Son kayıt: 15 Ocak 2027 Cuma, 18:00" in text
    assert "✅ Kayıt ol" in page.buttons
    john = assistant.person("John", language="en")
    english = await john.press(await john.says("/events"), "2")
    text = english.text or ""
    assert "Thursday, 28 January 2027, 14:00 – 16:00" in text
    assert "💻 Online" in text
    assert "Held in Turkish." in text


async def test_a_deep_link_opens_the_event(assistant: Assistant) -> None:
    ayse = assistant.person()
    page = await ayse.says("/start event_b2b-days-2027-04")
    assert "B2B Eşleştirme Günü" in (page.text or "")
    unknown = await ayse.says("/start event_no-such-event")
    assert "artık geçerli değil" in (unknown.text or "")
    odd = await ayse.says("/start <script>")
    assert "Merhaba" in (odd.text or "")


async def test_past_events_are_hidden(start_assistant: StartAssistant, tmp_path: Path) -> None:
    document = catalogue_to_document(load_catalogue(bundled_content_path()))
    past = copy.deepcopy(document["events"][0])
    past.update(
        id="old-training",
        starts_at=(datetime.now(UTC) - timedelta(days=3)).isoformat(),
        ends_at=(datetime.now(UTC) - timedelta(days=3, hours=-2)).isoformat(),
        title={"tr": "Geçmiş Eğitim", "en": "Past Training"},
    )
    past.pop("registration_deadline")
    document["events"].append(past)
    path = tmp_path / "content.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    running = await start_assistant(CONTENT_FILE=str(path))
    person = running.person()
    listing = await person.says("/events")
    assert "Geçmiş Eğitim" not in (listing.text or "")
    closed = await person.says("/start event_old-training")
    assert "artık geçerli değil" not in (closed.text or "")
    assert "Kayıtlar kapandı" in (closed.text or "")
    assert "✅ Kayıt ol" not in closed.buttons


async def test_services_and_a_service_page_with_its_events(assistant: Assistant) -> None:
    ayse = assistant.person()
    services = await ayse.says("/services")
    assert "Kıyaslama (benchmarking)" in (services.text or "")
    page = await ayse.press(services, "1")
    text = page.text or ""
    assert "Kıyaslama (benchmarking)" in text
    assert "Yaklaşan etkinlikler" in text
    assert any("Kıyaslama Çalışması Bilgilendirme" in b for b in page.buttons)
    event = await ayse.press(page, "Kıyaslama Çalışması Bilgilendirme")
    assert "25 Mart 2027" in (event.text or "")


async def test_help_and_the_command_menus(assistant: Assistant) -> None:
    ayse = assistant.person()
    help_text = (await ayse.says("/help")).text or ""
    for command in ("/events", "/services", "/my", "/ask", "/profile", "/privacy", "/language"):
        assert command in help_text
    turkish = assistant.emulator.commands(language_code="tr")
    english = assistant.emulator.commands(language_code="en")
    assert [c["command"] for c in turkish] == [c["command"] for c in english]
    assert {"start", "events", "services", "my", "help"} <= {c["command"] for c in turkish}
    assert dict((c["command"], c["description"]) for c in english)["events"].startswith("Upcoming")
    assert dict((c["command"], c["description"]) for c in turkish)["events"].startswith("Yaklaşan")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("eğitimler ücretli mi", "Eğitimler ücretli mi?"),
        ("EGITIMLER UCRETLI MI", "Eğitimler ücretli mi?"),
        ("is membership free", "Is there a membership fee?"),
    ],
)
async def test_a_typed_question_gets_the_faq_answer(
    assistant: Assistant, question: str, expected: str
) -> None:
    person = assistant.person(language="en" if question.startswith("is ") else "tr")
    reply = await person.says(question)
    assert expected in (reply.text or "")


async def test_an_unknown_question_is_answered_honestly(assistant: Assistant) -> None:
    ayse = assistant.person()
    reply = await ayse.says("bitcoin fiyatı ne kadar")
    assert "bulamadım" in (reply.text or "")
    assert "👥 Sorumu ekibe ilet" in reply.buttons


async def test_did_you_mean_buttons_open_an_answer(assistant: Assistant) -> None:
    ayse = assistant.person()
    answer = assistant.services.answers.ask("eğitim", "tr")
    reply = await ayse.says("eğitim")
    if answer.decision == "suggest":
        assert "emin olamadım" in (reply.text or "")
        suggestions = [b for b in reply.buttons if b.startswith(("❓", "🧰", "📅"))]
        assert 1 <= len(suggestions) <= 3
        opened = await ayse.press(reply, suggestions[0])
        assert opened.text
    else:
        assert reply.text


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (lambda e, u: e.send_sticker(u), "Çıkartmanız için teşekkürler"),
        (lambda e, u: e.send_photo(u, b"\x89PNG fake"), "Bu tür mesajları işleyemiyorum"),
        (lambda e, u: e.send_voice(u), "Sesli mesajları dinleyemiyorum"),
        (lambda e, u: e.send_location(u, 39.9, 32.8), "Bu tür mesajları işleyemiyorum"),
        (lambda e, u: e.send_message(u, "/dance"), "Bu komutu tanımıyorum"),
        (lambda e, u: e.send_message(u, "🙂🙂🙂"), "birkaç kelimeyle"),
        (lambda e, u: e.send_message(u, "...?!"), "birkaç kelimeyle"),
        (lambda e, u: e.send_message(u, "مرحبا كيف حالك"), "yalnızca Türkçe ve İngilizce"),
        (lambda e, u: e.send_message(u, "Привет, как дела"), "yalnızca Türkçe ve İngilizce"),
        (lambda e, u: e.send_message(u, "e\u0301gitim \u200b\u200b ücreti"), ""),
    ],
)
async def test_bad_input_gets_a_short_helpful_reply(
    assistant: Assistant, send: Any, expected: str
) -> None:
    ayse = assistant.person()
    await send(assistant.emulator, ayse.user)
    reply = await assistant.emulator.wait_for_bot_message(ayse.id)
    assert expected in (reply.text or "")


async def test_a_4000_character_message_is_answered_from_its_start(assistant: Assistant) -> None:
    ayse = assistant.person()
    long_text = "eğitimler ücretli mi " + "lütfen " * 570
    assert len(long_text) > 4000
    await assistant.emulator.send_message(ayse.user, long_text[:4000])
    first = await assistant.emulator.wait_for_bot_message(ayse.id)
    assert "ilk kısmına göre" in (first.text or "")
    second = await assistant.emulator.wait_for_bot_message(ayse.id, after=first)
    assert second.text


@pytest.mark.parametrize(
    "data",
    [
        "ev:s:no-such-event",
        "sv:s:nothing",
        "qa:f:missing",
        "garbage",
        "ev:l:x:1",
        "rg:cx:999999",
        "💥",
    ],
)
async def test_stale_or_forged_buttons_get_a_polite_answer(assistant: Assistant, data: str) -> None:
    ayse = assistant.person()
    menu = await ayse.says("/start")
    query = await assistant.emulator.press_callback(ayse.user, menu, data)
    answer = await assistant.emulator.wait_for_callback_answer(query)
    await assistant.emulator.wait_idle()
    shown = ayse.last()
    polite = "artık geçerli değil"
    assert polite in (answer.text or "") or polite in (shown.text or "")
    assert "Traceback" not in (shown.text or "")


async def test_an_error_in_a_handler_is_logged_and_the_person_gets_an_apology(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from handlers import services

    async def broken(*args: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "show_service", broken)
    ayse = assistant.person()
    page = await ayse.says("/services")
    query = await assistant.emulator.press_callback(ayse.user, page, "sv:s:benchmarking")
    # The press is answered once, with the apology as an alert.
    apology = await assistant.emulator.wait_for_callback_answer(query)
    assert apology.show_alert and "ters gitti" in (apology.text or "")
    assert "Traceback" not in (apology.text or "")
    assert "database on fire" in caplog.text
    # The bot keeps working.
    assert "Merhaba" in ((await ayse.says("/start")).text or "")


async def test_an_apology_for_a_message_leads_back_to_the_menu(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import services

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "show", broken)
    ayse = assistant.person()
    apology = await ayse.says("/services")
    assert "ters gitti" in (apology.text or "")
    assert "Traceback" not in (apology.text or "")
    # One tap back to the menu, rather than a command to remember.
    menu = await ayse.press(apology, "🏠 Ana menü")
    assert "ne yapmak istersiniz?" in (menu.text or "")


async def test_group_chatter_is_not_treated_as_questions(assistant: Assistant) -> None:
    group = assistant.emulator.create_group("Random group")
    someone = User(id=880001, first_name="Ali")
    await assistant.emulator.send_message(someone, "eğitimler ücretli mi", chat_id=group.id)
    await assistant.emulator.wait_idle()
    assert assistant.emulator.bot_messages(group.id) == []
