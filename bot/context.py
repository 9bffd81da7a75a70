"""The running assistant's shared services, and the typed context handlers reach them through.

PTB builds one context per update (and one more for the error handler). What belongs to the
update itself, who sent it and whether its button press was answered, lives in a `Turn` that
every context built for that update shares, so it is resolved once and answered at most once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from telegram import InlineKeyboardButton, Update, User
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.domain.access import Ability, can
from bot.domain.answering import AnswerIndex, index_of
from bot.domain.health import Pulse
from bot.domain.staff_chat import staff_chat_after
from bot.screens.callback_data import CallbackData
from bot.screens.texts import Texts
from bot.settings import Settings
from storage.applications import ApplicationRepository
from storage.asked import AskedQuestionRepository
from storage.audit import AuditLog
from storage.backups import copy_before_migration
from storage.catalogue import CatalogueRepository
from storage.companies import CompanyLinks, CompanyRepository
from storage.content import Catalogue
from storage.database import Database
from storage.forms import FormRepository
from storage.matchmaking import MatchmakingRepository
from storage.operating import OperatingState
from storage.outbox import DeliveryPlan
from storage.people import PeopleRepository, Person
from storage.privacy import PrivacyRepository
from storage.registrations import RegistrationRepository
from storage.roles import Role, RoleRepository
from storage.staff_added import StaffAddedRepository
from storage.surveys import SurveyRepository
from storage.tickets import TicketRepository

logger = logging.getLogger(__name__)

# The update being handled, for log lines: (update id, the person's id). Ids only, never names.
CURRENT_UPDATE: ContextVar[tuple[int, int | None] | None] = ContextVar(
    "current_update", default=None
)


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
    roles: RoleRepository
    asked: AskedQuestionRepository
    companies: CompanyRepository
    company_links: CompanyLinks
    privacy: PrivacyRepository
    operating: OperatingState
    matchmaking: MatchmakingRepository
    surveys: SurveyRepository
    staff_added: StaffAddedRepository
    # When the outbox worker and the update polling last went round, for the health report.
    pulse: Pulse = field(default_factory=Pulse)
    _catalogue: Catalogue | None = field(default=None, repr=False)
    _answers: AnswerIndex | None = field(default=None, repr=False)

    @classmethod
    def create(cls, settings: Settings) -> Services:
        """Wire the services together; nothing is opened until `post_init`."""
        database = Database(settings.database_path)
        database.before_migration = copy_before_migration(settings.backup_dir)
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
            roles=RoleRepository(database),
            asked=AskedQuestionRepository(database),
            companies=CompanyRepository(database),
            company_links=CompanyLinks(database),
            privacy=PrivacyRepository(database),
            operating=OperatingState(database),
            matchmaking=MatchmakingRepository(database),
            surveys=SurveyRepository(database, settings.default_language),
            staff_added=StaffAddedRepository(database),
        )

    @property
    def catalogue(self) -> Catalogue:
        """Return the catalogue snapshot loaded from the database."""
        if self._catalogue is None:
            raise RuntimeError("the catalogue is not loaded yet")
        return self._catalogue

    @property
    def applications(self) -> ApplicationRepository:
        """Return the applications of events where staff select (a light view of the database)."""
        return ApplicationRepository(
            self.database, self.registrations.plan, self.audit, self.settings.timezone
        )

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

    async def role_of(self, user_id: int) -> Role | None:
        """Return a Telegram user's staff role; STAFF_IDS are admins whatever the database says."""
        if user_id in self.settings.staff_ids:
            return Role.ADMIN
        return await self.roles.role_of(user_id)

    async def admin_ids(self) -> list[int]:
        """Return every admin: STAFF_IDS and those the database makes admins."""
        team = await self.roles.team()
        stored = {member.person_id for member in team if member.role is Role.ADMIN}
        return sorted(self.settings.staff_ids | stored)

    async def follow_staff_chat(self) -> None:
        """Use the staff chat's new id when Telegram moved the configured one."""
        move = await self.operating.staff_chat_move()
        moved = staff_chat_after(self.settings.staff_chat_id, move)
        if moved != self.settings.staff_chat_id:
            self.settings = replace(self.settings, staff_chat_id=moved)

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


@dataclass(frozen=True)
class Caller:
    """The person behind an update, in their language, with their staff role if they have one."""

    services: Services
    person: Person
    language: str
    role: Role | None = None

    def render(self, template: str, **context: Any) -> str:
        """Render a template in the person's language."""
        return self.services.texts.render(self.language, template, **context)

    def label(self, name: str) -> str:
        """Return a button label in the person's language."""
        return self.services.texts.label(self.language, name)

    def button(self, label_name: str, data: CallbackData) -> InlineKeyboardButton:
        """Return a callback button with a label from `labels.j2`."""
        return InlineKeyboardButton(self.label(label_name), callback_data=data.data)

    def can(self, ability: Ability) -> bool:
        """Tell whether the person's staff role allows this."""
        return can(self.role, ability)


@dataclass
class Turn:
    """One update being handled: who sent it, and whether its button press was answered."""

    update: Update
    caller: Caller | None = None
    answered: bool = False
    # The person blocked the assistant while the update was handled: nothing more is sent.
    unreachable: bool = False

    async def answer(self, text: str | None = None, *, alert: bool = False) -> bool:
        """Answer the pressed button unless it already was; True when this call answered it."""
        query = self.update.callback_query
        if query is None or self.answered or self.unreachable:
            return False
        self.answered = True
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as error:
            # A press older than Telegram's window can't be answered; the screen still updates.
            logger.debug("Could not answer a button press: %s", error.message)
            return False
        return True


class AssistantContext(
    CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
):
    """The callback context: the services, and who sent the update (`context.caller`)."""

    def __init__(
        self, application: Any, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.turn: Turn | None = None

    @classmethod
    def from_update(cls, update: object, application: Any) -> AssistantContext:
        """Build the context of an update, sharing the update's turn."""
        context = super().from_update(update, application)
        if isinstance(application, AssistantApplication):
            context.turn = application.turn_of(update)
        return context

    @property
    def services(self) -> Services:
        """Return the running assistant's services."""
        application = self.application
        if not isinstance(application, AssistantApplication):
            raise RuntimeError("handlers run only inside a AssistantApplication")
        return application.services

    @property
    def caller(self) -> Caller:
        """Return the person who sent the update, resolved once before any handler ran."""
        caller = self.turn.caller if self.turn is not None else None
        if caller is None:
            raise RuntimeError("this update has no known person (a group member outside staff?)")
        return caller

    @property
    def known_caller(self) -> Caller | None:
        """Return the person who sent the update, or None when nobody was resolved."""
        return self.turn.caller if self.turn is not None else None

    async def refresh_caller(self) -> Caller:
        """Read the person again after a handler changed them (profile, settings, language)."""
        caller = self.caller
        person = await caller.services.people.get(caller.person.id)
        assert person is not None and self.turn is not None
        user = self.turn.update.effective_user
        refreshed = replace(
            caller, person=person, language=caller.services.language_of(person, user)
        )
        self.turn.caller = refreshed
        return refreshed

    async def acknowledge(self, text: str | None = None, *, alert: bool = False) -> bool:
        """Answer the pressed button with a text; once per update, later calls do nothing.

        A press nobody answered is answered without text when its update is done. Returns
        whether this call answered it.
        """
        return self.turn is not None and await self.turn.answer(text, alert=alert)


class AssistantApplication(
    Application[
        ExtBot[None],
        AssistantContext,
        dict[Any, Any],
        dict[Any, Any],
        dict[Any, Any],
        JobQueue[AssistantContext],
    ]
):
    """PTB's application, carrying the cluster's services."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self._turns: dict[int, Turn] = {}
        # Gives a team member the command menu of their new role (set by bot.app at startup).
        self.menu_changed: Callable[[int, Role | None], Awaitable[None]] | None = None

    def turn_of(self, update: object) -> Turn | None:
        """Return the turn of an update being processed."""
        return self._turns.get(id(update))

    async def process_update(self, update: object) -> None:
        """Handle an update; its button press is answered exactly once, whatever happened."""
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        turn = Turn(update)
        self._turns[id(update)] = turn
        user = update.effective_user
        CURRENT_UPDATE.set((update.update_id, user.id if user is not None else None))
        try:
            await super().process_update(update)
        finally:
            del self._turns[id(update)]
            # Every press stops its spinner, also when no handler answered it or one failed.
            await turn.answer()
