"""`pvwatch purge` and pvwatch.retention.purge against a real SQLite store: what goes, what stays, the audit."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pvwatch.app.main import app
from pvwatch.config import RetentionConfig
from pvwatch.models import AdverseEvent, Analysis, Item, ItemStatus, PersonalData, Post, utcnow
from pvwatch.retention import ANONYMISED, purge
from pvwatch.storage.sqlite import SqliteStore
from tests.retention_support import assert_forgotten, fill_linked

NOW = utcnow()


def make_item(store: SqliteStore, pid: str, days_old: float, *, ae: bool = False, status: ItemStatus | None = None,
              case_id: str | None = None, author: str = "pz:abc") -> Item:
    post = Post(platform="x", id=pid, text=f"post {pid} by Jean Dupont 06 12 34 56 78", author=author,
                url=f"https://example.com/{pid}", raw={"id": pid}, collected_at=NOW - timedelta(days=days_old))
    analysis = Analysis(adverse_event=AdverseEvent(decision=ae, score=0.9 if ae else 0.1),
                        personal_data=[PersonalData(type="PHONE", start=25, end=39, score=0.9)])
    store.items.upsert(Item.from_post(post, analysis))
    item = store.items.get(post.key)
    assert item is not None
    if status is not None or case_id is not None:
        item = store.items.update(item.model_copy(update={"status": status or item.status, "case_id": case_id}))
    return item


@pytest.fixture
def filled(store: SqliteStore) -> SqliteStore:
    make_item(store, "old-plain", 45)                       # non-AE, past 30 days -> deleted
    make_item(store, "new-plain", 5)                        # non-AE, recent -> kept
    make_item(store, "old-dismissed", 45, ae=True, status=ItemStatus.dismissed)  # reviewer said no -> deleted
    make_item(store, "old-pending", 45, ae=True)            # possible AE, unreviewed -> kept
    make_item(store, "old-case", 45, ae=True, status=ItemStatus.escalated, case_id="C-1")  # PV case -> kept
    make_item(store, "ancient-case", 365 * 11, ae=True, status=ItemStatus.confirmed)  # past ae_years -> anonymised
    return store


def keys(store: SqliteStore) -> set[str]:
    return {i.key for i in store.items.iter_all()}


def test_purge_deletes_short_lived_and_keeps_pv_items(filled: SqliteStore) -> None:
    report = purge(filled, RetentionConfig(non_ae_days=30, ae_years=10), now=NOW, actor="test")
    assert sorted(report.deleted) == ["x:old-dismissed", "x:old-plain"]
    assert report.anonymised == ["x:ancient-case"]
    assert report.kept_pending_review == ["x:old-pending"]
    assert keys(filled) == {"x:new-plain", "x:old-pending", "x:old-case", "x:ancient-case"}
    anon = filled.items.get("x:ancient-case")
    assert anon is not None and anon.post.text == ANONYMISED
    assert anon.post.author is None and anon.post.raw is None and anon.post.url is None
    assert anon.analysis.personal_data == [] and anon.status == ItemStatus.confirmed
    kept = filled.items.get("x:old-case")
    assert kept is not None and "Jean Dupont" in kept.post.text


def test_purge_leaves_an_audit_trail_without_personal_data(filled: SqliteStore) -> None:
    report = purge(filled, RetentionConfig(non_ae_days=30, ae_years=10), now=NOW, actor="test")
    recs = list(filled.audit.iter())
    actions = [(r.action, r.entity_id) for r in recs]
    assert ("retention.delete", "x:old-plain") in actions and ("retention.anonymise", "x:ancient-case") in actions
    summary = recs[-1]
    assert summary.action == "retention.purge" and summary.entity_id == report.run_id
    assert summary.after is not None and summary.after["deleted"] == 2 and summary.after["anonymised"] == 1
    dump = json.dumps([r.model_dump(mode="json") for r in recs])
    assert "Dupont" not in dump and "06 12" not in dump
    assert filled.audit.verify()[0]


def test_purge_is_idempotent_and_respects_configured_days(filled: SqliteStore) -> None:
    purge(filled, RetentionConfig(non_ae_days=30, ae_years=10), now=NOW)
    again = purge(filled, RetentionConfig(non_ae_days=30, ae_years=10), now=NOW)
    assert again.deleted == [] and again.anonymised == []
    later = purge(filled, RetentionConfig(non_ae_days=1, ae_years=10), now=NOW)
    assert later.deleted == ["x:new-plain"]


def test_dry_run_changes_nothing(filled: SqliteStore) -> None:
    before = keys(filled)
    report = purge(filled, RetentionConfig(), now=NOW, dry_run=True)
    assert report.deleted and keys(filled) == before and list(filled.audit.iter()) == []


def _config(tmp_path: Path, base_config: dict[str, Any], days: int = 30) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{tmp_path / "pv.db"}"\n[retention]\nnon_ae_days = {days}\n', encoding="utf-8")
    return cfg


def test_purge_cli(tmp_path: Path, base_config: dict[str, Any]) -> None:
    cfg = _config(tmp_path, base_config)
    with SqliteStore(tmp_path / "pv.db") as s:
        make_item(s, "old", 45)
        make_item(s, "case", 45, ae=True, status=ItemStatus.escalated, case_id="C-9")
    runner = CliRunner()
    dry = runner.invoke(app, ["purge", "-c", str(cfg), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["deleted"] == 1
    res = runner.invoke(app, ["purge", "-c", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "deleted=1" in res.output
    with SqliteStore(tmp_path / "pv.db") as s:
        assert keys(s) == {"x:case"}
        assert [r.action for r in s.audit.iter()] == ["retention.delete", "retention.purge"]
        assert s.audit.verify()[0]


def test_purge_leaves_no_kv_document_naming_a_purged_item(store: SqliteStore) -> None:
    # GDPR storage limitation: an edit's version link, alert deliveries and alert references go with the item
    purged, kept = fill_linked(store, NOW)
    report = purge(store, RetentionConfig(non_ae_days=30, ae_years=10), now=NOW, actor="test")
    assert set(report.deleted) == purged
    assert keys(store) == kept
    assert_forgotten(store, purged, kept)
