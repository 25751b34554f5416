"""SQLite-specific storage behaviour (the backend-independent contract lives in tests/contract/)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from pvwatch.errors import ConflictError, StorageError
from pvwatch.models import AdverseEvent, Analysis, AuditRecord, Item, Post, utcnow
from pvwatch.storage.base import ItemQuery
from pvwatch.storage.sqlite import SqliteStore


def _item(pid: str, text: str = "hello", ae: bool = False, minutes_ago: int = 0) -> Item:
    post = Post(platform="demo", id=pid, text=text, collected_at=utcnow() - timedelta(minutes=minutes_ago))
    return Item.from_post(post, Analysis(adverse_event=AdverseEvent(decision=ae, score=0.9 if ae else 0.1)))


def test_wal_mode(store: SqliteStore) -> None:
    assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upsert_is_idempotent_and_keeps_review_state(store: SqliteStore) -> None:
    assert store.items.upsert(_item("1", ae=True)) is True
    saved = store.items.get("demo:1")
    assert saved is not None and saved.version == 1
    reviewed = store.items.update(saved.model_copy(update={"status": "dismissed"}))
    assert store.items.upsert(_item("1", ae=True)) is False
    again = store.items.get("demo:1")
    assert again is not None and again.status.value == "dismissed" and again.version == reviewed.version
    assert store.items.count() == 1


def test_concurrent_upserts_from_threads_never_duplicate(store: SqliteStore) -> None:
    def worker() -> None:
        for i in range(50):
            store.items.upsert(_item(str(i)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.items.count() == 50


def test_two_processes_share_the_file(tmp_path: Path) -> None:
    a, b = SqliteStore(tmp_path / "s.db"), SqliteStore(tmp_path / "s.db")
    a.items.upsert(_item("x"))
    assert b.items.upsert(_item("x")) is False
    item = b.items.get("demo:x")
    assert item is not None
    a.items.update(item)
    with pytest.raises(ConflictError, match="reload"):
        b.items.update(item)
    a.close()
    b.close()


def test_queue_order_and_filters(store: SqliteStore) -> None:
    store.items.upsert(_item("old", minutes_ago=50))
    store.items.upsert(_item("ae-new", ae=True, minutes_ago=1))
    store.items.upsert(_item("ae-old", ae=True, minutes_ago=30))
    page = store.items.query(ItemQuery())
    assert [i.key for i in page.items] == ["demo:ae-old", "demo:ae-new", "demo:old"]
    assert store.items.query(ItemQuery(flag="adverse_event")).total == 2
    assert store.items.query(ItemQuery(limit=1, offset=1)).items[0].key == "demo:ae-new"


def test_fts_search_treats_input_as_text_not_syntax(store: SqliteStore) -> None:
    store.items.upsert(_item("1", text="palpitations après le Levothyrox"))
    store.items.upsert(_item("2", text="rien à signaler"))
    assert [i.key for i in store.items.query(ItemQuery(text="palpitations")).items] == ["demo:1"]
    for hostile in ['" OR 1=1 --', "NEAR(", "a AND", "*", '"""']:
        store.items.query(ItemQuery(text=hostile))  # must not raise


def test_audit_chain_detects_tampering(store: SqliteStore) -> None:
    for i in range(3):
        store.audit.append(AuditRecord(actor="alice", action="item.dismiss", entity="item", entity_id=f"demo:{i}",
                                       before={"status": "new"}, after={"status": "dismissed"}))
    ok, msg = store.audit.verify()
    assert ok, msg
    store.db.conn.execute(
        "UPDATE audit SET doc = replace(doc, '\"actor\":\"alice\"', '\"actor\":\"mallory\"') WHERE seq=2"
    )
    ok, msg = store.audit.verify()
    assert not ok and "seq=2" in msg and "modified" in msg


def test_audit_deletion_is_detected(store: SqliteStore) -> None:
    for i in range(3):
        store.audit.append(AuditRecord(actor="a", action="x", entity="item", entity_id=str(i)))
    store.db.conn.execute("DELETE FROM audit WHERE seq=2")
    ok, msg = store.audit.verify()
    assert not ok and "seq=3" in msg


def test_kv_compare_and_set(store: SqliteStore) -> None:
    assert store.kv.put("user", "alice", {"role": "admin"}, expected_version=0) == 1
    with pytest.raises(ConflictError):
        store.kv.put("user", "alice", {"role": "x"}, expected_version=0)
    assert store.kv.put("user", "alice", {"role": "pv_officer"}, expected_version=1) == 2
    assert store.kv.list("user", where={"role": "pv_officer"}) == [{"role": "pv_officer"}]
    with pytest.raises(Exception, match="invalid field"):
        store.kv.list("user", where={"role') OR 1=1 --": 1})


def test_unreadable_path_gives_a_clear_error(tmp_path: Path) -> None:
    # our error (exit 1 with one line), naming the file and where to fix it; not sqlite3's bare message
    with pytest.raises(StorageError, match=r"missing-dir.*x\.db.*\[storage\] path") as err:
        SqliteStore(tmp_path / "missing-dir" / "x.db")
    assert isinstance(err.value.__cause__, sqlite3.OperationalError)
