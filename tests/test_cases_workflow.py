"""Case validity and day zero, follow-ups and duplicates, PV assessment (audited), deadlines."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import e2br3
import pytest

from moderation.cases.deadlines import case_deadline, item_deadline
from moderation.cases.e2b import build_e2b
from moderation.cases.service import CaseService
from pvwatch.case_record import LinkKind
from pvwatch.errors import ConflictError, PvwatchError
from pvwatch.models import Case, Criterion, utcnow
from pvwatch.storage.sqlite import SqliteStore
from tests.cases_support import case_config, escalate
from tests.moderation_helpers import make_item, seed_users


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    cfg = case_config(tmp_path, duplicate_window_days=10)
    store = SqliteStore(tmp_path / "s.db")
    a = seed_users(store)
    yield CaseService(cfg, store), a
    store.close()


def _actions(svc: CaseService, case_id: str) -> list[str]:
    return [r.action for r in svc.store.audit.iter(entity_id=case_id)]


def test_not_yet_valid_until_minimum_criteria_then_day_zero(env) -> None:  # type: ignore[no-untyped-def]
    svc, a = env
    pv = a["pv_officer"]
    item = make_item("v", "Quelqu'un a eu ça avec le Levothyrox ?", reactions=())
    icsr = {"reporter": Criterion(met=True, reason="x"), "patient": Criterion(met=False, reason="general")}
    item = item.model_copy(update={"analysis": item.analysis.model_copy(update={"icsr": icsr})})
    case = escalate(svc, pv, item)
    assert not case.valid and case.missing == ["identifiable patient", "adverse reaction"]
    assert case_deadline(case, utcnow()).state == "none"  # no clock, never overdue
    assert svc.due(within_days=1000) == ([], [])
    case = svc.add_follow_up_attempt(pv, case.id, case.version, "platform message", "asked who had the reaction")
    case = svc.add_reaction(pv, case.id, case.version, "vertiges")
    assert not case.valid and case.reactions[0].coding.llt_name == "Vertige"
    with pytest.raises(PvwatchError, match="where the information comes from"):
        svc.confirm_minimum(pv, case.id, case.version, "identifiable patient", False, "")
    t0 = utcnow()
    case = svc.confirm_minimum(pv, case.id, case.version, "identifiable patient", False, "author replied: my wife")
    assert case.valid and case.day_zero >= t0 and case.due_at == case.day_zero + timedelta(days=90)
    assert case.received_at < t0  # first receipt kept for C.1.4
    assert _actions(svc, case.id) == ["case.create", "case.follow_up_attempt", "case.add_reaction", "case.validity"]


def test_follow_up_is_proposed_and_attached(env) -> None:  # type: ignore[no-untyped-def]
    svc, a = env
    pv = a["pv_officer"]
    first = escalate(svc, pv, make_item("f1", "Des vertiges avec le Levothyrox", reactions=("vertiges",)))
    later = make_item("f2", "Toujours des vertiges avec le Levothyrox, et des nausées",
                      reactions=("vertiges", "nausées"))
    later = later.model_copy(update={"post": later.post.model_copy(update={"author": "u-f1"})})
    svc.store.items.upsert(later)
    proposals = svc.proposals(pv, later)
    assert [(p.kind, p.case_id) for p in proposals] == [(LinkKind.follow_up_of, first.id)]
    assert "same author" in proposals[0].reason
    case = svc.escalate(pv, "demo:f2", None, follow_up_of=first.id)
    assert case.id == first.id and {r.reported for r in case.reactions} == {"vertiges", "nausées"}
    assert svc.store.items.get("demo:f2").case_id == first.id and len(svc.store.cases.list()) == 1
    assert "case.follow_up" in _actions(svc, first.id)
    received = svc.store.items.get("demo:f2").day_zero
    assert case.latest_info_at == received and received >= first.day_zero  # C.1.5 moves with the follow-up
    icsr = e2br3.parse(build_e2b(case, svc.item_of(case))).messages[0].icsr
    assert icsr.most_recent_date.raw == received.strftime("%Y%m%d%H%M%S") + "+0000"
    with pytest.raises(ConflictError):
        svc.escalate(pv, "demo:f2", None, follow_up_of=first.id)


def test_duplicates_are_linked_with_audit(env) -> None:  # type: ignore[no-untyped-def]
    svc, a = env
    pv = a["pv_officer"]
    text = "Le Levothyrox me donne des vertiges terribles depuis une semaine"
    one = escalate(svc, pv, make_item("d1", text, reactions=("vertiges",)))
    svc.set_status(pv, one.id, None, "submitted")  # closed to follow-up, still a duplicate
    two = escalate(svc, pv, make_item("d2", text, reactions=("vertiges",), platform="x"))
    assert [(lk.kind, lk.case_id, lk.reason) for lk in two.links] == [(LinkKind.duplicate_of, one.id,
                                                                      "same post text")]
    assert "case.link_duplicate_of" in _actions(svc, two.id)
    two = svc.confirm_link(pv, two.id, two.version, 0, True)
    assert two.links[0].confirmed and two.links[0].by == "pv_officer"


def test_lowering_seriousness_needs_a_justification(env) -> None:  # type: ignore[no-untyped-def]
    svc, a = env
    pv = a["pv_officer"]
    case = escalate(svc, pv, make_item("s", "Hospitalisé après des vertiges sous Levothyrox",
                                       reactions=("vertiges",), serious=("hospitalisation",)))
    assert case.serious and case.due_at == case.day_zero + timedelta(days=15)
    with pytest.raises(PvwatchError, match="justification"):
        svc.set_serious(pv, case.id, case.version, False)
    case = svc.set_serious(pv, case.id, case.version, False, "observation aux urgences < 24 h, pas d'admission")
    assert not case.serious and case.criteria == [] and case.due_at == case.day_zero + timedelta(days=90)
    rec = [r for r in svc.store.audit.iter(entity_id=case.id) if r.action == "case.seriousness"][-1]
    assert rec.before["criteria"] == ["hospitalisation"] and rec.after["criteria"] == []
    assert "pas d'admission" in rec.after["notes"][-1]["text"]
    case = svc.set_criteria(pv, case.id, case.version, ["life_threatening"])  # raising needs no reason
    assert case.serious


def test_coding_correction_is_audited_and_checked(env) -> None:  # type: ignore[no-untyped-def]
    svc, a = env
    pv = a["pv_officer"]
    case = escalate(svc, pv, make_item("m", "Des vertiges avec le Levothyrox", reactions=("vertiges",)))
    with pytest.raises(PvwatchError, match="not in the configured MedDRA release"):
        svc.set_coding(pv, case.id, case.version, 0, "10000000")
    case = svc.set_coding(pv, case.id, case.version, 0, "91000009")  # PT-level LLT "Sensation vertigineuse"
    assert case.reactions[0].coding.llt_name == "Sensation vertigineuse"
    assert case.reactions[0].coding.method.value == "manual"
    rec = [r for r in svc.store.audit.iter(entity_id=case.id) if r.action == "case.coding"][0]
    assert rec.before["reactions"][0]["coding"]["llt_name"] == "Vertige"
    assert "source_text" not in rec.after  # the post text stays out of the audit trail
    case = svc.assign(pv, case.id, case.version, "dr-house")
    assert case.assignee == "dr-house"


def test_deadlines(env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc, a = env
    now = utcnow()
    item = make_item("t", "Des vertiges avec le Levothyrox", reactions=("vertiges",), serious=("death",))
    item = item.model_copy(update={"day_zero": now - timedelta(days=16), "flags": ["adverse_event"]})
    d = item_deadline(svc.cfg, item, None, now)
    assert d is not None and d.breached and d.label == "overdue by 1 d 0 h"
    case = escalate(svc, a["pv_officer"], item)
    d = case_deadline(case, now)
    assert d.breached and [c.id for c in svc.due()[0]] == [case.id]


def test_a_case_written_before_issue_15_is_read_with_its_icsr_fields(env) -> None:  # type: ignore[no-untyped-def]
    svc, a = env
    item = make_item("old", "Des vertiges avec le Levothyrox", reactions=("vertiges",), serious=("hospitalisation",))
    svc.store.items.upsert(item.model_copy(update={"case_id": "PV-2025-000001"}))
    now = utcnow()
    legacy = Case(id="PV-2025-000001", item_key="demo:old", product="Levothyrox", serious=True, day_zero=now,
                  due_at=now + timedelta(days=15), created_by="pv_officer", created_at=now)  # the old document
    svc.store.cases.create(legacy)
    case = svc.get(a["pv_officer"], legacy.id)
    assert [r.reported for r in case.reactions] == ["vertiges"] and case.criteria == ["hospitalisation"]
    assert case.due_at == legacy.due_at and case.products == ["Levothyrox"]
    data = build_e2b(case, svc.item_of(case))
    assert e2br3.parse(data).messages[0].icsr.reactions[0].hospitalisation is True
    assert svc.store.cases.get(legacy.id).fingerprint == ""  # reading stores nothing
