"""A person asks which events there are, in their own words, and gets the list to sign up from.

"hangi eğitimler var", "yarın eğitim var mı", "next week events": the answer lists the events of
that kind and period from the live calendar, each a button to its page, and leads to the whole
list of that kind; an empty period says so and offers the soonest events after it.
"""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Assistant
from tests.test_signup import signed_up_person


async def test_which_trainings_lists_them_with_a_button_each(assistant: Assistant) -> None:
    ayse = assistant.person()
    answer = await ayse.says("hangi egitimler var?")
    text = answer.text or ""
    assert text.startswith("📅 Yaklaşan eğitimler:")
    assert "Yalın Üretim ve Verimlilik Eğitimi" in text and "Ofis" not in text
    assert answer.buttons == [
        "1. Yalın Üretim ve Verimlilik Eğitimi",
        "2. Patent, Faydalı Model ve Tasarım Tescili Eğitimi",
        "3. İhracata İlk Adım: Uluslararasılaşma Stratejisi",
        "4. Yalın Altı Sigma Yeşil Kuşak (İngilizce)",
        "📅 Tüm eğitimler",
        "🏠 Ana menü",
    ]
    page = await ayse.press(answer, "1. Yalın Üretim")
    assert "✅ Kayıt ol" in page.buttons
    # Back from the page is the whole list of trainings.
    back = await ayse.press(page, "‹ Geri")
    assert "Yaklaşan etkinlikler · Eğitimler" in (back.text or "")
    again = await ayse.says("hangi eğitimler var")
    everything = await ayse.press(again, "📅 Tüm eğitimler")
    assert "Yaklaşan etkinlikler · Eğitimler" in (everything.text or "")
    rows = await assistant.fetch(
        "SELECT question, decision, entry, candidates FROM asked_questions ORDER BY id"
    )
    assert rows[:1] == [
        {
            "question": "hangi egitimler var?",
            "decision": "choose",
            "entry": None,
            "candidates": "event:lean-2027-01 event:ipr-training-2027-02 "
            "event:export-training-2027-03 event:lean-six-sigma-2027-05",
        }
    ]


async def test_an_english_question_gets_the_english_list(assistant: Assistant) -> None:
    john = assistant.person("John", language="en")
    answer = await john.says("what trainings do you have")
    assert (answer.text or "").startswith("📅 Upcoming trainings:")
    assert answer.buttons[0] == "1. Lean Manufacturing and Productivity Training"
    assert answer.buttons[-2:] == ["📅 All trainings", "🏠 Main menu"]


async def test_tomorrows_training_is_listed_and_an_empty_day_offers_the_nearest(
    assistant: Assistant,
) -> None:
    await assistant.add_event("tomorrow-training", starts_in=timedelta(days=1))
    ayse = assistant.person()
    tomorrow = await ayse.says("yarın eğitim var mı")
    assert (tomorrow.text or "").startswith("📅 Yarın (")
    assert "için planlanan eğitimler:" in (tomorrow.text or "")
    assert tomorrow.buttons[:2] == ["1. Test etkinliği tomorrow-training", "📅 Tüm eğitimler"]
    page = await ayse.press(tomorrow, "1. Test etkinliği")
    assert "✅ Kayıt ol" in page.buttons
    # No workshop tomorrow: said politely, with the soonest workshop instead.
    workshop = await ayse.says("yarın atölye var mı")
    text = workshop.text or ""
    assert "için planlanmış bir atölye yok. En yakın atölye:" in text
    assert workshop.buttons[0] == "1. Tekstilde Su ve Enerji Verimliliği Atölyesi"
    assert workshop.buttons[-2:] == ["📅 Tüm atölyeler", "🏠 Ana menü"]


async def test_a_question_about_trainings_that_asks_something_else_is_answered_from_the_faq(
    assistant: Assistant,
) -> None:
    ayse = assistant.person()
    answer = await ayse.says("eğitimler ücretli mi")
    assert "Eğitimler ücretli mi?" in (answer.text or "")
    assert "📅 Yaklaşan eğitimler" in answer.buttons


async def test_no_event_of_that_kind_at_all_leads_to_every_event(assistant: Assistant) -> None:
    ayse = assistant.person()
    answer = await ayse.says("online eğitim var mı")
    assert (answer.text or "").startswith("Şu an takvimde yaklaşan bir çevrimiçi eğitim yok.")
    assert answer.buttons == ["📅 Tüm etkinlikler", "🏠 Ana menü"]
    everything = await ayse.press(answer, "📅 Tüm etkinlikler")
    assert "Yaklaşan etkinlikler" in (everything.text or "")


async def test_the_list_marks_the_events_she_is_registered_for(assistant: Assistant) -> None:
    ayse = await signed_up_person(assistant, "Ayşe", "lean-2027-01", company="Ayşe Tekstil")
    answer = await ayse.says("hangi eğitimler var")
    lines = (answer.text or "").splitlines()
    lean = lines.index("1. Yalın Üretim ve Verimlilik Eğitimi")
    assert lines[lean + 2].endswith(" · ✅ kayıtlısınız")
    assert "kayıtlısınız" not in "\n".join(lines[lean + 3 :])
