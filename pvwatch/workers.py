"""Several `pvwatch run` workers on one store: each source is polled by exactly one live worker.

Leases are kv documents (kind "lease", id = source name) written by compare-and-set, so two workers can never
both believe they hold a source. Each worker heartbeats a "worker" document; every `ttl/3` seconds it renews
its leases, takes free or expired ones up to its fair share (sources / live workers) and hands back extras so
a newly started worker gets work. A worker that dies stops renewing: after `ttl` its sources are taken over
from their last checkpoint (at-least-once; the idempotent upsert removes the replayed posts).

Expiry uses wall-clock time: workers on several machines need synchronised clocks (NTP), as Kibana does.
With `--once`, a worker marks a source finished when it is exhausted, so the others know the run is over.
"""

from __future__ import annotations

import logging
import math
import os
import random
import socket
import time
from collections.abc import Callable
from typing import Any

from pvwatch.config import Config
from pvwatch.errors import ConflictError, StorageError
from pvwatch.storage.base import Store

log = logging.getLogger("pvwatch.workers")

LEASE = "lease"
WORKER = "worker"


def worker_id() -> str:
    return os.environ.get("PVWATCH_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}"


class SourceLeases:
    def __init__(self, store: Store, sources: list[str], me: str | None = None, ttl: float = 30.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.sources = sorted(sources)
        self.me = me or worker_id()
        self.ttl = ttl
        self.clock = clock
        self.started_at = clock()
        self.held: set[str] = set()
        self.docs: dict[str, dict[str, Any]] = {}  # last lease documents seen, for finished()
        self._next_refresh = 0.0

    @classmethod
    def for_pipeline(cls, cfg: Config, store: Store, sources: list[str]) -> SourceLeases | None:
        """Leases only where workers can share a store: the Elasticsearch backend."""
        if cfg.storage.backend != "elasticsearch":
            return None
        return cls(store, sources, ttl=cfg.storage.elasticsearch.lease_seconds)

    # -- what the pipeline asks ---------------------------------------------------------------------
    def owns(self, source: str) -> bool:
        self.maybe_refresh()
        return source in self.held

    def finished(self, source: str) -> bool:
        """Some worker of this run exhausted the source (only marked by `--once` runs)."""
        doc = self.docs.get(source) or {}
        return float(doc.get("finished_at") or 0) >= self.started_at

    def mark_finished(self, source: str) -> None:
        if source in self.held:
            self._write(source, finished=True)

    # -- the protocol -------------------------------------------------------------------------------
    def maybe_refresh(self) -> None:
        if time.monotonic() < self._next_refresh:
            return
        self._next_refresh = time.monotonic() + self.ttl / 3
        try:
            self.refresh()
        except StorageError as exc:  # store unreachable: keep what we hold, nobody else can take it now
            log.warning("lease refresh failed (%s); keeping %d sources until it works again", exc, len(self.held))

    def refresh(self) -> None:
        now = self.clock()
        self.store.kv.put(WORKER, self.me, {"id": self.me, "expires": now + self.ttl})
        workers = self.store.kv.list(WORKER)
        live = [w for w in workers if float(w.get("expires", 0)) > now]
        for w in workers:  # forget workers dead for long (ids are hostname-pid: one per restart)
            if float(w.get("expires", 0)) < now - 10 * self.ttl and w.get("id"):
                self.store.kv.delete(WORKER, str(w["id"]))
        share = math.ceil(len(self.sources) / max(1, len(live)))
        free: list[str] = []
        for source in self.sources:
            got = self.store.kv.get(LEASE, source)
            doc, version = got if got else ({}, 0)
            self.docs[source] = doc
            if doc.get("owner") == self.me:
                self._renew(source, doc, version)
            elif not doc.get("owner") or float(doc.get("expires", 0)) <= now:
                free.append(source)
            else:
                self.held.discard(source)  # someone else holds it (we may have lost it while stalled)
        random.shuffle(free)  # workers starting together should not all fight for the same source
        for source in free:
            if len(self.held) >= share:
                break
            self._take(source)
        extras = sorted(s for s in self.held if not self.finished(s))[share:] if len(self.held) > share else []
        for source in extras:
            self.release(source)

    def _lease_doc(self, source: str, owner: str | None, finished: bool = False) -> dict[str, Any]:
        doc = {"source": source, "owner": owner, "expires": self.clock() + self.ttl if owner else 0}
        prev = self.docs.get(source, {}).get("finished_at")
        doc["finished_at"] = self.clock() if finished else prev
        return doc

    def _renew(self, source: str, doc: dict[str, Any], version: int) -> None:
        new = self._lease_doc(source, self.me)
        try:
            self.store.kv.put(LEASE, source, new, expected_version=version)
            self.held.add(source)
            self.docs[source] = new
        except ConflictError:
            self.held.discard(source)
            log.warning("lost lease on %s to another worker", source)

    def _take(self, source: str) -> None:
        got = self.store.kv.get(LEASE, source)
        doc, version = got if got else ({}, 0)
        if doc.get("owner") not in (None, self.me) and float(doc.get("expires", 0)) > self.clock():
            return
        self.docs[source] = doc
        new = self._lease_doc(source, self.me)
        try:
            self.store.kv.put(LEASE, source, new, expected_version=version)
        except ConflictError:
            return  # another worker was faster
        self.held.add(source)
        self.docs[source] = new
        if doc.get("owner"):
            log.info("took over source %s from %s (lease expired)", source, doc["owner"])
        else:
            log.info("now polling source %s", source)

    def _write(self, source: str, finished: bool = False) -> None:
        got = self.store.kv.get(LEASE, source)
        doc, version = got if got else ({}, 0)
        if doc.get("owner") != self.me:
            self.held.discard(source)
            return
        new = self._lease_doc(source, self.me, finished)
        try:
            self.store.kv.put(LEASE, source, new, expected_version=version)
            self.docs[source] = new
        except ConflictError:
            self.held.discard(source)

    def release(self, source: str) -> None:
        if source not in self.held:
            return
        try:
            got = self.store.kv.get(LEASE, source)
            doc, version = got if got else ({}, 0)
            if doc.get("owner") == self.me:
                new = self._lease_doc(source, None)
                self.store.kv.put(LEASE, source, new, expected_version=version)
                self.docs[source] = new
        except ConflictError:
            pass  # already someone else's
        finally:
            self.held.discard(source)

    def release_all(self) -> None:
        """On a clean stop: hand every source back at once instead of making the others wait `ttl`."""
        try:
            for source in sorted(self.held):
                self.release(source)
            self.store.kv.delete(WORKER, self.me)
        except StorageError as exc:
            log.warning("could not release leases (%s); they expire in %.0fs", exc, self.ttl)
