"""The answer a person sees to a typed question: its text and buttons.

Used by the chat and by `clustem-bot ask`, so the command line shows exactly what a person would
see. Callback data stays far below Telegram's 64 bytes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton

from bot.domain.answering import Answer
from bot.domain.answering.event_lists import EventsAsked
from bot.domain.answering.leads import answer_links
from bot.screens.buttons import (
    ALL_KINDS,
    CODE_OF_KIND,
    HOME,
    SUGGESTION_CODES,
    Contact,
    EventList,
    EventPage,
    HandOver,
    Helpful,
    Menu,
    NewTicket,
    RequestService,
    ServicePage,
    Suggestion,
)
from bot.screens.callback_data import CallbackData
from bot.screens.texts import Texts
from storage.content import Catalogue, Event, FaqLink

Rows = list[list[InlineKeyboardButton]]
_TAG = re.compile(r"<[^>]+>")


def suggestion(entry: str, asked_id: int = 0) -> Suggestion:
    """Return the button that opens a suggested entry ("faq:ID" -> "qa:f:ID"), for a question."""
    kind, _, entry_id = entry.partition(":")
    return Suggestion(SUGGESTION_CODES[kind], entry_id, asked_id)


@dataclass(frozen=True)
class AnswerScreen:
    """A text in Telegram HTML and its buttons."""

    text: str
    rows: Rows

    def plain_text(self) -> str:
        """Return the text without its HTML."""
        return html.unescape(_TAG.sub("", self.text))

    def labels(self) -> list[str]:
        """Return the buttons' labels, row by row."""
        return [button.text for row in self.rows for button in row]

    def plain(self) -> str:
        """Return the screen as plain text, each button as [label]."""
        text = self.plain_text()
        buttons = ["  ".join(f"[{button.text}]" for button in row) for row in self.rows if row]
        return "\n".join([text, *buttons]) if buttons else text


class AnswerScreens:
    """Builds answer screens in one language."""

    def __init__(self, texts: Texts, catalogue: Catalogue, language: str) -> None:
        self._texts = texts
        self._catalogue = catalogue
        self.language = language

    def _label(self, name: str) -> str:
        return self._texts.label(self.language, name)

    def _button(self, name: str, data: CallbackData) -> InlineKeyboardButton:
        return InlineKeyboardButton(self._label(name), callback_data=data.data)

    def _render(self, template: str, **context: object) -> str:
        return self._texts.render(self.language, template, **context)

    def home_row(self) -> list[InlineKeyboardButton]:
        """Return the row that leads back to the main menu."""
        return [self._button("home", HOME)]

    def link_rows(self, links: Sequence[FaqLink]) -> Rows:
        """Return one row of buttons per link."""
        rows: Rows = []
        catalogue = self._catalogue
        for link in links:
            if link.kind == "service" and (service := catalogue.service(link.target)):
                title = service.title.get(self.language)
                rows.append(
                    [
                        InlineKeyboardButton(
                            "🧰 " + title[:50], callback_data=ServicePage(service.id).data
                        ),
                        self._button("ticket_request_service", RequestService(service.id)),
                    ]
                )
            elif link.kind == "service_events" and catalogue.service(link.target):
                rows.append([self._button("service_events", ServicePage(link.target))])
            elif link.kind == "event" and (event := catalogue.event(link.target)):
                title = "📅 " + event.title.get(self.language)
                rows.append(
                    [InlineKeyboardButton(title[:60], callback_data=EventPage(event.id).data)]
                )
            elif link.kind == "events":
                label = self._label("upcoming") + " " + self._label(f"kind_{link.target}").lower()
                rows.append(
                    [
                        InlineKeyboardButton(
                            label, callback_data=EventList(CODE_OF_KIND[link.target]).data
                        )
                    ]
                )
            elif link.kind == "url" and link.label is not None:
                rows.append(
                    [InlineKeyboardButton("🔗 " + link.label.get(self.language), url=link.target)]
                )
            elif link.kind == "contact":
                rows.append([self._button(f"contact_{link.target}", Contact(link.target[0]))])
            elif link.kind == "screen":
                data = NewTicket() if link.target == "team" else Menu(link.target)
                rows.append([self._button(f"screen_{link.target}", data)])
        return rows

    def feedback_row(self, asked_id: int) -> list[InlineKeyboardButton]:
        """Return "👍 / 👎" for one answered question."""
        return [
            self._button("helpful_yes", Helpful(asked_id, "y")),
            self._button("helpful_no", Helpful(asked_id, "n")),
        ]

    def faq(self, faq_id: str, asked_id: int, now: datetime | None) -> AnswerScreen | None:
        """Return an FAQ answer with its links and "did this help?"."""
        faq = self._catalogue.faq_entry(faq_id)
        if faq is None:
            return None
        rows = self.link_rows(answer_links(faq, self._catalogue, now))
        text = self._render("faq_answer", faq=faq, ask_helpful=True)
        return AnswerScreen(text, [*rows, self.feedback_row(asked_id), self.home_row()])

    def small_talk(self, kind: str) -> AnswerScreen:
        """Return the friendly reply to small talk, with the main menu's first buttons."""
        text = self._render("small_talk", kind=kind, cluster=self._catalogue.cluster)
        rows = [
            [
                self._button("menu_events", Menu("events")),
                self._button("menu_services", Menu("services")),
            ],
            self.home_row(),
        ]
        return AnswerScreen(text, rows)

    def which_event(self, event_ids: Sequence[str]) -> AnswerScreen:
        """Return "which one?" with a button per event."""
        events = [e for event_id in event_ids if (e := self._catalogue.event(event_id))]
        text = self._render("which_event", events=events)
        rows: Rows = [
            [
                InlineKeyboardButton(
                    f"{number}. {event.title.get(self.language)}"[:60],
                    callback_data=EventPage(event.id).data,
                )
            ]
            for number, event in enumerate(events, start=1)
        ]
        return AnswerScreen(text, [*rows, self.home_row()])

    def events_asked(
        self,
        asked: EventsAsked,
        events: Sequence[Event],
        after_period: bool,
        registered: Mapping[str, str] | None = None,
    ) -> AnswerScreen:
        """Return the events of the kinds and period asked about, a button each, and the way
        to the whole list of that kind; `registered`: the person's status per event, marked."""
        period = asked.period
        days = self._texts.days(period.starts, period.ends, self.language) if period else ""
        text = self._render(
            "events_asked",
            kind=asked.kind,
            online=asked.online,
            period=period,
            period_days=days,
            events=events,
            after_period=after_period,
            registered=registered or {},
        )
        kind_code = CODE_OF_KIND[asked.kind] if asked.kind else ALL_KINDS
        rows: Rows = [
            [
                InlineKeyboardButton(
                    f"{number}. {event.title.get(self.language)}"[:60],
                    callback_data=EventPage(event.id, kind_code).data,
                )
            ]
            for number, event in enumerate(events, start=1)
        ]
        if not events:
            kind_code = ALL_KINDS  # none of that kind at all: the other kinds may still help
        everything = f"events_all_{asked.kind}" if kind_code != ALL_KINDS else "all_events"
        rows.append([self._button(everything, EventList(kind_code))])
        return AnswerScreen(text, [*rows, self.home_row()])

    def entry_title(self, entry: str) -> str | None:
        """Return the button title of a suggested entry ("faq:ID", "service:ID", "event:ID")."""
        kind, _, entry_id = entry.partition(":")
        catalogue = self._catalogue
        if kind == "faq" and (faq := catalogue.faq_entry(entry_id)) is not None:
            return "❓ " + faq.question.get(self.language)
        if kind == "service" and (service := catalogue.service(entry_id)) is not None:
            return "🧰 " + service.title.get(self.language)
        if kind == "event" and (event := catalogue.event(entry_id)) is not None:
            return "📅 " + event.title.get(self.language)
        return None

    def summary(self, answer: Answer, now: datetime | None) -> AnswerScreen:
        """Return a screen for `clustem-bot ask`: what the chat shows, without live seat counts."""
        if answer.small_talk is not None:
            return self.small_talk(answer.small_talk)
        if answer.decision == "choose":
            return self.which_event([m.entry_id for m in answer.matches])
        if answer.decision == "list" and answer.events_asked is not None:
            listed = [e for m in answer.matches if (e := self._catalogue.event(m.entry_id))]
            return self.events_asked(answer.events_asked, listed, answer.after_period)
        top = answer.matches[0] if answer.matches else None
        if answer.decision == "answer" and top is not None:
            if top.kind == "faq" and (screen := self.faq(top.entry_id, 0, now)) is not None:
                return screen
            if top.kind == "service" and (service := self._catalogue.service(top.entry_id)):
                text = self._render("service_page", service=service, sectors=[], listings=[])
                rows = [[self._button("ticket_request_service", RequestService(service.id))]]
                return AnswerScreen(text, [*rows, self.home_row()])
            if top.kind == "event" and (event := self._catalogue.event(top.entry_id)):
                text = self._render("event_brief", event=event)
                return AnswerScreen(
                    text,
                    [[self._button("open_event_signup", EventPage(event.id))], self.home_row()],
                )
        found = [(m.id, title) for m in answer.matches[:3] if (title := self.entry_title(m.id))]
        if answer.decision == "suggest" and found:
            rows = [
                [InlineKeyboardButton(title[:60], callback_data=suggestion(entry).data)]
                for entry, title in found
            ]
            text = self._render("did_you_mean", can_ask_team=True)
            return AnswerScreen(text, [*rows, self._team_row(), self.home_row()])
        contact = self._catalogue.cluster.contact
        text = self._render("not_found", can_ask_team=True, contact=contact)
        return AnswerScreen(text, [self._team_row(), self.home_row()])

    def _team_row(self) -> list[InlineKeyboardButton]:
        """Return the chat's "pass my question to the team" button, as `ask` shows it."""
        return [self._button("hand_over", HandOver(0))]
