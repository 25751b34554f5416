"""Several real `pvwatch run` workers sharing one real Elasticsearch.

Sources are split between the workers with no double collection; a worker killed with SIGKILL has its
sources taken over after the lease expires, and nothing is lost or stored twice.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pvwatch.storage.elasticsearch import ElasticsearchStore

TEXTS = [
    ("fr", "J'ai pris du Levothyrox et depuis j'ai des palpitations"),
    ("en", "Started levothyroxine last month, now terrible headaches"),
    ("fr", "Super soirée hier soir avec les copains"),
    ("en", "New study on paracetamol sales in Europe published today."),
]
SOURCES = 4

# The real pipeline needs the real classifier; until it lands in classifiers/ there is nothing to run.
pytest.importorskip("classifiers.adverse_events", reason="classifiers.adverse_events is not built yet")


def _setup(tmp_path: Path, es_url: str, prefix: str, per_source: int) -> tuple[Path, set[str]]:
    expected: set[str] = set()
    sources = ""
    for s in range(SOURCES):
        lines = []
        for i in range(per_source):
            lang, text = TEXTS[i % len(TEXTS)]
            lines.append(json.dumps({"id": f"s{s}-{i}", "lang": lang, "text": f"{text} #{s}-{i}"}))
            expected.add(f"t:s{s}-{i}")
        (tmp_path / f"s{s}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        sources += f'\n[sources.s{s}]\ntype = "replay"\npath = "s{s}.jsonl"\nplatform = "t"\nbatch_size = 5\n'
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"""
[[products]]
name = "Levothyrox"
inns = ["levothyroxine"]
{sources}
[storage]
backend = "elasticsearch"

[storage.elasticsearch]
url = "{es_url}"
index_prefix = "{prefix}"
spool_dir = "spool"
lease_seconds = 3.0

[classifiers]
personal_data = false

[alerts]
enabled = false

[pipeline]
poll_seconds = 0.2
""", encoding="utf-8")
    return cfg, expected


def _worker(cfg: Path, name: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PVWATCH_WORKER_ID": name}
    return subprocess.Popen([sys.executable, "-m", "pvwatch", "run", "--once", "-c", str(cfg)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _keys(store: ElasticsearchStore) -> list[str]:
    store.conn.es.indices.refresh(index=store.conn.index("*"))  # other processes' writes
    return [i.key for i in store.items.iter_all()]


def _count(store: ElasticsearchStore) -> int:
    try:
        store.conn.es.indices.refresh(index=store.conn.index("items"))
        return store.items.count()
    except Exception:  # index not created yet by the workers
        return 0


def _working(store: ElasticsearchStore, worker: str) -> list[str]:
    """Unfinished sources `worker` holds and has already stored posts from."""
    store.conn.es.indices.refresh(index=store.conn.index("kv"))
    try:
        leases = store.kv.list("lease", where={"owner": worker})
    except Exception:  # indexes not created yet
        return []
    return [d["source"] for d in leases
            if not d.get("finished_at") and store.checkpoints.get(d["source"]).collected > 0]


def _wait(cond: Callable[[], bool], proc: subprocess.Popen[str], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert proc.poll() is None, f"worker exited while waiting for {what}: {proc.communicate()[1][-3000:]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _seen(out: str) -> int:
    m = re.search(r"seen=(\d+)", out)
    assert m, out
    return int(m.group(1))


@pytest.mark.slow
def test_two_workers_split_sources_without_double_collection(tmp_path: Path, es_url: str, es_prefix: str,
                                                           es_store_factory: object) -> None:
    cfg, expected = _setup(tmp_path, es_url, es_prefix, per_source=60)
    workers = [_worker(cfg, "w1"), _worker(cfg, "w2")]
    outs = [w.communicate(timeout=300) for w in workers]
    for w, (out, err) in zip(workers, outs, strict=True):
        assert w.returncode == 0, err[-3000:]
    seen = [_seen(out) for out, _ in outs]
    assert sum(seen) == len(expected), f"each post is collected by exactly one worker, got {seen}"
    assert all(n > 0 for n in seen), f"both workers must get sources, got {seen}"

    store = es_store_factory(prefix=es_prefix)  # type: ignore[operator]
    keys = _keys(store)
    assert len(keys) == len(set(keys)) and set(keys) == expected
    ok, msg = store.audit.verify()
    assert ok, msg
    assert [r.action for r in store.audit.iter()].count("run.start") == 2


@pytest.mark.slow
def test_killed_worker_sources_are_taken_over_without_loss_or_duplicates(
        tmp_path: Path, es_url: str, es_prefix: str, es_store_factory: object) -> None:
    cfg, expected = _setup(tmp_path, es_url, es_prefix, per_source=200)
    store = es_store_factory(prefix=es_prefix)  # type: ignore[operator]
    victim = _worker(cfg, "victim")
    _wait(lambda: _working(store, "victim"), victim, "the victim to collect")
    survivor = _worker(cfg, "survivor")
    # Both share the run: the survivor got sources handed over, the victim still has unfinished work.
    _wait(lambda: bool(_working(store, "survivor")) and bool(_working(store, "victim")), survivor,
          "the sources to be split")
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    at_kill = _count(store)
    assert 0 < at_kill < len(expected), f"the kill must land mid-run ({at_kill} of {len(expected)})"

    out, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err[-3000:]
    assert "took over source" in err, f"the survivor must take the victim's sources over:\n{err[-3000:]}"
    keys = _keys(store)
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == expected
    leases = store.kv.list("lease")
    assert len(leases) == SOURCES and all(not d["owner"] for d in leases), "a clean stop hands leases back"
