"""End to end in a real headless Chromium: log in, filter, escalate, export; a hostile post executes nothing.

The real app runs under uvicorn on 127.0.0.1 with a temporary SQLite store seeded through the store API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM, chromium, serving
from tests.moderation_helpers import PASSWORD, make_config, make_item, seed_users

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium "
                                                     "(apt-get install chromium)"),
]
HOSTILE = ('Levothyrox et vertiges <script>window.__pwned=1;console.log("PWNED-script")</script> '
           '<img src=x onerror="window.__pwned=2;console.log(\'PWNED-img\')"> '
           '<a href="javascript:window.__pwned=3">clique</a> <svg onload="window.__pwned=4"></svg>')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from moderation.web import create_app
    from pvwatch.storage.sqlite import SqliteStore

    tmp = tmp_path_factory.mktemp("e2e")
    cfg = make_config(tmp)
    store = SqliteStore(tmp / "e2e.db")
    seed_users(store)
    store.items.upsert(make_item("ae1", "Depuis le Levothyrox, vertiges et malaise", reactions=("vertiges",),
                                 serious=("hospitalisation",)))
    store.items.upsert(make_item("rd1", "Doliprane works fine for me", ae=False, products=("Doliprane",),
                                 platform="reddit", lang="en"))
    store.items.upsert(make_item("xss", HOSTILE, reactions=("vertiges",), platform="forum"))
    with serving(create_app(cfg, store)) as base:
        yield base, store
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _login(browser: Any, base: str, user: str) -> Any:
    ctx = browser.new_context(accept_downloads=True)
    page = ctx.new_page()
    page.goto(f"{base}/queue")
    assert "/login" in page.url
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/queue")
    return page


def test_login_filter_escalate_export(server: tuple[str, Any], browser: Any, tmp_path: Path) -> None:
    base, store = server
    page = _login(browser, base, "pv_officer")
    assert page.locator("table.queue tbody tr").count() == 3
    page.select_option("select[name=product]", "Levothyrox")
    page.select_option("select[name=platform]", "demo")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and "vertiges" in rows.first.inner_text()
    rows.first.locator("td.snippet a").click()
    page.wait_for_url("**/item?key=demo%3Aae1")
    assert page.locator("mark.ev").count() >= 2  # evidence highlighted
    page.once("dialog", lambda d: d.accept())  # "Escalate this item to PV?"
    page.click("form.act-escalate button")
    page.wait_for_url("**/cases/PV-*")
    case_id = page.locator("#case-id").inner_text()
    assert store.items.get("demo:ae1").case_id == case_id
    with page.expect_download() as info:
        page.click("#export-e2b")
    target = tmp_path / "case.xml"
    info.value.save_as(target)
    from moderation.cases.e2b_rules import schema_errors

    data = target.read_bytes()
    assert schema_errors(data) == [] and case_id.encode() in data  # the official ICH schema
    page.context.close()


def test_hostile_post_executes_nothing(server: tuple[str, Any], browser: Any) -> None:
    base, _ = server
    page = _login(browser, base, "social_moderator")
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append("dialog:" + d.message), d.dismiss()))
    page.on("console", lambda m: fired.append("console:" + m.text) if "PWNED" in m.text else None)
    page.goto(f"{base}/queue?platform=forum")
    page.goto(f"{base}/item?key=forum%3Axss")
    text = page.locator("#post-text")
    shown = text.inner_text()
    assert "<script>" in shown and "onerror=" in shown and "javascript:" in shown  # shown as text
    assert text.locator("script, img, a, svg").count() == 0  # ...and never as elements
    page.mouse.click(5, 5)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned === undefined")
    assert fired == []
    page.context.close()
