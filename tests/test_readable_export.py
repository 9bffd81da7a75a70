"""The readable export (my-data.txt) holds all the JSON does, in words and in local time."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from bot.devtools.emulator import Message
from tests.conftest import Assistant, Person
from tests.test_access_needs import answered, conference
from tests.test_certificates import held_training, issue
from tests.test_dead_ends import ESSAY


async def exported(person: Person) -> tuple[str, dict[str, Any]]:
    """Download the person's data from /privacy; return the text file and the JSON."""
    screen = await person.says("/privacy")
    summary = await person.press(screen, "Hakkımda ne biliyorsunuz?")
    await person.emulator.press_button(person.user, summary, "Verilerimi indir")

    async def named(name: str) -> Message:
        return await person.emulator.wait_for_bot_message(
            person.id,
            predicate=lambda m: m.document is not None and m.document.filename == name,
        )

    text = await named("my-data.txt")
    document = await named("my-data.json")
    assert text.document is not None and document.document is not None
    return text.document.content.decode("utf-8"), json.loads(document.document.content)


@pytest.mark.usefixtures("unpaced")
async def test_the_text_export_says_everything_in_words(assistant: Assistant) -> None:
    await conference(assistant)
    await assistant.add_event("essay", capacity=5, questions=copy.deepcopy(ESSAY))
    ayse = assistant.person("Ayşe")
    await answered(ayse)  # a seat at the conference, the access question answered with consent
    page = await ayse.says("/start event_essay")
    question = await ayse.press(page, "Kayıt ol")
    review = await ayse.says("Yalın üretimi fabrikamızda uygulamak istiyoruz.")
    done = await ayse.press(review, "Gönder")
    assert "Kaydınız onaylandı" in (done.text or "")
    await ayse.emulator.wait_idle()
    await assistant.services.people.set_gender(ayse.id, "woman")
    del question

    text, document = await exported(ayse)
    assert document["event_answers"] and document["special_category_answers"]
    assert "Dil: Türkçe" in text and "Cinsiyet: Kadın" in text
    assert "Bu eğitimden ne bekliyorsunuz? Yalın üretimi fabrikamızda" in text
    assert "Test etkinliği lunch-conf: erişim ve beslenme sorusu:" in text
    assert "Tekerlekli sandalye" in text
    # No internal ids, no UTC stamps: the cluster's local time, written out in Turkish.
    assert "special:" not in text and "match:" not in text and "host:" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", text)
    assert re.search(
        r"\d{1,2} (Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim"
        r"|Kasım|Aralık) \d{4}",
        text,
    )


async def test_certificates_are_in_the_text_export(assistant: Assistant) -> None:
    people = await held_training(assistant, "held-cert", {"Işıl Ak": True})
    assert await issue(assistant) == 1
    isil = people["Işıl Ak"]
    await isil.emulator.wait_for_bot_message(
        isil.id, predicate=lambda m: m.document is not None, timeout=10
    )
    text, document = await exported(isil)
    [certificate] = document["certificates"]
    assert f"Test etkinliği held-cert: belge kodu {certificate['code']}" in text
