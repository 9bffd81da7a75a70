"""Request parameter decoding: query string, JSON, urlencoded and multipart bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.devtools.emulator.errors import ApiError, bad_request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str | None
    data: bytes


class Params:
    """Typed access to Bot API parameters, which arrive mostly as strings."""

    def __init__(self, values: dict[str, Any], files: dict[str, Upload]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str, *, error: str | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(error or f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(error or f"invalid {name} specified") from None

    def require_int(self, name: str, *, missing: str, invalid: str | None = None) -> int:
        if not self.has(name):
            raise bad_request(missing)
        value = self.get_int(name, error=invalid or missing)
        assert value is not None
        return value

    def get_float(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str, *, error: str | None = None) -> Any:
        """Objects may come JSON-encoded inside form fields; decode them."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None

    def chat_ref(self, name: str = "chat_id") -> int | str | None:
        """A chat id, or an ``@username`` string."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def file_input(self, name: str) -> Upload | str | None:
        """An uploaded part, an ``attach://`` reference, or a file_id/URL string."""
        if name in self.files:
            return self.files[name]
        value = self.get_str(name)
        if value and value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"file for {name} not found in the request")
            return attached
        return value or None


async def read_params(request: web.Request) -> Params:
    """Merge the query string with the body, whichever encoding the body uses."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            values.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    files[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    values[key] = value
    return Params(values, files)


def error_response(error: ApiError) -> web.Response:
    return web.json_response(error.to_body(), status=error.code)


def ok_response(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})
