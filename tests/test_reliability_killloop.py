"""Nothing lost across SIGKILL and a full disk: 10 kills over a 5,000-post replay (half adverse events) and
one disk-full episode, with the real pipeline, the real SQLite store, the real outbox and a real HTTP receiver.

The disk is genuinely full: the store lives on a small tmpfs mounted for the test, and a ballast file fills
it until the kernel answers ENOSPC (needs root; the test is skipped elsewhere, saying so). At the end: every
post stored exactly once, every adverse-event item has exactly one delivery, delivered, and the receiver saw
each delivery id (a retry after a kill may resend an id: receivers drop those by X-Pvwatch-Delivery).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alerts_support import Receiver

N = 5000
KILLS = 10
SECRET_ENV = "PVWATCH_TEST_KILLLOOP_HOOK_SECRET"

AE = ["J'ai pris du Levothyrox et depuis j'ai des palpitations et des vertiges",
      "Started levothyroxine last month, now terrible headaches and hair loss",
      "Depuis que je prends du Doliprane j'ai des nausées et des vomissements"]
CALM = ["Super soirée hier soir avec les copains, vivement le week-end !",
        "New study on paracetamol sales in Europe published today.",
        "Quelqu'un sait à quelle heure ouvre la pharmacie du centre ?"]


def _posts() -> list[dict[str, str]]:
    out = []
    for i in range(N):
        ae = i % 2 == 0
        base = (AE if ae else CALM)[(i // 2) % 3]
        out.append({"id": f"k{i}", "text": f"{base} ({i})", "lang": "en" if "Started" in base or "study" in base
                    else "fr", "ae": "1" if ae else "0"})
    return out


@contextlib.contextmanager
def _small_disk(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("the disk-full episode mounts a small tmpfs: run as root (CI does)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path) -> Path:
    """Write a ballast file until the filesystem refuses: a genuinely full disk."""
    ballast = disk / "ballast"
    chunk = b"\0" * (256 * 1024)
    with ballast.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    with contextlib.suppress(OSError), ballast.open("ab", buffering=0) as fh:
        while True:  # the last few kilobytes too
            fh.write(b"\0" * 512)
    return ballast


def _config(tmp: Path, disk: Path, posts: Path, url: str) -> Path:
    cfg = tmp / "config.toml"
    cfg.write_text(f"""
[[products]]
name = "Levothyrox"
inns = ["lévothyroxine", "levothyroxine"]

[[products]]
name = "Doliprane"
inns = ["paracétamol", "paracetamol"]

[sources.replay]
type = "replay"
path = "{posts}"
platform = "kl"
batch_size = 20

[storage]
path = "{disk / 'store.db'}"

[classifiers]
personal_data = false   # the fast tier: this test is about storage and alerts, not detection

[pipeline]
poll_seconds = 0.2

[alerts]
enabled = true
check_seconds = 3600.0

[alerts.retry]
max_attempts = 50
backoff_seconds = 0.2
backoff_max_seconds = 2.0

[alerts.channels.hook]
type = "webhook"
url = "{url}"
secret_env = "{SECRET_ENV}"
timeout_seconds = 1.0

[[alerts.rules]]
name = "every-ae"
on = "adverse_event"
channels = ["hook"]
""", encoding="utf-8")
    return cfg


def _q(db: Path, sql: str) -> list[tuple[object, ...]]:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as c:
            return list(c.execute(sql).fetchall())
    except sqlite3.OperationalError:
        return []


def _count(db: Path) -> int:
    rows = _q(db, "SELECT COUNT(*) FROM items")
    return int(rows[0][0]) if rows else 0  # type: ignore[call-overload]


def _spawn(cfg: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, SECRET_ENV: "kill-loop-hook-secret-0123456789"}
    fh = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "pvwatch", "run", "-c", str(cfg)], stdout=fh, stderr=fh, env=env)


def _wait(cond: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 11 process starts (each loads the classifiers) on a shared 2-core machine
def test_ten_sigkills_and_a_full_disk_lose_and_duplicate_nothing(tmp_path: Path, receiver: Receiver) -> None:
    rng = random.Random(14)
    posts = _posts()
    posts_file = tmp_path / "replay.jsonl"
    posts_file.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), encoding="utf-8")
    log = tmp_path / "run.log"
    with _small_disk(tmp_path / "disk", "96m") as disk:
        db = disk / "store.db"
        cfg = _config(tmp_path, disk, posts_file, receiver.url)
        for kill in range(KILLS):
            proc = _spawn(cfg, log)
            start = _count(db)
            target = min(N - 1, start + rng.randint(150, 400))
            _wait(lambda: _count(db) >= target or proc.poll() is not None, 300, f"progress before kill {kill}")
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            if kill == KILLS // 2:  # the disk-full episode, then the kill
                ballast = _fill(disk)
                _wait(lambda: "disk is full" in log.read_text(errors="replace"), 60, "the store to report a full disk")
                time.sleep(1.0)
                assert proc.poll() is None, "a full disk must not stop the pipeline: " + log.read_text()[-3000:]
                ballast.unlink()
                before = _count(db)
                _wait(lambda: _count(db) > before + 40, 120, "the pipeline to resume by itself after the full disk")
            time.sleep(rng.random() * 0.3)  # land anywhere in a batch
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)

        final = _spawn(cfg, log)
        try:
            _wait(lambda: _count(db) >= N, 300, "every post to be stored")
            want = N // 2
            _wait(lambda: len(_q(db, "SELECT 1 FROM kv WHERE kind='alert_delivery' AND "
                                     "json_extract(doc,'$.state')='delivered'")) >= want, 300,
                  "every alert to be delivered")
        finally:
            final.send_signal(signal.SIGTERM)
            final.wait(timeout=60)

        keys = [str(r[0]) for r in _q(db, "SELECT key FROM items")]
        ae_keys = {str(r[0]) for r in _q(db, "SELECT key FROM items WHERE f_ae=1")}
        deliveries = [json.loads(str(r[0])) for r in _q(db, "SELECT doc FROM kv WHERE kind='alert_delivery'")]
    assert len(keys) == len(set(keys)) == N, "lost or duplicated items"
    assert ae_keys == {f"kl:{p['id']}" for p in posts if p["ae"] == "1"}
    per_item: dict[str, int] = {}
    for d in deliveries:
        per_item[d["subject"]] = per_item.get(d["subject"], 0) + 1
        assert d["state"] == "delivered", d
    assert set(per_item) == ae_keys and set(per_item.values()) == {1}, "every AE item alerted exactly once"
    got_ids = {r.headers.get("X-Pvwatch-Delivery") for r in receiver.got}
    assert got_ids == {d["id"] for d in deliveries}
    received_keys = [r.json()["alerts"][0]["item_key"] for r in receiver.got]
    assert set(received_keys) == ae_keys
