"""Numbered SQLite migrations: a store written before they existed upgrades without loss; each runs in order,
in one transaction; a newer store is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pvwatch.errors import StorageError
from pvwatch.storage.base import ItemQuery
from pvwatch.storage.sqlite import SqliteStore
from pvwatch.storage.sqlite_db import migrate, schema_version, statements
from pvwatch.storage.sqlite_migrations import MIGRATIONS, Migration

FIXTURE = Path(__file__).parent / "fixtures" / "sqlite_v0.sql"
TABLES = ("items", "items_fts", "checkpoints", "audit", "cases", "kv")


def _old_store(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    return path


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def _schema(path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return {(r[0], r[1]) for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    finally:
        conn.close()


def test_store_written_before_migrations_upgrades_without_loss(tmp_path: Path) -> None:
    path = _old_store(tmp_path / "old.db")
    before = _rows(path)
    assert sum(len(v) for v in before.values()) == 11
    store = SqliteStore(path)
    try:
        assert schema_version(store.db.conn) == len(MIGRATIONS)
        # every row as it was, and the store reads them back through its repositories
        assert _rows(path) == before
        item = store.items.get("reddit:t1_abc")
        assert item is not None and item.day_zero is not None and item.analysis.personal_data[0].type == "EMAIL"
        assert store.items.get("demo:d3").status == "confirmed"  # type: ignore[union-attr]
        assert store.items.query(ItemQuery(text="vertiges")).total == 1  # the full-text index came along
        assert store.checkpoints.get("reddit_main").cursor == {"after": "t1_abc"}
        assert store.cases.get("PV-2026-0001") is not None
        assert store.kv.get("user", "pv") is not None
        ok, message = store.audit.verify()
        assert ok, message
    finally:
        store.close()
    # the upgraded schema is the one a new store gets
    fresh = SqliteStore(tmp_path / "new.db")
    fresh.close()
    assert _schema(path) == _schema(tmp_path / "new.db")


def test_migrations_run_in_order_once_each_in_one_transaction(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    good = Migration(1, "a", "CREATE TABLE a (x INTEGER);")
    broken = Migration(2, "b", "CREATE TABLE b (x INTEGER);\nINSERT INTO missing VALUES (1);")
    assert migrate(conn, [good]) == [1]
    assert migrate(conn, [good]) == []  # already applied: nothing runs again
    with pytest.raises(StorageError, match=r"0002_b failed.*unchanged at version 1"):
        migrate(conn, [good, broken])
    # the failed migration left nothing behind: no table b, still at version 1
    assert schema_version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'b'").fetchone() is None
    third = Migration(3, "c", "CREATE TABLE c (x INTEGER);")
    with pytest.raises(StorageError, match="numbered 1, 2, 3"):
        migrate(conn, [good, third])
    conn.close()


def test_store_from_a_newer_pvwatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StorageError, match="newer than this pvwatch"):
        SqliteStore(path)


def test_statements_split_on_semicolons_outside_comments_and_strings() -> None:
    script = "-- a; b\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\nCREATE INDEX i ON t (x);\n"
    assert statements(script) == ["-- a; b\nCREATE TABLE t (x TEXT DEFAULT 'a;b');", "CREATE INDEX i ON t (x);"]
    with pytest.raises(StorageError, match="unterminated"):
        statements("CREATE TABLE t (x")
