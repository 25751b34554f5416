"""The review UI as a French reviewer uses it (TestClient on the real app and a real SQLite store): language,
words for codes, filters with counts, sorting, saved views, next item, flashes, bulk confirmation, error pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.web import create_app
from pvwatch.models import utcnow
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import make_config, make_item, seed_users
from tests.test_moderation_web import csrf_of, login


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[tuple[Any, SqliteStore]]:
    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    old = utcnow() - timedelta(days=3)
    store.items.upsert(make_item("ae1", "Levothyrox et vertiges", reactions=("vertiges",),
                                 serious=("hospitalisation",)))
    store.items.upsert(make_item("ae2", "Levothyrox, nausées", reactions=("nausées",), created_at=old))
    store.items.upsert(make_item("fb1", "Doliprane super", ae=False, products=("Doliprane",), platform="facebook"))
    store.items.upsert(make_item("fb2", "Doliprane fine", ae=False, products=("Doliprane",), platform="facebook",
                                 lang="en"))
    yield create_app(make_config(tmp_path), store), store
    store.close()


def fr(app: Any, user: str) -> TestClient:
    return login(app, user, lang="fr-FR,fr;q=0.9,en;q=0.5")


def visible(html: str) -> str:
    """Text a reader sees: no tags, no attribute values."""
    return re.sub(r"<[^>]+>", " ", html)


def test_french_by_accept_language_with_codes_as_words_and_local_times(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = fr(app, "pv_officer")
    r = client.get("/queue")
    assert '<html lang="fr">' in r.text and r.headers["content-language"] == "fr"
    text = visible(r.text)
    assert "File de revue" in text and "effet indésirable" in text and "grave : hospitalisation" in text
    for code in ("adverse_event", "not_adverse_event", "personal_data", "special_situation"):
        assert code not in text
    assert "pharmacovigilant" in text  # the role, as words (the account is named pv_officer)
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} CES?T", text)  # French format, Paris zone named
    assert "fuseau horaire Europe/Paris" in text
    item = visible(client.get("/item?key=demo%3Aae1").text)
    assert "pas un effet indésirable" in item and "Transmettre à la PV" in item


def test_saved_language_preference_wins_over_the_browser(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = fr(app, "admin")
    html = client.get("/queue").text
    r = client.post("/preferences/language", data={"lang": "en", "back": "/queue", "csrf_token": csrf_of(html)})
    assert '<html lang="en">' in r.text and "Language saved." in r.text and "Review queue" in r.text
    assert any(rec.action == "user.language" for rec in store.audit.iter(entity_id="admin"))


def test_platform_and_language_ignore_case_and_unknown_values_are_said(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = fr(app, "social_moderator")
    html = client.get("/queue?platform=Facebook&lang=FR").text
    assert "demo:fb1" not in html and "facebook:fb1" in html and "facebook:fb2" not in html
    html = client.get("/queue?flag=adverse&status=bogus").text
    assert "Le filtre flag ne connaît pas la valeur « adverse »" in html
    assert "Le filtre status ne connaît pas la valeur « bogus »" in html


def test_counts_per_filter_value_and_select_lists(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    html = fr(app, "social_moderator").get("/queue").text
    assert re.search(r'<option value="adverse_event" >effet indésirable \(2\)</option>', html)
    assert re.search(r'<option value="facebook" >facebook \(2\)</option>', html)
    assert re.search(r'<option value="en" >anglais \(1\)</option>', html)
    # counting platforms keeps the other filters: with flag=adverse_event, facebook has none
    html = fr(app, "social_moderator").get("/queue?flag=adverse_event").text
    assert re.search(r'<option value="demo" >demo \(2\)</option>', html) and "facebook (" not in html


def test_sorting_and_a_bounded_pager(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = fr(app, "social_moderator")
    keys = lambda html: re.findall(r'name="sel" value="\d+\|([^"]+)"', html)  # noqa: E731
    assert keys(client.get("/queue").text)[0] == "demo:ae1"  # serious first
    newest = keys(client.get("/queue?sort=newest").text)
    oldest = keys(client.get("/queue?sort=oldest").text)
    assert newest == list(reversed(oldest)) and len(newest) == 4
    html = client.get("/queue?page=99").text
    assert "page 1 sur 1" in html and "Il n’y a que 1 pages" in html and "page 99" not in html


def test_saved_views(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = fr(app, "social_moderator")
    html = client.get("/queue?platform=facebook").text
    r = client.post("/queue/views", data={"name": "Facebook à revoir", "back": "platform=facebook&status=open",
                                          "csrf_token": csrf_of(html)})
    assert "Vue « Facebook à revoir » enregistrée." in r.text
    assert '<a href="/queue?platform=facebook&amp;status=open">Facebook à revoir</a>' in r.text
    other = fr(app, "pv_officer").get("/queue").text
    assert "Facebook à revoir" not in other  # views are per reviewer


def test_next_item_flow_and_flash_after_dismiss(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = fr(app, "social_moderator")
    client.get("/queue?platform=facebook")  # the filters the next-item flow follows
    item = client.get("/item?key=facebook%3Afb1").text
    assert 'id="next-item"' in item and "facebook%3Afb2" in item
    r = client.post("/item/action", data={"key": "facebook:fb1", "action": "dismiss", "reason": "spam",
                                          "version": store.items.get("facebook:fb1").version,
                                          "csrf_token": csrf_of(item)}, follow_redirects=False)
    assert r.headers["location"] == "/item?key=facebook%3Afb2"
    page = client.get(r.headers["location"]).text
    assert "Écarté." in page
    nav = client.get("/item?key=facebook%3Afb2").text
    assert 'href="/queue?platform=facebook&amp;status=open" id="back-to-queue"' in nav  # the queue link keeps filters


def test_assigning_to_an_unknown_user_comes_back_to_the_item(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = fr(app, "social_moderator")
    html = client.get("/item?key=demo%3Aae1").text
    r = client.post("/item/action", data={"key": "demo:ae1", "action": "assign", "assignee": "nobody",
                                          "csrf_token": csrf_of(html)})
    assert r.status_code == 200 and "Non effectué : no user &#39;nobody&#39;" in r.text and 'id="post-text"' in r.text
    assert store.items.get("demo:ae1").assignee is None


def test_bulk_nothing_selected_keeps_filters_and_escalate_asks_then_lists_cases(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = fr(app, "social_moderator")
    html = client.get("/queue?product=Levothyrox").text
    r = client.post("/queue/bulk", data={"action": "escalate", "back": "product=Levothyrox&status=open",
                                         "csrf_token": csrf_of(html)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/queue?product=Levothyrox&status=open"
    assert "Rien n’est sélectionné" in client.get(r.headers["location"]).text
    sel = re.findall(r'name="sel" value="([^"]+)"', html)
    ask = client.post("/queue/bulk", data={"action": "escalate", "sel": sel, "back": "product=Levothyrox",
                                           "csrf_token": csrf_of(html)})
    assert "Transmettre 2 éléments à la PV ?" in ask.text and not store.cases.list()  # nothing done yet
    done = client.post("/queue/bulk", data={"action": "escalate", "sel": sel, "back": "product=Levothyrox",
                                            "confirmed": "yes", "csrf_token": csrf_of(html)})
    ids = sorted(c.id for c in store.cases.list())
    assert len(ids) == 2 and f"Cas créés : {ids[0]}, {ids[1]}" in done.text or f"{ids[1]}, {ids[0]}" in done.text


def test_error_pages_are_styled_pages_with_a_way_back(ui) -> None:  # type: ignore[no-untyped-def]
    app, store = ui
    client = fr(app, "social_moderator")
    r = client.get("/nope")
    assert r.status_code == 404 and "Page introuvable" in r.text and 'id="back-to-queue"' in r.text
    assert r.headers["content-type"].startswith("text/html")
    r = client.get("/cases/PV-2026-000001")  # a moderator following a case link
    assert r.status_code == 403 and "Accès refusé" in r.text and 'id="back-to-queue"' in r.text
    assert "Le rôle modérateur réseaux sociaux ne permet pas de voir les cas PV" in r.text
    r = client.get("/item")  # a missing parameter is a page too, not JSON
    assert r.status_code == 400 and "Valeur manquante ou invalide : key" in r.text
    assert TestClient(app).get("/api/v1/nope").headers["content-type"].startswith("application/json")


def test_dashboard_counts_by_posting_day_and_every_bar_drills_down(ui) -> None:  # type: ignore[no-untyped-def]
    app, _ = ui
    client = fr(app, "pv_officer")
    dash = client.get("/dashboard").text
    links = re.findall(r'<a href="(/queue\?[^"]+)" aria-label="([^"]+)"', dash)
    per_day = [(h, lbl) for h, lbl in links if "day=" in h and "adverse_event" in h]
    assert len(per_day) == 2  # the AE posted today and the one posted 3 days ago: two bars, not one
    for href, label in per_day:
        n = int(label.rsplit(":", 1)[1])
        page = client.get(href.replace("&amp;", "&")).text
        assert len(re.findall(r'name="sel"', page)) == n  # the bar's count is what the queue shows
    products = re.findall(r'<a href="/queue\?[^"]*product=[^"]+" data-label="([^"]+)" data-n="(\d+)"', dash)
    assert products[:2] == [("Levothyrox", "2"), ("Doliprane", "0")]  # configured names first, as configured
