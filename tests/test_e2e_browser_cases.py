"""A PV officer in a real headless Chromium: escalates a post, corrects its MedDRA code, lowers seriousness with
a justification, exports the E2B(R3) file, and the file validates against the official ICH schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import e2br3
import pytest

from moderation.cases.e2b_rules import check, schema_errors
from pvwatch.models import utcnow
from tests.browser_support import CHROMIUM, chromium, serving
from tests.cases_support import case_config
from tests.moderation_helpers import make_item, seed_users
from tests.test_e2e_browser_review import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium "
                                                     "(apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from moderation.web import create_app
    from pvwatch.storage.sqlite import SqliteStore

    tmp = tmp_path_factory.mktemp("e2e-cases")
    store = SqliteStore(tmp / "e2e.db")
    seed_users(store)
    item = make_item("p1", "Mon mari, 67 ans, a été hospitalisé pour une pancréatite et des vertiges sous Levothyrox",
                     reactions=("pancréatite", "vertiges"), serious=("hospitalisation",))
    store.items.upsert(item.model_copy(update={"day_zero": utcnow() - timedelta(days=2), "flags": ["adverse_event"]}))
    with serving(create_app(case_config(tmp), store)) as base:
        yield base, store
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_pv_officer_escalates_codes_downgrades_and_exports(server: tuple[str, Any], browser: Any,
                                                           tmp_path: Path) -> None:
    base, store = server
    page = _login(browser, base, "pv_officer")
    row = page.locator("table.queue tbody tr", has_text="pancréatite")
    assert "left" in row.locator(".deadline").inner_text()  # the 15-day countdown, before escalation
    row.locator("td.snippet a").click()
    page.wait_for_url("**/item?key=demo%3Ap1")
    page.once("dialog", lambda d: d.accept())  # "Escalate this item to PV?" (irreversible actions ask first)
    page.click("form.act-escalate button")
    page.wait_for_url("**/cases/PV-*")
    case_id = page.locator("#case-id").inner_text()
    reactions = page.locator("#reactions")
    assert "Pancréatite" in reactions.inner_text() and "Vertige" in reactions.inner_text()  # coded on escalation
    assert "67 years" in page.locator("#patient").inner_text() and "male" in page.locator("#patient").inner_text()
    assert "left" in page.locator("#countdown").inner_text()
    # the PV officer prefers the PT-level LLT for the second reaction
    page.fill("input[aria-label='LLT code for vertiges']", "91000009")
    page.locator("form.case-coding", has=page.locator("input[aria-label='LLT code for vertiges']")).locator(
        "button").click()
    page.wait_for_url(f"**/cases/{case_id}")
    assert "91000009 Sensation vertigineuse" in page.locator("#reactions").inner_text()
    # lowering seriousness without a reason is refused...
    page.uncheck("form.case-seriousness input[value=hospitalisation]")
    page.click("form.case-seriousness button")
    assert "justification" in page.content()
    page.go_back()
    page.reload()
    assert store.cases.get(case_id).serious
    # ...and accepted with one
    page.uncheck("form.case-seriousness input[value=hospitalisation]")
    page.fill("form.case-seriousness input[name=justification]", "admission programmée, sans lien avec l'effet")
    page.click("form.case-seriousness button")
    page.wait_for_url(f"**/cases/{case_id}")
    assert "Non-serious" in page.content() and "left" in page.locator("#countdown").inner_text()
    with page.expect_download() as info:
        page.click("#export-e2b")
    target = tmp_path / "case.xml"
    info.value.save_as(target)
    data = target.read_bytes()
    assert schema_errors(data) == [] and [f for f in check(data) if f.blocking] == []
    icsr = e2br3.parse(data).messages[0].icsr
    codes = {r.native_term: r.meddra.code for r in icsr.reactions}
    assert codes["vertiges"] == "91000009" and codes["pancréatite"] is not None
    assert all(e2br3.is_null(r.hospitalisation) for r in icsr.reactions)
    actions = [x.action for x in store.audit.iter(entity_id=case_id)]
    assert actions == ["case.create", "case.coding", "case.seriousness", "case.export_e2b"]
    page.context.close()
