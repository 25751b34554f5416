"""The served review UI is wired by the roof: /api/ingest (webhook collector) and platform actions are plugged in."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from moderation.web import create_app
from pvwatch.app.serve import review_app
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import make_config


def test_review_app_mounts_ingest_and_platform_actions(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    store = SqliteStore(tmp_path / "s.db")
    try:
        served, bare = review_app(cfg, store), create_app(cfg, store)
        assert served.state.queue.actions is not None and bare.state.queue.actions is None
        # the ingestion endpoint answers on the served UI (naming the missing source), not on moderation's own app
        hit = TestClient(served).post("/api/ingest/nope", content=b"{}")
        assert hit.status_code == 404 and "no enabled webhook source named 'nope'" in hit.text
        assert "webhook source" not in TestClient(bare).post("/api/ingest/nope", content=b"{}").text
    finally:
        store.close()
