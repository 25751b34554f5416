"""Storage backends behind one interface; `open_store` picks the one config.toml names."""

from __future__ import annotations

from pvwatch.config import Config
from pvwatch.storage.base import Store


def open_store(cfg: Config) -> Store:
    if cfg.storage.backend == "elasticsearch":
        from pvwatch.storage.elasticsearch import ElasticsearchStore

        return ElasticsearchStore.from_config(cfg)
    from pvwatch.storage.sqlite import SqliteStore

    path = cfg.resolve(cfg.storage.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStore(path)
