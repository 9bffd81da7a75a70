"""A company's staff page: its people as far as staff may see them, its participation, the
services it asked for and how they ended, and the feedback its people gave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.seeding import (
    SeedPerson,
    SeedRegistration,
    SeedTicket,
    add_people,
    add_registrations,
    add_tickets,
)
from tests.conftest import Assistant
from tests.test_staff_events import staff_member

HITIT = "Hitit Dokuma San. ve Tic. A.Ş."


async def hitit_year(assistant: Assistant) -> int:
    """Two people of Hitit at an event (one rated it with a comment) and three requests."""
    services = assistant.services
    ids = {c.name: c.id for c in await services.companies.all()}
    hitit = ids[HITIT]
    assert hitit is not None
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    await add_people(
        services.database,
        [
            SeedPerson(940_001, "Ali Kaya", "Hitit Dokuma", hitit, "textile", "tr", seen),
            SeedPerson(940_002, "Zehra Ak", "Hitit", hitit, "textile", "tr", seen),
        ],
    )
    await services.database.execute(
        "UPDATE people SET phone = '0532 999 88 77', email = 'zehra@hitit.example' "
        "WHERE id = 940002"
    )
    await assistant.add_event("held-here", starts_in=timedelta(days=-3))
    await add_registrations(
        services.database,
        [
            SeedRegistration("held-here", 940_001, hitit, None, "confirmed", seen, 1, seen, 4),
            SeedRegistration(
                "held-here",
                940_002,
                hitit,
                None,
                "confirmed",
                seen,
                1,
                seen,
                5,
                useful="Çok faydalı, devamını bekliyoruz",
            ),
        ],
    )
    await add_tickets(
        services.database,
        [
            SeedTicket(940_001, "service_request", "benchmarking", "closed", seen, seen),
            SeedTicket(940_002, "service_request", "benchmarking", "closed", seen, seen),
            SeedTicket(940_002, "service_request", "ipr", "open", seen, None),
        ],
    )
    await services.database.execute(
        "UPDATE tickets SET outcome = 'not_delivered', outcome_note = 'Veri eksik geldi' "
        "WHERE person_id = 940002 AND service_id = 'benchmarking'"
    )
    await services.database.execute(
        "UPDATE tickets SET outcome = 'delivered', outcome_note = 'Rapor teslim edildi' "
        "WHERE person_id = 940001"
    )
    return hitit


async def test_staff_see_a_companys_services_and_feedback(assistant: Assistant) -> None:
    await hitit_year(assistant)
    elif_ = staff_member(assistant)
    found = await elif_.says("/company hitit dokuma")
    page = await elif_.press(found, HITIT)
    text = page.text or ""
    assert "Kişiler (2)" in text and "• Zehra Ak" in text
    # Names only: the people's phone numbers and e-mail addresses stay off the page.
    assert "0532 999 88 77" not in text and "zehra@hitit.example" not in text
    assert "Test etkinliği held-here (2 kayıt, 2 katıldı)" in text
    assert "• Kıyaslama" in text
    assert ": 2 talep · 1 karşılandı · 1 karşılanamadı" in text
    assert "📝 Veri eksik geldi" in text or "📝 Rapor teslim edildi" in text
    assert ": 1 talep · 0 karşılandı · 1 açık" in text
    assert "Geri bildirim: 5★ 1 · 4★ 1 · 3★ 0 · 2★ 0 · 1★ 0" in text
    assert "• “Çok faydalı, devamını bekliyoruz”" in text
    assert "Ali Kaya: “" not in text  # comments come without names


async def test_the_page_in_english(assistant: Assistant) -> None:
    await hitit_year(assistant)
    john = staff_member(assistant, "en", name="John")
    found = await john.says("/company hitit dokuma")
    page = await john.press(found, HITIT)
    text = page.text or ""
    assert "2 requested · 1 delivered · 1 not delivered" in text
    assert "Feedback: 5★ 1 · 4★ 1" in text
