"""`pvwatch case list | show | export` in-process on a real SQLite file with the fabricated MedDRA files."""

from __future__ import annotations

from pathlib import Path

import e2br3
import pytest
from typer.testing import CliRunner

from moderation.cases.e2b_rules import schema_errors
from moderation.cases.service import CaseService
from pvwatch.app.main import app
from pvwatch.config import load_config
from pvwatch.storage.sqlite import SqliteStore
from tests.cases_support import MEDDRA, escalate
from tests.moderation_helpers import make_item, seed_users

runner = CliRunner()


@pytest.fixture
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\npath = "pv.db"\n[alerts]\nenabled = false\n[cases]\nsender_id = "ACME"\n'
                    f'[meddra]\nen = "{MEDDRA / "en"}"\nfr = "{MEDDRA / "fr"}"\n', encoding="utf-8")
    cfg = load_config(path)
    store = SqliteStore(tmp_path / "pv.db")
    a = seed_users(store)
    svc = CaseService(cfg, store)
    valid = escalate(svc, a["pv_officer"], make_item("1", "Des vertiges avec le Levothyrox", reactions=("vertiges",)))
    invalid = escalate(svc, a["pv_officer"], make_item("2", "Levothyrox, pareil", reactions=()))
    store.close()
    return path, valid.id, invalid.id


def _run(*args: str) -> object:
    return runner.invoke(app, list(args))


def test_list_and_show(setup) -> None:  # type: ignore[no-untyped-def]
    path, valid, invalid = setup
    r = _run("case", "list", "-c", str(path))
    assert r.exit_code == 0 and valid in r.output and "NOT YET VALID" in r.output and "2 case(s)" in r.output
    r = _run("case", "show", valid, "-c", str(path))
    assert r.exit_code == 0 and "LLT 92000081 Vertige / PT 91000009 Sensation vertigineuse (MedDRA 99.0" in r.output
    r = _run("case", "show", "PV-0000-000999", "-c", str(path))
    assert r.exit_code == 1 and "no case" in r.output


def test_export_one_case(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, valid, invalid = setup
    out = tmp_path / "one.xml"
    r = _run("case", "export", valid, "--format", "e2b", "--out", str(out), "-c", str(path))
    assert r.exit_code == 0, r.output
    assert schema_errors(out.read_bytes()) == []
    assert e2br3.parse(out.read_bytes()).messages[0].icsr.safety_report_id == f"FR-ACME-{valid}"
    r = _run("case", "export", valid, "--format", "csv", "-c", str(path))
    assert r.exit_code == 0 and r.output.startswith("case_id,") and "92000081 Vertige" in r.output
    r = _run("case", "export", invalid, "-c", str(path))
    assert r.exit_code == 1 and "cannot be exported" in r.output and "add the reaction" in r.output
    r = _run("case", "export", valid, "--format", "pdf", "-c", str(path))
    assert r.exit_code == 1 and "use e2b or csv" in r.output


def test_export_due_is_idempotent_and_audited(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, valid, invalid = setup
    out = tmp_path / "gateway"
    r = _run("case", "export", "--due", "--out", str(out), "-c", str(path))
    assert r.exit_code == 0 and f"1 written, 0 unchanged, 1 not yet valid (skipped: {invalid})" in r.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"{valid}-v1.xml"] and schema_errors((out / files[0]).read_bytes()) == []
    r = _run("case", "export", "--due", "--out", str(out), "-c", str(path))
    assert "0 written, 1 unchanged" in r.output and len(list(out.iterdir())) == 1
    store = SqliteStore(tmp_path / "pv.db")
    exports = [x for x in store.audit.iter(entity_id=valid) if x.action == "case.export_e2b"]
    assert len(exports) == 1 and exports[0].after == {"file": f"{valid}-v1.xml", "version": 1}
    store.close()
    r = _run("case", "export", "--due", "-c", str(path))
    assert r.exit_code == 1 and "--out" in r.output
