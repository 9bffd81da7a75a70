"""Long messages: a few sentences of context, then the question, which the story must not outweigh.

"... 500 kişilik bir salon gerekiyor ... hangi oteli tavsiye edersiniz?" once got the answer about
several people of one company ("kişilik"); a question asked after three sentences about the
company was drowned by them. The asking sentences are read first, the last first.
"""

from __future__ import annotations

import pytest

from bot.domain.answering import AnswerIndex
from bot.domain.answering.evaluate import ASKED_AT
from bot.domain.answering.focus import asking_parts, is_long
from storage.content import bundled_content_path, load_catalogue
from tests.conftest import Assistant

CANCEL = (
    "İyi günler. Firmamız Konya'da tarım makineleri üretiyor, 45 kişilik bir ekibiz. Geçen hafta "
    "yalın üretim eğitimine kayıt olmuştuk ama o tarihte Almanya'da bir fuarda olacağımızı yeni "
    "öğrendik, müşterimizle görüşmemiz var. Bunun için çok üzgünüz, eğitimi çok bekliyorduk ve "
    "ekipten üç kişinin katılmasını planlamıştık. Kaydımı nasıl iptal edebilirim?"
)
HOTEL = (
    "Sayın ilgili, şirketimiz 40 yıldır dokuma makineleri üretmektedir. Bu yıl kuruluşumuzun yıl "
    "dönümü nedeniyle büyük bir kutlama yapmayı planlıyoruz ve tüm müşterilerimizi davet edeceğiz. "
    "Organizasyon için bir otel arıyoruz, yaklaşık 500 kişilik bir salon gerekiyor, ayrıca canlı "
    "müzik ve yemek de olacak. İstanbul'da bu tür organizasyonlar için hangi oteli tavsiye "
    "edersiniz, fiyatları hakkında bilginiz var mı?"
)
TRAININGS = (
    "Merhaba, uzun zamandır kümenin etkinliklerini takip ediyorum ama hiç katılamadım çünkü hep "
    "işler yoğun oluyor. Bu sene biraz daha vakit ayırabileceğim, özellikle eğitimlere katılmayı "
    "düşünüyorum, ekipten iki arkadaşım da gelmek istiyor. Hangi eğitimler var?"
)


@pytest.fixture(scope="module")
def index() -> AnswerIndex:
    return AnswerIndex.build(load_catalogue(bundled_content_path()))


def test_the_asking_sentences_come_first_the_last_first() -> None:
    assert is_long(CANCEL) and not is_long("Merhaba, eğitimler ücretli mi?")
    assert asking_parts(CANCEL)[0] == "Kaydımı nasıl iptal edebilirim?"
    parts = asking_parts(HOTEL)
    assert parts[0].startswith("İstanbul'da bu tür organizasyonlar")
    assert not any("500 kişilik" in part for part in parts)
    # Without a question mark, the sentences with a question word or particle ask.
    unmarked = "Firmamız 20 kişilik. Bayiliklerimiz var. Eğitimler ücretli mi. Teşekkürler."
    assert asking_parts(unmarked + " " * 120)[0] == "Eğitimler ücretli mi."
    # "... mümkün mü bilmiyorum ama kaydımı iptal etmek istiyorum": after "ama" is the point.
    but = "Yerime birinin gelmesi mümkün mü bilmiyorum ama kaydımı iptal etmek istiyorum."
    assert "kaydimi iptal etmek istiyorum" in asking_parts("Merhaba. " * 20 + but)


@pytest.mark.parametrize(
    ("message", "decision", "first"),
    [
        (CANCEL, "answer", "faq:cancel-registration"),
        (TRAININGS, "list", "event:lean-2027-01"),
        (HOTEL, "none", None),
        # "Bu konuda" points back: the sentence before says what about, not "konu" alone.
        (
            "Boyahanemiz çok su tüketiyor ve enerji faturalarımız her ay artıyor, müşterilerimiz "
            "de karbon ayak izimizi soruyor. Bu konuda bize destek veriyor musunuz?",
            "answer",
            "service:resource_efficiency",
        ),
    ],
)
def test_a_long_message_is_answered_from_its_question(
    index: AnswerIndex, message: str, decision: str, first: str | None
) -> None:
    answer = index.ask(message, now=ASKED_AT)
    assert answer.decision == decision
    assert (answer.matches[0].id if answer.matches else None) == first


async def test_a_member_writing_at_length_gets_the_answer_to_her_question(
    assistant: Assistant,
) -> None:
    ayse = assistant.person()
    answer = await ayse.says(CANCEL)
    # Read whole: no note that only its beginning was read.
    assert "ilk kısmına göre" not in (answer.text or "")
    assert "👍 İşe yaradı" in answer.buttons
    trainings = await ayse.says(TRAININGS)
    assert (trainings.text or "").startswith("📅 Yaklaşan eğitimler:")
    # A question the assistant can't answer goes to the team, as typed, in one tap.
    hotel = await ayse.says(HOTEL)
    assert "👥 Sorumu ekibe ilet" in hotel.buttons
    rows = await assistant.fetch("SELECT decision, entry FROM asked_questions ORDER BY id")
    assert rows == [
        {"decision": "answer", "entry": "faq:cancel-registration"},
        {"decision": "choose", "entry": None},
        {"decision": "none", "entry": None},
    ]
