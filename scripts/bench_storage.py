"""Storage benchmark: Elasticsearch bulk vs one-by-one indexing, and pipeline throughput with 1, 2, 4 workers.

    .venv/bin/python scripts/bench_storage.py [--posts 3000] [--pipeline-posts 1600]

Uses the real server of scripts/elasticsearch.sh (started and stopped here if it is not running) and the
invented demo posts (pvwatch/demo/posts.jsonl), repeated with fresh ids. Part 1 stores pre-classified items
(storage cost only), with SQLite beside it as the obvious alternative. Part 2 runs real `pvwatch run` worker
processes (real classifiers) on 8 replay sources; the clock starts when the workers have split the sources
and the posts appear, so model loading is not counted, and stops when the last post is searchable.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pvwatch.models import AdverseEvent, Analysis, Item, Post  # noqa: E402
from pvwatch.storage.base import Store  # noqa: E402
from pvwatch.storage.elasticsearch import ElasticsearchStore  # noqa: E402
from pvwatch.storage.sqlite import SqliteStore  # noqa: E402

PORT = os.environ.get("PVWATCH_ES_PORT", "9250")
URL = f"http://127.0.0.1:{PORT}"
SOURCES = 8


def script(action: str) -> int:
    env = {**os.environ, "PVWATCH_ES_PORT": PORT}
    return subprocess.run(["bash", str(REPO / "scripts/elasticsearch.sh"), action], env=env, cwd=REPO,
                          capture_output=True, check=False).returncode


def demo_records(n: int) -> list[dict[str, object]]:
    base = [json.loads(line) for line in (REPO / "pvwatch/demo/posts.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    out = []
    for i in range(n):
        rec = dict(base[i % len(base)])
        rec.pop("labels", None)
        rec["id"] = f"b{i}"
        out.append(rec)
    return out


def items(n: int) -> list[Item]:
    out = []
    for rec in demo_records(n):
        post = Post(platform=str(rec.get("platform") or "demo"), id=str(rec["id"]), text=str(rec["text"]),
                    lang=str(rec.get("lang") or "") or None, author=str(rec.get("author") or "") or None)
        ae = "Doliprane" in post.text or "Levothyrox" in post.text
        out.append(Item.from_post(post, Analysis(adverse_event=AdverseEvent(decision=ae, score=0.7),
                                                 products=["Doliprane"] if ae else [])))
    return out


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_indexing(n: int) -> list[tuple[str, int, float]]:
    data = items(n)
    rows: list[tuple[str, int, float]] = []

    def one_by_one(store: Store) -> None:
        for it in data:
            store.items.upsert(it)

    def bulk(size: int) -> Callable[[Store], None]:
        def run(store: Store) -> None:
            for i in range(0, len(data), size):
                store.items.upsert_many(data[i:i + size])
        return run

    cases: list[tuple[str, Callable[[], Store], Callable[[Store], None]]] = []
    makers: list[tuple[str, Callable[[], Store]]] = [
        ("Elasticsearch", lambda: ElasticsearchStore(URL, index_prefix=f"bench-{uuid.uuid4().hex[:8]}")),
        ("SQLite", lambda: SqliteStore(Path(tempfile.mkdtemp()) / "bench.db")),
    ]
    for label, make in makers:
        cases += [(f"{label}, one by one (`upsert`)", make, one_by_one),
                  (f"{label}, bulk of 50 (`upsert_many`, the pipeline's batch)", make, bulk(50)),
                  (f"{label}, bulk of 500 (`upsert_many`)", make, bulk(500))]
    for label, make, run in cases:
        store = make()
        try:
            secs = timed(lambda run=run, store=store: run(store))  # type: ignore[misc]
            assert store.items.count() == n, "every post must be stored"
            rows.append((label, n, secs))
            print(f"{label}: {n / secs:,.0f} posts/s", flush=True)
        finally:
            if isinstance(store, ElasticsearchStore):
                store.drop()
            store.close()
    return rows


def bench_workers(total: int, workers: int, tmp: Path) -> float:
    prefix = f"bench-w{workers}-{uuid.uuid4().hex[:6]}"
    per = total // SOURCES
    recs = demo_records(per * SOURCES)
    sources = ""
    for s in range(SOURCES):
        (tmp / f"s{s}.jsonl").write_text("", encoding="utf-8")
        sources += f'[sources.s{s}]\ntype = "replay"\npath = "s{s}.jsonl"\nbatch_size = 50\n\n'
    cfg = tmp / f"config-{workers}.toml"
    cfg.write_text(f"""[[products]]\nname = "Doliprane"\ninns = ["paracétamol"]\n\n[[products]]\nname = "Levothyrox"
inns = ["lévothyroxine"]\n\n{sources}[storage]\nbackend = "elasticsearch"\n\n[storage.elasticsearch]
url = "{URL}"\nindex_prefix = "{prefix}"\nspool_dir = "spool"\nlease_seconds = 5.0\n\n[alerts]\nenabled = false

[pipeline]\npoll_seconds = 0.2\n""", encoding="utf-8")
    env = {**os.environ, "PVWATCH_PSEUDONYM_KEY": os.environ.get("PVWATCH_PSEUDONYM_KEY", "bench-key-" + "0" * 32)}
    procs = [subprocess.Popen([sys.executable, "-m", "pvwatch", "run", "-c", str(cfg)], env={**env,
             "PVWATCH_WORKER_ID": f"w{i}"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
             for i in range(workers)]
    store = ElasticsearchStore(URL, index_prefix=prefix)
    try:
        deadline = time.monotonic() + 300
        while True:  # every worker holds its share of the sources
            store.conn.es.indices.refresh(index=store.conn.index("kv"))
            owners = [d.get("owner") for d in store.kv.list("lease")]
            if len(owners) == SOURCES and all(owners) and len(set(owners)) == workers:
                break
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), "workers did not start"
            time.sleep(0.2)
        start = time.perf_counter()
        for s in range(SOURCES):
            body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs[s * per:(s + 1) * per])
            (tmp / f"s{s}.tmp").write_text(body, encoding="utf-8")
            os.replace(tmp / f"s{s}.tmp", tmp / f"s{s}.jsonl")
        while True:
            store.conn.es.indices.refresh(index=store.conn.index("items"))
            if store.items.count() >= per * SOURCES:
                break
            assert time.monotonic() < deadline, "workers did not finish"
            time.sleep(0.1)
        secs = time.perf_counter() - start
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
        store.drop()
        store.close()
    print(f"{workers} worker(s): {per * SOURCES / secs:,.0f} posts/s", flush=True)
    return secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--pipeline-posts", type=int, default=1600)
    args = ap.parse_args()
    started_here = script("status") != 0
    if started_here and script("start") != 0:
        sys.exit("could not start Elasticsearch with scripts/elasticsearch.sh start")
    try:
        idx = bench_indexing(args.posts)
        runs = []
        with tempfile.TemporaryDirectory() as d:
            for w in (1, 2, 4):
                sub = Path(d) / f"w{w}"
                sub.mkdir()
                runs.append((w, bench_workers(args.pipeline_posts, w, sub)))
    finally:
        if started_here:
            script("stop")
    print(f"\n{os.cpu_count()} cores\n\n| store, method | posts | seconds | posts/s |\n|---|---|---|---|")
    for label, n, secs in idx:
        print(f"| {label} | {n} | {secs:.2f} | {n / secs:,.0f} |")
    print("\n| workers | posts | seconds | posts/s |\n|---|---|---|---|")
    n = args.pipeline_posts // SOURCES * SOURCES
    for w, secs in runs:
        print(f"| {w} | {n} | {secs:.2f} | {n / secs:,.0f} |")


if __name__ == "__main__":
    main()
