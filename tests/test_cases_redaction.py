"""Moderation never changes the PV record: a compliance officer's redaction keeps the AE in PV review, keeps the
PV officer's view, and no mask token ever reaches a case or an export."""

from __future__ import annotations

import json
from pathlib import Path

import e2br3
import pytest

from moderation.cases.csv_export import cases_csv
from moderation.cases.e2b import build_e2b
from moderation.cases.pv_view import MASK_TOKEN
from moderation.cases.service import CaseService
from moderation.queue.service import QueueService
from moderation.render import render_item_text
from pvwatch.models import ItemStatus, PersonalData
from pvwatch.storage.sqlite import SqliteStore
from tests.cases_support import case_config
from tests.moderation_helpers import make_item, seed_users

TEXT = ("Mon mari Alain Martin (alain@example.org, NIR 1 72 03 2A 004 117 85) a été hospitalisé pour une "
        "pancréatite après le Levothyrox")


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    cfg = case_config(tmp_path)
    store = SqliteStore(tmp_path / "s.db")
    a = seed_users(store)
    item = make_item("x", TEXT, reactions=("pancréatite",), serious=("hospitalisation",),
                     pd=(("PERSON", "Alain Martin"), ("EMAIL", "alain@example.org"),
                         ("FR_NIR", "1 72 03 2A 004 117 85")))
    s, e = TEXT.index("pancréatite"), TEXT.index("pancréatite") + len("pancréatite")
    findings = [*item.analysis.personal_data, PersonalData(type="HEALTH", start=s, end=e, score=0.9,
                                                           special_category=True)]
    store.items.upsert(item.model_copy(update={"analysis": item.analysis.model_copy(
        update={"personal_data": findings})}))
    yield cfg, store, a
    store.close()


def _no_mask(*texts: str) -> None:
    for t in texts:
        assert MASK_TOKEN.search(t) is None, t


def test_redaction_before_escalation_keeps_the_ae_in_pv_review(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    q = QueueService(cfg, store)
    saved = q.redact(a["compliance_officer"], "demo:x", None)
    assert saved.status == ItemStatus.new  # still open for PV review (was "redacted": out of the queue)
    assert saved.post.text == TEXT and saved.post.raw is None
    assert "[HEALTH]" in str(render_item_text(saved, "compliance_officer"))  # roles not assessing AEs: masked
    assert "1 72 03" not in str(render_item_text(saved, "social_moderator"))
    pv_view = str(render_item_text(saved, "pv_officer"))
    assert "pancréatite" in pv_view and 'class="ev"' in pv_view  # reaction visible and highlighted for PV
    case = CaseService(cfg, store).escalate(a["pv_officer"], "demo:x", None)
    assert [r.reported for r in case.reactions] == ["pancréatite"]
    assert "1 72 03" not in case.source_text and "(identifier withheld)" in case.source_text
    assert "A. M." in case.source_text and "alain@example.org" in case.source_text  # PV follow-up contact
    data = build_e2b(case, store.items.get("demo:x"))
    icsr = e2br3.parse(data).messages[0].icsr
    assert icsr.reactions[0].native_term == "pancréatite" and icsr.reactions[0].hospitalisation is True
    _no_mask(data.decode(), case.model_dump_json(), cases_csv([(case, store.items.get("demo:x"))]))


def test_redaction_after_escalation_changes_nothing_pv_sees(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    svc = CaseService(cfg, store)
    case = svc.escalate(a["pv_officer"], "demo:x", None)
    before = build_e2b(case, store.items.get("demo:x"), now=case.created_at)
    item = QueueService(cfg, store).redact(a["compliance_officer"], "demo:x", None)
    assert item.status == ItemStatus.escalated and item.case_id == case.id
    after_case = store.cases.get(case.id)
    assert after_case == case
    assert build_e2b(after_case, store.items.get("demo:x"), now=case.created_at) == before
    _no_mask(before.decode(), json.dumps(after_case.model_dump(mode="json")))


def test_a_post_outside_pv_scope_is_still_rewritten(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    store.items.upsert(make_item("o", "Alain Martin habite ici", ae=False, products=(),
                                 pd=(("PERSON", "Alain Martin"),)))
    saved = QueueService(cfg, store).redact(a["compliance_officer"], "demo:o", None)
    assert saved.status == ItemStatus.redacted and "Alain" not in saved.post.text


@pytest.mark.parametrize(("role", "clear"), [("social_moderator", True), ("pv_officer", True), ("admin", True),
                                             ("compliance_officer", False)])
def test_reaction_evidence_stays_visible_for_roles_that_assess_aes(env, role: str, clear: bool) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    QueueService(cfg, store).redact(a["compliance_officer"], "demo:x", None)
    html = str(render_item_text(store.items.get("demo:x"), role))
    assert ('<mark class="ev" title="reaction">pancréatite</mark>' in html) is clear
    assert "1 72 03" not in html and "Alain Martin" not in html  # identifiers stay masked for everyone
