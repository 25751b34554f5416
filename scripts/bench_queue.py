"""Queue page render time with 100,000 items in SQLite (issue 5 target: under 300 ms).

Renders /queue through the real app (FastAPI TestClient: routing, session, service, store query, Jinja2,
masking) on a store seeded through the real store API, then compares with the obvious alternative in the same
run: the same app on copies of the database without the covering indexes, and without any queue index, plus a
deep OFFSET page.

    .venv/bin/python scripts/bench_queue.py [--items 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PVWATCH_SESSION_SECRET", "bench-session-secret-0123456789")

from fastapi.testclient import TestClient  # noqa: E402

from moderation.web import create_app  # noqa: E402
from pvwatch.config import parse_config  # noqa: E402
from pvwatch.models import ItemStatus, utcnow  # noqa: E402
from pvwatch.storage.sqlite import SqliteStore  # noqa: E402
from tests.moderation_helpers import PASSWORD, make_item, seed_users  # noqa: E402

PRODUCTS = ("Levothyrox", "Doliprane", "Zentravir", "Dépakine")
PLATFORMS = ("x", "reddit", "youtube", "facebook", "forum")
SCENARIOS = {
    "default (open items)": "/queue",
    "flag=adverse_event & product": "/queue?flag=adverse_event&product=Levothyrox",
    "platform & lang": "/queue?platform=reddit&lang=en",
    "age > 7 days": "/queue?age=gt7d",
    "page 500 (OFFSET 24,950)": "/queue?page=500",
}


def seed(store: SqliteStore, n: int) -> None:
    rng = random.Random(5)
    now = utcnow()
    t0 = time.perf_counter()
    for i in range(n):
        product = rng.choice(PRODUCTS)
        ae = rng.random() < 0.3
        pd = rng.random() < 0.15
        text = f"Post {i}: depuis le {product} j'ai des vertiges et de la fatigue, merci de vos conseils. " * 2
        if pd:
            text += " Contactez Marie Durand au 06 12 34 56 78."
        item = make_item(
            str(i), text, ae=ae, products=(product,), reactions=("vertiges",) if ae else (),
            pd=(("PERSON", "Marie Durand"), ("PHONE", "06 12 34 56 78")) if pd else (),
            serious=("hospitalisation",) if ae and rng.random() < 0.2 else (),
            platform=rng.choice(PLATFORMS), lang=rng.choice(("fr", "en")),
            collected_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
        )
        if rng.random() < 0.3:
            item = item.model_copy(update={"status": ItemStatus.dismissed})
        store.items.upsert(item)
    print(f"seeded {n} items via store.items.upsert in {time.perf_counter() - t0:.1f}s", flush=True)


def login(client: TestClient) -> None:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": "social_moderator", "password": PASSWORD, "login_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def measure(client: TestClient, url: str, runs: int) -> tuple[float, float]:
    client.get(url)  # warm-up (template compilation, first import of the redaction policy)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200 and "<table class=\"queue\">" in r.text
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


COVERING = ("items_cover", "items_cover_status")
QUEUE = ("items_queue", "items_status_queue", "items_collected")


def copy_without(src: Path, dst: Path, drop: tuple[str, ...]) -> SqliteStore:
    """The same data with some indexes dropped (after opening: the schema script would re-create them)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    store = SqliteStore(dst)
    for name in drop:
        store.db.conn.execute(f"DROP INDEX IF EXISTS {name}")
    return store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pvwatch-bench-"))
    cfg = parse_config({"products": [{"name": p} for p in PRODUCTS], "alerts": {"enabled": False}}, base_dir=tmp)
    store = SqliteStore(tmp / "bench.db")
    seed_users(store)
    seed(store, args.items)
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    variants = {
        "pvwatch (covering indexes)": store,
        "without covering indexes": copy_without(tmp / "bench.db", tmp / "plain.db", COVERING),
        "no queue indexes at all": copy_without(tmp / "bench.db", tmp / "naive.db", COVERING + QUEUE),
    }
    results = {}
    for label, st in variants.items():
        client = TestClient(create_app(cfg, st))
        login(client)
        results[label] = {name: measure(client, url, args.runs) for name, url in SCENARIOS.items()}
    print(f"\n{args.items} items, {args.runs} requests per row, {os.cpu_count()} cores; ms p50 / p95")
    print(f"| scenario | {' | '.join(results)} |")
    print("|---|" + "---|" * len(results))
    for name in SCENARIOS:
        cells = [f"{results[k][name][0]:.0f} / {results[k][name][1]:.0f}" for k in results]
        print(f"| {name} | {' | '.join(cells)} |")
    for st in variants.values():
        st.close()


if __name__ == "__main__":
    main()
