"""The case intake screen, PV actions and deadlines through the real app (TestClient, real SQLite)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import e2br3
import pytest

from moderation.web import create_app
from pvwatch.models import utcnow
from pvwatch.storage.sqlite import SqliteStore
from tests.cases_support import case_config
from tests.moderation_helpers import make_item, seed_users
from tests.test_moderation_web import csrf_of, login


@pytest.fixture
def ui(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    late = make_item("late", "Mon père, 81 ans, hospitalisé pour une pancréatite sous Levothyrox",
                     reactions=("pancréatite",), serious=("hospitalisation",))
    late = late.model_copy(update={"day_zero": utcnow() - timedelta(days=20), "flags": ["adverse_event"]})
    store.items.upsert(late)
    yield create_app(case_config(tmp_path), store), store
    store.close()


def _escalate(client: Any, store: SqliteStore) -> tuple[str, str]:
    html = client.get("/item?key=demo%3Alate").text
    r = client.post("/item/action", data={"key": "demo:late", "action": "escalate", "csrf_token": csrf_of(html),
                                          "version": store.items.get("demo:late").version}, follow_redirects=False)
    page = client.get(r.headers["location"]).text
    return re.search(r'id="case-id">([^<]+)<', page).group(1), page


def test_queue_and_case_list_show_time_left_and_breach(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = login(app, "pv_officer")
    html = client.get("/queue").text
    assert "BREACH" in html and "overdue by 5 d" in html
    case_id, page = _escalate(client, store)
    assert 'id="countdown"' in page and "overdue by 5 d" in page
    assert "Céphalée" not in page and "Pancréatite" in page and "MedDRA 99.0" in page  # the code, shown
    assert "81 years" in page and "male" in page and "consumer" in page and "hospitalisation" in page
    cases = client.get("/cases").text
    assert case_id in cases and "BREACH" in cases


def test_pv_officer_codes_downgrades_with_reason_and_exports(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = login(app, "pv_officer")
    case_id, page = _escalate(client, store)
    url = f"/cases/{case_id}/action"
    case = store.cases.get(case_id)
    r = client.post(url, data={"action": "coding", "index": "0", "llt_code": "91000050", "csrf_token": csrf_of(page),
                               "version": case.version})
    assert r.status_code == 200 and "91000050" in r.text
    case = store.cases.get(case_id)
    r = client.post(url, data={"action": "seriousness", "csrf_token": csrf_of(page), "version": case.version})
    assert r.status_code == 400 and "justification" in r.text  # no reason: refused
    r = client.post(url, data={"action": "seriousness", "csrf_token": csrf_of(page), "version": case.version,
                               "justification": "hospitalisation planifiée, sans lien"})
    assert r.status_code == 200 and store.cases.get(case_id).serious is False
    xml = client.get(f"/cases/{case_id}/e2b.xml")
    icsr = e2br3.parse(xml.content).messages[0].icsr
    assert icsr.reactions[0].meddra.code == "91000050" and e2br3.is_null(icsr.reactions[0].hospitalisation)
    assert "hospitalisation planifiée" in icsr.narrative
    actions = [x.action for x in store.audit.iter(entity_id=case_id)]
    assert actions[-3:] == ["case.coding", "case.seriousness", "case.export_e2b"]


def test_compliance_officer_cannot_change_a_case(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    case_id, _ = _escalate(login(app, "pv_officer"), store)
    client = login(app, "compliance_officer")
    page = client.get(f"/cases/{case_id}").text
    assert "Set code" not in page
    r = client.post(f"/cases/{case_id}/action", data={"action": "assign", "assignee": "x", "csrf_token": csrf_of(page)})
    assert r.status_code == 403


def test_without_meddra_the_case_says_free_text(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "n.db")
    seed_users(store)
    store.items.upsert(make_item("late", "Des vertiges avec le Levothyrox", reactions=("vertiges",)))
    client = login(create_app(case_config(tmp_path, meddra=False), store), "pv_officer")
    case_id, page = _escalate(client, store)
    assert 'id="no-meddra"' in page and "exported as free text" in page
    assert "free text" in page.split('id="reactions"')[1]
    assert "EudraVigilance needs a MedDRA LLT code" in page  # the non-blocking EU rule, shown before submission
    store.close()


def test_item_page_proposes_the_open_case_and_control_characters_export(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = login(app, "pv_officer")
    case_id, _ = _escalate(client, store)
    again = make_item("again", "Mon père a toujours sa pancréatite\x01 sous Levothyrox\x1b\x00",
                      reactions=("pancréatite",))
    store.items.upsert(again.model_copy(update={"post": again.post.model_copy(update={"author": "u-late"})}))
    page = client.get("/item?key=demo%3Aagain").text
    assert "Possible follow-up of" in page and f"Add to {case_id} as follow-up" in page
    r = client.post("/item/action", data={"key": "demo:again", "action": "escalate", "follow_up_of": case_id,
                                          "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert r.headers["location"] == f"/cases/{case_id}"
    xml = client.get(f"/cases/{case_id}/e2b.xml")  # issue 14: was a 500 with NUL/C0 in a post
    assert xml.status_code == 200 and b"\x01" not in xml.content
    assert "toujours sa pancréatite" in e2br3.parse(xml.content).messages[0].icsr.narrative
