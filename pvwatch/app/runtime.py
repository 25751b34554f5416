"""Wiring: config -> store, analyzer, collectors, alert hooks -> a ready `Pipeline`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pvwatch.config import Config
from pvwatch.pipeline import Pipeline
from pvwatch.storage import open_store


@contextmanager
def build_pipeline(cfg: Config) -> Iterator[Pipeline]:
    """Everything is validated and built before the first post is read: a bad config starts nothing."""
    from alerts.service import AlertService
    from collectors.registry import build_collectors

    collectors = build_collectors(cfg)
    store = open_store(cfg)
    try:
        pipeline = Pipeline(cfg, store, collectors=collectors)
        alerts = AlertService.from_config(cfg, store)
        pipeline.hooks.append(alerts.on_new_item)
        pipeline.tickers.append(alerts.tick)
        try:
            yield pipeline
        finally:
            alerts.close()
    finally:
        store.close()
