"""Integration API latency for one post on a warm server, side by side with the CLI (issue 16: p95 < 100 ms).

Starts the real app under uvicorn on 127.0.0.1 (real analyzer, real SQLite store, a real token), warms it up,
then times N sequential HTTP requests with one keep-alive client:
  - POST /api/v1/classify  (a chatbot asking "is this an adverse event?")
  - POST /api/v1/posts     (a message sent into the review queue: classify + pseudonymise + store + audit)
and, in the same run, the obvious alternative: one `pvwatch classify TEXT` process per message (wall time and
peak memory from /usr/bin/time -v).

    .venv/bin/python scripts/bench_api.py [--requests 300] [--cli-runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PVWATCH_SESSION_SECRET", "bench-session-secret-0123456789")
os.environ.setdefault("PVWATCH_PSEUDONYM_KEY", "bench-pseudonym-key-0123456789abcdef")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

TEXTS = [
    "Depuis que je prends du Levothyrox j'ai des vertiges et des palpitations",
    "Bonjour, quels sont vos horaires d'ouverture ?",
    "My daughter got a rash after the Doliprane syrup, should I worry?",
    "Le Doliprane marche bien pour mes maux de tête, merci",
]


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_http(n: int) -> dict[str, list[float]]:
    import httpx
    import uvicorn

    from moderation.api.tokens import ApiScope, create_token
    from moderation.api.views import mount_api
    from moderation.web import create_app
    from pvwatch.app.serve import api_engine
    from pvwatch.config import parse_config
    from pvwatch.storage.sqlite import SqliteStore

    tmp = Path(tempfile.mkdtemp(prefix="pvwatch-bench-api-"))
    cfg = parse_config({"products": [{"name": "Levothyrox"}, {"name": "Doliprane"}], "alerts": {"enabled": False},
                        "storage": {"path": str(tmp / "api.db")},
                        "api": {"rate_per_minute": 1_000_000, "burst": 100_000}}, base_dir=tmp)
    store = SqliteStore(tmp / "api.db")
    _, token = create_token(store, "bench", frozenset(ApiScope), actor="bench")
    app = create_app(cfg, store)
    mount_api(app, cfg, store, api_engine(cfg, store))
    app.state.api_engine.warm_up_in_background().join()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    times: dict[str, list[float]] = {"classify": [], "posts": []}
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
        for i in range(20):  # warm: first requests of each path, pipeline construction
            client.post("/api/v1/classify", json={"text": TEXTS[i % 4]}).raise_for_status()
            client.post("/api/v1/posts", json={"id": f"warm-{i}", "text": TEXTS[i % 4]}).raise_for_status()
        for i in range(n):
            t = time.perf_counter()
            client.post("/api/v1/classify", json={"text": TEXTS[i % 4]}).raise_for_status()
            times["classify"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            client.post("/api/v1/posts", json={"id": f"m-{i}", "text": TEXTS[i % 4]}).raise_for_status()
            times["posts"].append((time.perf_counter() - t) * 1000)
    server.should_exit = True
    store.close()
    return times


def bench_cli(runs: int) -> list[tuple[float, float]]:
    """(wall seconds, peak RSS MB) of `pvwatch classify TEXT`, one process each."""
    exe = Path(sys.executable).with_name("pvwatch")
    out = []
    for _ in range(runs):
        proc = subprocess.run(["/usr/bin/time", "-v", str(exe), "classify", TEXTS[0]], capture_output=True,
                              text=True, cwd=tempfile.gettempdir(), env={**os.environ, "PYTHONPATH": str(ROOT)})
        if proc.returncode != 0:
            raise SystemExit(f"pvwatch classify failed: {proc.stderr[-2000:]}")
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        assert wall and rss, proc.stderr
        h, m, s = int(wall.group(1) or 0), int(wall.group(2)), float(wall.group(3))
        out.append((h * 3600 + m * 60 + s, int(rss.group(1)) / 1024))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--cli-runs", type=int, default=3)
    args = ap.parse_args()
    times = bench_http(args.requests)
    print(f"HTTP, warm server, {args.requests} sequential requests each (2 cores, no GPU):")
    for name, ms in times.items():
        print(f"  POST /api/v1/{name:<9} p50 {statistics.median(ms):6.1f} ms  p95 {_pct(ms, 95):6.1f} ms  "
              f"max {max(ms):6.1f} ms")
    cli = bench_cli(args.cli_runs)
    walls = [w for w, _ in cli]
    print(f"CLI, `pvwatch classify TEXT`, {args.cli_runs} runs: wall {min(walls):.2f}-{max(walls):.2f} s, "
          f"peak RSS {max(m for _, m in cli):.0f} MB")


if __name__ == "__main__":
    main()
