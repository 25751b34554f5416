"""SQLite store: the embedded default. One file, WAL, zero set-up.

Documents are kept as JSON beside the indexed columns the queue filters and sorts on.
One connection guarded by a lock: the UI's threads and the pipeline share it safely.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pvwatch.errors import ConflictError, StorageError
from pvwatch.models import FlagType, Item, utcnow
from pvwatch.sanitize import clean_token
from pvwatch.storage import sqlite_days
from pvwatch.storage.base import ItemQuery, ItemRepository, Page, QueueOrder, Store, checked, merge_replay
from pvwatch.storage.sqlite_db import SqliteDb, Transaction
from pvwatch.storage.sqlite_records import SqliteAudit, SqliteCases, SqliteCheckpoints, SqliteKV


def _item_row(item: Item) -> dict[str, Any]:
    sort = item.day_zero or item.post.collected_at
    return {
        "key": item.key,
        "platform": item.post.platform,
        "lang": item.analysis.lang or item.post.lang,
        "status": item.status.value,
        "priority": item.priority,
        "f_ae": int(FlagType.adverse_event in item.flags),
        "f_ss": int(FlagType.special_situation in item.flags),
        "f_pd": int(FlagType.personal_data in item.flags),
        "products": "|" + "|".join(p.lower() for p in item.analysis.products) + "|",
        "assignee": item.assignee,
        "author": item.post.author,
        "sort_ts": sort.isoformat(),
        "collected_at": item.post.collected_at.isoformat(),
        "version": item.version,
        "doc": item.model_dump_json(),
    }


_FLAG_COL = {"adverse_event": "f_ae", "special_situation": "f_ss", "personal_data": "f_pd"}
# Allow-listed ORDER BY clauses (never built from user input); rowid last for a stable order.
_ORDER = {
    QueueOrder.priority: "priority DESC, sort_ts ASC",
    QueueOrder.oldest: "sort_ts ASC",
    QueueOrder.newest: "sort_ts DESC",
    QueueOrder.platform: "platform ASC, priority DESC, sort_ts ASC",
    QueueOrder.status: "status ASC, priority DESC, sort_ts ASC",
}
# The day a post counts for on the dashboard: when it was posted (collection time if the platform gave none),
# or its day zero (the adverse event's clock; collection time for the others).
_TIME_OF = {"posted": "coalesce(json_extract(doc, '$.post.created_at'), collected_at)", "day_zero": "sort_ts"}
_POSTED = "datetime(" + _TIME_OF["posted"] + ")"  # normalised: the doc writes Z, the range +00:00


class SqliteItems(ItemRepository):
    def __init__(self, db: SqliteDb) -> None:
        self.db = db

    def upsert(self, item: Item) -> bool:
        item = checked(item)
        with self.db.tx() as c:
            row = c.execute("SELECT doc FROM items WHERE key=?", (item.key,)).fetchone()
            if row is None:
                item = item.model_copy(update={"version": 1})
                r = _item_row(item)
                c.execute(
                    f"INSERT INTO items ({','.join(r)}) VALUES ({','.join('?' * len(r))})", tuple(r.values())
                )
                c.execute("INSERT INTO items_fts (key, text) VALUES (?, ?)", (item.key, item.post.text))
                return True
            old = Item.model_validate_json(row[0])
            merged = merge_replay(old, item)
            if merged is not None:
                self._write(c, merged)
            return False

    def _write(self, c: sqlite3.Connection, item: Item) -> None:
        r = _item_row(item)
        sets = ",".join(f"{k}=?" for k in r if k != "key")
        c.execute(f"UPDATE items SET {sets} WHERE key=?", (*[v for k, v in r.items() if k != "key"], item.key))
        c.execute("UPDATE items_fts SET text=? WHERE key=?", (item.post.text, item.key))

    def get(self, key: str) -> Item | None:
        with self.db.lock:
            row = self.db.conn.execute("SELECT doc FROM items WHERE key=?", (key,)).fetchone()
        return Item.model_validate_json(row[0]) if row else None

    def update(self, item: Item) -> Item:
        item = checked(item)
        with self.db.tx() as c:
            row = c.execute("SELECT version FROM items WHERE key=?", (item.key,)).fetchone()
            if row is None:
                raise ConflictError(f"item {item.key} no longer exists; reload the queue")
            if row[0] != item.version:
                raise ConflictError(f"item {item.key} was changed by someone else; reload it and redo the action")
            saved = item.model_copy(update={"version": item.version + 1, "updated_at": utcnow()})
            self._write(c, saved)
            return saved

    def _where(self, q: ItemQuery) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if q.flag:
            col = _FLAG_COL.get(q.flag)
            if col is None:
                raise StorageError(f"unknown flag filter {q.flag!r}; use one of {sorted(_FLAG_COL)}")
            clauses.append(f"{col}=1")
        if q.product:
            clauses.append("products LIKE ?")
            args.append(f"%|{q.product.lower()}|%")
        for col, val in (("platform", q.platform), ("lang", q.lang), ("status", q.status),
                         ("assignee", q.assignee), ("author", q.author)):
            if val:
                clauses.append(f"{col}=?")
                args.append(val)
        if q.posted_from:
            clauses.append(f"{_POSTED} >= datetime(?)")
            args.append(q.posted_from.isoformat())
        if q.posted_until:
            clauses.append(f"{_POSTED} < datetime(?)")
            args.append(q.posted_until.isoformat())
        if q.thread_id:
            clauses.append("json_extract(doc, '$.post.thread_id')=?")
            args.append(q.thread_id)
        if q.statuses:
            clauses.append(f"status IN ({','.join('?' * len(q.statuses))})")
            args.extend(q.statuses)
        if q.older_than:
            clauses.append("sort_ts < ?")
            args.append(q.older_than.isoformat())
        if q.newer_than:
            clauses.append("sort_ts >= ?")
            args.append(q.newer_than.isoformat())
        if q.text:
            clauses.append("key IN (SELECT key FROM items_fts WHERE items_fts MATCH ?)")
            # Quote every term: user input must never be FTS5 syntax.
            terms = [t.replace('"', '""') for t in clean_token(q.text).split()[:20]]
            args.append(" ".join(f'"{t}"' for t in terms) or '""')
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def query(self, q: ItemQuery) -> Page:
        where, args = self._where(q)
        limit = max(0, min(q.limit, 1000))
        order = _ORDER[QueueOrder(q.order)]
        with self.db.lock:
            total = self.db.conn.execute(f"SELECT COUNT(*) FROM items{where}", args).fetchone()[0]
            # Page the rowids on the (covering) index first, then read only those docs: OFFSET skips index
            # entries instead of whole documents.
            rows = self.db.conn.execute(
                f"SELECT doc FROM items WHERE rowid IN (SELECT rowid FROM items{where} "
                f"ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}, rowid",
                (*args, limit, max(0, q.offset)),
            ).fetchall()
        return Page([Item.model_validate_json(r[0]) for r in rows], total)

    def delete(self, key: str) -> None:
        with self.db.tx() as c:
            c.execute("DELETE FROM items WHERE key=?", (key,))
            c.execute("DELETE FROM items_fts WHERE key=?", (key,))

    def iter_all(self) -> Iterator[Item]:
        last = ""
        while True:  # keyset pagination: no lock held while the caller works
            with self.db.lock:
                rows = self.db.conn.execute(
                    "SELECT key, doc FROM items WHERE key > ? ORDER BY key LIMIT 500", (last,)
                ).fetchall()
            if not rows:
                return
            for key, doc in rows:
                yield Item.model_validate_json(doc)
                last = key

    def count(self) -> int:
        with self.db.lock:
            return int(self.db.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])

    def facets(self, q: ItemQuery, field: str) -> dict[str, int]:
        col = {"platform": "platform", "lang": "lang", "status": "status"}.get(field)
        clear: dict[str, Any] = {"status": None, "statuses": None} if field == "status" else {field: None}
        narrowed = dataclasses.replace(q, **clear)
        where, args = self._where(narrowed)
        with self.db.lock:
            if field == "flag":
                row = self.db.conn.execute(
                    f"SELECT {', '.join(f'COALESCE(SUM({c}), 0)' for c in _FLAG_COL.values())} FROM items{where}",
                    args).fetchone()
                return dict(zip(_FLAG_COL, (int(n) for n in row), strict=True))
            if col is None:
                raise StorageError(f"no facet {field!r}; use flag, platform, lang or status")
            rows = self.db.conn.execute(
                f"SELECT COALESCE({col}, ''), COUNT(*) FROM items{where} GROUP BY 1 ORDER BY 2 DESC LIMIT 100",
                args).fetchall()
        return {str(v): int(n) for v, n in rows}

    def counts_by_day(self, days: int = 30, basis: str = "posted", tz: str = "UTC") -> list[dict[str, Any]]:
        time_of = _TIME_OF.get(basis)
        if time_of is None:
            raise StorageError(f"unknown dashboard basis {basis!r}; use one of {sorted(_TIME_OF)}")
        ZoneInfo(tz)  # an unknown zone fails here, with its name, not inside the SQL function
        # Each timestamp with its own offset (DST-correct, pvwatch.storage.sqlite_days); the window starts at UTC
        # midnight `days` ago, as on Elasticsearch.
        day_of = f"{sqlite_days.FUNCTION}({time_of}, ?)"
        since = (utcnow() - timedelta(days=days)).strftime("%Y-%m-%d")
        out: list[dict[str, Any]] = []
        with self.db.lock:
            for flag, col in _FLAG_COL.items():
                rows = self.db.conn.execute(
                    f"SELECT {day_of} d, products, COUNT(*) FROM items "
                    f"WHERE {col}=1 AND datetime({time_of}) >= ? GROUP BY d, products",
                    (tz, since),
                ).fetchall()
                for day, products, n in rows:
                    names = [p for p in products.split("|") if p] or ["(none)"]
                    for p in names:
                        out.append({"day": day, "flag": flag, "product": p, "n": n})
        return out


class SqliteStore(Store):
    atomic = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = SqliteDb(path)
        self.items = SqliteItems(self.db)
        self.checkpoints = SqliteCheckpoints(self.db)
        self.audit = SqliteAudit(self.db)
        self.cases = SqliteCases(self.db)
        self.kv = SqliteKV(self.db)

    def transaction(self) -> Transaction:
        """One SQLite transaction around every repository write made inside it (same thread)."""
        return self.db.tx()

    def close(self) -> None:
        with self.db.lock:
            self.db.conn.close()
