"""Retention and erasure over the `Store` interface (any backend).

- `purge`: non-AE items older than [retention] non_ae_days are deleted. Items the PV system must keep
  (a case_id, status confirmed/escalated) stay for ae_years (GVP Module VI: PV data live as long as the
  product's authorisation plus 10 years), then are anonymised, not deleted, so the case keeps its source
  reference. Items flagged as a possible adverse event that nobody has reviewed yet are kept: deleting them
  would lose a potential ICSR; they fall under the short period once a reviewer dismisses them.
- `erase_author`: a data subject's erasure request (GDPR Art. 17). Deletes the author's items, except those
  the PV obligation covers (Art. 17(3)(b)), for which the refusal is recorded.
Every change and every refusal leaves an audit record; audit records never contain post text or handles.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pvwatch.config import RetentionConfig
from pvwatch.item_links import forget_item
from pvwatch.models import AuditRecord, Item, ItemStatus, as_utc, flags_of, utcnow
from pvwatch.storage.base import Store

PV_STATUSES = frozenset({ItemStatus.confirmed, ItemStatus.escalated})
ANONYMISED = "[anonymised after the retention period]"


def pv_linked(item: Item) -> bool:
    """Kept under pharmacovigilance law: part of a case or confirmed as an adverse event."""
    return item.case_id is not None or item.status in PV_STATUSES


def pending_pv_review(item: Item) -> bool:
    """Flagged as a possible adverse event or special situation and not reviewed yet."""
    a = item.analysis
    return item.status == ItemStatus.new and (a.adverse_event.decision or bool(a.special_situations))


@dataclass
class Report:
    """What a purge or erasure did (or would do, in a dry run)."""

    run_id: str
    dry_run: bool
    deleted: list[str] = field(default_factory=list)
    anonymised: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    kept_pending_review: list[str] = field(default_factory=list)
    scanned: int = 0

    def counts(self) -> dict[str, int]:
        return {"scanned": self.scanned, "deleted": len(self.deleted), "anonymised": len(self.anonymised),
                "refused": len(self.refused), "kept_pending_review": len(self.kept_pending_review)}


def _age_from(item: Item) -> datetime:
    return as_utc(item.day_zero or item.post.collected_at)


def _summary(item: Item) -> dict[str, Any]:
    """What the audit may say about an item: its state, never its content."""
    return {"status": item.status.value, "flags": [f.value for f in item.flags], "case_id": item.case_id,
            "collected_at": item.post.collected_at.isoformat(), "platform": item.post.platform}


def anonymise(item: Item) -> Item:
    """The item without anything that identifies a person: text, author, URL, raw payload, PD findings."""
    post = item.post.model_copy(update={"text": ANONYMISED, "author": None, "url": None, "raw": None})
    analysis = item.analysis.model_copy(update={"personal_data": [], "gdpr_categories": []})
    for ev in analysis.adverse_event.evidence:  # evidence spans quote the text
        ev.text = ""
    return item.model_copy(update={"post": post, "analysis": analysis, "flags": flags_of(analysis),
                                   "notes": [], "assignee": None})


def purge(store: Store, cfg: RetentionConfig, *, now: datetime | None = None, dry_run: bool = False,
          actor: str = "system:retention") -> Report:
    now = as_utc(now or utcnow())
    short = now - timedelta(days=cfg.non_ae_days)
    long = now - timedelta(days=365 * cfg.ae_years)
    report = Report(run_id=uuid.uuid4().hex, dry_run=dry_run)
    for item in list(store.items.iter_all()):
        report.scanned += 1
        if pv_linked(item):
            if _age_from(item) < long and item.post.text != ANONYMISED:
                report.anonymised.append(item.key)
                if not dry_run:
                    with store.transaction():  # audit first: without transactions a crash leaves no unaudited change
                        _audit(store, actor, "retention.anonymise", item, report.run_id,
                               f"PV-linked item older than {cfg.ae_years} years")
                        store.items.update(anonymise(item))
        elif pending_pv_review(item):
            if as_utc(item.post.collected_at) < short:
                report.kept_pending_review.append(item.key)
        elif as_utc(item.post.collected_at) < short:
            report.deleted.append(item.key)
            if not dry_run:
                with store.transaction():
                    _audit(store, actor, "retention.delete", item, report.run_id,
                           f"non-AE item older than {cfg.non_ae_days} days")
                    _delete(store, item.key)
    if not dry_run:
        store.audit.append(AuditRecord(actor=actor, action="retention.purge", entity="retention",
                                       entity_id=report.run_id, after={**report.counts(),
                                       "non_ae_days": cfg.non_ae_days, "ae_years": cfg.ae_years}))
    return report


def erase_author(store: Store, matches: Callable[[Item], bool], subject_ref: str, *, dry_run: bool = False,
                 actor: str = "system:erasure") -> Report:
    """Delete every item `matches` selects, except PV-linked or pending-review ones (refused, recorded).

    `subject_ref` identifies the request in the audit (a pseudonym, never the clear handle)."""
    report = Report(run_id=uuid.uuid4().hex, dry_run=dry_run)
    for item in list(store.items.iter_all()):
        report.scanned += 1
        if not matches(item):
            continue
        if pv_linked(item) or pending_pv_review(item):
            report.refused.append(item.key)
            if not dry_run:
                reason = ("part of a PV case or a confirmed adverse event: kept under GDPR Art. 17(3)(b)"
                          if pv_linked(item) else "possible adverse event awaiting PV review; review it, then retry")
                _audit(store, actor, "privacy.erase.refused", item, report.run_id, reason)
            continue
        report.deleted.append(item.key)
        if not dry_run:
            with store.transaction():
                _audit(store, actor, "privacy.erase.delete", item, report.run_id, "erasure request (GDPR Art. 17)")
                _delete(store, item.key)
    if not dry_run:
        store.audit.append(AuditRecord(actor=actor, action="privacy.erase", entity="subject",
                                       entity_id=subject_ref, after={**report.counts(), "run_id": report.run_id}))
    return report


def _delete(store: Store, key: str) -> None:
    """The item and every kv document naming it. Links first: without transactions (Elasticsearch) a crash in
    between leaves the item, which the next run deletes again, never orphaned links nobody would find."""
    forget_item(store, key)
    store.items.delete(key)


def _audit(store: Store, actor: str, action: str, item: Item, run_id: str, reason: str) -> None:
    store.audit.append(AuditRecord(actor=actor, action=action, entity="item", entity_id=item.key,
                                   before=_summary(item), after={"run_id": run_id, "reason": reason}))
