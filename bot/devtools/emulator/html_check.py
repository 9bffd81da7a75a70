"""Telegram HTML parse mode: validation, entity extraction and terminal rendering.

The parser follows the rules of Telegram's own HTML parser (tdlib), including its
error descriptions, so a bot that passes here does not fail on the real server.
It is one notch stricter about ``&``: Telegram's docs require it to be escaped and
unescaped user data is the usual cause of later failures, so ``strict_entities``
rejects a ``&`` that does not start ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or a
numeric reference.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\v\f"
# Telegram trims these around a message after parsing.
_TRIM = " \t\r\n"


class HtmlParseError(ValueError):
    """Raised with Telegram's wording (without the "can't parse entities" prefix)."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ParsedText:
    """Plain text with its Bot API entities (offsets in UTF-16 units)."""

    text: str
    entities: list[dict[str, Any]]


@dataclass
class _Token:
    kind: str  # "text", "start" or "end"
    value: str  # text, or tag name
    argument: str = ""


class _Scanner:
    """Walks the source; positions are str indexes, errors report UTF-8 byte offsets."""

    def __init__(self, source: str, strict_entities: bool) -> None:
        self.src = source
        self.pos = 0
        self.strict = strict_entities

    def ch(self, index: int | None = None) -> str:
        i = self.pos if index is None else index
        return self.src[i] if i < len(self.src) else ""

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def fail(self, message: str, index: int) -> HtmlParseError:
        return HtmlParseError(message.replace("{at}", f"at byte offset {self.byte_offset(index)}"))

    def skip_spaces(self) -> None:
        while self.ch() != "" and self.ch() in _SPACES:
            self.pos += 1

    def decode_entity(self, strict: bool) -> str | None:
        """Decode the reference at ``pos``; advance past it when it is valid."""
        src, start = self.src, self.pos
        end = start + 1
        value: str | None = None
        if self.ch(end) == "#":
            end += 1
            hexadecimal = self.ch(end) in ("x", "X")
            end += 1 if hexadecimal else 0
            digits_start = end
            allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
            while self.ch(end) != "" and self.ch(end) in allowed:
                end += 1
            digits = src[digits_start:end]
            if digits and len(digits) < 8:
                code = int(digits, 16 if hexadecimal else 10)
                if 0 < code < 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                    value = chr(code)
        else:
            while self.ch(end).isascii() and self.ch(end).isalpha():
                end += 1
            value = _NAMED_ENTITIES.get(src[start + 1 : end])
        if self.ch(end) == ";":
            end += 1
        elif strict:
            value = None
        if value is not None:
            self.pos = end
        return value

    def entity_error(self) -> HtmlParseError:
        match = re.match(r"&#?\w*;?", self.src[self.pos :])
        token = match.group(0) if match else "&"
        if token == "&":
            return self.fail('Character "&" {at} must be escaped as "&amp;"', self.pos)
        return self.fail(f'Unsupported HTML entity "{token}" {{at}}', self.pos)


def _tokens(source: str, strict_entities: bool) -> Iterator[_Token]:
    """Yield text and tag tokens; raise HtmlParseError like Telegram does."""
    sc = _Scanner(source, strict_entities)
    open_tags: list[tuple[str, int]] = []
    buffer: list[str] = []
    while sc.pos < len(source):
        c = sc.ch()
        if c == "&":
            decoded = sc.decode_entity(strict_entities)
            if decoded is not None:
                buffer.append(decoded)
                continue
            if strict_entities:
                raise sc.entity_error()
        if c != "<":
            buffer.append(c)
            sc.pos += 1
            continue
        if buffer:
            yield _Token("text", "".join(buffer))
            buffer = []
        begin = sc.pos
        sc.pos += 1
        if sc.ch() == "/":
            yield _end_tag(sc, begin, open_tags)
        else:
            token = _start_tag(sc, begin)
            open_tags.append((token.value, begin))
            yield token
    if buffer:
        yield _Token("text", "".join(buffer))
    if open_tags:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"')


def _start_tag(sc: _Scanner, begin: int) -> _Token:
    name_start = sc.pos
    while sc.ch() != "" and sc.ch() not in _SPACES and sc.ch() != ">":
        sc.pos += 1
    if sc.ch() == "":
        raise sc.fail("Unclosed start tag {at}", begin)
    tag = sc.src[name_start : sc.pos].lower()
    if tag not in SUPPORTED_TAGS:
        raise sc.fail(f'Unsupported start tag "{tag}" {{at}}', begin)
    argument = ""
    while True:
        sc.skip_spaces()
        if sc.ch() == "":
            raise sc.fail("Unclosed start tag {at}", begin)
        if sc.ch() == ">":
            break
        name, value = _attribute(sc, tag, begin)
        argument = _tag_argument(tag, name, value, argument)
    sc.pos += 1
    if tag == "span" and argument != "spoiler":
        raise sc.fail('Tag "span" must have class "tg-spoiler" {at}', begin)
    return _Token("start", tag, argument)


def _attribute(sc: _Scanner, tag: str, begin: int) -> tuple[str, str]:
    name_start = sc.pos
    while sc.ch() != "" and sc.ch() not in _SPACES and sc.ch() not in "=>":
        sc.pos += 1
    name = sc.src[name_start : sc.pos].lower()
    if not name:
        raise sc.fail(f'Empty attribute name in the tag "{tag}" {{at}}', begin)
    sc.skip_spaces()
    if sc.ch() != "=" and (tag, name) == ("blockquote", "expandable"):
        return name, ""  # the one valueless attribute Telegram documents
    if sc.ch() != "=":
        raise sc.fail(
            f'Expected equal sign in declaration of an attribute of the tag "{tag}" {{at}}', begin
        )
    sc.pos += 1
    sc.skip_spaces()
    if sc.ch() == "":
        raise sc.fail(f'Unclosed start tag "{tag}" {{at}}', begin)
    if sc.ch() not in "\"'":
        token_start = sc.pos
        while sc.ch() != "" and (sc.ch().isalnum() or sc.ch() in ".-"):
            sc.pos += 1
        if sc.ch() == "" or (sc.ch() not in _SPACES and sc.ch() != ">"):
            raise sc.fail("Unexpected end of name token {at}", token_start)
        return name, sc.src[token_start : sc.pos].lower()
    quote = sc.ch()
    sc.pos += 1
    chars: list[str] = []
    while sc.ch() not in ("", quote):
        # Attribute values are lenient like Telegram's: URLs often carry a raw "&".
        decoded = sc.decode_entity(False) if sc.ch() == "&" else None
        if decoded is None:
            chars.append(sc.ch())
            sc.pos += 1
        else:
            chars.append(decoded)
    if sc.ch() == "":
        raise sc.fail("Unclosed start tag {at}", begin)
    sc.pos += 1
    return name, "".join(chars)


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "expandable"
    return current


def _end_tag(sc: _Scanner, begin: int, open_tags: list[tuple[str, int]]) -> _Token:
    if not open_tags:
        raise sc.fail("Unexpected end tag {at}", begin)
    sc.pos += 1
    name_start = sc.pos
    while sc.ch() != "" and sc.ch() not in _SPACES and sc.ch() != ">":
        sc.pos += 1
    name = sc.src[name_start : sc.pos].lower()
    sc.skip_spaces()
    if sc.ch() != ">":
        raise sc.fail("Unclosed end tag {at}", begin)
    sc.pos += 1
    expected = open_tags[-1][0]
    if name and name != expected:
        raise sc.fail(
            f'Unmatched end tag {{at}}, expected "</{expected}>", found "</{name}>"', begin
        )
    open_tags.pop()
    return _Token("end", expected)


def parse_html(source: str, *, strict_entities: bool = True) -> ParsedText:
    """Parse Telegram HTML into trimmed plain text and entities."""
    text_parts: list[str] = []
    offset = 0
    stack: list[tuple[str, str, int]] = []
    entities: list[dict[str, Any]] = []
    for token in _tokens(source, strict_entities):
        if token.kind == "text":
            text_parts.append(token.value)
            offset += utf16_len(token.value)
        elif token.kind == "start":
            stack.append((token.value, token.argument, offset))
        else:
            tag, argument, start = stack.pop()
            entity = _make_entity(tag, argument, start, offset - start, stack, entities)
            if entity is not None:
                entities.append(entity)
    return trim_text("".join(text_parts), entities)


def _make_entity(
    tag: str,
    argument: str,
    start: int,
    length: int,
    stack: list[tuple[str, str, int]],
    done: list[dict[str, Any]],
) -> dict[str, Any] | None:
    if length <= 0:
        return None
    entity: dict[str, Any] = {"type": _ENTITY_TYPES[tag], "offset": start, "length": length}
    if tag == "a":
        if not argument:
            return None
        entity["url"] = argument
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = argument
    elif tag == "blockquote" and argument:
        entity["type"] = "expandable_blockquote"
    elif tag == "code" and stack and stack[-1][0] == "pre":
        # <pre><code class="language-x"> is one pre entity carrying the language.
        if argument:
            name, _, pre_start = stack[-1]
            stack[-1] = (name, argument, pre_start)
        return None
    elif tag == "pre" and argument:
        entity["language"] = argument
    return entity


def trim_text(text: str, entities: list[dict[str, Any]]) -> ParsedText:
    """Trim surrounding whitespace like Telegram and shift the entities to match."""
    stripped = text.lstrip(_TRIM)
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip(_TRIM)
    limit = utf16_len(stripped)
    result: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText(stripped, result)


_ANSI = {
    "bold": ("\x1b[1m", "\x1b[22m"),
    "italic": ("\x1b[3m", "\x1b[23m"),
    "underline": ("\x1b[4m", "\x1b[24m"),
    "strikethrough": ("\x1b[9m", "\x1b[29m"),
    "spoiler": ("\x1b[7m", "\x1b[27m"),
    "code": ("\x1b[36m", "\x1b[39m"),
    "pre": ("\x1b[36m", "\x1b[39m"),
}


def html_to_plain_readable(source: str, *, ansi: bool = False) -> str:
    """Render Telegram HTML for a terminal: links as "text (url)", entities unescaped.

    With ``ansi`` the formatting becomes ANSI escapes. Invalid HTML is shown with
    tags stripped rather than raising, because the demo must never crash on output.
    """
    try:
        tokens = list(_tokens(source, strict_entities=False))
    except HtmlParseError:
        return html_lib.unescape(re.sub(r"<[^>]*>", "", source))
    frames: list[tuple[str, str, list[str]]] = [("", "", [])]
    for token in tokens:
        if token.kind == "text":
            frames[-1][2].append(token.value)
        elif token.kind == "start":
            frames.append((token.value, token.argument, []))
        else:
            tag, argument, parts = frames.pop()
            frames[-1][2].append(_render(tag, argument, "".join(parts), ansi))
    return "".join(frames[0][2])


def _render(tag: str, argument: str, content: str, ansi: bool) -> str:
    kind = _ENTITY_TYPES[tag]
    if kind == "text_link":
        return content if argument in ("", content) else f"{content} ({argument})"
    if kind == "blockquote":
        return "\n".join(f"│ {line}" for line in content.split("\n"))
    if ansi and kind in _ANSI:
        on, off = _ANSI[kind]
        return f"{on}{content}{off}"
    return content
