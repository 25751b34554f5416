"""collect -> classify -> store -> queue -> alerts.

At-least-once: a batch is stored before its cursor is saved, so a crash replays it and the idempotent
upsert drops the duplicates. Errors in one source back off that source (exponential, with jitter);
the others keep running. SIGINT/SIGTERM set `stop`; the loop finishes the batch in hand and returns.
The pipeline is handed its analyzer, collectors and hooks (the ports in pvwatch.ports); pvwatch.app builds them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pvwatch.config import Config
from pvwatch.deadletter import DeadLetters
from pvwatch.errors import PvwatchError, SourceMissing
from pvwatch.gone import record_gone
from pvwatch.models import AuditRecord, FlagType, Item, Post, day_zero_for, utcnow
from pvwatch.ports import Analyzer, Batch, Collector, ItemHook, Ticker
from pvwatch.privacy import Pseudonymizer
from pvwatch.quarantine import process_or_quarantine
from pvwatch.storage.base import Checkpoint, Store
from pvwatch.versions import record_new_version, split_versions
from pvwatch.workers import SourceLeases

log = logging.getLogger("pvwatch.pipeline")


@dataclass
class RunStats:
    seen: int = 0
    new: int = 0
    flagged: int = 0
    errors: int = 0
    quarantined: int = 0  # records and posts moved to the dead-letter store
    by_source: dict[str, int] = field(default_factory=dict)
    failing: dict[str, str] = field(default_factory=dict)  # sources whose last poll failed: their error


@dataclass
class _SourceState:
    collector: Collector
    next_at: float = 0.0
    failures: int = 0
    exhausted: bool = False
    fatal: bool = False  # its input is missing (SourceMissing): --once gives up on it at once


def backoff_seconds(failures: int, base: float = 1.0, cap: float = 300.0) -> float:
    """Exponential backoff with full jitter (AWS architecture blog's recommendation)."""
    return float(random.uniform(0, min(cap, base * 2 ** max(0, failures - 1))))


class Pipeline:
    def __init__(
        self,
        cfg: Config,
        store: Store,
        analyzer: Analyzer,
        collectors: Sequence[Collector],
        hooks: list[ItemHook] | None = None,
        tickers: list[Ticker] | None = None,
        lease: SourceLeases | None = None,
        recorders: list[ItemHook] | None = None,
    ) -> None:
        self.cfg = cfg
        self.store = store
        self.analyzer = analyzer
        self.collectors = list(collectors)
        self.pseudonymizer = Pseudonymizer.from_config(cfg)
        self.hooks: list[ItemHook] = list(hooks or [])
        # Recorders run inside the transaction that stores the batch (alerts' outbox): "item stored" and "its
        # alerts are due" commit together or not at all. They must not do network I/O, and their errors
        # roll the batch back (the source retries it) instead of being logged and forgotten.
        self.recorders: list[ItemHook] = list(recorders or [])
        self.tickers: list[Ticker] = list(tickers or [])
        self.stats = RunStats()
        self.letters = DeadLetters(store)
        # Several workers on one store (Elasticsearch): poll only the sources whose lease we hold.
        names = [c.name for c in self.collectors]
        self.lease = lease if lease is not None else SourceLeases.for_pipeline(cfg, store, names)
        store.on_replayed_new(self._replayed_new)

    # -- one batch ---------------------------------------------------------------------------
    def process(self, posts: list[Post]) -> list[Item]:
        """Classify and store posts; returns the items that were new. Hooks see new items only."""
        if not posts:
            return []
        posts = [self.pseudonymizer.protect(p) for p in posts]
        analyses = self.analyzer.analyze_posts(posts)
        new_items: list[Item] = []
        items: list[Item] = []
        for post, analysis in zip(posts, analyses, strict=True):
            item = Item.from_post(post, analysis)
            if FlagType.adverse_event in item.flags:
                item = item.model_copy(update={"day_zero": day_zero_for(post, self.cfg.cases.day_zero)})
            items.append(item)
        with self.store.transaction():  # SQLite: one transaction; Elasticsearch: alerts re-derived at start-up
            items = split_versions(self.store, items)  # a post behind a case is never changed in place
            for item, is_new in zip(items, self.store.items.upsert_many(items), strict=True):  # one bulk request
                if is_new:
                    new_items.append(item)
                    record_new_version(self.store, item)
                    for recorder in self.recorders:
                        recorder(item)
        self.stats.seen += len(items)
        self.stats.new += len(new_items)
        self.stats.flagged += sum(bool(i.flags) for i in new_items)
        for item in new_items:
            self._run_hooks(item)
        return new_items

    def _run_hooks(self, item: Item) -> None:
        for hook in self.hooks:
            try:
                hook(item)
            except Exception:  # a failing hook (alerts) must never stop collection
                log.exception("hook %s failed for %s; continuing", getattr(hook, "__name__", hook), item.key)
                self.stats.errors += 1

    def _replayed_new(self, item: Item) -> None:
        """A post spooled while the store was unreachable turned out new on replay: count it, alert on it."""
        self.stats.new += 1
        self.stats.flagged += bool(item.flags)
        for recorder in self.recorders:
            recorder(item)
        self._run_hooks(item)

    # -- one source step -----------------------------------------------------------------------
    def step(self, state: _SourceState) -> Batch | None:
        col = state.collector
        try:
            cp = self.store.checkpoints.get(col.name)
        except PvwatchError as exc:  # the store itself is failing (full disk, cluster down): retry later
            self._store_failing(state, exc)
            return None
        try:
            batch = col.poll(cp.cursor)
            for bad in batch.rejected:  # records that never became a Post: quarantined, the cursor moves on
                self.letters.add_record(col.name, bad.record, bad.reason)
            _, quarantined = process_or_quarantine(self.process, self.letters, col.name, batch.posts)
            self.stats.quarantined += quarantined + len(batch.rejected)
            if batch.gone:  # deleted/removed on the platform since collected: a note on the item, not a post
                record_gone(self.store, batch.gone)
        except SourceMissing as exc:
            self._failed(state, cp, str(exc))
            state.fatal = True  # a missing file: retrying within this run will not help (--once gives up)
            return None
        except PvwatchError as exc:
            self._failed(state, cp, str(exc))
            return None
        except Exception as exc:  # unknown failure in one source: log with traceback, back off, go on
            log.exception("source %s failed", col.name)
            self._failed(state, cp, f"{type(exc).__name__}: {exc}")
            return None
        now = utcnow()
        cp.cursor = batch.cursor
        cp.last_success = now
        cp.failing_since = None
        cp.collected += len(batch.posts)
        if batch.errors:  # skipped malformed items: the poll itself succeeded (same timestamp, not "failing")
            cp.last_error, cp.last_error_at = batch.errors[-1], now
        cp.error_count += len(batch.errors)
        cp.reported += batch.coverage.reported
        cp.read += batch.coverage.read
        for reason, n in batch.coverage.gaps.items():
            cp.gaps[reason] = cp.gaps.get(reason, 0) + n
        cp.limits = list(batch.coverage.limits)
        newest = max((p.created_at for p in batch.posts if p.created_at), default=None)
        if newest is not None:
            cp.lag_seconds = max(0.0, (now - newest).total_seconds())
        try:
            self.store.checkpoints.save(cp)
        except PvwatchError as exc:  # the batch is stored; its cursor is not: polled again (upserts are idempotent)
            self._store_failing(state, exc)
            return None
        self.stats.by_source[col.name] = self.stats.by_source.get(col.name, 0) + len(batch.posts)
        self.stats.failing.pop(col.name, None)
        state.failures = 0
        state.fatal = False
        state.exhausted = batch.exhausted
        pause = batch.wait_seconds or (self.cfg.pipeline.poll_seconds if batch.exhausted else 0.0)
        state.next_at = time.monotonic() + pause
        return batch

    def _finished_elsewhere(self, state: _SourceState) -> bool:
        return self.lease is not None and self.lease.finished(state.collector.name)

    def _failed(self, state: _SourceState, cp: Checkpoint, message: str) -> None:
        cp.error_count += 1
        cp.last_error = message[:500]
        cp.last_error_at = utcnow()
        if cp.failing_since is None:
            cp.failing_since = cp.last_error_at
        try:
            self.store.checkpoints.save(cp)
        except PvwatchError as exc:  # the store itself is failing (full disk): keep running, retry later
            log.error("source %s: could not record its error in the store: %s", state.collector.name, exc)
        log.warning("source %s: %s (retry in %.1fs)", state.collector.name, message, self._back_off(state, message))

    def _store_failing(self, state: _SourceState, exc: PvwatchError) -> None:
        """The store refused the source's checkpoint (a full disk): a source error that nothing can record yet;
        the source backs off and retries, the process keeps running."""
        delay = self._back_off(state, str(exc))
        log.error("source %s: the store refused its checkpoint: %s (retry in %.1fs)", state.collector.name, exc,
                  delay)

    def _back_off(self, state: _SourceState, message: str) -> float:
        """Count a failure of the source and schedule its retry; returns the delay."""
        state.failures += 1
        self.stats.errors += 1
        self.stats.failing[state.collector.name] = message[:500]
        delay = backoff_seconds(state.failures)
        state.next_at = time.monotonic() + delay
        return delay

    # -- the loop --------------------------------------------------------------------------------
    def run(
        self,
        stop: threading.Event,
        once: bool = False,
        on_batch: Callable[[str, Batch], None] | None = None,
    ) -> RunStats:
        """Poll every source until `stop` is set; with once=True, return when all sources are exhausted."""
        states = [_SourceState(c) for c in self.collectors]
        self.store.audit.append(AuditRecord(actor="system", action="run.start", entity="pipeline", entity_id="run",
                                            after={"sources": [c.name for c in self.collectors]}))
        try:
            while not stop.is_set():
                if self.lease is not None:
                    self.lease.maybe_refresh()  # heartbeat even while every source waits
                if once and all(s.exhausted or s.fatal or s.failures >= 5 or self._finished_elsewhere(s)
                                for s in states):
                    break
                now = time.monotonic()
                ready = [s for s in states if s.next_at <= now and not (once and (s.exhausted or s.fatal))]
                if self.lease is not None:
                    ready = [s for s in ready if self.lease.owns(s.collector.name)]
                for s in ready:
                    if stop.is_set():
                        break
                    batch = self.step(s)
                    if batch is not None and on_batch is not None:
                        on_batch(s.collector.name, batch)
                    if once and batch is not None and batch.exhausted and self.lease is not None:
                        self.lease.mark_finished(s.collector.name)
                for tick in self.tickers:
                    try:
                        tick()
                    except Exception:
                        log.exception("periodic task failed; continuing")
                if not ready:
                    pending = [s.next_at for s in states if not (once and (s.exhausted or s.fatal))]
                    wait = min(pending) - time.monotonic() if pending else 0.5
                    stop.wait(max(0.05, min(wait, 1.0)))
        finally:
            for c in self.collectors:
                c.close()
            if self.lease is not None:
                self.lease.release_all()
            self.store.audit.append(AuditRecord(actor="system", action="run.stop", entity="pipeline",
                                                entity_id="run", after=self.stats.__dict__.copy()))
        return self.stats
