"""Source health from the store's checkpoints, for `pvwatch sources` and the UI.

status, from the checkpoint's last success and last error time (`Checkpoint.failing`: the latest poll failed):
- "never_run": no checkpoint, or neither success nor error yet;
- "degraded": the latest poll failed but the source succeeded within `stale_after` seconds (backing off);
- "failing": the latest poll failed and no success for `stale_after` seconds, or it never succeeded;
- "stale": no error since the last success, but no success for `stale_after` seconds (a stuck source);
- "ok".
Checkpoints written before `last_error_at` existed keep the old rule: errors plus no recent success is failing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pvwatch.models import as_utc, utcnow

if TYPE_CHECKING:
    from pvwatch.config import Config
    from pvwatch.storage.base import Checkpoint, Store


def health_report(store: Store, cfg: Config | None = None, stale_after: float | None = None,
                  now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per configured or checkpointed source: name, type, last_success, lag_seconds, error_count,
    last_error, last_error_at, collected, reported/read/gaps/coverage (what the platform says exists against
    what could be read, and why anything was not collected), quarantined (dead letters), status."""
    now = now or utcnow()
    stale = stale_after if stale_after is not None else max(600.0, 10 * (cfg.pipeline.poll_seconds if cfg else 30))
    from pvwatch.deadletter import DeadLetters

    cps = {cp.source: cp for cp in store.checkpoints.all()}
    quarantined = DeadLetters(store).counts()
    names = list(cfg.sources) if cfg else []
    names += [n for n in sorted(cps) if n not in names]
    rows = []
    for name in names:
        cp = cps.get(name)
        src = cfg.sources.get(name) if cfg else None
        row: dict[str, Any] = {
            "name": name, "type": src.type if src else None, "enabled": src.enabled if src else None,
            "last_success": cp.last_success.isoformat() if cp and cp.last_success else None,
            "lag_seconds": cp.lag_seconds if cp else None, "error_count": cp.error_count if cp else 0,
            "last_error": cp.last_error if cp else None, "collected": cp.collected if cp else 0,
            "last_error_at": cp.last_error_at.isoformat() if cp and cp.last_error_at else None,
            "reported": cp.reported if cp else 0, "read": cp.read if cp else 0,
            "gaps": dict(sorted((cp.gaps if cp else {}).items(), key=lambda kv: -kv[1])),
            "limits": list(cp.limits) if cp else [],  # what the platform does not let the source see at all
            "quarantined": quarantined.get(name, 0),  # dead letters waiting for a fix (`pvwatch quarantine`)
        }
        row["coverage"] = coverage_text(row)
        row["status"] = _status(cp, now, stale)
        rows.append(row)
    return rows


def coverage_text(row: dict[str, Any]) -> str:
    """'596 of 603 read (7 replies beyond max_reply_pages...)', or the gaps alone where the platform gives no
    count, or '' when nothing is known to be missing."""
    gaps = ", ".join(f"{n} {reason}" for reason, n in row["gaps"].items())
    limits = "".join(f"; not visible: {limit}" for limit in row.get("limits") or [])
    if row["reported"]:
        share = 100.0 * row["read"] / row["reported"]
        return (f"{row['read']} of {row['reported']} read ({share:.0f} %)" + (f"; not collected: {gaps}" if gaps
                                                                             else "") + limits)
    return ((f"not collected: {gaps}" if gaps else "") + limits).removeprefix("; ")


def _status(cp: Checkpoint | None, now: datetime, stale: float) -> str:
    if cp is None:
        return "never_run"
    if cp.last_success is None:
        return "failing" if cp.error_count or cp.last_error_at else "never_run"
    too_long = (now - as_utc(cp.last_success)).total_seconds() > stale
    if cp.failing:
        return "failing" if too_long else "degraded"
    if too_long:
        return "failing" if cp.last_error and cp.last_error_at is None else "stale"
    return "ok"
