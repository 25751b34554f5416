"""`pvwatch erase --author` and pvwatch.retention.erase_author: an erasure request outside PV cases."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from pvwatch.app.main import app
from pvwatch.models import ItemStatus
from pvwatch.privacy import Pseudonymizer
from pvwatch.retention import erase_author
from pvwatch.storage.sqlite import SqliteStore
from tests.test_retention_purge import keys, make_item

PZ = Pseudonymizer(os.environ["PVWATCH_PSEUDONYM_KEY"].encode())


def fill(store: SqliteStore) -> None:
    me = PZ.pseudonym("x", "Marie_D")
    make_item(store, "mine-1", 2, author=me)
    make_item(store, "mine-2", 60, author=me)
    make_item(store, "mine-case", 3, ae=True, status=ItemStatus.escalated, case_id="C-1", author=me)
    make_item(store, "mine-pending", 3, ae=True, author=me)
    make_item(store, "other", 2, author=PZ.pseudonym("x", "someone_else"))
    make_item(store, "legacy-clear", 2, author="marie_d")  # stored before pseudonymisation was on


def test_erase_deletes_the_authors_items_but_not_pv_cases(store: SqliteStore) -> None:
    fill(store)
    ref = PZ.pseudonym("x", "Marie_D")
    report = erase_author(store, PZ.author_matcher("@marie_d", "x"), ref, actor="dpo")
    assert sorted(report.deleted) == ["x:legacy-clear", "x:mine-1", "x:mine-2"]
    assert sorted(report.refused) == ["x:mine-case", "x:mine-pending"]
    assert keys(store) == {"x:mine-case", "x:mine-pending", "x:other"}
    recs = list(store.audit.iter())
    refused = {r.entity_id: r.after for r in recs if r.action == "privacy.erase.refused"}
    assert set(refused) == {"x:mine-case", "x:mine-pending"}
    assert "Art. 17(3)(b)" in refused["x:mine-case"]["reason"]  # type: ignore[index]
    summary = recs[-1]
    assert summary.action == "privacy.erase" and summary.entity_id == ref and summary.actor == "dpo"
    assert "marie" not in json.dumps([r.model_dump(mode="json") for r in recs]).lower()
    assert store.audit.verify()[0]


def test_erase_other_platform_matches_nothing(store: SqliteStore) -> None:
    fill(store)
    report = erase_author(store, PZ.author_matcher("marie_d", "reddit"), "ref")
    assert report.deleted == [] and report.refused == [] and len(keys(store)) == 6


def test_erase_cli(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "{tmp_path / "pv.db"}"\n', encoding="utf-8")
    with SqliteStore(tmp_path / "pv.db") as s:
        fill(s)
    runner = CliRunner()
    dry = runner.invoke(app, ["erase", "-c", str(cfg), "--author", "Marie_D", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["deleted"] == 3
    res = runner.invoke(app, ["erase", "-c", str(cfg), "--author", "@Marie_D", "--platform", "x"])
    assert res.exit_code == 0, res.output
    assert "deleted=3" in res.output and "refused=2" in res.output
    with SqliteStore(tmp_path / "pv.db") as s:
        assert keys(s) == {"x:mine-case", "x:mine-pending", "x:other"}
        assert s.audit.verify()[0]
    empty = runner.invoke(app, ["erase", "-c", str(cfg), "--author", "@"])
    assert empty.exit_code == 1 and "--author is empty" in empty.output
