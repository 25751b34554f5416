"""The delivery outbox in store.kv (kind "alert_delivery"), rq-style explicit states.

    pending --claim--> sending --ok--> delivered
                          +--error--> failed (next_at = backoff) --claim--> sending ...
                          +--error, attempts used up--> dead   (`pvwatch alerts retry`, or restart)
    batched (waiting for its digest window) --flush--> digested (carried by a digest delivery)
    suppressed: recorded while [alerts] enabled = false; never sent

Ids are a hash of (rule, channel, subject), so recording the same item twice for a rule is a no-op
(dedupe). Every transition is a compare-and-set on the kv version: two workers never both claim one
delivery. A worker that dies while `sending` loses its lease, and the delivery is claimed again after
`lease_until` (at-least-once; receivers dedupe on the delivery id).
"""

from __future__ import annotations

import builtins
import enum
import hashlib
import logging
import random
from typing import Any

from pydantic import BaseModel, Field

from alerts.config import RetryConfig
from pvwatch.errors import ConflictError
from pvwatch.item_links import ALERT_DELIVERY
from pvwatch.storage.base import KeyValueRepository

log = logging.getLogger("pvwatch.alerts")

KIND = ALERT_DELIVERY.kind
_LIST_LIMIT = 10_000


class State(enum.StrEnum):
    pending = "pending"
    sending = "sending"
    delivered = "delivered"
    failed = "failed"
    dead = "dead"
    batched = "batched"
    digested = "digested"
    suppressed = "suppressed"


DUE_STATES = (State.pending, State.failed, State.sending)  # sending: only once its lease has expired
FINAL_STATES = (State.delivered, State.dead, State.digested, State.suppressed)


def delivery_id(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


class Delivery(BaseModel):
    id: str
    rule: str
    channel: str
    event: str
    subject: str  # item key, "case:ID" or "source:NAME": what the dedupe is about
    serious: bool = False
    state: State = State.pending
    payload: dict[str, Any] = Field(default_factory=dict)  # one alert; a digest carries {"alerts": [...]}
    members: list[str] = Field(default_factory=list)  # digest deliveries: the batched ids they carry
    digest_id: str | None = None  # batched deliveries: the digest that carried them
    held: str | None = None  # why next_at is in the future: quiet_hours, digest
    attempts: int = 0
    created_at: float
    next_at: float  # epoch seconds: earliest next attempt
    lease_until: float | None = None
    delivered_at: float | None = None
    last_error: str | None = None
    worker: str | None = None

    def due(self, now: float) -> bool:
        if self.state == State.sending:
            return self.lease_until is not None and self.lease_until <= now
        return self.state in DUE_STATES and self.next_at <= now


def backoff(attempts: int, retry: RetryConfig, retry_after: float | None = None) -> float:
    """Exponential with 'equal jitter' (half fixed, half random): bounded below, so tests can reason about it."""
    base = min(retry.backoff_max_seconds, retry.backoff_seconds * 2 ** max(0, attempts - 1))
    delay = base / 2 + random.uniform(0, base / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, retry.backoff_max_seconds))
    return delay


class Outbox:
    def __init__(self, kv: KeyValueRepository, retry: RetryConfig, worker: str) -> None:
        self.kv = kv
        self.retry = retry
        self.worker = worker
        self.added = 0  # deliveries this outbox recorded (start-up re-derivation reports it)

    def add(self, d: Delivery) -> bool:
        """Record a new delivery; False when one with this id exists already (dedupe)."""
        try:
            self.kv.put(KIND, d.id, d.model_dump(mode="json"), expected_version=0)
        except ConflictError:
            return False
        self.added += 1
        return True

    def get(self, id: str) -> tuple[Delivery, int] | None:
        got = self.kv.get(KIND, id)
        return (Delivery.model_validate(got[0]), got[1]) if got else None

    def save(self, d: Delivery, version: int) -> int | None:
        """Compare-and-set; None when someone else changed it first."""
        try:
            return self.kv.put(KIND, d.id, d.model_dump(mode="json"), expected_version=version)
        except ConflictError:
            return None

    def list(self, state: str | None = None, channel: str | None = None, limit: int = _LIST_LIMIT) -> list[Delivery]:
        where: dict[str, Any] = {}
        if state:
            where["state"] = state
        if channel:
            where["channel"] = channel
        return [Delivery.model_validate(doc) for doc in self.kv.list(KIND, where or None, limit=limit)]

    def counts(self, channel: str | None = None) -> dict[str, int]:
        """Deliveries per state, uncapped (`list` stops at its limit)."""
        where: dict[str, Any] = {"channel": channel} if channel else {}
        out = {s.value: self.kv.count(KIND, {**where, "state": s.value}) for s in State}
        return {k: v for k, v in out.items() if v}

    def candidates(self, channel: str, now: float) -> tuple[builtins.list[Delivery], float]:
        """Deliveries of a channel that are due now, oldest first, and the next time another one will be."""
        due: builtins.list[Delivery] = []
        later = float("inf")
        for state in DUE_STATES:
            for d in self.list(state, channel):
                if d.due(now):
                    due.append(d)
                else:
                    later = min(later, d.lease_until or d.next_at if d.state == State.sending else d.next_at)
        due.sort(key=lambda d: (not d.serious, d.created_at))  # serious first, then oldest
        return due, later

    def claim(self, id: str, now: float, lease_seconds: float) -> tuple[Delivery, int] | None:
        got = self.get(id)
        if got is None or not got[0].due(now):
            return None
        d, version = got
        d = d.model_copy(update={"state": State.sending, "attempts": d.attempts + 1, "lease_until": now + lease_seconds,
                                 "worker": self.worker})
        new_version = self.save(d, version)
        return (d, new_version) if new_version is not None else None

    def succeeded(self, d: Delivery, version: int, now: float) -> None:
        done = d.model_copy(update={"state": State.delivered, "delivered_at": now, "lease_until": None,
                                    "last_error": None, "held": None})
        if self.save(done, version) is None:
            log.warning("delivery %s was delivered but its record changed meanwhile (lease expired?)", d.id)

    def failed(self, d: Delivery, version: int, now: float, error: str, retry_after: float | None) -> Delivery:
        if d.attempts >= self.retry.max_attempts:
            nxt = d.model_copy(update={"state": State.dead, "lease_until": None, "last_error": error[:500]})
        else:
            nxt = d.model_copy(update={"state": State.failed, "lease_until": None, "last_error": error[:500],
                                       "next_at": now + backoff(d.attempts, self.retry, retry_after)})
        if self.save(nxt, version) is None:
            log.warning("delivery %s failed but its record changed meanwhile (lease expired?)", d.id)
        return nxt

    def requeue(self, d: Delivery, now: float) -> bool:
        """Dead/failed -> pending now, with a fresh attempt budget (operator action or restart)."""
        got = self.get(d.id)
        if got is None or got[0].state not in (State.dead, State.failed):
            return False
        fresh = got[0].model_copy(update={"state": State.pending, "attempts": 0, "next_at": now})
        return self.save(fresh, got[1]) is not None

    def purge(self, before: float) -> int:
        n = 0
        for state in FINAL_STATES:
            for d in self.list(state):
                if (d.delivered_at or d.created_at) < before:
                    self.kv.delete(KIND, d.id)
                    n += 1
        return n
