"""Several real `pvwatch run` workers (real classifiers) sharing one real Elasticsearch.

Sources are split between the workers with no double collection; a worker killed with SIGKILL has its
sources taken over after the lease expires, and nothing is lost or stored twice. The replay files start
empty and are filled once the workers have split them, so what each worker collects is deterministic.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import elasticsearch
import pytest

from pvwatch.errors import StorageError
from pvwatch.storage.elasticsearch import ElasticsearchStore

pytestmark = pytest.mark.es

TEXTS = [
    ("fr", "J'ai pris du Levothyrox et depuis j'ai des palpitations"),
    ("en", "Started levothyroxine last month, now terrible headaches"),
    ("fr", "Super soirée hier soir avec les copains"),
    ("en", "New study on paracetamol sales in Europe published today."),
]
SOURCES = 4
# Leases long enough that a worker starved by a loaded machine (a classifier batch, the first model load) still
# renews in time: otherwise the other worker rightly takes its source and the split under test is not the one
# the test set up. Only the victim of the take-over test has a short lease, so that it expires soon after the
# kill; if the loaded victim loses a source early, the survivor takes it over just the same.
LEASE_SECONDS = 30.0
VICTIM_LEASE_SECONDS = 15.0


def _setup(tmp_path: Path, es_url: str, prefix: str, per_source: int,
           lease_seconds: float = LEASE_SECONDS) -> tuple[Path, set[str], Callable[[], None]]:
    """Config with SOURCES replay files, created empty; the returned function publishes their posts."""
    expected: set[str] = set()
    contents: dict[Path, str] = {}
    sources = ""
    for s in range(SOURCES):
        lines = []
        for i in range(per_source):
            lang, text = TEXTS[i % len(TEXTS)]
            lines.append(json.dumps({"id": f"s{s}-{i}", "lang": lang, "text": f"{text} #{s}-{i}"}))
            expected.add(f"t:s{s}-{i}")
        path = tmp_path / f"s{s}.jsonl"
        path.write_text("", encoding="utf-8")
        contents[path] = "\n".join(lines) + "\n"
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
lease_seconds = {lease_seconds}

[classifiers]
personal_data = false

[alerts]
enabled = false

[pipeline]
poll_seconds = 0.2
""", encoding="utf-8")

    def publish() -> None:  # whole files at once: a collector never sees half a line
        for path, text in contents.items():
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)

    return cfg, expected, publish


def _with_lease(cfg: Path, seconds: float) -> Path:
    """The same configuration (same sources and store) with another lease duration."""
    other = cfg.with_name(f"config-lease-{seconds:g}.toml")
    text = re.sub(r"(?m)^lease_seconds = .*$", f"lease_seconds = {seconds}", cfg.read_text(encoding="utf-8"))
    other.write_text(text, encoding="utf-8")
    return other


def _worker(cfg: Path, name: str, once: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PVWATCH_WORKER_ID": name}
    args = [sys.executable, "-m", "pvwatch", "run", "-c", str(cfg)] + (["--once"] if once else [])
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _refresh(store: ElasticsearchStore) -> None:
    """Other processes' writes become searchable at the next refresh: force it."""
    with contextlib.suppress(elasticsearch.NotFoundError):  # no index yet: the workers create them
        store.conn.es.indices.refresh(index=store.conn.index("*"))


def _keys(store: ElasticsearchStore) -> list[str]:
    _refresh(store)
    return [i.key for i in store.items.iter_all()]


def _count(store: ElasticsearchStore) -> int:
    _refresh(store)
    try:
        return store.items.count()
    except StorageError:
        return 0


def _held(store: ElasticsearchStore, worker: str) -> list[str]:
    _refresh(store)
    try:
        return [d["source"] for d in store.kv.list("lease", where={"owner": worker})]
    except StorageError:
        return []


def _wait(cond: Callable[[], bool], procs: list[subprocess.Popen[str]], what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        for p in procs:
            assert p.poll() is None, f"worker exited while waiting for {what}: {p.communicate()[1][-3000:]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
    m = re.search(r"seen=(\d+)", out)
    assert m, out
    return int(m.group(1)), err


def _split(store: ElasticsearchStore, a: str, b: str) -> bool:
    return len(_held(store, a)) == len(_held(store, b)) == SOURCES // 2


@pytest.mark.slow
def test_two_workers_split_sources_without_double_collection(tmp_path: Path, es_url: str, es_prefix: str,
                                                           es_store_factory: Any) -> None:
    cfg, expected, publish = _setup(tmp_path, es_url, es_prefix, per_source=60)
    store = es_store_factory(prefix=es_prefix)
    w1, w2 = _worker(cfg, "w1"), _worker(cfg, "w2")
    _wait(lambda: _split(store, "w1", "w2"), [w1, w2], "the sources to be split")
    publish()
    _wait(lambda: _count(store) == len(expected), [w1, w2], "every post to be stored")
    (seen1, _), (seen2, _) = _stop(w1), _stop(w2)
    per_worker = len(expected) // 2
    assert (seen1, seen2) == (per_worker, per_worker), "each post is collected once, by its source's worker"
    keys = _keys(store)
    assert len(keys) == len(set(keys)) and set(keys) == expected
    ok, msg = store.audit.verify()
    assert ok, msg
    actions = [r.action for r in store.audit.iter()]
    assert actions.count("run.start") == 2 and actions.count("run.stop") == 2
    assert all(not d["owner"] for d in store.kv.list("lease")), "a clean stop hands the leases back"


@pytest.mark.slow
def test_killed_worker_sources_are_taken_over_without_loss_or_duplicates(
        tmp_path: Path, es_url: str, es_prefix: str, es_store_factory: Any) -> None:
    cfg, expected, publish = _setup(tmp_path, es_url, es_prefix, per_source=250)
    store = es_store_factory(prefix=es_prefix)
    victim, survivor = _worker(_with_lease(cfg, VICTIM_LEASE_SECONDS), "victim"), _worker(cfg, "survivor")
    _wait(lambda: _split(store, "victim", "survivor"), [victim, survivor], "the sources to be split")
    publish()
    victims = _held(store, "victim")
    _wait(lambda: any(store.checkpoints.get(s).collected > 0 for s in victims), [victim], "the victim to collect")
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    at_kill = _count(store)
    assert at_kill < len(expected), f"the kill must land mid-run ({at_kill} of {len(expected)})"

    _wait(lambda: _count(store) == len(expected), [survivor], "the survivor to finish the victim's sources")
    _, err = _stop(survivor)
    assert all(f"took over source {s} from victim" in err for s in victims), err[-3000:]
    keys = _keys(store)
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == expected
    assert store.audit.verify()[0]


@pytest.mark.slow
def test_once_workers_stop_when_every_source_is_done(tmp_path: Path, es_url: str, es_prefix: str,
                                                    es_store_factory: Any) -> None:
    cfg, expected, publish = _setup(tmp_path, es_url, es_prefix, per_source=40)
    publish()
    workers = [_worker(cfg, "a", once=True), _worker(cfg, "b", once=True)]
    outs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outs[0][1][-2000:] + outs[1][1][-2000:]
    seen = [int(re.search(r"seen=(\d+)", out).group(1)) for out, _ in outs]  # type: ignore[union-attr]
    assert sum(seen) == len(expected), f"no post is collected twice, got {seen}"
    store = es_store_factory(prefix=es_prefix)
    assert set(_keys(store)) == expected
