"""Collectors inside the real Pipeline (real analyzer, real SQLite): checkpoints, restart/resume, duplicates, health."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifiers.analyzer import Analyzer
from collectors.reddit import RedditCollector
from collectors.webhook import WebhookCollector, enqueue
from pvwatch.app.main import app
from pvwatch.config import load_config
from pvwatch.health import health_report
from pvwatch.pipeline import Pipeline
from pvwatch.storage.sqlite import SqliteStore
from tests.collectors_fake import FakeApi, load_cassette

CONFIG = """
[[products]]
name = "Levothyrox"
inns = ["lévothyroxine", "levothyroxine"]

[[products]]
name = "Dépakine"
inns = ["valproate"]

[sources.rd]
type = "reddit"
subreddits = ["Hypothyroidism", "AskDocs"]
limit = 3
oauth_url = "{url}"
reddit_url = "{url}"

[sources.hook]
type = "webhook"
secret_env = "PVWATCH_TEST_HOOK"

[storage]
path = "store.db"

[classifiers]
personal_data = false

[alerts]
enabled = false
"""


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    cfg = load_config(Path(__file__).parent.parent / "config.toml")
    cfg.classifiers.personal_data = False  # the pipeline is what is under test here, not the PII detector
    return Analyzer.from_config(cfg)


def test_reddit_and_webhook_resume_across_restarts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   analyzer: Analyzer) -> None:
    monkeypatch.setenv("PVWATCH_REDDIT_CLIENT_ID", "fake-client-id")
    monkeypatch.setenv("PVWATCH_REDDIT_CLIENT_SECRET", "fake-client-secret")
    monkeypatch.setenv("PRAW_ALLOW_ENDPOINT_OVERRIDE", "1")
    monkeypatch.setenv("PVWATCH_TEST_HOOK", "test-secret")
    api = FakeApi(load_cassette("reddit_poll.json"))
    try:
        (tmp_path / "config.toml").write_text(CONFIG.format(url=api.url), encoding="utf-8")
        cfg = load_config(tmp_path / "config.toml")

        def run_once() -> None:
            store = SqliteStore(tmp_path / "store.db")
            try:
                hook = WebhookCollector("hook", cfg.sources["hook"], cfg)
                hook.attach_store(store)
                cols = [RedditCollector("rd", cfg.sources["rd"], cfg), hook]
                Pipeline(cfg, store, analyzer=analyzer, collectors=cols).run(threading.Event(), once=True)
            finally:
                store.close()

        store = SqliteStore(tmp_path / "store.db")
        enqueue(store, "hook", [{"id": "w1", "text": "Dépakine pendant la grossesse, mon fils a des troubles"},
                                {"id": "w1", "text": "Dépakine pendant la grossesse, mon fils a des troubles"}])
        store.close()
        run_once()
        store = SqliteStore(tmp_path / "store.db")
        assert sorted(i.key for i in store.items.iter_all()) == ["hook/webhook:w1", "reddit:t1_c3", "reddit:t3_s1"]
        cp = store.checkpoints.get("rd")
        assert cp.error_count == 1 and cp.collected == 2 and cp.last_success is not None
        enqueue(store, "hook", [{"id": "w2", "text": "second"}])
        store.close()

        run_once()  # a restart: every collector resumes from its checkpoint in the store
        store = SqliteStore(tmp_path / "store.db")
        keys = sorted(i.key for i in store.items.iter_all())
        assert keys == ["hook/webhook:w1", "hook/webhook:w2", "reddit:t1_c3", "reddit:t1_c4", "reddit:t3_s1"]
        item = store.items.get("reddit:t1_c3")
        assert item is not None and item.post.author != "thyro_reader_01"  # pseudonymised downstream
        assert store.checkpoints.get("hook").cursor["seq"] == 3
        rows = {r["name"]: r for r in health_report(store, cfg)}
        store.close()
        assert rows["rd"]["status"] == "ok" and rows["rd"]["collected"] == 3 and rows["rd"]["error_count"] == 1
        assert rows["hook"]["collected"] == 3  # the duplicate delivery was collected, stored once
        api.assert_played()

        out = CliRunner().invoke(app, ["sources", "-c", str(tmp_path / "config.toml"), "--json"])
        assert out.exit_code == 0, out.output
        assert {r["name"]: r["status"] for r in json.loads(out.output)} == {"rd": "ok", "hook": "ok"}
        table = CliRunner().invoke(app, ["sources", "-c", str(tmp_path / "config.toml")])
        assert table.exit_code == 0 and "rd" in table.output
    finally:
        api.close()


def test_health_statuses(store: SqliteStore) -> None:
    from datetime import timedelta

    from pvwatch.models import utcnow
    from pvwatch.storage.base import Checkpoint

    now = utcnow()
    store.checkpoints.save(Checkpoint("fresh", last_success=now, lag_seconds=5.0))
    store.checkpoints.save(Checkpoint("stuck", last_success=now - timedelta(hours=2)))
    store.checkpoints.save(Checkpoint("broken", error_count=3, last_error="HTTP 401"))
    store.checkpoints.save(Checkpoint("old_err", last_success=now - timedelta(hours=2), error_count=9,
                                      last_error="HTTP 500"))
    rows = {r["name"]: r["status"] for r in health_report(store, stale_after=600, now=now)}
    assert rows == {"fresh": "ok", "stuck": "stale", "broken": "failing", "old_err": "failing"}


def test_webhook_command_needs_a_webhook_source(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text('[storage]\npath = "s.db"\n', encoding="utf-8")
    out = CliRunner().invoke(app, ["webhook", "-c", str(tmp_path / "c.toml")])
    assert out.exit_code == 1 and "type = \"webhook\"" in out.output
