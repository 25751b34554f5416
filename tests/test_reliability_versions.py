"""Nothing rewritten: a webhook sender cannot name (and overwrite) a post another source stored, and a post linked
to a PV case never changes in place. A changed post becomes a new version beside the original, audited, linked
to the case with a follow-up note the PV officer sees. Real pipeline, classifiers, SQLite, review UI."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from classifiers.analyzer import Analyzer
from collectors.replay import ReplayCollector
from collectors.webhook import WebhookCollector, enqueue
from moderation.cases.e2b import build_e2b
from moderation.cases.service import CaseService
from moderation.queue.service import Actor
from moderation.web import create_app
from pvwatch.config import load_config
from pvwatch.pipeline import Pipeline
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import PASSWORD, seed_users
from tests.reliability_support import replay_source, webhook_source, write_config

AE = "J'ai pris du Levothyrox et depuis j'ai des palpitations très fortes"
PV = Actor("pv_officer", "pv_officer")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PVWATCH_TEST_HOOK", "hook-secret-0123456789")
    posts = tmp_path / "x.jsonl"
    cfg = load_config(write_config(tmp_path, replay_source("x", posts, "x"), webhook_source("in", "PVWATCH_TEST_HOOK")))
    store = SqliteStore(tmp_path / "store.db")
    yield cfg, store, posts
    store.close()


def _run(cfg, store, *names: str) -> None:  # type: ignore[no-untyped-def]
    cols = []
    for name in names:
        src = cfg.sources[name]
        col = ReplayCollector(name, src, cfg) if src.type == "replay" else WebhookCollector(name, src, cfg)
        if isinstance(col, WebhookCollector):
            col.attach_store(store)
        cols.append(col)
    Pipeline(cfg, store, Analyzer.from_config(cfg), cols).run(threading.Event(), once=True)


def _escalated(cfg, store, posts: Path):  # type: ignore[no-untyped-def]
    posts.write_text(json.dumps({"id": "h-script", "text": AE}) + "\n", encoding="utf-8")
    _run(cfg, store, "x")
    item = store.items.get("x:h-script")
    assert item is not None and "adverse_event" in item.flags
    return CaseService(cfg, store).escalate(PV, item.key, item.version)


def test_a_signed_webhook_record_cannot_replace_a_post_behind_a_case(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, posts = env
    case = _escalated(cfg, store, posts)
    before = store.items.get("x:h-script")
    enqueue(store, "in", [{"id": "h-script", "platform": "x", "text": "Super journée à la plage"}])
    _run(cfg, store, "in")
    after = store.items.get("x:h-script")
    assert after == before  # same text, flags, version: untouched
    forged = store.items.get("in/x:h-script")
    assert forged is not None and forged.post.text == "Super journée à la plage" and forged.case_id is None
    xml = build_e2b(store.cases.get(case.id), after)  # type: ignore[arg-type]
    assert "palpitations" in (xml.decode() if isinstance(xml, bytes) else str(xml))


def test_a_changed_post_behind_a_case_becomes_a_new_version_shown_as_a_follow_up(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, posts = env
    case = _escalated(cfg, store, posts)
    original = store.items.get("x:h-script")
    # the platform re-delivers the post, edited by its author (the replay starts again from the top)
    edited = "J'ai pris du Levothyrox et depuis j'ai des palpitations, et maintenant aussi des vertiges"
    posts.write_text(json.dumps({"id": "h-script", "text": edited}) + "\n", encoding="utf-8")
    cp = store.checkpoints.get("x")
    cp.cursor = {}
    store.checkpoints.save(cp)
    _run(cfg, store, "x")

    assert store.items.get("x:h-script") == original  # never changed in place
    versions = [i for i in store.items.iter_all() if i.post.version_of == "x:h-script"]
    assert len(versions) == 1
    new = versions[0]
    assert new.key.startswith("x:h-script~v") and new.post.text == edited and new.case_id == case.id
    assert "adverse_event" in new.flags
    audit = [r for r in store.audit.iter("x:h-script") if r.action == "item.new_version"]
    assert len(audit) == 1 and audit[0].after == {"version_key": new.key, "case_id": case.id}
    note = store.cases.get(case.id).notes[-1]  # type: ignore[union-attr]
    assert note["kind"] == "follow_up" and note["item_key"] == new.key
    assert store.audit.verify()[0]

    # a replay of the same edit changes nothing more
    notes = len(store.cases.get(case.id).notes)  # type: ignore[union-attr]
    cp = store.checkpoints.get("x")
    cp.cursor = {}
    store.checkpoints.save(cp)
    _run(cfg, store, "x")
    assert len([i for i in store.items.iter_all() if i.post.version_of]) == 1
    assert len(store.cases.get(case.id).notes) == notes  # type: ignore[union-attr]

    # the PV officer sees the follow-up on the case page
    seed_users(store)
    client = TestClient(create_app(cfg, store))
    import re

    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": "pv_officer", "password": PASSWORD, "login_token": token})
    page = client.get(f"/cases/{case.id}").text
    assert "Follow-up" in page and new.key in page


def test_a_replay_never_clears_the_flags_of_a_case_linked_item(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, posts = env
    _escalated(cfg, store, posts)
    original = store.items.get("x:h-script")
    from pvwatch.storage.base import merge_replay

    cleared = original.model_copy(update={"flags": [], "analysis": original.analysis.model_copy(  # type: ignore[union-attr]
        update={"products": []})})
    assert merge_replay(original, cleared) is None  # type: ignore[arg-type]
