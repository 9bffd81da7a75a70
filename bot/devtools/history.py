"""A past for the demo and the benchmarks: events held, who came from which company, ratings,
service requests, questions and announcements, so the impact report has something to show.

Deterministic for a given seed. The people are fictional; their ids lie far above real
Telegram test ids so they never meet the emulator's users.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.context import Services
from bot.domain.certificates import new_code
from bot.domain.impact import event_hours
from bot.domain.surveys import as_steps, submitted_answers
from storage.applications import ACCEPTED, DECLINED, RESERVE
from storage.broadcasts import SECTOR, Audience, BroadcastRepository
from storage.catalogue import parse_utc, utc_text
from storage.certificates import CertificateRepository
from storage.companies import Company
from storage.content import catalogue_to_document, parse_catalogue
from storage.questions import (
    CHOICE,
    MULTI_CHOICE,
    NUMBER,
    PERCENTAGE,
    SCALE,
    YES_NO,
    Question,
)
from storage.seeding import (
    SeedMeeting,
    SeedPerson,
    SeedRegistration,
    SeedTicket,
    add_announcement_consents,
    add_broadcasts,
    add_feedback_asked,
    add_meetings,
    add_people,
    add_questions,
    add_registrations,
    add_survey_round,
    add_tickets,
    set_genders,
    verify_company_links,
)
from storage.staff_added import HAND, NewParticipant
from storage.survey_definitions import FEEDBACK
from storage.surveys import FEEDBACK_OPEN

_FIRST_NAMES = (
    "Ayşe Fatma Zeynep Elif Merve Emine Hatice Esra Selin Derya Gül Seda Burcu Özlem Gamze "
    "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Burak Serkan Oğuz Kerem Tolga Cem"
)
_LAST_NAMES = (
    "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç "
    "Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Çakır Erdoğan Güneş Aksoy Tekin"
)
FIRST_NAMES = _FIRST_NAMES.split()
LAST_NAMES = _LAST_NAMES.split()
FIRST_PERSON_ID = 9_000_000_000
QUESTIONS = ("aidat ne kadar", "egitim sertifikasi", "ihracat destegi", "b2b gorusme", "kosgeb")
# What people wrote to the team, and what the team answered (picked by position, not drawn).
_ASKED_TEAM = {
    "question": (
        "KOSGEB ihracat desteğine başvurmak için kümeye üye olmamız gerekiyor mu?",
        "Geçen ayki eğitimin sunum dosyalarını paylaşabilir misiniz?",
        "Fuar katılım desteğinin üst sınırı ne kadar?",
    ),
    "service_request": (
        "Bu hizmetten yararlanmak istiyoruz; uygun bir görüşme zamanı önerebilir misiniz?",
        "Firmamız için bu konuda destek rica ediyoruz; üretim müdürümüz görüşmeye hazır.",
        "Başvuru için hangi belgeleri hazırlamamız gerekiyor?",
    ),
}
_TEAM_ANSWERS = (
    "Merhaba, konuyla ilgili uzmanımız sizi bu hafta arayacak.",
    "Bilgiler e-posta adresinize gönderildi; sorunuz olursa buradan yazabilirsiniz.",
)


async def add_waiting_tickets(services: Services, now: datetime, demo_person_id: int) -> None:
    """Give the team a few recent tickets to answer, from the history's people (not the demo's
    own): two waiting for an answer, one answered and waiting for the person."""
    rows = await services.database.fetch_all(
        "SELECT id FROM people WHERE full_name IS NOT NULL AND id != ? ORDER BY id LIMIT 3",
        (demo_person_id,),
    )
    if len(rows) < 3:
        return
    waiting = [
        ("question", None, "Dijital dönüşüm hibesinin başvuru tarihi belli oldu mu?", 3),
        ("service_request", "internationalisation", "İtalya'daki bir fuarda B2B görüşme "
         "ayarlanmasını istiyoruz; hangi belgeler gerekiyor?", 26),
        ("question", None, "Eğitim katılım belgemi e-Devlet'e yükleyebilir miyim?", 50),
    ]  # fmt: skip
    tickets = [
        SeedTicket(
            person_id=row["id"],
            kind=kind,
            service_id=service if services.catalogue.service(service or "") else None,
            status="open",
            created_at=utc_text(now - timedelta(hours=hours)),
            # The last one was answered: it waits for the person.
            answered_at=utc_text(now - timedelta(hours=hours - 2)) if number == 2 else None,
            question=text,
            answer=_TEAM_ANSWERS[1],
        )
        for number, (row, (kind, service, text, hours)) in enumerate(
            zip(rows, waiting, strict=True)
        )
    ]
    await add_tickets(services.database, tickets)


# What applicants write where an event asks in words.
_WRITTEN = (
    "Avrupa'daki tedarikçilerle tanışmak ve otomasyon çözümlerini yerinde görmek.",
    "Üretim hattımızda verimliliği artırmak için örnek uygulamalar arıyoruz.",
    "İhracat pazarımızı genişletmek, yeni iş ortaklıkları kurmak.",
    "Boya hattındaki fire oranı",
    "Kalıp değişim süreleri",
)
# What raters wrote after an event: the most useful part, and what they want next.
_USEFUL = (
    "Uygulamalı örnekler çok faydalıydı.",
    "Diğer firmalarla tanışma fırsatı.",
    "Eğitmenin sahadan verdiği örnekler.",
    "Hibe başvurusu için adım adım anlatım.",
    "Soru-cevap bölümü.",
)
_WISHES = (
    "Yalın üretim üzerine ileri düzey bir eğitim.",
    "İhracat pazarlarıyla ilgili bir B2B günü.",
    "Enerji verimliliği konusunda bir fabrika ziyareti.",
    "Dijital dönüşüm için birebir danışmanlık.",
)
# Applications to each upcoming event where staff select, for staff to try the review.
APPLICANTS = 30


@dataclass(frozen=True)
class HistorySize:
    """How much past to make."""

    events: int = 24
    people: int = 320
    registrations: int = 1_400
    companies: int = 0  # extra synthetic companies beyond the registry's


async def add_history(
    services: Services, now: datetime, size: HistorySize = HistorySize(), seed: int = 13
) -> list[SeedPerson]:
    """Write a year of past activity ending at `now` into the assistant's database; return
    its people."""
    rng = random.Random(seed)
    if size.companies:
        await _add_companies(services, size.companies, rng)
    companies = await services.companies.all()
    events = await _add_events(services, now, size.events, rng)
    people = _people(companies, size.people, now, rng)
    await add_people(services.database, people)
    await _add_genders(services, people, random.Random(seed + 1))
    # Consents and meetings draw from their own streams: the rest stays as it was before them.
    consents = await _add_consents(services, people, random.Random(seed + 3))
    await _confirm_people(services, people, rng)
    registrations = _registrations(events, people, size.registrations, rng)
    await add_registrations(services.database, registrations)
    await _add_meetings(services, events, registrations, random.Random(seed + 4))
    await _add_walk_ins(services, events, rng)
    await _certify(services, [event_id for event_id, _, _ in events], now)
    await _add_the_rest(services, now, people, len(events), rng, consents)
    await _add_applications(services, people, now, rng)
    await _add_surveys(services, people, now, random.Random(seed + 2))
    await _add_data_actions(services, [event_id for event_id, _, _ in events])
    return people


async def _add_data_actions(services: Services, event_ids: list[str]) -> None:
    """Log what the staff privacy log lists: list downloads by staff and members' own requests."""
    staff_id = min(services.settings.staff_ids, default=0)
    audit = services.audit
    for event_id in event_ids[-2:]:
        await audit.record(staff_id, "attendees.export", f"event:{event_id}", {"rows": 18})
    await audit.record(0, "privacy.export")
    await audit.record(0, "privacy.erase", None, {"cancelled": 1})


async def _certify(services: Services, event_ids: list[str], now: datetime) -> None:
    """Record the certificates the trainings held gave, each issued as its event ended (the
    job issues them minutes after the end) and sent back then: nothing is queued."""
    certificates = CertificateRepository(services.database)
    for event_id in event_ids:
        event = services.catalogue.event(event_id)
        if event is not None and event.certificate:
            hours = event_hours(event.starts_at, event.ends_at)
            issued = min(now, event.ends_at)
            await certificates.issue(event, hours, new_code, issued, deliver=False)


async def add_demo_member(
    services: Services, person_id: int, full_name: str, now: datetime
) -> str | None:
    """Make the demo's person a member who came to the latest training held, certified,
    and was asked for feedback on it.

    Returns the event's id, or None when the history holds no training with certificates.
    """
    held = sorted(
        (
            event
            for event in services.catalogue.events
            if event.certificate and event.ends_at <= now and event.id.startswith("held-")
        ),
        key=lambda event: event.starts_at,
    )
    if not held:
        return None
    event = held[-1]
    companies = [c for c in await services.companies.all() if c.membership == "member"]
    company = companies[0] if companies else None
    seen = utc_text(now - timedelta(days=30))
    await add_people(
        services.database,
        [
            SeedPerson(
                id=person_id,
                full_name=full_name,
                company=company.name if company else "Demo Makina Ltd.",
                company_id=company.id if company else None,
                sector_id=company.sector_id if company else None,
                language="tr",
                seen_at=seen,
            )
        ],
        # They read today's notice when they signed up, as /privacy will say.
        notice_version=services.catalogue.cluster.privacy_notice.version,
    )
    arrived = utc_text(event.starts_at + timedelta(minutes=-5))
    await add_registrations(
        services.database,
        [
            SeedRegistration(
                event_id=event.id,
                person_id=person_id,
                company_id=company.id if company else None,
                sector_id=company.sector_id if company else None,
                status="confirmed",
                created_at=seen,
                attended=1,
                attended_at=arrived,
                rating=None,
            )
        ],
    )
    await _certify(services, [event.id], now)
    # The feedback message after it reached them and is not answered yet: /surveys offers it.
    if now < event.ends_at + FEEDBACK_OPEN:
        sent = utc_text(min(now, event.ends_at + timedelta(hours=2)))
        await add_feedback_asked(services.database, event.id, person_id, sent)
    if company is not None and company.id is not None:
        await _answer_for_demo_company(services, person_id, company.id, now)
    return event.id


async def _add_companies(services: Services, count: int, rng: random.Random) -> None:
    sectors = [sector.id for sector in services.catalogue.sectors]
    extra = []
    for n in range(count):
        name = f"{rng.choice(LAST_NAMES)} {n} Sanayi A.Ş."
        extra.append(
            Company(
                id=None,
                name=name,
                name_key=name.lower(),
                sector_id=rng.choice(sectors),
                employees=rng.randint(3, 400),
                city=rng.choice(("Ankara", "Konya", "Kayseri", "Bursa")),
                membership=rng.choice(("member", "member", "non_member", "former")),
            )
        )
    await services.companies.save(extra, [])


# Member companies given a contact person (the first of their confirmed people).
CONTACTS = 3


async def _confirm_people(services: Services, people: list[SeedPerson], rng: random.Random) -> None:
    """Confirm most people's companies, leave a few claims waiting, give some a contact."""
    confirmed = [p.id for p in people if p.company_id is not None and rng.random() < 0.9]
    await verify_company_links(services.database, confirmed, CONTACTS)


# About two in three people said yes to announcements: most when they first came, some later.
ANNOUNCEMENT_SHARE = 0.65


async def _add_consents(
    services: Services, people: list[SeedPerson], rng: random.Random
) -> dict[int, datetime]:
    """Give about two thirds of the people announcement consent; return when each gave it."""
    given: dict[int, datetime] = {}
    for person in people:
        if rng.random() < ANNOUNCEMENT_SHARE:
            later = 0 if rng.random() < 0.7 else rng.randint(1, 300)
            at = parse_utc(person.seen_at) + timedelta(days=later, minutes=rng.randint(1, 30))
            given[person.id] = at
    version = services.catalogue.cluster.privacy_notice.version
    await add_announcement_consents(
        services.database, version, [(person, utc_text(at)) for person, at in given.items()]
    )
    return given


# A B2B day held: 20-minute meetings in two sessions of three hours, at twelve tables (the
# plan of the demo's own B2B day). Those who came met two or three others each; now and then
# one side did not come and staff marked the no-show. What meetings led to, as each side
# answered the question after the day (most answered).
_MEETING = timedelta(minutes=20)
_SESSIONS = (timedelta(0), timedelta(hours=4))
_SLOTS_PER_SESSION = 9
_TABLES = 12
_MEETINGS_EACH = (1.0, 1.3)  # meetings per participant who came, two sides each: two or three
_NO_SHOWS = 0.06
_OUTCOMES = (None, "nothing", "follow_up", "offer", "deal")
_OUTCOME_WEIGHTS = (35, 22, 26, 12, 5)


async def _add_meetings(
    services: Services,
    events: list[tuple[str, datetime, datetime]],
    registrations: list[SeedRegistration],
    rng: random.Random,
) -> None:
    """Give each B2B day held the meetings that took place there, among those who came."""
    came: dict[str, list[int]] = {}
    for registration in registrations:
        if registration.attended == 1:
            came.setdefault(registration.event_id, []).append(registration.person_id)
    meetings: list[SeedMeeting] = []
    for event_id, starts_at, _ in events:
        event = services.catalogue.event(event_id)
        people = sorted(came.get(event_id, []))
        if event is not None and event.kind == "b2b" and len(people) > 1:
            meetings += _b2b_day(event_id, starts_at, people, rng)
    await add_meetings(services.database, meetings)


def _b2b_day(
    event_id: str, starts_at: datetime, people: list[int], rng: random.Random
) -> list[SeedMeeting]:
    """Plan a B2B day's meetings the way the assistant does: the earliest slot both sides have
    free, the lowest free table, never the same two people twice."""
    slots = [
        starts_at + session + _MEETING * n
        for session in _SESSIONS
        for n in range(_SLOTS_PER_SESSION)
    ]
    busy: dict[int, set[int]] = {person: set() for person in people}
    taken = [0] * len(slots)  # tables taken at each slot
    met: set[tuple[int, int]] = set()
    meetings: list[SeedMeeting] = []
    wanted = round(len(people) * rng.uniform(*_MEETINGS_EACH))
    for _ in range(wanted * 10):
        if len(meetings) >= wanted:
            break
        a, b = rng.sample(people, 2)
        either = busy[a] | busy[b]
        free = [slot for slot in range(len(slots)) if taken[slot] < _TABLES and slot not in either]
        if (min(a, b), max(a, b)) in met or not free:
            continue
        slot = free[0]
        met.add((min(a, b), max(a, b)))
        busy[a].add(slot)
        busy[b].add(slot)
        taken[slot] += 1
        asked = starts_at - timedelta(days=rng.randint(2, 14), hours=rng.randint(0, 9))
        at = utc_text(slots[slot])
        if rng.random() < _NO_SHOWS:
            meetings.append(SeedMeeting(event_id, a, b, utc_text(asked), at, None, None, "absent"))
            continue
        said_a, said_b = (rng.choices(_OUTCOMES, _OUTCOME_WEIGHTS)[0] for _ in range(2))
        meetings.append(
            SeedMeeting(
                event_id, a, b, utc_text(asked), at, slot, taken[slot], None, said_a, said_b
            )
        )
    return meetings


# Held events that also had people without Telegram, added by staff at the door.
WALK_IN_EVENTS = 4


async def _add_walk_ins(
    services: Services, events: list[tuple[str, datetime, datetime]], rng: random.Random
) -> None:
    """Give a few held events walk-ins staff added by hand: present, some from the registry."""
    companies = await services.companies.all()
    staff_id = next(iter(sorted(services.settings.staff_ids)), 0)
    for event_id, _, ends_at in events[:WALK_IN_EVENTS]:
        walk_ins = []
        for _ in range(rng.randint(1, 3)):
            company = rng.choice(companies) if companies and rng.random() < 0.7 else None
            walk_ins.append(
                NewParticipant(
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    company_name=company.name if company else "Bireysel katılımcı",
                    company_id=company.id if company else None,
                    present=True,
                )
            )
        await services.staff_added.add(event_id, walk_ins, staff_id, HAND, ends_at)


async def _add_events(
    services: Services, now: datetime, count: int, rng: random.Random
) -> list[tuple[str, datetime, datetime]]:
    document = catalogue_to_document(services.catalogue)
    templates = list(document["events"])
    held = []
    for n in range(count):
        template = templates[n % len(templates)]
        event = copy.deepcopy(template)
        length = datetime.fromisoformat(template["ends_at"]) - datetime.fromisoformat(
            template["starts_at"]
        )
        # Spread over the past year, the newest a week ago.
        day = now - timedelta(days=7 + (358 * n) // max(count, 1) + rng.randint(0, 3))
        starts_at = day.replace(hour=6, minute=30, second=0, microsecond=0)
        event.update(
            id=f"held-{n + 1:04d}",
            starts_at=starts_at.isoformat(),
            ends_at=(starts_at + length).isoformat(),
        )
        event.pop("registration_deadline", None)
        event.pop("capacity", None)
        # Past copies need no meeting schedule (its sessions would lie on the original day).
        event.pop("matchmaking", None)
        # Held long ago: whoever came is in the registrations, however they got there.
        for name in ("selection", "decision_date", "confirm_days", "reserve_cutoff_days"):
            event.pop(name, None)
        document["events"].append(event)
        held.append((event["id"], starts_at, starts_at + length))
    await services.catalogue_store.import_catalogue(parse_catalogue(document, "history"))
    await services.reload_catalogue()
    return held


def _people(
    companies: list[Company], count: int, now: datetime, rng: random.Random
) -> list[SeedPerson]:
    members = [c for c in companies if c.membership == "member"] or companies
    people = []
    for n in range(count):
        # Most participants come from member companies; a few typed a company not listed.
        company = rng.choice(members if rng.random() < 0.75 else companies) if companies else None
        listed = company is not None and rng.random() < 0.95
        people.append(
            SeedPerson(
                id=FIRST_PERSON_ID + n,
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                company=company.name if company else "Bilinmeyen Ltd.",
                company_id=company.id if company and listed else None,
                sector_id=company.sector_id if company else None,
                language="tr" if rng.random() < 0.9 else "en",
                seen_at=utc_text(now - timedelta(days=400)),
            )
        )
    return people


async def _add_genders(services: Services, people: list[SeedPerson], rng: random.Random) -> None:
    """Answer the optional gender question for some: most never open it, a few prefer not to."""
    # Its own random stream: the rest of the history stays as it was before genders.
    answers = [
        (rng.choices(("woman", "man", "unsaid"), (35, 55, 10))[0], person.id)
        for person in people
        if rng.random() < 0.6
    ]
    await set_genders(services.database, answers)


def _registrations(
    events: list[tuple[str, datetime, datetime]],
    people: list[SeedPerson],
    count: int,
    rng: random.Random,
) -> list[SeedRegistration]:
    registrations: list[SeedRegistration] = []
    weights = [rng.uniform(0.6, 1.4) for _ in events]
    # Events differ in size; together they hold `count` registrations (as far as people allow).
    sizes = [min(len(people), max(1, round(count * w / sum(weights)))) for w in weights]
    if sizes:
        sizes[-1] = min(len(people), max(1, sizes[-1] + count - sum(sizes)))
    for (event_id, starts_at, _), size in zip(events, sizes, strict=True):
        for person in rng.sample(people, size):
            status = "confirmed" if rng.random() < 0.9 else "cancelled"
            came = status == "confirmed" and rng.random() < 0.78
            rating = rng.choices((5, 4, 3, 2, 1), (45, 35, 12, 5, 3))[0]
            registrations.append(
                SeedRegistration(
                    event_id=event_id,
                    person_id=person.id,
                    company_id=person.company_id,
                    sector_id=person.sector_id,
                    status=status,
                    created_at=utc_text(starts_at - timedelta(days=rng.randint(2, 20))),
                    attended=(1 if came else 0) if status == "confirmed" else None,
                    attended_at=(
                        utc_text(starts_at + timedelta(minutes=rng.randint(-20, 15)))
                        if came
                        else None
                    ),
                    rating=rating if came and rng.random() < 0.6 else None,
                    useful=_pick(_USEFUL, len(registrations), 3),
                    wish=_pick(_WISHES, len(registrations), 5),
                )
            )
    return registrations


def _pick(words: tuple[str, ...], index: int, every: int) -> str | None:
    """Return what every `every`th rater also wrote, picked by position (not drawn, so the
    history's random draws stay what they were)."""
    return words[index // every % len(words)] if index % every == 0 else None


async def _add_the_rest(
    services: Services,
    now: datetime,
    people: list[SeedPerson],
    events: int,
    rng: random.Random,
    consents: dict[int, datetime],
) -> None:
    service_ids = [service.id for service in services.catalogue.services]
    tickets: list[SeedTicket] = []
    for _ in range(max(4, events // 2)):
        created = now - timedelta(days=rng.randint(8, 360), hours=rng.randint(0, 8))
        answered = created + timedelta(hours=rng.uniform(0.5, 30)) if rng.random() < 0.85 else None
        kind = "service_request" if rng.random() < 0.6 else "question"
        tickets.append(
            SeedTicket(
                person_id=rng.choice(people).id,
                kind=kind,
                service_id=rng.choice(service_ids) if kind == "service_request" else None,
                status="closed" if answered and rng.random() < 0.8 else "open",
                created_at=utc_text(created),
                answered_at=utc_text(answered) if answered else None,
                question=_pick(_ASKED_TEAM[kind], len(tickets), 1) or "",
                answer=_pick(_TEAM_ANSWERS, len(tickets), 1) or "",
            )
        )
    await add_tickets(services.database, tickets)
    questions = [
        (
            rng.choice(people).id,
            rng.choice(QUESTIONS),
            rng.choices(("answer", "suggest", "none"), (70, 18, 12))[0],
            rng.choice((1, 1, 1, 0, None)),
            utc_text(now - timedelta(days=rng.randint(1, 360))),
        )
        for _ in range(max(10, events * 4))
    ]
    await add_questions(services.database, questions)
    broadcasts = []
    for month in range(1, 12):
        audience = {"kind": "all"} if month % 3 else {"kind": "sector", "value": "textile"}
        sent_at = now - timedelta(days=30 * month)
        # Those who had said yes to announcements by then (and were in the sector asked).
        recipients = sum(
            1
            for person in people
            if person.id in consents
            and consents[person.id] <= sent_at
            and (month % 3 or person.sector_id == "textile")
        )
        broadcasts.append(
            (
                next(iter(services.settings.staff_ids), 1),
                json.dumps(audience),
                utc_text(sent_at),
                recipients,
                int(recipients * 0.97),
            )
        )
    await add_broadcasts(services.database, broadcasts)


async def _add_applications(
    services: Services, people: list[SeedPerson], now: datetime, rng: random.Random
) -> None:
    """Let some of the people apply to each upcoming selection event, a few already decided."""
    upcoming = [e for e in services.catalogue.events if e.by_application and e.starts_at > now]
    staff_id = next(iter(services.settings.staff_ids), 1)
    for event in upcoming:
        for person in rng.sample(people, min(APPLICANTS, len(people))):
            answers = {q.id: _answer(q, rng) for q in event.questions}
            applied = await services.applications.apply(
                event, person.id, None, person.sector_id, answers, now
            )
            if applied is None:
                continue
            decision = rng.choices((None, ACCEPTED, RESERVE, DECLINED), (70, 10, 10, 10))[0]
            if decision is not None:
                await services.applications.decide(
                    event, applied.application.id, decision, staff_id, now=now
                )
        # Decisions made "earlier" wait, like any, for staff to press "notify".


def _answer(question: Question, rng: random.Random) -> object:
    """Return a plausible answer to one question."""
    if question.type == CHOICE:
        return rng.choice(question.choices).id
    if question.type == MULTI_CHOICE:
        picked = rng.sample(question.choices, rng.randint(1, len(question.choices)))
        return [choice.id for choice in picked]
    if question.type == YES_NO:
        return "yes" if rng.random() < 0.8 else "no"
    if question.type == NUMBER:
        low = int(question.minimum if question.minimum is not None else 1)
        high = int(question.maximum if question.maximum is not None else 500)
        return rng.randint(low, min(high, max(low, 250)))
    return rng.choice(_WRITTEN)


# Plausible ranges of the demo benchmark's figures, by question id; others take 0-100.
_FIGURES = {
    "revenue_per_employee": (550_000.0, 2_400_000.0),
    "export_share": (0.0, 75.0),
    "on_time_delivery": (68.0, 99.5),
    "scrap_rate": (0.4, 9.0),
    "training_hours": (2.0, 42.0),
    "rnd_share": (0.0, 6.5),
}
# Companies answering each demo benchmark round: well above the K of 10.
_BENCHMARK_COMPANIES = 24
_ANONYMOUS_ANSWERS = 60


def _survey_answer(question: Question, rng: random.Random, better: float = 0.0) -> object:
    """Return a plausible answer to a survey question; `better` lifts figures (a later round)."""
    if question.type == SCALE:
        first, last = int(question.minimum or 0), int(question.maximum or 5)
        return rng.randint(max(first, last - 4), last)
    if (
        question.type in (NUMBER, PERCENTAGE) and question.id in _FIGURES
    ) or question.type == PERCENTAGE:
        low, high = _FIGURES.get(question.id, (0.0, 100.0))
        value = rng.uniform(low, high) * (1 + better)
        top = question.maximum if question.maximum is not None else value
        return round(min(value, top), 2 if question.decimal or question.type == PERCENTAGE else 0)
    return _answer(question, rng)


async def _add_surveys(
    services: Services, people: list[SeedPerson], now: datetime, rng: random.Random
) -> None:
    """Give each demo survey answered rounds: a benchmark two (to compare), others one."""
    with_company = [person for person in people if person.company_id is not None]
    for survey in services.catalogue.surveys:
        if survey.after_event_days is not None or survey.id == FEEDBACK:
            continue  # per event: follow-ups come from their job, feedback with the ratings
        rounds = 2 if survey.benchmark else 1
        for number in range(1, rounds + 1):
            opened = now - timedelta(days=30 * (rounds - number) + 20)
            round_id = await add_survey_round(
                services.database, survey.id, number, utc_text(opened), len(people)
            )
            if survey.per_company:
                answering: list[SeedPerson] = []
                seen: set[int] = set()
                for person in with_company:
                    if person.company_id not in seen:
                        seen.add(person.company_id or 0)
                        answering.append(person)
                answering = answering[:_BENCHMARK_COMPANIES]
            else:
                answering = rng.sample(people, min(_ANONYMOUS_ANSWERS, len(people)))
            for person in answering:
                given = {
                    q.id: _survey_answer(q, rng, 0.06 * (number - 1)) for q in survey.questions
                }
                await services.surveys.submit(
                    survey,
                    round_id,
                    person.id,
                    person.company_id if survey.per_company else None,
                    submitted_answers(survey, as_steps(given)),
                    opened + timedelta(days=rng.randint(1, 10)),
                )


# The upcoming event the demo fills to its last seat, with people waiting.
FULL_EVENT = "resource-workshop-2027-03"
WAITING = 2


async def add_demo_full_event(services: Services, person_id: int, now: datetime) -> str | None:
    """Fill an upcoming workshop: the demo's person holds a seat, fictional people take the
    rest and two wait, so its page shows "your seat is reserved" and staff can message its
    registrants, cancel a place (the next in line moves up) or give a seat by hand.

    Returns the event's id, or None when the catalogue has no such event with a capacity.
    """
    event = services.catalogue.event(FULL_EVENT)
    if event is None or event.capacity is None or event.starts_at <= now:
        return None
    rng = random.Random(FULL_EVENT)
    companies = await services.companies.all()
    count = event.capacity - 1 + WAITING
    people = [
        replace(person, id=person.id + 900_000)
        for person in _people(companies, count, now - timedelta(days=60), rng)
    ]
    await add_people(
        services.database,
        people,
        notice_version=services.catalogue.cluster.privacy_notice.version,
    )
    # The demo's person works at the first member company (add_demo_member).
    members = [c for c in companies if c.membership == "member"]
    own = members[0] if members else None
    seats = [
        SeedRegistration(
            event_id=event.id,
            person_id=person.id,
            company_id=person.company_id,
            sector_id=person.sector_id,
            status="confirmed" if index < event.capacity - 1 else "waitlisted",
            created_at=utc_text(now - timedelta(days=20) + timedelta(hours=index)),
            attended=None,
            attended_at=None,
            rating=None,
        )
        for index, person in enumerate(people)
    ]
    seats.insert(
        0,
        SeedRegistration(
            event_id=event.id,
            person_id=person_id,
            company_id=own.id if own is not None else None,
            sector_id=own.sector_id if own is not None else None,
            status="confirmed",
            created_at=utc_text(now - timedelta(days=21)),
            attended=None,
            attended_at=None,
            rating=None,
        ),
    )
    await add_registrations(services.database, seats)
    return event.id


async def add_demo_broadcasts(services: Services, staff_id: int, now: datetime) -> None:
    """Leave the demo's staff person an unfinished draft and a planned announcement: /broadcast."""
    store = BroadcastRepository(services.database, services.settings.default_language)
    draft = await store.create_draft(
        staff_id,
        "tr",
        "<b>Hatırlatma:</b> Tekstil firmalarına özel dijital dönüşüm bilgi gününe kayıtlar "
        "cuma akşamı kapanıyor.\nKaydolmak için /events yazabilirsiniz.",
        None,
        None,
        now - timedelta(days=1, hours=3),
    )
    await store.set_audience(draft.id, staff_id, Audience(SECTOR, "textile"))
    planned = await store.create_draft(
        staff_id,
        "tr",
        "Yeni dönem KOBİ destek çağrısı açıldı: başvurular ay sonuna kadar sürüyor.\n"
        "Başvuru dosyanızı hazırlarken küme ofisinden destek alabilirsiniz.",
        None,
        None,
        now - timedelta(hours=5),
    )
    at = (now + timedelta(days=3)).replace(hour=6, minute=0, second=0, microsecond=0)
    await store.schedule(planned.id, staff_id, at)


async def _answer_for_demo_company(
    services: Services, person_id: int, company_id: int, now: datetime
) -> None:
    """Confirm the demo person's company link and answer its latest benchmark, if not yet."""
    await verify_company_links(services.database, [person_id])
    rng = random.Random(person_id)
    for survey in services.catalogue.surveys:
        rounds = await services.surveys.rounds_of(survey.id) if survey.benchmark else []
        if not rounds or await services.surveys.company_answer(rounds[0].id, company_id):
            continue
        given = {q.id: _survey_answer(q, rng) for q in survey.questions}
        await services.surveys.submit(
            survey, rounds[0].id, person_id, company_id, given, now - timedelta(days=3)
        )
