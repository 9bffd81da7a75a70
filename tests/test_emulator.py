"""Tests of the Telegram Bot API emulator, driven over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.devtools.emulator import (
    BotActivity,
    BotApiEmulator,
    EmulatorTimeout,
    User,
    html_to_plain_readable,
)

TOKEN = "123456:TEST-token_x"
ALICE = User(1001, "Ayşe", "Yılmaz", username="ayse")
BOB = User(1002, "Mehmet")

Result = tuple[int, dict[str, Any]]


def png_bytes(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def ptb(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(
        TOKEN, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot"
    )
    async with bot:
        yield bot


class Api:
    """Raw Bot API calls over HTTP."""

    def __init__(self, emu: BotApiEmulator, http: aiohttp.ClientSession) -> None:
        self.url = f"{emu.base_url}/bot{TOKEN}"
        self.http = http

    async def __call__(self, method: str, **params: Any) -> Result:
        async with self.http.post(f"{self.url}/{method}", json=params) as response:
            return response.status, await response.json()

    async def form(self, method: str, data: aiohttp.FormData | dict[str, str]) -> Result:
        async with self.http.post(f"{self.url}/{method}", data=data) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self(method, **params)
        assert status == 200 and body["ok"], body
        return body["result"]


@pytest.fixture
def api(emu: BotApiEmulator, http: aiohttp.ClientSession) -> Api:
    return Api(emu, http)


def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


async def test_get_me_unknown_method_and_bad_token(
    emu: BotApiEmulator, api: Api, http: aiohttp.ClientSession
) -> None:
    me = await api.ok("getMe")
    assert me == {
        "id": 123456,
        "is_bot": True,
        "first_name": "Clustem Demo",
        "username": "clustem_demo_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }
    assert await api("fooBar") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert emu.stats.unsupported["fooBar"] == 1
    async with http.get(f"{emu.base_url}/botnotatoken/getMe") as response:
        assert response.status == 404
    # Method names are case-insensitive on Telegram too.
    assert (await api.ok("getme"))["id"] == 123456


async def test_long_poll_waits_then_returns_on_update(emu: BotApiEmulator, api: Api) -> None:
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=0.2) == []
    assert time.monotonic() - started >= 0.15

    poll = asyncio.create_task(api.ok("getUpdates", timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    await emu.send_message(ALICE, "merhaba")
    updates = await poll
    assert time.monotonic() - started < 2
    assert [u["message"]["text"] for u in updates] == ["merhaba"]
    message = updates[0]["message"]
    assert message["chat"] == {
        "id": ALICE.id,
        "type": "private",
        "first_name": "Ayşe",
        "last_name": "Yılmaz",
        "username": "ayse",
    }
    assert message["from"]["language_code"] == "tr"


async def test_offset_confirms_and_limit(emu: BotApiEmulator, api: Api) -> None:
    for text in ("one", "two", "three"):
        await emu.send_message(ALICE, text)
    updates = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in updates] == ["one", "two"]
    first = updates[0]["update_id"]
    assert [u["update_id"] for u in updates] == [first, first + 1]
    # Unconfirmed updates come again.
    again = await api.ok("getUpdates")
    assert len(again) == 3
    rest = await api.ok("getUpdates", offset=first + 2)
    assert [u["message"]["text"] for u in rest] == ["three"]
    assert await api.ok("getUpdates", offset=first + 3) == []
    assert emu.pending_updates() == []


async def test_allowed_updates_filter(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    await api.ok(
        "sendMessage",
        chat_id=ALICE.id,
        text="pick",
        reply_markup=keyboard({"text": "A", "callback_data": "a"}),
    )
    await emu.send_message(ALICE, "hello")
    await emu.press_button(ALICE, emu.last_bot_message(ALICE.id), "A")
    updates = await api.ok("getUpdates", allowed_updates=["callback_query"])
    assert [next(k for k in u if k != "update_id") for u in updates] == ["callback_query"]


async def test_valid_nested_html(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    html = (
        "<b>Bold <i>both</i></b> <a href='https://example.org/?a=1&b=2'>link</a>\n"
        '<pre><code class="language-python">x = 1</code></pre>'
        '<tg-spoiler>s</tg-spoiler><span class="tg-spoiler">p</span>'
        "<blockquote expandable>quote</blockquote><u>u</u><s>s</s><code>c</code>"
        ' &lt;&gt;&amp;&quot;&#33;&#x41; <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    result = await api.ok("sendMessage", chat_id=ALICE.id, text=html, parse_mode="HTML")
    assert result["text"] == 'Bold both link\nx = 1spquoteusc <>&"!A 👍'
    types = [(e["type"], e["offset"], e["length"]) for e in result["entities"]]
    assert ("bold", 0, 9) in types
    assert ("italic", 5, 4) in types
    assert ("pre", 15, 5) in types
    assert ("expandable_blockquote", 22, 5) in types
    link = next(e for e in result["entities"] if e["type"] == "text_link")
    assert link["url"] == "https://example.org/?a=1&b=2"
    pre = next(e for e in result["entities"] if e["type"] == "pre")
    assert pre["language"] == "python"
    emoji = next(e for e in result["entities"] if e["type"] == "custom_emoji")
    assert emoji["length"] == 2  # UTF-16 units
    stored = emu.last_bot_message(ALICE.id)
    assert stored.html == html
    assert stored.text == result["text"]


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("hello <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        (
            "<b><i>x</b></i>",
            'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
        ),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Ç & D", 'Character "&" at byte offset 3 must be escaped as "&amp;"'),
        ("a &nbsp; b", 'Unsupported HTML entity "&nbsp;" at byte offset 2'),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href='x'", "Unclosed start tag at byte offset 0"),
    ],
)
async def test_invalid_html_rejected(
    emu: BotApiEmulator, api: Api, html: str, description: str
) -> None:
    emu.add_user(ALICE)
    status, body = await api("sendMessage", chat_id=ALICE.id, text=html, parse_mode="HTML")
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": f"Bad Request: can't parse entities: {description}",
    }
    assert emu.bot_messages(ALICE.id) == []


async def test_text_length_counts_utf16(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    too_long = {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
    await api.ok("sendMessage", chat_id=ALICE.id, text="a" * 4096)
    assert await api("sendMessage", chat_id=ALICE.id, text="a" * 4097) == (400, too_long)
    await api.ok("sendMessage", chat_id=ALICE.id, text="😀" * 2048)
    assert await api("sendMessage", chat_id=ALICE.id, text="😀" * 2048 + "a") == (400, too_long)
    # Tags and entities do not count, only the parsed text.
    await api.ok(
        "sendMessage", chat_id=ALICE.id, text="<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML"
    )


async def test_empty_text(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    for text in ("", "  \n ", "<b> </b>"):
        status, body = await api("sendMessage", chat_id=ALICE.id, text=text, parse_mode="HTML")
        assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_caption_limit_on_multipart_upload(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)

    def form(caption: str) -> aiohttp.FormData:
        data = aiohttp.FormData()
        data.add_field("chat_id", str(ALICE.id))
        data.add_field("caption", caption)
        data.add_field("document", b"%PDF-1.4", filename="r.pdf", content_type="x/y")
        return data

    status, body = await api.form("sendDocument", form("c" * 1024))
    assert status == 200, body
    assert body["result"]["document"]["mime_type"] == "application/pdf"
    status, body = await api.form("sendDocument", form("c" * 1025))
    assert (status, body["description"]) == (400, "Bad Request: message caption is too long")


async def test_inline_keyboard_checks(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)

    async def send(*buttons: dict[str, Any]) -> Result:
        return await api("sendMessage", chat_id=ALICE.id, text="k", reply_markup=keyboard(*buttons))

    assert (await send({"text": "ok", "callback_data": "x" * 64}))[0] == 200
    status, body = await send({"text": "long", "callback_data": "x" * 65})
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    # 33 two-byte characters are 66 bytes.
    assert (await send({"text": "ğ", "callback_data": "ğ" * 33}))[0] == 400
    assert (await send({"text": "empty", "callback_data": ""}))[0] == 400
    status, body = await send({"text": "none"})
    assert status == 400 and "Text buttons are unallowed" in body["description"]
    two = {"text": "two", "callback_data": "a", "url": "https://example.org"}
    assert (await send(two))[0] == 400
    assert (await send({"text": "site", "url": "https://example.org/x"}))[0] == 200
    assert (await send({"text": "bad", "url": "not a url"}))[0] == 400


async def test_edits(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    markup = keyboard({"text": "A", "callback_data": "a"})
    sent = await api.ok(
        "sendMessage", chat_id=ALICE.id, text="<b>v1</b>", parse_mode="HTML", reply_markup=markup
    )
    mid = sent["message_id"]
    status, body = await api(
        "editMessageText",
        chat_id=ALICE.id,
        message_id=mid,
        text="<b>v1</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert status == 400
    assert body["description"] == (
        "Bad Request: message is not modified: specified new message content and reply "
        "markup are exactly the same as a current content and reply markup of the message"
    )
    # Same text but plain instead of bold is a change.
    edited = await api.ok(
        "editMessageText", chat_id=ALICE.id, message_id=mid, text="v1", reply_markup=markup
    )
    assert "entities" not in edited and edited["edit_date"] >= sent["date"]
    # Without reply_markup the keyboard goes away, like on Telegram.
    edited = await api.ok("editMessageText", chat_id=ALICE.id, message_id=mid, text="v2")
    assert "reply_markup" not in edited
    await api.ok("editMessageReplyMarkup", chat_id=ALICE.id, message_id=mid, reply_markup=markup)
    message = emu.last_bot_message(ALICE.id)
    assert (message.text, message.edits, message.buttons) == ("v2", ["v1", "v1"], ["A"])
    status, body = await api("editMessageText", chat_id=ALICE.id, message_id=999, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")


async def test_unknown_chat_and_delete(emu: BotApiEmulator, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=555, text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    emu.add_user(ALICE)
    sent = await api.ok("sendMessage", chat_id=ALICE.id, text="bye")
    assert await api.ok("deleteMessage", chat_id=ALICE.id, message_id=sent["message_id"])
    status, body = await api("deleteMessage", chat_id=ALICE.id, message_id=sent["message_id"])
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
    assert emu.chat_messages(ALICE.id) == []
    assert emu.chat_messages(ALICE.id, include_deleted=True)[0].deleted


async def test_per_chat_and_global_rate_limits(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    emu.add_user(BOB)
    emu.per_chat_rate_limit = 1
    await api.ok("sendMessage", chat_id=ALICE.id, text="1")
    status, body = await api("sendMessage", chat_id=ALICE.id, text="2")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    await api.ok("sendMessage", chat_id=BOB.id, text="other chat is fine")
    emu.per_chat_rate_limit = None
    emu.global_rate_limit = 3
    await api.ok("sendMessage", chat_id=ALICE.id, text="3")
    status, body = await api("sendMessage", chat_id=BOB.id, text="4")
    assert status == 429 and body["parameters"]["retry_after"] >= 1
    assert emu.stats.rate_limited == 2
    assert [m.text for m in emu.bot_messages(ALICE.id)] == ["1", "3"]


async def test_blocked_user(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    emu.block(ALICE.id)
    status, body = await api("sendMessage", chat_id=ALICE.id, text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    emu.unblock(ALICE.id)
    await api.ok("sendMessage", chat_id=ALICE.id, text="hi")
    assert emu.stats.forbidden == 1 and emu.stats.sent == 1


async def test_server_errors_with_error_rate() -> None:
    async with BotApiEmulator(error_rate=1.0, seed=7) as emu, aiohttp.ClientSession() as http:
        api = Api(emu, http)
        emu.add_user(ALICE)
        codes = set()
        for _ in range(6):
            status, body = await api("sendMessage", chat_id=ALICE.id, text="hi")
            assert body["description"] in ("Internal Server Error", "Bad Gateway")
            codes.add(status)
        assert codes <= {500, 502}
        await api.ok("getMe")
        assert emu.stats.server_errors == 6 and emu.bot_messages(ALICE.id) == []
        emu.error_rate = 0.0
        emu.inject_error("sendMessage", 502, "Bad Gateway")
        assert (await api("sendMessage", chat_id=ALICE.id, text="x"))[0] == 502
        await api.ok("sendMessage", chat_id=ALICE.id, text="x")


async def test_file_round_trip(emu: BotApiEmulator, api: Api, http: aiohttp.ClientSession) -> None:
    emu.add_user(ALICE)
    data = aiohttp.FormData()
    data.add_field("chat_id", str(ALICE.id))
    data.add_field("document", b"name;score\nA;1\n", filename="rapor.csv")
    status, body = await api.form("sendDocument", data)
    assert status == 200, body
    document = body["result"]["document"]
    assert document["file_name"] == "rapor.csv" and document["file_size"] == 15
    info = await api.ok("getFile", file_id=document["file_id"])
    async with http.get(f"{emu.base_url}/file/bot{TOKEN}/{info['file_path']}") as response:
        assert response.status == 200
        assert await response.read() == b"name;score\nA;1\n"
    assert emu.documents(ALICE.id)[0].content == b"name;score\nA;1\n"
    # Sending by file_id reuses the stored file.
    again = await api.ok("sendDocument", chat_id=ALICE.id, document=document["file_id"])
    assert again["document"]["file_id"] == document["file_id"]
    status, body = await api("sendDocument", chat_id=ALICE.id, document="nope")
    assert body["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    # Files users send are downloadable too.
    sent = await emu.send_document(ALICE, "liste.xlsx", b"PK\x03\x04")
    assert sent.document is not None
    info = await api.ok("getFile", file_id=sent.document.file_id)
    async with http.get(f"{emu.base_url}/file/bot{TOKEN}/{info['file_path']}") as response:
        assert await response.read() == b"PK\x03\x04"
    async with http.get(f"{emu.base_url}/file/bot{TOKEN}/documents/missing") as response:
        assert response.status == 404


async def test_photos(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    data = aiohttp.FormData()
    data.add_field("chat_id", str(ALICE.id))
    data.add_field("photo", png_bytes(400, 200), filename="qr.png")
    status, body = await api.form("sendPhoto", data)
    assert status == 200, body
    sizes = body["result"]["photo"]
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (400, 200)
    bad = aiohttp.FormData()
    bad.add_field("chat_id", str(ALICE.id))
    bad.add_field("photo", b"not an image", filename="x.png")
    status, body = await api.form("sendPhoto", bad)
    assert (status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")
    message = await emu.send_photo(ALICE, png_bytes(), caption="foto")
    assert message.to_api()["photo"][0]["width"] == 3
    # Users can send files as replies too.
    photo = await emu.send_photo(ALICE, png_bytes(), reply_to_message_id=message.message_id)
    document = await emu.send_document(
        ALICE, "form.pdf", b"%PDF-1.4", reply_to_message_id=photo.message_id
    )
    assert photo.reply_to_message_id == message.message_id
    assert document.to_api()["reply_to_message"]["message_id"] == photo.message_id


async def test_commands_per_scope_and_language(emu: BotApiEmulator, api: Api) -> None:
    tr = [{"command": "start", "description": "Başla"}]
    en = [{"command": "start", "description": "Start"}]
    admin = [{"command": "stats", "description": "İstatistik"}]
    await api.ok("setMyCommands", commands=tr)
    await api.ok("setMyCommands", commands=en, language_code="en")
    await api.ok("setMyCommands", commands=admin, scope={"type": "all_chat_administrators"})
    assert await api.ok("getMyCommands") == tr
    assert await api.ok("getMyCommands", language_code="en") == en
    assert await api.ok("getMyCommands", scope={"type": "all_private_chats"}) == []
    assert emu.commands() == tr
    assert emu.commands(language_code="en") == en
    assert emu.commands("all_chat_administrators") == admin
    await api.ok("deleteMyCommands", language_code="en")
    assert emu.commands(language_code="en") == []
    status, body = await api("setMyCommands", commands=[{"command": "Bad-One", "description": "x"}])
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")
    # PTB sends objects JSON-encoded inside form fields.
    form = {"commands": json.dumps(en), "scope": json.dumps({"type": "all_group_chats"})}
    status, body = await api.form("setMyCommands", form)
    assert status == 200, body
    assert emu.commands("all_group_chats") == en


async def test_press_button_produces_callback_query(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    markup = {
        "inline_keyboard": [
            [{"text": "📅 Etkinlikler", "callback_data": "ev:list"}],
            [{"text": "Web", "url": "https://example.org"}, {"text": "Geri", "callback_data": "b"}],
        ]
    }
    sent = await api.ok("sendMessage", chat_id=ALICE.id, text="Menü", reply_markup=markup)
    message = emu.last_bot_message(ALICE.id)
    assert message.buttons == ["📅 Etkinlikler", "Web", "Geri"]
    assert message.button_data("Geri") == "b"
    query_id = await emu.press_button(ALICE, message, "Etkinlik")
    assert await emu.press_button(ALICE, message, (1, 1)) != query_id
    with pytest.raises(ValueError, match="not a callback button"):
        await emu.press_button(ALICE, message, "Web")
    updates = await api.ok("getUpdates")
    query = updates[0]["callback_query"]
    assert query["id"] == query_id and query["data"] == "ev:list"
    assert query["from"]["id"] == ALICE.id and query["chat_instance"]
    assert query["message"]["message_id"] == sent["message_id"]
    assert query["message"]["reply_markup"] == markup
    assert updates[1]["callback_query"]["data"] == "b"

    await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Tamam", show_alert=True)
    answer = await emu.wait_for_callback_answer(query_id)
    assert (answer.text, answer.show_alert) == ("Tamam", True)
    expired = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    for qid in (query_id, "12345"):
        status, body = await api("answerCallbackQuery", callback_query_id=qid)
        assert (status, body["description"]) == (400, expired)

    forged = await emu.press_callback(ALICE, message, "admin:delete_all")
    updates = await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
    assert updates[0]["callback_query"] | {"id": forged} == updates[0]["callback_query"]
    assert updates[0]["callback_query"]["data"] == "admin:delete_all"


async def test_group_reply_carries_bot_message(emu: BotApiEmulator, api: Api) -> None:
    group = emu.create_group("Küme Yönetimi")
    assert group.id < 0
    await emu.send_command(ALICE, "start", chat_id=group.id, mention=True)
    updates = await api.ok("getUpdates")
    assert updates[0]["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len("/start@clustem_demo_bot")}
    ]
    question = await api.ok("sendMessage", chat_id=group.id, text="Adınız?")
    # Privacy mode: plain chatter in groups does not reach the bot, replies do.
    await emu.send_message(BOB, "unrelated chat", chat_id=group.id)
    await emu.send_message(
        ALICE, "Ayşe", chat_id=group.id, reply_to_message_id=question["message_id"]
    )
    updates = await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
    assert len(updates) == 1
    reply = updates[0]["message"]
    assert reply["chat"]["type"] == "group" and reply["chat"]["title"] == "Küme Yönetimi"
    assert reply["reply_to_message"]["text"] == "Adınız?"
    assert reply["reply_to_message"]["from"]["is_bot"] is True
    assert [m.text for m in emu.chat_messages(group.id)] == [
        "/start@clustem_demo_bot",
        "Adınız?",
        "unrelated chat",
        "Ayşe",
    ]
    # Bob was only seen in the group: the bot may not write to him first.
    status, body = await api("sendMessage", chat_id=BOB.id, text="hi")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


async def test_user_side_updates(emu: BotApiEmulator, api: Api) -> None:
    await emu.send_contact(ALICE, "+905551112233")
    await emu.send_location(ALICE, 40.19, 29.06)
    await emu.send_sticker(ALICE)
    await emu.send_voice(ALICE)
    updates = await api.ok("getUpdates")
    contact = updates[0]["message"]["contact"]
    assert contact == {
        "phone_number": "+905551112233",
        "first_name": "Ayşe",
        "last_name": "Yılmaz",
        "user_id": ALICE.id,
    }
    assert updates[1]["message"]["location"] == {"latitude": 40.19, "longitude": 29.06}
    assert updates[2]["message"]["sticker"]["emoji"] == "👍"
    voice = updates[3]["message"]["voice"]
    info = await api.ok("getFile", file_id=voice["file_id"])
    assert info["file_size"] == voice["file_size"]


async def test_wait_for_bot_message_and_activity(emu: BotApiEmulator, api: Api) -> None:
    seen: list[BotActivity] = []
    unsubscribe = emu.on_bot_activity(seen.append)
    user_message = await emu.send_message(ALICE, "/help")

    async def bot_replies() -> None:
        await asyncio.sleep(0.02)
        await api.ok("sendMessage", chat_id=ALICE.id, text="typing…")
        await api.ok("sendMessage", chat_id=ALICE.id, text="Yardım: /start")

    task = asyncio.create_task(bot_replies())
    reply = await emu.wait_for_bot_message(ALICE.id, contains="Yardım")
    await task
    assert reply.text == "Yardım: /start"
    first = await emu.wait_for_bot_message(ALICE.id, after=user_message)
    assert first.text == "typing…"
    edit = asyncio.create_task(
        api.ok("editMessageText", chat_id=ALICE.id, message_id=first.message_id, text="done")
    )
    assert (await emu.wait_for_edit(first)).text == "done"
    await edit
    assert [a.kind for a in seen] == ["send", "send", "edit"]
    unsubscribe()
    with pytest.raises(EmulatorTimeout, match="Yardım: /start") as caught:
        await emu.wait_for_bot_message(ALICE.id, contains="never", timeout=0.05)
    assert isinstance(caught.value, TimeoutError)
    # The /help update was never fetched, so the bot is not idle yet.
    with pytest.raises(EmulatorTimeout, match="1 unconfirmed"):
        await emu.wait_idle(quiet=0.01, timeout=0.05)
    updates = await api.ok("getUpdates")
    await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
    await emu.wait_idle(quiet=0.01, timeout=1)


async def test_wait_default_is_since_last_user_action(emu: BotApiEmulator, api: Api) -> None:
    await emu.send_command(ALICE, "start")
    menu = await api.ok(
        "sendMessage",
        chat_id=ALICE.id,
        text="Menü",
        reply_markup=keyboard({"text": "Aç", "callback_data": "open"}),
    )
    shown = await emu.wait_for_bot_message(ALICE.id)
    assert shown.message_id == menu["message_id"]
    await emu.press_button(ALICE, shown, "Aç")
    # The old menu does not count until the bot reacts to the press (here by editing it).
    with pytest.raises(EmulatorTimeout):
        await emu.wait_for_bot_message(ALICE.id, timeout=0.02)
    await api.ok("editMessageText", chat_id=ALICE.id, message_id=shown.message_id, text="Açık")
    assert (await emu.wait_for_bot_message(ALICE.id)).text == "Açık"


async def test_webhook_blocks_polling(api: Api) -> None:
    await api.ok("setWebhook", url="https://example.org/hook")
    status, body = await api("getUpdates")
    assert status == 409 and body["description"].startswith("Conflict:")
    assert (await api.ok("getWebhookInfo"))["url"] == "https://example.org/hook"
    await api.ok("deleteWebhook", drop_pending_updates=True)
    assert await api.ok("getUpdates") == []


async def test_copy_forward_chat_action_and_get_chat(emu: BotApiEmulator, api: Api) -> None:
    emu.add_user(ALICE)
    emu.add_user(BOB)
    original = await emu.send_message(ALICE, "iletilecek")
    copied = await api.ok(
        "copyMessage", chat_id=BOB.id, from_chat_id=ALICE.id, message_id=original.message_id
    )
    assert emu.chat_messages(BOB.id)[0].text == "iletilecek"
    forwarded = await api.ok(
        "forwardMessage", chat_id=BOB.id, from_chat_id=ALICE.id, message_id=original.message_id
    )
    assert forwarded["forward_origin"]["sender_user"]["id"] == ALICE.id
    assert forwarded["message_id"] == copied["message_id"] + 1
    assert await api.ok("sendChatAction", chat_id=ALICE.id, action="typing")
    assert emu.chat_actions(ALICE.id) == ["typing"]
    chat = await api.ok("getChat", chat_id=ALICE.id)
    assert chat["type"] == "private" and chat["first_name"] == "Ayşe"
    assert await api.ok("setChatMenuButton", menu_button={"type": "commands"})


async def test_python_telegram_bot_against_emulator(
    emu: BotApiEmulator, ptb: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without it PTB 22 warns when building RetryAfter, and warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    me = await ptb.get_me()
    assert me.username == "clustem_demo_bot" and me.id == 123456
    await emu.send_command(ALICE, "start", args="event_x")
    updates = await ptb.get_updates(timeout=1)
    assert updates[0].message is not None
    assert updates[0].message.text == "/start event_x"
    assert updates[0].message.from_user is not None
    assert updates[0].message.from_user.language_code == "tr"

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Kayıt ol", callback_data="reg:1")]])
    sent = await ptb.send_message(
        ALICE.id, "<b>Hoş geldiniz</b> &amp; selam", parse_mode="HTML", reply_markup=markup
    )
    assert sent.text == "Hoş geldiniz & selam"
    assert sent.reply_markup == markup
    doc = await ptb.send_document(ALICE.id, b"\x00\x01", filename="bilet.pdf", caption="Bilet")
    assert doc.document is not None and doc.document.file_name == "bilet.pdf"
    file = await ptb.get_file(doc.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"\x00\x01"
    assert emu.documents(ALICE.id)[0].filename == "bilet.pdf"

    await emu.press_button(ALICE, emu.bot_messages(ALICE.id)[0], "Kayıt ol")
    updates = await ptb.get_updates(offset=updates[-1].update_id + 1, timeout=1)
    assert updates[0].callback_query is not None
    assert updates[0].callback_query.data == "reg:1"
    assert await updates[0].callback_query.answer("Kaydedildi")

    edited = await ptb.edit_message_text("Kaydınız alındı", ALICE.id, sent.message_id)
    assert isinstance(edited, telegram.Message) and edited.reply_markup is None

    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb.edit_message_text("Kaydınız alındı", ALICE.id, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await ptb.send_message(ALICE.id, "<br>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb.send_message(424242, "x")
    emu.per_chat_rate_limit = 1
    with pytest.raises(RetryAfter) as retry:
        await ptb.send_message(ALICE.id, "flood")
    assert retry.value.retry_after == dt.timedelta(seconds=1)
    emu.per_chat_rate_limit = None
    emu.block(ALICE.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb.send_message(ALICE.id, "x")
    await ptb.set_my_commands([("start", "Başla")], language_code="tr")
    assert emu.commands(language_code="tr") == [{"command": "start", "description": "Başla"}]


def test_html_to_plain_readable() -> None:
    html = '<b>Etkinlik</b>: <a href="https://e.org/x">Kayıt</a> &amp; <i>not</i>'
    assert html_to_plain_readable(html) == "Etkinlik: Kayıt (https://e.org/x) & not"
    assert html_to_plain_readable("<b>x</b>", ansi=True) == "\x1b[1mx\x1b[22m"
    assert html_to_plain_readable("<blockquote>a\nb</blockquote>") == "│ a\n│ b"
    # Broken HTML still renders for the demo.
    assert html_to_plain_readable("<b>open &amp; <x>") == "open & "
