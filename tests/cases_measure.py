"""The issue-15 targets measured on the demo stream: every adverse-event item escalated by a PV officer (after a
compliance officer's redaction of those with personal data), every case exported, each export validated against
the official ICH schema, round-tripped through `e2br3` field by field, scanned for mask tokens, and the share of
reaction spans coded with the fabricated MedDRA files. Used by tests/test_cases_demo.py and
scripts/measure_cases.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import e2br3

from moderation.cases.e2b import build_e2b, report_id
from moderation.cases.e2b_rules import schema_errors
from moderation.cases.pv_view import MASK_TOKEN
from moderation.cases.service import CaseService
from moderation.queue.service import Actor, QueueService
from moderation.roles import Role
from pvwatch.config import Config
from pvwatch.models import Case
from tests.cases_support import MEDDRA


@dataclass
class Measure:
    cases: int = 0
    not_yet_valid: list[str] = field(default_factory=list)  # refused: no reaction or product (not an ICSR)
    exported: int = 0
    schema_valid: int = 0
    round_trip_ok: int = 0
    mismatches: list[str] = field(default_factory=list)
    mask_tokens: int = 0
    spans: int = 0
    coded: int = 0
    redacted: int = 0


def compare(case: Case, icsr: Any, sender: str) -> list[str]:
    """Fields of the case as e2br3 reads them back from our export; [] when all agree."""
    out = []
    rid = report_id(case, sender)
    if icsr.safety_report_id != rid or icsr.worldwide_case_id != rid:
        out.append("C.1.1/C.1.8.1")
    if [r.native_term for r in icsr.reactions] != [r.reported for r in case.reactions]:
        out.append("E.i.1.1a")
    for mine, read in zip(case.reactions, icsr.reactions, strict=False):
        code = mine.coding.llt_code if mine.coding else None
        if read.meddra is None or read.meddra.code != code or read.native_language != mine.lang:
            out.append(f"E.i.2.1b {mine.reported}")
        crit = {c.value for c in case.criteria}
        got = {n for n, v in (("death", read.results_in_death), ("life_threatening", read.life_threatening),
                              ("hospitalisation", read.hospitalisation), ("disability", read.disabling),
                              ("congenital_anomaly", read.congenital_anomaly),
                              ("other_medically_important", read.other_medically_important)) if v is True}
        if got != crit:
            out.append(f"E.i.3.2 {mine.reported}")
    if [d.product_name for d in icsr.drugs] != case.products:
        out.append("G.k.2.2")
    p = icsr.patient
    if (p.age.value if p.age else None) != case.patient.age or \
            (p.sex.code if p.sex else None) != (case.patient.sex.value if case.patient.sex else None):
        out.append("D.2.2/D.5")
    src = icsr.primary_sources[0]
    if src.qualification.code != case.reporter.qualification.value or src.country.code != case.reporter.country:
        out.append("C.2.r.3/4")
    if case.source_text not in (icsr.narrative or ""):
        out.append("H.1")
    return out


def measure(data_dir: Path, template: Path, demo: Config | None = None) -> Measure:
    """`demo`: a config whose store already holds the demo stream (the tests' copy); else the demo is run here."""
    from moderation.cases.coding import MeddraCoder
    from pvwatch.app.demo import run_demo
    from pvwatch.storage import open_store

    cfg = demo if demo is not None else run_demo(data_dir, template, show_progress=False)[0]
    cfg = cfg.model_copy(update={"meddra": cfg.meddra.model_copy(update={"en": str(MEDDRA / "en"),
                                                                           "fr": str(MEDDRA / "fr")})})
    coder = MeddraCoder.from_config(cfg)
    assert coder is not None
    pv, co = Actor("measure-pv", Role.pv_officer), Actor("measure-co", Role.compliance_officer)
    m = Measure()
    with open_store(cfg) as store:
        svc, queue = CaseService(cfg, store), QueueService(cfg, store)
        keys = [i.key for i in store.items.iter_all() if i.analysis.adverse_event.decision]
        for key in keys:
            item = store.items.get(key)
            assert item is not None
            for s in item.analysis.adverse_event.evidence:
                if s.label == "reaction":
                    m.spans += 1
                    m.coded += coder.code(s.text, s.normalized or "", item.analysis.lang or "en") is not None
            if item.analysis.personal_data:  # moderation first: it must not change what PV exports
                queue.redact(co, key, None)
                m.redacted += 1
            case = svc.escalate(pv, key, None)
            m.cases += 1
            m.mask_tokens += bool(MASK_TOKEN.search(case.model_dump_json()))
            if not case.reactions or not case.products:
                m.not_yet_valid.append(case.id)
                continue
            data = build_e2b(case, svc.item_of(case), sender=cfg.cases.sender_id, receiver=cfg.cases.receiver_id)
            m.exported += 1
            m.mask_tokens += bool(MASK_TOKEN.search(data.decode("utf-8")))
            m.schema_valid += schema_errors(data) == []
            diff = compare(case, e2br3.parse(data).messages[0].icsr, cfg.cases.sender_id)
            m.round_trip_ok += not diff
            m.mismatches += [f"{case.id}: {d}" for d in diff]
    return m
