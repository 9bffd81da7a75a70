"""Time the answering engine on a large synthetic catalogue.

    python benchmarks/bench_answering.py [--entries 1000] [--questions 3000] [--seed 7]

Builds 1,000 entries (FAQ, services, events) from Turkish and English word lists, deterministically,
then asks a few thousand questions typed the way people type them (no Turkish letters, typos, upper
case, filler words, some off-topic) and prints the build time and the per-question latency; then
the same questions after a few sentences about the company (long messages, 300-900 characters).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bot.domain.answering import AnswerIndex
from storage.content import (
    Catalogue,
    ClusterInfo,
    Contact,
    Event,
    Faq,
    Phrases,
    PrivacyNotice,
    Service,
    Text,
)

# Word pairs (Turkish=English) the synthetic entries are made of.
_TOPIC_TEXT = """
    eğitim=training; üyelik=membership; aidat=fee; sertifika=certificate; kayıt=registration;
    ihracat=export; fuar=trade fair; patent=patent; marka=trademark; hibe=grant; kredi=loan;
    enerji=energy; su=water; atık=waste; tekstil=textile; makine=machinery; boyahane=dyehouse;
    kalite=quality; verimlilik=productivity; dijital=digital; yazılım=software; robot=robot;
    sensör=sensor; tedarikçi=supplier; müşteri=customer; pazar=market; lojistik=logistics;
    gümrük=customs; sigorta=insurance; vergi=tax; teşvik=incentive; istihdam=employment;
    personel=staff; güvenlik=safety; çevre=environment; karbon=carbon; tasarım=design;
    inovasyon=innovation; prototip=prototype; laboratuvar=laboratory; test=test;
    standart=standard; belge=document; denetim=audit; danışmanlık=consulting;
    finansman=financing; yatırım=investment; ortaklık=partnership; ziyaret=visit;
    konferans=conference; atölye=workshop; seminer=seminar; webinar=webinar;
    mentorluk=mentoring; strateji=strategy; pazarlama=marketing; satış=sales; fiyat=price;
    maliyet=cost; bakım=maintenance; yedek parça=spare parts; otomasyon=automation;
    kumaş=fabric; iplik=yarn; dokuma=weaving; örme=knitting; konfeksiyon=garment; döküm=casting;
    kaynak=welding; hidrolik=hydraulics; motor=engine
"""
TOPICS = [
    (pair.split("=")[0].strip(), pair.split("=")[1].strip())
    for pair in _TOPIC_TEXT.split(";")
    if pair.strip()
]
TURKISH_SUFFIXES = ["", "", "ler", "i", "in", "e", "de", "den", "leri", "lerin", "imiz", "iniz"]
TR_FRAMES = [
    "{a} ve {b} hakkında bilgi",
    "{a} {b} desteği nasıl alınır?",
    "{a} için {b} başvurusu",
    "{a} {b} programı nedir?",
    "{a} ile ilgili {b} eğitimi var mı?",
    "{a} {b} ücretli mi?",
]
EN_FRAMES = [
    "information on {a} and {b}",
    "how do I get {a} {b} support?",
    "{a} application for {b}",
    "what is the {a} {b} programme?",
    "is there {b} training on {a}?",
    "does {a} {b} cost anything?",
]
FILLERS = ["merhaba", "acaba", "lütfen", "hocam", "ya", "bi", "please", "hi"]
OFF_TOPIC = [
    "yarın hava nasıl",
    "dolar kuru kaç",
    "bitcoin alınır mı",
    "maç kaç kaç bitti",
    "mercimek çorbası tarifi",
    "tell me a joke",
    "best pizza in town",
    "who won the league",
]
_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")


def _inflect(rng: random.Random, word: str) -> str:
    return word + rng.choice(TURKISH_SUFFIXES) if " " not in word else word


def _pair(rng: random.Random) -> tuple[tuple[str, str], tuple[str, str]]:
    first, second = rng.sample(TOPICS, 2)
    return first, second


def _text(rng: random.Random, words: int) -> Text:
    chosen = [rng.choice(TOPICS) for _ in range(words)]
    return Text(
        " ".join(_inflect(rng, tr) for tr, _ in chosen) + ".",
        " ".join(en for _, en in chosen) + ".",
    )


def _title(rng: random.Random, number: int) -> tuple[Text, Phrases]:
    (tr_a, en_a), (tr_b, en_b) = _pair(rng)
    frame = rng.randrange(len(TR_FRAMES))
    title = Text(
        TR_FRAMES[frame].format(a=tr_a, b=tr_b) + f" {number}",
        EN_FRAMES[frame].format(a=en_a, b=en_b) + f" {number}",
    )
    keywords = Phrases(tr=(f"{tr_a} {tr_b}", tr_a), en=(f"{en_a} {en_b}", en_a))
    return title, keywords


def synthetic_catalogue(entries: int, seed: int) -> Catalogue:
    """Return a catalogue of `entries` FAQ entries, services and events (6:2.5:1.5)."""
    rng = random.Random(seed)
    faq_count = entries * 6 // 10
    service_count = entries // 4
    event_count = entries - faq_count - service_count
    services = []
    for number in range(service_count):
        title, keywords = _title(rng, number)
        services.append(
            Service(
                id=f"service-{number}",
                title=title,
                summary=_text(rng, 8),
                description=_text(rng, 25),
                sectors=("machinery",),
                keywords=keywords,
            )
        )
    start = datetime(2027, 1, 1, 9, tzinfo=UTC)
    events = []
    for number in range(event_count):
        title, keywords = _title(rng, number)
        begins = start + timedelta(days=number)
        events.append(
            Event(
                id=f"event-{number}",
                kind=rng.choice(["training", "webinar", "workshop", "conference"]),
                service_id=rng.choice(services).id if services else None,
                title=title,
                description=_text(rng, 20),
                starts_at=begins,
                ends_at=begins + timedelta(hours=3),
                location=Text("Ankara", "Ankara"),
                online=False,
                online_url=None,
                capacity=30,
                registration_deadline=None,
                sectors=("machinery",),
                language="tr",
                keywords=keywords,
            )
        )
    faq = []
    for number in range(faq_count):
        question, keywords = _title(rng, number)
        variant, _ = _title(rng, number)
        faq.append(
            Faq(
                id=f"faq-{number}",
                question=question,
                answer=_text(rng, 30),
                variants=Phrases(tr=(variant.tr,), en=(variant.en,)),
                keywords=keywords,
            )
        )
    synonyms = tuple((tr, en) for tr, en in TOPICS[::3])
    contact = Contact(
        "info@example.org", "+90 312 000 00 00", Text("Ankara", "Ankara"), Text("", "")
    )
    empty = Text("", "")
    notice = PrivacyNotice("1", empty, empty, empty, empty, empty, empty)
    cluster = ClusterInfo(Text("Küme", "Cluster"), "K", "Europe/Istanbul", "tr", contact, notice)
    return Catalogue(cluster, (), tuple(services), tuple(events), tuple(faq), synonyms)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 6:
        return word
    position = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:position] + word[position + 1 :]  # a missed key
    return word[:position] + word[position + 1] + word[position] + word[position + 2 :]  # swapped


def synthetic_questions(count: int, seed: int) -> list[str]:
    """Return questions in the people' styles: plain, no Turkish letters, typos, upper case."""
    rng = random.Random(seed + 1)
    questions = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.1:
            questions.append(rng.choice(OFF_TOPIC))
            continue
        (tr_a, en_a), (tr_b, en_b) = _pair(rng)
        if roll < 0.35:
            text = rng.choice(EN_FRAMES).format(a=en_a, b=en_b)
        else:
            text = rng.choice(TR_FRAMES).format(a=_inflect(rng, tr_a), b=_inflect(rng, tr_b))
        words = text.split()
        if rng.random() < 0.4:
            words = [_typo(rng, word) for word in words]
        if rng.random() < 0.3:
            words.insert(0, rng.choice(FILLERS))
        text = " ".join(words)
        if rng.random() < 0.5:
            text = text.translate(_ASCII)
        if rng.random() < 0.1:
            text = text.upper()
        questions.append(text)
    return questions


STORY_TR = [
    "Merhaba, firmamız {a} alanında çalışıyor ve yaklaşık {n} çalışanımız var.",
    "Son yıllarda {a} ve {b} konusunda müşterilerimizden çok talep geliyor.",
    "Geçen yıl {b} için bir yatırım yaptık ama beklediğimiz sonucu alamadık.",
    "Yönetim kurulumuz bu konuyu önümüzdeki ay yeniden değerlendirecek.",
]
STORY_EN = [
    "Hello, our company works in {a} and we have about {n} employees.",
    "In recent years our customers have asked a lot about {a} and {b}.",
    "Last year we invested in {b} but did not get the results we expected.",
]


def long_messages(questions: list[str], seed: int) -> list[str]:
    """Return each question after two to four sentences of context about the company."""
    rng = random.Random(seed + 2)
    messages = []
    for question in questions:
        (tr_a, en_a), (tr_b, en_b) = _pair(rng)
        english = rng.random() < 0.3
        frames = STORY_EN if english else STORY_TR
        a, b = (en_a, en_b) if english else (tr_a, tr_b)
        story = [frame.format(a=a, b=b, n=rng.randrange(10, 400)) for frame in frames]
        sentences = story[: rng.randrange(2, len(story) + 1)]
        messages.append(" ".join([*sentences, question + "?"]))
    return messages


def _timed(index: AnswerIndex, questions: list[str]) -> tuple[list[float], dict[str, int]]:
    timings = []
    decisions: dict[str, int] = {}
    for question in questions:
        started = time.perf_counter()
        answer = index.ask(question)
        timings.append((time.perf_counter() - started) * 1000)
        decisions[answer.decision] = decisions.get(answer.decision, 0) + 1
    return timings, decisions


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    catalogue = synthetic_catalogue(args.entries, args.seed)
    questions = synthetic_questions(args.questions, args.seed)

    started = time.perf_counter()
    index = AnswerIndex.build(catalogue)
    build_ms = (time.perf_counter() - started) * 1000

    timings, decisions = _timed(index, questions)
    messages = long_messages(questions, args.seed)
    long_timings, long_decisions = _timed(index, messages)
    sizes = sorted(len(message) for message in messages)

    rows = [
        ("entries", f"{args.entries}"),
        ("questions", f"{len(questions)}"),
        ("index build", f"{build_ms:.0f} ms"),
        ("per question, median", f"{statistics.median(timings):.3f} ms"),
        ("per question, p95", f"{_percentile(timings, 0.95):.3f} ms"),
        ("per question, p99", f"{_percentile(timings, 0.99):.3f} ms"),
        ("per question, max", f"{max(timings):.3f} ms"),
        ("decisions", ", ".join(f"{key} {value}" for key, value in sorted(decisions.items()))),
        ("long messages", f"{len(messages)}, {sizes[0]}-{sizes[-1]} characters"),
        ("per long message, median", f"{statistics.median(long_timings):.3f} ms"),
        ("per long message, p95", f"{_percentile(long_timings, 0.95):.3f} ms"),
        ("per long message, max", f"{max(long_timings):.3f} ms"),
        (
            "long decisions",
            ", ".join(f"{key} {value}" for key, value in sorted(long_decisions.items())),
        ),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
