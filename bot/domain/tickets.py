"""Tickets on the way to the team: what a message brings, how staff see its sender, and how
long a text may be in a post. Posting them is `handlers/ticket_posts.py`'s."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from storage.content import Catalogue
from storage.people import Person
from storage.tickets import Attachment

PHOTO = "photo"
DOCUMENT = "document"
# Telegram allows 4096 characters a message and 1024 a caption, counted in UTF-16 code units.
# Person and staff texts get these budgets; the template around them fits in the rest.
TEXT_BUDGET = 3500
CAPTION_BUDGET = 800


@dataclass(frozen=True)
class Draft:
    """What a message brings to a ticket: its text or caption, and its photo or document."""

    text: str
    attachment: Attachment | None

    @property
    def is_empty(self) -> bool:
        """Tell whether there is nothing to pass on."""
        return not self.text and self.attachment is None


@dataclass(frozen=True)
class Sender:
    """How staff see a person: their profile, or only their Telegram first name."""

    name: str
    has_profile: bool
    company: str | None
    sector: str | None


def utf16_length(text: str) -> int:
    """Return a text's length the way Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, budget: int) -> tuple[str, bool]:
    """Cut a text to a budget of UTF-16 code units, ending it with an ellipsis when cut."""
    if utf16_length(text) <= budget:
        return text, False
    kept: list[str] = []
    used = 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used >= budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…", True


def staff_chats(settings: Settings) -> list[int]:
    """Return where new tickets go: the staff chat, else each staff member's private chat."""
    if settings.staff_chat_id is not None:
        return [settings.staff_chat_id]
    return sorted(settings.staff_ids)


def sender_of(
    catalogue: Catalogue, language: str, person: Person, first_name: str | None
) -> Sender:
    """Describe the person to staff (in `language`); without a profile, by first name only."""
    if person.has_profile:
        sector = catalogue.sector(person.sector_id or "")
        return Sender(
            name=person.full_name or "",
            has_profile=True,
            company=person.company,
            sector=sector.name.get(language) if sector is not None else None,
        )
    return Sender(first_name or "", False, None, None)
