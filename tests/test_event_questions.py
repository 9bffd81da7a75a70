"""An event's own registration questions: asked after the profile, reviewed, kept, shown."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest

from bot.devtools.emulator import Message
from bot.domain.questions import question_step
from storage.content import (
    ContentError,
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
)
from tests.conftest import Assistant, Person
from tests.test_exports import download
from tests.test_signup import fill_profile, open_event
from tests.test_staff_events import open_staff_event, staff_member

TRAINING = "export-training-2027-03"
TITLE = "İhracata İlk Adım: Uluslararasılaşma Stratejisi"

QUESTIONS: list[dict[str, Any]] = [
    {
        "id": "topic",
        "type": "choice",
        "text": {"tr": "Hangi konu sizin için en önemli?", "en": "Which topic matters most?"},
        "choices": [
            {"id": "5s", "label": {"tr": "5S", "en": "5S"}},
            {"id": "smed", "label": {"tr": "SMED", "en": "SMED"}},
        ],
    },
    {
        "id": "people",
        "type": "number",
        "min": 1,
        "max": 5,
        "text": {"tr": "Firmanızdan kaç kişi?", "en": "How many from your company?"},
    },
    {
        "id": "note",
        "type": "text",
        "optional": True,
        "text": {"tr": "Eklemek istediğiniz bir not?", "en": "Anything to add?"},
    },
]


async def answer_training(person: Person, first: Message) -> Message:
    """Answer the demo training's questions: markets, exporting, lunch, product; skip hopes."""
    assert "soru 1/5" in (first.text or "")
    toggled = await person.press(first, "Avrupa Birliği")
    assert "✅ Avrupa Birliği" in toggled.buttons
    toggled = await person.press(toggled, "Amerika")
    exporting = await person.press(toggled, "Tamam")
    assert "ihracat yapıyor mu" in (exporting.text or "")
    lunch = await person.press(exporting, "Düzenli olarak")
    product = await person.press(lunch, "Evet")
    assert "İsteğe bağlı" in (product.text or "")
    hopes = await person.says("tekstil makinesi")
    return await person.press(hopes, "Atla")


@pytest.mark.usefixtures("unpaced")
async def test_questions_after_the_profile_review_change_and_send(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, TRAINING), "Kayıt ol")
    first = await fill_profile(ayse, consent)
    review = await answer_training(ayse, first)
    text = review.text or ""
    assert "yanıtlarınız" in text
    assert "Avrupa Birliği, Amerika" in text and "Düzenli olarak" in text
    assert "tekstil makinesi" in text and "Evet" in text
    # Nothing is registered before "send".
    assert not await assistant.fetch("SELECT id FROM registrations WHERE person_id = ?", ayse.id)

    # Changing the third answer comes back to the review.
    lunch = await ayse.press(review, "3. yanıtı değiştir")
    assert "Şu anki yanıtınız: <b>Evet</b>" in (lunch.html or lunch.text or "") or (
        "Şu anki yanıtınız: Evet" in (lunch.text or "")
    )
    review = await ayse.press(lunch, "Hayır")
    assert "yanıtlarınız" in (review.text or "")
    confirmation = await ayse.press(review, "Gönder")
    assert "Kaydınız onaylandı" in (confirmation.text or "")

    rows = await assistant.fetch(
        "SELECT question_id, value FROM event_answers WHERE person_id = ? ORDER BY question_id",
        ayse.id,
    )
    assert {row["question_id"]: json.loads(row["value"]) for row in rows} == {
        "products": "tekstil makinesi",
        "exporting": "regular",
        "lunch": "no",
        "markets": ["eu", "americas"],
    }
    await assistant.emulator.wait_idle()
    mine = await ayse.says("/my")
    # /my stays short: the answers are on the registration's own page.
    assert "Avrupa Birliği, Amerika" not in (mine.text or "")
    page = await ayse.press(mine, "1")
    assert "Yanıtlarınız" in (page.text or "") and "Avrupa Birliği, Amerika" in (page.text or "")


@pytest.mark.usefixtures("unpaced")
async def test_a_registered_person_changes_their_answers_from_the_event_page(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, TRAINING), "Kayıt ol")
    review = await answer_training(ayse, await fill_profile(ayse, consent))
    confirmation = await ayse.press(review, "Gönder")
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    await assistant.emulator.wait_idle()

    page = await open_event(ayse, TRAINING)
    assert "✏️ Yanıtlarımı değiştir" in page.buttons
    review = await ayse.press(page, "✏️ Yanıtlarımı değiştir")
    text = review.text or ""
    assert "Avrupa Birliği, Amerika" in text and "Etkinlik başlayana kadar" in text
    assert review.buttons[0] == "✅ Değişiklikleri kaydet"
    lunch = await ayse.press(review, "3. yanıtı değiştir")
    review = await ayse.press(lunch, "Hayır")
    # Nothing changes before saving.
    (kept,) = await assistant.fetch(
        "SELECT value FROM event_answers WHERE person_id = ? AND question_id = 'lunch'", ayse.id
    )
    assert json.loads(kept["value"]) == "yes"
    saved = await ayse.press(review, "✅ Değişiklikleri kaydet")
    assert "yanıtlarınız güncellendi" in (saved.text or "")
    rows = await assistant.fetch(
        "SELECT question_id, value FROM event_answers WHERE person_id = ? ORDER BY question_id",
        ayse.id,
    )
    assert {row["question_id"]: json.loads(row["value"]) for row in rows} == {
        "products": "tekstil makinesi",
        "exporting": "regular",
        "lunch": "no",
        "markets": ["eu", "americas"],
    }
    # Still one registration, not a second sign-up.
    registrations = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registrations == [{"status": "confirmed"}]

    # Once the event has started, the answers stay as they are, even with an old button.
    services = assistant.services
    document = catalogue_to_document(services.catalogue)
    (event,) = [item for item in document["events"] if item["id"] == TRAINING]
    event["starts_at"] = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    event.pop("registration_deadline", None)
    await services.catalogue_store.import_catalogue(parse_catalogue(document, "test"))
    await services.reload_catalogue()
    query = await ayse.emulator.press_callback(ayse.user, saved, f"rg:qa:{TRAINING}")
    await ayse.emulator.wait_for_callback_answer(query)
    await assistant.emulator.wait_idle()
    assert "artık değiştiremezsiniz" in (ayse.last().text or "")
    assert not await assistant.fetch("SELECT 1 FROM forms WHERE person_id = ?", ayse.id)


@pytest.mark.usefixtures("unpaced")
async def test_wrong_answers_are_asked_again_and_numbers_keep_their_range(
    assistant: Assistant,
) -> None:
    await assistant.add_event("asks", capacity=5, questions=copy.deepcopy(QUESTIONS))
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "asks"), "Kayıt ol")
    topic = await fill_profile(ayse, consent)
    assert "Hangi konu" in (topic.text or "")
    again = await ayse.says("5S")  # typed where a button is due
    assert "düğmelerle" in (again.text or "")
    people = await ayse.press(again, "SMED")
    assert "(1–5)" in (people.text or "")
    too_many = await ayse.says("12")
    assert "1 ile 5 arasında" in (too_many.text or "")
    not_number = await ayse.says("birkaç kişi")
    assert "sayı yazın" in (not_number.text or "")
    back = await ayse.press(not_number, "Geri")
    assert "Hangi konu" in (back.text or "")
    people = await ayse.press(back, "5S")
    note = await ayse.says("2")
    review = await ayse.press(note, "Atla")
    assert "➜ –" in (review.text or "")  # the skipped note
    confirmation = await ayse.press(review, "Gönder")
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    rows = await assistant.fetch(
        "SELECT question_id, value FROM event_answers WHERE person_id = ?", ayse.id
    )
    assert {row["question_id"]: json.loads(row["value"]) for row in rows} == {
        "topic": "5s",
        "people": 2,
    }
    # A second tap on "sign up" finds the registration: nothing is asked again.
    page = await open_event(ayse, "asks")
    assert not any("Kayıt ol" in button for button in page.buttons)


@pytest.mark.usefixtures("unpaced")
async def test_staff_see_answers_in_the_list_the_exports_and_a_summary(
    assistant: Assistant,
) -> None:
    for name in ("Ayşe", "Mehmet"):
        person = assistant.person(name)
        consent = await person.press(await open_event(person, TRAINING), "Kayıt ol")
        review = await answer_training(person, await fill_profile(person, consent))
        await person.press(review, "Gönder")
    await assistant.emulator.wait_idle()
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, TITLE)
    summary = await elif_.press(page, "Yanıt özeti")
    text = summary.text or ""
    assert "Yanıt veren kayıtlı kişi: 2" in text
    assert "Avrupa Birliği: 2" in text and "Türk cumhuriyetleri: 0" in text
    assert "Evet: 2" in text and "Hayır: 0" in text
    listing = await elif_.press(await open_staff_event(elif_, TITLE), "Katılımcılar")
    assert "📋 Pazarlar: Avrupa Birliği, Amerika · İhracat: Düzenli olarak" in (listing.text or "")

    document = await download(elif_, await open_staff_event(elif_, TITLE), "Excel")
    sheet = openpyxl.load_workbook(io.BytesIO(document.content)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[-5:] == [
        "1. Hangi pazarlar sizin için öncelikli?",
        "2. Firmanız şu anda ihracat yapıyor mu?",
        "3. Öğle yemeğine katılacak mısınız?",
        "4. İhraç etmek istediğiniz başlıca ürününüz nedir?",
        "5. Bu eğitimden firmanız ne kazanmak istiyor?",
    ]
    assert [cell.value for cell in sheet[2]][-5:] == [
        "Avrupa Birliği, Amerika",
        "Düzenli olarak",
        "Evet",
        "tekstil makinesi",
        None,  # skipped: an empty cell
    ]


@pytest.mark.usefixtures("unpaced")
async def test_answers_are_in_the_data_export_and_go_with_erasure(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, TRAINING), "Kayıt ol")
    review = await answer_training(ayse, await fill_profile(ayse, consent))
    await ayse.press(review, "Gönder")
    await assistant.emulator.wait_idle()
    exported = await assistant.services.people.personal_data(ayse.id)
    assert {row["question_id"] for row in exported["event_answers"]} == {
        "markets",
        "exporting",
        "lunch",
        "products",
    }
    screen = await ayse.says("/privacy")
    confirm = await ayse.press(screen, "Verilerimi sil")
    await ayse.press(confirm, "Evet, hepsini sil")
    await assistant.emulator.wait_idle()
    assert await assistant.fetch("SELECT * FROM event_answers") == []


def test_every_question_type_becomes_a_step_of_the_form_engine() -> None:
    catalogue = load_catalogue(bundled_content_path())
    event = catalogue.event(TRAINING)
    assert event is not None
    steps = [question_step(question) for question in event.questions]
    assert [type(step).__name__ for step in steps] == [
        "MultiChoiceStep",
        "ChoiceStep",
        "YesNoStep",
        "TextStep",
        "TextStep",
    ]
    assert [step.optional for step in steps] == [False, False, False, True, True]


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"type": "scale"}, "questions[topic].type", "must be one of"),
        (
            {"choices": [{"id": "a", "label": {"tr": "A", "en": "A"}}]},
            "questions[topic].choices",
            "at least two",
        ),
        ({"text": "Hangi konu?"}, "questions[topic].text", "both languages"),
        (
            {
                "choices": [
                    {"id": "a", "label": {"tr": "A"}},
                    {"id": "b", "label": {"tr": "B", "en": "B"}},
                ]
            },
            "questions[topic].choices[a].label.en",
            "missing",
        ),
        ({"min": 3}, "questions[topic].min", "only number questions"),
        ({"id": "Bad Id"}, "questions[1].id", "slug"),
    ],
)
def test_a_bad_question_names_the_event_question_and_field(
    change: dict[str, Any], field: str, problem: str
) -> None:
    document = catalogue_to_document(load_catalogue(bundled_content_path()))
    question = {**copy.deepcopy(QUESTIONS[0]), **change}
    document["events"][0]["questions"] = [question]
    with pytest.raises(ContentError) as raised:
        parse_catalogue(document, "cluster.yaml")
    error = raised.value
    assert error.entry == "event:lean-2027-01"
    assert error.field_name == field
    assert problem in error.problem


def test_questions_survive_the_export_and_import_round_trip() -> None:
    catalogue = load_catalogue(bundled_content_path())
    again = parse_catalogue(catalogue_to_document(catalogue), "again")
    assert again.event(TRAINING) == catalogue.event(TRAINING)


@pytest.mark.usefixtures("unpaced")
async def test_staff_add_and_remove_a_question_from_the_event_page(assistant: Assistant) -> None:
    await assistant.add_event("asked-by-staff", capacity=5)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği asked-by-staff")
    listing = await elif_.press(page, "Kayıt soruları")
    assert "Henüz soru yok" in (listing.text or "")
    kind = await elif_.press(listing, "Soru ekle")
    turkish = await elif_.press(kind, "Tek seçim")
    assert "Soruyu Türkçe yazın" in (turkish.text or "")
    english = await elif_.says("Öğle yemeğinde ne tercih edersiniz?")
    assert "İngilizcesini yazın" in (english.text or "")
    choices = await elif_.says("What would you like for lunch?")
    assert "Türkçe / English" in (choices.text or "")
    too_few = await elif_.says("Et")
    assert "en az iki seçenek" in (too_few.text or "")
    optional = await elif_.says("Et / Meat\nSebze / Vegetables\nBalık")
    preview = await elif_.press(optional, "Evet")
    assert "Balık / Balık" in (preview.text or "") and "İsteğe bağlı" in (preview.text or "")
    saved = await elif_.press(preview, "Soruyu kaydet")
    assert "Soru eklendi" in (saved.text or "")
    event = assistant.services.catalogue.event("asked-by-staff")
    assert event is not None
    [question] = event.questions
    assert question.type == "choice" and question.optional
    assert [choice.id for choice in question.choices] == ["et", "sebze", "balik"]
    assert question.text.en == "What would you like for lunch?"

    # A member signing up now is asked it.
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "asked-by-staff"), "Kayıt ol")
    asked = await fill_profile(ayse, consent)
    assert "Öğle yemeğinde ne tercih edersiniz?" in (asked.text or "")
    review = await ayse.press(asked, "Sebze")
    await ayse.press(review, "Gönder")

    ask = await elif_.press(
        await elif_.press(
            await open_staff_event(elif_, "Test etkinliği asked-by-staff"), "Kayıt soruları"
        ),
        "🗑 1",
    )
    removed = await elif_.press(ask, "Evet, kaldır")
    assert "Soru kaldırıldı" in (removed.text or "")
    event = assistant.services.catalogue.event("asked-by-staff")
    assert event is not None and event.questions == ()
    actions = await assistant.fetch(
        "SELECT action FROM audit_log WHERE action = 'event.questions' ORDER BY id"
    )
    assert len(actions) == 2


@pytest.mark.usefixtures("unpaced")
async def test_long_answers_are_shortened_to_fit_one_message(assistant: Assistant) -> None:
    long_questions = [
        {
            "id": f"essay-{n}",
            "type": "long_text",
            "text": {"tr": f"Uzun soru {n}?", "en": f"Long question {n}?"},
        }
        for n in range(1, 4)
    ]
    await assistant.add_event("essays", capacity=5, questions=long_questions)
    ayse = assistant.person("Ayşe")
    consent = await ayse.press(await open_event(ayse, "essays"), "Kayıt ol")
    step = await fill_profile(ayse, consent)
    essay = "Uzun bir yanıt. " * 180  # 2,880 characters each
    for _ in range(3):
        step = await ayse.says(essay)
    assert "yanıtlarınız" in (step.text or "") and "…" in (step.text or "")
    assert len(step.text or "") <= 4096
    await ayse.press(step, "Gönder")
    await assistant.emulator.wait_idle()
    page = await ayse.press(await ayse.says("/my"), "1")
    assert "Uzun soru 3?" in (page.text or "") and len(page.text or "") <= 4096
    rows = await assistant.fetch("SELECT value FROM event_answers WHERE person_id = ?", ayse.id)
    assert all(len(json.loads(row["value"])) > 2000 for row in rows)  # kept whole
