"""A file staff send, checked and previewed, then applied or discarded: one form on the form
engine for every upload (a content file or company list, an attendance list, a marked
applications sheet), each filling in only what is its own.

The file is read and checked completely when it arrives, before anything is written; the form
keeps what the check found (the file's text or bytes, or the marks read from it), so what was
previewed is what is applied, after a restart too. Another file sent at the preview replaces
the one previewed. A file that would change nothing is shown, and the form ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, ClassVar

from bot.domain.forms import DOCUMENT, OTHER, Answers, ChoiceStep, Flow, MessageStep, Moved, Reply
from handlers.forms import Form, FormCall, step_keyboard
from handlers.replies import Keyboard, show

APPLY, DISCARD = "apply", "discard"
UPLOAD_TIMEOUT = timedelta(minutes=15)


def upload_flow(kind: str, ready: str) -> Flow:
    """Return the steps of an upload: the file, then the choice, asked only when the checked
    file's `ready` says there is something to confirm."""

    def applies(step: str, answers: Answers) -> bool:
        return step != "confirm" or bool(answers.get("file", {}).get(ready))

    return Flow(
        kind,
        (
            MessageStep("file", back=False, text=False, documents=True),
            ChoiceStep("confirm", back=False),
        ),
        applies,
    )


class UploadForm(Form):
    """An upload: `accepts` and `read` check the file, `ask_for_file` and `preview` show it,
    `apply` acts on the choice made at the preview."""

    # The reason given for something that is not a file (a text, a photo) and for a file of
    # a kind the form does not take.
    not_a_file: ClassVar[str] = "not_a_file"
    wrong_type: ClassVar[str] = "wrong_type"
    # The name a file sent without one is read by.
    unnamed: ClassVar[str]
    # The key of the checked file's answer that says there is something to confirm (the
    # form's own word, kept in its stored answers).
    ready: ClassVar[str]

    @property
    def timeout(self) -> timedelta:
        return UPLOAD_TIMEOUT

    def options(self, call: FormCall) -> Sequence[tuple[str, str]]:
        return (
            (APPLY, call.caller.label("staff_apply_import")),
            (DISCARD, call.caller.label("staff_discard")),
        )

    def route(self, call: FormCall, reply: Reply) -> str | None:
        return "file" if reply.upload is not None else None

    # -- what each upload fills in -------------------------------------------------------

    def accepts(self, call: FormCall, filename: str, mime_type: str | None) -> int | None:
        """Return the largest file (bytes) of this kind the form takes; None: not this kind."""
        raise NotImplementedError

    async def read(self, call: FormCall, filename: str, data: bytes) -> tuple[Any, str | None]:
        """Check the file; return what the form keeps of it (a dict whose `ready` key says there
        is something to confirm), or None and the reason it can't be used."""
        raise NotImplementedError

    async def ask_for_file(self, call: FormCall, problem: str | None) -> None:
        """Ask for the file, saying what was wrong with the last one (None: first time)."""
        raise NotImplementedError

    async def preview(self, call: FormCall) -> str:
        """Return what the checked file would change."""
        raise NotImplementedError

    async def apply(self, call: FormCall, choice: str) -> None:
        """Act on the checked file: the choice made at the preview, never DISCARD."""
        raise NotImplementedError

    def leaving_rows(self, call: FormCall) -> Keyboard:
        """Return the buttons shown when the form ends without applying."""
        return []

    async def gone(self, call: FormCall) -> bool:
        """Tell (and say so) whether what the upload is for is gone (an event deleted)."""
        return False

    async def unchanged(self, call: FormCall) -> None:
        """Show a checked file that would change nothing (or can't be used as it is)."""
        await show(call.update, await self.preview(call), self.leaving_rows(call))

    async def discarded(self, call: FormCall) -> None:
        """Say the checked file was put aside."""
        text = call.caller.render(self.closed_template, timeout=False)
        await show(call.update, text, self.leaving_rows(call))

    # -- the engine's side ---------------------------------------------------------------

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        if step != "file":
            return value, None
        filename = value["file_name"] or self.unnamed
        call.details = {"filename": filename}
        limit = self.accepts(call, filename, value["mime_type"])
        if limit is None:
            return None, self.wrong_type
        if (value["size"] or 0) > limit:
            return None, "too_big"
        telegram_file = await call.context.bot.get_file(value["file_id"])
        data = bytes(await telegram_file.download_as_bytearray())
        if len(data) > limit:
            return None, "too_big"
        return await self.read(call, filename, data)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        if await self.gone(call):
            return
        if call.state.step == "file":
            await self.ask_for_file(
                call, self.not_a_file if reason in (DOCUMENT, OTHER) else reason
            )
            return
        await show(call.update, await self.preview(call), step_keyboard(call, self))

    async def finish(self, call: FormCall) -> Moved | None:
        if await self.gone(call):
            return None
        answers = call.state.answers
        if not answers["file"][self.ready]:
            await self.unchanged(call)
        elif answers["confirm"] == DISCARD:
            await self.discarded(call)
        else:
            await call.acknowledge()
            await self.apply(call, answers["confirm"])
        return None
