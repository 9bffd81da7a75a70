"""The catalogue in the database: import (upsert by id), snapshot, and event listings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storage.content import Catalogue, Event, catalogue_to_document, parse_catalogue
from storage.database import Database, Transaction

SECTIONS = ("sectors", "services", "projects", "faq", "surveys")


def utc_text(moment: datetime) -> str:
    """Return a UTC time as stored: ISO 8601, sortable as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_utc(text: str) -> datetime:
    """Read a stored UTC time back."""
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass
class ImportReport:
    """What an import changed, by entry (`event:lean-2027-01`)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Tell whether the import changed nothing."""
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class EventListing:
    """An event with its seats as they are now."""

    event: Event
    confirmed: int
    waitlisted: int

    @property
    def seats_left(self) -> int | None:
        """Return free seats, or None for an event without a capacity."""
        if self.event.capacity is None:
            return None
        return max(self.event.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        """Tell whether every seat is taken."""
        return self.seats_left == 0


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


class CatalogueRepository:
    """Reads and writes the cluster's catalogue."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def is_empty(self) -> bool:
        """Tell whether no catalogue was ever imported."""
        row = await self._db.fetch_one("SELECT COUNT(*) FROM cluster_info")
        return row is None or row[0] == 0

    async def load(self) -> Catalogue:
        """Return the catalogue as stored: scheduled events only."""
        info = await self._db.fetch_one("SELECT document FROM cluster_info WHERE id = 1")
        if info is None:
            raise LookupError("no catalogue has been imported")
        head = json.loads(info["document"])
        document: dict[str, Any] = {"version": 1, "cluster": head["cluster"]}
        if head.get("synonyms"):
            document["synonyms"] = head["synonyms"]
        if head.get("matchmaking"):
            document["matchmaking"] = head["matchmaking"]
        for section in SECTIONS:
            rows = await self._db.fetch_all(f"SELECT document FROM {section} ORDER BY position, id")
            document[section] = [json.loads(row["document"]) for row in rows]
        rows = await self._db.fetch_all(
            "SELECT document FROM events WHERE status = 'scheduled' ORDER BY starts_at, id"
        )
        document["events"] = [json.loads(row["document"]) for row in rows]
        return parse_catalogue(document, "database", stored=True)

    async def import_catalogue(
        self, catalogue: Catalogue, *, prune: bool = False, dry_run: bool = False
    ) -> ImportReport:
        """Upsert every entry by id; with `prune`, remove entries the file no longer has.

        An event with registrations is never removed: it is kept and reported.
        """
        document = catalogue_to_document(catalogue)
        report = ImportReport()
        now = utc_text(datetime.now(UTC))
        async with self._db.transaction() as tx:
            head = {"cluster": document["cluster"], "synonyms": document.get("synonyms", [])}
            # Written only when there are categories, so older catalogues read as unchanged.
            if document.get("matchmaking"):
                head["matchmaking"] = document["matchmaking"]
            before = await tx.fetch_one("SELECT document FROM cluster_info WHERE id = 1")
            if before is None or before["document"] != _dumps(head):
                (report.changed if before else report.added).append("cluster")
                await tx.execute(
                    "INSERT INTO cluster_info (id, document) VALUES (1, ?) "
                    "ON CONFLICT (id) DO UPDATE SET document = excluded.document",
                    (_dumps(head),),
                )
            else:
                report.unchanged += 1
            for section in SECTIONS:
                await self._upsert_section(tx, section, document[section], report, prune)
            await self._upsert_events(tx, catalogue, document["events"], report, prune, now)
            if dry_run:
                raise _DryRun(report)
        return report

    async def preview_import(self, catalogue: Catalogue, *, prune: bool = False) -> ImportReport:
        """Return what an import would change, changing nothing."""
        try:
            await self.import_catalogue(catalogue, prune=prune, dry_run=True)
        except _DryRun as dry_run:
            return dry_run.report
        raise AssertionError("a dry run always rolls back")

    async def _upsert_section(
        self,
        tx: Transaction,
        section: str,
        entries: list[dict[str, Any]],
        report: ImportReport,
        prune: bool,
    ) -> None:
        kind = {
            "sectors": "sector",
            "services": "service",
            "projects": "project",
            "faq": "faq",
            "surveys": "survey",
        }[section]
        if not entries and not prune:
            return  # nothing to add or change, and nothing to remove
        rows = await tx.fetch_all(f"SELECT id, position, document FROM {section}")
        existing = {row["id"]: (row["position"], row["document"]) for row in rows}
        for position, entry in enumerate(entries):
            text = _dumps(entry)
            if existing.get(entry["id"]) == (position, text):
                report.unchanged += 1
                continue
            (report.changed if entry["id"] in existing else report.added).append(
                f"{kind}:{entry['id']}"
            )
            await tx.execute(
                f"INSERT INTO {section} (id, position, document) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET position = excluded.position, "
                "document = excluded.document",
                (entry["id"], position, text),
            )
        if prune:
            wanted = {entry["id"] for entry in entries}
            for entry_id in sorted(set(existing) - wanted):
                await tx.execute(f"DELETE FROM {section} WHERE id = ?", (entry_id,))
                report.removed.append(f"{kind}:{entry_id}")

    async def _upsert_events(
        self,
        tx: Transaction,
        catalogue: Catalogue,
        entries: list[dict[str, Any]],
        report: ImportReport,
        prune: bool,
        now: str,
    ) -> None:
        rows = await tx.fetch_all("SELECT id, position, document, status FROM events")
        existing = {row["id"]: (row["position"], row["document"], row["status"]) for row in rows}
        for position, (event, entry) in enumerate(zip(catalogue.events, entries, strict=True)):
            text = _dumps(entry)
            if event.id in existing and existing[event.id][2] == "cancelled":
                # Staff cancelled it: an old content file must not bring it back.
                report.kept.append(f"event:{event.id}")
                continue
            if existing.get(event.id) == (position, text, "scheduled"):
                report.unchanged += 1
                continue
            (report.changed if event.id in existing else report.added).append(f"event:{event.id}")
            await tx.execute(
                "INSERT INTO events (id, kind, service_id, starts_at, ends_at, capacity, "
                "registration_deadline, max_per_company, status, position, document, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, "
                "service_id = excluded.service_id, starts_at = excluded.starts_at, "
                "ends_at = excluded.ends_at, capacity = excluded.capacity, "
                "registration_deadline = excluded.registration_deadline, "
                "max_per_company = excluded.max_per_company, "
                "position = excluded.position, document = excluded.document, "
                "updated_at = excluded.updated_at",
                (
                    event.id,
                    event.kind,
                    event.service_id,
                    utc_text(event.starts_at),
                    utc_text(event.ends_at),
                    event.capacity,
                    utc_text(event.registration_deadline) if event.registration_deadline else None,
                    event.max_per_company,
                    position,
                    text,
                    now,
                ),
            )
        if not prune:
            return
        wanted = {event.id for event in catalogue.events}
        for event_id in sorted(set(existing) - wanted):
            row = await tx.fetch_one(
                "SELECT COUNT(*) FROM registrations WHERE event_id = ?", (event_id,)
            )
            if row is not None and row[0] > 0:
                report.kept.append(f"event:{event_id}")
                continue
            await tx.execute("DELETE FROM events WHERE id = ?", (event_id,))
            report.removed.append(f"event:{event_id}")

    async def upcoming(
        self, catalogue: Catalogue, now: datetime, *, kind: str | None = None
    ) -> list[EventListing]:
        """Return scheduled events that have not started, soonest first, with their seats."""
        sql = (
            "SELECT e.id, "
            "  (SELECT COUNT(*) FROM registrations r "
            "   WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed, "
            "  (SELECT COUNT(*) FROM registrations r "
            "   WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlisted "
            "FROM events e WHERE e.status = 'scheduled' AND e.starts_at > ? "
        )
        params: list[Any] = [utc_text(now)]
        if kind is not None:
            sql += "AND e.kind = ? "
            params.append(kind)
        sql += "ORDER BY e.starts_at, e.id"
        rows = await self._db.fetch_all(sql, tuple(params))
        return self._listings(catalogue, rows)

    async def listing(self, catalogue: Catalogue, event_id: str) -> EventListing | None:
        """Return one scheduled event with its seats, if it exists."""
        rows = await self._db.fetch_all(
            "SELECT e.id, "
            "  (SELECT COUNT(*) FROM registrations r "
            "   WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed, "
            "  (SELECT COUNT(*) FROM registrations r "
            "   WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlisted "
            "FROM events e WHERE e.id = ? AND e.status = 'scheduled'",
            (event_id,),
        )
        listings = self._listings(catalogue, rows)
        return listings[0] if listings else None

    @staticmethod
    def _listings(catalogue: Catalogue, rows: list[Any]) -> list[EventListing]:
        listings = []
        for row in rows:
            event = catalogue.event(row["id"])
            if event is not None:
                listings.append(EventListing(event, row["confirmed"], row["waitlisted"]))
        return listings


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report
