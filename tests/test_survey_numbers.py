"""Numbers typed in a survey: a scale's point typed, and figures that look unlikely asked about."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.devtools.emulator import Message
from tests.conftest import Assistant, Person
from tests.test_survey_results import _member_companies, answered, send, verified_member
from tests.test_surveys import started


async def _draft(assistant: Assistant, round_id: int, person: Person) -> dict[str, Any]:
    [row] = await assistant.fetch(
        "SELECT step, answers FROM survey_drafts WHERE round_id = ? AND person_id = ?",
        round_id,
        person.id,
    )
    return {"step": row["step"], **json.loads(row["answers"])}


async def _at_the_scale(assistant: Assistant) -> tuple[Person, int, Message]:
    """Return a person at the needs analysis's 0-10 scale, the round, and the question."""
    ayse = await started(assistant, "Ayşe")
    round_id = await send(assistant, "needs-2027")
    invited = await ayse.emulator.wait_for_bot_message(
        ayse.id, contains="İhtiyaç analizi 2027", timeout=10
    )
    step = await ayse.press(invited, "Ankete başla")
    step = await ayse.press(step, "Kıyaslama")
    step = await ayse.press(step, "Tamam")
    step = await ayse.press(step, "Hayır")
    assert "önerme olasılığınız" in (step.text or "")
    return ayse, round_id, step


@pytest.mark.parametrize(
    ("typed", "point"), [("4", 4), ("7/10", 7), ("8 puan", 8), ("0", 0), ("4️⃣", 4), ("🔟", 10)]
)
async def test_a_point_of_the_scale_may_be_typed_instead_of_pressed(
    assistant: Assistant, typed: str, point: int
) -> None:
    ayse, round_id, _ = await _at_the_scale(assistant)
    step = await ayse.says(typed)
    assert "yüzde kaçı" in (step.text or "")  # the next question
    assert (await _draft(assistant, round_id, ayse))["q:satisfaction"] == point


@pytest.mark.parametrize("typed", ["11", "4,5", "dört", "-1"])
async def test_a_typed_point_off_the_scale_is_answered_with_the_scales_range(
    assistant: Assistant, typed: str
) -> None:
    ayse, round_id, _ = await _at_the_scale(assistant)
    step = await ayse.says(typed)
    text = step.text or ""
    assert "düğmelerden birini seçin ya da 0 ile 10 arasında bir tam sayı yazın" in text
    assert "önerme olasılığınız" in text and step.buttons[:11] == [str(n) for n in range(11)]
    draft = await _draft(assistant, round_id, ayse)
    assert draft["step"] == "q:satisfaction" and "q:satisfaction" not in draft


async def _benchmark_opened(assistant: Assistant, company: int) -> tuple[Person, Message]:
    zeynep = await verified_member(assistant, company)
    listing = await zeynep.says("/surveys")
    step = await zeynep.press(listing, "Kıyaslama 2027")
    assert "çalışan başına ciro" in (step.text or "")
    return zeynep, step


async def test_revenue_typed_in_thousands_is_asked_about_and_taken_when_confirmed(
    assistant: Assistant,
) -> None:
    round_id = await send(assistant, "benchmark-2027")
    (company,) = await _member_companies(assistant, 1)
    zeynep, _ = await _benchmark_opened(assistant, company)
    asked = await zeynep.says("1.250")
    text = asked.text or ""
    assert "Emin misiniz? 1.250 TL yazdınız." in text
    assert "genellikle 100.000 TL ile 20.000.000 TL arasında" in text
    assert "çalışan başına ciro" in text  # the same question, still open
    draft = await _draft(assistant, round_id, zeynep)
    assert draft["step"] == "q:revenue_per_employee" and "q:revenue_per_employee" not in draft

    # Typing the figure meant instead is taken at once.
    step = await zeynep.says("1.250.000")
    assert "ihracatın payı" in (step.text or "")
    draft = await _draft(assistant, round_id, zeynep)
    assert draft["q:revenue_per_employee"] == 1_250_000

    # Back to it: a small figure, confirmed with the button, is taken as typed.
    step = await zeynep.press(step, "‹ Geri")
    asked = await zeynep.says("950")
    assert "✅ Evet, 950 TL doğru" in asked.buttons
    [sure] = [
        button["callback_data"]
        for row in asked.reply_markup
        for button in row
        if button["text"] == "✅ Evet, 950 TL doğru"
    ]
    step = await zeynep.press(asked, "✅ Evet, 950 TL doğru")
    assert "ihracatın payı" in (step.text or "")
    draft = await _draft(assistant, round_id, zeynep)
    assert draft["q:revenue_per_employee"] == 950 and draft["step"] == "q:export_share"

    # The old button confirms nothing now: the question on screen stays as it is.
    query = await zeynep.emulator.press_callback(zeynep.user, step, sure)
    answer = await zeynep.emulator.wait_for_callback_answer(query)
    assert "artık geçerli değil" in (answer.text or "")
    draft = await _draft(assistant, round_id, zeynep)
    assert draft["step"] == "q:export_share" and draft["q:revenue_per_employee"] == 950


async def test_a_tenfold_jump_from_the_previous_round_is_asked_about(
    assistant: Assistant,
) -> None:
    (company,) = await _member_companies(assistant, 1)
    first = await send(assistant, "benchmark-2027")
    await answered(assistant, first, {"training_hours": 12.0, "scrap_rate": 3.0}, company)
    second = await send(assistant, "benchmark-2027")
    zeynep, step = await _benchmark_opened(assistant, company)
    step = await zeynep.says("1.000.000")
    step = await zeynep.says("%20")
    step = await zeynep.says("95")
    step = await zeynep.says("3,5")  # scrap rate: like last year's 3%
    assert "eğitim süresi" in (step.text or "")
    asked = await zeynep.says("120")  # within the typical 0-150 hours, but ten times 12
    text = asked.text or ""
    assert "Emin misiniz? 120 saat yazdınız." in text
    assert "Firmanızın bir önceki turdaki yanıtı 12 saat idi." in text
    assert "q:training_hours" not in await _draft(assistant, second, zeynep)
    step = await zeynep.press(asked, "✅ Evet, 120 saat doğru")
    assert "Ar-Ge" in (step.text or "")
    assert (await _draft(assistant, second, zeynep))["q:training_hours"] == 120


async def test_an_english_speaker_types_figures_the_english_way_and_is_asked_in_english(
    assistant: Assistant,
) -> None:
    round_id = await send(assistant, "benchmark-2027")
    (company,) = await _member_companies(assistant, 1)
    zeynep = await verified_member(assistant, company)
    await assistant.services.people.seen(zeynep.id, "en")
    await assistant.services.database.execute(
        "UPDATE people SET language = 'en' WHERE id = ?", (zeynep.id,)
    )
    listing = await zeynep.says("/surveys")
    await zeynep.press(listing, "Benchmarking 2027")
    # "1,250" is a thousand and a quarter to her, and asked about as such.
    asked = await zeynep.says("1,250")
    text = asked.text or ""
    assert "Are you sure? You typed 1,250 TRY." in text
    assert "usually between 100,000 TRY and 20,000,000 TRY" in text
    assert "✅ Yes, 1,250 TRY is right" in asked.buttons
    step = await zeynep.says("1,250,000.50")
    assert "share of turnover" in (step.text or "")
    assert (await _draft(assistant, round_id, zeynep))["q:revenue_per_employee"] == 1_250_000.5
