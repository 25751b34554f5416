"""What the API runs: one analyzer and one ingest pipeline per server, built once (warm) and shared.

The parts come from the roof (pvwatch/app wires classifiers and alerts in): `analyzer_factory` builds the
analyzer (slow: models), `hooks_factory` the item hooks run for each new post (alert deliveries)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from pvwatch.config import Config
from pvwatch.models import Analysis, Item, Post
from pvwatch.storage.base import Store

log = logging.getLogger("pvwatch.moderation.api")


class ApiEngine:
    def __init__(self, cfg: Config, store: Store, analyzer_factory: Callable[[], Any],
                 hooks_factory: Callable[[], list[Callable[[Item], None]]] | None = None) -> None:
        self.cfg = cfg
        self.store = store
        self._make_analyzer = analyzer_factory
        self._make_hooks = hooks_factory or (lambda: [])
        self._analyzer: Any = None
        self._pipeline: Any = None
        self._lock = threading.Lock()

    def warm_up_in_background(self) -> threading.Thread:
        """Load the models while the server starts, so the first chatbot message does not wait for them."""
        def load() -> None:
            try:
                self.analyzer().warm_up(self.cfg.classifiers.languages)
            except Exception:  # the first request raises it again, with the reason, to the client and the log
                log.exception("API warm-up failed; the first API request will retry")
        thread = threading.Thread(target=load, name="pvwatch-api-warmup", daemon=True)
        thread.start()
        return thread

    def analyzer(self) -> Any:
        with self._lock:
            if self._analyzer is None:
                self._analyzer = self._make_analyzer()
            return self._analyzer

    def classify(self, text: str, lang: str | None) -> Analysis:
        result: Analysis = self.analyzer().analyze(text, lang)
        return result

    def pipeline(self) -> Any:
        analyzer = self.analyzer()
        with self._lock:
            if self._pipeline is None:
                from pvwatch.pipeline import Pipeline

                # a post from the API alerts PV like any collected post
                self._pipeline = Pipeline(self.cfg, self.store, analyzer, [], hooks=self._make_hooks())
            return self._pipeline

    def ingest(self, post: Post) -> tuple[Item, bool]:
        """Store one post as a review item (classified, pseudonymised, alerts); (item, was it new)."""
        new = self.pipeline().process([post])
        item = self.store.items.get(post.key) if not new else new[0]
        if item is None:
            raise RuntimeError(f"item {post.key} was not stored")
        return item, bool(new)
