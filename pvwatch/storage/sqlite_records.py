"""SQLite checkpoints, audit chain, cases and key-value documents (the items live in sqlite.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pvwatch.errors import ConflictError, StorageError
from pvwatch.models import AuditRecord, Case
from pvwatch.storage.audit_chain import HEAD_ID, HEAD_KIND, RawAudit, next_head
from pvwatch.storage.base import (
    AuditRepository,
    CaseRepository,
    Checkpoint,
    CheckpointRepository,
    KeyValueRepository,
    checked,
)
from pvwatch.storage.sqlite_db import SqliteDb


class SqliteCheckpoints(CheckpointRepository):
    def __init__(self, db: SqliteDb) -> None:
        self.db = db

    def get(self, source: str) -> Checkpoint:
        with self.db.lock:
            row = self.db.conn.execute("SELECT doc FROM checkpoints WHERE source=?", (source,)).fetchone()
        if not row:
            return Checkpoint(source=source)
        # JSON documents: a checkpoint written before a field existed loads with its default (no migration).
        return Checkpoint.from_doc(json.loads(row[0]))

    def save(self, cp: Checkpoint) -> None:
        with self.db.tx() as c:
            c.execute("INSERT OR REPLACE INTO checkpoints (source, doc) VALUES (?, ?)",
                      (cp.source, json.dumps(cp.to_doc())))

    def all(self) -> list[Checkpoint]:
        with self.db.lock:
            names = [r[0] for r in self.db.conn.execute("SELECT source FROM checkpoints ORDER BY source")]
        return [self.get(n) for n in names]


class SqliteAudit(AuditRepository):
    def __init__(self, db: SqliteDb) -> None:
        self.db = db

    def append(self, rec: AuditRecord) -> AuditRecord:
        key = self.key
        with self.db.tx() as c:
            row = c.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (row[0] + 1, row[1]) if row else (1, "")
            rec = key.seal(rec.model_copy(update={"seq": seq, "prev_hash": prev}))
            c.execute(
                "INSERT INTO audit (seq, entity_id, doc, hash) VALUES (?, ?, ?, ?)",
                (seq, rec.entity_id, rec.model_dump_json(), rec.hash),
            )
            # The head moves in the same transaction, in another table: deleting or forging rows shows.
            head = self._head(c)
            c.execute("INSERT OR REPLACE INTO kv (kind, id, version, doc) VALUES (?, ?, 1, ?)",
                      (HEAD_KIND, HEAD_ID, json.dumps(next_head(key, head, rec))))
            return rec

    @staticmethod
    def _head(c: sqlite3.Connection) -> dict[str, Any] | None:
        row = c.execute("SELECT doc FROM kv WHERE kind=? AND id=?", (HEAD_KIND, HEAD_ID)).fetchone()
        if row is None:
            return None
        try:
            doc = json.loads(row[0])
        except ValueError:
            return {"mac": ""}  # damaged: reported as a forged head
        return doc if isinstance(doc, dict) else {"mac": ""}

    def head(self) -> dict[str, Any] | None:
        with self.db.lock:
            return self._head(self.db.conn)

    def store_has_data(self) -> bool:
        with self.db.lock:
            c = self.db.conn
            # Cases and users are never created without an audit record (items can be: a bare import).
            return bool(c.execute("SELECT 1 FROM cases LIMIT 1").fetchone()
                        or c.execute("SELECT 1 FROM kv WHERE kind = 'user' LIMIT 1").fetchone())

    def raw_rows(self) -> Iterator[RawAudit]:
        last = 0
        while True:
            with self.db.lock:
                rows = self.db.conn.execute(
                    "SELECT seq, entity_id, doc, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT 1000", (last,)
                ).fetchall()
            if not rows:
                return
            for seq, entity_id, doc, hash in rows:
                last = seq
                yield RawAudit(seq=int(seq), doc=str(doc), entity_id=str(entity_id), hash=str(hash))

    def iter(self, entity_id: str | None = None) -> Iterator[AuditRecord]:
        last = 0
        while True:
            with self.db.lock:
                if entity_id is None:
                    rows = self.db.conn.execute(
                        "SELECT seq, doc FROM audit WHERE seq > ? ORDER BY seq LIMIT 1000", (last,)
                    ).fetchall()
                else:
                    rows = self.db.conn.execute(
                        "SELECT seq, doc FROM audit WHERE seq > ? AND entity_id=? ORDER BY seq LIMIT 1000",
                        (last, entity_id),
                    ).fetchall()
            if not rows:
                return
            for seq, doc in rows:
                last = seq
                yield AuditRecord.model_validate_json(doc)


class SqliteCases(CaseRepository):
    def __init__(self, db: SqliteDb) -> None:
        self.db = db

    def create(self, case: Case) -> Case:
        case = checked(case.model_copy(update={"version": 1}))
        with self.db.tx() as c:
            if c.execute("SELECT 1 FROM cases WHERE id=?", (case.id,)).fetchone():
                raise ConflictError(f"case {case.id} already exists")
            c.execute(
                "INSERT INTO cases (id, status, due_at, version, doc) VALUES (?,?,?,?,?)",
                (case.id, case.status.value, case.due_at.isoformat(), 1, case.model_dump_json()),
            )
        return case

    def get(self, case_id: str) -> Case | None:
        with self.db.lock:
            row = self.db.conn.execute("SELECT doc FROM cases WHERE id=?", (case_id,)).fetchone()
        return Case.model_validate_json(row[0]) if row else None

    def update(self, case: Case) -> Case:
        case = checked(case)
        with self.db.tx() as c:
            row = c.execute("SELECT version FROM cases WHERE id=?", (case.id,)).fetchone()
            if row is None or row[0] != case.version:
                raise ConflictError(f"case {case.id} was changed by someone else; reload it and redo the action")
            saved = case.model_copy(update={"version": case.version + 1})
            c.execute(
                "UPDATE cases SET status=?, due_at=?, version=?, doc=? WHERE id=?",
                (saved.status.value, saved.due_at.isoformat(), saved.version, saved.model_dump_json(), saved.id),
            )
        return saved

    def list(self, status: str | None = None, due_before: datetime | None = None) -> list[Case]:
        sql, args = "SELECT doc FROM cases WHERE 1=1", []
        if status:
            sql += " AND status=?"
            args.append(status)
        if due_before:
            sql += " AND due_at < ?"
            args.append(due_before.isoformat())
        with self.db.lock:
            rows = self.db.conn.execute(sql + " ORDER BY due_at", args).fetchall()
        return [Case.model_validate_json(r[0]) for r in rows]


class SqliteKV(KeyValueRepository):
    def __init__(self, db: SqliteDb) -> None:
        self.db = db

    def get(self, kind: str, id: str) -> tuple[dict[str, Any], int] | None:
        with self.db.lock:
            row = self.db.conn.execute("SELECT doc, version FROM kv WHERE kind=? AND id=?", (kind, id)).fetchone()
        return (json.loads(row[0]), int(row[1])) if row else None

    def put(self, kind: str, id: str, doc: dict[str, Any], expected_version: int | None = None) -> int:
        with self.db.tx() as c:
            row = c.execute("SELECT version FROM kv WHERE kind=? AND id=?", (kind, id)).fetchone()
            current = int(row[0]) if row else 0
            if expected_version is not None and expected_version != current:
                raise ConflictError(
                    f"{kind}/{id} changed concurrently (expected v{expected_version}, found v{current}); "
                    "reload and retry"
                )
            c.execute(
                "INSERT OR REPLACE INTO kv (kind, id, version, doc) VALUES (?,?,?,?)",
                (kind, id, current + 1, json.dumps(doc, default=str)),
            )
            return current + 1

    def delete(self, kind: str, id: str) -> None:
        with self.db.tx() as c:
            c.execute("DELETE FROM kv WHERE kind=? AND id=?", (kind, id))

    def delete_where(self, kind: str, where: dict[str, Any]) -> int:
        sql, args = self._filter(kind, where)
        with self.db.tx() as c:
            return int(c.execute("DELETE" + sql, args).rowcount)

    @staticmethod
    def _filter(kind: str, where: dict[str, Any] | None) -> tuple[str, list[Any]]:
        sql, args = " FROM kv WHERE kind=?", [kind]
        for k, v in (where or {}).items():
            if not k.isidentifier():
                raise StorageError(f"invalid field name {k!r} in kv filter")
            sql += f" AND json_extract(doc, '$.{k}') IS ?"
            args.append(v)
        return sql, args

    def count(self, kind: str, where: dict[str, Any] | None = None) -> int:
        sql, args = self._filter(kind, where)
        with self.db.lock:
            return int(self.db.conn.execute("SELECT COUNT(*)" + sql, args).fetchone()[0])

    def list(self, kind: str, where: dict[str, Any] | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        sql, args = self._filter(kind, where)
        sql = "SELECT doc" + sql
        with self.db.lock:
            rows = self.db.conn.execute(sql + " ORDER BY id LIMIT ?", (*args, limit)).fetchall()
        return [json.loads(r[0]) for r in rows]
