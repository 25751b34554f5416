"""pytest plugin: one real Elasticsearch (scripts/elasticsearch.sh) for the whole session.

Tests that use `es_url` are skipped, with the reason, only when the distribution cannot be obtained
(no Maven, no Maven Central); a server that was fetched but fails to start is a test failure.
The server is stopped at the end of the session unless it was already running before.
"""

from __future__ import annotations

import os
import subprocess
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "elasticsearch.sh"
PORT = os.environ.get("PVWATCH_ES_PORT", "9250")


def es_script(action: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PVWATCH_ES_PORT": PORT}
    return subprocess.run(["bash", str(SCRIPT), action], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=3) as resp:  # noqa: S310 - loopback
            return bool(resp.status == 200)
    except OSError:
        return False


MANAGED = {"yes": True}  # False when the server is not ours to stop (Docker, a developer's own)


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    url = f"http://127.0.0.1:{PORT}"
    if _healthy(url):
        MANAGED["yes"] = es_script("status").returncode == 0
        yield url  # already running (a developer's server or Docker): leave it running
        return
    fetched = es_script("fetch", timeout=900)
    if fetched.returncode != 0:
        pytest.skip(f"Elasticsearch distribution cannot be obtained (scripts/elasticsearch.sh fetch): "
                    f"{(fetched.stderr or fetched.stdout).strip()[-300:]}")
    started = es_script("start")
    assert started.returncode == 0, f"Elasticsearch did not start:\n{started.stdout[-2000:]}\n{started.stderr[-2000:]}"
    try:
        yield url
    finally:
        es_script("stop")


@pytest.fixture
def es_managed(es_url: str) -> bool:
    """True when scripts/elasticsearch.sh controls the server (tests may stop and restart it)."""
    return MANAGED["yes"]


@pytest.fixture
def es_prefix() -> str:
    return f"pvt-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def es_store_factory(es_url: str) -> Iterator[Callable[..., Any]]:
    """Builds ElasticsearchStores on fresh index prefixes; drops their indexes afterwards."""
    from pvwatch.storage.elasticsearch import ElasticsearchStore

    made: list[ElasticsearchStore] = []

    def make(prefix: str | None = None, **kwargs: Any) -> ElasticsearchStore:
        s = ElasticsearchStore(es_url, index_prefix=prefix or f"pvt-{uuid.uuid4().hex[:10]}", **kwargs)
        made.append(s)
        return s

    yield make
    for s in made:
        try:
            s.drop()
        finally:
            s.close()
