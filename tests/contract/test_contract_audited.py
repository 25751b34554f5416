"""A reviewer's change and its audit record: never a change without its record, on every backend.

A fault is injected between the two writes. SQLite commits both in one transaction, so the item is unchanged;
Elasticsearch appends the record first, so the item is unchanged too and the record is cancelled by another.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.cases.service import CaseService
from moderation.queue.service import Actor, QueueService
from pvwatch.errors import StorageError
from pvwatch.models import AuditRecord
from pvwatch.storage.base import Store
from tests.moderation_helpers import make_config, make_item

PV = Actor("pv", "pv_officer")


def _boom(*_: object, **__: object) -> AuditRecord:
    raise StorageError("injected: disk full")


@pytest.fixture
def queue(store: Store, tmp_path: Path) -> QueueService:
    store.items.upsert(make_item("1", "Levothyrox et vertiges", reactions=("vertiges",)))
    return QueueService(make_config(tmp_path), store)


def test_failed_audit_append_leaves_the_item_unchanged(store: Store, queue: QueueService,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store.audit, "append", _boom)
    with pytest.raises(StorageError, match="injected"):
        queue.dismiss(PV, "demo:1", 1, "not_adverse_event")
    monkeypatch.undo()
    item = store.items.get("demo:1")
    assert item is not None and item.status.value == "new" and item.version == 1 and not item.notes
    assert list(store.audit.iter("demo:1")) == []
    saved = queue.dismiss(PV, "demo:1", 1, "not_adverse_event")  # works once the store is healthy
    assert saved.version == 2
    (rec,) = store.audit.iter("demo:1")
    assert rec.action == "item.dismiss" and rec.after is not None and rec.after["version"] == 2


def test_failed_item_write_leaves_no_uncancelled_record(store: Store, queue: QueueService,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real_update = store.items.update

    def crash_after_write(item):  # type: ignore[no-untyped-def]
        if store.atomic:  # SQLite: the row is written, then must roll back with the whole transaction
            real_update(item)
        raise StorageError("injected: connection lost")

    monkeypatch.setattr(store.items, "update", crash_after_write)
    with pytest.raises(StorageError, match="injected"):
        queue.confirm(PV, "demo:1", 1)
    monkeypatch.undo()
    item = store.items.get("demo:1")
    assert item is not None and item.status.value == "new" and item.version == 1
    recs = list(store.audit.iter("demo:1"))
    if store.atomic:
        assert recs == []
    else:  # audit first: the intent is on record, and so is its cancellation
        assert [r.action for r in recs] == ["item.confirm", "item.update_failed"]
        assert recs[1].after == {"cancels_seq": recs[0].seq, "cancels": "item.confirm",
                                 "error": "StorageError"}
    assert store.audit.verify()[0]


def test_escalation_is_all_or_nothing_on_sqlite(store: Store, queue: QueueService, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if not store.atomic:
        pytest.skip("Elasticsearch has no multi-document transactions (documented order instead)")
    cases = CaseService(make_config(tmp_path), store)
    monkeypatch.setattr(store.cases, "create", _boom)
    with pytest.raises(StorageError):
        cases.escalate(PV, "demo:1", 1)
    monkeypatch.undo()
    item = store.items.get("demo:1")
    assert item is not None and item.case_id is None and item.status.value == "new"
    assert list(store.audit.iter()) == [] and store.kv.get("counter", "case") is None
    case = cases.escalate(PV, "demo:1", 1)
    assert case.id.endswith("-000001")
    assert [r.action for r in store.audit.iter()] == ["item.escalate", "case.create"]
