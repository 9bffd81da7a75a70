"""What a member reads about their own data: the notice version they read, their B2B and
directory profiles in the export, and exactly what erasing their data does."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.profile import company_key
from storage.catalogue import utc_text
from storage.matchmaking import DIRECTORY
from tests.conftest import Assistant
from tests.test_demo import _demo
from tests.test_directory import join, member
from tests.test_matchmaking import (
    B2B,
    answer_request,
    listed,
    pair,
    participant,
    request_meeting,
)
from tests.test_privacy import new_notice_version, sign_up
from tests.test_readable_export import exported

# "3 Aralık 2026 Perşembe, 06:37": when the notice was read, in the cluster's time.
READ_ON = r"\d{1,2} \w+ \d{4} \w+, \d{2}:\d{2}"


async def test_privacy_names_the_notice_version_read_and_when(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")
    [person] = await assistant.fetch("SELECT notice_version FROM people WHERE id = ?", ayse.id)
    assert person["notice_version"] == "2027-01"
    screen = await ayse.says("/privacy")
    text = screen.text or ""
    assert re.search(rf"Aydınlatma metninin 2027-01 sürümünü {READ_ON} tarihinde okudunuz\.", text)
    assert "güncellendi" not in text
    summary = await ayse.press(screen, "Hakkımda ne biliyorsunuz?")
    text = summary.text or ""
    assert re.search(rf"🔒 Aydınlatma metninin 2027-01 sürümünü {READ_ON} tarihinde okudunuz", text)
    assert "yürürlükteki açık rızalarınız: 0" in text
    assert "sürümleri:" not in text

    # A new version: the one read is still named, and the new one with it.
    await new_notice_version(assistant, "2027-06")
    text = (await ayse.says("/privacy")).text or ""
    assert "2027-01 sürümünü" in text and "(şimdiki sürüm: 2027-06)" in text


async def test_the_export_says_when_she_said_no_to_announcements(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    await sign_up(ayse, "lean-2027-01")  # "Hayır, teşekkürler" to announcements
    text, document = await exported(ayse)
    assert document["member"]["announcements_declined_at"]
    said_no = rf"Duyurular: kapalı \(duyuru sorusuna {READ_ON} tarihinde “hayır” dediniz\)\n"
    assert re.search(said_no, text)


async def test_an_english_speaker_reads_which_version_she_read(assistant: Assistant) -> None:
    jane = assistant.person("Jane", language="en")
    services = assistant.services
    await services.people.seen(jane.id, "en")
    await services.privacy.acknowledge_notice(jane.id, "2027-01", "en")
    text = (await jane.says("/privacy")).text or ""
    assert re.search(r"You read version 2027-01 of the privacy notice on \w+, \d{1,2} \w+ ", text)


async def test_someone_informed_under_the_old_notice_is_told_so(assistant: Assistant) -> None:
    ayse = assistant.person("Ayşe")
    services = assistant.services
    await services.people.seen(ayse.id, "tr")
    # Informed before notices had versions (migration 0016 left notice_version NULL).
    await services.database.execute(
        "UPDATE people SET informed_at = ? WHERE id = ?",
        (utc_text(datetime.now(UTC) - timedelta(days=400)), ayse.id),
    )
    text = (await ayse.says("/privacy")).text or ""
    assert "sürüm numarası verilmeden önceki eski metindi" in text
    assert "(şimdiki sürüm: 2027-01)" in text


def test_the_demo_member_read_todays_notice(tmp_path: Path) -> None:
    result = _demo(tmp_path, ["/privacy"])
    assert result.returncode == 0, result.stderr
    read = rf"Aydınlatma metninin 2027-01 sürümünü {READ_ON} tarihinde okudunuz"
    assert re.search(read, result.stdout)
    assert "güncellendi" not in result.stdout


async def test_the_export_holds_what_the_profiles_offer_and_look_for(
    assistant: Assistant,
) -> None:
    ayse = await member(assistant, "Ayşe Kaya", "Anadolu Lazer")
    event = assistant.services.catalogue.event(B2B)
    assert event is not None
    key = company_key("Anadolu Lazer")
    await assistant.services.registrations.sign_up(event, ayse.id, key, None)
    await listed(ayse, ["Lazer kesim"], ["Hidrolik sistemler"])
    # The directory's form starts from the B2B day's profile: she adds casting to it.
    await join(ayse, ["Döküm"], [])

    screen = await ayse.says("/privacy")
    shown = screen.text or ""
    assert "📒 Üye firma rehberinde görünmeye rızanız var" in shown
    assert f"🤝 {event.title.get('tr')}: B2B katılımcı listesinde görünmeye rızanız var" in shown
    summary = await ayse.press(screen, "Hakkımda ne biliyorsunuz?")
    assert "🤝 2 B2B ve rehber profili (sunduklarınız ve aradıklarınızla)" in (summary.text or "")
    text, document = await exported(ayse)
    categories = {c.name.get("tr"): c.id for c in assistant.services.catalogue.categories}
    profiles = {p["event_id"] or DIRECTORY: p for p in document["match_profiles"]}
    assert profiles[B2B]["offers"] == [categories["Lazer kesim"]]
    assert profiles[B2B]["seeks"] == [categories["Hidrolik sistemler"]]
    assert profiles[DIRECTORY]["offers"] == [categories["Lazer kesim"], categories["Döküm"]]
    assert profiles[DIRECTORY]["languages"] == ["tr"]

    b2b_day = event.title.get("tr")
    section = text[text.index("B2B ve rehber profilleriniz (2)") :]
    assert f"  {b2b_day}\n" in section and "  Üye firma rehberi\n" in section
    assert "Sunduklarınız: Lazer kesim\n" in section
    assert "Sunduklarınız: Lazer kesim, Döküm\n" in section
    assert section.count("Aradıklarınız: Hidrolik sistemler\n") == 2
    assert section.count("Görüşme dilleri: Türkçe\n") == 2
    assert "Üye firma rehberinde görünme:" in text
    assert f"{b2b_day}: B2B katılımcı listesinde görünme:" in text
    assert "match:" not in text and "directory" not in text

    # Leaving the directory from /privacy: the consent is shown as withdrawn, in its own words.
    page = await ayse.press(await ayse.says("/privacy"), "Listeden çık · 📒 Üye firma rehberi")
    assert "rehberden çıkardık" in (page.text or "")
    shown = (await ayse.says("/privacy")).text or ""
    assert re.search(rf"↩️ Üye firma rehberinde görünme: {READ_ON} tarihinde geri aldınız", shown)
    [consent] = await assistant.fetch(
        "SELECT withdrawn_at FROM consents WHERE person_id = ? AND purpose = 'match:directory'",
        ayse.id,
    )
    assert consent["withdrawn_at"] is not None


async def test_the_deletion_warning_says_what_goes_what_is_cancelled_and_what_stays(
    assistant: Assistant,
) -> None:
    ayse, bora, outbox = await pair(assistant)
    cem = await participant(assistant, "Cem Yıldız", "Güney Döküm")
    await listed(cem, ["Döküm"], ["Hidrolik sistemler"])
    await request_meeting(ayse, await ayse.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    await request_meeting(cem, await cem.says("/b2b"), "Kuzey Hidrolik", None)
    await outbox.deliver()
    await answer_request(bora, accept=True)
    # Ayşe and Bora have met already; Bora meets Cem later.
    await assistant.services.database.execute(
        "UPDATE meetings SET starts_at = ? WHERE person_a = ? OR person_b = ?",
        (utc_text(datetime.now(UTC) - timedelta(hours=1)), ayse.id, ayse.id),
    )

    confirm = await bora.press(await bora.says("/privacy"), "Verilerimi sil")
    text = confirm.text or ""
    for said in (
        "Silinecekler:",
        "B2B ve rehber profilleriniz",
        "İptal edilecekler:",
        "karar ya da onay bekleyen başvurularınız",
        "ileri tarihli B2B görüşmeleriniz",
        "Adınız olmadan saklananlar:",
        "karara bağlanmış başvurular ve yapılmış B2B görüşmeleri",
        "yalnızca puanı kalır",
        "“geri çekildi”",
        "bu kopyaları ekip orada elle siler",
    ):
        assert said in text, said
    await bora.press(confirm, "Evet, hepsini sil")
    await outbox.deliver()
    meetings = await assistant.fetch(
        "SELECT person_a, person_b, status, cancel_reason FROM meetings ORDER BY id"
    )
    # The meeting held stays for the impact report, without Bora; the one to come is cancelled.
    held, to_come = meetings
    assert held["status"] == "scheduled" and held["cancel_reason"] is None
    assert bora.id not in (held["person_a"], held["person_b"])
    assert ayse.id in (held["person_a"], held["person_b"])
    assert to_come["status"] == "cancelled" and to_come["cancel_reason"] == "erased"
    told = await assistant.fetch("SELECT person_id FROM outbox WHERE kind = 'meeting_cancelled'")
    assert [row["person_id"] for row in told] == [cem.id]
