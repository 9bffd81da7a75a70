"""File helpers: image sniffing, MIME guessing and Bot API file objects."""

from __future__ import annotations

import mimetypes
import struct
from pathlib import PurePosixPath

from bot.devtools.emulator.state import JSON, EmulatorState, StoredFile

DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
PHOTO_MAX_BYTES = 10 * 1024 * 1024
DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image, None if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        # Sizes hide in one of three chunk layouts; the exact value is not needed here.
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + int(length)
    return None


def guess_mime(filename: str, fallback: str | None = None) -> str:
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or fallback or "application/octet-stream"


def extension_of(filename: str, default: str = "bin") -> str:
    suffix = PurePosixPath(filename).suffix.lstrip(".")
    return suffix or default


def document_json(stored: StoredFile) -> JSON:
    data: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.file_name:
        data["file_name"] = stored.file_name
    if stored.mime_type:
        data["mime_type"] = stored.mime_type
    return data


def photo_sizes(state: EmulatorState, content: bytes, size: tuple[int, int]) -> list[JSON]:
    """PhotoSize list like Telegram's (small to large). Every size serves the original bytes."""
    width, height = size
    result: list[JSON] = []
    for side in (90, 320, 800, 1280):
        scale = min(1.0, side / max(width, height, 1))
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        if result and (w, h) == (result[-1]["width"], result[-1]["height"]):
            continue
        stored = state.register_file("photo", content, extension="jpg", mime_type="image/jpeg")
        result.append(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
                "width": w,
                "height": h,
            }
        )
        if scale == 1.0:
            break
    return result
