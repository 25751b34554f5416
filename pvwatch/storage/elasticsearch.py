"""Elasticsearch store: several pvwatch workers and the UI share one cluster (Kibana sees the same indexes).

Indexes `<prefix>-items|checkpoints|audit|cases|kv`, created from index templates (es_mappings). The
repositories live in es_items / es_records; this module wires them, reads the configuration and puts the
spool (spool.py) in front of the pipeline's writes so an unreachable cluster loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from pvwatch.config import Config
from pvwatch.errors import ConfigError
from pvwatch.models import AuditRecord, Item
from pvwatch.storage.base import Checkpoint, Store
from pvwatch.storage.es_conn import EsConn, StoreUnavailable
from pvwatch.storage.es_items import EsItems
from pvwatch.storage.es_records import EsAudit, EsCases, EsCheckpoints, EsKV
from pvwatch.storage.spool import Spool, SpooledAudit, SpooledCheckpoints, SpooledItems

log = logging.getLogger("pvwatch.storage.es")
# The client logs every HTTP request at INFO: a worker's log would be nothing else.
logging.getLogger("elastic_transport").setLevel(logging.WARNING)


class ElasticsearchStore(Store):
    def __init__(
        self,
        url: str,
        index_prefix: str = "pvwatch",
        api_key: str | None = None,
        spool_dir: str | Path | None = None,
        request_timeout: float = 10.0,
    ) -> None:
        if not index_prefix or index_prefix != index_prefix.lower() or any(c in index_prefix for c in ' "*\\<|,>/?'):
            raise ConfigError("storage.elasticsearch.index_prefix", f"{index_prefix!r} is not a valid index name",
                              "use lower-case letters, digits and dashes")
        client = Elasticsearch(url, api_key=api_key, request_timeout=request_timeout, max_retries=1,
                               retry_on_timeout=False)
        self.url = url
        self.conn = EsConn(client, index_prefix, url)
        self._setup_done = False
        try:
            self.ensure_setup()
        except StoreUnavailable:
            if spool_dir is None:
                raise
            log.warning("Elasticsearch at %s unreachable at start; spooling writes to %s", url, spool_dir)
        self.raw_items = EsItems(self.conn)
        self.raw_checkpoints = EsCheckpoints(self.conn)
        self.raw_audit = EsAudit(self.conn)
        self.cases = EsCases(self.conn)
        self.kv = EsKV(self.conn)
        self.spool: Spool | None = None
        # Called with each spooled item found new on replay (the pipeline's alert hooks subscribe here).
        self.replayed_new: list[Callable[[Item], None]] = []
        if spool_dir is not None:
            self.spool = Spool(Path(spool_dir), self._apply, self._reachable)
            self.items = SpooledItems(self.raw_items, self.spool)
            self.checkpoints = SpooledCheckpoints(self.raw_checkpoints, self.spool)
            self.audit = SpooledAudit(self.raw_audit, self.spool)
            self.spool.replay_if_possible()  # what a previous (crashed) worker spooled on this machine
        else:
            self.items = self.raw_items
            self.checkpoints = self.raw_checkpoints
            self.audit = self.raw_audit

    @classmethod
    def from_config(cls, cfg: Config) -> ElasticsearchStore:
        es = cfg.storage.elasticsearch
        return cls(
            es.url,
            index_prefix=es.index_prefix,
            api_key=cfg.secret(es.api_key_env),
            spool_dir=cfg.resolve(es.spool_dir),
        )

    def ensure_setup(self) -> None:
        if not self._setup_done:
            self.conn.setup()
            EsKV(self.conn).backfill()  # kv documents of an older version become filterable
            self._setup_done = True

    def _reachable(self) -> bool:
        try:
            # Not ping(): `HEAD /` lives in the rest-root module, absent from minimal distributions.
            self.conn.es.cluster.health(timeout="2s")
            self.ensure_setup()
            return True
        except Exception:  # any failure here only means "not yet": the spool keeps the data
            return False

    def _apply(self, op: str, payload: dict[str, Any]) -> None:
        """Replay one spooled write against Elasticsearch (idempotent for items and checkpoints)."""
        if op == "items.upsert":
            item = Item.model_validate(payload)
            if self.raw_items.upsert(item):
                for callback in self.replayed_new:
                    callback(item)
        elif op == "checkpoints.save":
            self.raw_checkpoints.save(SpooledCheckpoints.load(payload))
        elif op == "audit.append":
            self.raw_audit.append(AuditRecord.model_validate(payload))
        else:
            raise ValueError(f"unknown spooled operation {op!r}")

    @property
    def analysis_profile(self) -> str:
        return self.conn.analysis_profile

    def drop(self) -> None:
        """Delete every index and template of this prefix (tests and `pvwatch migrate --replace`)."""
        self.conn.drop()
        self._setup_done = False

    def on_replayed_new(self, hook: Callable[[Item], None]) -> None:
        self.replayed_new.append(hook)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
        self.conn.es.close()


__all__ = ["Checkpoint", "ElasticsearchStore", "StoreUnavailable"]
