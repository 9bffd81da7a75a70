"""Surveys: sent to their audience through the outbox, answered one question at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.devtools.emulator import Message
from bot.domain import surveys
from storage.content import ContentError, catalogue_to_document, parse_catalogue
from storage.seeding import SeedRegistration, add_registrations
from tests.conftest import Assistant, Cli, Person, StartAssistant


async def started(assistant: Assistant, name: str, language: str | None = "tr") -> Person:
    """Return a person who has started the assistant."""
    person = assistant.person(name, language=language)
    await assistant.services.people.seen(person.id, language)
    return person


async def send(assistant: Assistant, survey_id: str) -> int:
    """Send a demo survey as staff would; return the round's id."""
    survey = assistant.services.catalogue.survey(survey_id)
    assert survey is not None
    launched, _ = await surveys.send(
        assistant.services.surveys, survey, datetime.now(UTC), timedelta(days=3)
    )
    return launched.id


async def invitation(person: Person, title: str) -> Message:
    return await person.emulator.wait_for_bot_message(person.id, contains=title, timeout=10)


async def test_a_member_answers_the_needs_analysis_and_it_stays_anonymous(
    assistant: Assistant,
) -> None:
    ayse = await started(assistant, "Ayşe")
    round_id = await send(assistant, "needs-2027")

    invited = await invitation(ayse, "İhtiyaç analizi 2027")
    assert "🔒 Anket anonimdir" in (invited.text or "")
    # One question depends on an earlier answer: everywhere it reads "5–6", one way.
    assert "5–6 soru" in (invited.text or "")
    listing = await ayse.says("/surveys")
    assert "İhtiyaç analizi 2027 — 5–6 soru" in (listing.text or "")
    step = await ayse.press(invited, "Ankete başla")
    assert "Hizmetler" in (step.text or "") and "soru 1/5–6" in (step.text or "")
    step = await ayse.press(step, "Kıyaslama")
    assert "✅ Kıyaslama" in step.buttons
    step = await ayse.press(step, "Yalın üretim")
    step = await ayse.press(step, "Tamam")
    assert "Çalışanlarınız için" in (step.text or "")
    step = await ayse.press(step, "Evet")
    # The condition holds: the training topic is asked, and counted.
    assert "Hangi konuda" in (step.text or "") and "soru 3/6" in (step.text or "")
    step = await ayse.says("Yalın üretim ve 5S")
    assert "önerme olasılığınız" in (step.text or "")
    assert step.buttons[:11] == [str(point) for point in range(11)]
    step = await ayse.press(step, "9")
    assert "yüzde kaçı" in (step.text or "")
    step = await ayse.says("yüzde on iki")
    assert "Lütfen bir sayı yazın" in (step.text or "")
    step = await ayse.says("%12,5")
    assert "başka neler" in (step.text or "")
    step = await ayse.press(step, "Atla")
    review = step.text or ""
    assert "yanıtlarınız" in review
    assert "Kıyaslama, Yalın üretim" in review and "%12,5" in review and "→ 9" in review
    assert "yanıtlanmadı" in review  # the skipped wish
    done = await ayse.press(step, "Gönder")
    assert "Teşekkür ederiz" in (done.text or "")

    [response] = await assistant.fetch("SELECT * FROM survey_responses")
    assert (response["person_id"], response["company_id"], response["submitted_at"]) == (
        None,
        None,
        None,
    )
    stored = await assistant.fetch(
        "SELECT question, value, number FROM survey_answers ORDER BY question"
    )
    assert {row["question"]: row["value"] for row in stored} == {
        "export_share": "12.5",
        "satisfaction": "9",
        "services": '["benchmarking","lean"]',
        "training_need": '"yes"',
        "training_topic": '"Yalın üretim ve 5S"',
    }
    assert await assistant.fetch("SELECT person_id FROM survey_finishers") == [
        {"person_id": ayse.id}
    ]
    # Nothing joins the finisher to the answers: the response's id is random, not a sequence.
    assert not str(response["id"]).isdigit() and len(str(response["id"])) == 24
    assert await assistant.fetch("SELECT * FROM survey_drafts") == []
    assert round_id == response["round_id"]


async def test_a_skipped_conditional_question_leaves_no_gap_in_the_numbers(
    assistant: Assistant,
) -> None:
    ayse = await started(assistant, "Ayşe")
    await send(assistant, "needs-2027")
    step = await ayse.press(await invitation(ayse, "İhtiyaç analizi"), "Ankete başla")
    step = await ayse.press(step, "Dış ticaret desteği")
    step = await ayse.press(step, "Tamam")
    step = await ayse.press(step, "Hayır")  # the training topic is not asked
    assert (
        "soru 3/5" in (step.text or "")
        and "–" not in (step.text or "")
        and "önerme olasılığınız" in (step.text or "")
    )
    step = await ayse.press(step, "8")
    step = await ayse.says("%20")
    review = await ayse.press(step, "Atla")
    assert "<b>5.</b>" in (review.html or "") and "<b>6.</b>" not in (review.html or "")
    assert [b for b in review.buttons if b.startswith("✏️")] == [f"✏️ {n}" for n in range(1, 6)]
    done = await ayse.press(review, "Gönder")
    assert "Teşekkür ederiz" in (done.text or "")
    assert {"📝 Açık anketler", "🏠 Ana menü"} <= set(done.buttons)
    listing = await ayse.press(done, "📝 Açık anketler")
    assert "yanıtladınız" in (listing.text or "")


async def test_a_member_stops_and_continues_exactly_where_she_was_after_a_restart(
    start_assistant: StartAssistant,
) -> None:
    assistant = await start_assistant()
    ayse = await started(assistant, "Ayşe")
    await send(assistant, "needs-2027")
    step = await ayse.press(await invitation(ayse, "İhtiyaç analizi"), "Ankete başla")
    step = await ayse.press(step, "Dış ticaret desteği")
    step = await ayse.press(step, "Tamam")
    step = await ayse.press(step, "Hayır")
    assert "önerme olasılığınız" in (step.text or "")
    await ayse.says("/events")  # another command closes the form; the draft stays

    await assistant.application.stop()
    await assistant.application.shutdown()
    again = await start_assistant()
    listing = await ayse.says("/surveys")
    assert "yarım kaldı" in (listing.text or "")
    step = await ayse.press(listing, "İhtiyaç analizi 2027")
    assert "önerme olasılığınız" in (step.text or "")
    step = await ayse.press(step, "‹ Geri")
    assert "Çalışanlarınız için" in (step.text or "")
    assert "Şu anki yanıtınız: <b>Hayır</b>" in (step.html or "")
    assert again is not None


async def test_surveys_lists_only_what_is_open_to_the_person(assistant: Assistant) -> None:
    ayse = await started(assistant, "Ayşe")
    empty = await ayse.says("/surveys")
    assert "açık bir anket yok" in (empty.text or "")
    await send(assistant, "needs-2027")
    await send(assistant, "benchmark-2027")  # for member companies: Ayşe has none
    listing = await ayse.says("/surveys")
    assert "İhtiyaç analizi 2027" in (listing.text or "")
    assert "Kıyaslama 2027" not in (listing.text or "")


def test_survey_send_from_the_command_line_queues_invitations(cli: Cli) -> None:
    sent = cli("survey", "send", "needs-2027")
    assert sent.returncode == 0, sent.stderr
    assert "round 1" in sent.stdout
    unknown = cli("survey", "send", "nope")
    assert unknown.returncode == 2
    assert "no survey 'nope'" in unknown.stderr and "needs-2027" in unknown.stderr
    listed = cli("survey", "list")
    assert "needs-2027\topen\tround 1: 0/0 finished" in listed.stdout


def _document_with(**changes: object) -> dict[str, object]:
    from storage.content import bundled_content_path, load_catalogue

    document = catalogue_to_document(load_catalogue(bundled_content_path()))
    survey = document["surveys"][0]
    survey.update(changes)
    return document


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (
            {"questions": [{"id": "a", "type": "text", "text": {"tr": "a", "en": "a"}}] * 2},
            "questions[a].id",
            "is used twice",
        ),
        (
            {
                "questions": [
                    {"id": "a", "type": "text", "text": {"tr": "a", "en": "a"}},
                    {
                        "id": "b",
                        "type": "text",
                        "text": {"tr": "b", "en": "b"},
                        "when": {"question": "zzz", "is": "yes"},
                    },
                ]
            },
            "questions[b].when.question",
            "must name an earlier question",
        ),
        (
            {
                "questions": [
                    {"id": "a", "type": "yes_no", "text": {"tr": "a", "en": "a"}},
                    {
                        "id": "b",
                        "type": "text",
                        "text": {"tr": "b", "en": "b"},
                        "when": {"question": "a", "is": "maybe"},
                    },
                ]
            },
            "questions[b].when.is",
            "'maybe' is not an answer of a",
        ),
        (
            {"questions": [{"id": "a", "type": "scale", "max": 7, "text": {"tr": "a", "en": "a"}}]},
            "questions[a].max",
            "a scale runs 1 to 5 or 0 to 10",
        ),
    ],
)
def test_a_broken_survey_definition_names_the_survey_question_and_field(
    change: dict[str, object], field: str, problem: str
) -> None:
    with pytest.raises(ContentError) as raised:
        parse_catalogue(_document_with(**change), "content.yaml")
    assert raised.value.entry == "surveys:needs-2027"
    assert raised.value.field_name == field
    assert problem in raised.value.problem


async def test_a_follow_up_survey_goes_to_a_training_s_attendees_ninety_days_later(
    assistant: Assistant,
) -> None:
    came, missed = await started(assistant, "Ayşe"), await started(assistant, "Mehmet")
    await assistant.add_event(
        "old-training", starts_in=-timedelta(days=90, hours=3), hours=2, kind="training"
    )
    seen = datetime.now(UTC).isoformat()
    await add_registrations(
        assistant.services.database,
        [
            SeedRegistration("old-training", came.id, None, None, "confirmed", seen, 1, seen, None),
            SeedRegistration(
                "old-training", missed.id, None, None, "confirmed", seen, 0, None, None
            ),
        ],
    )
    services = assistant.services
    now = datetime.now(UTC)
    sent = await surveys.send_follow_ups(
        services.surveys, services.catalogue.surveys, now, timedelta(days=3)
    )
    assert sent == 1
    invited = await invitation(came, "Eğitimin etkisi")
    step = await came.press(invited, "Ankete başla")
    assert "uyguladınız mı?" in (step.text or "")
    # The next look finds the round: nobody is asked twice.
    again = await surveys.send_follow_ups(
        services.surveys, services.catalogue.surveys, now, timedelta(days=3)
    )
    assert again == 0
    [round_] = await assistant.fetch("SELECT * FROM survey_rounds WHERE event_id = 'old-training'")
    assert round_["survey_id"] == "training-impact" and round_["invited"] == 1
    assert "Eğitimin etkisi" not in " ".join(missed.texts())
    # Only those who came see it among their surveys.
    listing = await missed.says("/surveys")
    assert "Eğitimin etkisi" not in (listing.text or "")
    mine = await came.says("/surveys")
    assert "Eğitimin etkisi" in (mine.text or "")


async def test_a_closed_survey_and_a_forged_button_get_a_polite_answer(
    assistant: Assistant,
) -> None:
    ayse = await started(assistant, "Ayşe")
    round_id = await send(assistant, "needs-2027")
    invited = await invitation(ayse, "İhtiyaç analizi 2027")
    step = await ayse.press(invited, "Ankete başla")
    step = await ayse.press(step, "Kıyaslama")
    # The round closes while she is answering: her next answer is told so, nothing breaks.
    await assistant.services.database.execute(
        "UPDATE survey_rounds SET closes_at = '2000-01-01T00:00:00+00:00' WHERE id = ?",
        (round_id,),
    )
    closed = await ayse.press(step, "Tamam")
    assert "kapandı" in (closed.text or "")
    listing = await ayse.says("/surveys")
    assert "açık bir anket yok" in (listing.text or "")
    # A forged button (a round that never was) on a fresh invitation: a polite answer.
    await send(assistant, "needs-2027")
    fresh = await invitation(ayse, "İhtiyaç analizi 2027")
    await ayse.emulator.press_callback(ayse.user, fresh, "su:o:999999")
    await ayse.emulator.wait_idle()
    assert "Bu artık geçerli değil" in (ayse.last().text or "")


def test_surveys_import_on_their_own_and_a_broken_one_names_the_place(
    cli: Cli, tmp_path: Path
) -> None:
    good = tmp_path / "surveys.yaml"
    good.write_text(
        "surveys:\n"
        "  - id: quick-poll\n"
        "    title: {tr: Kısa anket, en: Quick poll}\n"
        "    intro: {tr: Bir soru., en: One question.}\n"
        "    questions:\n"
        "      - {id: happy, type: scale, text: {tr: 'Memnun musunuz?', en: 'Are you happy?'}}\n",
        encoding="utf-8",
    )
    done = cli("survey", "import", str(good))
    assert done.returncode == 0, done.stderr
    assert "survey:quick-poll" in done.stdout
    assert "quick-poll\topen\tnever sent" in cli("survey", "list").stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        good.read_text(encoding="utf-8").replace("type: scale", "type: scale, max: 7"),
        encoding="utf-8",
    )
    failed = cli("survey", "import", str(broken))
    assert failed.returncode == 2
    assert "surveys:quick-poll: questions[happy].max: a scale runs 1 to 5 or 0 to 10" in (
        failed.stderr
    )
