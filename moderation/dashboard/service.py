"""Figures for the dashboard: flags per day, products, queue age, case deadlines, reviewer throughput."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from moderation.cases.service import CaseService
from moderation.queue.filters import STATUS_GROUPS
from pvwatch.health import health_report
from pvwatch.models import Case, FlagType, utcnow
from pvwatch.storage.base import ItemQuery, Store

log = logging.getLogger("pvwatch.moderation.dashboard")
DECISIONS = {"item.dismiss", "item.confirm", "item.escalate", "item.redact", "item.hide", "item.remove"}
# (label, from, to days, the queue's age filter for the drill-down)
AGE_BUCKETS = (("< 1 day", 0, 1, "lt1d"), ("1-7 days", 1, 7, "d1_7"), ("7-15 days", 7, 15, "d7_15"),
               ("15-30 days", 15, 30, "d15_30"), ("> 30 days", 30, None, "gt30d"))


@dataclass
class Dashboard:
    days: list[str]
    per_flag: dict[str, list[int]]
    per_product: list[tuple[str, int]]
    queue_age: list[tuple[str, int]]
    overdue: list[Case]
    due_soon: list[Case]
    throughput: list[tuple[str, int]]
    throughput_days: list[str]
    throughput_per_day: dict[str, list[int]]
    health: Any = None
    health_error: str = ""
    notes: list[str] = field(default_factory=list)


# Words the product detector may catch that name no product: never shown as one on the dashboard.
GENERIC = frozenset({
    "(none)", "", "shot", "shots", "vaccine", "vaccines", "vaccin", "vaccins", "pill", "pills", "tablet", "tablets",
    "medication", "medications", "medicine", "medicines", "drug", "drugs", "treatment", "treatments", "jab",
    "injection", "injections", "médicament", "médicaments", "medicament", "medicaments", "traitement",
    "traitements", "comprimé", "comprimés", "cachet", "cachets", "pilule", "pilules", "piqûre", "piqure", "gélule",
    "gélules", "sirop", "syrup", "dose", "doses", "generic", "générique",
})


def product_counts(counts: Counter[str], configured: list[str], limit: int = 12) -> list[tuple[str, int]]:
    """Configured products first under their configured spelling (even at zero), then other real names."""
    by_fold = {name.casefold(): name for name in configured}
    merged: Counter[str] = Counter({name: 0 for name in configured})
    for found, n in counts.items():
        merged[by_fold.get(found.casefold(), found)] += n
    first = [(name, merged[name]) for name in configured]
    others = [(name, n) for name, n in merged.most_common() if name not in by_fold.values()
              and name.casefold() not in GENERIC and n > 0]
    return (first + others)[:max(limit, len(first))]


def build_dashboard(store: Store, cases: CaseService, days: int = 30, basis: str = "posted", tz: str = "UTC",
                    configured: list[str] | None = None, cfg: Any = None) -> Dashboard:
    now = utcnow()
    local_now = now.astimezone(ZoneInfo(tz))
    day_list = [(local_now - timedelta(days=d)).strftime("%Y-%m-%d") for d in range(days - 1, -1, -1)]
    per_flag: dict[str, list[int]] = {f.value: [0] * days for f in FlagType}
    products: Counter[str] = Counter()
    index = {d: i for i, d in enumerate(day_list)}
    for row in store.items.counts_by_day(days, basis=basis, tz=tz):
        i = index.get(row["day"])
        if i is not None and row["flag"] in per_flag:
            per_flag[row["flag"]][i] += row["n"]
        if row["flag"] == FlagType.adverse_event.value:
            products[row["product"]] += row["n"]

    queue_age = []
    for label, lo, hi, _age in AGE_BUCKETS:
        q = ItemQuery(statuses=STATUS_GROUPS["open"], limit=0,
                      older_than=now - timedelta(days=lo) if lo else None,
                      newer_than=now - timedelta(days=hi) if hi else None)
        queue_age.append((label, store.items.query(q).total))

    overdue, due_soon = cases.due(within_days=3)

    since = now - timedelta(days=14)
    tp_days = [(local_now - timedelta(days=d)).strftime("%Y-%m-%d") for d in range(13, -1, -1)]
    tp_index = {d: i for i, d in enumerate(tp_days)}
    per_actor: Counter[str] = Counter()
    per_day: dict[str, list[int]] = defaultdict(lambda: [0] * len(tp_days))
    for rec in store.audit.iter():
        if rec.action in DECISIONS and rec.at >= since:
            per_actor[rec.actor] += 1
            i = tp_index.get(rec.at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d"))
            if i is not None:
                per_day[rec.action.removeprefix("item.")][i] += 1

    dash = Dashboard(day_list, per_flag, product_counts(products, configured or []), queue_age, overdue, due_soon,
                     per_actor.most_common(12), tp_days, dict(per_day))
    try:
        dash.health = health_report(store, cfg)
    except Exception as exc:  # the dashboard must still show the rest; the error is displayed, not hidden
        log.exception("collector health report failed")
        dash.health_error = f"collector health report failed: {exc}"
    return dash
