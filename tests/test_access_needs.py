"""An event's access and dietary needs question: special-category data (KVKK Art. 6), asked only
with its own consent, kept apart, read only by staff who manage, gone once the event is over."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.devtools.emulator import Message
from handlers.privacy import run_retention
from storage.content import (
    ContentError,
    bundled_content_path,
    catalogue_to_document,
    load_catalogue,
    parse_catalogue,
)
from storage.roles import Role
from tests.conftest import Assistant, Person
from tests.test_privacy import sign_up
from tests.test_roles import refused, team_member
from tests.test_signup import open_event
from tests.test_staff_events import open_staff_event, staff_member

EVENT = "lunch-conf"
QUESTION = {
    "prompt": {
        "tr": "Öğle yemeği ya da salona erişim için bir ihtiyacınız var mı?",
        "en": "Any needs for lunch or access to the hall?",
    },
    "special_category": True,
}
ANSWER = "Tekerlekli sandalye kullanıyorum, glutensiz yemek rica ederim."


async def conference(assistant: Assistant) -> None:
    await assistant.add_event(EVENT, access_needs=copy.deepcopy(QUESTION))


async def the_question(person: Person) -> Message:
    """Return the optional question sent after the sign-up."""
    return await person.emulator.wait_for_bot_message(
        person.id, contains="İsteğe bağlı bir soru", after=0
    )


async def answered(person: Person) -> Message:
    """Sign up, agree to the question and answer it; return the thank-you."""
    await sign_up(person, EVENT)
    step = await person.press(await the_question(person), "Evet, yanıtlamak istiyorum")
    assert "Öğle yemeği ya da salona erişim" in (step.text or "")
    return await person.says(ANSWER)


async def test_saying_no_still_registers_and_stores_nothing(assistant: Assistant) -> None:
    await conference(assistant)
    ayse = assistant.person("Ayşe")
    confirmation = await sign_up(ayse, EVENT)
    assert "Kaydınız onaylandı" in (confirmation.text or "")
    question = await the_question(ayse)
    text = question.text or ""
    # Says why it is asked apart, who sees it, how long it is kept, and that no is fine.
    assert "özel nitelikli kişisel veridir (KVKK m. 6)" in text
    assert "yalnızca etkinliği düzenleyen ekip görür" in text
    assert "etkinlik biter bitmez silinir" in text
    assert "kaydınız aynen geçerli kalır" in text
    assert question.buttons == ["✅ Evet, yanıtlamak istiyorum", "🚫 Hayır, teşekkürler"]
    answer = await ayse.press(question, "Hayır, teşekkürler")
    assert "kaydınız aynen geçerli" in (answer.text or "")
    [registration] = await assistant.fetch(
        "SELECT status FROM registrations WHERE person_id = ?", ayse.id
    )
    assert registration["status"] == "confirmed"
    assert await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id) == []
    assert await assistant.fetch("SELECT * FROM special_category_answers") == []


async def test_the_answer_is_stored_apart_with_its_own_consent(assistant: Assistant) -> None:
    await conference(assistant)
    ayse = assistant.person("Ayşe")
    thanks = await answered(ayse)
    assert "yanıtınızı aldık" in (thanks.text or "")
    [consent] = await assistant.fetch("SELECT * FROM consents WHERE person_id = ?", ayse.id)
    assert consent["purpose"] == f"special:{EVENT}" and consent["notice_version"] == "2027-01"
    [row] = await assistant.fetch(
        "SELECT event_id, person_id, answer FROM special_category_answers"
    )
    assert row == {"event_id": EVENT, "person_id": ayse.id, "answer": ANSWER}
    # Nowhere else: not in the profile, the registration or the form table.
    for table in ("people", "registrations", "forms", "asked_questions"):
        for stored in await assistant.fetch(f"SELECT * FROM {table}"):
            assert not any("glutensiz" in str(value) for value in stored.values()), table

    # Her export has it; the event page lets her see and change it.
    screen = await ayse.says("/privacy")
    assert f"Test etkinliği {EVENT}: erişim ve beslenme" in (screen.text or "")
    summary = await ayse.press(screen, "Hakkımda ne biliyorsunuz?")
    assert "ihtiyaçlarınızla ilgili 1 yanıt" in (summary.text or "")
    await ayse.emulator.press_button(ayse.user, summary, "Verilerimi indir")
    exported = await ayse.emulator.wait_for_bot_message(
        ayse.id,
        predicate=lambda m: m.document is not None and m.document.filename == "my-data.json",
    )
    assert exported.document is not None
    document = json.loads(exported.document.content)
    assert document["special_category_answers"][0]["answer"] == ANSWER
    await ayse.emulator.wait_idle()
    page = await open_event(ayse, EVENT)
    again = await ayse.press(page, "♿ Erişim ve beslenme ihtiyaçları")
    assert f"Şu anki yanıtınız: {ANSWER}" in (again.text or "")


async def test_withdrawing_the_consent_deletes_the_answer(assistant: Assistant) -> None:
    await conference(assistant)
    ayse = assistant.person("Ayşe")
    await answered(ayse)
    screen = await ayse.says("/privacy")
    withdraw = f"↩️ Erişim ve beslenme sorusu: açık rızamı geri al · Test etkinliği {EVENT}"
    sure = await ayse.press(screen, withdraw)
    assert "geri almak istediğinizden emin misiniz?" in (sure.text or "")
    # Asking changes nothing yet.
    assert len(await assistant.fetch("SELECT * FROM special_category_answers")) == 1
    done = await ayse.press(sure, "Evet, rızamı geri al ve yanıtımı sil")
    assert "yanıtınız silindi" in (done.text or "")
    after = await ayse.press(done, "🔒 Kişisel verilerim")
    assert "(erişim ve beslenme sorusu): " in (after.text or "")
    assert await assistant.fetch("SELECT * FROM special_category_answers") == []
    [consent] = await assistant.fetch("SELECT withdrawn_at FROM consents")
    assert consent["withdrawn_at"] is not None
    [registration] = await assistant.fetch("SELECT status FROM registrations")
    assert registration["status"] == "confirmed"


async def test_only_staff_who_manage_read_the_answers(assistant: Assistant) -> None:
    await conference(assistant)
    ayse = assistant.person("Ayşe")
    await answered(ayse)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, f"Test etkinliği {EVENT}")
    answers = await elif_.press(page, "♿ Erişim ve beslenme ihtiyaçları (özel nitelikli)")
    text = answers.text or ""
    assert f"Ayşe (Anadolu Makina): {ANSWER}" in text
    assert "özel nitelikli kişisel veri" in text.lower()
    [entry] = await assistant.fetch(
        "SELECT staff_id, subject, detail FROM audit_log WHERE action = 'special.read'"
    )
    assert entry["subject"] == f"event:{EVENT}" and json.loads(entry["detail"]) == {"answers": 1}
    # Not in the attendee list or the exports staff who only read can reach.
    attendees = await elif_.press(
        await open_staff_event(elif_, f"Test etkinliği {EVENT}"), "Katılımcılar"
    )
    assert "glutensiz" not in (attendees.text or "")

    viewer = await team_member(assistant, Role.VIEWER, "Veli")
    page = await open_staff_event(viewer, f"Test etkinliği {EVENT}")
    assert not any("♿" in button for button in page.buttons)
    assert await refused(viewer, f"se:an:{EVENT}")
    assert ANSWER not in (viewer.last().text or "")


async def test_answers_go_when_the_event_is_over_and_with_the_person(
    assistant: Assistant,
) -> None:
    await conference(assistant)
    ayse, bora = assistant.person("Ayşe"), assistant.person("Bora")
    await answered(ayse)
    await answered(bora)
    # Bora erases his data: his answer goes with it.
    confirm = await bora.press(await bora.says("/privacy"), "Verilerimi sil")
    await bora.press(confirm, "Evet, hepsini sil")
    rows = await assistant.fetch("SELECT person_id FROM special_category_answers")
    assert rows == [{"person_id": ayse.id}]
    # Before the event the daily job keeps Ayşe's; the day after, it is gone, and so is the
    # consent scoped to the event.
    await run_retention(assistant.services)
    assert len(await assistant.fetch("SELECT * FROM special_category_answers")) == 1
    await run_retention(assistant.services, datetime.now(UTC) + timedelta(days=8))
    assert await assistant.fetch("SELECT * FROM special_category_answers") == []
    assert await assistant.fetch("SELECT * FROM consents WHERE purpose LIKE 'special:%'") == []
    [entry] = await assistant.fetch(
        "SELECT staff_id, detail FROM audit_log WHERE action = 'privacy.event_data_cleared'"
    )
    assert json.loads(entry["detail"]) == {"consents": 1, "special_answers": 1}
    elif_ = staff_member(assistant)
    log = await elif_.press(await elif_.says("/staff"), "Veri dışa aktarma ve silme kaydı")
    assert "1 özel nitelikli yanıt ve bu etkinliğe özel 1 rıza kaydı otomatik olarak silindi" in (
        log.text or ""
    )


async def test_a_cancelled_seat_takes_its_answer_with_it(assistant: Assistant) -> None:
    await conference(assistant)
    ayse = assistant.person("Ayşe")
    await answered(ayse)
    [registration] = await assistant.fetch("SELECT id FROM registrations")
    event = assistant.services.catalogue.event(EVENT)
    await assistant.services.registrations.cancel(registration["id"], ayse.id, event)
    await run_retention(assistant.services)
    assert await assistant.fetch("SELECT * FROM special_category_answers") == []


async def test_a_stale_or_forged_press_changes_nothing(assistant: Assistant) -> None:
    await conference(assistant)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")  # a seat elsewhere, none at the conference
    query = await ayse.emulator.press_callback(ayse.user, ayse.last(), f"nc:{EVENT}:yes")
    await ayse.emulator.wait_for_callback_answer(query)
    await ayse.emulator.wait_idle()
    assert "artık geçerli değil" in (ayse.last().text or "")
    assert await assistant.fetch("SELECT * FROM consents WHERE purpose LIKE 'special:%'") == []


def test_the_question_must_be_flagged_special(assistant: Assistant) -> None:
    document = catalogue_to_document(assistant.services.catalogue)
    event = document["events"][0]
    event["access_needs"] = copy.deepcopy(QUESTION)
    parsed = parse_catalogue(copy.deepcopy(document), "test")
    again = parse_catalogue(catalogue_to_document(parsed), "test").event(event["id"])
    assert again is not None and again.access_needs is not None
    event["access_needs"]["special_category"] = False
    with pytest.raises(ContentError) as raised:
        parse_catalogue(copy.deepcopy(document), "test")
    assert raised.value.field_name == "access_needs.special_category"
    del event["access_needs"]["special_category"]
    with pytest.raises(ContentError):
        parse_catalogue(document, "test")


def test_the_demo_conference_asks_about_access_and_lunch() -> None:
    event = load_catalogue(bundled_content_path()).event("dissemination-conf-2027-06")
    assert event is not None and event.access_needs is not None
    assert "tekerlekli sandalye" in event.access_needs.prompt.tr
