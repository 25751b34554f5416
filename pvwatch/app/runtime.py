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
        if not store.atomic:  # no transaction on this backend: re-derive what a crash may have lost
            alerts.rederive(store)
        try:
            say(f"config, secrets and store ok ({len(collectors)} sources); loading the classifiers...")
            analyzer = Analyzer.from_config(cfg)
            analyzer.warm_up(cfg.classifiers.languages)  # before any source lease is taken (pvwatch/workers.py)
            # Alerts are recorded in the transaction that stores their item (crash-safe); sending is threaded.
            yield Pipeline(cfg, store, analyzer, collectors, recorders=[alerts.on_new_item], tickers=[alerts.tick])
        finally:
            alerts.close()
    finally:
        store.close()


def replay_dead_letters(cfg: Config, source: str | None = None) -> tuple[int, int]:
    """`pvwatch quarantine --replay`: quarantined entries through the full pipeline (alerts included)."""
    from pvwatch.quarantine import replay

    with build_pipeline(cfg) as pipeline:
        parsers = {c.name: c.record_to_post for c in pipeline.collectors if hasattr(c, "record_to_post")}
        pending = pipeline.letters.list(source)
        return replay(pipeline.process, pipeline.letters, pending, parsers)
