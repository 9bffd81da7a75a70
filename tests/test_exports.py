"""Attendee lists exported as CSV and Excel: Turkish survives, erased people stay anonymous."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.devtools.emulator import Document, Message
from bot.domain.exports import Sheet, to_csv, to_xlsx
from tests.conftest import Assistant, Person
from tests.readable_sheets import id_like_cells
from tests.test_attendance import registered
from tests.test_signup import signed_up_person
from tests.test_staff_events import open_staff_event, staff_member

HEADER_TR = [
    "Ad Soyad",
    "Firma",
    "Sektör",
    "Telefon",
    "E-posta",
    "Durum",
    "Kayıt zamanı",
    "Katıldı",
    "Kaydı yapan",
]
HEADER_EN = [
    "Name",
    "Company",
    "Sector",
    "Phone",
    "E-mail",
    "Status",
    "Registered at",
    "Attended",
    "Registered by",
]


async def download(staff: Person, page: Message, button: str) -> Document:
    """Press an export button on an event's staff page and return the file sent."""
    await staff.emulator.press_button(staff.user, page, button)
    sent = await staff.emulator.wait_for_bot_message(
        staff.id, predicate=lambda m: m.document is not None
    )
    assert sent.document is not None
    await staff.emulator.wait_idle()  # the audit entry is written once the file is sent
    return sent.document


async def event_with_attendees(assistant: Assistant) -> None:
    """An event with two confirmed people (one later present), one waiting, one erased."""
    await assistant.add_event("export-me", capacity=2)
    await registered(
        assistant,
        "export-me",
        "Şule Çağlayan",
        "Işık Örme Tekstil A.Ş.",
        sector_id="textile",
        email="sule@isik.example",
    )
    gone = await signed_up_person(
        assistant, "Zeynep", "export-me", company="Silinecek Ltd", email="z@silinecek.example"
    )
    await registered(assistant, "export-me", '=HYPERLINK("http://x")', "Ğ Döküm")
    await assistant.services.database.execute(
        "UPDATE registrations SET attended = 1 WHERE event_id = 'export-me' AND id = "
        "(SELECT MIN(id) FROM registrations WHERE event_id = 'export-me')"
    )
    privacy = await gone.says("/privacy")
    confirm = await gone.press(privacy, "Verilerimi sil")
    await gone.press(confirm, "Evet, hepsini sil")
    await gone.emulator.wait_idle()


async def test_csv_export_reads_back_with_turkish_intact(assistant: Assistant) -> None:
    await event_with_attendees(assistant)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği export-me")
    document = await download(elif_, page, "⬇️ CSV indir")
    assert document.filename == "Katılımcılar - Test etkinliği export-me.csv"
    assert document.content.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER_TR
    first, promoted, erased = rows[1:]
    assert first[:6] == [
        "Şule Çağlayan",
        "Işık Örme Tekstil A.Ş.",
        "Tekstil ve hazır giyim",
        "05320000000",
        "sule@isik.example",
        "Onaylı",
    ]
    assert first[7] == "Evet"
    now = datetime.now(ZoneInfo("Europe/Istanbul")).replace(tzinfo=None)
    registered_at = datetime.strptime(first[6], "%Y-%m-%d %H:%M")
    assert abs(registered_at - now) < timedelta(minutes=2)
    # The seat the erased person left went to the next in line; formulas stay text.
    assert promoted[0] == '\'=HYPERLINK("http://x")' and promoted[5] == "Onaylı"
    assert erased[0] == "(silindi)"
    assert erased[1] == erased[3] == erased[4] == ""
    assert erased[5] == "İptal"
    assert "Silinecek" not in document.content.decode("utf-8-sig")
    assert "z@silinecek.example" not in document.content.decode("utf-8-sig")
    [entry] = await assistant.fetch(
        "SELECT subject, detail FROM audit_log WHERE action = 'attendees.export'"
    )
    assert entry["subject"] == "event:export-me"
    assert json.loads(entry["detail"]) == {"format": "csv", "rows": 3}


async def test_excel_export_reads_back_with_turkish_intact(assistant: Assistant) -> None:
    await event_with_attendees(assistant)
    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, "Test etkinliği export-me")
    document = await download(elif_, page, "⬇️ Excel indir")
    assert document.filename == "Katılımcılar - Test etkinliği export-me.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(document.content))
    sheet = workbook.active
    assert sheet.title == "Katılımcılar"
    assert id_like_cells(workbook) == []
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER_TR
    assert rows[1][:3] == ["Şule Çağlayan", "Işık Örme Tekstil A.Ş.", "Tekstil ve hazır giyim"]
    assert isinstance(rows[1][6], datetime)
    assert rows[2][0] == '=HYPERLINK("http://x")'  # stored as text, not as a formula
    assert sheet.cell(row=3, column=1).data_type == "s"
    assert rows[3][0] == "(silindi)" and rows[3][5] == "İptal"
    [entry] = await assistant.fetch(
        "SELECT detail FROM audit_log WHERE action = 'attendees.export'"
    )
    assert json.loads(entry["detail"])["format"] == "xlsx"


async def test_english_staff_get_english_columns_and_commas(assistant: Assistant) -> None:
    await assistant.add_event("english")
    await registered(assistant, "english", "Gökhan Öztürk", "Öztürk Makina")
    john = staff_member(assistant, language="en")
    menu = await john.says("/export")
    assert "Choose the event whose attendee list" in (menu.text or "")
    page = await open_staff_event_en(john, menu, "Test event english")
    document = await download(john, page, "⬇️ Download CSV")
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER_EN
    assert rows[1][:2] == ["Gökhan Öztürk", "Öztürk Makina"]
    assert rows[1][5] == "Confirmed" and rows[1][7] == ""


async def open_staff_event_en(staff: Person, listing: Message, title: str) -> Message:
    lines = [line for line in (listing.text or "").splitlines() if line.endswith(f". {title}")]
    number = lines[0].split(".")[0]
    return await staff.press(listing, number)


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2", "@SUM(A1)"])
def test_formulas_typed_by_people_stay_text(value: str) -> None:
    sheet = Sheet("Test", ("Ad",), ((value,),))
    assert to_csv(sheet).decode("utf-8-sig").splitlines()[1] == f"'{value}"
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(sheet)))
    assert workbook.active.cell(row=2, column=1).value == value
    assert workbook.active.cell(row=2, column=1).data_type == "s"


def test_phone_numbers_keep_their_plus_in_csv() -> None:
    sheet = Sheet("Test", ("Telefon",), (("+905551112233",),))
    assert to_csv(sheet).decode("utf-8-sig").splitlines()[1] == "+905551112233"
