"""Collectors registered by name: `type = "replay"` in config.toml picks `ReplayCollector`."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pvwatch.errors import ConfigError

if TYPE_CHECKING:
    from collectors.base import Collector
    from pvwatch.config import Config

# type name -> "module:Class"; imported lazily so a missing platform SDK only matters if used.
COLLECTORS: dict[str, str] = {
    "replay": "collectors.replay:ReplayCollector",
    "webhook": "collectors.webhook:WebhookCollector",
    "x": "collectors.x:XCollector",
    "reddit": "collectors.reddit:RedditCollector",
    "youtube": "collectors.youtube:YouTubeCollector",
    "meta": "collectors.meta:MetaCollector",
}


def known_types() -> set[str]:
    return set(COLLECTORS)


def collector_class(type_name: str) -> type[Collector]:
    try:
        module, cls = COLLECTORS[type_name].split(":")
    except KeyError:
        raise ConfigError(
            "sources.*.type", f"unknown collector {type_name!r}", f"use one of {sorted(COLLECTORS)}"
        ) from None
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def build_collectors(cfg: Config) -> list[Collector]:
    """Instantiate every enabled source; validation errors surface before anything starts."""
    return [
        collector_class(src.type)(name, src, cfg) for name, src in cfg.sources.items() if src.enabled
    ]
