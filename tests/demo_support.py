"""pytest plugin: the demo stream through the real pipeline ONCE per session (it classifies 344 posts with every
tier); tests that change the store get their own copy of it (SQLite's backup API), so none sees another's writes."""

from __future__ import annotations

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
    t0 = time.monotonic()
    cfg, counts = run_demo(tmp_path_factory.mktemp("demo"), TEMPLATE, show_progress=False)
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
