"""Questions for a list of events: which kinds, which period, and what is listed (the matcher)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.answering import AnswerIndex, tokenize
from bot.domain.answering.evaluate import ASKED_AT
from bot.domain.answering.event_lists import events_asked, events_for
from bot.domain.answering.periods import month_of, period_in
from bot.screens.texts import Texts
from storage.content import bundled_content_path, load_catalogue

ISTANBUL = ZoneInfo("Europe/Istanbul")
TRAININGS = [
    "event:lean-2027-01",
    "event:ipr-training-2027-02",
    "event:export-training-2027-03",
    "event:lean-six-sigma-2027-05",
]


@pytest.fixture(scope="module")
def index() -> AnswerIndex:
    return AnswerIndex.build(load_catalogue(bundled_content_path()))


def local_days(question: str, now: datetime = ASKED_AT) -> tuple[date, date] | None:
    """Return the local days a question's period covers, the last one included."""
    period = period_in(tokenize(question), now, ISTANBUL)
    if period is None:
        return None
    last = period.ends - timedelta(microseconds=1)
    return period.starts.astimezone(ISTANBUL).date(), last.astimezone(ISTANBUL).date()


@pytest.mark.parametrize(
    "question", ["hangi eğitimler var", "hangi egitimler var?", "eğitimleriniz neler",
                 "what trainings do you have", "EĞİTİMLERİNİZ NELER", "egtimler neler"],
)  # fmt: skip
def test_which_trainings_lists_every_upcoming_training(index: AnswerIndex, question: str) -> None:
    answer = index.ask(question, now=ASKED_AT)
    assert (answer.decision, answer.kind) == ("list", "events")
    assert answer.events_asked is not None and answer.events_asked.kinds == {"training"}
    assert answer.events_asked.period is None
    assert [match.id for match in answer.matches] == TRAININGS


@pytest.mark.parametrize(
    ("question", "first", "last"),
    [
        # Asked on Thursday 3 December 2026; weeks start on Monday.
        ("bu hafta etkinlik var mı", date(2026, 12, 3), date(2026, 12, 6)),
        ("bu ay ne var", date(2026, 12, 3), date(2026, 12, 31)),
        ("ocak ayında etkinlik var mı", date(2027, 1, 1), date(2027, 1, 31)),
        ("yarın eğitim var mı", date(2026, 12, 4), date(2026, 12, 4)),
        ("next week events", date(2026, 12, 7), date(2026, 12, 13)),
        ("in January", date(2027, 1, 1), date(2027, 1, 31)),
        ("ocakta hangi eğitimler var", date(2027, 1, 1), date(2027, 1, 31)),
        ("şubatta ne var", date(2027, 2, 1), date(2027, 2, 28)),
        ("mart'ta etkinlik var mı", date(2027, 3, 1), date(2027, 3, 31)),
        ("MAYIS AYINDAKİ EĞİTİMLER", date(2027, 5, 1), date(2027, 5, 31)),
        ("haftaya eğitim var mı", date(2026, 12, 7), date(2026, 12, 13)),
        ("gelecek ay webinar var mı", date(2027, 1, 1), date(2027, 1, 31)),
        ("is there anything this weekend", date(2026, 12, 5), date(2026, 12, 6)),
        ("aralıkta ne var", date(2026, 12, 3), date(2026, 12, 31)),
        ("şubat ve mart aylarında eğitim var mı", date(2027, 2, 1), date(2027, 3, 31)),
        ("aralık ve ocakta ne var", date(2026, 12, 3), date(2027, 1, 31)),
        ("bu yıl hangi eğitimler var", date(2026, 12, 3), date(2026, 12, 31)),
        ("gelecek yıl etkinlik var mı", date(2027, 1, 1), date(2027, 12, 31)),
        ("2027'de hangi eğitimler var", date(2027, 1, 1), date(2027, 12, 31)),
        ("ocak 2028 etkinlikleri", date(2028, 1, 1), date(2028, 1, 31)),
        ("2028 ocak etkinlikleri", date(2028, 1, 1), date(2028, 1, 31)),
    ],
)
def test_a_period_is_the_days_people_mean(question: str, first: date, last: date) -> None:
    assert local_days(question) == (first, last)


def test_periods_are_in_istanbul_time() -> None:
    # 22:30 UTC on the 3rd is already the 4th in Istanbul: "today" is the 4th.
    late = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)
    assert local_days("bugün ne var", late) == (date(2026, 12, 4), date(2026, 12, 4))
    assert local_days("yarın ne var", late) == (date(2026, 12, 5), date(2026, 12, 5))
    # Sunday evening: "next week" starts the next morning.
    sunday = datetime(2026, 12, 6, 20, 0, tzinfo=ISTANBUL)
    assert local_days("gelecek hafta", sunday) == (date(2026, 12, 7), date(2026, 12, 13))


@pytest.mark.parametrize(
    ("word", "previous", "month"),
    [("ocakta", None, 1), ("ocak", None, 1), ("subattaki", None, 2), ("mart", None, 3),
     ("nisandaki", None, 4), ("haziranda", None, 6), ("agustosta", None, 8), ("eylulde", None, 9),
     ("aralikta", None, 12), ("february", None, 2), ("may", "in", 5), ("may", "i", None),
     ("martin", None, 3), ("ekip", None, None), ("ocaklar", None, 1)],
)  # fmt: skip
def test_month_names_with_their_suffixes(word: str, previous: str | None, month: int) -> None:
    assert month_of(word, previous) == month


def test_kind_and_period_together(index: AnswerIndex) -> None:
    answer = index.ask("ocakta hangi eğitimler var", now=ASKED_AT)
    assert answer.decision == "list" and not answer.after_period
    assert [match.id for match in answer.matches] == ["event:lean-2027-01"]
    both = index.ask("what webinars are there in february", now=ASKED_AT)
    assert [match.id for match in both.matches] == ["event:kets-webinar-2027-02"]


def test_an_empty_period_offers_the_soonest_events_after_it(index: AnswerIndex) -> None:
    answer = index.ask("bu hafta etkinlik var mı", now=ASKED_AT)
    assert answer.decision == "list" and answer.after_period
    assert [match.id for match in answer.matches] == [
        "event:lean-2027-01",
        "event:grants-infoday-2027-01",
        "event:kets-webinar-2027-02",
    ]
    workshops = index.ask("ocakta atölye var mı", now=ASKED_AT)
    assert workshops.after_period
    assert [match.id for match in workshops.matches] == ["event:resource-workshop-2027-03"]
    # Nothing later either: an empty list, which the screen words as such.
    late = datetime(2027, 7, 1, tzinfo=UTC)
    nothing = index.ask("eylülde eğitim var mı", now=late)
    assert nothing.decision == "list" and nothing.matches == ()


def test_events_already_started_are_not_listed(index: AnswerIndex) -> None:
    after_lean = datetime(2027, 1, 20, tzinfo=UTC)
    answer = index.ask("hangi eğitimler var", now=after_lean)
    assert [match.id for match in answer.matches] == TRAININGS[1:]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("eğitimler ücretli mi", "faq:training-cost"),
        ("eğitimlere nasıl kayıt olurum", "faq:how-to-register"),
        ("eğitimler ingilizce mi", "faq:event-language"),
        ("webinar linki ne zaman gelir", "faq:online-link"),
        ("mart'taki eğitim ne zaman", "event:export-training-2027-03"),
        ("konferans ne zaman", "event:dissemination-conf-2027-06"),
    ],
)
def test_a_question_about_something_else_is_not_a_list(
    index: AnswerIndex, question: str, expected: str
) -> None:
    answer = index.ask(question, now=ASKED_AT)
    assert answer.decision != "list"
    assert expected in [match.id for match in answer.matches]


@pytest.mark.parametrize(
    "question",
    ["yarın", "eğitim", "b2b eşleştirme", "yarın hava nasıl olacak", "bugün dolar kaç",
     "eğitimler ne kadar", "eğitimlere kimler katılabilir"],
)  # fmt: skip
def test_too_little_or_something_else_is_not_asked_as_a_list(question: str) -> None:
    assert events_asked(tokenize(question), "tr", ASKED_AT, ISTANBUL) is None


def test_the_chat_picks_from_the_live_calendar_the_same_way() -> None:
    catalogue = load_catalogue(bundled_content_path())
    asked = events_asked(tokenize("şubatta hangi eğitimler var"), "tr", ASKED_AT, ISTANBUL)
    assert asked is not None
    listed, after = events_for(asked, catalogue.events, ASKED_AT)
    assert [event.id for event in listed] == ["ipr-training-2027-02"] and not after


@pytest.mark.parametrize(
    ("language", "question", "written"),
    [
        ("tr", "yarın", "4 Aralık"),
        ("tr", "gelecek hafta", "7–13 Aralık"),
        ("tr", "ocakta", "Ocak 2027"),
        ("en", "in january", "January 2027"),
        ("en", "next week", "7–13 December"),
        ("tr", "gelecek yıl", "2027"),
    ],
)
def test_periods_are_written_the_persons_way(language: str, question: str, written: str) -> None:
    period = period_in(tokenize(question), ASKED_AT, ISTANBUL)
    assert period is not None
    assert Texts(ISTANBUL).days(period.starts, period.ends, language) == written
    month_end = datetime(2026, 12, 28, 10, tzinfo=ISTANBUL)
    week = period_in(tokenize("bu hafta"), month_end, ISTANBUL)
    assert week is not None
    assert Texts(ISTANBUL).days(week.starts, week.ends, "tr") == "28 Aralık – 3 Ocak"


def test_online_events_are_the_ones_joined_from_anywhere(index: AnswerIndex) -> None:
    answer = index.ask("çevrimiçi etkinlikler", now=ASKED_AT)
    assert answer.events_asked is not None and answer.events_asked.online
    assert [match.id for match in answer.matches] == [
        "event:grants-infoday-2027-01",
        "event:kets-webinar-2027-02",
        "event:benchmarking-info-2027-03",
    ]
    # No online training in the calendar: an empty list, not the in-person ones.
    assert index.ask("online eğitim var mı", now=ASKED_AT).matches == ()
