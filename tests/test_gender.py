"""Women's participation: an optional question a person opens from their profile, "prefer not
to say" included; in their data export, erased with their data, and counted in the impact report
only among those who chose to say."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from tests.conftest import Assistant, Person
from tests.test_impact import ISTANBUL
from tests.test_privacy import sign_up
from tests.test_staff_events import staff_member


async def answer(person: Person, choice: str) -> str:
    profile = await person.says("/profile")
    question = await person.press(profile, "👤 Cinsiyet (isteğe bağlı)")
    text = question.text or ""
    assert "tamamen isteğe bağlıdır" in text
    assert question.buttons == ["Kadın", "Erkek", "Belirtmek istemiyorum"]
    saved = await person.press(question, choice)
    return saved.text or ""


async def gender_of(assistant: Assistant, person: Person) -> str | None:
    [row] = await assistant.fetch("SELECT gender FROM people WHERE id = ?", person.id)
    return row["gender"]  # type: ignore[no-any-return]


async def test_the_question_is_asked_only_when_the_person_opens_it(assistant: Assistant) -> None:
    await assistant.add_event("course", capacity=10)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "course")
    # Signing up never asked it.
    assert await gender_of(assistant, ayse) is None
    assert not any("Cinsiyet" in text for text in ayse.texts() if "Profiliniz" not in text)
    saved = await answer(ayse, "Kadın")
    assert "Profiliniz kaydedildi" in saved and "Cinsiyet: Kadın" in saved
    assert await gender_of(assistant, ayse) == "woman"
    # "Prefer not to say" is an answer like the others, and can be given later instead.
    saved = await answer(ayse, "Belirtmek istemiyorum")
    assert "Cinsiyet: Belirtmek istemiyorum" in saved
    assert await gender_of(assistant, ayse) == "unsaid"


async def test_a_person_without_a_profile_is_sent_to_the_sign_up_form(
    assistant: Assistant,
) -> None:
    kemal = assistant.person("Kemal")
    await kemal.says("/start")
    profile = await kemal.says("/profile")
    query = await kemal.emulator.press_callback(kemal.user, profile, "pf:gender")
    await kemal.emulator.wait_for_callback_answer(query)
    await kemal.emulator.wait_idle()
    rows = await assistant.fetch("SELECT kind FROM forms WHERE person_id = ?", kemal.id)
    assert rows == [{"kind": "profile"}]  # the notice and the form, not the question


async def test_the_answer_is_in_the_export_and_goes_with_the_data(assistant: Assistant) -> None:
    await assistant.add_event("course", capacity=10)
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "course")
    await answer(ayse, "Kadın")
    screen = await ayse.says("/privacy")
    summary = await ayse.press(screen, "Hakkımda ne biliyorsunuz?")
    assert "Cinsiyet sorusuna yanıtınız: kadın" in (summary.text or "")
    await ayse.emulator.press_button(ayse.user, summary, "Verilerimi indir")
    exported = await ayse.emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None and m.document.filename == "my-data.txt"
    )
    assert exported.document is not None
    assert "Cinsiyet: Kadın" in exported.document.content.decode("utf-8")
    document = await ayse.emulator.wait_for_bot_message(
        ayse.id,
        predicate=lambda m: m.document is not None and m.document.filename.endswith(".json"),
    )
    assert document.document is not None
    assert json.loads(document.document.content)["member"]["gender"] == "woman"
    screen = await ayse.says("/privacy")
    confirm = await ayse.press(screen, "Verilerimi sil")
    await ayse.press(confirm, "Evet, hepsini sil")
    await assistant.emulator.wait_idle()
    assert await assistant.fetch("SELECT gender FROM people WHERE id = ?", ayse.id) == []


async def test_the_report_counts_women_among_those_who_said(assistant: Assistant) -> None:
    await assistant.add_event("held", starts_in=timedelta(days=-3))
    database = assistant.services.database
    people = [assistant.person(name) for name in ("Ayşe", "Ali", "Deniz", "Zeynep")]
    for person, gender in zip(people, ("woman", "man", "unsaid", None), strict=True):
        await assistant.services.people.seen(person.id, "tr")
        await database.execute(
            "UPDATE people SET gender = ?, informed_at = '2026-01-01T00:00:00+00:00' WHERE id = ?",
            (gender, person.id),
        )
        await database.execute(
            "INSERT INTO registrations (event_id, person_id, status, created_at, queued_at, "
            "attended) VALUES ('held', ?, 'confirmed', '2026-01-01', '2026-01-01', 1)",
            (person.id,),
        )
    elif_ = staff_member(assistant)
    today = datetime.now(ISTANBUL).date()
    photo = await elif_.says(f"/stats {today - timedelta(days=10):%d.%m.%Y} {today:%d.%m.%Y}")
    report = await elif_.next_message(photo)
    # Ali and Ayşe said; Deniz preferred not to, Zeynep never answered.
    assert "Kadın katılımı: 1 / 2 (cinsiyetini belirten katılımcılar arasında)" in (
        report.text or ""
    )
