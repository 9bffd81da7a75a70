"""Where an FAQ answer leads: the entry's own links, else what its answer names.

An answer that names a service or an event by its title, a command such as /privacy or the
office's e-mail address gets a button for it, so that no answer is a dead end even when the
content gives it no links.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.domain.answering.normalise import fold
from storage.content import SCREENS, Catalogue, Faq, FaqLink

MAX_LINKS = 5
_COMMAND = re.compile(r"(?<![\w/])/([a-z]+)\b")


def _mentions(answer: str, name: str) -> bool:
    """Return whether a folded answer names a title (as whole words)."""
    folded = " ".join(fold(name).split())
    return bool(folded) and f" {folded} " in f" {answer} "


def inferred_links(faq: Faq, catalogue: Catalogue) -> list[FaqLink]:
    """Return links for what the answer names: services, events, commands, the office."""
    found: list[FaqLink] = []
    texts = (faq.answer.tr, faq.answer.en)
    folded = [" ".join(fold(text).split()) for text in texts]
    for service in catalogue.services:
        if any(
            _mentions(answer, service.title.get(lang)) for answer in folded for lang in ("tr", "en")
        ):
            found.append(FaqLink("service", service.id))
    for event in catalogue.events:
        if any(
            _mentions(answer, event.title.get(lang)) for answer in folded for lang in ("tr", "en")
        ):
            found.append(FaqLink("event", event.id))
    for text in texts:
        for command in _COMMAND.findall(text):
            if command in SCREENS:
                found.append(FaqLink("screen", command))
    contact = catalogue.cluster.contact
    if any(contact.email in text for text in texts):
        found.append(FaqLink("contact", "email"))
    if any(contact.phone in text for text in texts):
        found.append(FaqLink("contact", "phone"))
    return found


def answer_links(faq: Faq, catalogue: Catalogue, now: datetime | None = None) -> list[FaqLink]:
    """Return the links to show under an FAQ answer, without repeats or events already over."""
    links = list(faq.links)
    if faq.service_id is not None:
        links.insert(0, FaqLink("service", faq.service_id))
    if faq.event_id is not None:
        links.insert(1 if faq.service_id else 0, FaqLink("event", faq.event_id))
    if not links:
        links = inferred_links(faq, catalogue)
    shown: list[FaqLink] = []
    for link in links:
        if link in shown:
            continue
        if link.kind == "event":
            event = catalogue.event(link.target)
            if event is None or (now is not None and event.ends_at <= now):
                continue
        if link.kind in ("service", "service_events") and catalogue.service(link.target) is None:
            continue
        shown.append(link)
    return shown[:MAX_LINKS]
