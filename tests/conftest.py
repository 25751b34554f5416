"""Shared test set-up: offline, deterministic secrets, helpers to build configs and stores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Two workers on two cores: a second BLAS thread per worker only waits for a busy core (the USE encoder
    # spent 5-7x the CPU with 2 threads). Same vectors with 1 (classifiers/ae/encoders.py blas_threads).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["PVWATCH_PSEUDONYM_KEY"] = "test-pseudonym-key-0123456789abcdef"
os.environ["PVWATCH_SESSION_SECRET"] = "test-session-secret-0123456789abcdef"

REPO = Path(__file__).resolve().parents[1]

# Configs built by tests are checked as the CLI checks them ([alerts], source types).
from pvwatch.app.config import install_feature_checks  # noqa: E402

install_feature_checks()

pytest_plugins: list[str] = []
if (REPO / "tests" / "es_fixture.py").exists():
    pytest_plugins.append("tests.es_fixture")
pytest_plugins.append("tests.alerts_support")  # the `receiver` fixture
pytest_plugins.append("tests.demo_support")  # `demo_run` (once per session) and `demo_copy`


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Any]:
    from pvwatch.storage.sqlite import SqliteStore

    s = SqliteStore(tmp_path / "t.db")
    yield s
    s.close()


@pytest.fixture
def base_config() -> dict[str, Any]:
    """A minimal valid config as a dict (products like the template's)."""
    return {
        "products": [
            {"name": "Levothyrox", "inns": ["lévothyroxine", "levothyroxine"], "misspellings": ["levotyrox"]},
            {"name": "Doliprane", "inns": ["paracétamol", "paracetamol"]},
        ],
        "alerts": {"enabled": False},
    }

