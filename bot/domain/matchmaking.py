"""Who should meet whom: suggestions ranked by offer-need match with their reasons, word search,
and filters over the participants listed for a B2B day or in the directory.

The index is built once from the listed profiles (a few hundred at most) and answers each
question in memory; nothing here reads the database or talks to Telegram.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.domain.profile import fold_turkish
from storage.content import Event, MatchCategory, MatchSession
from storage.matchmaking import MatchProfile, Schedule

# A category both ways counts more than words typed freely, which are less certain.
CATEGORY_WEIGHT = 3.0
WORDS_WEIGHT = 1.0
# Free texts this alike (rapidfuzz token set ratio, 0-100) count as a match.
WORDS_ALIKE = 75
# A word search keeps participants at least this alike to what was typed.
SEARCH_CUTOFF = 70
THEY_OFFER = "they_offer"  # they offer what you look for
THEY_SEEK = "they_seek"  # they look for what you offer


@dataclass(frozen=True)
class Reason:
    """Why a participant is suggested: a category (or typed words) one side offers, the other
    looks for."""

    kind: str  # THEY_OFFER or THEY_SEEK
    category_id: str | None = None
    words: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A participant worth meeting, how strongly, and why."""

    profile: MatchProfile
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Filter:
    """What the browsing person narrowed the list to."""

    category_id: str | None = None
    side: str = "offers"  # the category is one they offers or seeks
    sector_id: str | None = None
    members_only: bool = False  # only people whose company membership is verified


def schedule_of(event: Event) -> Schedule:
    """Return how an event's accepted meetings are placed: its slots, tables, and whether at
    once (auto) or by staff."""
    assert event.matchmaking is not None
    return Schedule(
        event.slots(), event.matchmaking.tables, auto=event.matchmaking.scheduling == "auto"
    )


class MatchIndex:
    """The listed participants of one event (or the directory), ready to be ranked."""

    def __init__(self, profiles: Sequence[MatchProfile], categories: Sequence[MatchCategory]):
        self.profiles = list(profiles)
        self._by_person = {profile.person_id: profile for profile in self.profiles}
        self._categories = list(categories)
        # The search's folded texts are made on the first search: suggestions don't need them.
        self._haystacks: list[str] | None = None
        self._offers_text = {
            p.person_id: fold_turkish(p.offers_text) for p in self.profiles if p.offers_text
        }
        self._seeks_text = {
            p.person_id: fold_turkish(p.seeks_text) for p in self.profiles if p.seeks_text
        }

    def get(self, person_id: int) -> MatchProfile | None:
        """Return a listed participant's profile, None when they are not listed."""
        return self._by_person.get(person_id)

    def suggest(self, me: MatchProfile, limit: int = 10) -> list[Suggestion]:
        """Return the others whose offers meet my needs and back, best first, with reasons."""
        found: list[Suggestion] = []
        my_seeks, my_offers = set(me.seeks), set(me.offers)
        my_seeks_text = fold_turkish(me.seeks_text) if me.seeks_text else None
        my_offers_text = fold_turkish(me.offers_text) if me.offers_text else None
        for other in self.profiles:
            if other.person_id == me.person_id:
                continue
            reasons = [
                Reason(THEY_OFFER, category) for category in other.offers if category in my_seeks
            ]
            reasons += [
                Reason(THEY_SEEK, category) for category in other.seeks if category in my_offers
            ]
            score = CATEGORY_WEIGHT * len(reasons)
            their_offers = self._offers_text.get(other.person_id)
            if my_seeks_text and their_offers and _alike(my_seeks_text, their_offers):
                reasons.append(Reason(THEY_OFFER, words=other.offers_text))
                score += WORDS_WEIGHT
            their_seeks = self._seeks_text.get(other.person_id)
            if my_offers_text and their_seeks and _alike(my_offers_text, their_seeks):
                reasons.append(Reason(THEY_SEEK, words=other.seeks_text))
                score += WORDS_WEIGHT
            if reasons:
                found.append(Suggestion(other, score, tuple(reasons)))
        # Ties: those who need what I offer *and* offer what I need come first via the score;
        # then by company name, so the order is stable between two looks.
        found.sort(key=lambda s: (-s.score, s.profile.company, s.profile.person_id))
        return found[:limit]

    def search(self, words: str, *, exclude: int | None = None) -> list[MatchProfile]:
        """Return participants whose company, profile or categories are like the words."""
        query = fold_turkish(words).strip()
        if not query:
            return []
        haystacks = self._texts()
        hits = process.extract(
            query,
            haystacks,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=SEARCH_CUTOFF,
            limit=None,
        )
        contained = {i for i, text in enumerate(haystacks) if query in text}
        ranked = sorted(
            {index for _, _, index in hits} | contained,
            key=lambda index: (index not in contained, self.profiles[index].company),
        )
        return [self.profiles[i] for i in ranked if self.profiles[i].person_id != exclude]

    def _texts(self) -> list[str]:
        """Return each profile's words (company, name, texts, category names), folded."""
        if self._haystacks is None:
            names = {
                c.id: " ".join((c.name.tr, c.name.en, *c.keywords.all())) for c in self._categories
            }
            self._haystacks = [
                fold_turkish(
                    " ".join(
                        part
                        for part in (
                            profile.company,
                            profile.full_name,
                            profile.description or "",
                            profile.offers_text or "",
                            profile.seeks_text or "",
                            *(names.get(c, "") for c in (*profile.offers, *profile.seeks)),
                        )
                        if part
                    )
                )
                for profile in self.profiles
            ]
        return self._haystacks

    def browse(self, chosen: Filter, *, exclude: int | None = None) -> list[MatchProfile]:
        """Return the participants the filter keeps, by company."""
        kept = []
        for profile in self.profiles:
            if profile.person_id == exclude:
                continue
            if chosen.sector_id is not None and profile.sector_id != chosen.sector_id:
                continue
            if chosen.members_only and not profile.verified:
                continue
            if chosen.category_id is not None:
                side = profile.offers if chosen.side == "offers" else profile.seeks
                if chosen.category_id not in side:
                    continue
            kept.append(profile)
        return kept


def _alike(one: str, other: str) -> bool:
    return fuzz.token_set_ratio(one, other, processor=None) >= WORDS_ALIKE


@dataclass(frozen=True)
class Proposal:
    """A meeting staff may propose to fill a gap: who asks whom, and why."""

    requester: MatchProfile
    invitee: MatchProfile
    reasons: tuple[Reason, ...]


def proposals(
    index: MatchIndex,
    meetings_of: dict[int, int],
    paired: set[frozenset[int]],
    slots: int,
    limit: int = 10,
) -> list[Proposal]:
    """Return the best-matched pairs where both still have free slots and nothing between
    them yet, the emptiest agendas first; each person in at most one proposal."""
    found: list[tuple[float, int, Proposal]] = []
    for me in index.profiles:
        if meetings_of.get(me.person_id, 0) >= slots:
            continue
        for suggestion in index.suggest(me, limit=len(index.profiles)):
            other = suggestion.profile
            pair = frozenset((me.person_id, other.person_id))
            if pair in paired or meetings_of.get(other.person_id, 0) >= slots:
                continue
            load = meetings_of.get(me.person_id, 0) + meetings_of.get(other.person_id, 0)
            found.append((-suggestion.score, load, Proposal(me, other, suggestion.reasons)))
    found.sort(key=lambda item: (item[1], item[0], item[2].requester.company))
    chosen: list[Proposal] = []
    busy: set[int] = set()
    for _, _, proposal in found:
        people = {proposal.requester.person_id, proposal.invitee.person_id}
        if people & busy:
            continue
        busy |= people
        chosen.append(proposal)
        if len(chosen) == limit:
            break
    return chosen


_WINDOW = re.compile(r"(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})")


def read_sessions(
    text: str, day: date, timezone: ZoneInfo
) -> tuple[tuple[MatchSession, ...] | None, str | None]:
    """Read time windows typed as "09:30-12:30, 13:30-16:30" on the event's day.

    Returns (sessions, None), or (None, reason) when a window is unreadable or ends first.
    """
    windows = [part.strip() for part in re.split(r"[,;\n]+", text) if part.strip()]
    sessions = []
    for window in windows:
        found = _WINDOW.fullmatch(window)
        if found is None:
            return None, "sessions"
        start_h, start_m, end_h, end_m = (int(group) for group in found.groups())
        if start_h > 23 or end_h > 23 or start_m > 59 or end_m > 59:
            return None, "sessions"
        starts = datetime.combine(day, time(start_h, start_m), timezone).astimezone(UTC)
        ends = datetime.combine(day, time(end_h, end_m), timezone).astimezone(UTC)
        if ends <= starts:
            return None, "sessions"
        sessions.append(MatchSession(starts, ends))
    if not sessions:
        return None, "sessions"
    return tuple(sorted(sessions, key=lambda s: s.starts_at)), None
