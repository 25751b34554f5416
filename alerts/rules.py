"""Which rule fires for what, and when its alert may go out (quiet hours, digest windows).

Pure functions of (rule, thing, now): no store, no clock of their own, so they are table-tested.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alerts.config import QuietHours, Rule
from pvwatch.models import Case, Item, as_utc
from pvwatch.storage.base import Checkpoint


def _products_ok(rule: Rule, products: list[str]) -> bool:
    if not rule.products:
        return True
    wanted = {p.casefold() for p in rule.products}
    return any(p.casefold() in wanted for p in products)


def match_item(rule: Rule, item: Item) -> bool:
    a = item.analysis
    if rule.on == "adverse_event":
        if not a.adverse_event.decision or a.adverse_event.score < rule.min_score:
            return False
    elif rule.on == "special_situation":
        types = {s.type for s in a.special_situations}
        if not types or (rule.situations and not types & set(rule.situations)):
            return False
    else:
        return False
    if rule.serious_only and not a.serious:
        return False
    return _products_ok(rule, a.products)


def match_case(rule: Rule, case: Case, now: datetime) -> bool:
    if not case.status.is_open or (rule.serious_only and not case.serious):
        return False
    if not case.valid:  # not yet valid: the reporting clock has not started (GVP VI.B.7)
        return False
    if not _products_ok(rule, [case.product] if case.product else []):
        return False
    due = as_utc(case.due_at)
    if rule.on == "case_overdue":
        return due <= now
    if rule.on == "case_due" and rule.due_within_days is not None:
        return now < due <= now + timedelta(days=rule.due_within_days)
    return False


def collector_stopped(rule: Rule, cp: Checkpoint, now: datetime) -> bool:
    """A source that has succeeded before and not since `stopped_after_minutes`, whether its polls fail
    (`cp.failing`: last_error_at newer than last_success, the health page's "failing") or it is stuck without
    errors ("stale"). A failure newer than a recent success ("degraded") is not an outage yet. Measured from
    the last success, like the health page; a source that never succeeded is measured from its first failure
    (`failing_since`: wrong credentials from day one mean nothing is being screened)."""
    if rule.on != "collector_stopped" or rule.stopped_after_minutes is None:
        return False
    since = cp.up_until
    return since is not None and now - as_utc(since) >= timedelta(minutes=rule.stopped_after_minutes)


def quiet_until(q: QuietHours, now: float) -> float | None:
    """End of the quiet window `now` falls in (epoch seconds), or None outside quiet hours."""
    tz = ZoneInfo(q.timezone)
    local = datetime.fromtimestamp(now, tz)
    start, end = q.times()
    t = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= t < end
        end_day = local.date()
    else:  # spans midnight
        inside = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=tz).timestamp()


def digest_window_end(minutes: int, now: float) -> float:
    """Windows aligned on the epoch: every worker and every restart agrees on which digest an alert joins."""
    size = minutes * 60
    return (math.floor(now / size) + 1) * size


def send_after(rule: Rule, now: float, serious: bool) -> tuple[float, str | None]:
    """(earliest send time, why it is held): quiet hours first, then the digest window after them."""
    at, why = now, None
    if rule.quiet_hours is not None and not (serious and rule.quiet_hours.bypass_serious):
        end = quiet_until(rule.quiet_hours, now)
        if end is not None:
            at, why = end, "quiet_hours"
    if rule.digest_minutes:
        at, why = digest_window_end(rule.digest_minutes, at), why or "digest"
    return at, why
