"""A B2B day to try in the demo: participants from the fictional registry, listed with what
their companies offer and look for, a few meetings already agreed among them, and the demo's
person listed too, with two requests waiting for them and one meeting in their agenda.

Deterministic for a given seed. Ids lie far above real Telegram ids and the history's people.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot.context import Services
from bot.devtools.history import FIRST_NAMES, LAST_NAMES
from storage.catalogue import utc_text
from storage.content import Event
from storage.matchmaking import ProfileDraft, Schedule
from storage.outbox import (
    MEETING_ANSWER,
    MEETING_CANCELLED,
    MEETING_FOLLOWUP,
    MEETING_PROPOSAL,
    MEETING_REQUEST,
    record_sent_when_queued,
)
from storage.seeding import (
    SeedPerson,
    SeedRegistration,
    add_people,
    add_registrations,
    verify_company_links,
)

FIRST_PARTICIPANT_ID = 9_100_000_000
PARTICIPANTS = 24
# What companies of each sector typically offer and look for (category ids of the catalogue).
OFFERS = {
    "machinery": ("engineering", "spare-parts", "gearboxes", "hydraulics", "automation"),
    "supplier": (
        "laser-cutting",
        "cnc-machining",
        "casting",
        "forging",
        "welding",
        "surface-treatment",
        "quality-testing",
    ),
    "textile": ("technical-textiles", "dyeing-finishing", "yarn-fabric", "embroidery-printing"),
}
SEEKS = {
    "machinery": ("laser-cutting", "cnc-machining", "casting", "welding", "surface-treatment"),
    "supplier": ("export-partners", "engineering", "logistics", "automation"),
    "textile": ("export-partners", "logistics", "technical-textiles", "quality-testing"),
}
DESCRIPTIONS = (
    "Ana sanayiye 20 yıldır parça üretiyoruz; ISO 9001 belgeliyiz.",
    "İş makineleri için yedek parça ve revizyon hizmeti veriyoruz.",
    "Avrupa'ya ihracat yapıyoruz, yeni tedarikçiler arıyoruz.",
    "Küçük seriler ve prototip işlerinde hızlıyız.",
    "",
)


def _event(services: Services, now: datetime) -> Event | None:
    """Return the next B2B day with matchmaking."""
    upcoming = [
        e
        for e in services.catalogue.events
        if e.kind == "b2b" and e.matchmaking is not None and e.starts_at > now
    ]
    return min(upcoming, key=lambda e: e.starts_at, default=None)


async def add_b2b_day(
    services: Services, demo_person: int, now: datetime, seed: int = 5
) -> str | None:
    """Fill the catalogue's B2B day with listed participants; return its id (None: no B2B day)."""
    event = _event(services, now)
    if event is None or event.matchmaking is None:
        return None
    rng = random.Random(seed)
    known = {category.id for category in services.catalogue.categories}
    companies = [
        c
        for c in await services.companies.all()
        if c.membership == "member" and c.sector_id in OFFERS and c.id is not None
    ]
    chosen = rng.sample(companies, min(PARTICIPANTS, len(companies)))
    seen = utc_text(now - timedelta(days=30))
    people = [
        SeedPerson(
            id=FIRST_PARTICIPANT_ID + n,
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            company=company.name,
            company_id=company.id,
            sector_id=company.sector_id,
            language="tr",
            seen_at=seen,
        )
        for n, company in enumerate(chosen)
    ]
    await add_people(services.database, people, services.catalogue.cluster.privacy_notice.version)
    # Joined through their company's invite link: verified members.
    await verify_company_links(services.database, [person.id for person in people])
    everyone = [*people]
    registrations = [
        SeedRegistration(
            event_id=event.id,
            person_id=person.id,
            company_id=person.company_id,
            sector_id=person.sector_id,
            status="confirmed",
            created_at=seen,
            attended=None,
            attended_at=None,
            rating=None,
        )
        for person in everyone
    ]
    await add_registrations(services.database, registrations)
    version = services.catalogue.cluster.privacy_notice.version
    store = services.matchmaking
    for person in everyone:
        sector = person.sector_id or "machinery"
        offers = [c for c in rng.sample(OFFERS[sector], 2) if c in known]
        seeks = [c for c in rng.sample(SEEKS[sector], 2) if c in known]
        draft = ProfileDraft(
            company=person.company,
            company_id=person.company_id,
            sector_id=person.sector_id,
            offers=tuple(offers),
            seeks=tuple(seeks),
            offers_text=None,
            seeks_text=None,
            languages=("tr", "en") if rng.random() < 0.5 else ("tr",),
            description=rng.choice(DESCRIPTIONS) or None,
        )
        await store.save_profile(person.id, event.id, draft, version, now)
    schedule = Schedule(event.slots(), event.matchmaking.tables)
    ids = [person.id for person in everyone]
    # Meetings already agreed among them, so the staff grid and agendas have something.
    for _ in range(len(ids)):
        a, b = rng.sample(ids, 2)
        made = await store.request(event.id, a, b, None, event.matchmaking.pending_cap, now)
        if made.request_id is not None:
            await store.answer(made.request_id, b, True, None, schedule, now)
    await _demo_person(services, event, demo_person, ids, schedule, now, rng)
    # The notices the demo's participants would have got were sent long ago.
    news = (MEETING_REQUEST, MEETING_ANSWER, MEETING_CANCELLED, MEETING_FOLLOWUP, MEETING_PROPOSAL)
    async with services.database.transaction() as tx:
        await record_sent_when_queued(tx, news, demo_person)
    return event.id


async def _demo_person(
    services: Services,
    event: Event,
    person_id: int,
    others: list[int],
    schedule: Schedule,
    now: datetime,
    rng: random.Random,
) -> None:
    """Register and list the demo's person, with two requests to answer and one meeting."""
    assert event.matchmaking is not None
    await add_registrations(
        services.database,
        [
            SeedRegistration(
                event.id, person_id, None, "machinery", "confirmed", utc_text(now), None, None, None
            )
        ],
    )
    store = services.matchmaking
    person = await services.people.get(person_id)
    draft = ProfileDraft(
        company=(person.company if person else None) or "Demo Makina",
        company_id=None,
        sector_id="machinery",
        offers=("engineering", "spare-parts"),
        seeks=("laser-cutting", "casting"),
        offers_text=None,
        seeks_text="hidrolik silindir gövdesi",
        languages=("tr", "en"),
        description="Kırıcı ve kepçe ataşmanları üretiyoruz.",
    )
    version = services.catalogue.cluster.privacy_notice.version
    await store.save_profile(person_id, event.id, draft, version, now)
    first, second, third = rng.sample(others, 3)
    notes = (
        "Lazer kesim kapasitemizi anlatmak isteriz.",
        "Ataşman parçaları için teklif verebiliriz.",
    )
    for requester, note in zip((first, second), notes, strict=True):
        await store.request(
            event.id, requester, person_id, note, event.matchmaking.pending_cap, now
        )
    made = await store.request(event.id, third, person_id, None, event.matchmaking.pending_cap, now)
    if made.request_id is not None:
        await store.answer(made.request_id, person_id, True, None, schedule, now)
