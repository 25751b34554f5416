"""E2B(R3) exports against the OFFICIAL ICH schema (vendored), business rules, and a field-by-field round trip
through the independent `e2br3` reader."""

from __future__ import annotations

import os
from pathlib import Path

import e2br3
import pytest
from lxml import etree

from moderation.cases.e2b import build_e2b, xml_safe
from moderation.cases.e2b_rules import BATCH_XSD, SCHEMA_ROOT, business_rules, check, schema_errors
from moderation.cases.service import CaseService
from pvwatch.errors import PvwatchError
from pvwatch.storage.sqlite import SqliteStore
from tests.cases_support import case_config, escalate
from tests.moderation_helpers import make_item, seed_users

_DATA = os.environ.get("PVWATCH_SHARED_DATA")  # ../shared/data, as classifiers/build_model.py finds it
SHARED = (Path(_DATA).parent if _DATA else Path(__file__).resolve().parents[2] / "shared") / "standards" / "ich-e2b-r3"


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    cfg = case_config(tmp_path)
    store = SqliteStore(tmp_path / "s.db")
    actors = seed_users(store)
    yield CaseService(cfg, store), actors
    store.close()


TEXT = "Mon père Henri, 81 ans, a eu des vertiges et une pancréatite avec le Levothyrox, hospitalisé depuis 3 jours"


def _case(env, text: str = TEXT, **kw):  # type: ignore[no-untyped-def]
    svc, a = env
    reactions = kw.pop("reactions", ("vertiges", "pancréatite"))
    item = make_item(kw.pop("pid", "e"), text, reactions=reactions, serious=kw.pop("serious", ("hospitalisation",)),
                     pd=kw.pop("pd", (("PERSON", "Henri"),)) if "Henri" in text else (), **kw)
    return svc, escalate(svc, a["pv_officer"], item)


def test_vendored_schema_is_the_official_include_closure() -> None:
    assert BATCH_XSD.is_file() and (SCHEMA_ROOT / "PROVENANCE.md").is_file()
    assert len(list(SCHEMA_ROOT.rglob("*.xsd"))) == 50
    assert "Health Level Seven" in (SCHEMA_ROOT / "coreschemas" / "datatypes.xsd").read_text(encoding="utf-8")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared not present (FDA examples are not vendored)")
def test_fda_examples_validate_against_the_vendored_schema() -> None:
    files = sorted((SHARED / "instances").glob("FAERS2022Scenario*.xml"))
    assert len(files) == 10
    for f in files:
        assert schema_errors(f.read_bytes()) == [], f.name


def test_export_is_valid_and_round_trips_through_e2br3(env) -> None:  # type: ignore[no-untyped-def]
    svc, case = _case(env)
    data = build_e2b(case, svc.item_of(case), sender="ACME", receiver="EVHUMAN")
    assert schema_errors(data) == [] and [f for f in check(data) if f.blocking] == []
    batch = e2br3.parse(data)
    assert batch.sender == "ACME" and batch.receiver == "EVHUMAN"  # N.1.3 / N.1.4, after the message
    icsr = batch.messages[0].icsr
    assert icsr.safety_report_id == f"FR-ACME-{case.id}" == icsr.worldwide_case_id
    assert icsr.report_type.code == "1"  # spontaneous
    assert icsr.patient.name == "H." and icsr.patient.age.value == 81 and icsr.patient.age.unit == "a"
    assert icsr.patient.sex.code == "1"
    src = icsr.primary_sources[0]
    assert src.qualification.code == "5" and src.country.code == "FR"
    by_term = {r.native_term: r for r in icsr.reactions}
    assert set(by_term) == {"vertiges", "pancréatite"}  # the clinical events; "hospitalisé" is a criterion
    panc = by_term["pancréatite"]
    coded = {r.reported: r.coding for r in case.reactions}
    assert panc.meddra.code == coded["pancréatite"].llt_code and panc.meddra.code_system_version == "99.0"
    assert panc.native_language == "fr" and panc.hospitalisation is True
    assert panc.start_date is not None and panc.start_date.value == (case.reactions[0].onset.date())
    assert e2br3.is_null(panc.results_in_death) and panc.outcome.code == "0"
    assert [d.product_name for d in icsr.drugs] == ["Levothyrox"] and icsr.drugs[0].role.code == "1"
    assert "pancréatite" in icsr.narrative and case.id in icsr.narrative


def test_business_rules_catch_what_xsd_cannot() -> None:
    bad = etree.fromstring(b'<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3"/>')
    rules = {f.rule for f in business_rules(bad)}
    assert {"ICH E.i / GVP VI.B.2", "ICH G.k.1 / GVP VI.B.2", "ICH C.2.r.5", "EU ICSR IG C.1.1"} <= rules


def test_old_batch_order_is_rejected_by_the_official_schema(env) -> None:  # type: ignore[no-untyped-def]
    svc, case = _case(env)
    doc = etree.fromstring(build_e2b(case, svc.item_of(case)))
    ns = "{urn:hl7-org:v3}"
    msg = doc.find(f"{ns}PORR_IN049016UV")
    doc.remove(msg)
    doc.append(msg)  # receiver/sender before the message, as pvwatch wrote it before issue 15
    assert schema_errors(etree.tostring(doc)) != []


def test_free_text_without_meddra_is_valid_and_flagged(tmp_path: Path) -> None:
    cfg = case_config(tmp_path, meddra=False)
    store = SqliteStore(tmp_path / "n.db")
    a = seed_users(store)
    svc = CaseService(cfg, store)
    item = make_item("n", "J'ai des vertiges avec le Levothyrox", reactions=("vertiges",))
    case = escalate(svc, a["pv_officer"], item)
    assert case.meddra_version is None and case.reactions[0].coding is None
    data = build_e2b(case, svc.item_of(case))
    findings = check(data)
    assert schema_errors(data) == [] and [f.rule for f in findings] == ["EU ICSR IG E.i.2.1b"]
    assert not findings[0].blocking
    r = e2br3.parse(data).messages[0].icsr.reactions[0]
    assert r.native_term == "vertiges" and r.meddra.code is None
    store.close()


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b"])
def test_control_characters_never_break_the_export(env, char: str) -> None:  # type: ignore[no-untyped-def]
    # issue 14: such a post used to give a 500 (lxml refuses them in XML 1.0)
    text = f"J'ai des vertiges{char} avec le Levothyrox{char}{char}"
    svc, case = _case(env, text, reactions=("vertiges",), serious=(), pid="c" + str(ord(char)))
    data = build_e2b(case, svc.item_of(case))
    assert schema_errors(data) == [] and char.encode() not in data
    assert "\ufffd" in e2br3.parse(data).messages[0].icsr.narrative
    assert xml_safe("a\x00b\tc\n") == "a\ufffdb\tc\n"


def test_a_case_without_reaction_is_refused_with_the_fix(env) -> None:  # type: ignore[no-untyped-def]
    svc, case = _case(env, "Levothyrox, pareil pour moi", reactions=(), serious=(), pid="nr")
    assert not case.valid and "adverse reaction" in case.missing
    with pytest.raises(PvwatchError, match="no reaction.*add the reaction"):
        build_e2b(case, svc.item_of(case))
