"""The CLI in-process: demo end to end (no UI), queue listing, error exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pvwatch.app.demo import DEMO_POSTS
from pvwatch.app.main import app
from pvwatch.config import Config
from pvwatch.storage.base import ItemQuery
from pvwatch.storage.sqlite import SqliteStore
from tests.demo_support import DemoRun


def test_demo_runs_the_real_pipeline_fast_and_flags_items(demo_run: DemoRun) -> None:
    cfg, counts, elapsed = demo_run.cfg, demo_run.counts, demo_run.seconds
    n_posts = sum(1 for line in DEMO_POSTS.open(encoding="utf-8") if line.strip())
    assert n_posts >= 300
    assert counts["new"] == n_posts and counts["errors"] == 0
    assert elapsed < 120, f"demo took {elapsed:.0f}s; the target is under 2 minutes"
    store = SqliteStore(cfg.resolve(cfg.storage.path))
    ae = store.items.query(ItemQuery(flag="adverse_event", limit=1000))
    pd = store.items.query(ItemQuery(flag="personal_data", limit=1000))
    assert ae.total >= 0.15 * n_posts, "the demo stream is about 30% adverse events"
    assert pd.total >= 20
    # the demo labels were written by hand: the pipeline must find most labelled adverse events
    labelled = {json.loads(line)["id"] for line in DEMO_POSTS.open(encoding="utf-8")
                if line.strip() and json.loads(line).get("labels", {}).get("adverse_event")}
    found = {i.post.id for i in ae.items}
    assert len(found & labelled) / len(labelled) >= 0.7
    store.close()


def test_queue_command_lists_masked_items(demo_copy: Config, tmp_path: Path) -> None:
    cfg = demo_copy
    config_file = tmp_path / "c.toml"
    config_file.write_text(f'[storage]\npath = "{cfg.resolve(cfg.storage.path)}"\n', encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["queue", "-c", str(config_file), "--flag", "personal_data", "--json", "--limit", "50"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["total"] >= 1
    store = SqliteStore(cfg.resolve(cfg.storage.path))
    checked = 0
    for row in data["items"]:
        item = store.items.get(row["key"])
        assert item is not None
        for f in item.analysis.personal_data:
            if f.type in ("EMAIL", "PHONE", "NIR", "IBAN"):
                assert item.post.text[f.start:f.end] not in row["text"], "a moderator must see masked values"
                checked += 1
    store.close()
    assert checked > 0
    key = data["items"][0]["key"]
    one = runner.invoke(app, ["queue", "-c", str(config_file), key, "--json"])
    assert one.exit_code == 0 and json.loads(one.output)["key"] == key
    missing = runner.invoke(app, ["queue", "-c", str(config_file), "nope:1"])
    assert missing.exit_code == 1 and "pvwatch queue" in missing.output
