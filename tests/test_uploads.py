"""Every upload staff make (a content file or company list, an attendance list, a marked
applications sheet) is the one upload form: asked again in its own words for anything but its
kind of file, a new file at the preview replacing the one previewed, discarded or applied."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.devtools.emulator import Message
from tests.conftest import Assistant, Person
from tests.test_applications import VISIT_TITLE, selected_visit
from tests.test_staff_added import EVENT, TITLE, added
from tests.test_staff_events import open_staff_event, staff_member

BACK_TO_EVENT = "‹ Etkinliğe dön"


async def _content_import(assistant: Assistant, staff: Person) -> Message:
    return await staff.says("/import")


async def _attendance_list(assistant: Assistant, staff: Person) -> Message:
    await assistant.add_event(EVENT)
    return await staff.press(await open_staff_event(staff, TITLE), "📥 Katılım listesi yükle")


async def _marked_sheet(assistant: Assistant, staff: Person) -> Message:
    await selected_visit(assistant)
    listing = await staff.press(await open_staff_event(staff, VISIT_TITLE), "Başvurular")
    return await staff.press(listing, "📥 İşaretlenmiş kararları yükle")


Opening = Callable[[Assistant, Person], Awaitable[Message]]


@pytest.mark.parametrize(
    ("kind", "opening", "not_a_file", "wrong_type"),
    [
        (
            "import",
            _content_import,
            "belge olarak gönderin",
            "(.yaml ya da .yml) ve firma listesi (Excel .xlsx, .csv",
        ),
        (
            "attendance_import",
            _attendance_list,
            "Lütfen listeyi dosya olarak gönderin",
            "“notlar.pdf” okunabilecek bir liste değil",
        ),
        (
            "application_sheet",
            _marked_sheet,
            "gönderdiğim başvuru tablosu (.xlsx) değil",
            "gönderdiğim başvuru tablosu (.xlsx) değil",
        ),
    ],
)
async def test_anything_but_its_kind_of_file_is_asked_again_in_the_upload_s_words(
    assistant: Assistant, kind: str, opening: Opening, not_a_file: str, wrong_type: str
) -> None:
    elif_ = staff_member(assistant)
    await opening(assistant, elif_)
    again = await elif_.says("işte dosya")
    assert not_a_file in (again.text or "")
    await elif_.emulator.send_document(elif_.user, "notlar.pdf", b"%PDF-1.4")
    refused = await elif_.emulator.wait_for_bot_message(elif_.id, contains="⚠️")
    assert wrong_type in (refused.text or "")
    # Still waiting for the file, with nothing of either kept.
    [form] = await assistant.fetch("SELECT kind, step, answers FROM forms")
    assert (form["kind"], form["step"], form["answers"]) == (kind, "file", "{}")


def _csv(*names: str) -> bytes:
    return "\n".join(["Ad Soyad;Katıldı", *(f"{name};evet" for name in names)]).encode("cp1254")


async def test_a_new_file_at_the_preview_replaces_it_and_discarding_adds_nobody(
    assistant: Assistant,
) -> None:
    elif_ = staff_member(assistant)
    await _attendance_list(assistant, elif_)
    await elif_.emulator.send_document(elif_.user, "ilk.csv", _csv("Ali Veli"))
    await elif_.emulator.wait_for_bot_message(elif_.id, contains="Ali Veli")
    # The right list after all: it replaces the one on screen.
    await elif_.emulator.send_document(elif_.user, "dogru.csv", _csv("Ayşe Kaya", "Can Demir"))
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Ayşe Kaya")
    assert "Eklenecek: 2 kişi" in (preview.text or "") and "Ali Veli" not in (preview.text or "")
    done = await elif_.press(preview, "✅ Listedekileri ekle")
    assert "2 katılımcı eklendi" in (done.text or "")
    assert [row["full_name"] for row in await added(assistant)] == ["Ayşe Kaya", "Can Demir"]

    await elif_.press(await open_staff_event(elif_, TITLE), "📥 Katılım listesi yükle")
    await elif_.emulator.send_document(elif_.user, "fazla.csv", _csv("Deniz Ak"))
    preview = await elif_.emulator.wait_for_bot_message(elif_.id, contains="Deniz Ak")
    left = await elif_.press(preview, "🗑 Vazgeç")
    assert "Peki, vazgeçtim; kimse eklenmedi" in (left.text or "")
    assert left.buttons == [BACK_TO_EVENT]
    await assistant.emulator.wait_idle()  # the press handled to the end: the form closed
    assert [row["full_name"] for row in await added(assistant)] == ["Ayşe Kaya", "Can Demir"]
    assert await assistant.fetch("SELECT * FROM forms") == []
