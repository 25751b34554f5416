"""`pvwatch migrate --from store.db`: an SQLite store copied into a real Elasticsearch, identical."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pvwatch.app.main import app
from pvwatch.models import AdverseEvent, Analysis, AuditRecord, Case, CaseStatus, Item, ItemStatus, Post, utcnow
from pvwatch.storage.base import Checkpoint
from pvwatch.storage.sqlite import SqliteStore

pytestmark = pytest.mark.es


def _fill(db: Path) -> SqliteStore:
    s = SqliteStore(db)
    for i in range(30):
        post = Post(platform="demo", id=str(i), text=f"Levothyrox post {i}", author=f"a{i % 3}", lang="fr")
        s.items.upsert(Item.from_post(post, Analysis(adverse_event=AdverseEvent(decision=i % 2 == 0, score=0.8),
                                                     products=["Levothyrox"])))
    item = s.items.get("demo:4")
    assert item is not None
    s.items.update(item.model_copy(update={"status": ItemStatus.escalated, "assignee": "pv", "case_id": "c1"}))
    for i in range(5):
        s.audit.append(AuditRecord(actor="pv", action="item.review", entity="item", entity_id=f"demo:{i}"))
    now = utcnow()
    s.cases.create(Case(id="c1", item_key="demo:4", day_zero=now, due_at=now + timedelta(days=15),
                        created_by="pv", serious=True))
    s.kv.put("user", "alice", {"role": "admin"})
    s.kv.put("user", "alice", {"role": "pv_officer"})
    s.checkpoints.save(Checkpoint(source="imp", cursor={"records": 30}, collected=30))
    return s


def _config(tmp_path: Path, es_url: str, prefix: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage.elasticsearch]\nurl = "{es_url}"\nindex_prefix = "{prefix}"\n', encoding="utf-8")
    return cfg


def test_migrate_copies_everything_and_the_chain_still_verifies(tmp_path: Path, es_url: str, es_prefix: str,
                                                                es_store_factory: Any) -> None:
    src = _fill(tmp_path / "store.db")
    cfg = _config(tmp_path, es_url, es_prefix)
    result = CliRunner().invoke(app, ["migrate", "--from", str(tmp_path / "store.db"), "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    assert "items=30" in result.output and "audit=5" in result.output and "audit chain verified" in result.output

    dst = es_store_factory(prefix=es_prefix)
    assert sorted(dst.items.iter_all(), key=lambda i: i.key) == sorted(src.items.iter_all(), key=lambda i: i.key)
    assert list(dst.audit.iter()) == list(src.audit.iter())
    assert dst.audit.verify()[0]
    # The chain goes on from where SQLite left it.
    nxt = dst.audit.append(AuditRecord(actor="pv", action="x", entity="item", entity_id="demo:1"))
    assert nxt.seq == 6 and nxt.prev_hash == list(src.audit.iter())[-1].hash
    assert dst.cases.get("c1") == src.cases.get("c1")
    assert dst.cases.list(status=CaseStatus.open.value)[0].id == "c1"
    assert dst.kv.get("user", "alice") == ({"role": "pv_officer"}, 2)
    assert dst.checkpoints.get("imp") == src.checkpoints.get("imp")
    escalated = dst.items.get("demo:4")
    assert escalated is not None and escalated.version == 2
    dst.items.update(escalated.model_copy(update={"notes": [{"by": "pv", "text": "ok"}]}))  # versions carried on

    # The destination's chain has moved on: migrating again would fork it, so it is refused...
    again = CliRunner().invoke(app, ["migrate", "--from", str(tmp_path / "store.db"), "-c", str(cfg)])
    assert again.exit_code == 1 and "--replace" in again.output
    # ...unless asked to start over.
    replaced = CliRunner().invoke(app, ["migrate", "--from", str(tmp_path / "store.db"), "-c", str(cfg),
                                        "--replace"])
    assert replaced.exit_code == 0, replaced.output
    dst.conn.before_search("items", force=True)
    assert dst.items.count() == 30 and [r.seq for r in dst.audit.iter()] == [1, 2, 3, 4, 5]
    src.close()


def test_migrate_names_a_missing_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["migrate", "--from", str(tmp_path / "nope.db"), "-c", str(cfg)])
    assert result.exit_code == 1 and "--from" in result.output
