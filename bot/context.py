"""The running assistant's shared services, and the typed context handlers reach them through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import User
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.domain.answering import AnswerIndex, index_of
from bot.screens.texts import Texts
from bot.settings import Settings
from storage.audit import AuditLog
from storage.catalogue import CatalogueRepository
from storage.content import Catalogue
from storage.database import Database
from storage.forms import FormRepository
from storage.outbox import DeliveryPlan
from storage.people import PeopleRepository, Person
from storage.registrations import RegistrationRepository
from storage.tickets import TicketRepository


@dataclass
class Services:
    """Everything handlers need: settings, storage, texts, the catalogue and its answer index."""

    settings: Settings
    database: Database
    texts: Texts
    catalogue_store: CatalogueRepository
    people: PeopleRepository
    registrations: RegistrationRepository
    tickets: TicketRepository
    audit: AuditLog
    forms: FormRepository
    _catalogue: Catalogue | None = field(default=None, repr=False)
    _answers: AnswerIndex | None = field(default=None, repr=False)

    @classmethod
    def create(cls, settings: Settings) -> Services:
        """Wire the services together; nothing is opened until `post_init`."""
        database = Database(settings.database_path)
        return cls(
            settings=settings,
            database=database,
            texts=Texts(settings.timezone),
            catalogue_store=CatalogueRepository(database),
            people=PeopleRepository(database),
            registrations=RegistrationRepository(
                database, DeliveryPlan(settings.reminder_offsets, settings.feedback_delay)
            ),
            tickets=TicketRepository(database),
            audit=AuditLog(database),
            forms=FormRepository(database),
        )

    @property
    def catalogue(self) -> Catalogue:
        """Return the catalogue snapshot loaded from the database."""
        if self._catalogue is None:
            raise RuntimeError("the catalogue is not loaded yet")
        return self._catalogue

    @property
    def answers(self) -> AnswerIndex:
        """Return the question index built from the catalogue."""
        if self._answers is None:
            raise RuntimeError("the answer index is not built yet")
        return self._answers

    async def reload_catalogue(self) -> None:
        """Reload the catalogue from the database and its answer index."""
        catalogue = await self.catalogue_store.load()
        self._catalogue = catalogue
        self._answers = index_of(catalogue)

    async def language_of_person(self, person_id: int) -> str:
        """Return the language of a person who is not the one writing (a notice, a reminder)."""
        return self.language_of(await self.people.get(person_id), None)

    def is_staff(self, user_id: int) -> bool:
        """Tell whether this Telegram user has staff rights."""
        return user_id in self.settings.staff_ids

    def language_of(self, person: Person | None, user: User | None) -> str:
        """Return the person's language: their choice, else Telegram's, else the default."""
        if person is not None and person.language:
            return person.language
        code = (user.language_code if user is not None else None) or (
            person.telegram_language if person is not None else None
        )
        if code:
            return "tr" if code.lower().startswith("tr") else "en"
        return self.settings.default_language


@dataclass
class PersonSession:
    """Per-person state of a conversation in progress (kept in memory only)."""

    ticket_kind: str | None = None
    ticket_service: str | None = None
    # The ticket a reply is being written for, after the "Reply" button under an answer.
    ticket_id: int | None = None
    # The registration whose survey was just rated: the next text typed is its comment.
    survey_registration: int | None = None


class AssistantContext(
    CallbackContext[ExtBot[None], PersonSession, dict[Any, Any], dict[Any, Any]]
):
    """The callback context, with the cluster's services reachable as `context.services`."""

    @property
    def services(self) -> Services:
        """Return the running assistant's services."""
        application = self.application
        if not isinstance(application, AssistantApplication):
            raise RuntimeError("handlers run only inside a AssistantApplication")
        return application.services


class AssistantApplication(
    Application[
        ExtBot[None],
        AssistantContext,
        PersonSession,
        dict[Any, Any],
        dict[Any, Any],
        JobQueue[AssistantContext],
    ]
):
    """PTB's application, carrying the cluster's services."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
