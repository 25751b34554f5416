"""Source health from checkpoints: the last error's time decides between ok, degraded and failing.

The pipeline step is real (a tiny collector that fails on demand) and so is the SQLite store, including a
database whose checkpoints were written before `last_error_at` existed.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from alerts.config import Rule
from alerts.payload import collector_payload, title
from alerts.rules import collector_stopped
from collectors.base import Collector
from collectors.http import TransientError
from pvwatch.config import parse_config
from pvwatch.health import health_report
from pvwatch.models import utcnow
from pvwatch.pipeline import Pipeline, _SourceState
from pvwatch.ports import Batch, Coverage
from pvwatch.storage.base import Checkpoint
from pvwatch.storage.sqlite import SqliteStore


class Switch(Collector):
    type = "switch"

    def __init__(self, name: str, cfg: Any) -> None:  # no [sources] block: built by hand
        self.name = name
        self.cfg = cfg
        self.fail = False
        self.errors: list[str] = []

    def poll(self, cursor: dict[str, Any]) -> Batch:
        if self.fail:
            raise TransientError("HTTP 503 from the platform")
        return Batch(posts=[], cursor={"n": cursor.get("n", 0) + 1}, exhausted=True, errors=list(self.errors))


def test_a_failure_right_after_a_success_is_not_ok(store: SqliteStore, base_config: dict[str, Any]) -> None:
    cfg = parse_config(base_config)
    col = Switch("src", cfg)
    pipe = Pipeline(cfg, store, analyzer=object(), collectors=[col])
    state = _SourceState(col)
    assert pipe.step(state) is not None
    cp = store.checkpoints.get("src")
    assert cp.last_success is not None and cp.last_error_at is None and not cp.failing
    assert health_report(store, stale_after=600)[0]["status"] == "ok"

    col.fail = True
    assert pipe.step(state) is None
    cp = store.checkpoints.get("src")
    assert cp.last_error_at is not None and cp.last_error_at > cp.last_success and cp.failing
    (row,) = health_report(store, stale_after=600)
    assert row["status"] == "degraded" and row["error_count"] == 1 and row["last_error_at"]
    later = utcnow() + timedelta(minutes=11)
    assert health_report(store, stale_after=600, now=later)[0]["status"] == "failing"

    first_failure = cp.failing_since
    assert first_failure == cp.last_error_at
    assert pipe.step(state) is None  # failing again: the outage still counts from its first failure
    cp = store.checkpoints.get("src")
    assert cp.failing_since == first_failure and cp.last_error_at is not None and cp.last_error_at > first_failure

    col.fail, col.errors = False, ["item 3: no text"]  # a poll that skipped a malformed item still succeeded
    assert pipe.step(state) is not None
    cp = store.checkpoints.get("src")
    assert cp.last_error == "item 3: no text" and cp.last_error_at == cp.last_success and not cp.failing
    assert cp.failing_since is None
    assert health_report(store, stale_after=600)[0]["status"] == "ok"
    pipe.run(threading.Event(), once=True)  # the loop itself still runs with such a collector


def test_statuses_with_and_without_last_error_at(store: SqliteStore) -> None:
    now = utcnow()
    ago = lambda minutes: now - timedelta(minutes=minutes)  # noqa: E731
    cps = [
        Checkpoint("fresh", last_success=ago(1)),
        Checkpoint("recovered", last_success=ago(1), error_count=4, last_error="HTTP 500", last_error_at=ago(2)),
        Checkpoint("degraded", last_success=ago(3), error_count=1, last_error="HTTP 500", last_error_at=ago(1)),
        Checkpoint("failing", last_success=ago(120), error_count=9, last_error="HTTP 500", last_error_at=ago(1)),
        Checkpoint("never_ok", error_count=2, last_error="HTTP 401", last_error_at=ago(1)),
        Checkpoint("stale", last_success=ago(120), error_count=1, last_error="HTTP 500", last_error_at=ago(130)),
        # written before last_error_at existed: the old rule still applies
        Checkpoint("legacy_err", last_success=ago(120), error_count=9, last_error="HTTP 500"),
        Checkpoint("legacy_ok", last_success=ago(1), error_count=9, last_error="HTTP 500"),
    ]
    for cp in cps:
        store.checkpoints.save(cp)
    rows = {r["name"]: r["status"] for r in health_report(store, stale_after=600, now=now)}
    assert rows == {"fresh": "ok", "recovered": "ok", "degraded": "degraded", "failing": "failing",
                    "never_ok": "failing", "stale": "stale", "legacy_err": "failing", "legacy_ok": "ok"}


def test_an_old_database_still_opens_and_reports_health(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SqliteStore(path).close()
    import sqlite3

    # A checkpoint as the previous version wrote it (no last_error_at), and one from a newer version.
    old = {"source": "old", "cursor": {"records": 5}, "last_success": "2026-01-01T00:00:00+00:00",
           "last_error": "HTTP 500", "error_count": 1, "lag_seconds": None, "collected": 5}
    con = sqlite3.connect(path)
    con.execute("INSERT INTO checkpoints (source, doc) VALUES (?, ?)", ("old", json.dumps(old)))
    con.execute("INSERT INTO checkpoints (source, doc) VALUES (?, ?)",
                ("new", json.dumps({"source": "new", "future_field": 1})))
    con.commit()
    con.close()
    store = SqliteStore(path)
    cp = store.checkpoints.get("old")
    assert cp.cursor == {"records": 5} and cp.last_error_at is None and cp.last_error == "HTTP 500"
    assert {r["name"]: r["status"] for r in health_report(store)} == {"new": "never_run", "old": "failing"}
    cp.last_error_at = utcnow()
    store.checkpoints.save(cp)
    assert store.checkpoints.get("old").last_error_at == cp.last_error_at
    store.close()


def test_collector_stopped_alert_agrees_with_health() -> None:
    now = utcnow()
    rule = Rule.model_validate({"name": "down", "on": "collector_stopped", "stopped_after_minutes": 30,
                                "channels": ["x"]})
    degraded = Checkpoint("a", last_success=now - timedelta(minutes=5), last_error_at=now, error_count=1)
    failing = Checkpoint("b", last_success=now - timedelta(minutes=45), last_error_at=now, error_count=7)
    stuck = Checkpoint("c", last_success=now - timedelta(minutes=45))
    assert not collector_stopped(rule, degraded, now)
    assert collector_stopped(rule, failing, now) and collector_stopped(rule, stuck, now)
    p_failing = collector_payload(failing, "collector_stopped", "down", "https://pv.example.org", now)
    p_stuck = collector_payload(stuck, "collector_stopped", "down", "https://pv.example.org", now)
    assert p_failing["failing"] is True and p_failing["last_error_at"] == now.replace(microsecond=0).isoformat()
    assert p_stuck["failing"] is False and p_stuck["last_error_at"] is None
    assert "failing" in title(p_failing) and "no error" in title(p_stuck)


class Partial(Collector):
    """A poll that read 8 of 10 reported comments (an API limit) and saw one withheld placeholder."""

    type = "partial"

    def __init__(self, name: str, cfg: Any) -> None:
        self.name = name
        self.cfg = cfg

    def poll(self, cursor: dict[str, Any]) -> Batch:
        cov = Coverage(reported=10, read=8)
        cov.gap("replies beyond max_reply_pages or refused (API limit)", 2)
        cov.gap("withheld")
        cov.limits.append("comment edits (no edit field)")
        return Batch(posts=[], cursor={"n": cursor.get("n", 0) + 1}, exhausted=True, coverage=cov)


def test_coverage_is_summed_into_the_checkpoint_and_shown(store: SqliteStore, base_config: dict[str, Any]) -> None:
    cfg = parse_config(base_config)
    col = Partial("yt", cfg)
    pipe = Pipeline(cfg, store, analyzer=object(), collectors=[col])  # no post reaches the analyzer
    state = _SourceState(col)
    for _ in range(2):
        pipe.step(state)
    cp = store.checkpoints.get("yt")
    assert (cp.reported, cp.read) == (20, 16)
    assert cp.gaps == {"replies beyond max_reply_pages or refused (API limit)": 4, "withheld": 2}
    [row] = health_report(store)
    assert row["coverage"] == ("16 of 20 read (80 %); not collected: 4 replies beyond max_reply_pages or refused "
                               "(API limit), 2 withheld; not visible: comment edits (no edit field)")
    assert cp.limits == ["comment edits (no edit field)"]  # the latest poll's, not summed
    assert Checkpoint.from_doc(cp.to_doc()) == cp  # kept across restarts, and on every backend (same document)
    assert health_report(store, now=utcnow())[0]["gaps"] == cp.gaps


def test_sources_command_shows_coverage(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pvwatch.app.main import app

    (tmp_path / "config.toml").write_text(f'[storage]\npath = "{tmp_path / "s.db"}"\n', encoding="utf-8")
    store = SqliteStore(tmp_path / "s.db")
    store.checkpoints.save(Checkpoint("yt", last_success=utcnow(), reported=603, read=187,
                                      gaps={"replies beyond max_reply_pages or refused (API limit)": 416}))
    store.close()
    out = CliRunner().invoke(app, ["sources", "-c", str(tmp_path / "config.toml"), "--json"])
    assert out.exit_code == 0, out.output
    [row] = json.loads(out.output)
    assert row["coverage"].startswith("187 of 603 read (31 %); not collected: 416 replies beyond")
    table = CliRunner().invoke(app, ["sources", "-c", str(tmp_path / "config.toml")],
                                env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "187 of 603 read" in table.output
