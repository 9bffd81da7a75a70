"""The demo's past reads like a cluster's year: certificates dated the day they were issued,
B2B days with the meetings held there, and members who said yes to announcements."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.devtools.history import add_history
from storage.catalogue import parse_utc
from storage.privacy import ANNOUNCEMENTS
from tests.conftest import Assistant
from tests.test_broadcast import draft
from tests.test_staff_events import staff_member

MINISTRY = "Küme Gelişim Programı: Makine ve Teksti…"


async def test_a_certificate_of_the_past_carries_the_day_its_training_ended(
    assistant: Assistant,
) -> None:
    now = datetime.now(UTC)
    await add_history(assistant.services, now)
    rows = await assistant.fetch(
        "SELECT c.code, c.issued_at, e.ends_at FROM certificates c "
        "JOIN events e ON e.id = c.event_id ORDER BY e.ends_at DESC"
    )
    assert len(rows) > 100
    assert all(row["issued_at"] == row["ends_at"] for row in rows)
    latest = rows[0]
    answer = await assistant.person("Kemal").says(f"/verify {latest['code']}")
    texts = assistant.services.texts
    issued = texts.day(parse_utc(latest["ends_at"]), "tr")
    assert f"Düzenlenme tarihi: {issued}" in (answer.text or "")
    assert texts.day(now, "tr") not in (answer.text or "")


async def test_past_b2b_days_had_meetings_among_those_who_came_and_the_project_counts_them(
    assistant: Assistant,
) -> None:
    await add_history(assistant.services, datetime.now(UTC))
    days = await assistant.fetch(
        "SELECT e.kind, COUNT(*) AS held FROM meetings m JOIN events e ON e.id = m.event_id "
        "WHERE m.status = 'scheduled' GROUP BY e.id ORDER BY e.starts_at"
    )
    assert [day["kind"] for day in days] == ["b2b", "b2b"]
    assert all(40 <= day["held"] <= 90 for day in days)
    strangers = await assistant.fetch(
        "SELECT s.person_id FROM meeting_seats s WHERE NOT EXISTS (SELECT 1 FROM registrations r "
        "WHERE r.event_id = s.event_id AND r.person_id = s.person_id AND r.attended = 1)"
    )
    assert strangers == []  # only those marked present met
    [no_shows] = await assistant.fetch(
        "SELECT COUNT(*) AS n FROM meetings WHERE status = 'cancelled' AND cancel_reason = 'absent'"
    )
    assert no_shows["n"] > 0
    elif_ = staff_member(assistant)
    listing = await elif_.press(await elif_.says("/stats"), "📁 Proje dönemi")
    photo = await elif_.press(listing, MINISTRY)
    text = (await elif_.next_message(photo)).text or ""
    held = sum(day["held"] for day in days)
    assert f"• Yapılan B2B görüşmesi: {held} / 150 (%{round(100 * held / 150)})" in text
    assert f"🤝 B2B görüşmeleri: 2 etkinlikte {held} ikili görüşme" in text


async def test_two_in_three_said_yes_to_announcements_so_a_broadcast_reaches_them(
    assistant: Assistant,
) -> None:
    now = datetime.now(UTC)
    people = await add_history(assistant.services, now)
    consents = await assistant.fetch(
        "SELECT c.person_id, c.given_at, c.notice_version, p.first_seen_at, p.announcements_on "
        "FROM consents c JOIN people p ON p.id = c.person_id WHERE c.purpose = ?",
        ANNOUNCEMENTS,
    )
    assert 0.6 <= len(consents) / len(people) <= 0.7
    version = assistant.services.catalogue.cluster.privacy_notice.version
    for consent in consents:
        assert consent["first_seen_at"] < consent["given_at"] < now.isoformat()
        assert (consent["announcements_on"], consent["notice_version"]) == (1, version)
    [off] = await assistant.fetch(
        "SELECT COUNT(*) AS n FROM people WHERE announcements_on = 1 AND id NOT IN "
        "(SELECT person_id FROM consents WHERE purpose = ?)",
        ANNOUNCEMENTS,
    )
    assert off["n"] == 0
    # Past broadcasts reached those who had said yes by then, never more.
    past = await assistant.fetch("SELECT recipients FROM broadcasts")
    assert all(0 < row["recipients"] <= len(consents) for row in past)
    panel = await draft(staff_member(assistant), "Yarın ofisimiz kapalıdır.")
    reach = re.search(r"Şu an ([\d.]+) kişiye ulaşıyor", panel.text or "")
    assert reach is not None, panel.text
    assert int(reach.group(1).replace(".", "")) == len(consents)
