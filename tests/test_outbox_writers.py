"""The outbox has one writer: storage/outbox.py.

Every feature queues, cancels and forgets its messages through that module's helpers, which
alone know the table's columns, its dedupe keys and how a row is scheduled. A new module that
writes the table with its own SQL fails here, with where it did so.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THE_WRITER = ROOT / "storage" / "outbox.py"
# Where the product's code lives; tests and benchmarks may set up rows as they need.
PACKAGES = ("bot", "handlers", "storage")
# A statement that changes the table: insert or replace into it, update it, delete from it.
_WRITES = re.compile(
    r"\b(?:(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r"\s+outbox\b",
    re.IGNORECASE,
)


def _sql_texts(source: str) -> list[tuple[int, str]]:
    """Return each string in the source with its line, adjacent literals and f-strings joined
    (a statement split over lines or built around a placeholder is read whole)."""
    texts: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            parts = [
                part.value
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
                else "{}"
                for part in node.values
            ]
            texts.append((node.lineno, "".join(parts)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append((node.lineno, node.value))
    return texts


def writes_to_outbox(source: str) -> list[int]:
    """Return the lines where the source holds a statement that writes the outbox table."""
    return sorted({line for line, text in _sql_texts(source) if _WRITES.search(text)})


@pytest.mark.parametrize(
    "source",
    [
        'SQL = "INSERT INTO outbox (kind) VALUES (?)"',
        'SQL = ("INSERT OR IGNORE INTO " "outbox (kind) VALUES (?)")',
        "SQL = f\"UPDATE outbox SET status = '{STATUS}' WHERE id = ?\"",
        'SQL = (\n    "DELETE "\n    "FROM outbox WHERE person_id = ?"\n)',
        'SQL = "replace into outbox (id) values (1)"',
    ],
)
def test_a_statement_writing_the_outbox_is_found_however_it_is_spelt(source: str) -> None:
    assert len(writes_to_outbox(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        'SQL = "SELECT COUNT(*) FROM outbox WHERE status = ?"',
        'SQL = "DELETE FROM outbox_of_broadcasts"',
        'SQL = "UPDATE people SET outbox = 1"',
        '"""The outbox: where a message waits."""',
    ],
)
def test_reading_the_outbox_or_naming_it_is_no_write(source: str) -> None:
    assert writes_to_outbox(source) == []


def test_only_storage_outbox_writes_the_outbox_table() -> None:
    """Every other module queues through storage/outbox.py's helpers, in its own transaction."""
    writers = {
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != THE_WRITER
        for line in writes_to_outbox(path.read_text(encoding="utf-8"))
    }
    assert not writers, (
        "these write the outbox table with their own SQL; queue (or cancel, forget) through "
        f"a helper of storage/outbox.py instead: {sorted(writers)}"
    )


def test_storage_outbox_is_where_the_writes_are() -> None:
    """The scan reads the real writer: it finds its inserts, updates and deletes."""
    source = THE_WRITER.read_text(encoding="utf-8")
    statements = {
        match.group(0).split()[0].upper()
        for _, text in _sql_texts(source)
        for match in [_WRITES.search(text)]
        if match is not None
    }
    assert statements == {"INSERT", "UPDATE", "DELETE"}
