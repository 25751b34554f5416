"""The review UI in-process (FastAPI TestClient on a real SQLite store): login, CSRF, roles, pages, exports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.web import create_app
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import PASSWORD, make_config, make_item, seed_users

HOSTILE = 'Levothyrox <script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a>'


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[tuple[Any, SqliteStore]]:
    cfg = make_config(tmp_path)
    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    store.items.upsert(make_item("ae", "Depuis le Levothyrox, vertiges. Écrivez à jean@ex.fr", reactions=("vertiges",),
                                 pd=(("EMAIL", "jean@ex.fr"),), serious=("hospitalisation",)))
    store.items.upsert(make_item("pd", "Doliprane, Jean Dupont 06 12 34 56 78", ae=False, products=("Doliprane",),
                                 pd=(("PERSON", "Jean Dupont"), ("PHONE", "06 12 34 56 78")), platform="reddit",
                                 lang="en"))
    store.items.upsert(make_item("xss", HOSTILE, reactions=("alert(1)",)))
    app = create_app(cfg, store)
    yield app, store
    store.close()


def login(app: Any, user: str, password: str = PASSWORD, lang: str = "en") -> TestClient:
    client = TestClient(app, headers={"Accept-Language": lang})
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    resp = client.post("/login", data={"username": user, "password": password, "login_token": token,
                                       "next": "/queue"}, follow_redirects=False)
    assert resp.status_code == 303, resp.text
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_login_required_and_wrong_password(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = TestClient(app, headers={"Accept-Language": "en"})
    r = client.get("/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"username": "pv_officer", "password": "wrong password!!", "login_token": token})
    assert r.status_code == 401 and "Wrong username or password" in r.text
    assert "pvwatch_session" not in client.cookies
    # the login form itself is CSRF-protected
    r = TestClient(app).post("/login", data={"username": "pv_officer", "password": PASSWORD, "login_token": "x"})
    assert r.status_code == 403
    assert any(rec.action == "auth.login_failed" for rec in store.audit.iter())


def test_security_headers_forbid_inline_script(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    r = login(app, "social_moderator").get("/queue")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert "<script>" not in r.text.replace('<script src="/static/app.js" defer></script>', "")


def test_hostile_post_is_escaped_everywhere(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = login(app, "pv_officer")
    for url in ("/queue", "/item?key=demo%3Axss"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html
        # on the item page "alert(1)" is highlighted evidence: each segment is escaped on its own
        assert "&lt;script&gt;" in html and "&lt;/script&gt;" in html and "onerror=&#34;alert(2)&#34;" in html


def test_post_without_csrf_is_refused(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = login(app, "pv_officer")
    r = client.post("/item/action", data={"key": "demo:ae", "action": "confirm"})
    assert r.status_code == 403 and "security token" in r.text
    assert store.items.get("demo:ae").status == "new"


def test_personal_data_is_masked_by_role(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    mod = login(app, "social_moderator").get("/item?key=reddit%3Apd").text
    pv = login(app, "pv_officer").get("/item?key=reddit%3Apd").text
    assert "Jean Dupont" not in mod and "06 12 34 56 78" not in mod and "[NAME]" in mod
    assert "06 12 34 56 78" in pv and "Jean Dupont" not in pv and "J. D." in pv  # PV may follow up


def test_item_view_highlights_evidence_and_shows_checklist(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    html = login(app, "pv_officer").get("/item?key=demo%3Aae").text
    assert '<mark class="ev" title="reaction">vertiges</mark>' in html
    assert '<mark class="ev" title="drug">Levothyrox</mark>' in html
    assert 'class="pd"' in html


def test_filter_confirm_escalate_and_export(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = login(app, "pv_officer")
    html = client.get("/queue?platform=reddit&status=open").text
    assert "reddit:pd" in html and "demo:ae" not in html
    item = store.items.get("demo:ae")
    r = client.post("/item/action", data={"key": "demo:ae", "action": "escalate", "version": item.version,
                                          "csrf_token": csrf_of(html)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/cases/PV-")
    case_page = client.get(r.headers["location"]).text
    case_id = re.search(r'id="case-id">([^<]+)<', case_page).group(1)
    xml = client.get(f"/cases/{case_id}/e2b.xml")
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    import e2br3  # an independent E2B(R3) reader must find the case in our export

    icsr = e2br3.parse(xml.content).messages[0].icsr
    assert icsr.safety_report_id == f"FR-PVWATCH-{case_id}"  # C.1.1: country-sender-number (EU ICSR IG)
    assert icsr.reactions[0].native_term == "vertiges" and icsr.reactions[0].hospitalisation is True
    assert icsr.drugs[0].product_name == "Levothyrox"
    csv_text = client.get("/cases/export.csv").text
    assert case_id in csv_text and "jean@ex.fr" in csv_text.splitlines()[1]  # the PV contact, for follow-up
    # the same version again is stale: no second case
    r = client.post("/item/action", data={"key": "demo:ae", "action": "escalate", "version": item.version,
                                          "csrf_token": csrf_of(html)})
    assert r.status_code == 409
    assert len(store.cases.list()) == 1


def test_roles_gate_pages_and_actions(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = login(app, "social_moderator")
    assert client.get("/cases").status_code == 403
    html = client.get("/item?key=reddit%3Apd").text
    assert "act-redact" not in html  # the form is not offered...
    r = client.post("/item/action", data={"key": "reddit:pd", "action": "redact", "csrf_token": csrf_of(html)})
    assert r.status_code == 403  # ...and the server refuses it anyway
    assert store.items.get("reddit:pd").status == "new"


def test_bulk_dismiss_reports_each_failure(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = login(app, "social_moderator")
    html = client.get("/queue").text
    sel = re.findall(r'name="sel" value="([^"]+)"', html)
    r = client.post("/queue/bulk", data={"action": "dismiss", "reason": "spam", "sel": sel,
                                         "csrf_token": csrf_of(html), "confirmed": "yes"})
    assert r.status_code == 200
    # a moderator may dismiss the personal-data item but not the two flagged adverse events
    assert "Dismiss: 1 done, 2 failed" in r.text and "this needs: administrator, PV officer." in r.text
    assert store.items.get("reddit:pd").status == "dismissed"
    assert store.items.get("demo:ae").status == "new"


def test_dashboard_renders_svg_charts(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = login(app, "admin")
    html = client.get("/queue").text
    client.post("/item/action", data={"key": "reddit:pd", "action": "dismiss", "reason": "spam",
                                      "csrf_token": csrf_of(html)})
    dash = client.get("/dashboard").text
    assert dash.count("<svg") >= 4
    # two AE items posted today; the bar's label is a date as people write it and it links to the queue
    assert re.search(r'<a href="/queue\?status=&amp;flag=adverse_event&amp;day=\d{4}-\d{2}-\d{2}&amp;basis=posted" '
                     r'aria-label="\d{1,2} \w+ · adverse event: 2">', dash)
    assert "dismissed: 1" in dash


def test_logout_kills_the_session(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = login(app, "admin")
    cookie = client.cookies.get("pvwatch_session")
    html = client.get("/queue").text
    client.post("/logout", data={"csrf_token": csrf_of(html)})
    replay = TestClient(app)
    replay.cookies.set("pvwatch_session", cookie)
    assert replay.get("/queue", follow_redirects=False).status_code == 303


def test_dashboard_shows_collector_health_as_a_table(ui) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from pvwatch.storage.base import Checkpoint

    app, store = ui
    store.checkpoints.save(Checkpoint("reddit-fr", last_success=datetime.now(UTC), collected=12, lag_seconds=90.0))
    store.checkpoints.save(Checkpoint("x-stream", error_count=3, last_error="<b>403</b> access tier"))
    dash = login(app, "admin").get("/dashboard").text
    table = dash[dash.index('id="collector-health"'):]
    assert re.search(r'<th scope="row">reddit-fr</th><td><strong>working</strong></td>', table)
    assert re.search(r'<th scope="row">x-stream</th><td><strong>failing</strong></td>', table)
    assert "2 minutes old" in table and "&lt;b&gt;403&lt;/b&gt; access tier" in table and "<b>403" not in table
    assert "{'name'" not in dash  # no raw dict dump
