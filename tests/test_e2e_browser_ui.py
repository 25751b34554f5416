"""Every workflow in French, as each role, in a real headless Chromium (Debian's, driven by Playwright):
axe-core (npm, injected into every page) finds no serious or critical violation, and at 390 px nothing scrolls
sideways. The real app runs under uvicorn on 127.0.0.1 on a temporary SQLite store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pvwatch.models import utcnow
from tests.browser_support import CHROMIUM, chromium, serving
from tests.moderation_helpers import PASSWORD, make_config, make_item, seed_users

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (scripts/setup-system.sh)"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `npm ci` (scripts/setup-system.sh)"),
]
ROLES = ("social_moderator", "compliance_officer", "pv_officer", "admin")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from moderation.web import create_app
    from pvwatch.storage.base import Checkpoint
    from pvwatch.storage.sqlite import SqliteStore

    tmp = tmp_path_factory.mktemp("e2e-ui")
    cfg = make_config(tmp)
    store = SqliteStore(tmp / "e2e.db")
    seed_users(store)
    days = [utcnow() - timedelta(days=d) for d in (0, 0, 1, 2, 5, 9)]
    for n, when in enumerate(days):
        store.items.upsert(make_item(f"ae{n}", f"Depuis le Levothyrox, vertiges et malaise n°{n}",
                                     reactions=("vertiges",), serious=("hospitalisation",) if n % 2 else (),
                                     created_at=when, pd=(("EMAIL", "x@ex.fr"),) if n == 0 else (),
                                     situations=("pregnancy",) if n == 1 else ()) if n else
                           make_item("ae0", "Levothyrox: vertiges, écrivez-moi à jean.dupont@exemple.fr",
                                     reactions=("vertiges",), pd=(("EMAIL", "jean.dupont@exemple.fr"),)))
    for n in range(4):
        store.items.upsert(make_item(f"fb{n}", f"Doliprane efficace, message numéro {n} " + "très long " * 30,
                                     ae=False, products=("Doliprane",), platform="facebook", lang="fr"))
    store.checkpoints.save(Checkpoint("facebook-page", last_success=utcnow(), collected=4, lag_seconds=5400.0))
    store.checkpoints.save(Checkpoint("youtube-chaine", last_success=utcnow(), collected=187, reported=603, read=187,
                                      gaps={"replies beyond max_reply_pages or refused (API limit)": 416,
                                            "withheld": 2}))  # the coverage cells are checked by axe too
    from moderation.cases.service import CaseService
    from moderation.queue.service import Actor
    from moderation.roles import Role

    CaseService(cfg, store).escalate(Actor("pv_officer", Role.pv_officer), "demo:ae3", None)  # a case page to check
    from moderation.api.views import mount_api
    from pvwatch.app.serve import api_engine

    app = create_app(cfg, store)
    mount_api(app, cfg, store, api_engine(cfg, store))  # /api/v1/docs is a page too
    with serving(app) as base:
        yield base, store
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def french(browser: Any, base: str, user: str, viewport: dict[str, int] | None = None) -> Any:
    """A French user's browser (Accept-Language fr-FR), logged in through the form."""
    # bypass_csp: axe is injected as a script tag, which our CSP rightly refuses (tests/test_e2e_browser_review.py
    # checks the CSP itself)
    ctx = browser.new_context(locale="fr-FR", viewport=viewport or {"width": 1280, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.on("dialog", lambda d: d.accept())
    page.goto(f"{base}/login")
    assert page.locator("html").get_attribute("lang") == "fr" and page.locator("h1").inner_text() == "Se connecter"
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/queue")
    return page


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
    }""")
    return list(result)


def overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def pages_for(role: str, case_id: str | None) -> list[str]:
    paths = ["/queue", "/queue?flag=adverse_event&sort=newest", "/item?key=demo%3Aae1", "/dashboard", "/admin",
             "/admin/sources", "/no-such-page"]
    if role in ("compliance_officer", "admin"):
        paths.append("/admin/audit")
    if role == "admin":
        paths.append("/admin/users")
    if role != "social_moderator":
        paths += ["/cases"] + ([f"/cases/{case_id}"] if case_id else [])
    else:
        paths.append("/cases")  # the styled 403
    return paths


def _case(store: Any) -> str | None:
    cases = store.cases.list()
    return cases[0].id if cases else None


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_each_role_passes_axe_and_fits_a_phone(server: tuple[str, Any], browser: Any,
                                                             role: str) -> None:
    base, store = server
    failures: list[str] = []
    for viewport in (None, PHONE):
        page = french(browser, base, role, viewport)
        for path in pages_for(role, _case(store)):
            page.goto(base + path)
            assert page.locator("html").get_attribute("lang") == "fr", path
            if viewport is None:
                failures += [f"{path}: {v}" for v in axe_violations(page)]
            elif overflow(page) > 0:
                failures.append(f"{path}: {overflow(page)} px wider than a 390 px screen")
        page.context.close()
    assert not failures, "\n".join(failures)


def test_pages_before_login_pass_axe_and_fit_a_phone(server: tuple[str, Any], browser: Any) -> None:
    base, _ = server
    failures: list[str] = []
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        ctx = browser.new_context(locale="fr-FR", viewport=viewport, bypass_csp=True)
        page = ctx.new_page()
        for path in ("/login", "/no-such-page", "/api/v1/docs"):
            page.goto(base + path)
            if viewport is PHONE:
                failures += [f"{path}: {overflow(page)} px too wide"] if overflow(page) > 0 else []
            else:
                failures += [f"{path}: {v}" for v in axe_violations(page)]
        ctx.close()
    assert not failures, "\n".join(failures)


def test_moderator_triages_in_french_with_the_keyboard(server: tuple[str, Any], browser: Any) -> None:
    base, store = server
    page = french(browser, base, "social_moderator")
    assert "File de revue" in page.locator("h1").inner_text()
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible() and "Raccourcis clavier" in page.locator("#shortcuts").inner_text()
    page.keyboard.press("Escape")
    page.select_option("select[name=platform]", "facebook")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r".*platform=facebook.*"))
    assert page.locator("table.queue tbody tr[data-href]").count() == 4
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url("**/item?key=facebook%3Afb0")
    page.select_option("form.act-dismiss select[name=reason]", "off_topic")
    assert page.locator("form.act-dismiss option:checked").inner_text() == "hors sujet"
    page.click("form.act-dismiss button")
    page.wait_for_url("**/item?key=facebook%3Afb1")  # the next item with the same filters
    assert "Écarté." in page.locator(".flashes").inner_text()
    assert store.items.get("facebook:fb0").status == "dismissed"
    page.click("#back-to-queue")
    page.wait_for_url(re.compile(r".*/queue\?platform=facebook.*"))  # the filters were kept
    assert page.locator("select[name=platform]").input_value() == "facebook"
    page.click("details.views summary")
    page.fill("details.views input[name=name]", "Facebook du jour")
    page.click("details.views button:has-text('Enregistrer la vue')")
    assert "Vue « Facebook du jour » enregistrée." in page.locator(".flashes").inner_text()
    page.context.close()


def test_bulk_escalation_asks_first_and_lists_the_cases(server: tuple[str, Any], browser: Any) -> None:
    base, store = server
    page = french(browser, base, "social_moderator")
    page.goto(f"{base}/queue?flag=adverse_event&sort=oldest")
    page.click("#bulk button[type=submit]")  # nothing selected: a message, the same filters, no dead end
    page.wait_for_url(re.compile(r".*/queue\?flag=adverse_event.*sort=oldest.*"))
    assert "Rien n’est sélectionné" in page.locator(".flashes").inner_text()
    boxes = page.locator("input[name=sel]")
    for i in range(2):
        boxes.nth(i).check()
    page.select_option("#bulk select[name=action]", "escalate")
    page.click("#bulk button[type=submit]")
    assert "Transmettre 2 éléments à la PV ?" in page.locator("#bulk-question").inner_text()
    before = len(store.cases.list())
    page.click("#bulk-confirm")
    page.wait_for_url(re.compile(r".*/queue\?flag=adverse_event.*"))
    created = len(store.cases.list()) - before
    flashes = page.locator(".flashes").inner_text()
    assert created == 2 and "Transmettre à la PV : 2 fait(s), 0 en échec" in flashes
    assert len(re.findall(r"PV-\d{4}-\d{6}", flashes)) == 2
    page.goto(f"{base}/cases")  # a moderator following a case link: a styled 403 with a way back
    assert "Accès refusé" in page.locator("h1").inner_text()
    page.click("#back-to-queue")
    page.wait_for_url(re.compile(r".*/queue.*"))
    page.context.close()


def test_dashboard_bars_drill_down_to_the_queue(server: tuple[str, Any], browser: Any) -> None:
    base, _ = server
    page = french(browser, base, "pv_officer")
    page.goto(f"{base}/dashboard")
    assert "Publications signalées par jour de publication" in page.content()
    bars = page.locator("svg.chart a[href*='day=']")
    assert bars.count() >= 4  # posts on several posting days, not one bar
    label = bars.first.get_attribute("aria-label") or ""
    expected = int(label.rsplit(":", 1)[1])
    bars.first.click()
    page.wait_for_url(re.compile(r".*/queue\?.*day=\d{4}-\d{2}-\d{2}.*"))
    assert page.locator("table.queue tbody tr[data-href]").count() == expected
    page.goto(f"{base}/dashboard")
    product = page.locator("svg.chart a[href*='product=']").first
    assert product.get_attribute("data-label") == "Levothyrox"
    assert "il y a 2 heures" in page.locator("#collector-health").inner_text().replace("\xa0", " ")
    page.context.close()


def test_admin_manages_a_user_and_checks_the_audit_chain(server: tuple[str, Any], browser: Any) -> None:
    base, store = server
    page = french(browser, base, "admin")
    page.click("#nav-admin")
    page.click("#admin-users")
    page.fill("#add-user input[name=username]", "camille")
    page.select_option("#add-user select[name=role]", "compliance_officer")
    page.fill("#add-user input[name=password]", "un long mot de passe")
    page.click("#add-user button")
    assert "Utilisateur camille créé avec le rôle responsable conformité." in page.locator(".flashes").inner_text()
    page.click("#user-camille button.act-disable")
    assert "camille ne peut plus se connecter." in page.locator(".flashes").inner_text()
    page.goto(f"{base}/admin/audit?who=admin")
    page.click("#verify")
    assert "Chaîne intacte" in page.locator("#verify-status").inner_text()
    assert "a désactivé un utilisateur" in page.locator("#audit").inner_text()
    page.select_option("#ui-lang", "en")
    page.click(".lang-form button")
    assert page.locator("html").get_attribute("lang") == "en" and "Language saved." in page.content()
    page.select_option("#ui-lang", "fr")
    page.click(".lang-form button")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.context.close()


def test_pv_officer_escalates_from_the_item_page_in_french(server: tuple[str, Any], browser: Any) -> None:
    base, store = server
    page = french(browser, base, "pv_officer")
    page.goto(f"{base}/item?key=demo%3Aae5")
    assert "Transmettre à la PV" in page.locator("form.act-escalate").inner_text()
    page.keyboard.press("e")  # the shortcut; the confirmation dialog is accepted
    page.wait_for_url("**/cases/PV-*")
    assert store.items.get("demo:ae5").case_id is not None
    page.context.close()
