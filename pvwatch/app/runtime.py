"""Wiring: config -> store, analyzer, collectors, alert hooks -> a ready `Pipeline`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from alerts.service import AlertService
from classifiers.analyzer import Analyzer
from collectors.registry import build_collectors
from collectors.webhook import WebhookCollector
from pvwatch.config import Config
from pvwatch.pipeline import Pipeline
from pvwatch.privacy import Pseudonymizer
from pvwatch.storage import open_store


@contextmanager
def build_pipeline(cfg: Config, say: Callable[[str], None] = lambda _m: None) -> Iterator[Pipeline]:
    """Everything is validated and built before the first post is read: a bad config starts nothing. The cheap
    checks (sources, secrets, store, alert channels) come first, so a missing key is reported in a second, not
    after the models have loaded."""
    collectors = build_collectors(cfg)
    Pseudonymizer.from_config(cfg)  # the pseudonym key, checked here; the pipeline builds its own
    store = open_store(cfg)
    for collector in collectors:
        if isinstance(collector, WebhookCollector):  # reads the inbox the endpoint fills: this store, not a second
            collector.attach_store(store)
    try:
        alerts = AlertService.from_config(cfg, store)
        try:
            say(f"config, secrets and store ok ({len(collectors)} sources); loading the classifiers...")
            analyzer = Analyzer.from_config(cfg)
            yield Pipeline(cfg, store, analyzer, collectors, hooks=[alerts.on_new_item], tickers=[alerts.tick])
        finally:
            alerts.close()
    finally:
        store.close()
