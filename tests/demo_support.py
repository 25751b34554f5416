"""pytest plugin: the demo stream through the real pipeline ONCE per session (it classifies 344 posts with every
tier); tests that change the store get their own copy of it (SQLite's backup API), so none sees another's writes.
Under pytest-xdist the workers share one run: the first to need it runs it under a file lock in the session's
common temp folder, the others read its store and counts (the run costs ~10 s of CPU per worker otherwise)."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pvwatch.app.demo import demo_config, run_demo
from pvwatch.cli.options import TEMPLATE
from pvwatch.config import Config


@dataclass(frozen=True)
class DemoRun:
    cfg: Config
    counts: dict[str, int]
    seconds: float  # wall time of run_demo itself


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """Read only: use `demo_copy` to change anything."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _run(tmp_path_factory.mktemp("demo"))
    shared = tmp_path_factory.getbasetemp().parent / "demo-shared"  # this session's folder common to the workers
    shared.mkdir(exist_ok=True)
    done = shared / "run.json"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this worker dies
        if done.is_file():
            rec = json.loads(done.read_text(encoding="utf-8"))
            return DemoRun(demo_config(shared, TEMPLATE), rec["counts"], rec["seconds"])
        run = _run(shared)
        done.write_text(json.dumps({"counts": run.counts, "seconds": run.seconds}), encoding="utf-8")
        return run


def _run(folder: Path) -> DemoRun:
    t0 = time.monotonic()
    cfg, counts = run_demo(folder, TEMPLATE, show_progress=False)
    return DemoRun(cfg, counts, time.monotonic() - t0)


@pytest.fixture
def demo_copy(demo_run: DemoRun, tmp_path: Path) -> Config:
    """The demo's config pointing at a private copy of its store under tmp_path."""
    cfg = demo_config(tmp_path, TEMPLATE)
    src = sqlite3.connect(demo_run.cfg.resolve(demo_run.cfg.storage.path))
    dst = sqlite3.connect(cfg.resolve(cfg.storage.path))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return cfg
