"""Ask the team: a person's question travels to the staff chat and the answer comes back."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import pytest

from bot.devtools.emulator import BotApiEmulator, Chat, Message, User
from bot.domain.answering import normalise_question
from bot.domain.profile import company_key
from bot.domain.tickets import shorten, utf16_length
from handlers import forms
from handlers import tickets as tickets_feature
from storage.people import Profile
from tests.conftest import STAFF_ID, Assistant, Person, StartAssistant

QUESTION = "Makine ihracatı için KOSGEB desteği var mı?"


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """Return a tiny valid PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class StaffRoom:
    """The staff group chat and the people in it."""

    def __init__(self, assistant: Assistant, group: Chat) -> None:
        self.assistant = assistant
        self.emulator = assistant.emulator
        self.group = group
        self.staff = User(STAFF_ID, "Zeynep", "Kaya", language_code="tr")
        self.intern = User(690001, "Stajyer", language_code="tr")  # in the group, not staff

    def posts(self) -> list[Message]:
        return self.emulator.bot_messages(self.group.id)

    async def wait(self, contains: str, **wait: Any) -> Message:
        return await self.emulator.wait_for_bot_message(self.group.id, contains=contains, **wait)

    async def answer(self, post: Message, text: str, *, by: User | None = None) -> Message:
        """A staff member replies to a bot post in the group (Telegram's reply)."""
        return await self.emulator.send_message(
            by or self.staff, text, chat_id=self.group.id, reply_to_message_id=post.message_id
        )


async def staff_room(start_assistant: StartAssistant, emulator: BotApiEmulator) -> StaffRoom:
    """Start the assistant with a staff group chat."""
    group = emulator.create_group("Küme ekibi")
    assistant: Assistant = await start_assistant(STAFF_CHAT_ID=str(group.id))
    return StaffRoom(assistant, group)


async def team_prompt(person: Person) -> Message:
    """Ask how to reach the team and press "Write to the team"; return the prompt."""
    english = person.user.language_code == "en"
    answer = await person.says(
        "I want to talk to a person" if english else "ekiple konuşmak istiyorum"
    )
    prompt = await person.press(answer, "👥 Write to the team" if english else "👥 Ekibe yaz")
    assert "Küme ekibine sorun" in prompt.content or "Ask the cluster team" in prompt.content
    await person.emulator.wait_idle()  # the conversation now waits for the question
    return prompt


async def close_ticket(room: StaffRoom, post: Message, button: str = "🔒 Talebi kapat") -> None:
    """A staff member closes a ticket from its post: the button, then "yes" to confirm."""
    emulator = room.emulator
    query = await emulator.press_button(room.staff, post, button)
    asked = await emulator.wait_for_callback_answer(query)
    assert "kapatılsın mı" in (asked.text or "")
    await emulator.wait_idle()
    shown = emulator.state.get_message(room.group.id, post.message_id)
    assert shown is not None
    [yes] = [label for label in shown.buttons if label.startswith(("✔️", "✅ Evet", "❌ Evet"))]
    query = await emulator.press_button(room.staff, shown, yes)
    await emulator.wait_for_callback_answer(query)
    await emulator.wait_idle()


async def ask_team(person: Person, text: str) -> Message:
    """Open the question flow for the team and send a question; return the confirmation."""
    await team_prompt(person)
    return await person.says(text)


async def rows(assistant: Assistant, sql: str, *params: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in await assistant.services.database.fetch_all(sql, params)]


async def give_profile(assistant: Assistant, person: Person, company: str) -> None:
    people = assistant.services.people
    await people.seen(person.id, "tr")
    await assistant.services.privacy.acknowledge_notice(person.id, "2027-01", "tr")
    profile = Profile(
        full_name="Ayşe <i>Yılmaz</i>",
        company=company,
        company_key=company_key(company),
        sector_id="machinery",
        phone=None,
        email=None,
    )
    await people.save_profile(person.id, profile)


async def test_question_answer_follow_up_and_close_round_trip(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")

    prompt = await team_prompt(ayse)
    await emulator.wait_idle()
    assert "Küme ekibine sorun" in prompt.content
    # Without consent, the person is told what is kept and why.
    assert "yalnızca mesajınızı ve Telegram kimliğinizi" in prompt.content
    confirmation = await ayse.says(QUESTION)
    assert "Sorunuz küme ekibine iletildi" in confirmation.content
    assert "#1" in confirmation.content

    post = await room.wait("Talep #1")
    assert QUESTION in post.content
    assert "Ayşe" in post.content and "profil yok" in post.content
    assert "Türkçe" in post.content
    assert post.buttons == ["🔒 Talebi kapat"]

    tickets = room.assistant.services.tickets
    (ticket,) = await tickets.of_person(ayse.id)
    assert (ticket.kind, ticket.status, ticket.language) == ("question", "open", "tr")
    assert (ticket.staff_chat_id, ticket.staff_message_id) == (room.group.id, post.message_id)
    (first,) = await tickets.messages(ticket.id)
    assert (first.direction, first.text) == ("member", QUESTION)
    # Nothing personal beyond the question and the Telegram id: no name was stored.
    person = await room.assistant.services.people.get(ayse.id)
    assert person is not None and person.full_name is None and person.company is None
    recorded = await rows(room.assistant, "SELECT question, outcome FROM unanswered_questions")
    assert recorded == [{"question": normalise_question(QUESTION), "outcome": "team"}]

    # The staff member answers by replying to the post; the person sees it from the team.
    await room.answer(post, "Evet, <b>destek</b> var & başvuru Mart'ta açılıyor.")
    answer = await emulator.wait_for_bot_message(ayse.id, contains="Küme ekibinden yanıt")
    assert "Evet, <b>destek</b> var & başvuru Mart'ta açılıyor." in answer.content
    assert "Zeynep" not in answer.content
    assert answer.buttons == ["↩️ Yanıtla"]
    delivered = await room.wait("üyeye iletildi")
    assert delivered.reply_to_message_id is not None

    # She answers back with Telegram's reply: it joins the thread under the ticket post.
    await emulator.send_message(
        ayse.user, "Teşekkürler! Başvuru formu nerede?", reply_to_message_id=answer.message_id
    )
    sent = await emulator.wait_for_bot_message(ayse.id, contains="ekibe iletildi")
    assert "#1" in sent.content
    follow_up = await room.wait("Başvuru formu nerede?")
    assert "Ayşe yazdı" in follow_up.content
    assert follow_up.reply_to_message_id == post.message_id

    # ... and with the Reply button under the answer.
    reply_prompt = await ayse.press(answer, "↩️ Yanıtla")
    assert "Talep #1 için yanıtınız" in reply_prompt.content
    await emulator.wait_idle()
    empty = await ayse.says("   ")
    assert "boş görünüyor" in empty.content and "Talep #1 için yanıtınız" in empty.content
    await ayse.says("Bir de: son tarih ne zaman?")
    second = await room.wait("son tarih ne zaman?")
    assert second.reply_to_message_id == post.message_id
    # After the reply, typed text is a question to the assistant again, not to the team.
    reply = await ayse.says("eğitimler ücretli mi")
    assert "Eğitimler ücretli mi?" in reply.content

    thread = await tickets.messages(ticket.id)
    assert [(m.direction, m.text) for m in thread] == [
        ("member", QUESTION),
        ("staff", "Evet, <b>destek</b> var & başvuru Mart'ta açılıyor."),
        ("member", "Teşekkürler! Başvuru formu nerede?"),
        ("member", "Bir de: son tarih ne zaman?"),
    ]
    assert thread[1].staff_user_id == STAFF_ID

    # Someone in the group who is not staff can neither close nor answer.
    query = await emulator.press_button(room.intern, post, "🔒 Talebi kapat")
    alert = await emulator.wait_for_callback_answer(query)
    assert alert.show_alert and "yalnızca küme ekibi" in (alert.text or "")
    await room.answer(post, "Ben de bakayım", by=room.intern)
    refused = await room.wait("yalnızca Yönetici ya da Ekip üyesi")
    assert refused.reply_to_message_id is not None
    still = await tickets.get(ticket.id)
    assert still is not None and still.is_open
    shown = emulator.state.get_message(room.group.id, post.message_id)
    assert shown is not None and shown.buttons == ["🔒 Talebi kapat"]
    assert not any("Ben de bakayım" in text for text in ayse.texts())

    # Staff close it with the button, which asks once more: a mis-tap closes nothing.
    query = await emulator.press_button(room.staff, post, "🔒 Talebi kapat")
    asked = await emulator.wait_for_callback_answer(query)
    assert "Talep #1 kapatılsın mı?" in (asked.text or "")
    await emulator.wait_idle()
    confirm = emulator.state.get_message(room.group.id, post.message_id)
    assert confirm is not None and confirm.buttons == ["✔️ Evet, kapat", "↩️ Vazgeç"]
    assert (await tickets.get(ticket.id)).is_open  # type: ignore[union-attr]
    query = await emulator.press_button(room.staff, confirm, "↩️ Vazgeç")
    kept = await emulator.wait_for_callback_answer(query)
    assert "açık kalıyor" in (kept.text or "")
    await emulator.wait_idle()
    back = emulator.state.get_message(room.group.id, post.message_id)
    assert back is not None and back.buttons == ["🔒 Talebi kapat"]
    assert (await tickets.get(ticket.id)).is_open  # type: ignore[union-attr]
    # The person is told, the post loses its button.
    await emulator.press_button(room.staff, back, "🔒 Talebi kapat")
    await emulator.wait_idle()
    confirm = emulator.state.get_message(room.group.id, post.message_id)
    assert confirm is not None
    query = await emulator.press_button(room.staff, confirm, "✔️ Evet, kapat")
    answered = await emulator.wait_for_callback_answer(query)
    assert "kapatıldı" in (answered.text or "")
    closed_note = await emulator.wait_for_bot_message(ayse.id, contains="kapatıldı")
    assert "Talep #1" in closed_note.content
    note = await room.wait("Zeynep")
    assert "Üyeye bilgi verildi" in note.content
    current = emulator.state.get_message(room.group.id, post.message_id)
    assert current is not None and current.buttons == []
    closed = await tickets.get(ticket.id)
    assert closed is not None and closed.status == "closed" and closed.closed_at is not None
    by = await rows(room.assistant, "SELECT closed_by FROM tickets WHERE id = ?", ticket.id)
    assert by == [{"closed_by": STAFF_ID}]

    # A closed ticket takes no more messages from the person; a staff reply is held.
    await emulator.send_message(ayse.user, "Bir şey daha", reply_to_message_id=answer.message_id)
    refusal = await emulator.wait_for_bot_message(ayse.id, contains="kapatılmış")
    assert refusal.buttons[0] == "👥 Ekibe yeni soru sor"
    await room.answer(post, "Geç kalan yanıt")
    held = await room.wait("gönderilmedi")
    assert held.buttons == ["📨 Gönder ve yeniden aç", "✖️ Gönderme"]
    assert len(await tickets.messages(ticket.id)) == 4
    assert not any("Geç kalan yanıt" in text for text in ayse.texts())


async def test_a_reply_to_a_closed_ticket_is_sent_only_when_staff_say_so(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    tickets = room.assistant.services.tickets
    await ask_team(ayse, QUESTION)
    post = await room.wait("Talep #1")
    await close_ticket(room, post)
    await emulator.wait_for_bot_message(ayse.id, contains="kapatıldı")

    # A late answer is not sent silently: staff are asked, and "don't send" keeps it back.
    await room.answer(post, "Unuttuğum bir ayrıntı")
    held = await room.wait("gönderilmedi")
    assert "Talep #1 kapalı" in held.content and "yeniden açmak ister misiniz" in held.content
    query = await emulator.press_button(room.staff, held, "✖️ Gönderme")
    await emulator.wait_for_callback_answer(query)
    await emulator.wait_idle()
    kept = emulator.state.get_message(room.group.id, held.message_id)
    assert kept is not None and "kapalı kalıyor" in kept.content and kept.buttons == []
    assert not any("Unuttuğum" in text for text in ayse.texts())

    # Someone in the group who may not answer can't send it either.
    late = await room.answer(post, "Başvuru 15 Mart'ta kapanıyor.")
    held = await room.wait("yeniden açmak ister misiniz", after=kept)
    assert held.reply_to_message_id == late.message_id
    query = await emulator.press_button(room.intern, held, "📨 Gönder ve yeniden aç")
    refused = await emulator.wait_for_callback_answer(query)
    assert refused.show_alert
    assert not (await tickets.get(1)).is_open  # type: ignore[union-attr]

    # "Send and reopen": the person gets it with a Reply button, the ticket is open again,
    # its post has its close button back and the thread holds the answer.
    query = await emulator.press_button(room.staff, held, "📨 Gönder ve yeniden aç")
    await emulator.wait_for_callback_answer(query)
    answer = await emulator.wait_for_bot_message(ayse.id, contains="15 Mart")
    assert "Küme ekibinden yanıt" in answer.content and answer.buttons == ["↩️ Yanıtla"]
    await emulator.wait_idle()
    sent = emulator.state.get_message(room.group.id, held.message_id)
    assert sent is not None and "yeniden açıldı (Zeynep)" in sent.content and sent.buttons == []
    reopened = await tickets.get(1)
    assert reopened is not None and reopened.is_open and reopened.closed_at is None
    again = emulator.state.get_message(room.group.id, post.message_id)
    assert again is not None and again.buttons == ["🔒 Talebi kapat"]
    thread = await tickets.messages(1)
    assert [(m.direction, m.text) for m in thread] == [
        ("member", QUESTION),
        ("staff", "Başvuru 15 Mart'ta kapanıyor."),
    ]
    assert (thread[1].chat_id, thread[1].message_id) == (room.group.id, late.message_id)
    # A second press of the same (forged or old) button sends nothing twice.
    query = await emulator.press_callback(room.staff, sent, "tk:ro:1:y")
    await emulator.wait_for_callback_answer(query)
    await emulator.wait_idle()
    assert sum("15 Mart" in text for text in ayse.texts()) == 1
    # She can answer it: the ticket is open.
    await emulator.send_message(ayse.user, "Teşekkürler", reply_to_message_id=answer.message_id)
    await room.wait("Teşekkürler")
    await emulator.wait_idle()
    assert len(await tickets.messages(1)) == 3


async def test_forged_buttons_change_nothing(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    mehmet = room.assistant.person("Mehmet")
    confirmation = await ask_team(ayse, QUESTION)
    await room.wait("Talep #1")
    other = await mehmet.says("/start")

    # A person forging the close button of someone else's ticket.
    query = await emulator.press_callback(mehmet.user, other, "tk:close:1")
    alert = await emulator.wait_for_callback_answer(query)
    assert alert.show_alert and "yalnızca küme ekibi" in (alert.text or "")
    # ... or the reply button of a ticket that isn't theirs, or doesn't exist.
    for data in ("tk:re:1", "tk:re:999"):
        query = await emulator.press_callback(mehmet.user, other, data)
        alert = await emulator.wait_for_callback_answer(query)
        assert alert.show_alert
    # Staff pressing close on a ticket that doesn't exist.
    post = await room.wait("Talep #1")
    query = await emulator.press_callback(room.staff, post, "tk:close:999")
    alert = await emulator.wait_for_callback_answer(query)
    assert alert.show_alert
    ticket = await room.assistant.services.tickets.get(1)
    assert ticket is not None and ticket.is_open and ticket.person_id == ayse.id
    assert all("Talep" not in text for text in mehmet.texts())
    assert "#1" in confirmation.content


async def test_service_request_shows_the_profile_escaped(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await give_profile(room.assistant, ayse, "<b>Acme & Sons</b>")

    page = await ayse.says("/services")
    service = await ayse.press(page, "2")
    assert "Uluslararasılaşma" in service.content
    assert "📝 Bu hizmeti talep et" in service.buttons
    assert service.button_data("📝 Bu hizmeti talep et") == "tk:svc:internationalisation"
    prompt = await ayse.press(service, "📝 Bu hizmeti talep et")
    await emulator.wait_idle()
    assert "Hizmet talebi: Uluslararasılaşma" in prompt.content
    assert "Telegram kimliğinizi" not in prompt.content  # she has a profile
    confirmation = await ayse.says("Almanya'da <fuar> için B2B görüşme & eşleştirme istiyoruz.")
    assert "Talebiniz küme ekibine iletildi" in confirmation.content

    post = await room.wait("Hizmet talebi")
    assert "Uluslararasılaşma ve ihracat desteği" in post.content
    assert "Ayşe <i>Yılmaz</i>" in post.content
    assert "<b>Acme & Sons</b>" in post.content
    sector = room.assistant.services.catalogue.sector("machinery")
    assert sector is not None and f"🏭 {sector.name.get('tr')}" in post.content
    assert "Almanya'da <fuar> için B2B görüşme & eşleştirme istiyoruz." in post.content
    assert post.html is not None and "&lt;b&gt;Acme &amp; Sons&lt;/b&gt;" in post.html
    (ticket,) = await room.assistant.services.tickets.of_person(ayse.id)
    assert (ticket.kind, ticket.service_id) == ("service_request", "internationalisation")
    # A service request is not an unanswered question.
    assert await rows(room.assistant, "SELECT * FROM unanswered_questions") == []

    # A service that no longer exists.
    query = await emulator.press_callback(ayse.user, confirmation, "tk:svc:gone")
    await emulator.wait_for_callback_answer(query)
    gone = await emulator.wait_for_bot_message(ayse.id, contains="artık")
    assert gone.buttons


async def test_photos_and_documents_travel_both_ways(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await team_prompt(ayse)
    await emulator.wait_idle()
    await emulator.send_photo(ayse.user, png_bytes(), caption="Bu parça için <destek> var mı?")
    await emulator.wait_for_bot_message(ayse.id, contains="iletildi")
    post = await room.wait("Talep #1")
    assert "Fotoğraf" in post.content and "Bu parça için <destek> var mı?" in post.content
    photo = await emulator.wait_for_bot_message(
        room.group.id, predicate=lambda m: m.photo is not None
    )
    assert photo.reply_to_message_id == post.message_id
    assert photo.photo == png_bytes()

    # Staff answer with a document, replying to the photo: the photo belongs to the ticket too.
    await emulator.send_document(
        room.staff,
        "basvuru.pdf",
        b"%PDF-1.4 form",
        caption="Başvuru formu ektedir.",
        chat_id=room.group.id,
        reply_to_message_id=photo.message_id,
    )
    answer = await emulator.wait_for_bot_message(
        ayse.id, predicate=lambda m: m.document is not None
    )
    assert answer.document is not None and answer.document.content == b"%PDF-1.4 form"
    assert "Küme ekibinden yanıt" in answer.content and "Başvuru formu ektedir." in answer.content
    assert answer.buttons == ["↩️ Yanıtla"]

    # She sends the filled form back with the Reply button.
    await ayse.press(answer, "↩️ Yanıtla")
    await emulator.wait_idle()
    await emulator.send_document(ayse.user, "dolu-form.pdf", b"%PDF-1.4 filled")
    await emulator.wait_for_bot_message(ayse.id, contains="ekibe iletildi")
    follow_up = await room.wait("dolu-form.pdf")
    assert follow_up.reply_to_message_id == post.message_id
    copy = await emulator.wait_for_bot_message(
        room.group.id,
        predicate=lambda m: m.document is not None and m.document.content == b"%PDF-1.4 filled",
    )
    assert copy.reply_to_message_id == follow_up.message_id

    # And staff answer with a photo, replying to her document.
    await emulator.send_photo(
        room.staff, png_bytes(8, 6), chat_id=room.group.id, reply_to_message_id=copy.message_id
    )
    picture = await emulator.wait_for_bot_message(ayse.id, predicate=lambda m: m.photo is not None)
    assert picture.photo == png_bytes(8, 6) and "Küme ekibinden yanıt" in picture.content

    await emulator.wait_idle()
    thread = await room.assistant.services.tickets.messages(1)
    kinds = [(m.direction, m.attachment.kind if m.attachment else None) for m in thread]
    assert kinds == [
        ("member", "photo"),
        ("staff", "document"),
        ("member", "document"),
        ("staff", "photo"),
    ]
    assert thread[2].attachment is not None and thread[2].attachment.file_name == "dolu-form.pdf"


async def test_without_a_staff_chat_each_staff_member_gets_it_privately(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    assistant: Assistant = await start_assistant(STAFF_IDS=f"{STAFF_ID},700002")
    zeynep = Person(emulator, User(STAFF_ID, "Zeynep", language_code="tr"))
    emulator.add_user(zeynep.user)  # 700002 never opened the bot: the post to them fails
    ayse = assistant.person("Ayşe")
    confirmation = await ask_team(ayse, QUESTION)
    assert "iletildi" in confirmation.content

    post = await emulator.wait_for_bot_message(zeynep.id, contains="Talep #1")
    assert QUESTION in post.content and post.buttons == ["🔒 Talebi kapat"]
    await emulator.send_message(zeynep.user, "Evet, var.", reply_to_message_id=post.message_id)
    answer = await emulator.wait_for_bot_message(ayse.id, contains="Evet, var.")
    assert "Küme ekibinden yanıt" in answer.content
    await emulator.wait_for_bot_message(zeynep.id, contains="üyeye iletildi")

    await emulator.send_message(ayse.user, "Sağ olun", reply_to_message_id=answer.message_id)
    follow_up = await emulator.wait_for_bot_message(zeynep.id, contains="Sağ olun")
    assert follow_up.reply_to_message_id == post.message_id

    # A staff member's reply to any other bot message is an ordinary question.
    greeting = await zeynep.says("/start")
    await emulator.send_message(
        zeynep.user, "eğitimler ücretli mi", reply_to_message_id=greeting.message_id
    )
    faq = await emulator.wait_for_bot_message(zeynep.id, contains="Eğitimler ücretli mi?")
    assert faq.content

    posts = await rows(
        assistant, "SELECT chat_id, purpose FROM ticket_posts WHERE audience = ?", "staff"
    )
    assert {row["chat_id"] for row in posts} == {STAFF_ID}


async def test_no_staff_at_all_points_to_the_office(start_assistant: StartAssistant) -> None:
    assistant: Assistant = await start_assistant(STAFF_IDS="")
    ayse = assistant.person("Ayşe")
    not_found = await ayse.says("zürafa kaç yıl yaşar")
    assert "info@cluster.example" in not_found.content
    assert not_found.buttons == ["🏠 Ana menü"]
    answer = await ayse.says("ekiple konuşmak istiyorum")
    reply = await ayse.press(answer, "👥 Ekibe yaz")
    assert "info@cluster.example" in reply.content
    assert await rows(assistant, "SELECT * FROM tickets") == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("   ", "boş görünüyor"),
        ("?!", "yalnızca emoji ya da işaret"),
        ("😀🙏", "yalnızca emoji ya da işaret"),
    ],
)
async def test_a_question_without_words_is_asked_again(
    start_assistant: StartAssistant, emulator: BotApiEmulator, typed: str, expected: str
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await team_prompt(ayse)
    await emulator.wait_idle()
    again = await ayse.says(typed)
    assert expected in again.content
    assert "Küme ekibine sorun" in again.content
    # Still in the flow: the next real question becomes the ticket.
    confirmation = await ayse.says(QUESTION)
    assert "#1" in confirmation.content
    assert await rows(room.assistant, "SELECT id FROM tickets") == [{"id": 1}]


async def test_stickers_and_voice_are_refused_and_cancel_leaves(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await team_prompt(ayse)
    await emulator.wait_idle()
    await emulator.send_sticker(ayse.user)
    sticker = await emulator.wait_for_bot_message(ayse.id)
    assert "yazı, fotoğraf ya da belge" in sticker.content
    await emulator.send_voice(ayse.user)
    voice = await emulator.wait_for_bot_message(ayse.id)
    assert "yazı, fotoğraf ya da belge" in voice.content
    cancelled = await ayse.says("/cancel")
    assert "ekibe bir şey gönderilmedi" in cancelled.content
    # Out of the flow, a typed text is a question for the assistant again.
    reply = await ayse.says("zürafa kaç yıl yaşar")
    assert "bulamadım" in reply.content
    # The cancel button works too.
    prompt = await team_prompt(ayse)
    cancelled = await ayse.press(prompt, "✖️ Vazgeç")
    assert "ekibe bir şey gönderilmedi" in cancelled.content
    await emulator.wait_idle()
    assert await rows(room.assistant, "SELECT * FROM tickets") == []
    assert room.posts() == []


async def test_a_very_long_question_is_shortened_for_staff_and_kept_whole(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    long_question = ("Üretim hattımızda enerji verimliliği için destek arıyoruz 🙏 " * 70)[:4000]
    confirmation = await ask_team(ayse, long_question)
    assert "#1" in confirmation.content
    post = await room.wait("Talep #1")
    assert utf16_length(post.content) <= 4096
    assert "…" in post.content and "kısaltıldı" in post.content and "4.000" in post.content
    stored = await rows(room.assistant, "SELECT text FROM ticket_messages WHERE ticket_id = 1")
    assert stored == [{"text": long_question.strip()}]

    # A long staff answer reaches the person shortened, whole in the database.
    long_answer = "Ayrıntılı yanıt: " + "ş" * 4070
    await room.answer(post, long_answer)
    answer = await emulator.wait_for_bot_message(ayse.id, contains="Ayrıntılı yanıt")
    assert utf16_length(answer.content) <= 4096 and "kısaltıldı" in answer.content
    await emulator.wait_idle()
    staff_text = await rows(
        room.assistant, "SELECT text FROM ticket_messages WHERE direction = 'staff'"
    )
    assert staff_text == [{"text": long_answer}]


def test_shorten_counts_like_telegram() -> None:
    assert shorten("kısa", 10) == ("kısa", False)
    text, cut = shorten("😀" * 10, 9)
    assert cut and text.endswith("…") and utf16_length(text) <= 9
    text, cut = shorten("a" * 20, 10)
    assert cut and text == "a" * 9 + "…"


async def test_unanswered_questions_are_counted_for_staff_only(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    for typed in ("zürafa kaç yıl yaşar", "ZÜRAFA KAÇ YIL YAŞAR?", "zurafa kac yil yasar"):
        not_found = await ayse.says(typed)
        assert "bulamadım" in not_found.content
    answered = await ayse.says("eğitimler ücretli mi")  # answered: not counted
    assert "Eğitimler ücretli mi?" in answered.content
    # Under the honest "not found", one tap passes the very question she typed to the team.
    sent = await ayse.press(not_found, "👥 Sorumu ekibe ilet")
    assert "#1" in sent.content and "zurafa kac yil yasar" in sent.content
    assert sent.buttons == ["✏️ Ayrıntı ekle", "🏠 Ana menü"]
    post = await room.wait("Talep #1")
    assert "zurafa kac yil yasar" in post.content
    # Pressing it again, or on an older "not found", never makes a second ticket.
    again = await emulator.press_button(ayse.user, not_found, "👥 Sorumu ekibe ilet")
    refusal = await emulator.wait_for_callback_answer(again)
    assert refusal.show_alert and "zaten iletildi (talep #1)" in (refusal.text or "")
    assert len(await rows(room.assistant, "SELECT id FROM tickets")) == 1
    asked = await rows(
        room.assistant,
        "SELECT question, decision, ticket_id FROM asked_questions WHERE ticket_id IS NOT NULL",
    )
    assert asked == [{"question": "zurafa kac yil yasar", "decision": "none", "ticket_id": 1}]
    recorded = await rows(
        room.assistant, "SELECT question, language, outcome FROM unanswered_questions ORDER BY id"
    )
    # Three asks, the last passed on to the team: three rows, not four.
    assert (
        recorded[:2]
        == [{"question": "zurafa kac yil yasar", "language": "tr", "outcome": "not_found"}] * 2
    )
    assert recorded[2]["outcome"] == "team" and len(recorded) == 3

    # Staff ask in the staff group: the wordings of one question are one line with a count.
    await ayse.says("zürafalar kaç yıl yaşıyor")
    await emulator.send_message(room.staff, "/unanswered", chat_id=room.group.id)
    listing = await room.wait("SSS iyileştirme")
    lines = listing.content.splitlines()
    first = next(line for line in lines if line.startswith("1."))
    # Four asks in two wordings, one of them passed on to the team: four, not five.
    assert "zurafa kac yil yasar" in first and "4 kez" in first and "2 farklı ifadeyle" in first
    assert "1. ❓ Eğitimler ücretli mi? — 1 kez · 👍 0 · 👎 0" in lines

    # Anyone else gets the unknown-command answer, word for word.
    unknown = await ayse.says("/nosuchcommand")
    refused = await ayse.says("/unanswered")
    assert refused.content == unknown.content
    # ... and in the group, silence, as for any unknown command.
    await emulator.send_message(room.intern, "/unanswered", chat_id=room.group.id)
    await emulator.wait_idle()
    assert sum("SSS iyileştirme" in m.content for m in room.posts()) == 1


async def test_english_person_and_staff_side_in_the_default_language(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    john = room.assistant.person("John", language="en")
    menu = await john.says("/start")
    prompt = await john.press(menu, "💬 Ask a question")
    assert "I'll try to answer it right away" in prompt.content
    # The assistant answers first; he says it didn't help and passes it on in one tap.
    answer = await john.says("Is there export support for machinery?")
    assert "export support" in answer.content
    await emulator.press_button(john.user, answer, "👎 It didn't")
    sorry = await emulator.wait_for_bot_message(john.id, contains="didn't help")
    confirmation = await john.press(sorry, "👥 Pass my question to the team")
    assert "I've passed your question to the cluster team" in confirmation.content
    post = await room.wait("Talep #1")
    assert "Is there export support for machinery?" in post.content
    assert "İngilizce" in post.content
    await room.answer(post, "Yes, there is.")
    answer = await emulator.wait_for_bot_message(john.id, contains="Yes, there is.")
    assert "Answer from the cluster team" in answer.content and answer.buttons == ["↩️ Reply"]


async def test_a_blocked_person_and_an_erased_one_are_reported_to_staff(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await ask_team(ayse, QUESTION)
    post = await room.wait("Talep #1")

    emulator.block(ayse.id)
    await room.answer(post, "Merhaba")
    await room.wait("engellediği")
    person = await room.assistant.services.people.get(ayse.id)
    assert person is not None and person.unreachable
    emulator.unblock(ayse.id)

    # Her export holds the ticket; erasing deletes the thread and keeps an anonymous ticket.
    await room.answer(post, "Merhaba, yardımcı olalım.")
    await emulator.wait_for_bot_message(ayse.id, contains="yardımcı olalım")
    document = await room.assistant.services.people.personal_data(ayse.id)
    assert [t["kind"] for t in document["tickets"]] == ["question"]
    assert [m["text"] for m in document["ticket_messages"]] == [
        QUESTION,
        "Merhaba, yardımcı olalım.",
    ]
    json.dumps(document)  # exportable as it is
    await room.assistant.services.people.erase(ayse.id)
    tickets = await rows(room.assistant, "SELECT person_id, status FROM tickets")
    assert tickets == [{"person_id": None, "status": "closed"}]
    assert await rows(room.assistant, "SELECT * FROM ticket_messages") == []
    person_posts = await rows(
        room.assistant, "SELECT * FROM ticket_posts WHERE audience = 'member'"
    )
    assert person_posts == []
    await room.answer(post, "Bir şey daha")
    await room.wait("kişisel verilerini sildiği")


async def test_an_unanswered_prompt_times_out(
    start_assistant: StartAssistant, emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tickets_feature, "TICKET_TIMEOUT", 0.3)
    monkeypatch.setattr(forms, "SWEEP_INTERVAL", 0.2)
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await team_prompt(ayse)
    closed = await emulator.wait_for_bot_message(ayse.id, contains="Uzun süre mesaj gelmediği")
    assert "/ask" in closed.content
    reply = await ayse.says("zürafa kaç yıl yaşar")  # a question for the assistant again
    assert "bulamadım" in reply.content
    assert await rows(room.assistant, "SELECT * FROM tickets") == []


async def test_staff_open_the_unanswered_questions_from_their_menu(assistant: Assistant) -> None:
    person = assistant.person("Ayşe")
    await person.says("bitcoin fiyatı ne kadar")
    staff = User(id=STAFF_ID, first_name="Elif", language_code="tr")
    assistant.emulator.add_user(staff)
    elif_ = Person(assistant.emulator, staff)
    menu = await elif_.says("/staff")
    icons = [label.split()[0] for label in menu.buttons]
    assert len(icons) == len(set(icons)), menu.buttons  # each entry has its own icon
    listing = await elif_.press(menu, "SSS iyileştirme")
    assert "bitcoin fiyatı ne kadar" in (listing.text or "")  # as typed, not folded
    forged = await assistant.emulator.press_callback(person.user, menu, "sm:unanswered")
    await assistant.emulator.wait_for_callback_answer(forged)
    await assistant.emulator.wait_idle()
    assert "SSS iyileştirme" not in (person.last().text or "")


async def test_what_she_types_after_an_answer_can_join_her_open_ticket(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    mehmet = room.assistant.person("Mehmet")
    tickets = room.assistant.services.tickets
    await ask_team(ayse, QUESTION)
    post = await room.wait("Talep #1")
    await room.answer(post, "Evet, KOSGEB ihracat desteği var.")
    await emulator.wait_for_bot_message(ayse.id, contains="Küme ekibinden yanıt")

    # She writes on without pressing Reply; the assistant has no answer, and offers the ticket.
    offer = await ayse.says("zürafa belgesi nereden alınır")
    assert "açık talebiniz #1 ile ilgiliyse" in offer.content
    assert "📎 #1 numaralı talebe ekle" in offer.buttons
    assert "👥 Yeni soru olarak ekibe ilet" in offer.buttons
    assert "👥 Sorumu ekibe ilet" not in offer.buttons
    add = offer.button_data("📎 #1 numaralı talebe ekle")
    assert add is not None
    added = await ayse.press(offer, "📎 #1 numaralı talebe ekle")
    assert "Mesajınız ekibe iletildi (talep #1)" in added.content
    follow_up = await room.wait("zürafa belgesi nereden alınır")
    assert follow_up.reply_to_message_id == post.message_id and "Ayşe yazdı" in follow_up.content
    await emulator.wait_idle()
    thread = await tickets.messages(1)
    last = thread[-1]
    assert (last.direction, last.text) == ("member", "zürafa belgesi nereden alınır")
    assert await room.assistant.fetch("SELECT id FROM tickets") == [{"id": 1}]
    [asked] = await room.assistant.fetch(
        "SELECT ticket_id FROM asked_questions WHERE question = 'zürafa belgesi nereden alınır'"
    )
    assert asked == {"ticket_id": 1}
    # The same button again (an old screen) adds nothing twice.
    query = await emulator.press_callback(ayse.user, added, add)
    again = await emulator.wait_for_callback_answer(query)
    assert again.show_alert and "zaten iletildi (talep #1)" in (again.text or "")
    assert len(await tickets.messages(1)) == len(thread)
    # Someone else's press of her button.
    forged = await mehmet.says("/start")
    query = await emulator.press_callback(mehmet.user, forged, add)
    refused = await emulator.wait_for_callback_answer(query)
    assert refused.show_alert
    assert len(await tickets.messages(1)) == len(thread)

    # What the assistant can answer is answered at once, ticket or not.
    answered = await ayse.says("eğitimler ücretli mi")
    assert "Eğitimler ücretli mi?" in answered.content
    assert not any("talebe ekle" in label for label in answered.buttons)

    # Something else entirely goes to the team as a new question.
    other = await ayse.says("kaynak robotu kiralayan firma var mı")
    sent = await ayse.press(other, "👥 Yeni soru olarak ekibe ilet")
    assert "#2" in sent.content
    await room.wait("Talep #2")

    # A ticket closed between the offer and the press: said, and the new question offered.
    late = await ayse.says("zürafa sertifikası kaç gün sürer")
    assert "açık talebiniz #2" in late.content  # the latest open ticket
    await close_ticket(room, await room.wait("Talep #2"))
    closed = await ayse.press(late, "📎 #2 numaralı talebe ekle")
    assert "kapatılmış" in closed.content and "👥 Yeni soru olarak ekibe ilet" in closed.buttons
    assert len(await tickets.messages(2)) == 1

    # Without an open ticket, the screen is as before.
    await close_ticket(room, post)
    plain = await ayse.says("zürafa sertifikası kaç gün sürer")
    assert "👥 Sorumu ekibe ilet" in plain.buttons and "açık talebiniz" not in plain.content


async def test_a_question_written_to_the_team_is_listed_as_written(
    start_assistant: StartAssistant, emulator: BotApiEmulator
) -> None:
    room = await staff_room(start_assistant, emulator)
    ayse = room.assistant.person("Ayşe")
    await ask_team(ayse, QUESTION)
    await room.wait("Talep #1")
    zeynep = Person(emulator, room.staff)
    page = await zeynep.says("/unanswered")
    line = next(line for line in page.content.splitlines() if line.startswith("1."))
    # As she wrote it (the team saw it so), not folded; counted once.
    assert line == f"1. {QUESTION} — 1 kez"
