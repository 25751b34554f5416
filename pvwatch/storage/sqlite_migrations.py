"""The SQLite store's schema as numbered migrations (sqlite-utils style), applied in order at open.

`PRAGMA user_version` holds the number of the last migration applied. Each migration runs in its own transaction
with the version bump, so a crash or a full disk leaves the database at the previous version, never half-way.
Append a migration to change the schema; never edit one that has shipped.

0001 is the schema as it stood before migrations existed, written with IF NOT EXISTS: a database created then
(user_version 0, every table present) adopts it without change (tests/test_storage_migrations.py).
"""

from __future__ import annotations

from typing import NamedTuple


class Migration(NamedTuple):
    number: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", """

CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    lang TEXT,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    f_ae INTEGER NOT NULL, f_ss INTEGER NOT NULL, f_pd INTEGER NOT NULL,
    products TEXT NOT NULL,
    assignee TEXT,
    author TEXT,
    sort_ts TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_queue ON items (priority DESC, sort_ts);
CREATE INDEX IF NOT EXISTS items_status_queue ON items (status, priority DESC, sort_ts);
CREATE INDEX IF NOT EXISTS items_collected ON items (collected_at);
CREATE INDEX IF NOT EXISTS items_author ON items (author);
CREATE INDEX IF NOT EXISTS items_thread ON items (json_extract(doc, '$.post.thread_id'));
-- Covering indexes for the review queue: filtered COUNT(*) and ordered pages read only the index, never the
-- large doc rows (100,000 items: 150 ms -> 15 ms per filtered count; docs/benchmarks.md "Review queue").
CREATE INDEX IF NOT EXISTS items_cover_status ON items
    (status, priority DESC, sort_ts, f_ae, f_ss, f_pd, platform, lang, products, assignee);
CREATE INDEX IF NOT EXISTS items_cover ON items
    (priority DESC, sort_ts, status, f_ae, f_ss, f_pd, platform, lang, products, assignee);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(key UNINDEXED, text);
CREATE TABLE IF NOT EXISTS checkpoints (source TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, entity_id TEXT NOT NULL, doc TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_entity ON audit (entity_id);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, due_at TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kv (
    kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id)
);
"""),
)
