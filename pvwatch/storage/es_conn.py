"""The connection the Elasticsearch repositories share: index names, error translation, lazy refresh.

Reads by id are real-time in Elasticsearch; searches only see what the last refresh published. Each
repository marks the indexes it wrote to, and a search on a marked index refreshes it first: a process always
reads its own writes, without paying `refresh=wait_for` (up to a second) on every write.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import elasticsearch
from elasticsearch import Elasticsearch

from pvwatch.errors import ConflictError, StorageError, StoreUnavailable
from pvwatch.storage.es_mappings import INDEXES, core_analysis, full_analysis, index_mappings, template_body

log = logging.getLogger("pvwatch.storage.es")

T = TypeVar("T")


class EsConn:
    def __init__(self, client: Elasticsearch, prefix: str, url: str = "") -> None:
        self.es = client
        self.prefix = prefix
        self.url = url
        self.analysis_profile = ""
        self._dirty: set[str] = set()
        self._lock = threading.Lock()

    def index(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    # -- error translation -----------------------------------------------------------------------
    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one client call; connection problems become StoreUnavailable, 409 becomes ConflictError."""
        try:
            return fn(*args, **kwargs)
        except (elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout) as exc:
            raise StoreUnavailable(
                f"Elasticsearch at {self.url or 'the configured url'} is unreachable ({type(exc).__name__}); "
                "check that it runs and [storage.elasticsearch] url"
            ) from None
        except elasticsearch.ConflictError as exc:
            raise ConflictError(f"changed concurrently in Elasticsearch: {exc.message}") from None
        except elasticsearch.ApiError as exc:
            if exc.meta.status in (502, 503, 504, 429):
                raise StoreUnavailable(f"Elasticsearch is not ready (HTTP {exc.meta.status}); retry later") from None
            if exc.meta.status in (401, 403):
                raise StorageError(
                    f"Elasticsearch refused the request (HTTP {exc.meta.status}); set the API key in the "
                    "variable named by [storage.elasticsearch] api_key_env"
                ) from None
            raise StorageError(f"Elasticsearch error {exc.meta.status}: {exc.message}") from None

    def get(self, index: str, id: str) -> dict[str, Any] | None:
        """Real-time get: the raw hit (`_source`, `_seq_no`, `_primary_term`) or None."""

        def _get() -> dict[str, Any] | None:
            try:
                return dict(self.es.get(index=self.index(index), id=id).body)
            except elasticsearch.NotFoundError:
                return None

        return self.call(_get)

    def delete(self, index: str, id: str) -> None:
        def _delete() -> None:
            with contextlib.suppress(elasticsearch.NotFoundError):  # already gone: delete is idempotent
                self.es.delete(index=self.index(index), id=id)

        self.call(_delete)
        self.wrote(index)

    def wrote(self, index: str) -> None:
        with self._lock:
            self._dirty.add(index)

    def before_search(self, index: str, force: bool = False) -> None:
        with self._lock:
            needed = force or index in self._dirty
            self._dirty.discard(index)
        if needed:
            self.call(self.es.indices.refresh, index=self.index(index))

    # -- set-up ----------------------------------------------------------------------------------
    def _probe_analysis(self) -> dict[str, Any]:
        try:
            self.es.indices.analyze(tokenizer="standard", filter=["asciifolding", "elision"], text="l'été")
        except elasticsearch.BadRequestError:
            self.analysis_profile = "core"
            log.info("Elasticsearch has no analysis-common module: language analysers use stop words only")
            return core_analysis()
        self.analysis_profile = "full"
        return full_analysis()

    def setup(self) -> None:
        """Index templates, then the indexes themselves (idempotent; several workers may race here)."""
        def _do() -> None:
            analysis = self._probe_analysis()
            nodes = self.es.cluster.health().get("number_of_data_nodes", 1)
            replicas = 0 if nodes <= 1 else 1
            for name in INDEXES:
                self.es.indices.put_index_template(
                    name=self.index(name), **template_body(self.prefix, name, analysis, replicas)
                )
                if self.es.indices.exists(index=self.index(name)):
                    # An index made by an older version gets the fields added since (mappings only grow).
                    self.es.indices.put_mapping(index=self.index(name), **index_mappings(name))
                    continue
                try:
                    self.es.indices.create(index=self.index(name))
                except elasticsearch.BadRequestError as exc:
                    if exc.error != "resource_already_exists_exception":
                        raise

        self.call(_do)

    def drop(self) -> None:
        """Delete this prefix's indexes and templates (tests, `pvwatch migrate --replace`)."""
        def _do() -> None:
            for name in INDEXES:
                self.es.indices.delete(index=self.index(name), ignore_unavailable=True)
                if self.es.indices.exists_index_template(name=self.index(name)):
                    self.es.indices.delete_index_template(name=self.index(name))

        self.call(_do)
