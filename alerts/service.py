"""Alert rules evaluated on new items and on a timer; deliveries through channels with retries."""

from __future__ import annotations

from pvwatch.config import Config
from pvwatch.models import Item
from pvwatch.storage.base import Store


class AlertService:
    def __init__(self, cfg: Config, store: Store) -> None:
        self.cfg = cfg
        self.store = store

    @classmethod
    def from_config(cls, cfg: Config, store: Store) -> AlertService:
        return cls(cfg, store)

    def on_new_item(self, item: Item) -> None:
        """Called by the pipeline for every new item (must never raise for a channel failure)."""

    def tick(self) -> None:
        """Called every loop: deadlines, digests, retries of failed deliveries."""

    def close(self) -> None:
        """Flush what can be flushed."""
