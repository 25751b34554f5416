"""The SQLite connection every repository of the store shares: one connection, one lock, nested transactions.

Opening it brings the schema up to date (storage/sqlite_migrations.py): migrations not yet applied run in order,
each in its own transaction. A database written by a newer pvwatch is refused rather than misread.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from pvwatch.errors import StorageError, StoreUnavailable
from pvwatch.storage import sqlite_days
from pvwatch.storage.sqlite_migrations import MIGRATIONS, Migration


def storage_error(exc: sqlite3.Error, path: str | Path) -> StorageError:
    """An SQLite failure as an error that says how to fix it. Full disk, read-only file, lock and I/O errors
    are `StoreUnavailable`: nothing was written, retrying later works, the data is not at fault."""
    text = str(exc)
    low = text.lower()
    if "disk is full" in low or "disk i/o" in low:
        fix = (f"the disk holding {path} is full or failing (nothing was written); free space there "
               "(`df -h`), pvwatch retries by itself")
    elif ("readonly" in low or "read-only" in low or "attempt to write" in low
          or ("unable to open" in low and not os.access(Path(path).parent, os.W_OK))):
        fix = (f"{path} or its folder is read-only; give the pvwatch user write access to both (SQLite also "
               "writes -wal and -shm files beside it), or point [storage] path elsewhere")
    elif "unable to open" in low:
        fix = f"cannot open {path}; check that [storage] path names a writable folder that exists"
    elif "locked" in low or "busy" in low:
        fix = f"{path} is locked by another process for too long; stop it or retry"
    elif "malformed" in low or "not a database" in low:
        return StorageError(f"SQLite store: {text}; {path} is damaged or not a pvwatch store; restore it from a "
                            "backup (docs/operations.md)")
    else:
        return StorageError(f"SQLite store: {text}; check {path} and [storage] in config.toml")
    return StoreUnavailable(f"SQLite store: {text}; {fix}")


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
        self.path = path
        try:
            self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise storage_error(exc, path) from exc
        self.lock = threading.RLock()
        self.depth = 0  # open transactions of the thread holding `lock`: inner ones join the outer one
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            sqlite_days.install(self.conn)
            migrate(self.conn, migrations)
        except sqlite3.Error as exc:
            self.conn.close()
            raise storage_error(exc, path) from exc
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
            except sqlite3.Error as exc:
                self.db.lock.release()
                raise storage_error(exc, self.db.path) from exc
            except BaseException:
                self.db.lock.release()
                raise
        self.db.depth += 1
        return self.db.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self.db.depth -= 1
            if self.db.depth == 0:
                if exc_type is None:
                    try:
                        self.db.conn.execute("COMMIT")
                    except sqlite3.Error as err:  # e.g. the disk filled up at commit: nothing was written
                        with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                            self.db.conn.execute("ROLLBACK")
                        raise storage_error(err, self.db.path) from err
                else:
                    with contextlib.suppress(sqlite3.Error):  # the original error matters; SQLite may have
                        self.db.conn.execute("ROLLBACK")      # rolled back already (SQLITE_FULL)
        finally:
            self.db.lock.release()
        if isinstance(exc, sqlite3.Error):
            raise storage_error(exc, self.db.path) from exc
