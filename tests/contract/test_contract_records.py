"""Checkpoints, the audit hash chain (and tamper detection), cases and key-value compare-and-set."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from pvwatch.errors import ConflictError, StorageError
from pvwatch.models import AuditRecord, Case, CaseStatus, utcnow
from pvwatch.storage.base import Checkpoint, Store, audit_hash
from tests.contract.conftest import Backend


def test_checkpoints_round_trip(store: Store) -> None:
    assert store.checkpoints.get("src") == Checkpoint(source="src")
    when = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    store.checkpoints.save(Checkpoint(source="src", cursor={"offset": 40, "ids": ["a"]}, last_success=when,
                                      error_count=2, last_error="boom", lag_seconds=1.5, collected=40))
    store.checkpoints.save(Checkpoint(source="another", cursor={"offset": 1}))
    got = store.checkpoints.get("src")
    assert got.cursor == {"offset": 40, "ids": ["a"]} and got.last_success == when and got.collected == 40
    assert got.last_error == "boom" and got.error_count == 2 and got.lag_seconds == 1.5
    failed_at = datetime(2026, 3, 1, 12, 5, tzinfo=UTC)
    store.checkpoints.save(Checkpoint(source="failing", last_success=when, last_error="HTTP 503",
                                      last_error_at=failed_at, error_count=1))
    failing = store.checkpoints.get("failing")
    assert failing.last_error_at == failed_at and failing.failing
    assert not got.failing and got.last_error_at is None
    store.checkpoints.save(Checkpoint(source="src", cursor={"offset": 80}))
    assert store.checkpoints.get("src").cursor == {"offset": 80}
    assert [c.source for c in store.checkpoints.all()] == ["another", "failing", "src"]


def _append(store: Store, n: int, entity: str = "item") -> list[AuditRecord]:
    return [store.audit.append(AuditRecord(actor="alice", action="item.dismiss", entity=entity,
                                           entity_id=f"demo:{i % 2}", before={"status": "new"},
                                           after={"status": "dismissed"})) for i in range(n)]


def test_audit_is_a_hash_chain(store: Store) -> None:
    recs = _append(store, 4)
    assert [r.seq for r in recs] == [1, 2, 3, 4]
    assert recs[0].prev_hash == "" and all(b.prev_hash == a.hash for a, b in zip(recs, recs[1:], strict=False))
    assert all(audit_hash(r) == r.hash for r in recs)
    assert list(store.audit.iter()) == recs
    assert [r.seq for r in store.audit.iter("demo:1")] == [2, 4]
    ok, msg = store.audit.verify()
    assert ok and "4 records" in msg


def test_audit_detects_modification(backend: Backend) -> None:
    _append(backend.store, 3)
    backend.edit_audit(2, {"actor": "mallory"})
    ok, msg = backend.store.audit.verify()
    assert not ok and "seq=2" in msg and "modified" in msg


def test_audit_detects_deletion(backend: Backend) -> None:
    _append(backend.store, 3)
    backend.delete_audit(2)
    ok, msg = backend.store.audit.verify()
    assert not ok and "seq=3" in msg


def test_audit_appends_from_threads_form_one_chain(store: Store) -> None:
    def worker() -> None:
        _append(store, 8)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recs = list(store.audit.iter())
    assert [r.seq for r in recs] == list(range(1, 25))
    assert store.audit.verify()[0]


def _case(cid: str, days: int, status: str = "open") -> Case:
    now = utcnow()
    return Case(id=cid, item_key=f"demo:{cid}", product="Levothyrox", serious=days < 20, day_zero=now,
                due_at=now + timedelta(days=days), status=CaseStatus(status), created_by="pv")


def test_cases(store: Store) -> None:
    created = store.cases.create(_case("c1", 15))
    assert created.version == 1
    with pytest.raises(ConflictError, match="exists"):
        store.cases.create(_case("c1", 15))
    store.cases.create(_case("c2", 90))
    store.cases.create(_case("c3", 5, status="submitted"))
    got = store.cases.get("c1")
    assert got is not None and got.item_key == "demo:c1" and got.due_at == created.due_at
    assert store.cases.get("nope") is None
    saved = store.cases.update(got.model_copy(update={"status": CaseStatus.follow_up}))
    assert saved.version == 2
    with pytest.raises(ConflictError, match="reload"):
        store.cases.update(got.model_copy(update={"status": CaseStatus.closed}))
    assert [c.id for c in store.cases.list()] == ["c3", "c1", "c2"]
    assert [c.id for c in store.cases.list(status="follow_up")] == ["c1"]
    assert [c.id for c in store.cases.list(due_before=utcnow() + timedelta(days=30))] == ["c3", "c1"]


def test_kv_compare_and_set(store: Store) -> None:
    assert store.kv.get("user", "alice") is None
    assert store.kv.put("user", "alice", {"role": "admin", "active": True}, expected_version=0) == 1
    with pytest.raises(ConflictError):
        store.kv.put("user", "alice", {"role": "x"}, expected_version=0)
    assert store.kv.put("user", "alice", {"role": "pv_officer", "active": True}, expected_version=1) == 2
    with pytest.raises(ConflictError):
        store.kv.put("user", "alice", {"role": "y"}, expected_version=1)
    assert store.kv.get("user", "alice") == ({"role": "pv_officer", "active": True}, 2)
    assert store.kv.put("user", "bob", {"role": "admin", "active": False}) == 1  # blind write
    assert store.kv.put("user", "bob", {"role": "admin", "active": True}) == 2
    store.kv.put("lease", "alice", {"role": "admin"})  # same id, other kind: independent
    assert store.kv.list("user", where={"role": "pv_officer"}) == [{"role": "pv_officer", "active": True}]
    assert [d["role"] for d in store.kv.list("user")] == ["pv_officer", "admin"]
    assert store.kv.list("user", limit=1) == [{"role": "pv_officer", "active": True}]
    assert len(store.kv.list("user", where={"active": True})) == 2
    when = datetime(2026, 1, 2, tzinfo=UTC)
    store.kv.put("delivery", "d1", {"at": when})
    assert store.kv.get("delivery", "d1") == ({"at": str(when)}, 1)
    store.kv.delete("user", "alice")
    store.kv.delete("user", "alice")
    assert store.kv.get("user", "alice") is None and store.kv.get("lease", "alice") is not None


def test_kv_list_filters_in_the_store_so_limits_count_matches(store: Store) -> None:
    for i in range(30):  # the matching documents sort last: a filter after a limited read would miss them
        store.kv.put("delivery", f"a{i:02d}", {"state": "delivered", "channel": "mail", "n": 100 + i})
    for i in range(3):
        store.kv.put("delivery", f"z{i}", {"state": "pending", "channel": "mail", "serious": i == 0, "n": 2.0,
                                           "note": None if i else "x" * 1000, "tags": ["a"]})
    store.kv.put("other", "z9", {"state": "pending"})
    pending = store.kv.list("delivery", where={"state": "pending"}, limit=2)
    assert [d["n"] for d in pending] == [2.0, 2.0] and all(d["state"] == "pending" for d in pending)
    assert len(store.kv.list("delivery", where={"state": "pending", "channel": "mail"})) == 3
    assert len(store.kv.list("delivery", where={"state": "delivered"}, limit=1000)) == 30
    assert len(store.kv.list("delivery", where={"serious": True})) == 1
    assert len(store.kv.list("delivery", where={"serious": False})) == 2
    assert len(store.kv.list("delivery", where={"serious": 1})) == 1  # as SQLite's json_extract sees it
    assert len(store.kv.list("delivery", where={"n": 2})) == 3
    assert len(store.kv.list("delivery", where={"n": "2"})) == 0  # a string is not a number
    assert len(store.kv.list("delivery", where={"note": "x" * 1000})) == 1  # long values are matched too
    assert len(store.kv.list("delivery", where={"note": None, "state": "pending"})) == 2  # null or absent
    assert len(store.kv.list("delivery", where={"missing": None})) == 33
    assert store.kv.list("delivery", where={"state": "nope"}) == []
    with pytest.raises(StorageError, match="invalid field name"):
        store.kv.list("delivery", where={"state') OR 1=1 --": 1})


def test_kv_compare_and_set_under_contention(store: Store) -> None:
    """Increments by CAS from several threads: none is lost."""

    def worker() -> None:
        for _ in range(10):
            while True:
                got = store.kv.get("counter", "c")
                doc, version = got if got else ({"n": 0}, 0)
                try:
                    store.kv.put("counter", "c", {"n": doc["n"] + 1}, expected_version=version)
                    break
                except ConflictError:
                    continue

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.kv.get("counter", "c") == ({"n": 30}, 30)
