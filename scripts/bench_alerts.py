"""Latency from a post entering the pipeline to its alert arriving at a local webhook receiver.

Real Pipeline, real default-tier classifier, real SQLite, real HTTP receiver. A paced collector emits one
demo post every `--interval` seconds (the timestamp is taken when the pipeline polls it); the receiver
notes when the alert arrives. Three modes, same posts, same run:

  background  the default: on_new_item records the delivery, a per-channel sender thread sends it
  tick        the obvious alternative: deliveries sent inline by tick() in the pipeline loop
  tick-slow   `tick` with a receiver that takes --slow seconds per request: the pipeline waits for it
  bg-slow     `background` with the same slow receiver: the pipeline does not

Usage: .venv/bin/python scripts/bench_alerts.py [--posts 80] [--interval 0.1] [--slow 0.3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("PVWATCH_PSEUDONYM_KEY", "bench-pseudonym-key-0123456789abcdef")
os.environ["PV_BENCH_SECRET"] = "bench"  # noqa: S105 - a test key for a local receiver

from alerts.service import AlertService  # noqa: E402
from collectors.base import Collector  # noqa: E402
from pvwatch.config import Config, load_config, parse_config  # noqa: E402
from pvwatch.models import Post  # noqa: E402
from pvwatch.pipeline import Pipeline  # noqa: E402
from pvwatch.ports import Analyzer, Batch  # noqa: E402
from pvwatch.storage.sqlite import SqliteStore  # noqa: E402
from tests.alerts_support import start_receiver  # noqa: E402


class Paced(Collector):
    """One post per poll, then a pause: like a live stream, one post at a time."""

    type = "bench"

    def __init__(self, posts: list[Post], interval: float, cfg: Config) -> None:
        self.name, self.cfg = "bench", cfg
        self.posts, self.interval = posts, interval
        self.emitted: dict[str, float] = {}

    def poll(self, cursor: dict[str, Any]) -> Batch:
        i = int(cursor.get("i", 0))
        if i >= len(self.posts):
            return Batch([], cursor, exhausted=True)
        post = self.posts[i]
        self.emitted[post.key] = time.monotonic()
        return Batch([post], {"i": i + 1}, exhausted=i + 1 >= len(self.posts), wait_seconds=self.interval)


def load_posts(n: int) -> list[Post]:
    rows = [json.loads(line) for line in (REPO / "pvwatch/demo/posts.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r.get("labels", {}).get("adverse_event")][:n]
    return [Post(platform="bench", id=r["id"], text=r["text"], lang=r.get("lang"), author=r.get("author"))
            for r in rows]


def run(mode: str, posts: list[Post], interval: float, slow: float, analyzer: Analyzer, base: Config) -> dict[str, Any]:
    rec = start_receiver()
    rec.delay = slow if mode.endswith("slow") else 0.0
    data = base.model_dump(exclude={"base_dir"})
    data["alerts"] = {"channels": {"hook": {"type": "webhook", "url": rec.url, "secret_env": "PV_BENCH_SECRET"}},
                      "rules": [{"name": "ae", "on": "adverse_event", "channels": ["hook"]}]}
    data["sources"] = {}
    cfg = parse_config(data)
    with tempfile.TemporaryDirectory() as tmp, SqliteStore(Path(tmp) / "b.db") as store:
        col = Paced(posts, interval, cfg)
        pipe = Pipeline(cfg, store, analyzer=analyzer, collectors=[col])
        alerts = AlertService(cfg, store, background=mode.startswith(("background", "bg")))
        pipe.hooks.append(alerts.on_new_item)
        pipe.tickers.append(alerts.tick)
        start = time.monotonic()
        pipe.run(threading.Event(), once=True)
        loop_seconds = time.monotonic() - start
        flagged = sum(1 for d in store.kv.list("alert_delivery"))
        deadline = time.monotonic() + 30
        while len(rec.got) < flagged and time.monotonic() < deadline:
            if not alerts.background:
                alerts.tick()
            time.sleep(0.01)
        alerts.close()
    assert rec.server is not None
    rec.server.shutdown()
    lat = sorted(r.at - col.emitted[r.json()["alerts"][0]["item_key"]] for r in rec.got)
    p = statistics.quantiles(lat, n=100) if len(lat) >= 2 else lat * 99
    return {"mode": mode, "alerts": len(lat), "of_flagged": flagged, "p50_ms": round(p[49] * 1000),
            "p95_ms": round(p[94] * 1000), "max_ms": round(lat[-1] * 1000) if lat else None,
            "pipeline_s": round(loop_seconds, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=80)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--slow", type=float, default=0.3)
    args = ap.parse_args()
    from classifiers.analyzer import Analyzer as DefaultAnalyzer

    base = load_config(REPO / "config.toml")
    t = time.monotonic()
    analyzer = DefaultAnalyzer.from_config(base)
    analyzer.analyze("warm-up: j'ai pris du Doliprane", "fr")
    print(f"classifier ready in {time.monotonic() - t:.1f}s; {os.cpu_count()} cores", flush=True)
    posts = load_posts(args.posts)
    print("| mode | alerts / flagged | p50 ms | p95 ms | max ms | pipeline run s |")
    print("|---|---|---|---|---|---|")
    for mode in ("background", "tick", "bg-slow", "tick-slow"):
        r = run(mode, posts, args.interval, args.slow, analyzer, base)
        print(f"| {r['mode']} | {r['alerts']} / {r['of_flagged']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} "
              f"| {r['pipeline_s']} |", flush=True)


if __name__ == "__main__":
    main()
