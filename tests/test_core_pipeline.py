"""End to end: `pvwatch run` on a replay file into a temporary SQLite, with the real classifiers.

Also: killing `pvwatch run` mid-stream (SIGKILL) and restarting it loses and duplicates nothing,
and SIGTERM stops it cleanly with its checkpoint saved.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pvwatch.app.main import app
from pvwatch.config import load_config
from pvwatch.privacy import Pseudonymizer
from pvwatch.storage.base import ItemQuery
from pvwatch.storage.sqlite import SqliteStore

POSTS = [
    {"id": "p1", "lang": "fr", "author": "@marie_l",
     "text": "J'ai pris du Levothyrox et depuis j'ai des palpitations"},
    {"id": "p2", "lang": "en", "author": "bob",
     "text": "Started levothyroxine last month, now terrible headaches and hair loss"},
    {"id": "p3", "lang": "fr", "author": "@chat",
     "text": "Super soirée hier soir avec les copains, vivement le week-end !"},
    {"id": "p4", "lang": "fr", "author": "@jules",
     "text": "Appelez-moi au 06 12 34 56 78 ou écrivez à jules.martin@example.com"},
    {"id": "p5", "lang": "en", "author": "@news",
     "text": "New study on paracetamol sales in Europe published today."},
]


def _write_config(tmp_path: Path, posts_file: Path, batch_size: int = 50) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f"""
[[products]]
name = "Levothyrox"
inns = ["lévothyroxine", "levothyroxine"]

[[products]]
name = "Doliprane"
inns = ["paracétamol", "paracetamol"]

[sources.imp]
type = "replay"
path = "{posts_file.name}"
platform = "test"
batch_size = {batch_size}

[storage]
path = "store.db"

[alerts]
enabled = false

[pipeline]
poll_seconds = 0.2
""",
        encoding="utf-8",
    )
    return cfg


def _write_posts(path: Path, posts: list[dict]) -> None:
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), encoding="utf-8")


def test_run_once_lands_flagged_items_in_the_queue(tmp_path: Path) -> None:
    posts_file = tmp_path / "posts.jsonl"
    _write_posts(posts_file, POSTS)
    with posts_file.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")  # malformed lines are skipped and counted, never fatal
        fh.write(json.dumps({"id": "", "text": "no id"}) + "\n")
    cfg_path = _write_config(tmp_path, posts_file)

    result = CliRunner().invoke(app, ["run", "--once", "-c", str(cfg_path)])
    assert result.exit_code == 0, result.output
    assert "new=5" in result.output

    store = SqliteStore(tmp_path / "store.db")
    assert store.items.count() == 5
    ae = store.items.query(ItemQuery(flag="adverse_event"))
    ae_keys = {i.key for i in ae.items}
    assert {"test:p1", "test:p2"} <= ae_keys
    assert "test:p3" not in ae_keys
    p1 = store.items.get("test:p1")
    assert p1 is not None
    labels = {e.label for e in p1.analysis.adverse_event.evidence}
    assert {"drug", "reaction"} <= {lbl.lower() for lbl in labels} or len(labels) >= 2
    assert p1.day_zero is not None and p1.priority >= 1
    assert ae.items[0].priority >= 1  # adverse events come first in the queue

    pd = store.items.get("test:p4")
    assert pd is not None
    assert {"PHONE", "EMAIL"} <= {f.type for f in pd.analysis.personal_data}
    assert "personal_data" in pd.flags

    # authors are pseudonymised with the keyed hash, never stored in clear
    expected = Pseudonymizer.from_config(load_config(cfg_path)).pseudonym("test", "@marie_l")
    assert p1.post.author == expected
    cp = store.checkpoints.get("imp")
    assert cp.cursor == {"records": 7} and cp.error_count == 2 and cp.collected == 5
    ok, msg = store.audit.verify()
    assert ok, msg
    store.close()

    # a second run is a replay: nothing new, nothing duplicated
    again = CliRunner().invoke(app, ["run", "--once", "-c", str(cfg_path)])
    assert again.exit_code == 0 and "new=0" in again.output
    store = SqliteStore(tmp_path / "store.db")
    assert store.items.count() == 5
    store.close()


def _spawn(cfg: Path, once: bool) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "pvwatch", "run", "-c", str(cfg)] + (["--once"] if once else [])
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as c:
            return int(c.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _many_posts(n: int) -> list[dict]:
    base = [p["text"] for p in POSTS]
    posts = [{"id": f"m{i}", "text": f"{base[i % len(base)]} #{i}", "lang": POSTS[i % len(POSTS)]["lang"]}
             for i in range(n)]
    posts += posts[:40]  # the stream itself repeats posts: they must not be stored twice
    return posts


@pytest.mark.slow
def test_sigkill_mid_stream_then_restart_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    n = 1500
    posts_file = tmp_path / "posts.jsonl"
    _write_posts(posts_file, _many_posts(n))
    cfg = _write_config(tmp_path, posts_file, batch_size=5)
    db = tmp_path / "store.db"

    proc = _spawn(cfg, once=True)
    deadline = time.monotonic() + 120
    while _count(db) < 50 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    at_kill = _count(db)
    assert 0 < at_kill < n, f"kill must land mid-stream (stored {at_kill} of {n})"

    restart = _spawn(cfg, once=True)
    out, err = restart.communicate(timeout=300)
    assert restart.returncode == 0, err.decode()[-2000:]

    with sqlite3.connect(db) as c:
        keys = [r[0] for r in c.execute("SELECT key FROM items")]
        fts = c.execute("SELECT COUNT(*) FROM items_fts").fetchone()[0]
    assert len(keys) == len(set(keys)) == n
    assert set(keys) == {f"test:m{i}" for i in range(n)}
    assert fts == n


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_saves_the_checkpoint(tmp_path: Path) -> None:
    posts_file = tmp_path / "posts.jsonl"
    _write_posts(posts_file, _many_posts(600))
    cfg = _write_config(tmp_path, posts_file, batch_size=5)
    db = tmp_path / "store.db"
    proc = _spawn(cfg, once=False)
    deadline = time.monotonic() + 120
    while _count(db) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"seen=" in out
    store = SqliteStore(db)
    cp = store.checkpoints.get("imp")
    assert cp.cursor["records"] >= store.items.count() > 0
    actions = [r.action for r in store.audit.iter()]
    assert actions[0] == "run.start" and actions[-1] == "run.stop"
    store.close()
