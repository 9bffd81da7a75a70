"""The cluster's catalogue: sectors, services, events, funded projects and FAQ, read from and
written to YAML.

The YAML format is documented in the header of the bundled `storage/demo-cluster.yaml`.
Every field is validated; an error names the file, the entry id and the field.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from storage.questions import (
    CHOICE_LABEL_LIMIT,
    CHOICE_TYPES,
    CHOICES_LIMIT,
    CONDITION_TYPES,
    NUMBER,
    NUMERIC_TYPES,
    PERCENTAGE,
    QUESTION_TEXT_LIMIT,
    QUESTION_TYPES,
    QUESTIONS_LIMIT,
    SCALE,
    SCALES,
    SHORT_LIMIT,
    SURVEY_QUESTION_FIELDS,
    SURVEY_QUESTION_TYPES,
    SURVEY_QUESTIONS_LIMIT,
    UNIT_LIMIT,
    YES_NO,
    Choice,
    Condition,
    Question,
    question_to_document,
)
from storage.survey_definitions import (
    EVENT,
    EVENT_KIND,
    EVERYONE,
    FEEDBACK,
    FEEDBACK_RATING,
    HIGHER,
    INDICATOR_DECIMALS,
    INDICATOR_NAME_LIMIT,
    LOWER,
    MEMBERS,
    SECTOR,
    Audience,
    Indicator,
    Survey,
    default_places,
)

LANGUAGES = ("tr", "en")
EVENT_KINDS = (
    "training",
    "webinar",
    "workshop",
    "study_visit",
    "b2b",
    "info_day",
    "conference",
)
FORMAT_VERSION = 1
# Who gets a place: whoever signs up first ("open"), or those staff select from the applicants.
OPEN = "open"
APPLICATION = "application"
SELECTIONS = (OPEN, APPLICATION)
DEFAULT_CONFIRM_DAYS = 3
DEFAULT_RESERVE_CUTOFF_DAYS = 2
# The longest texts, in characters: with the template around them, an event, service, FAQ
# or privacy page stays inside Telegram's 4096 characters a message (1024 a caption, which
# carries at most a title). The staff event form checks its answers against the same limits.
TITLE_LIMIT = 150
SUMMARY_LIMIT = 300
DESCRIPTION_LIMIT = 2500
LOCATION_LIMIT = 200
URL_LIMIT = 500
QUESTION_LIMIT = 300
ANSWER_LIMIT = 3000
# Each section of the privacy notice; all of them, with the controller's details and the
# template around them, fit in one message.
PRIVACY_NOTICE_LIMIT = 450
# The privacy notice's sections in the order they are shown (KVKK Art. 10, GDPR Art. 13); the
# controller's identity and contact come from the cluster's name and contact details.
NOTICE_SECTIONS = ("data", "purposes", "legal_bases", "transfers", "retention", "rights")
NAME_LIMIT = 100  # a sector's or the cluster's name
# What a funded project can set a target for: figures the impact report computes
# (bot.domain.projects says how each is counted and which activities are its evidence).
PROJECT_INDICATORS = (
    "smes_served",
    "smes_trained",
    "new_smes",
    "people_reached",
    "participants",
    "women_participants",
    "training_hours",
    "events_held",
    "trainings",
    "study_visits",
    "b2b_meetings",
    "services_delivered",
    "average_rating",
)
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
SURVEY_FIELDS = frozenset(
    {
        "id",
        "title",
        "intro",
        "audience",
        "per",
        "anonymous",
        "opens_at",
        "closes_at",
        "after_event_days",
        "benchmark",
        "indicators",
        "questions",
        "review",
    }
)
SHORT_NAME_LIMIT = 30
CONTACT_LIMIT = 200  # each of the office's e-mail, phone, address and hours
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")
# A unit in brackets closing a question's wording: "ciro (TL)?".
_UNIT_AFTER = re.compile(r"\s*\([^()]{1,20}\)\s*\??\s*$")
_INDICATOR_FIELDS = frozenset({"question", "better", "links", "name", "decimals"})
# One rule for an e-mail address, for the office in the catalogue and for people's profiles.
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class ContentError(ValueError):
    """A catalogue that cannot be used, with the place of the first problem.

    `template` is the problem in English with `{name}` fields filled from `params`: staff see
    it in their language through messages/<language>/content_problem.j2, which keys on it (the
    way gettext keys on the English text).
    """

    def __init__(
        self,
        source: str,
        entry: str,
        field_name: str,
        template: str,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.source = source
        self.entry = entry
        self.field_name = field_name
        self.template = template
        self.params = dict(params or {})
        problem = template.format(**self.params) if self.params else template
        self.problem = problem
        where = f"{entry}: " if entry else ""
        super().__init__(f"{source}: {where}{field_name}: {problem}")


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    tr: str
    en: str

    def get(self, language: str) -> str:
        """Return the text in `language`, falling back to the other one."""
        return self.en if language == "en" else self.tr


@dataclass(frozen=True)
class Phrases:
    """Extra phrasings per language that help matching (alternative questions, keywords)."""

    tr: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        """Return the phrases of both languages."""
        return self.tr + self.en

    def get(self, language: str) -> tuple[str, ...]:
        """Return the phrases of one language."""
        return self.en if language == "en" else self.tr


@dataclass(frozen=True)
class Contact:
    """How people reach the cluster office."""

    email: str
    phone: str
    address: Text
    hours: Text


@dataclass(frozen=True)
class PrivacyNotice:
    """The privacy notice (aydınlatma metni): its version and its sections, in both languages.

    A new `version` in the content makes the assistant show the notice again at each person's
    next sign-up. A notice stored before sections existed is read as one `data` section under
    version "" (shown again to everyone), until the cluster imports a complete one.
    """

    version: str
    data: Text  # what is processed
    purposes: Text
    legal_bases: Text
    transfers: Text  # to whom, abroad included
    retention: Text  # how long, backups included
    rights: Text  # KVKK Art. 11 / GDPR rights, and how to use them here

    def sections(self, language: str) -> list[tuple[str, str]]:
        """Return the (section, text) pairs that are not empty, in order."""
        found = [(name, getattr(self, name).get(language)) for name in NOTICE_SECTIONS]
        return [(name, text) for name, text in found if text]


@dataclass(frozen=True)
class ClusterInfo:
    """The cluster itself."""

    name: Text
    short_name: str
    timezone: str
    default_language: str
    contact: Contact
    privacy_notice: PrivacyNotice


@dataclass(frozen=True)
class Sector:
    """A sector a member company can belong to."""

    id: str
    name: Text


@dataclass(frozen=True)
class Service:
    """Something the cluster offers its SMEs."""

    id: str
    title: Text
    summary: Text
    description: Text
    sectors: tuple[str, ...]
    keywords: Phrases = field(default_factory=Phrases)


@dataclass(frozen=True)
class TransferAbroad:
    """A study visit's host abroad with whom attendees' details may be shared, on consent."""

    host: Text
    country: Text


MATCH_SCHEDULING = ("auto", "staff")  # an accepted meeting gets a slot at once, or staff give it
DEFAULT_MEETING_MINUTES = 20
DEFAULT_TABLES = 10
DEFAULT_PENDING_CAP = 10
MAX_TABLES = 500  # a hall's worth; a table number travels in a staff button with its slot


@dataclass(frozen=True)
class MatchCategory:
    """Something a member company offers or looks for at a B2B day (laser cutting, dyeing)."""

    id: str
    name: Text
    keywords: Phrases = field(default_factory=Phrases)


@dataclass(frozen=True)
class MatchSession:
    """A time window of one-to-one meetings."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Slot:
    """One meeting time of an event: its number across sessions, start and end (UTC)."""

    number: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Matchmaking:
    """How an event's one-to-one meetings run: sessions, meeting length, tables, limits.

    No sessions: one session spanning the whole event, so moving the event moves its meetings.
    """

    sessions: tuple[MatchSession, ...] = ()
    meeting_minutes: int = DEFAULT_MEETING_MINUTES
    tables: int = DEFAULT_TABLES
    pending_cap: int = DEFAULT_PENDING_CAP  # requests a participant may have waiting at once
    scheduling: str = "auto"  # one of MATCH_SCHEDULING

    def slots(self, starts_at: datetime, ends_at: datetime) -> tuple[Slot, ...]:
        """Return the meeting times of every session, numbered from 0 in time order."""
        windows = self.sessions or (MatchSession(starts_at, ends_at),)
        length = timedelta(minutes=self.meeting_minutes)
        found: list[Slot] = []
        for window in sorted(windows, key=lambda session: session.starts_at):
            start = window.starts_at
            while start + length <= window.ends_at:
                found.append(Slot(len(found), start, start + length))
                start += length
        return tuple(found)

    def moved(self, by: timedelta) -> Matchmaking:
        """Return the settings with every session moved along with its event."""
        sessions = tuple(MatchSession(s.starts_at + by, s.ends_at + by) for s in self.sessions)
        return replace(self, sessions=sessions)

    @property
    def is_default(self) -> bool:
        """Tell whether every setting is the default (written back as `matchmaking: true`)."""
        return self == Matchmaking()


@dataclass(frozen=True)
class SpecialQuestion:
    """An event's question whose answer can reveal health data (access or dietary needs).

    A special category of personal data (KVKK Art. 6, GDPR Art. 9): asked after the sign-up
    only with its own explicit consent, stored apart, erased once the event is over.
    """

    prompt: Text


# Where every audience of an event may sign up; "members": only verified people of member
# companies.
AUDIENCES = ("all", "members")


@dataclass(frozen=True)
class Event:
    """A training, webinar, visit or other event people sign up for. Times are aware, in UTC."""

    id: str
    kind: str
    service_id: str | None
    title: Text
    description: Text
    starts_at: datetime
    ends_at: datetime
    location: Text | None
    online: bool
    online_url: str | None
    capacity: int | None
    registration_deadline: datetime | None
    sectors: tuple[str, ...]
    language: str
    max_per_company: int | None = None
    keywords: Phrases = field(default_factory=Phrases)
    # Set: sign-up asks a separate explicit consent to share details with this host abroad.
    transfer_abroad: TransferAbroad | None = None
    # Asked after the profile at sign-up; the answers are kept with the registration.
    questions: tuple[Question, ...] = ()
    project_id: str | None = None  # the funded project it is part of (a project may list more)
    # Set: after the sign-up, a separate consent, then this question (special category).
    access_needs: SpecialQuestion | None = None
    # Who may sign up: everyone, or only verified people of member companies.
    audience: str = "all"
    # Set: each person marked present gets a certificate of participation after the event.
    certificate: bool = False
    # "application": people apply and staff select (the deadline closes applications, the
    # capacity is the places); accepted people confirm within `confirm_days`, and a place
    # freed is offered down the reserve list until `reserve_cutoff_days` before the start.
    selection: str = OPEN
    decision_at: datetime | None = None  # when applicants will hear, as promised to them
    confirm_days: int = DEFAULT_CONFIRM_DAYS
    reserve_cutoff_days: int = DEFAULT_RESERVE_CUTOFF_DAYS

    @property
    def by_application(self) -> bool:
        """Tell whether staff select the participants from applications."""
        return self.selection == APPLICATION

    @property
    def reserve_closes_at(self) -> datetime:
        """Return when a freed place stops going to the reserve list (staff are told instead)."""
        return self.starts_at - timedelta(days=self.reserve_cutoff_days)

    def question(self, question_id: str) -> Question | None:
        """Return the event's registration question with this id, if any."""
        return next((q for q in self.questions if q.id == question_id), None)

    # Set: participants publish profiles and book one-to-one meetings (B2B days by default).
    matchmaking: Matchmaking | None = None

    def slots(self) -> tuple[Slot, ...]:
        """Return the event's meeting times (none without matchmaking)."""
        if self.matchmaking is None:
            return ()
        return self.matchmaking.slots(self.starts_at, self.ends_at)

    @property
    def members_only(self) -> bool:
        """Tell whether only verified people of member companies may sign up."""
        return self.audience == "members"

    @property
    def signup_closes_at(self) -> datetime:
        """Return when sign-up closes: the deadline, or the start when there is none."""
        if self.registration_deadline is None:
            return self.starts_at
        return min(self.registration_deadline, self.starts_at)


# Where an FAQ answer can lead, shown as a button under it (see the catalogue's header).
LINK_KINDS = ("service", "event", "events", "service_events", "url", "contact", "screen")
# Screens of the assistant an answer can open, and the ways to reach the office.
SCREENS = ("events", "services", "my", "profile", "settings", "language", "privacy", "team")
CONTACT_WAYS = ("email", "phone")
LABEL_LIMIT = 40  # a button label: Telegram shows about this much on a phone


@dataclass(frozen=True)
class FaqLink:
    """One way an answer leads on: a service, an event, upcoming events, a URL, a contact."""

    kind: str  # one of LINK_KINDS
    # service id, event id, event kind, service id (its events), URL, contact way, screen
    target: str
    label: Text | None = None  # a URL's button text


@dataclass(frozen=True)
class Faq:
    """A question people ask, with the assistant's answer."""

    id: str
    question: Text
    answer: Text
    variants: Phrases = field(default_factory=Phrases)
    keywords: Phrases = field(default_factory=Phrases)
    service_id: str | None = None
    event_id: str | None = None
    links: tuple[FaqLink, ...] = ()


@dataclass(frozen=True)
class Project:
    """A funded project: its funder, period, indicator targets and the activities it covers."""

    id: str
    name: Text
    funder: Text
    starts_on: date
    ends_on: date
    targets: tuple[tuple[str, float], ...]  # (indicator, target) in the content's order
    event_ids: tuple[str, ...] = ()  # listed on the project; events may also name it
    service_ids: tuple[str, ...] = ()  # its service requests count for it
    survey_ids: tuple[str, ...] = ()  # kept for the surveys it commissions
    logo: str | None = None  # an image for reports, relative to the content file

    def target(self, indicator: str) -> float | None:
        """Return the target set for an indicator, if any."""
        return dict(self.targets).get(indicator)


@dataclass(frozen=True)
class Catalogue:
    """Everything the cluster publishes."""

    cluster: ClusterInfo
    sectors: tuple[Sector, ...]
    services: tuple[Service, ...]
    events: tuple[Event, ...]
    faq: tuple[Faq, ...]
    synonyms: tuple[tuple[str, ...], ...] = ()
    projects: tuple[Project, ...] = ()
    # What member companies offer and look for, in their matchmaking profiles.
    categories: tuple[MatchCategory, ...] = ()
    surveys: tuple[Survey, ...] = ()

    def category(self, category_id: str) -> MatchCategory | None:
        """Return the matchmaking category with this id, if any."""
        return next((c for c in self.categories if c.id == category_id), None)

    def sector(self, sector_id: str) -> Sector | None:
        """Return the sector with this id, if any."""
        return next((s for s in self.sectors if s.id == sector_id), None)

    def service(self, service_id: str) -> Service | None:
        """Return the service with this id, if any."""
        return next((s for s in self.services if s.id == service_id), None)

    def event(self, event_id: str) -> Event | None:
        """Return the event with this id, if any."""
        return next((e for e in self.events if e.id == event_id), None)

    def survey(self, survey_id: str) -> Survey | None:
        """Return the survey with this id, if any."""
        return next((s for s in self.surveys if s.id == survey_id), None)

    def faq_entry(self, faq_id: str) -> Faq | None:
        """Return the FAQ entry with this id, if any."""
        return next((f for f in self.faq if f.id == faq_id), None)

    def project(self, project_id: str) -> Project | None:
        """Return the project with this id, if any."""
        return next((p for p in self.projects if p.id == project_id), None)

    def project_events(self, project: Project) -> frozenset[str]:
        """Return the events a project covers: those it lists and those that name it."""
        named = {event.id for event in self.events if event.project_id == project.id}
        return frozenset(named | set(project.event_ids))


def bundled_content_path() -> Path:
    """Return the path of the demo catalogue shipped inside the package."""
    return Path(str(resources.files("storage") / "demo-cluster.yaml"))


@functools.cache
def bundled_feedback_survey() -> Survey:
    """Return the post-event feedback survey shipped with the assistant (feedback-survey.yaml).

    A catalogue whose content defines no survey `feedback` gets this one.
    """
    source = str(resources.files("storage") / "feedback-survey.yaml")
    data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    reader = _Reader(source)
    reader.entry = f"surveys:{FEEDBACK}"
    return replace(reader.survey(data, set(), [], [], []), bundled=True)


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate a YAML catalogue file."""
    source = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ContentError(
            source, "", "file", "cannot be read ({reason})", {"reason": error.strerror}
        ) from error
    return parse_catalogue_text(raw, source)


def parse_catalogue_text(raw: str, source: str) -> Catalogue:
    """Parse and validate catalogue YAML text."""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "yaml"
        raise ContentError(source, "", where, "is not valid YAML") from error
    return parse_catalogue(data, source)


def parse_catalogue(data: object, source: str, *, stored: bool = False) -> Catalogue:
    """Validate a parsed YAML document and build the catalogue.

    `stored`: the document comes from the database, where staff may have cancelled an event an
    FAQ entry links to; such links are dropped instead of failing.
    """
    reader = _Reader(source, stored=stored)
    return reader.catalogue(data)


class _Reader:
    """Validates one document, remembering the entry being read for error messages."""

    def __init__(self, source: str, *, stored: bool = False) -> None:
        self.source = source
        self.entry = ""
        self.stored = stored

    def fail(self, field_name: str, problem: str, **params: Any) -> ContentError:
        return ContentError(self.source, self.entry, field_name, problem, params)

    def mapping(self, value: object, field_name: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field_name, "must be a mapping")
        return value

    def within(self, field_name: str, text: str, limit: int | None) -> str:
        if limit is not None and len(text) > limit:
            raise self.fail(
                field_name,
                "is too long: {length} characters, at most {limit}",
                length=len(text),
                limit=limit,
            )
        return text

    def string(
        self,
        data: Mapping[str, Any],
        key: str,
        *,
        required: bool = True,
        limit: int | None = None,
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, "must be a text")
        text = self.within(key, str(value).strip(), limit)
        if not text and required:
            raise self.fail(key, "is empty")
        return text or None

    def required(self, data: Mapping[str, Any], key: str, limit: int | None = None) -> str:
        value = self.string(data, key, limit=limit)
        assert value is not None  # string() raises for a missing required value
        return value

    def text(self, data: Mapping[str, Any], key: str, limit: int | None) -> Text:
        value = data.get(key)
        if value is None:
            raise self.fail(key, "is missing")
        if isinstance(value, str):
            raise self.fail(key, "needs both languages: {tr: ..., en: ...}")
        texts = self.mapping(value, key)
        parts = {}
        for language in LANGUAGES:
            part = texts.get(language)
            if not isinstance(part, str) or not part.strip():
                raise self.fail(f"{key}.{language}", "is missing or empty")
            parts[language] = self.within(f"{key}.{language}", part.strip(), limit)
        unknown = set(texts) - set(LANGUAGES)
        if unknown:
            raise self.fail(key, "has unknown languages {languages}", languages=sorted(unknown))
        return Text(tr=parts["tr"], en=parts["en"])

    def phrases(self, data: Mapping[str, Any], key: str) -> Phrases:
        value = data.get(key)
        if value is None:
            return Phrases()
        per_language = self.mapping(value, key)
        unknown = set(per_language) - set(LANGUAGES)
        if unknown:
            raise self.fail(key, "has unknown languages {languages}", languages=sorted(unknown))
        found: dict[str, tuple[str, ...]] = {}
        for language in LANGUAGES:
            items = per_language.get(language) or []
            if not isinstance(items, list) or not all(
                isinstance(item, str) and item.strip() for item in items
            ):
                raise self.fail(f"{key}.{language}", "must be a list of non-empty texts")
            found[language] = tuple(item.strip() for item in items)
        return Phrases(tr=found["tr"], en=found["en"])

    def ids(self, data: Mapping[str, Any], key: str, known: Iterable[str]) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, "must be a list of ids")
        allowed = set(known)
        for item in value:
            if item not in allowed:
                raise self.fail(key, "unknown id {id!r}", id=item)
        return tuple(value)

    def moment(
        self, data: Mapping[str, Any], key: str, *, required: bool = True
    ) -> datetime | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing")
            return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError as error:
                raise self.fail(key, "is not an ISO 8601 time: {value!r}", value=value) from error
        else:
            raise self.fail(key, "must be an ISO 8601 time with its UTC offset")
        if moment.tzinfo is None:
            raise self.fail(key, "needs its UTC offset, e.g. 2027-01-19T09:30:00+03:00")
        return moment.astimezone(UTC)

    def positive(self, data: Mapping[str, Any], key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(key, "must be a whole number of at least 1")
        return value

    def entry_id(self, data: Mapping[str, Any], seen: set[str], section: str) -> str:
        value = data.get("id")
        self.entry = f"{section}[?]"
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail("id", "must be a slug of lower-case letters, digits, - and _")
        self.entry = f"{section}:{value}"
        if value in seen:
            raise self.fail("id", "is used twice")
        seen.add(value)
        return value

    def section(self, root: Mapping[str, Any], key: str) -> list[Any]:
        value = root.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value

    def catalogue(self, data: object) -> Catalogue:
        root = self.mapping(data, "document")
        version = root.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.fail("version", "must be {version}", version=FORMAT_VERSION)
        known = {
            "version",
            "cluster",
            "sectors",
            "services",
            "events",
            "projects",
            "faq",
            "synonyms",
            "matchmaking",
            "surveys",
        }
        unknown = set(root) - known
        if unknown:
            raise self.fail("document", "unknown sections {sections}", sections=sorted(unknown))
        cluster = self.cluster(root.get("cluster"))
        seen: set[str] = set()
        sectors = tuple(self.sector(item, seen) for item in self.section(root, "sectors"))
        sector_ids = [s.id for s in sectors]
        seen = set()
        services = tuple(
            self.service(item, seen, sector_ids) for item in self.section(root, "services")
        )
        service_ids = [s.id for s in services]
        seen = set()
        events = tuple(
            self.event(item, seen, sector_ids, service_ids) for item in self.section(root, "events")
        )
        event_ids = [e.id for e in events]
        seen = set()
        projects = tuple(
            self.project(item, seen, service_ids, event_ids)
            for item in self.section(root, "projects")
        )
        events = self.events_in_projects(events, {project.id for project in projects})
        seen = set()
        faq = tuple(
            self.faq(item, seen, service_ids, event_ids) for item in self.section(root, "faq")
        )
        seen = set()
        surveys = tuple(
            self.survey(item, seen, sector_ids, service_ids, event_ids)
            for item in self.section(root, "surveys")
        )
        if FEEDBACK not in seen:
            surveys = (*surveys, bundled_feedback_survey())
        self.entry = ""
        return Catalogue(
            cluster=cluster,
            sectors=sectors,
            services=services,
            events=events,
            faq=faq,
            synonyms=self.synonyms(root.get("synonyms")),
            projects=projects,
            categories=self.categories(root.get("matchmaking")),
            surveys=surveys,
        )

    def categories(self, value: object) -> tuple[MatchCategory, ...]:
        """Read the matchmaking section: the categories companies offer and look for."""
        if value is None:
            return ()
        self.entry = "matchmaking"
        data = self.mapping(value, "matchmaking")
        unknown = set(data) - {"categories"}
        if unknown:
            raise self.fail("matchmaking", "unknown fields {fields}", fields=sorted(unknown))
        seen: set[str] = set()
        found = []
        for item in self.section(data, "categories"):
            entry = self.mapping(item, "categories[]")
            category_id = self.entry_id(entry, seen, "category")
            found.append(
                MatchCategory(
                    id=category_id,
                    name=self.text(entry, "name", LABEL_LIMIT),
                    keywords=self.phrases(entry, "keywords"),
                )
            )
        return tuple(found)

    def events_in_projects(
        self, events: tuple[Event, ...], project_ids: set[str]
    ) -> tuple[Event, ...]:
        """Check that each event's `project` is a project of the catalogue."""
        checked = []
        for event in events:
            if event.project_id is not None and event.project_id not in project_ids:
                self.entry = f"event:{event.id}"
                if not self.stored:
                    raise self.fail("project", "unknown project {id!r}", id=event.project_id)
                event = replace(event, project_id=None)  # the project was removed since
            checked.append(event)
        return tuple(checked)

    def project(
        self, value: object, seen: set[str], service_ids: list[str], event_ids: list[str]
    ) -> Project:
        data = self.mapping(value, "projects[]")
        project_id = self.entry_id(data, seen, "project")
        period = self.mapping(data.get("period"), "period")
        starts_on = self.day(period, "start", "period.start")
        ends_on = self.day(period, "end", "period.end")
        if ends_on < starts_on:
            raise self.fail("period.end", "must not be before period.start")
        listed = data.get("events")
        if self.stored and isinstance(listed, list):
            # Staff may have cancelled a listed event since the import: it no longer counts.
            data = {**data, "events": [item for item in listed if item in event_ids]}
        logo = self.string(data, "logo", required=False, limit=URL_LIMIT)
        if logo is not None and not logo.lower().endswith(LOGO_SUFFIXES):
            raise self.fail("logo", "must be a .png or .jpg image")
        return Project(
            id=project_id,
            name=self.text(data, "name", TITLE_LIMIT),
            funder=self.text(data, "funder", NAME_LIMIT),
            starts_on=starts_on,
            ends_on=ends_on,
            targets=self.targets(data.get("targets")),
            event_ids=self.ids(data, "events", event_ids),
            service_ids=self.ids(data, "services", service_ids),
            survey_ids=self.slugs(data, "surveys"),
            logo=logo,
        )

    def day(self, data: Mapping[str, Any], key: str, field_name: str) -> date:
        value = data.get(key)
        if isinstance(value, datetime):
            raise self.fail(field_name, "must be a date like 2027-01-31, without a time")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        if value is None:
            raise self.fail(field_name, "is missing")
        raise self.fail(field_name, "must be a date like 2027-01-31, without a time")

    def targets(self, value: object) -> tuple[tuple[str, float], ...]:
        if value is None:
            return ()
        data = self.mapping(value, "targets")
        found = []
        for indicator, target in data.items():
            where = f"targets.{indicator}"
            if indicator not in PROJECT_INDICATORS:
                choices = ", ".join(PROJECT_INDICATORS)
                raise self.fail(where, "unknown indicator; one of {choices}", choices=choices)
            if isinstance(target, bool) or not isinstance(target, int | float) or target <= 0:
                raise self.fail(where, "must be a number above 0")
            if indicator == "average_rating" and target > 5:
                raise self.fail(where, "is a rating out of 5")
            found.append((str(indicator), float(target) if isinstance(target, float) else target))
        # One order for every project (the stored document's keys are sorted anyway).
        return tuple(sorted(found, key=lambda item: PROJECT_INDICATORS.index(item[0])))

    def slugs(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(item, str) and _ID.match(item) for item in value
        ):
            raise self.fail(key, "must be a list of ids")
        return tuple(value)

    def cluster(self, value: object) -> ClusterInfo:
        self.entry = "cluster"
        data = self.mapping(value, "cluster")
        timezone = self.required(data, "timezone")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise self.fail("timezone", "unknown time zone {zone!r}", zone=timezone) from error
        language = self.string(data, "default_language", required=False) or "tr"
        if language not in LANGUAGES:
            raise self.fail("default_language", "must be tr or en")
        contact = self.mapping(data.get("contact"), "contact")
        email = self.required(contact, "email", CONTACT_LIMIT)
        if not EMAIL.match(email):
            raise self.fail("contact.email", "is not an e-mail address: {email!r}", email=email)
        return ClusterInfo(
            name=self.text(data, "name", NAME_LIMIT),
            short_name=self.required(data, "short_name", SHORT_NAME_LIMIT),
            timezone=timezone,
            default_language=language,
            contact=Contact(
                email=email,
                phone=self.required(contact, "phone", CONTACT_LIMIT),
                address=self.text(contact, "address", CONTACT_LIMIT),
                hours=self.text(contact, "hours", CONTACT_LIMIT),
            ),
            privacy_notice=self.notice(data.get("privacy_notice")),
        )

    def notice(self, value: object) -> PrivacyNotice:
        """Read the privacy notice: a version and every section (no controller, no notice)."""
        if value is None:
            raise self.fail("privacy_notice", "is missing")
        data = self.mapping(value, "privacy_notice")
        if self.stored and set(data) <= set(LANGUAGES):
            # Stored before the notice had sections: keep showing it until a new import.
            empty = Text("", "")
            old = self.text({"privacy_notice": data}, "privacy_notice", None)
            return PrivacyNotice("", old, empty, empty, empty, empty, empty)
        unknown = set(data) - {"version", *NOTICE_SECTIONS}
        if unknown:
            raise self.fail(
                "privacy_notice", "unknown sections {sections}", sections=sorted(unknown)
            )
        try:
            version = self.required(data, "version", SHORT_NAME_LIMIT)
            sections = {
                name: self.text(data, name, PRIVACY_NOTICE_LIMIT) for name in NOTICE_SECTIONS
            }
        except ContentError as error:
            raise self.fail(
                f"privacy_notice.{error.field_name}", error.template, **error.params
            ) from None
        return PrivacyNotice(version=version, **sections)

    def sector(self, value: object, seen: set[str]) -> Sector:
        data = self.mapping(value, "sectors[]")
        sector_id = self.entry_id(data, seen, "sector")
        return Sector(id=sector_id, name=self.text(data, "name", NAME_LIMIT))

    def service(self, value: object, seen: set[str], sector_ids: list[str]) -> Service:
        data = self.mapping(value, "services[]")
        service_id = self.entry_id(data, seen, "service")
        return Service(
            id=service_id,
            title=self.text(data, "title", TITLE_LIMIT),
            summary=self.text(data, "summary", SUMMARY_LIMIT),
            description=self.text(data, "description", DESCRIPTION_LIMIT),
            sectors=self.ids(data, "sectors", sector_ids),
            keywords=self.phrases(data, "keywords"),
        )

    def event(
        self, value: object, seen: set[str], sector_ids: list[str], service_ids: list[str]
    ) -> Event:
        data = self.mapping(value, "events[]")
        event_id = self.entry_id(data, seen, "event")
        kind = self.required(data, "kind")
        if kind not in EVENT_KINDS:
            raise self.fail("kind", "must be one of {choices}", choices=", ".join(EVENT_KINDS))
        service_id = self.string(data, "service", required=False)
        if service_id is not None and service_id not in service_ids:
            raise self.fail("service", "unknown service {id!r}", id=service_id)
        starts_at = self.moment(data, "starts_at")
        ends_at = self.moment(data, "ends_at")
        assert starts_at is not None and ends_at is not None
        if ends_at <= starts_at:
            raise self.fail("ends_at", "must be after starts_at")
        deadline = self.moment(data, "registration_deadline", required=False)
        if deadline is not None and deadline > starts_at:
            raise self.fail("registration_deadline", "must not be after starts_at")
        online = data.get("online", False)
        if not isinstance(online, bool):
            raise self.fail("online", "must be true or false")
        online_url = self.string(data, "online_url", required=False, limit=URL_LIMIT)
        location: Text | None = None
        if online:
            if online_url is None or not online_url.startswith(("https://", "http://")):
                raise self.fail("online_url", "an online event needs an http(s) link")
            if data.get("location") is not None:
                location = self.text(data, "location", LOCATION_LIMIT)
        else:
            location = self.text(data, "location", LOCATION_LIMIT)
        language = self.string(data, "language", required=False) or "tr"
        if language not in LANGUAGES:
            raise self.fail("language", "must be tr or en")
        certificate = data.get("certificate", False)
        if not isinstance(certificate, bool):
            raise self.fail("certificate", "must be true or false")
        return Event(
            id=event_id,
            kind=kind,
            service_id=service_id,
            title=self.text(data, "title", TITLE_LIMIT),
            description=self.text(data, "description", DESCRIPTION_LIMIT),
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            online=online,
            online_url=online_url,
            capacity=self.positive(data, "capacity"),
            registration_deadline=deadline,
            sectors=self.ids(data, "sectors", sector_ids),
            language=language,
            max_per_company=self.positive(data, "max_per_company"),
            keywords=self.phrases(data, "keywords"),
            transfer_abroad=self.transfer_abroad(data.get("transfer_abroad")),
            questions=self.questions(data.get("questions")),
            project_id=self.string(data, "project", required=False),
            access_needs=self.access_needs(data.get("access_needs")),
            audience=self.audience(data),
            certificate=certificate,
            matchmaking=self.matchmaking(data.get("matchmaking"), kind, starts_at, ends_at),
            **self.selection(data, starts_at),
        )

    def selection(self, data: Mapping[str, Any], starts_at: datetime) -> dict[str, Any]:
        """Read how participants are chosen, and an application event's dates."""
        selection = self.string(data, "selection", required=False) or OPEN
        if selection not in SELECTIONS:
            raise self.fail("selection", "must be one of {choices}", choices=", ".join(SELECTIONS))
        found: dict[str, Any] = {"selection": selection}
        fields = ("decision_date", "confirm_days", "reserve_cutoff_days")
        if selection == OPEN:
            for name in fields:
                if data.get(name) is not None:
                    raise self.fail(name, "only events with selection: application have it")
            return found
        decision = self.moment(data, "decision_date", required=False)
        if decision is not None and decision > starts_at:
            raise self.fail("decision_date", "must not be after starts_at")
        found["decision_at"] = decision
        found["confirm_days"] = self.positive(data, "confirm_days") or DEFAULT_CONFIRM_DAYS
        cutoff = data.get("reserve_cutoff_days", DEFAULT_RESERVE_CUTOFF_DAYS)
        if isinstance(cutoff, bool) or not isinstance(cutoff, int) or cutoff < 0:
            raise self.fail("reserve_cutoff_days", "must be a whole number of at least 0")
        found["reserve_cutoff_days"] = cutoff
        return found

    def questions(
        self, value: object, key: str = "questions", *, survey: bool = False
    ) -> tuple[Question, ...]:
        """Read a list of form questions; an error names the question and its field.

        A survey's questions may also be scales and percentages, carry a unit, decimals, a
        condition on an earlier answer and a section heading.
        """
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of questions")
        limit = SURVEY_QUESTIONS_LIMIT if survey else QUESTIONS_LIMIT
        if len(value) > limit:
            raise self.fail(key, "has more than {limit} questions", limit=limit)
        found: list[Question] = []
        for number, item in enumerate(value, start=1):
            where = f"{key}[{number}]"
            data = self.mapping(item, where)
            question_id = data.get("id")
            if not isinstance(question_id, str) or not _ID.match(question_id):
                raise self.fail(
                    f"{where}.id", "must be a slug of lower-case letters, digits, - and _"
                )
            where = f"{key}[{question_id}]"
            if any(earlier.id == question_id for earlier in found):
                raise self.fail(f"{where}.id", "is used twice")
            try:
                question = self.question(data, question_id, survey=survey)
                if survey:
                    question = self.survey_question(data, question, found)
                found.append(question)
            except ContentError as error:
                raise self.fail(
                    f"{where}.{error.field_name}", error.template, **error.params
                ) from None
        return tuple(found)

    def question(
        self, data: Mapping[str, Any], question_id: str, *, survey: bool = False
    ) -> Question:
        """Read one question (its fields named without the list around it)."""
        fields = {"id", "type", "text", "choices", "optional", "min", "max", "short"}
        if survey:
            fields |= SURVEY_QUESTION_FIELDS
        unknown = set(data) - fields
        if unknown:
            raise self.fail("question", "unknown fields {fields}", fields=sorted(unknown))
        kind = self.required(data, "type")
        types = SURVEY_QUESTION_TYPES if survey else QUESTION_TYPES
        if kind not in types:
            raise self.fail("type", "must be one of {choices}", choices=", ".join(types))
        optional = data.get("optional", False)
        if not isinstance(optional, bool):
            raise self.fail("optional", "must be true or false")
        choices: list[Choice] = []
        raw_choices = data.get("choices")
        if kind in CHOICE_TYPES:
            if not isinstance(raw_choices, list) or len(raw_choices) < 2:
                raise self.fail("choices", "a choice question needs at least two choices")
            if len(raw_choices) > CHOICES_LIMIT:
                raise self.fail("choices", "has more than {limit} choices", limit=CHOICES_LIMIT)
            for number, raw in enumerate(raw_choices, start=1):
                choice = self.mapping(raw, f"choices[{number}]")
                choice_id = choice.get("id")
                if not isinstance(choice_id, str) or not _ID.match(choice_id):
                    raise self.fail(f"choices[{number}].id", "must be a slug")
                if any(earlier.id == choice_id for earlier in choices):
                    raise self.fail(f"choices[{choice_id}].id", "is used twice")
                try:
                    label = self.text(choice, "label", CHOICE_LABEL_LIMIT)
                except ContentError as error:
                    raise self.fail(
                        f"choices[{choice_id}].{error.field_name}", error.template, **error.params
                    ) from None
                choices.append(Choice(choice_id, label))
        elif raw_choices is not None:
            raise self.fail("choices", "only choice and multi_choice questions have choices")
        minimum, maximum = data.get("min"), data.get("max")
        for name, bound in (("min", minimum), ("max", maximum)):
            if bound is None:
                continue
            if kind != NUMBER and not survey:
                raise self.fail(name, "only number questions have a range")
            if kind not in (NUMBER, SCALE):
                raise self.fail(name, "only number and scale questions have a range")
            if isinstance(bound, bool) or not isinstance(bound, int | float):
                raise self.fail(name, "must be a number")
        if minimum is not None and maximum is not None and minimum > maximum:
            raise self.fail("max", "must not be below min")
        return Question(
            id=question_id,
            type=kind,
            text=self.text(data, "text", QUESTION_TEXT_LIMIT),
            short=self.text(data, "short", SHORT_LIMIT) if "short" in data else None,
            choices=tuple(choices),
            optional=optional,
            minimum=None if minimum is None else float(minimum),
            maximum=None if maximum is None else float(maximum),
        )

    def audience(self, data: Mapping[str, Any]) -> str:
        """Read who may sign up: all (the default) or members."""
        value = self.string(data, "audience", required=False) or "all"
        if value not in AUDIENCES:
            raise self.fail("audience", "must be one of {choices}", choices=", ".join(AUDIENCES))
        return value

    def access_needs(self, value: object) -> SpecialQuestion | None:
        """Read an event's access or dietary needs question; it must be flagged special."""
        if value is None:
            return None
        data = self.mapping(value, "access_needs")
        unknown = set(data) - {"prompt", "special_category"}
        if unknown:
            raise self.fail(
                "access_needs", "unknown fields {fields}", fields=", ".join(sorted(unknown))
            )
        if data.get("special_category") is not True:
            # Health data is never asked like an ordinary question: the content says so.
            raise self.fail(
                "access_needs.special_category",
                "must be true: the answer can reveal health data (KVKK Art. 6)",
            )
        try:
            return SpecialQuestion(prompt=self.text(data, "prompt", QUESTION_LIMIT))
        except ContentError as error:
            raise self.fail(
                f"access_needs.{error.field_name}", error.template, **error.params
            ) from None

    def matchmaking(
        self, value: object, kind: str, starts_at: datetime, ends_at: datetime
    ) -> Matchmaking | None:
        """Read an event's matchmaking: true, false, or its settings (B2B days have it)."""
        if value is None:
            return Matchmaking() if kind == "b2b" else None
        if isinstance(value, bool):
            return Matchmaking() if value else None
        data = self.mapping(value, "matchmaking")
        known = {"sessions", "meeting_minutes", "tables", "pending_cap", "scheduling"}
        unknown = set(data) - known
        if unknown:
            raise self.fail("matchmaking", "unknown fields {fields}", fields=sorted(unknown))
        scheduling = self.string(data, "scheduling", required=False) or "auto"
        if scheduling not in MATCH_SCHEDULING:
            raise self.fail("matchmaking.scheduling", "must be auto or staff")
        sessions = []
        for number, item in enumerate(self.section(data, "sessions"), start=1):
            where = f"matchmaking.sessions[{number}]"
            window = self.mapping(item, where)
            start = self.moment(window, "starts_at")
            end = self.moment(window, "ends_at")
            assert start is not None and end is not None
            if end <= start:
                raise self.fail(f"{where}.ends_at", "must be after starts_at")
            if start < starts_at or end > ends_at:
                raise self.fail(where, "must lie within the event's times")
            sessions.append(MatchSession(start, end))
        tables = self.positive(data, "tables") or DEFAULT_TABLES
        if tables > MAX_TABLES:
            raise self.fail("matchmaking.tables", "must be at most {limit}", limit=MAX_TABLES)
        settings = Matchmaking(
            sessions=tuple(sessions),
            meeting_minutes=self.positive(data, "meeting_minutes") or DEFAULT_MEETING_MINUTES,
            tables=tables,
            pending_cap=self.positive(data, "pending_cap") or DEFAULT_PENDING_CAP,
            scheduling=scheduling,
        )
        if not settings.slots(starts_at, ends_at):
            raise self.fail("matchmaking", "leaves no time for a single meeting")
        return settings

    def survey_question(
        self, data: Mapping[str, Any], question: Question, earlier: list[Question]
    ) -> Question:
        """Read a survey question's own fields: scale, percentage, unit, condition, section."""
        kind = question.type
        if kind == SCALE:
            low = 1.0 if question.minimum is None else question.minimum
            high = question.maximum if question.maximum is not None else (10 if low == 0 else 5)
            if (low, high) not in SCALES:
                raise self.fail("max", "a scale runs 1 to 5 or 0 to 10")
            question = replace(question, minimum=float(low), maximum=float(high))
        elif kind == PERCENTAGE:
            question = replace(question, minimum=0.0, maximum=100.0, decimal=True)
        decimal = data.get("decimal", kind == PERCENTAGE)
        if not isinstance(decimal, bool):
            raise self.fail("decimal", "must be true or false")
        if "decimal" in data and kind != NUMBER:
            raise self.fail("decimal", "only number questions say whether they take decimals")
        unit = None
        if "unit" in data:
            if kind != NUMBER:
                raise self.fail("unit", "only number questions have a unit")
            unit = self.text(data, "unit", UNIT_LIMIT)
        low_label = high_label = None
        if "labels" in data:
            if kind != SCALE:
                raise self.fail("labels", "only scale questions have end labels")
            labels = self.mapping(data["labels"], "labels")
            low_label = self.text(labels, "low", CHOICE_LABEL_LIMIT)
            high_label = self.text(labels, "high", CHOICE_LABEL_LIMIT)
        section = self.text(data, "section", QUESTION_TEXT_LIMIT) if "section" in data else None
        return replace(
            question,
            decimal=decimal,
            unit=unit,
            low_label=low_label,
            high_label=high_label,
            when=self.condition(data.get("when"), earlier),
            section=section,
            typical=self.typical(data.get("typical"), question),
        )

    def typical(self, value: object, question: Question) -> tuple[float, float] | None:
        """Read `typical: [low, high]`, where most answers of a number or percentage fall."""
        if value is None:
            return None
        if question.type not in (NUMBER, PERCENTAGE):
            raise self.fail("typical", "only number and percentage questions have a typical range")
        if (
            not isinstance(value, list)
            or len(value) != 2
            or any(isinstance(bound, bool) or not isinstance(bound, int | float) for bound in value)
            or not value[0] < value[1]
        ):
            raise self.fail("typical", "must be two numbers, the lower first: [low, high]")
        low, high = float(value[0]), float(value[1])
        below = question.minimum is not None and low < question.minimum
        if below or (question.maximum is not None and high > question.maximum):
            raise self.fail("typical", "must lie within the question's min and max")
        return low, high

    def condition(self, value: object, earlier: list[Question]) -> Condition | None:
        """Read `when: {question: ID, is: VALUE or [VALUES]}` about an earlier question."""
        if value is None:
            return None
        when = self.mapping(value, "when")
        target = when.get("question")
        asked = next((question for question in earlier if question.id == target), None)
        if asked is None:
            raise self.fail(
                "when.question", "must name an earlier question: {target!r}", target=target
            )
        if asked.type not in CONDITION_TYPES:
            raise self.fail("when.question", "a condition looks at a choice or yes/no question")
        raw = when.get("is")
        values = raw if isinstance(raw, list) else [raw]
        allowed = (
            ("yes", "no") if asked.type == YES_NO else tuple(choice.id for choice in asked.choices)
        )
        for item in values:
            if item not in allowed:
                raise self.fail(
                    "when.is",
                    "{value!r} is not an answer of {target}",
                    value=item,
                    target=asked.id,
                )
        return Condition(asked.id, tuple(str(item) for item in values))

    def transfer_abroad(self, value: object) -> TransferAbroad | None:
        """Read the host abroad an event may share attendees' details with, if any."""
        if value is None:
            return None
        data = self.mapping(value, "transfer_abroad")
        try:
            return TransferAbroad(
                host=self.text(data, "host", NAME_LIMIT),
                country=self.text(data, "country", NAME_LIMIT),
            )
        except ContentError as error:
            raise self.fail(
                f"transfer_abroad.{error.field_name}", error.template, **error.params
            ) from None

    def faq(
        self, value: object, seen: set[str], service_ids: list[str], event_ids: list[str]
    ) -> Faq:
        data = self.mapping(value, "faq[]")
        faq_id = self.entry_id(data, seen, "faq")
        service_id = self.string(data, "service", required=False)
        if service_id is not None and service_id not in service_ids:
            raise self.fail("service", "unknown service {id!r}", id=service_id)
        event_id = self.string(data, "event", required=False)
        if event_id is not None and event_id not in event_ids:
            if not self.stored:
                raise self.fail("event", "unknown event {id!r}", id=event_id)
            event_id = None
        return Faq(
            id=faq_id,
            question=self.text(data, "question", QUESTION_LIMIT),
            answer=self.text(data, "answer", ANSWER_LIMIT),
            variants=self.phrases(data, "variants"),
            keywords=self.phrases(data, "keywords"),
            service_id=service_id,
            event_id=event_id,
            links=self.links(data, service_ids, event_ids),
        )

    def links(
        self, data: Mapping[str, Any], service_ids: list[str], event_ids: list[str]
    ) -> tuple[FaqLink, ...]:
        value = data.get("links")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("links", "must be a list like [{service: ID}, {url: ..., label: ...}]")
        found = []
        for number, item in enumerate(value, start=1):
            where = f"links[{number}]"
            link = self.mapping(item, where)
            kinds = [key for key in link if key in LINK_KINDS]
            unknown = set(link) - set(LINK_KINDS) - {"label"}
            if len(kinds) != 1 or unknown:
                raise self.fail(where, "needs exactly one of {kinds}", kinds=", ".join(LINK_KINDS))
            kind = kinds[0]
            target = link[kind]
            if not isinstance(target, str) or not target.strip():
                raise self.fail(f"{where}.{kind}", "must be a text")
            target = target.strip()
            allowed: tuple[str, ...] | list[str] = ()
            if kind in ("service", "service_events"):
                allowed = service_ids
            elif kind == "event":
                if target not in event_ids and self.stored:
                    continue  # cancelled by staff since the import
                allowed = event_ids
            elif kind == "events":
                allowed = EVENT_KINDS
            elif kind == "contact":
                allowed = CONTACT_WAYS
            elif kind == "screen":
                allowed = SCREENS
            if kind == "url":
                if not target.startswith(("https://", "http://")) or len(target) > URL_LIMIT:
                    raise self.fail(f"{where}.url", "must be an http(s) link")
                if "label" not in link:
                    raise self.fail(f"{where}.label", "a link to a URL needs a label {tr, en}")
                found.append(FaqLink(kind, target, self.text(link, "label", LABEL_LIMIT)))
                continue
            if "label" in link:
                raise self.fail(f"{where}.label", "only a URL link takes a label")
            if target not in allowed:
                raise self.fail(
                    f"{where}.{kind}", "unknown {kind} {target!r}", kind=kind, target=target
                )
            found.append(FaqLink(kind, target))
        return tuple(found)

    def survey(
        self,
        value: object,
        seen: set[str],
        sector_ids: list[str],
        service_ids: list[str],
        event_ids: list[str],
    ) -> Survey:
        data = self.mapping(value, "surveys[?]")
        survey_id = self.entry_id(data, seen, "surveys")
        unknown = set(data) - SURVEY_FIELDS
        if unknown:
            raise self.fail("survey", "unknown fields {fields}", fields=sorted(unknown))
        flags = {}
        for name, default in (("anonymous", False), ("benchmark", False), ("review", True)):
            flag = data.get(name, default)
            if not isinstance(flag, bool):
                raise self.fail(name, "must be true or false")
            flags[name] = flag
        per = data.get("per", "person")
        if per not in ("person", "company"):
            raise self.fail("per", "must be person or company")
        if per == "company" and flags["anonymous"]:
            raise self.fail(
                "anonymous",
                "a company's answer is kept with the company: per company is not anonymous",
            )
        opens_at = self.moment(data, "opens_at", required=False)
        closes_at = self.moment(data, "closes_at", required=False)
        if opens_at is not None and closes_at is not None and closes_at <= opens_at:
            raise self.fail("closes_at", "must be after opens_at")
        questions = self.questions(data.get("questions"), survey=True)
        if not questions:
            raise self.fail("questions", "a survey needs at least one question")
        after = data.get("after_event_days")
        if after is not None and (
            isinstance(after, bool) or not isinstance(after, int) or after < 0
        ):
            raise self.fail("after_event_days", "must be a whole number of days, 0 or more")
        audience = self.survey_audience(data.get("audience"), sector_ids, event_ids)
        if after is not None and audience.kind not in (EVENT, EVENT_KIND):
            raise self.fail("after_event_days", "needs an audience of an event or a kind of event")
        indicators = self.indicators(data.get("indicators"), questions, service_ids, event_ids)
        if flags["benchmark"] and not indicators:
            raise self.fail("indicators", "a benchmark survey needs its numeric indicators")
        if indicators and not flags["benchmark"]:
            raise self.fail(
                "indicators", "only a benchmark survey (benchmark: true) has indicators"
            )
        if flags["benchmark"] and per != "company":
            raise self.fail("per", "a benchmark compares companies: per company")
        if survey_id == FEEDBACK:
            self.feedback_rating(questions, per, flags["anonymous"])
        return Survey(
            id=survey_id,
            title=self.text(data, "title", TITLE_LIMIT),
            intro=self.text(data, "intro", SUMMARY_LIMIT),
            questions=questions,
            audience=audience,
            per_company=per == "company",
            anonymous=flags["anonymous"],
            opens_at=opens_at,
            closes_at=closes_at,
            benchmark=flags["benchmark"],
            indicators=indicators,
            after_event_days=after,
            review=flags["review"],
        )

    def feedback_rating(self, questions: tuple[Question, ...], per: str, anonymous: bool) -> None:
        """Check a cluster's own feedback survey keeps what reports count: a 1-5 rating."""
        rating = next((q for q in questions if q.id == FEEDBACK_RATING), None)
        field = f"questions[{FEEDBACK_RATING}]"
        if rating is None:
            raise self.fail(field, "the feedback survey needs a rating question (scale 1 to 5)")
        if rating.type != SCALE or (rating.minimum, rating.maximum) != (1, 5):
            raise self.fail(f"{field}.type", "the feedback rating must be a scale from 1 to 5")
        if rating.optional or rating.when is not None:
            raise self.fail(f"{field}.optional", "the feedback rating is always asked")
        if per != "person" or anonymous:
            raise self.fail("per", "the feedback survey is per person and not anonymous")

    def survey_audience(
        self, value: object, sector_ids: list[str], event_ids: list[str]
    ) -> Audience:
        if value is None or value == EVERYONE:
            return Audience()
        if value == MEMBERS:
            return Audience(MEMBERS)
        where = "audience"
        problem = (
            "must be everyone, members, or one of {sector: ID}, {event: ID}, {event_kind: KIND}"
        )
        if not isinstance(value, Mapping) or len(value) != 1:
            raise self.fail(where, problem)
        kind, target = next(iter(value.items()))
        allowed: Iterable[str] = {
            SECTOR: sector_ids,
            EVENT: event_ids,
            EVENT_KIND: EVENT_KINDS,
        }.get(kind, ())
        if kind not in (SECTOR, EVENT, EVENT_KIND):
            raise self.fail(where, problem)
        if target not in allowed and not (kind == EVENT and self.stored):
            raise self.fail(
                f"{where}.{kind}", "unknown {kind} {target!r}", kind=kind, target=target
            )
        return Audience(kind, str(target))

    def indicators(
        self,
        value: object,
        questions: tuple[Question, ...],
        service_ids: list[str],
        event_ids: list[str],
    ) -> tuple[Indicator, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("indicators", "must be a list like [{question: ID, better: higher}]")
        found: list[Indicator] = []
        for number, item in enumerate(value, start=1):
            data = self.mapping(item, f"indicators[{number}]")
            question_id = data.get("question")
            where = f"indicators[{question_id}]"
            unknown = set(data) - _INDICATOR_FIELDS
            if unknown:
                raise self.fail(where, "unknown fields {fields}", fields=sorted(unknown))
            question = next((q for q in questions if q.id == question_id), None)
            if question is None or question.type not in NUMERIC_TYPES:
                raise self.fail(
                    f"{where}.question", "must name a number, scale or percentage question"
                )
            if any(indicator.question == question_id for indicator in found):
                raise self.fail(f"{where}.question", "is used twice")
            better = data.get("better")
            if better not in (HIGHER, LOWER):
                raise self.fail(f"{where}.better", "must be higher or lower")
            try:
                links = self.links(data, service_ids, event_ids)
            except ContentError as error:
                raise self.fail(
                    f"{where}.{error.field_name}", error.template, **error.params
                ) from None
            try:
                name = self.indicator_name(data, question)
            except ContentError as error:
                raise self.fail(
                    f"{where}.{error.field_name}", error.template, **error.params
                ) from None
            places = data.get("decimals", default_places(question))
            if places not in INDICATOR_DECIMALS or isinstance(places, bool):
                raise self.fail(f"{where}.decimals", "must be 0, 1, 2 or 3")
            found.append(Indicator(question.id, better, name, places, links))
        return tuple(found)

    def indicator_name(self, data: Mapping[str, Any], question: Question) -> Text:
        """Read an indicator's short name, or make it from its question's wording."""
        if "name" in data:
            return self.text(data, "name", INDICATOR_NAME_LIMIT)
        # "Fire (hurda) oranı?" reads as a name without its question mark; a trailing "(TL)"
        # goes too, as the unit is shown with the figures.
        names = {
            language: _UNIT_AFTER.sub("", question.text.get(language)).rstrip(" ?")
            for language in LANGUAGES
        }
        if any(len(name) > INDICATOR_NAME_LIMIT for name in names.values()):
            raise self.fail(
                "name",
                "the question is too long to name the indicator: give it a name of at most "
                "{limit} characters in both languages",
                limit=INDICATOR_NAME_LIMIT,
            )
        return Text(tr=names["tr"], en=names["en"])

    def synonyms(self, value: object) -> tuple[tuple[str, ...], ...]:
        self.entry = "synonyms"
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("synonyms", "must be a list of lists of words")
        groups = []
        for group in value:
            if (
                not isinstance(group, list)
                or len(group) < 2
                or not all(isinstance(word, str) and word.strip() for word in group)
            ):
                raise self.fail("synonyms", "each group must list at least two words")
            groups.append(tuple(word.strip() for word in group))
        return tuple(groups)


def _text(text: Text) -> dict[str, str]:
    return {"tr": text.tr, "en": text.en}


def _phrases(phrases: Phrases) -> dict[str, list[str]] | None:
    if not phrases.tr and not phrases.en:
        return None
    return {"tr": list(phrases.tr), "en": list(phrases.en)}


def _link(link: FaqLink) -> dict[str, Any]:
    entry: dict[str, Any] = {link.kind: link.target}
    if link.label is not None:
        entry["label"] = _text(link.label)
    return entry


def _moment(moment: datetime, timezone: ZoneInfo) -> str:
    return moment.astimezone(timezone).isoformat()


def event_to_document(event: Event, timezone: ZoneInfo) -> dict[str, Any]:
    """Return one event as a YAML-ready entry in the import format, times in `timezone`."""
    entry: dict[str, Any] = {
        "id": event.id,
        "kind": event.kind,
        "service": event.service_id,
        "title": _text(event.title),
        "description": _text(event.description),
        "starts_at": _moment(event.starts_at, timezone),
        "ends_at": _moment(event.ends_at, timezone),
    }
    if event.location is not None:
        entry["location"] = _text(event.location)
    if event.online:
        entry["online"] = True
        entry["online_url"] = event.online_url
    if event.capacity is not None:
        entry["capacity"] = event.capacity
    if event.registration_deadline is not None:
        entry["registration_deadline"] = _moment(event.registration_deadline, timezone)
    if event.max_per_company is not None:
        entry["max_per_company"] = event.max_per_company
    entry["sectors"] = list(event.sectors)
    entry["language"] = event.language
    if (keywords := _phrases(event.keywords)) is not None:
        entry["keywords"] = keywords
    if event.transfer_abroad is not None:
        entry["transfer_abroad"] = {
            "host": _text(event.transfer_abroad.host),
            "country": _text(event.transfer_abroad.country),
        }
    if event.questions:
        entry["questions"] = [question_to_document(question) for question in event.questions]
    if event.project_id is not None:
        entry["project"] = event.project_id
    if event.access_needs is not None:
        entry["access_needs"] = {
            "prompt": _text(event.access_needs.prompt),
            "special_category": True,
        }
    if event.audience != "all":
        entry["audience"] = event.audience
    if event.certificate:
        entry["certificate"] = True

    if (matchmaking := _matchmaking(event, timezone)) is not None:
        entry["matchmaking"] = matchmaking

    if event.by_application:
        entry["selection"] = event.selection
        if event.decision_at is not None:
            entry["decision_date"] = _moment(event.decision_at, timezone)
        entry["confirm_days"] = event.confirm_days
        entry["reserve_cutoff_days"] = event.reserve_cutoff_days
    return entry


def project_to_document(project: Project) -> dict[str, Any]:
    """Return one project as a YAML-ready entry in the import format."""
    entry: dict[str, Any] = {
        "id": project.id,
        "name": _text(project.name),
        "funder": _text(project.funder),
        "period": {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()},
    }
    if project.logo is not None:
        entry["logo"] = project.logo
    if project.targets:
        entry["targets"] = dict(project.targets)
    for key, ids in (
        ("events", project.event_ids),
        ("services", project.service_ids),
        ("surveys", project.survey_ids),
    ):
        if ids:
            entry[key] = list(ids)
    return entry


def _matchmaking(event: Event, timezone: ZoneInfo) -> bool | dict[str, Any] | None:
    """Return an event's matchmaking as written in the content, None when it goes unsaid."""
    settings = event.matchmaking
    if settings is None:
        return False if event.kind == "b2b" else None
    if settings.is_default:
        return None if event.kind == "b2b" else True
    written: dict[str, Any] = {
        "meeting_minutes": settings.meeting_minutes,
        "tables": settings.tables,
        "pending_cap": settings.pending_cap,
        "scheduling": settings.scheduling,
    }
    if settings.sessions:
        written["sessions"] = [
            {"starts_at": _moment(s.starts_at, timezone), "ends_at": _moment(s.ends_at, timezone)}
            for s in settings.sessions
        ]
    return written


def survey_to_document(survey: Survey, timezone: ZoneInfo) -> dict[str, Any]:
    """Return one survey as a YAML-ready entry in the import format."""
    entry: dict[str, Any] = {
        "id": survey.id,
        "title": _text(survey.title),
        "intro": _text(survey.intro),
    }
    audience = survey.audience
    entry["audience"] = (
        audience.kind if audience.target is None else {audience.kind: audience.target}
    )
    entry["per"] = "company" if survey.per_company else "person"
    if survey.anonymous:
        entry["anonymous"] = True
    if survey.opens_at is not None:
        entry["opens_at"] = _moment(survey.opens_at, timezone)
    if survey.closes_at is not None:
        entry["closes_at"] = _moment(survey.closes_at, timezone)
    if survey.after_event_days is not None:
        entry["after_event_days"] = survey.after_event_days
    if not survey.review:
        entry["review"] = False
    if survey.benchmark:
        entry["benchmark"] = True
        entry["indicators"] = [
            {
                "question": indicator.question,
                "better": indicator.direction,
                "name": {"tr": indicator.name.tr, "en": indicator.name.en},
                "decimals": indicator.places,
                **({"links": [_link(link) for link in indicator.links]} if indicator.links else {}),
            }
            for indicator in survey.indicators
        ]
    entry["questions"] = [question_to_document(question) for question in survey.questions]
    return entry


def catalogue_to_document(catalogue: Catalogue) -> dict[str, Any]:
    """Return the catalogue as a YAML-ready document in the import format."""
    timezone = ZoneInfo(catalogue.cluster.timezone)
    cluster = catalogue.cluster
    document: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "cluster": {
            "name": _text(cluster.name),
            "short_name": cluster.short_name,
            "timezone": cluster.timezone,
            "default_language": cluster.default_language,
            "contact": {
                "email": cluster.contact.email,
                "phone": cluster.contact.phone,
                "address": _text(cluster.contact.address),
                "hours": _text(cluster.contact.hours),
            },
            "privacy_notice": {
                "version": cluster.privacy_notice.version,
                **{name: _text(getattr(cluster.privacy_notice, name)) for name in NOTICE_SECTIONS},
            },
        },
        "sectors": [{"id": s.id, "name": _text(s.name)} for s in catalogue.sectors],
        "services": [],
        "events": [],
        "projects": [],
        "faq": [],
    }
    for service in catalogue.services:
        item: dict[str, Any] = {
            "id": service.id,
            "title": _text(service.title),
            "summary": _text(service.summary),
            "description": _text(service.description),
            "sectors": list(service.sectors),
        }
        if (keywords := _phrases(service.keywords)) is not None:
            item["keywords"] = keywords
        document["services"].append(item)
    document["events"] = [event_to_document(event, timezone) for event in catalogue.events]
    document["projects"] = [project_to_document(project) for project in catalogue.projects]
    for faq in catalogue.faq:
        question: dict[str, Any] = {
            "id": faq.id,
            "question": _text(faq.question),
            "answer": _text(faq.answer),
        }
        if (variants := _phrases(faq.variants)) is not None:
            question["variants"] = variants
        if (keywords := _phrases(faq.keywords)) is not None:
            question["keywords"] = keywords
        if faq.service_id is not None:
            question["service"] = faq.service_id
        if faq.event_id is not None:
            question["event"] = faq.event_id
        if faq.links:
            question["links"] = [_link(link) for link in faq.links]
        document["faq"].append(question)
    if catalogue.synonyms:
        document["synonyms"] = [list(group) for group in catalogue.synonyms]
    if catalogue.categories:
        categories = []
        for category in catalogue.categories:
            written: dict[str, Any] = {"id": category.id, "name": _text(category.name)}
            if (keywords := _phrases(category.keywords)) is not None:
                written["keywords"] = keywords
            categories.append(written)
        document["matchmaking"] = {"categories": categories}
    document["surveys"] = [
        survey_to_document(survey, timezone) for survey in catalogue.surveys if not survey.bundled
    ]
    return document


def dump_catalogue(catalogue: Catalogue) -> str:
    """Return the catalogue as YAML text in the import format."""
    header = (
        "# Cluster catalogue exported by clustem-bot; the format is documented in the\n"
        "# header of the bundled demo-cluster.yaml.\n"
    )
    body = yaml.safe_dump(
        catalogue_to_document(catalogue), allow_unicode=True, sort_keys=False, width=100
    )
    return header + body
