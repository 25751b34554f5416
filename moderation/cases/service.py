"""Escalation makes a PV case: its ICSR content (from what the post states), validity, day zero and due date.

Day zero (GVP VI.B.7) is the first day the company had the four minimum criteria (GVP VI.B.2). A case that
lacks one is "not yet valid": its clock has not started (`day_zero` is provisional and it is never overdue),
follow-up attempts are recorded, and day zero is set when the minimum information is complete.
Due = day zero + serious_days (15) or non_serious_days (90). PV officers' assessments: moderation/cases/assess.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from moderation.audit import record, snapshot
from moderation.cases.assess import AssessmentMixin
from moderation.cases.coding import MeddraCoder
from moderation.cases.intake import patient_of, reactions_of, reporter_of
from moderation.cases.linking import find_links, fingerprint
from moderation.cases.pv_view import pv_text
from moderation.queue.service import Actor, QueueService, decision_note
from moderation.roles import require
from pvwatch.case_record import SeriousnessCriterion
from pvwatch.config import Config
from pvwatch.errors import ConflictError, NotFoundError, PvwatchError
from pvwatch.models import Case, CaseStatus, FlagType, Item, ItemStatus, utcnow
from pvwatch.storage.base import Store

MINIMUM = {"reporter": "identifiable reporter", "patient": "identifiable patient",
           "suspect_product": "suspect product", "reaction": "adverse reaction"}


def case_snapshot(case: Case | None) -> dict[str, Any] | None:
    """What the audit keeps of a case: its assessment, not the post text or the patient's initials."""
    snap = snapshot(case)
    if snap is not None:
        for key in ("source_text", "author", "fingerprint"):
            snap.pop(key, None)
        snap.get("patient", {}).pop("initials", None)
    return snap


def criteria_of(item: Item) -> list[SeriousnessCriterion]:
    return [SeriousnessCriterion(c) for c in item.analysis.seriousness if c in SeriousnessCriterion.__members__]


def missing_of(item: Item, case: Case) -> list[str]:
    icsr = item.analysis.icsr
    out = [MINIMUM[k] for k in ("reporter", "patient") if k in icsr and not icsr[k].met]
    if not case.products:
        out.append(MINIMUM["suspect_product"])
    if not case.reactions:
        out.append(MINIMUM["reaction"])
    return out


class CaseService(AssessmentMixin):
    def __init__(self, cfg: Config, store: Store) -> None:
        self.cfg = cfg
        self.store = store
        self.queue = QueueService(cfg, store)
        self._coder: MeddraCoder | None = None
        self._coder_loaded = False

    @property
    def coder(self) -> MeddraCoder | None:
        """The customer's MedDRA (None when not configured), read once per service."""
        if not self._coder_loaded:
            self._coder = MeddraCoder.from_config(self.cfg)
            self._coder_loaded = True
        return self._coder

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

    def draft(self, item: Item) -> Case:
        """The case an escalation of `item` would create (id and dates filled in by `escalate`)."""
        day_zero = item.day_zero or self.queue.day_zero_of(item)
        coder = self.coder
        criteria = criteria_of(item)
        case = Case(id="", item_key=item.key, product=next(iter(item.analysis.products), None),
                    products=list(item.analysis.products), serious=bool(criteria), criteria=criteria,
                    day_zero=day_zero, due_at=self.due_for(day_zero, bool(criteria)), received_at=day_zero,
                    created_by="", lang=item.analysis.lang or item.post.lang or "en",
                    source_text=pv_text(item.post.text, item.analysis.personal_data),
                    fingerprint=fingerprint(item.post.text), author=item.post.author,
                    thread_id=item.post.thread_id,
                    reactions=reactions_of(item, coder), meddra_version=coder.version if coder else None,
                    patient=patient_of(item), reporter=reporter_of(item, self.cfg.cases.reporter_country))
        missing = missing_of(item, case)
        return case.model_copy(update={"missing": missing, "valid": not missing})

    def proposals(self, actor: Actor, item: Item) -> list[Any]:
        """Open cases this item could be a follow-up of, and likely duplicates (shown before escalating)."""
        require(actor.role, "view_queue")
        d = self.draft(item)
        return find_links(self.store, item, d.products, d.reactions, self.cfg.cases.duplicate_window_days)

    def escalate(self, actor: Actor, key: str, version: int | None, follow_up_of: str | None = None) -> Case:
        # SQLite: claim, case, counter and the audit records commit together or not at all.
        with self.store.transaction():
            if follow_up_of:
                return self._attach_follow_up(actor, key, version, follow_up_of)
            return self._escalate(actor, key, version)

    def _claim(self, actor: Actor, key: str, version: int | None, case_id: str, action: str) -> None:
        note = decision_note(actor, action, True, case_id=case_id)

        def change(i: Item) -> Item:
            flags = i.flags if FlagType.adverse_event in i.flags else [FlagType.adverse_event, *i.flags]
            return i.model_copy(update={"status": ItemStatus.escalated, "case_id": case_id, "flags": flags,
                                        "day_zero": i.day_zero or self.queue.day_zero_of(i),
                                        "notes": [*i.notes, note]})

        # Claim the item first: its version check is what stops two reviewers making two cases.
        self.queue.apply(actor, "escalate", f"item.{action}", key, version, change)

    def _escalate(self, actor: Actor, key: str, version: int | None) -> Case:
        require(actor.role, "escalate")
        item = self.queue.get(actor, key)
        if item.case_id:
            raise ConflictError(f"item {key} is already case {item.case_id}; open that case instead")
        now = utcnow()
        case_id = self._next_id(now)
        self._claim(actor, key, version, case_id, "escalate")
        draft = self.draft(item)
        links = find_links(self.store, item, draft.products, draft.reactions, self.cfg.cases.duplicate_window_days)
        case = self.store.cases.create(draft.model_copy(update={
            "id": case_id, "created_by": actor.username, "created_at": now, "links": links}))
        record(self.store, actor.username, "case.create", "case", case.id, None, case_snapshot(case))
        for link in links:
            record(self.store, "pvwatch", f"case.link_{link.kind.value}", "case", case.id, None,
                   link.model_dump(mode="json"))
        return case

    def _attach_follow_up(self, actor: Actor, key: str, version: int | None, case_id: str) -> Case:
        """The post becomes follow-up information of an open case: its new reactions join the case."""
        require(actor.role, "escalate")
        case = self.store.cases.get(case_id)
        if case is None or not case.status.is_open:
            raise ConflictError(f"case {case_id} is not open; escalate the post as a new case instead")
        item = self.queue.get(actor, key)
        if item.case_id:
            raise ConflictError(f"item {key} is already case {item.case_id}; open that case instead")
        self._claim(actor, key, version, case_id, "follow_up")
        draft = self.draft(item)
        known = {r.normalized or r.reported for r in case.reactions}
        added = [r.model_copy(update={"start": None, "end": None}) for r in draft.reactions
                 if (r.normalized or r.reported) not in known]
        note = {"by": actor.username, "at": utcnow().isoformat(),
                "text": f"Follow-up post {key}: {draft.source_text}"}
        saved = self.store.cases.update(case.model_copy(update={
            "reactions": [*case.reactions, *added], "notes": [*case.notes, note], "status": CaseStatus.follow_up,
            "latest_info_at": item.day_zero or self.queue.day_zero_of(item)}))  # when the company received it
        record(self.store, actor.username, "case.follow_up", "case", case_id, case_snapshot(case),
               case_snapshot(saved))
        return saved

    def get(self, actor: Actor, case_id: str) -> Case:
        require(actor.role, "view_cases")
        case = self.store.cases.get(case_id)
        if case is None:
            raise NotFoundError(f"no case {case_id!r}; see the case list")
        return self.upgraded(case)

    def list_cases(self, actor: Actor, status: str | None = None) -> list[Case]:
        require(actor.role, "view_cases")
        return [self.upgraded(c) for c in self.store.cases.list(status=status or None)]

    def upgraded(self, case: Case) -> Case:
        """A case written before the ICSR fields existed (no fingerprint) gets them from its post, as read:
        nothing is stored until a PV officer changes the case, and the PV officer's seriousness, dates, status
        and notes are kept."""
        if case.fingerprint:
            return case
        item = self.item_of(case)
        if item is None:
            return case
        d = self.draft(item)
        criteria = d.criteria if case.serious else []
        if case.serious and not criteria:
            criteria = [SeriousnessCriterion.other_medically_important]
        return case.model_copy(update={
            "products": d.products or ([case.product] if case.product else []), "criteria": criteria,
            "received_at": case.received_at or case.day_zero, "lang": d.lang, "source_text": d.source_text,
            "fingerprint": d.fingerprint, "author": d.author, "thread_id": d.thread_id, "reactions": d.reactions,
            "meddra_version": d.meddra_version, "patient": d.patient, "reporter": d.reporter,
            "missing": d.missing})

    def due(self, within_days: int = 3) -> tuple[list[Case], list[Case]]:
        """(overdue, due soon) open and valid cases, for the dashboard and alerts (not-yet-valid: no clock)."""
        now = utcnow()
        soon_limit = now + timedelta(days=within_days)
        open_cases = [c for c in self.store.cases.list(due_before=soon_limit) if c.status.is_open and c.valid]
        overdue = [c for c in open_cases if c.due_at < now]
        return overdue, [c for c in open_cases if c.due_at >= now]

    def _update(self, actor: Actor, case_id: str, version: int | None, action: str, **changes: object) -> Case:
        require(actor.role, "manage_cases")
        case = self.get(actor, case_id)
        if version is not None and version != case.version:
            raise ConflictError(f"case {case_id} was changed by someone else since you opened it; reload and redo")
        with self.store.transaction():  # the change and its audit record together (SQLite)
            saved = self.store.cases.update(case.model_copy(update=changes))
            record(self.store, actor.username, action, "case", case_id, case_snapshot(case), case_snapshot(saved))
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

    def item_of(self, case: Case) -> Item | None:
        return self.store.items.get(case.item_key)


def check_item_key(item: Item | None, case: Case) -> Item:
    if item is None:
        raise NotFoundError(f"the post of case {case.id} ({case.item_key}) is no longer in the store")
    return item
