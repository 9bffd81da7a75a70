"""The one outbox: its kinds, and the migration that moved the two older outboxes into it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import storage.database
from bot.outbox.kinds import KINDS
from storage import outbox
from storage.catalogue import CatalogueRepository
from storage.content import bundled_content_path, load_catalogue
from storage.database import Database

MOMENT = "2027-01-10T09:00:00+00:00"


def test_every_kind_has_a_composer() -> None:
    assert set(KINDS) == set(outbox.KINDS)
    assert len(outbox.KINDS) == len(set(outbox.KINDS))


@pytest.fixture
async def database_before_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Database]:
    """Return a database as the assistant left it before the one outbox (migration 0008)."""
    every = storage.database._migrations()
    monkeypatch.setattr(storage.database, "_migrations", lambda: [m for m in every if m[0] <= 8])
    database = Database(tmp_path / "old.sqlite3")
    await database.open()
    await CatalogueRepository(database).import_catalogue(load_catalogue(bundled_content_path()))
    monkeypatch.setattr(storage.database, "_migrations", lambda: every)
    yield database
    await database.close()


async def test_the_migration_moves_both_outboxes_rows_into_one(
    database_before_outbox: Database,
) -> None:
    database = database_before_outbox
    [event] = await database.fetch_all("SELECT id FROM events ORDER BY starts_at LIMIT 1")
    async with database.transaction() as tx:
        for person_id in (1, 2):
            await tx.execute(
                "INSERT INTO people (id, first_seen_at, last_seen_at) VALUES (?, ?, ?)",
                (person_id, MOMENT, MOMENT),
            )
        await tx.execute(
            "INSERT INTO registrations (id, event_id, person_id, status, created_at, queued_at) "
            "VALUES (10, ?, 1, 'confirmed', ?, ?)",
            (event["id"], MOMENT, MOMENT),
        )
        await tx.execute(
            "INSERT INTO deliveries (kind, registration_id, person_id, event_id, offset_seconds, "
            "due_at, status, attempts, interrupted, created_at) VALUES "
            "('reminder', 10, 1, ?, 3600, ?, 'sending', 1, 1, ?), "
            "('survey', 10, 1, ?, NULL, ?, 'pending', 0, 0, ?)",
            (event["id"], MOMENT, MOMENT, event["id"], MOMENT, MOMENT),
        )
        await tx.execute(
            "INSERT INTO broadcasts (id, staff_id, main_language, text_tr, audience, status, "
            "created_at, started_at, recipients) "
            "VALUES (5, 700001, 'tr', 'Duyuru', '{\"kind\": \"all\"}', 'sending', ?, ?, 2)",
            (MOMENT, MOMENT),
        )
        await tx.execute(
            "INSERT INTO broadcast_recipients (broadcast_id, person_id, language, status, "
            "due_at, sent_at, message_id) VALUES "
            "(5, 1, 'tr', 'sent', ?, ?, 77), (5, 2, 'en', 'pending', ?, NULL, NULL)",
            (MOMENT, MOMENT, MOMENT),
        )

    await database.migrate()

    rows = await database.fetch_all(
        "SELECT kind, person_id, registration_id, broadcast_id, bulk, offset_seconds, language, "
        "status, attempts, interrupted, message_id FROM outbox ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        ("reminder", 1, 10, None, 0, 3600, None, "sending", 1, 1, None),
        ("survey", 1, 10, None, 0, None, None, "pending", 0, 0, None),
        ("broadcast", 1, None, 5, 1, None, "tr", "sent", 0, 0, 77),
        ("broadcast", 2, None, 5, 1, None, "en", "pending", 0, 0, None),
    ]
    tables = await database.fetch_all(
        "SELECT name FROM sqlite_master WHERE name IN ('deliveries', 'broadcast_recipients')"
    )
    assert tables == []
    # The moved rows go on under the one protocol: the interrupted reminder fails, once.
    recovery = await outbox.OutboxRepository(database).recover_interrupted()
    assert (recovery.retried, recovery.failed) == (0, 1)
