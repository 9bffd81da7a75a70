"""An event that has taken place is history: staff keep attendance and lists, nothing else."""

from __future__ import annotations

import re

from bot.screens.buttons import CancelEvent, ChangeEvent, ConfirmCancelEvent
from tests.conftest import Assistant
from tests.test_certificates import held_training
from tests.test_staff_events import staff_member


async def test_a_held_event_cannot_be_cancelled_or_changed_even_by_a_stale_button(
    assistant: Assistant,
) -> None:
    people = await held_training(assistant, "held-lean", {"Ali Can": True, "Ayşe Kaya": False})
    elif_ = staff_member(assistant)
    menu = await elif_.says("/staff")
    listing = await elif_.press(menu, "📅 Etkinlikler")
    past = await elif_.press(listing, "🗂 Geçmiş etkinlikler")
    numbers = re.findall(r"^(\d+)\. (.+)$", past.text or "", flags=re.MULTILINE)
    number = next(n for n, shown in numbers if shown == "Test etkinliği held-lean")
    page = await elif_.press(past, number)

    text = page.text or ""
    assert "Etkinlik sona erdi" in text and "paylaşmak için bağlantı" not in text
    assert "✖️ Etkinliği iptal et" not in page.buttons
    assert not [label for label in page.buttons if "Kontenjan" in label]
    assert "☑️ Yoklama" in page.buttons

    # Buttons kept from before the event ended, or forged, change nothing.
    for data in (
        CancelEvent("held-lean").data,
        ConfirmCancelEvent("held-lean").data,
        ChangeEvent("c", "held-lean").data,
    ):
        await elif_.emulator.press_callback(elif_.user, page, data)
        refused = await elif_.emulator.wait_for_bot_message(elif_.id, contains="değişmedi")
        assert "sona erdi" in (refused.text or "") and "iptal edilemez" in (refused.text or "")
        page = await elif_.press(refused, "‹ Etkinliğe dön")
    [event] = await assistant.fetch("SELECT status FROM events WHERE id = 'held-lean'")
    assert event["status"] != "cancelled"
    rows = await assistant.fetch("SELECT status FROM registrations WHERE event_id = 'held-lean'")
    assert {r["status"] for r in rows} == {"confirmed"}
    for person in people.values():
        assert not any("yapılmayacak" in t or "iptal edildi" in t for t in person.texts())
