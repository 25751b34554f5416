"""Wiring: config -> store, analyzer, collectors, alert hooks -> a ready `Pipeline`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alerts.service import AlertService
from classifiers.analyzer import Analyzer
from collectors.registry import build_collectors
from collectors.webhook import WebhookCollector
from pvwatch.config import Config
from pvwatch.pipeline import Pipeline
from pvwatch.storage import open_store


@contextmanager
def build_pipeline(cfg: Config) -> Iterator[Pipeline]:
    """Everything is validated and built before the first post is read: a bad config starts nothing."""
    collectors = build_collectors(cfg)
    analyzer = Analyzer.from_config(cfg)
    store = open_store(cfg)
    for collector in collectors:
        if isinstance(collector, WebhookCollector):  # reads the inbox the endpoint fills: this store, not a second
            collector.attach_store(store)
    try:
        alerts = AlertService.from_config(cfg, store)
        try:
            yield Pipeline(cfg, store, analyzer, collectors, hooks=[alerts.on_new_item], tickers=[alerts.tick])
        finally:
            alerts.close()
    finally:
        store.close()
