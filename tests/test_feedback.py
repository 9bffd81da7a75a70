"""The post-event feedback on the survey engine: the outbox's message is the invitation, a
rating counts at once, the two questions follow, and every report reads the same `feedback`.

Events end in the test's future: the outbox runs on a clock the test moves
(tests/outbox_clock.py), so the post-event message goes out when the test says so.
"""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.devtools.emulator import Message
from storage.catalogue import parse_utc
from storage.content import (
    ContentError,
    Event,
    bundled_content_path,
    bundled_feedback_survey,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
    survey_to_document,
)
from storage.feedback import FeedbackRepository
from storage.registrations import Registration
from tests.conftest import Assistant, Cli, Person, StartAssistant
from tests.outbox_clock import FakeClock, outbox_on
from tests.test_reminders import DAY, publish_event, sign_up
from tests.test_survey_results import staff


async def asked(assistant: Assistant, event: Event, *people: Person) -> list[Registration]:
    """Sign the people up, let the event end and the outbox send its feedback message."""
    registrations = [await sign_up(assistant, person, event) for person in people]
    clock = FakeClock()
    outbox = outbox_on(assistant, clock)
    clock.set(event.ends_at + timedelta(hours=2))
    await outbox.drain()
    return registrations


def invitation(person: Person) -> Message:
    """Return the post-event message the person got."""
    [message] = [m for m in person.emulator.bot_messages(person.id) if m.buttons[:1] == ["1"]]
    assert "nasıl buldunuz" in (message.text or "") or "How was the event" in (message.text or "")
    assert message.buttons == ["1", "2", "3", "4", "5"]
    return message


async def feedback_rows(assistant: Assistant) -> list[dict[str, Any]]:
    """Return what the reports read: the `feedback` view."""
    return await assistant.fetch(
        "SELECT registration_id, event_id, rating, comment, next_wish FROM feedback "
        "ORDER BY registration_id"
    )


async def started(start_assistant: StartAssistant) -> Assistant:
    return await start_assistant(FEEDBACK_DELAY="2h")


async def test_a_rating_counts_at_once_and_the_two_answers_replace_it(
    start_assistant: StartAssistant,
) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "done", starts_in=DAY, lasts=3600)
    ayse = assistant.person("Ayşe")
    [registration] = await asked(assistant, event, ayse)

    message = invitation(ayse)
    step = await ayse.press(message, "4")
    assert "Etkinlikte sizin için en yararlı olan neydi?" in (step.text or "")
    assert "soru 2/3" in (step.text or "") and "Deneme eğitimi done" in (step.text or "")
    assert {"Atla", "‹ Geri"} <= set(step.buttons)
    # The rating counts before anything else is answered: in the view and the survey tables.
    assert await feedback_rows(assistant) == [
        {
            "registration_id": registration.id,
            "event_id": "done",
            "rating": 4,
            "comment": None,
            "next_wish": None,
        }
    ]
    [round_] = await assistant.fetch("SELECT * FROM survey_rounds")
    assert (round_["survey_id"], round_["event_id"], round_["invited"]) == ("feedback", "done", 1)
    assert parse_utc(round_["closes_at"]) == event.ends_at + timedelta(days=30)
    [response] = await assistant.fetch("SELECT * FROM survey_responses")
    assert (response["person_id"], response["registration_id"]) == (ayse.id, registration.id)
    assert await assistant.fetch("SELECT person_id FROM survey_finishers") == [
        {"person_id": ayse.id}
    ]

    step = await ayse.says("Uygulamalı kısım çok faydalıydı <teşekkürler>")
    assert "Bundan sonra ne yapmamızı istersiniz?" in (step.text or "")
    assert "soru 3/3" in (step.text or "")
    back = await ayse.press(step, "‹ Geri")
    assert "Uygulamalı kısım çok faydalıydı &lt;teşekkürler&gt;" in (back.html or "")
    step = await ayse.says("Uygulamalı kısım")
    # Stopping here would lose nothing: the words wait in the draft, the rating counts.
    [draft] = await assistant.fetch("SELECT step, answers FROM survey_drafts")
    assert draft["step"] == "q:next" and "Uygulamalı kısım" in draft["answers"]
    thanks = await ayse.says("Yapay zekâ üzerine bir eğitim")
    text = thanks.text or ""
    assert "Teşekkür ederiz" in text and "Uygulamalı kısım" in text
    assert "Yapay zekâ üzerine bir eğitim" in text and "→ 4" in text
    assert thanks.buttons == ["1", "2", "3", "4", "5", "📝 Açık anketler", "🏠 Ana menü"]
    assert await feedback_rows(assistant) == [
        {
            "registration_id": registration.id,
            "event_id": "done",
            "rating": 4,
            "comment": "Uygulamalı kısım",
            "next_wish": "Yapay zekâ üzerine bir eğitim",
        }
    ]
    assert len(await assistant.fetch("SELECT * FROM survey_responses")) == 1
    assert await assistant.fetch("SELECT * FROM survey_drafts") == []

    # Rating again (from the thanks, or an old copy of the message) replaces the whole answer.
    again = await ayse.press(thanks, "2")
    assert "soru 2/3" in (again.text or "")
    [row] = await feedback_rows(assistant)
    assert (row["rating"], row["comment"], row["next_wish"]) == (2, None, None)
    assert len(await assistant.fetch("SELECT * FROM survey_responses")) == 1
    summary = await FeedbackRepository(assistant.services.database).summary("done")
    assert (summary.answers, summary.average, summary.comments) == (1, 2.0, 0)


async def test_both_questions_can_be_skipped(start_assistant: StartAssistant) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "skipped", starts_in=DAY, lasts=3600)
    ayse = assistant.person("Ayşe")
    await asked(assistant, event, ayse)
    step = await ayse.press(invitation(ayse), "3")
    step = await ayse.press(step, "Atla")
    assert "Bundan sonra ne yapmamızı istersiniz?" in (step.text or "")
    thanks = await ayse.press(step, "Atla")
    assert "Teşekkür ederiz" in (thanks.text or "") and "yanıtlanmadı" in (thanks.text or "")
    [row] = await feedback_rows(assistant)
    assert (row["rating"], row["comment"], row["next_wish"]) == (3, None, None)
    after = await ayse.says("etkinlik takvimi nerede")  # the form is closed: not an answer
    assert "soru" not in (after.text or "")
    assert await assistant.fetch("SELECT * FROM forms") == []


async def test_someone_else_s_forged_and_unsent_buttons_change_nothing(
    start_assistant: StartAssistant,
) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "mine", starts_in=DAY, lasts=3600)
    later = await publish_event(assistant, "later", starts_in=10 * DAY, lasts=3600)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    [registration] = await asked(assistant, event, ayse)
    upcoming = await sign_up(assistant, ayse, later)  # its message has not gone out yet
    await mehmet.says("/start")
    for presser, data in (
        (mehmet, f"fb:{registration.id}:5"),  # Ayşe's button, pressed by Mehmet
        (ayse, "fb:999999:5"),  # no such registration
        (ayse, f"fb:{upcoming.id}:5"),  # an event whose feedback was never asked
        (ayse, f"fb:{upcoming.id}:o"),
    ):
        query = await assistant.emulator.press_callback(presser.user, presser.last(), data)
        reply = await assistant.emulator.wait_for_callback_answer(query)
        assert reply.show_alert and "artık geçerli değil" in (reply.text or "")
    assert await feedback_rows(assistant) == []
    assert await assistant.fetch("SELECT * FROM survey_rounds") == []


async def test_an_old_button_after_the_feedback_closed_gets_a_polite_answer(
    start_assistant: StartAssistant,
) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "closing", starts_in=DAY, lasts=3600)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    [registration, _] = await asked(assistant, event, ayse, mehmet)
    step = await ayse.press(invitation(ayse), "5")
    assert "soru 2/3" in (step.text or "")
    # A month later the round has closed: a rating pressed now is not taken.
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds")
    await assistant.services.database.execute("UPDATE survey_rounds SET closes_at = ?", (past,))
    query = await assistant.emulator.press_callback(ayse.user, step, f"fb:{registration.id}:1")
    await assistant.emulator.wait_for_callback_answer(query)
    await assistant.emulator.wait_idle()
    closed = ayse.last()
    assert "kapandı" in (closed.text or "") and "📝 Açık anketler" in closed.buttons
    late = await mehmet.press(invitation(mehmet), "2")
    assert "kapandı" in (late.text or "")
    assert [row["rating"] for row in await feedback_rows(assistant)] == [5]
    # An event that ended more than 30 days ago gets no round at all.
    old = await publish_event(assistant, "long-ago", starts_in=DAY, lasts=3600)
    await asked(assistant, old, mehmet)
    ended = (datetime.now(UTC) - timedelta(days=31)).isoformat(timespec="seconds")
    await assistant.services.database.execute(
        "UPDATE events SET ends_at = ? WHERE id = 'long-ago'", (ended,)
    )
    [message] = [m for m in mehmet.emulator.bot_messages(mehmet.id) if "long-ago" in (m.text or "")]
    assert "kapandı" in ((await mehmet.press(message, "4")).text or "")
    assert len(await assistant.fetch("SELECT * FROM survey_rounds")) == 1


async def test_erasure_keeps_the_rating_and_drops_the_words(
    start_assistant: StartAssistant,
) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "private", starts_in=DAY, lasts=3600)
    ayse = assistant.person("Ayşe")
    [registration] = await asked(assistant, event, ayse)
    await ayse.press(invitation(ayse), "5")
    await ayse.says("Harikaydı")
    await ayse.says("Daha çok atölye")

    exported = await assistant.services.people.personal_data(ayse.id)
    [given] = exported["feedback"]
    assert (given["rating"], given["comment"], given["next_wish"]) == (
        5,
        "Harikaydı",
        "Daha çok atölye",
    )

    await assistant.services.people.erase(ayse.id)
    assert await feedback_rows(assistant) == [
        {
            "registration_id": registration.id,
            "event_id": "private",
            "rating": 5,
            "comment": None,
            "next_wish": None,
        }
    ]
    [response] = await assistant.fetch("SELECT person_id, registration_id FROM survey_responses")
    assert response == {"person_id": None, "registration_id": registration.id}
    assert await assistant.fetch("SELECT question FROM survey_answers") == [{"question": "rating"}]
    [kept] = await assistant.fetch(
        "SELECT person_id, pseudonym FROM registrations WHERE id = ?", registration.id
    )
    assert kept["person_id"] is None and kept["pseudonym"]
    # The round still counts her: one invited, one answered.
    tally = await assistant.services.surveys.tally(
        (await assistant.fetch("SELECT id FROM survey_rounds"))[0]["id"]
    )
    assert (tally.invited, tally.finished) == (1, 1)


async def test_surveys_lists_each_event_s_feedback_and_opens_it_at_the_rating(
    start_assistant: StartAssistant,
) -> None:
    assistant = await started(start_assistant)
    first = await publish_event(assistant, "first", starts_in=DAY, lasts=3600)
    second = await publish_event(assistant, "second", starts_in=2 * DAY, lasts=3600)
    ayse = assistant.person("Ayşe")
    await sign_up(assistant, ayse, first)
    await asked(assistant, second, ayse)  # both events ended; both messages went out
    listing = await ayse.says("/surveys")
    text = listing.text or ""
    assert "Etkinlik değerlendirmesi: Deneme eğitimi first" in text
    assert "Etkinlik değerlendirmesi: Deneme eğitimi second" in text
    assert "📝 Deneme eğitimi first" in listing.buttons
    assert "📝 Deneme eğitimi second" in listing.buttons

    step = await ayse.press(listing, "📝 Deneme eğitimi first")
    assert "Bu etkinliği nasıl buldunuz?" in (step.text or "") and "soru 1/3" in (step.text or "")
    assert "Deneme eğitimi first" in (step.text or "")
    assert await feedback_rows(assistant) == []  # opening answers nothing
    step = await ayse.press(step, "5")
    assert "soru 2/3" in (step.text or "")
    # The rating counted at once here too, for that event alone.
    assert [(row["event_id"], row["rating"]) for row in await feedback_rows(assistant)] == [
        ("first", 5)
    ]
    listing = await ayse.says("/surveys")
    lines = (listing.text or "").splitlines()
    assert any("first" in line and "yarım kaldı" in line for line in lines)
    assert any("second" in line and "3 soru" in line for line in lines)
    step = await ayse.press(listing, "📝 Deneme eğitimi first")
    assert "soru 2/3" in (step.text or "")  # where she stopped
    await ayse.press(step, "Atla")
    thanks = await ayse.press(ayse.last(), "Atla")
    listing = await ayse.press(thanks, "📝 Açık anketler")
    lines = (listing.text or "").splitlines()
    assert any("first" in line and "yanıtladınız" in line for line in lines)
    assert "📝 Deneme eğitimi first" not in listing.buttons


async def test_staff_see_an_event_s_feedback_results_and_export_them(
    start_assistant: StartAssistant,
) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "rated", starts_in=DAY, lasts=3600)
    people = [assistant.person(name) for name in ("Ayşe", "Mehmet", "Zeynep", "Can")]
    await asked(assistant, event, *people)
    for person, rating, useful in (
        (people[0], "5", "Örnek uygulamalar"),
        (people[1], "4", None),
        (people[2], "5", "Soru-cevap bölümü"),
    ):
        step = await person.press(invitation(person), rating)
        step = await (person.says(useful) if useful else person.press(step, "Atla"))
        await person.press(step, "Atla")

    elif_ = staff(assistant)
    listing = await elif_.says("/survey")
    assert "Etkinlik değerlendirmesi" in (listing.text or "")
    assert "son etkinlik Deneme eğitimi rated" in (listing.text or "")
    page = await elif_.press(listing, "📋 Etkinlik değerlendirmesi")
    assert "3/4 yanıt (%75)" in (page.text or "")
    assert "🚀 Yeni tur gönder" not in page.buttons  # the outbox's message is the invitation
    [event_button] = [b for b in page.buttons if b.startswith("📅 Deneme eğitimi rated")]
    results = await elif_.press(page, event_button)
    text = results.text or ""
    assert "Deneme eğitimi rated" in text and "3/4 tamamladı (yanıt oranı %75)" in text
    assert "5: 2" in text and "4: 1" in text and "1: 0" in text
    texts = await elif_.press(results, "💬 Açık uçlu yanıtlar")
    assert "• Örnek uygulamalar" in (texts.text or "")
    assert "• Soru-cevap bölümü" in (texts.text or "")

    await elif_.emulator.press_button(elif_.user, texts, "📥 Excel")
    sent = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert sent.document is not None
    assert sent.document.filename.startswith("Etkinlik değerlendirmesi - Deneme eğitimi rated · ")
    workbook = openpyxl.load_workbook(io.BytesIO(sent.document.content))
    summary, raw = workbook["Özet"], workbook["Yanıtlar"]
    assert "Deneme eğitimi rated" in str(summary["A2"].value)
    assert raw.max_row == 4  # a header and the three answers


def _with_feedback(**changes: Any) -> dict[str, Any]:
    """Return the demo content with its own feedback survey (the bundled one, changed)."""
    document = catalogue_to_document(load_catalogue(bundled_content_path()))
    own = survey_to_document(bundled_feedback_survey(), ZoneInfo("Europe/Istanbul"))
    own.update(title={"tr": "Eğitim değerlendirmesi", "en": "Training feedback"}, **changes)
    document["surveys"].append(own)
    return document


def test_a_cluster_s_own_feedback_survey_replaces_the_bundled_one() -> None:
    catalogue = parse_catalogue(_with_feedback(), "content.yaml")
    [feedback] = [survey for survey in catalogue.surveys if survey.id == "feedback"]
    assert feedback.title.tr == "Eğitim değerlendirmesi" and not feedback.bundled
    assert not feedback.review  # the short survey submits with its last answer
    bundled = parse_catalogue(catalogue_to_document(catalogue), "again.yaml").survey("feedback")
    assert bundled is not None and not bundled.bundled  # exported with the content, as written


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (
            {"questions": [{"id": "useful", "type": "long_text", "text": {"tr": "a", "en": "a"}}]},
            "questions[rating]",
            "needs a rating question",
        ),
        (
            {
                "questions": [
                    {
                        "id": "rating",
                        "type": "scale",
                        "max": 10,
                        "min": 0,
                        "text": {"tr": "a", "en": "a"},
                    }
                ]
            },
            "questions[rating].type",
            "must be a scale from 1 to 5",
        ),
        (
            {
                "questions": [
                    {
                        "id": "rating",
                        "type": "choice",
                        "text": {"tr": "a", "en": "a"},
                        "choices": [
                            {"id": "good", "label": {"tr": "İyi", "en": "Good"}},
                            {"id": "bad", "label": {"tr": "Kötü", "en": "Bad"}},
                        ],
                    }
                ]
            },
            "questions[rating].type",
            "must be a scale from 1 to 5",
        ),
        ({"anonymous": True}, "per", "per person and not anonymous"),
    ],
)
def test_a_feedback_survey_without_its_rating_is_a_content_error(
    change: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(ContentError) as raised:
        parse_catalogue(_with_feedback(**change), "content.yaml")
    assert raised.value.entry == "surveys:feedback"
    assert raised.value.field_name == field
    assert problem in raised.value.problem


def test_the_feedback_is_never_sent_to_an_audience(cli: Cli) -> None:
    refused = cli("survey", "send", "feedback")
    assert refused.returncode == 2
    assert "asked after each event" in refused.stderr


async def test_two_first_answers_at_once_make_one_round(start_assistant: StartAssistant) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "together", starts_in=DAY, lasts=3600)
    survey = assistant.services.catalogue.survey("feedback")
    assert survey is not None
    surveys = assistant.services.surveys
    first, second = await asyncio.gather(
        surveys.event_round(survey, event.id), surveys.event_round(survey, event.id)
    )
    assert first == second
    assert len(await assistant.fetch("SELECT * FROM survey_rounds")) == 1


async def test_an_old_finish_without_a_comment_button_closes_the_feedback_politely(
    start_assistant: StartAssistant,
) -> None:
    # Messages from before the feedback moved onto the survey engine carry "fb:<id>:s".
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "older", starts_in=DAY, lasts=3600)
    ayse = assistant.person("Ayşe")
    [registration] = await asked(assistant, event, ayse)
    message = invitation(ayse)
    query = await assistant.emulator.press_callback(ayse.user, message, f"fb:{registration.id}:s")
    reply = await assistant.emulator.wait_for_callback_answer(query)
    assert reply.show_alert and "artık geçerli değil" in (reply.text or "")  # nothing rated yet
    step = await ayse.press(message, "4")
    await assistant.emulator.press_callback(ayse.user, step, f"fb:{registration.id}:s")
    await assistant.emulator.wait_idle()
    assert "Teşekkür ederiz" in (ayse.last().text or "")
    assert await assistant.fetch("SELECT * FROM forms") == []
    assert [row["rating"] for row in await feedback_rows(assistant)] == [4]


async def test_an_english_member_gives_feedback_in_english(
    start_assistant: StartAssistant,
) -> None:
    assistant = await started(start_assistant)
    event = await publish_event(assistant, "english", starts_in=DAY, lasts=3600)
    sam = assistant.person("Sam", language="en")
    await asked(assistant, event, sam)
    step = await sam.press(invitation(sam), "5")
    assert "What was most useful to you at the event?" in (step.text or "")
    assert "question 2/3" in (step.text or "") and "Test training english" in (step.text or "")
    step = await sam.press(step, "Skip")
    thanks = await sam.says("A B2B day, please")
    assert "Thank you!" in (thanks.text or "") and "A B2B day, please" in (thanks.text or "")
    assert "📝 Open surveys" in thanks.buttons
    [row] = await feedback_rows(assistant)
    assert (row["rating"], row["comment"], row["next_wish"]) == (5, None, "A B2B day, please")
