"""An event's evidence: the attendance sheet staff print, and the signed sheet they attach."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

import openpyxl

from bot.devtools.emulator import Message
from bot.domain.impact import Period
from storage.seeding import SeedPerson, SeedRegistration, add_people, add_registrations
from storage.staff_added import HAND, NewParticipant
from tests.conftest import Assistant, Person
from tests.test_attendance import registered
from tests.test_broadcast import PNG
from tests.test_certificates import pdf_text
from tests.test_impact import typed
from tests.test_staff_events import ISTANBUL, open_staff_event, staff_member

TURKISH_NAME = "Çağrı Öğüt İşıl"


async def open_past_event(staff: Person, title: str) -> Message:
    """Open a past event's staff page: /staff, the event list, past events, its number."""
    menu = await staff.says("/staff")
    listing = await staff.press(menu, "📅 Etkinlikler")
    listing = await staff.press(listing, "🗂 Geçmiş etkinlikler")
    numbers = re.findall(r"^(\d+)\. (.+)$", listing.text or "", flags=re.MULTILINE)
    number = next(n for n, shown in numbers if shown == title)
    return await staff.press(listing, number)


async def add_walk_in(assistant: Assistant, event_id: str, name: str, company: str) -> None:
    """Someone staff added by hand: a registration without a person, and what staff typed."""
    participant = NewParticipant(full_name=name, company_name=company)
    staff_added = assistant.services.staff_added
    await staff_added.add(event_id, [participant], 1, HAND, datetime.now(UTC))


async def sheet_of(staff: Person, page: Message) -> str:
    """Press the sheet button and return the text of the PDF that comes."""
    await staff.emulator.press_button(staff.user, page, "🖨 Katılım çizelgesi (PDF)")
    sent = await staff.emulator.wait_for_bot_message(
        staff.id, predicate=lambda m: m.document is not None, timeout=10
    )
    assert sent.document is not None and sent.document.filename.endswith(".pdf")
    assert sent.document.filename.startswith("Katılım çizelgesi - ")
    return pdf_text(sent.document.content)


async def test_staff_print_the_sheet_before_the_event_with_blank_lines(
    assistant: Assistant,
) -> None:
    await assistant.add_event("sheet-before", starts_in=timedelta(days=2))
    await registered(assistant, "sheet-before", TURKISH_NAME, "Şahin Döküm İç ve Dış Tic. Ltd.")
    await registered(assistant, "sheet-before", "Bora Tan", "Tan Makina")
    await add_walk_in(assistant, "sheet-before", "Deniz Ak", "Telefonla Kayıt A.Ş.")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği sheet-before")
    text = await sheet_of(elif_, page)
    assert "KATILIM ÇİZELGESİ" in text and "(giriş saatleriyle)" not in text
    assert "Test etkinliği sheet-before" in text and "Makine ve Tekstil Kümesi" in text
    assert "Ad Soyad" in text and "İmza" in text and "Giriş saati" in text
    assert TURKISH_NAME in text and "Şahin Döküm" in text
    assert "Deniz Ak" in text and "(ekip ekledi)" in text and "Telefonla Kayıt A.Ş." in text
    # Three people, then five blank lines for walk-ins (numbered, nothing else on them).
    assert re.search(r"^8$", text, flags=re.MULTILINE) and not re.search(r"^9$", text, re.M)
    assert "Kayıtsız gelen katılımcılar için boş satırlar bırakılmıştır." in text
    assert "Sayfa 1/1" in text
    entries = await assistant.fetch(
        "SELECT staff_id, subject, detail FROM audit_log WHERE action = 'attendees.sheet'"
    )
    assert [(e["subject"], json.loads(e["detail"])["rows"]) for e in entries] == [
        ("event:sheet-before", 3)
    ]


async def test_after_the_event_the_sheet_carries_check_in_times(assistant: Assistant) -> None:
    # The event took place yesterday: Ali came at 09:35 (local time), Bora did not.
    start = datetime.now(ISTANBUL).replace(hour=9, minute=30, second=0, microsecond=0)
    start -= timedelta(days=1)
    await assistant.add_event(
        "sheet-after",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=3)).isoformat(),
    )
    seen = (start - timedelta(days=5)).astimezone(UTC).isoformat(timespec="seconds")
    arrived = (start + timedelta(minutes=5)).astimezone(UTC).isoformat(timespec="seconds")
    people: list[tuple[int, str, int | None, str | None]] = [
        (640001, "Ali Kaya", 1, arrived),
        (640002, "Bora Tan", 0, None),
        (640003, "Cem Er", None, None),
    ]
    await add_people(
        assistant.services.database,
        [
            SeedPerson(pid, name, f"{name} Ltd.", None, None, "tr", seen)
            for pid, name, _, _ in people
        ],
    )
    await add_registrations(
        assistant.services.database,
        [
            SeedRegistration("sheet-after", pid, None, None, "confirmed", seen, came, at, None)
            for pid, _, came, at in people
        ],
    )
    elif_ = staff_member(assistant)
    page = await open_past_event(elif_, "Test etkinliği sheet-after")
    text = await sheet_of(elif_, page)
    assert "KATILIM ÇİZELGESİ (giriş saatleriyle)" in text
    assert re.search(r"Ali Kaya\s*Ali Kaya Ltd\.\s*09:35", text), text
    assert re.search(r"Bora Tan\s*Bora Tan Ltd\.\s*gelmedi", text), text
    assert "Cem Er" in text
    assert "boş satırlar" not in text and not re.search(r"^4$", text, re.MULTILINE)


async def test_staff_attach_the_signed_sheet_and_see_it_again(assistant: Assistant) -> None:
    await assistant.add_event("signed", starts_in=timedelta(days=2))
    await registered(assistant, "signed", "Ali Kaya", "Kaya Ltd.")
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği signed")
    assert not any(label.startswith("🗂 İmzalı") for label in page.buttons)
    ask = await elif_.press(page, "📎 İmzalı çizelge ekle")
    assert "fotoğrafını ya da PDF taramasını" in (ask.text or "")
    # What is not a photo or a PDF is refused politely, and the form waits on.
    await elif_.emulator.send_sticker(elif_.user)
    refused = await elif_.emulator.wait_for_bot_message(elif_.id, after=ask)
    assert "çıkartma" in (refused.text or "")
    await elif_.emulator.send_document(elif_.user, "notlar.docx", b"PK\x03\x04 not a sheet")
    refused = await elif_.emulator.wait_for_bot_message(elif_.id, after=refused)
    assert "ekleyemem" in (refused.text or "") and "PDF" in (refused.text or "")
    assert await assistant.fetch("SELECT * FROM event_evidence") == []

    photo = await elif_.emulator.send_photo(elif_.user, PNG, caption="1. sayfa")
    done = await elif_.emulator.wait_for_bot_message(elif_.id, after=refused)
    assert "✅ İmzalı çizelge" in (done.text or "") and "1 imzalı çizelge" in (done.text or "")
    another = await elif_.press(done, "📎 Bir sayfa daha ekle")
    await elif_.emulator.send_document(
        elif_.user, "imzali.pdf", b"%PDF-1.4 scan", "application/pdf"
    )
    done = await elif_.emulator.wait_for_bot_message(elif_.id, after=another)
    assert "2 imzalı çizelge" in (done.text or "")
    rows = await assistant.fetch(
        "SELECT event_id, media, file_name, mime_type, staff_id FROM event_evidence ORDER BY id"
    )
    assert rows == [
        {
            "event_id": "signed",
            "media": "photo",
            "file_name": None,
            "mime_type": None,
            "staff_id": elif_.id,
        },
        {
            "event_id": "signed",
            "media": "document",
            "file_name": "imzali.pdf",
            "mime_type": "application/pdf",
            "staff_id": elif_.id,
        },
    ]
    assert photo.photo is not None

    page = await elif_.press(done, "‹ Etkinliğe dön")
    await elif_.emulator.press_button(elif_.user, page, "🗂 İmzalı çizelgeler (2)")
    sheets = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None, timeout=10
    )
    assert sheets.document is not None and sheets.document.content == b"%PDF-1.4 scan"
    assert "İmzalı çizelge 2/2" in (sheets.caption or "")
    again = [m for m in elif_.emulator.bot_messages(elif_.id) if m.photo is not None]
    assert again and "İmzalı çizelge 1/2" in (again[-1].caption or "")


async def test_the_workbook_lists_which_events_have_a_signed_sheet(assistant: Assistant) -> None:
    yesterday = datetime.now(ISTANBUL).replace(hour=10, minute=0, second=0, microsecond=0)
    yesterday -= timedelta(days=1)
    for event_id, hours in (("with-sheet", 2), ("without-sheet", 3)):
        await assistant.add_event(
            event_id,
            starts_at=(yesterday + timedelta(hours=hours)).isoformat(),
            ends_at=(yesterday + timedelta(hours=hours + 1)).isoformat(),
        )
    elif_ = staff_member(assistant)
    page = await open_past_event(elif_, "Test etkinliği with-sheet")
    ask = await elif_.press(page, "📎 İmzalı çizelge ekle")
    await elif_.emulator.send_photo(elif_.user, PNG)
    await elif_.emulator.wait_for_bot_message(elif_.id, after=ask, contains="✅")
    today = datetime.now(ISTANBUL).date()
    # No one came to either: the report has no chart, only its text and the workbook button.
    message = await elif_.says(typed(Period(today - timedelta(days=3), today)))
    await elif_.emulator.press_button(elif_.user, message, "⬇️ Excel raporu")
    sent = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert sent.document is not None
    sheet = openpyxl.load_workbook(io.BytesIO(sent.document.content))["Faaliyet listesi"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("İmzalı çizelge")
    signed = {row[1]: row[column] for row in rows[1:]}
    assert signed == {"Test etkinliği with-sheet": 1, "Test etkinliği without-sheet": "Yok"}
