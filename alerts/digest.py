"""Digest mode: alerts of a rule wait as `batched` until their window ends, then go out as one message.

The digest delivery's id is a hash of (rule, channel, window end), so a worker that crashes between
creating the digest and marking its members finds the same digest again on restart and finishes the job.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from alerts.outbox import Delivery, Outbox, State, delivery_id

log = logging.getLogger("pvwatch.alerts")


def flush_digests(outbox: Outbox, channel: str, now: float) -> tuple[int, float]:
    """Turn every batch whose window has ended into one pending digest delivery.

    Returns (digests made, end of the next window still open)."""
    groups: dict[tuple[str, float], list[Delivery]] = defaultdict(list)
    later = float("inf")
    for d in outbox.list(State.batched, channel):
        if d.next_at <= now:
            groups[(d.rule, d.next_at)].append(d)
        else:
            later = min(later, d.next_at)
    made = 0
    for (rule, window_end), members in sorted(groups.items(), key=lambda kv: kv[0][1]):
        members.sort(key=lambda d: d.created_at)
        did = delivery_id("digest", rule, channel, f"{window_end:.0f}")
        digest = Delivery(
            id=did, rule=rule, channel=channel, event=members[0].event if len({m.event for m in members}) == 1
            else "mixed", subject=f"digest:{window_end:.0f}", serious=any(m.serious for m in members),
            payload={"alerts": [m.payload for m in members]}, members=[m.id for m in members],
            created_at=now, next_at=now,
        )
        if outbox.add(digest):
            made += 1
            carried = set(digest.members)
        else:  # made before a crash: mark what it carries, send stragglers on their own
            existing = outbox.get(did)
            carried = set(existing[0].members) if existing else set()
        for m in members:
            _mark(outbox, m, did if m.id in carried else None, now)
    return made, later


def _mark(outbox: Outbox, m: Delivery, digest_id: str | None, now: float) -> None:
    got = outbox.get(m.id)
    if got is None or got[0].state != State.batched:
        return
    d, version = got
    update: dict[str, Any]
    if digest_id is not None:
        update = {"state": State.digested, "digest_id": digest_id, "held": None}
    else:
        update = {"state": State.pending, "held": None, "next_at": now}
    if outbox.save(d.model_copy(update=update), version) is None:
        log.info("batched delivery %s changed concurrently; the other worker handles it", m.id)
