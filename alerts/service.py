"""Alert rules evaluated on new items and on a timer; deliveries through channels with retries.

`on_new_item` only matches rules and records deliveries in the store's outbox (a few small writes), then
wakes the channel's sender thread: the pipeline never waits for a webhook or an SMTP server, and an alert
recorded before a crash is sent after the restart. One sender thread per channel, so a hanging channel
delays only itself. `tick` (called by the pipeline loop) evaluates case deadlines and stopped collectors
every `check_seconds`; with background=False (tests, the CLI) it also does the sending itself.
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.channels import Channel, DeliveryError, Message, build_channel
from alerts.config import ITEM_EVENTS, AlertsConfig, Rule
from alerts.digest import flush_digests
from alerts.outbox import Delivery, Outbox, State, delivery_id
from alerts.payload import REF_KIND, case_payload, collector_payload, item_payload, item_ref
from alerts.rules import collector_stopped, match_case, match_item, send_after
from pvwatch.config import Config
from pvwatch.models import Item
from pvwatch.storage.base import Store

log = logging.getLogger("pvwatch.alerts")

Clock = Callable[[], float]
_INF = float("inf")


class AlertService:
    rescan_seconds = 5.0  # sender threads also look at the store this often (other workers, `alerts retry`)

    def __init__(
        self,
        cfg: Config,
        store: Store,
        channels: Mapping[str, Channel] | None = None,
        clock: Clock = time.time,
        background: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.cfg = cfg
        self.acfg = AlertsConfig.of(cfg)
        self.store = store
        self.clock = clock
        self.item_rules = [r for r in self.acfg.rules if r.on in ITEM_EVENTS]
        self.timer_rules = [r for r in self.acfg.rules if r.on not in ITEM_EVENTS]
        self.channels: dict[str, Channel] = dict(channels) if channels is not None else {
            name: build_channel(name, ch.type, ch.options(), env) for name, ch in self.acfg.channels.items()
        }
        worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.outbox = Outbox(store.kv, self.acfg.retry, worker)
        self._lock = threading.Lock()
        self._fresh: dict[str, collections.deque[str]] = {n: collections.deque() for n in self.channels}
        self._next_due: dict[str, float] = dict.fromkeys(self.channels, 0.0)  # 0: look at the store first
        self._next_scan: dict[str, float] = dict.fromkeys(self.channels, 0.0)
        self._wake = {n: threading.Event() for n in self.channels}
        self._stop = threading.Event()
        self._next_check = 0.0
        self._next_purge = 0.0
        self._threads: list[threading.Thread] = []
        self._busy: set[str] = set()  # channels whose sender is in a delivery pass
        self.background = background and self.acfg.enabled
        if self.acfg.enabled and self.acfg.retry_dead_on_start:
            self.retry(states=(State.dead,))
        self._pools: dict[str, ThreadPoolExecutor] = {}
        if self.background:
            for name, channel in self.channels.items():
                workers = int(getattr(channel.options, "concurrency", 1))
                self._pools[name] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"alerts-{name}-send")
                t = threading.Thread(target=self._sender, args=(name,), name=f"alerts-{name}", daemon=True)
                t.start()
                self._threads.append(t)

    @classmethod
    def from_config(cls, cfg: Config, store: Store) -> AlertService:
        """Builds every channel now, so a missing secret stops start-up with a ConfigError."""
        return cls(cfg, store)

    # -- recording -------------------------------------------------------------------------------
    def on_new_item(self, item: Item) -> None:
        """Called by the pipeline for every new item: records deliveries and returns (no network here)."""
        if not self.item_rules:
            return
        now = self.clock()
        base_url = self.cfg.ui.base_url
        for rule in self.item_rules:
            if match_item(rule, item):
                payload = item_payload(item, rule.on, rule.name, base_url)
                if self._record(rule, item.key, payload, item.analysis.serious, now) and not payload["item_key"]:
                    # the link carries a reference; the UI resolves it here (/item?ref=...)
                    self.store.kv.put(REF_KIND, payload["item_ref"], {"key": item.key})

    def rederive(self, store: Store) -> int:
        """Record the alerts of stored items that have none (a backend without transactions, killed between
        storing an item and recording its alerts). Idempotent: delivery ids dedupe. Items older than
        `keep_days` are skipped, as their deliveries may have been purged; returns how many were recorded."""
        if not self.item_rules:
            return 0
        since = datetime.fromtimestamp(self.clock() - self.acfg.keep_days * 86400, UTC)
        before = self.outbox.added
        for item in store.items.iter_all():
            if item.flags and item.post.collected_at >= since:
                self.on_new_item(item)
        added = self.outbox.added - before
        if added:
            log.warning("recorded %d alert deliveries missing after an interrupted run", added)
        return added

    def _record(self, rule: Rule, subject: str, payload: dict[str, Any], serious: bool, now: float) -> int:
        at, held = send_after(rule, now, serious)
        state = State.batched if rule.digest_minutes else State.pending
        if not self.acfg.enabled:
            state = State.suppressed  # recorded for the record, never sent
        added = 0
        for ch in rule.channels:
            d = Delivery(id=delivery_id(rule.name, ch, subject), rule=rule.name, channel=ch, event=rule.on,
                         subject=subject, serious=serious, state=state, payload=payload, held=held,
                         created_at=now, next_at=at)
            if not self.outbox.add(d):
                continue  # already recorded for this rule: dedupe
            added += 1
            if state == State.suppressed or ch not in self.channels:
                continue
            with self._lock:
                if state == State.pending and at <= now:
                    self._fresh[ch].append(d.id)
                self._next_due[ch] = min(self._next_due[ch], at)
            if at <= now:
                self._wake[ch].set()
        return added

    # -- the timer -------------------------------------------------------------------------------
    def tick(self) -> None:
        """Cheap when nothing is due: two clock comparisons, plus the sending when background=False."""
        now = self.clock()
        if self.timer_rules and now >= self._next_check:
            self._next_check = now + self.acfg.check_seconds
            self.check_timers(now)
        if now >= self._next_purge:
            self._next_purge = now + 3600
            purged = self.outbox.purge(now - self.acfg.keep_days * 86400)
            if purged:
                log.info("purged %d alert deliveries older than %d days", purged, self.acfg.keep_days)
        if not self.background and self.acfg.enabled:
            self.deliver_due(now)

    def check_timers(self, now: float) -> int:
        """Case deadlines and stopped collectors; returns how many deliveries were recorded."""
        now_dt = datetime.fromtimestamp(now, UTC)
        base_url = self.cfg.ui.base_url
        added = 0
        case_rules = [r for r in self.timer_rules if r.on in ("case_due", "case_overdue")]
        if case_rules:
            horizon = max((r.due_within_days or 0.0) for r in case_rules)
            cases = self.store.cases.list(due_before=now_dt + timedelta(days=horizon, seconds=1))
            for rule in case_rules:
                for case in cases:
                    if match_case(rule, case, now_dt):
                        payload = case_payload(case, rule.on, rule.name, base_url, now_dt)
                        added += self._record(rule, f"case:{case.id}", payload, case.serious, now)
                        if not payload["item_key"]:
                            self.store.kv.put(REF_KIND, item_ref(case.item_key), {"key": case.item_key})
        src_rules = [r for r in self.timer_rules if r.on == "collector_stopped"]
        if src_rules:
            disabled = {n for n, s in self.cfg.sources.items() if not s.enabled}
            for cp in self.store.checkpoints.all():
                for rule in src_rules:
                    if cp.source not in disabled and collector_stopped(rule, cp, now_dt):
                        # one alert per outage: the subject names the time it is measured from
                        since = cp.up_until
                        subject = f"source:{cp.source}:{since.isoformat() if since else ''}"
                        payload = collector_payload(cp, rule.on, rule.name, base_url, now_dt)
                        added += self._record(rule, subject, payload, False, now)
        return added

    # -- sending ---------------------------------------------------------------------------------
    def deliver_due(self, now: float | None = None) -> int:
        """Send everything due on every channel (inline); returns how many were delivered."""
        return sum(self._deliver_channel(ch, now if now is not None else self.clock()) for ch in self.channels)

    def _deliver_channel(self, ch: str, now: float) -> int:
        delivered = 0
        with self._lock:
            fresh = list(self._fresh[ch])
            self._fresh[ch].clear()
            scan = now >= self._next_due[ch] or now >= self._next_scan[ch]
        delivered += self._attempt_all(ch, fresh, now)
        if not scan:
            return delivered
        with self._lock:
            self._next_scan[ch] = now + self.rescan_seconds
            self._next_due[ch] = _INF  # lowered again by what this scan finds and by concurrent records
        _, next_window = flush_digests(self.outbox, ch, now)
        due, later = self.outbox.candidates(ch, now)
        if not self._stop.is_set():
            delivered += self._attempt_all(ch, [d.id for d in due], now)
        with self._lock:
            self._next_due[ch] = min(self._next_due[ch], later, next_window)
        return delivered

    def _attempt_all(self, ch: str, ids: list[str], now: float) -> int:
        """Concurrently in background mode (claims are compare-and-set, so no delivery is sent twice)."""
        pool = self._pools.get(ch)
        if pool is None or len(ids) <= 1:
            return sum(self._attempt(ch, did, now) for did in ids)
        return sum(pool.map(lambda did: self._attempt(ch, did, now), ids))

    def _attempt(self, ch: str, did: str, now: float) -> int:
        channel = self.channels[ch]
        lease = float(getattr(channel.options, "timeout_seconds", 10.0)) + 60.0
        claimed = self.outbox.claim(did, now, lease)
        if claimed is None:
            return 0  # delivered, not yet due, or another worker has it
        d, version = claimed
        msg = Message(delivery_id=d.id, rule=d.rule, event=d.event, digest=bool(d.members),
                      alerts=list(d.payload.get("alerts", [])) if d.members else [d.payload])
        try:
            channel.send(msg)
        except Exception as exc:  # DeliveryError, or a bug in a channel: either way the alert is kept
            retry_after = exc.retry_after if isinstance(exc, DeliveryError) else None
            if not isinstance(exc, DeliveryError):
                log.exception("channel %s raised unexpectedly for delivery %s", ch, d.id)
            nxt = self.outbox.failed(d, version, self.clock(), str(exc), retry_after)
            log.warning("alert %s via %s: attempt %d failed (%s); %s", d.id, ch, d.attempts, exc,
                        "giving up (dead)" if nxt.state == State.dead else f"retry at {nxt.next_at:.0f}")
            if nxt.state == State.failed:
                with self._lock:
                    self._next_due[ch] = min(self._next_due[ch], nxt.next_at)
            return 0
        self.outbox.succeeded(d, version, self.clock())
        return 1

    def _sender(self, ch: str) -> None:
        """One thread per channel: wake on new alerts, else when the next one is due (or a rescan)."""
        while not self._stop.is_set():
            with self._lock:
                self._busy.add(ch)
            try:
                self._deliver_channel(ch, self.clock())
            except Exception:  # store hiccup: log it, keep the thread alive, try again shortly
                log.exception("alert sender for channel %s failed; retrying", ch)
                self._stop.wait(1.0)
            finally:
                with self._lock:
                    self._busy.discard(ch)
            with self._lock:
                wait = min(self._next_due[ch], self._next_scan[ch]) - self.clock()
                if self._fresh[ch]:
                    wait = 0.0
            if wait > 0:
                self._wake[ch].wait(min(wait, self.rescan_seconds))
            self._wake[ch].clear()

    # -- operations ------------------------------------------------------------------------------
    def retry(self, states: tuple[State, ...] = (State.dead, State.failed), channel: str | None = None) -> int:
        """Re-queue dead/failed deliveries now with a fresh attempt budget."""
        now = self.clock()
        n = 0
        for state in states:
            for d in self.outbox.list(state, channel):
                n += self.outbox.requeue(d, now)
        if n:
            log.info("re-queued %d alert deliveries", n)
            with self._lock:
                for ch in self._next_due:
                    self._next_due[ch] = now
            for ev in self._wake.values():
                ev.set()
        return n

    def close(self, drain_seconds: float = 2.0) -> None:
        """Give the senders a moment to send what was just recorded, then stop them; whatever is still
        pending stays in the store for the next start."""
        deadline = time.monotonic() + drain_seconds
        while self._threads and time.monotonic() < deadline:
            with self._lock:
                busy = bool(self._busy) or any(self._fresh.values())
            if not busy:
                break
            time.sleep(0.02)
        self._stop.set()
        for ev in self._wake.values():
            ev.set()
        for t in self._threads:
            t.join(timeout=2.0)
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)
        for name, channel in self.channels.items():
            if not any(t.is_alive() and t.name == f"alerts-{name}" for t in self._threads):
                channel.close()
