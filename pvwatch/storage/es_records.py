"""Checkpoints, audit, cases and key-value documents in Elasticsearch, with SQLite's guarantees.

Audit appends are serialised across workers without locks: record N is written with op_type=create and
id=N, so exactly one writer gets each sequence number; a small "head" document (updated by compare-and-set on
if_seq_no/if_primary_term) says where the chain ends so appenders need no search. If a worker dies between
writing record N and moving the head, the next appender finds N taken and rolls the head forward.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pvwatch.errors import ConflictError, StorageError
from pvwatch.models import AuditRecord, Case
from pvwatch.storage.audit_chain import RawAudit
from pvwatch.storage.base import (
    AuditRepository,
    CaseRepository,
    Checkpoint,
    CheckpointRepository,
    KeyValueRepository,
    checked,
)
from pvwatch.storage.es_conn import EsConn
from pvwatch.storage.es_mappings import kv_term, kv_terms

_PAGE = 1000


def _scan(conn: EsConn, index: str, query: dict[str, Any], sort: list[Any],
          page: int = _PAGE) -> Iterator[dict[str, Any]]:
    """Every hit, in `sort` order (which must end on a unique field), by search_after pages."""
    after: list[Any] | None = None
    while True:
        kwargs: dict[str, Any] = {"search_after": after} if after else {}
        resp = conn.call(conn.es.search, index=conn.index(index), query=query, sort=sort, size=page, **kwargs)
        hits = resp["hits"]["hits"]
        if not hits:
            return
        yield from hits
        after = hits[-1]["sort"]


def _cas_write(conn: EsConn, index: str, id: str, doc: dict[str, Any], hit: dict[str, Any] | None) -> None:
    """Create when `hit` is None, else overwrite only if nobody wrote since `hit` was read."""
    if hit is None:
        conn.call(conn.es.index, index=conn.index(index), id=id, document=doc, op_type="create")
    else:
        conn.call(conn.es.index, index=conn.index(index), id=id, document=doc,
                  if_seq_no=hit["_seq_no"], if_primary_term=hit["_primary_term"])
    conn.wrote(index)


class EsCheckpoints(CheckpointRepository):
    def __init__(self, conn: EsConn) -> None:
        self.conn = conn

    # Only `source` is mapped: new checkpoint fields (last_error_at) need no mapping change, and documents
    # written by an older version load with the field's default.
    def get(self, source: str) -> Checkpoint:
        hit = self.conn.get("checkpoints", source)
        return Checkpoint.from_doc(hit["_source"]) if hit else Checkpoint(source=source)

    def save(self, cp: Checkpoint) -> None:
        self.conn.call(self.conn.es.index, index=self.conn.index("checkpoints"), id=cp.source,
                       document=cp.to_doc())
        self.conn.wrote("checkpoints")

    def all(self) -> list[Checkpoint]:
        self.conn.before_search("checkpoints")
        hits = _scan(self.conn, "checkpoints", {"match_all": {}}, [{"source": "asc"}])
        return [Checkpoint.from_doc(h["_source"]) for h in hits]


class EsAudit(AuditRepository):
    HEAD = "head"

    def __init__(self, conn: EsConn) -> None:
        self.conn = conn

    def _move_head(self, head: dict[str, Any] | None, seq: int, hash: str) -> None:
        src = head["_source"] if head else {}
        # A chain written before keyed records starts its keyed part here (audit_chain.next_head).
        keyed = self.key.head(seq, hash, int(src.get("keyed_from") or seq))
        doc = {"head_seq": seq, "head_hash": hash, "keyed_from": keyed["keyed_from"], "head_mac": keyed["mac"]}
        with contextlib.suppress(ConflictError):  # another appender moved it already; heads only move forward
            _cas_write(self.conn, "audit", self.HEAD, doc, head)

    def head(self) -> dict[str, Any] | None:
        hit = self.conn.get("audit", self.HEAD)
        if hit is None:
            return None
        src = hit["_source"]
        return {"seq": src.get("head_seq"), "hash": src.get("head_hash"), "keyed_from": src.get("keyed_from"),
                "mac": src.get("head_mac", "")}

    def store_has_data(self) -> bool:
        for index in ("cases",):  # never created without an audit record (items can be: a bare import)
            self.conn.before_search(index)
            resp = self.conn.call(self.conn.es.search, index=self.conn.index(index), size=0,
                                  query={"match_all": {}}, track_total_hits=1)
            if resp["hits"]["total"]["value"]:
                return True
        return False

    def append(self, rec: AuditRecord) -> AuditRecord:
        for _ in range(200):
            head = self.conn.get("audit", self.HEAD)
            last = head["_source"]["head_seq"] if head else 0
            prev = head["_source"]["head_hash"] if head else ""
            new = self.key.seal(rec.model_copy(update={"seq": last + 1, "prev_hash": prev}))
            try:
                self.conn.call(self.conn.es.index, index=self.conn.index("audit"), id=str(new.seq),
                               document=new.model_dump(mode="json"), op_type="create")
            except ConflictError:
                taken = self.conn.get("audit", str(new.seq))
                if taken is not None:
                    self._move_head(head, new.seq, taken["_source"]["hash"])
                continue
            self.conn.wrote("audit")
            self._move_head(head, new.seq, new.hash)
            return new
        raise ConflictError("audit log too contended: could not append after 200 tries; retry the action")

    def raw_rows(self) -> Iterator[RawAudit]:
        """Documents as stored (a damaged one is reported by verify, not raised), with the document id."""
        self.conn.before_search("audit", force=True)
        for h in _scan(self.conn, "audit", {"bool": {"filter": [{"range": {"seq": {"gte": 1}}}]}}, [{"seq": "asc"}]):
            seq = int(h["_id"]) if str(h["_id"]).isdigit() else 0
            yield RawAudit(seq=seq, doc=h["_source"])

    def iter(self, entity_id: str | None = None) -> Iterator[AuditRecord]:
        # Always refresh: other workers' appends must be visible to verify() and histories.
        self.conn.before_search("audit", force=True)
        filters: list[dict[str, Any]] = [{"range": {"seq": {"gte": 1}}}]
        if entity_id is not None:
            filters.append({"term": {"entity_id": entity_id}})
        for h in _scan(self.conn, "audit", {"bool": {"filter": filters}}, [{"seq": "asc"}]):
            yield AuditRecord.model_validate(h["_source"])


class EsCases(CaseRepository):
    def __init__(self, conn: EsConn) -> None:
        self.conn = conn

    def create(self, case: Case) -> Case:
        case = checked(case.model_copy(update={"version": 1}))
        try:
            _cas_write(self.conn, "cases", case.id, case.model_dump(mode="json"), None)
        except ConflictError:
            raise ConflictError(f"case {case.id} already exists") from None
        return case

    def get(self, case_id: str) -> Case | None:
        hit = self.conn.get("cases", case_id)
        return Case.model_validate(hit["_source"]) if hit else None

    def update(self, case: Case) -> Case:
        case = checked(case)
        stale = ConflictError(f"case {case.id} was changed by someone else; reload it and redo the action")
        hit = self.conn.get("cases", case.id)
        if hit is None or hit["_source"].get("version") != case.version:
            raise stale
        saved = case.model_copy(update={"version": case.version + 1})
        try:
            _cas_write(self.conn, "cases", case.id, saved.model_dump(mode="json"), hit)
        except ConflictError:
            raise stale from None
        return saved

    def list(self, status: str | None = None, due_before: datetime | None = None) -> list[Case]:
        self.conn.before_search("cases")
        filters: list[dict[str, Any]] = []
        if status:
            filters.append({"term": {"status": status}})
        if due_before:
            filters.append({"range": {"due_at": {"lt": due_before.isoformat()}}})
        hits = _scan(self.conn, "cases", {"bool": {"filter": filters}}, [{"due_at": "asc"}, {"id": "asc"}])
        return [Case.model_validate(h["_source"]) for h in hits]


def kv_id(kind: str, id: str) -> str:
    """Unambiguous document id for (kind, id); hashed when too long for Elasticsearch's 512-byte ids."""
    raw = f"{len(kind)}:{kind}/{id}"
    return raw if len(raw.encode("utf-8")) <= 500 else "h:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


class EsKV(KeyValueRepository):
    def __init__(self, conn: EsConn) -> None:
        self.conn = conn

    def get(self, kind: str, id: str) -> tuple[dict[str, Any], int] | None:
        hit = self.conn.get("kv", kv_id(kind, id))
        return (hit["_source"]["doc"], int(hit["_source"]["version"])) if hit else None

    def put(self, kind: str, id: str, doc: dict[str, Any], expected_version: int | None = None) -> int:
        body = json.loads(json.dumps(doc, default=str))  # same normalisation as SQLite's JSON column
        for _ in range(50):
            hit = self.conn.get("kv", kv_id(kind, id))
            current = int(hit["_source"]["version"]) if hit else 0
            if expected_version is not None and expected_version != current:
                raise ConflictError(f"{kind}/{id} changed concurrently (expected v{expected_version}, found "
                                    f"v{current}); reload and retry")
            try:
                _cas_write(self.conn, "kv", kv_id(kind, id), kv_source(kind, id, current + 1, body), hit)
                return current + 1
            except ConflictError:
                if expected_version is not None:
                    raise ConflictError(f"{kind}/{id} changed concurrently; reload and retry") from None
        raise ConflictError(f"{kind}/{id} too contended; retry")

    def delete(self, kind: str, id: str) -> None:
        self.conn.delete("kv", kv_id(kind, id))

    def list(self, kind: str, where: dict[str, Any] | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        return [h["_source"]["doc"] for h in self._hits(kind, where, limit)]

    def delete_where(self, kind: str, where: dict[str, Any]) -> int:
        ids = [str(h["_source"]["id"]) for h in self._hits(kind, where, 2**31 - 1)]
        for id in ids:
            self.delete(kind, id)
        return len(ids)

    def _hits(self, kind: str, where: dict[str, Any] | None, limit: int) -> Iterator[dict[str, Any]]:
        # Filtered by Elasticsearch on `match` (es_mappings.kv_terms), so `limit` counts matching documents.
        filters: list[dict[str, Any]] = [{"term": {"kind": kind}}]
        must_not: list[dict[str, Any]] = []
        for k, v in (where or {}).items():
            if not k.isidentifier():
                raise StorageError(f"invalid field name {k!r} in kv filter")
            v = json.loads(json.dumps(v, default=str))  # the same normalisation as the stored documents
            if isinstance(v, dict | list):
                raise StorageError(f"kv filter {k!r}: only a string, number, boolean or None can be matched")
            if v is None:  # like SQLite's `IS NULL`: the field is null or absent
                must_not.append({"prefix": {"match": f"{k}="}})
            else:
                filters.append({"term": {"match": kv_term(k, v)}})
        if limit <= 0:
            return
        self.conn.before_search("kv")
        query = {"bool": {"filter": filters, "must_not": must_not}}
        for n, h in enumerate(_scan(self.conn, "kv", query, [{"id": "asc"}], page=min(limit, _PAGE)), 1):
            yield h
            if n >= limit:
                return

    def backfill(self) -> int:
        """Give `match` to documents written before it existed (schema 1); returns how many were rewritten."""
        self.conn.before_search("kv", force=True)
        n = 0
        old = {"bool": {"must_not": [{"exists": {"field": "match"}}]}}
        for h in list(_scan(self.conn, "kv", old, [{"kind": "asc"}, {"id": "asc"}])):
            src = h["_source"]
            if not kv_terms(src.get("doc") or {}):
                continue  # nothing to index: an empty `match` is what it would get
            hit = self.conn.get("kv", h["_id"])
            if hit is None:
                continue
            s = hit["_source"]
            with contextlib.suppress(ConflictError):  # rewritten meanwhile, by a writer that sets `match`
                _cas_write(self.conn, "kv", h["_id"], kv_source(s["kind"], s["id"], s["version"], s["doc"]), hit)
                n += 1
        return n


def kv_source(kind: str, id: str, version: int, doc: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "id": id, "version": version, "doc": doc, "match": kv_terms(doc)}
