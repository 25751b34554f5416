"""Escalation makes a PV case with day zero and a due date; PV officers follow it up.

Day zero follows [cases] day_zero (GVP VI.B.7: the first day anyone in the company had the minimum information;
posting time on company-owned media). Due = day zero + serious_days (15) or non_serious_days (90).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from moderation.audit import record, snapshot
from moderation.queue.service import Actor, QueueService, decision_note
from moderation.roles import require
from pvwatch.config import Config
from pvwatch.errors import ConflictError, NotFoundError, PvwatchError
from pvwatch.models import Case, CaseStatus, FlagType, Item, ItemStatus, utcnow
from pvwatch.storage.base import Store


class CaseService:
    def __init__(self, cfg: Config, store: Store) -> None:
        self.cfg = cfg
        self.store = store
        self.queue = QueueService(cfg, store)

    def due_for(self, day_zero: datetime, serious: bool) -> datetime:
        days = self.cfg.cases.serious_days if serious else self.cfg.cases.non_serious_days
        return day_zero + timedelta(days=days)

    def _next_id(self, day: datetime) -> str:
        """Sequential ids (PV-2025-000042) with compare-and-set, safe across UI threads and processes."""
        for _ in range(50):
            found = self.store.kv.get("counter", "case")
            n, version = (int(found[0]["n"]), found[1]) if found else (0, 0)
            try:
                self.store.kv.put("counter", "case", {"n": n + 1}, expected_version=version)
            except ConflictError:
                continue
            return f"PV-{day:%Y}-{n + 1:06d}"
        raise PvwatchError("could not allocate a case id under contention; retry")

    def escalate(self, actor: Actor, key: str, version: int | None) -> Case:
        # SQLite: claim, case, counter and both audit records commit together or not at all.
        with self.store.transaction():
            return self._escalate(actor, key, version)

    def _escalate(self, actor: Actor, key: str, version: int | None) -> Case:
        require(actor.role, "escalate")
        item = self.queue.get(actor, key)
        if item.case_id:
            raise ConflictError(f"item {key} is already case {item.case_id}; open that case instead")
        day_zero = item.day_zero or self.queue.day_zero_of(item)
        serious = item.analysis.serious
        now = utcnow()
        case_id = self._next_id(now)
        note = decision_note(actor, "escalate", True, case_id=case_id)

        def change(i: Item) -> Item:
            flags = i.flags if FlagType.adverse_event in i.flags else [FlagType.adverse_event, *i.flags]
            return i.model_copy(update={"status": ItemStatus.escalated, "case_id": case_id, "flags": flags,
                                        "day_zero": i.day_zero or day_zero, "notes": [*i.notes, note]})

        # Claim the item first: its version check is what stops two reviewers making two cases.
        self.queue.apply(actor, "escalate", "item.escalate", key, version, change)
        product = item.analysis.products[0] if item.analysis.products else None
        case = Case(id=case_id, item_key=key, product=product, serious=serious,
                    day_zero=day_zero, due_at=self.due_for(day_zero, serious), created_by=actor.username,
                    created_at=now)
        case = self.store.cases.create(case)
        record(self.store, actor.username, "case.create", "case", case.id, None, snapshot(case))
        return case

    def get(self, actor: Actor, case_id: str) -> Case:
        require(actor.role, "view_cases")
        case = self.store.cases.get(case_id)
        if case is None:
            raise NotFoundError(f"no case {case_id!r}; see the case list")
        return case

    def list_cases(self, actor: Actor, status: str | None = None) -> list[Case]:
        require(actor.role, "view_cases")
        return self.store.cases.list(status=status or None)

    def due(self, within_days: int = 3) -> tuple[list[Case], list[Case]]:
        """(overdue, due soon) open cases, for the dashboard and alerts."""
        now = utcnow()
        soon_limit = now + timedelta(days=within_days)
        open_cases = [c for c in self.store.cases.list(due_before=soon_limit) if c.status.is_open]
        overdue = [c for c in open_cases if c.due_at < now]
        return overdue, [c for c in open_cases if c.due_at >= now]

    def _update(self, actor: Actor, case_id: str, version: int | None, action: str, **changes: object) -> Case:
        require(actor.role, "manage_cases")
        case = self.get(actor, case_id)
        if version is not None and version != case.version:
            raise ConflictError(f"case {case_id} was changed by someone else since you opened it; reload and redo")
        with self.store.transaction():  # the change and its audit record together (SQLite)
            saved = self.store.cases.update(case.model_copy(update=changes))
            record(self.store, actor.username, action, "case", case_id, snapshot(case), snapshot(saved))
        return saved

    def add_note(self, actor: Actor, case_id: str, version: int | None, text: str) -> Case:
        text = text.strip()[:4000]
        if not text:
            raise PvwatchError("the follow-up note is empty; write something to add")
        case = self.get(actor, case_id)
        note = {"by": actor.username, "at": utcnow().isoformat(), "text": text}
        return self._update(actor, case_id, version, "case.note", notes=[*case.notes, note])

    def set_status(self, actor: Actor, case_id: str, version: int | None, status: str) -> Case:
        try:
            new = CaseStatus(status)
        except ValueError:
            raise PvwatchError(f"unknown case status {status!r}; use one of {[s.value for s in CaseStatus]}") from None
        return self._update(actor, case_id, version, "case.status", status=new)

    def set_serious(self, actor: Actor, case_id: str, version: int | None, serious: bool) -> Case:
        """A PV officer's seriousness assessment moves the deadline."""
        case = self.get(actor, case_id)
        return self._update(actor, case_id, version, "case.seriousness", serious=serious,
                            due_at=self.due_for(case.day_zero, serious))

    def item_of(self, case: Case) -> Item | None:
        return self.store.items.get(case.item_key)


def check_item_key(item: Item | None, case: Case) -> Item:
    if item is None:
        raise NotFoundError(f"the post of case {case.id} ({case.item_key}) is no longer in the store")
    return item
