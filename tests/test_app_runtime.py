"""The roof's wiring: one store for the whole pipeline, the alert hooks plugged in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from collectors.webhook import WebhookCollector
from pvwatch.app.runtime import build_pipeline
from pvwatch.config import parse_config


def test_pipeline_parts_share_one_store_and_alerts_are_hooked(tmp_path: Path, base_config: dict[str, Any]) -> None:
    cfg = parse_config({**base_config, "storage": {"path": str(tmp_path / "p.db")},
                        "classifiers": {"personal_data": False},  # Presidio's load is not what this test is about
                        "sources": {"hook": {"type": "webhook", "secret_env": "PV_TEST_HOOK_SECRET"}}},
                       base_dir=tmp_path)
    with build_pipeline(cfg) as pipeline:
        (collector,) = pipeline.collectors
        assert isinstance(collector, WebhookCollector)
        assert collector._inbox() is pipeline.store  # the webhook inbox is read from the pipeline's own store
        # recorded in the transaction that stores the item (crash-safe alerts), not as an after-the-fact hook
        assert [h.__name__ for h in pipeline.recorders] == ["on_new_item"] and pipeline.hooks == []
        assert [t.__name__ for t in pipeline.tickers] == ["tick"]
