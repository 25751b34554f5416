"""The SQLite connection every repository of the store shares: one connection, one lock, nested transactions.

Opening it brings the schema up to date (storage/sqlite_migrations.py): migrations not yet applied run in order,
each in its own transaction. A database written by a newer pvwatch is refused rather than misread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from pvwatch.errors import StorageError
from pvwatch.storage.sqlite_migrations import MIGRATIONS, Migration


def statements(script: str) -> list[str]:
    """Split a script into statements (a ';' inside a comment or a string does not end one)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip() and not all(ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()):
        raise StorageError(f"unterminated SQL statement in a migration: {buf.strip()[:80]!r}")
    return out


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations newer than the database, in order, one transaction each; returns those applied.
    `conn` must be in autocommit mode (isolation_level=None): the transactions here are explicit."""
    numbers = [m.number for m in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise StorageError(f"migrations must be numbered 1, 2, 3... in order; got {numbers}")
    current = schema_version(conn)
    if current > len(migrations):
        raise StorageError(f"this SQLite store is at schema version {current}, newer than this pvwatch knows "
                           f"({len(migrations)}); upgrade pvwatch, or open a backup written by this version")
    applied: list[int] = []
    for m in migrations[current:]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in statements(m.sql):
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {m.number:d}")
        except BaseException as exc:
            conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StorageError(f"migration {m.number:04d}_{m.name} failed: {exc}; the store is unchanged "
                                   f"at version {m.number - 1}") from exc
            raise
        conn.execute("COMMIT")
        applied.append(m.number)
    return applied


class SqliteDb:
    def __init__(self, path: str | Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        try:
            self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open SQLite store {path}: {exc}; check the path in [storage] path") from exc
        self.lock = threading.RLock()
        self.depth = 0  # open transactions of the thread holding `lock`: inner ones join the outer one
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        try:
            migrate(self.conn, migrations)
        except BaseException:
            self.conn.close()
            raise

    def tx(self) -> Transaction:
        return Transaction(self)


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT under the process lock (also serialises other processes via SQLite).

    Nested use joins the outermost transaction, so `store.transaction()` can group repository writes; an
    exception anywhere inside rolls the whole group back."""

    def __init__(self, db: SqliteDb) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.lock.acquire()
        if self.db.depth == 0:
            try:
                self.db.conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.db.lock.release()
                raise
        self.db.depth += 1
        return self.db.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            self.db.depth -= 1
            if self.db.depth == 0:
                self.db.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.db.lock.release()
