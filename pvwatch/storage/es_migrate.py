"""Copy an SQLite store into Elasticsearch, document for document (`pvwatch migrate`).

Everything keeps its identity: item and case versions, kv versions, and the audit records with their own
sequence numbers and hashes, so the chain verifies on the other side exactly as it did in SQLite.
Re-running is safe (documents are overwritten by id) as long as the destination's audit log is empty or was
written by a previous migration of the same file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pvwatch.errors import StorageError
from pvwatch.storage.elasticsearch import ElasticsearchStore
from pvwatch.storage.es_items import _doc
from pvwatch.storage.es_records import kv_id, kv_source
from pvwatch.storage.sqlite import SqliteStore

BATCH = 500


def _bulk(dst: ElasticsearchStore, index: str, docs: Iterable[tuple[str, dict[str, Any]]]) -> int:
    n = 0
    ops: list[dict[str, Any]] = []

    def flush() -> None:
        if not ops:
            return
        resp = dst.conn.call(dst.conn.es.bulk, index=dst.conn.index(index), operations=ops)
        if resp["errors"]:
            first = next(next(iter(i.values())) for i in resp["items"] if next(iter(i.values())).get("error"))
            raise StorageError(f"migration into {dst.conn.index(index)} failed: {first['error']}")
        ops.clear()

    for id, doc in docs:
        ops += [{"index": {"_id": id}}, doc]
        n += 1
        if len(ops) >= 2 * BATCH:
            flush()
    flush()
    dst.conn.wrote(index)
    return n


def migrate(src: SqliteStore, dst: ElasticsearchStore,
            progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every repository; returns how many documents each received. Verifies counts and the chain."""
    dst.conn.before_search("audit", force=True)
    existing = dst.conn.call(dst.conn.es.count, index=dst.conn.index("audit"),
                             query={"range": {"seq": {"gte": 1}}})["count"]
    src_audit = src.db.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    if existing and existing != src_audit:
        raise StorageError(f"{dst.conn.index('audit')} already holds {existing} audit records; migrate into an "
                           "empty prefix or pass --replace to drop this prefix's indexes first")
    counts: dict[str, int] = {}
    counts["items"] = _bulk(dst, "items", ((i.key, _doc(i)) for i in src.items.iter_all()))
    if progress:
        progress("items", counts["items"])
    counts["checkpoints"] = _bulk(dst, "checkpoints", ((cp.source, cp.to_doc()) for cp in src.checkpoints.all()))
    last: dict[str, Any] = {}

    def audit_docs() -> Iterable[tuple[str, dict[str, Any]]]:
        for rec in src.audit.iter():
            last.update(seq=rec.seq, hash=rec.hash)
            yield str(rec.seq), rec.model_dump(mode="json")

    counts["audit"] = _bulk(dst, "audit", audit_docs())
    if last:  # the keyed head moves with the chain (storage/audit_chain.py); a legacy chain stays unkeyed
        src_head = src.audit.head()
        keyed_from = int(src_head["keyed_from"]) if src_head else int(last["seq"]) + 1
        head = dst.audit.key.head(int(last["seq"]), str(last["hash"]), keyed_from)
        dst.conn.call(dst.conn.es.index, index=dst.conn.index("audit"), id="head",
                      document={"head_seq": head["seq"], "head_hash": head["hash"], "keyed_from": keyed_from,
                                "head_mac": head["mac"]})
    counts["cases"] = _bulk(dst, "cases", ((c.id, c.model_dump(mode="json")) for c in src.cases.list()))
    rows = src.db.conn.execute("SELECT kind, id, version, doc FROM kv WHERE kind != 'audit_head' "
                               "ORDER BY kind, id").fetchall()  # the head is the audit index's own document
    counts["kv"] = _bulk(dst, "kv", ((kv_id(k, i), kv_source(k, i, v, json.loads(d))) for k, i, v, d in rows))
    dst.conn.call(dst.conn.es.indices.refresh, index=dst.conn.index("*"))  # visible to every reader now
    _check(src, dst, counts)
    return counts


def _check(src: SqliteStore, dst: ElasticsearchStore, counts: dict[str, int]) -> None:
    if dst.items.count() != src.items.count():
        raise StorageError(f"after migration Elasticsearch has {dst.items.count()} items, SQLite "
                           f"{src.items.count()}; run `pvwatch migrate` again")
    ok, msg = dst.audit.verify()
    if not ok:
        raise StorageError(f"audit chain does not verify after migration: {msg}")
