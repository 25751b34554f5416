"""Queue and case services on a real SQLite store: roles, audit before/after, concurrency, day zero, due dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from classifiers.decisions import labelled_examples
from collectors.actions import actions_for
from moderation.cases.service import CaseService
from moderation.queue.filters import QueueFilters
from moderation.queue.service import QueueService
from pvwatch.errors import ConflictError, PermissionDenied, PvwatchError
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import make_config, make_item, seed_users


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    cfg = make_config(tmp_path)
    store = SqliteStore(tmp_path / "s.db")
    actors = seed_users(store)
    yield cfg, store, actors
    store.close()


def test_dismiss_writes_audit_with_before_and_after(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    store.items.upsert(make_item("1", "Doliprane ne marche pas", ae=False, products=("Doliprane",)))
    svc = QueueService(cfg, store)
    item = store.items.get("demo:1")
    saved = svc.dismiss(a["social_moderator"], "demo:1", item.version, "not_adverse_event", "just a review")
    assert saved.status == "dismissed" and saved.version == item.version + 1
    recs = [r for r in store.audit.iter(entity_id="demo:1")]
    assert [r.action for r in recs] == ["item.dismiss"]
    assert recs[0].actor == "social_moderator"
    assert recs[0].before["status"] == "new" and recs[0].after["status"] == "dismissed"
    assert "post" not in recs[0].after  # no post text (personal data) in the audit trail
    assert store.audit.verify()[0]


@pytest.mark.parametrize(
    ("role", "action", "ok"),
    [
        ("social_moderator", "escalate", True),
        ("compliance_officer", "escalate", False),
        ("social_moderator", "dismiss_ae", False),  # a flagged adverse event is a PV decision
        ("pv_officer", "dismiss_ae", True),
        ("social_moderator", "redact", False),
        ("compliance_officer", "redact", True),
        ("pv_officer", "redact", False),
        ("compliance_officer", "confirm", False),
        ("admin", "confirm", True),
    ],
)
def test_every_action_checks_the_role(env, role: str, action: str, ok: bool) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    store.items.upsert(make_item("1", "Levothyrox: vertiges, appelez Jean Dupont", reactions=("vertiges",),
                                 pd=(("PERSON", "Jean Dupont"),)))
    svc, cases = QueueService(cfg, store), CaseService(cfg, store)
    calls = {
        "escalate": lambda: cases.escalate(a[role], "demo:1", None),
        "dismiss_ae": lambda: svc.dismiss(a[role], "demo:1", None, "not_adverse_event"),
        "redact": lambda: svc.redact(a[role], "demo:1", None),
        "confirm": lambda: svc.confirm(a[role], "demo:1", None),
    }
    if ok:
        calls[action]()
        assert list(store.audit.iter(entity_id="demo:1"))
    else:
        with pytest.raises(PermissionDenied, match="needs one of"):
            calls[action]()
        assert store.items.get("demo:1").status == "new"
        assert not list(store.audit.iter(entity_id="demo:1"))


def test_stale_version_is_a_conflict_and_changes_nothing(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    store.items.upsert(make_item("1", "Levothyrox et migraine", reactions=("migraine",)))
    svc = QueueService(cfg, store)
    seen = store.items.get("demo:1").version
    svc.note(a["pv_officer"], "demo:1", seen, "first")
    with pytest.raises(ConflictError, match="changed by someone else"):
        svc.confirm(a["social_moderator"], "demo:1", seen)
    assert store.items.get("demo:1").status == "new"


def test_escalation_sets_day_zero_and_due_dates(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, day_zero="posted_if_owned", serious_days=15, non_serious_days=90)
    store = SqliteStore(tmp_path / "s.db")
    a = seed_users(store)
    posted = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    collected = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    owned = make_item("own", "Levothyrox: hospitalisée", reactions=("hospitalisée",), serious=("hospitalisation",),
                      company_owned=True, created_at=posted, collected_at=collected)
    # not company-owned, and never flagged by the machine: the reviewer's decision starts the clock
    other = make_item("ext", "Levothyrox et fatigue", ae=False, reactions=("fatigue",), created_at=posted,
                      collected_at=collected)
    store.items.upsert(owned)
    store.items.upsert(other)
    svc = CaseService(cfg, store)
    c1 = svc.escalate(a["pv_officer"], "demo:own", None)
    c2 = svc.escalate(a["social_moderator"], "demo:ext", None)
    assert c1.day_zero == posted and c1.serious and c1.due_at == posted + timedelta(days=15)
    assert c2.day_zero == collected and not c2.serious and c2.due_at == collected + timedelta(days=90)
    assert c1.id != c2.id and c1.id.startswith("PV-")
    item = store.items.get("demo:ext")
    assert item.status == "escalated" and item.case_id == c2.id and "adverse_event" in item.flags
    with pytest.raises(ConflictError, match="already case"):
        svc.escalate(a["pv_officer"], "demo:ext", None)
    # a PV officer's seriousness assessment moves the deadline
    c2 = svc.set_serious(a["pv_officer"], c2.id, c2.version, True)
    assert c2.due_at == collected + timedelta(days=15)
    assert [r.action for r in store.audit.iter(entity_id=c2.id)] == ["case.create", "case.seriousness"]
    store.close()


def test_day_zero_collected_setting_ignores_posting_time(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, day_zero="collected")
    store = SqliteStore(tmp_path / "s.db")
    a = seed_users(store)
    posted, collected = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC)
    store.items.upsert(make_item("x", "Levothyrox", ae=False, company_owned=True, created_at=posted,
                                 collected_at=collected))
    case = CaseService(cfg, store).escalate(a["admin"], "demo:x", None)
    assert case.day_zero == collected
    store.close()


def test_case_follow_up_and_overdue(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    old = datetime.now(UTC) - timedelta(days=20)
    store.items.upsert(make_item("late", "Levothyrox: coma", reactions=("coma",), serious=("life_threatening",),
                                 created_at=old, collected_at=old))
    store.items.upsert(make_item("soon", "Levothyrox: coma", reactions=("coma",), serious=("life_threatening",),
                                 collected_at=datetime.now(UTC) - timedelta(days=13)))
    svc = CaseService(cfg, store)
    late = svc.escalate(a["pv_officer"], "demo:late", None)
    soon = svc.escalate(a["pv_officer"], "demo:soon", None)
    overdue, due_soon = svc.due(within_days=3)
    assert [c.id for c in overdue] == [late.id] and [c.id for c in due_soon] == [soon.id]
    late = svc.add_note(a["pv_officer"], late.id, late.version, "called the reporter")
    late = svc.set_status(a["pv_officer"], late.id, late.version, "submitted")
    assert late.notes[0]["text"] == "called the reporter"
    assert [c.id for c in svc.due(within_days=3)[0]] == []  # submitted cases are no longer overdue
    with pytest.raises(PermissionDenied):
        svc.add_note(a["social_moderator"], soon.id, None, "x")


def test_redaction_rewrites_text_and_moves_evidence(env) -> None:  # type: ignore[no-untyped-def]
    # a post outside PV scope (no adverse event flag): permanent rewrite. PV-scope posts: test_cases_redaction.py
    cfg, store, a = env
    text = "Jean Dupont (jean@ex.fr) a eu des vertiges avec Levothyrox"
    store.items.upsert(make_item("r", text, reactions=("vertiges",), ae=False,
                                 pd=(("PERSON", "Jean Dupont"), ("EMAIL", "jean@ex.fr"))))
    saved = QueueService(cfg, store).redact(a["compliance_officer"], "demo:r", None)
    assert "Jean" not in saved.post.text and "jean@ex.fr" not in saved.post.text
    assert saved.post.raw is None and saved.analysis.personal_data == []
    assert set(saved.analysis.gdpr_categories) >= {"PERSON", "EMAIL"}
    for span in saved.analysis.adverse_event.evidence:  # offsets still point at the same words
        assert saved.post.text[span.start:span.end] == span.text
    assert {s.text for s in saved.analysis.adverse_event.evidence} == {"vertiges", "Levothyrox"}
    # the collector replays the original post: the personal data must not come back
    store.items.upsert(make_item("r", text, reactions=("vertiges",), ae=False,
                                 pd=(("PERSON", "Jean Dupont"), ("EMAIL", "jean@ex.fr"))))
    assert "Jean" not in store.items.get("demo:r").post.text


def test_hide_goes_through_the_collectors_actions(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    store.items.upsert(make_item("h", "Levothyrox spam", ae=False, platform="reddit"))
    store.items.upsert(make_item("d", "Levothyrox spam", ae=False, platform="demo"))
    with pytest.raises(PvwatchError, match="not available"):  # nothing plugged in: say so, change nothing
        QueueService(cfg, store).moderate(a["social_moderator"], "reddit:h", None, "hide", dry_run=True)
    svc = QueueService(cfg, store, actions_for(cfg))
    with pytest.raises(PermissionDenied):
        svc.moderate(a["pv_officer"], "reddit:h", None, "hide")
    saved = svc.moderate(a["social_moderator"], "reddit:h", None, "hide", dry_run=True)
    # a dry run changes nothing on the platform, so the status stays; the rehearsal is recorded
    assert saved.status == "new" and saved.notes[-1]["action"] == "hide" and saved.notes[-1]["dry_run"]
    assert [r.action for r in store.audit.iter(entity_id="reddit:h")] == ["item.hide_dry_run"]
    with pytest.raises(PvwatchError, match="demo"):  # no platform actions for the demo stream
        svc.moderate(a["social_moderator"], "demo:d", None, "remove")
    assert store.items.get("demo:d").status == "new"


def test_queue_filters_and_priority(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    now = datetime.now(UTC)
    store.items.upsert(make_item("n", "Doliprane ok", ae=False, products=("Doliprane",), platform="reddit",
                                 lang="en", collected_at=now - timedelta(days=10)))
    store.items.upsert(make_item("ae-new", "Levothyrox migraine", reactions=("migraine",),
                                 collected_at=now - timedelta(hours=1)))
    store.items.upsert(make_item("ae-old", "Levothyrox migraine", reactions=("migraine",),
                                 collected_at=now - timedelta(days=3)))
    store.items.upsert(make_item("ae-serious", "Levothyrox coma", reactions=("coma",), serious=("life_threatening",),
                                 collected_at=now - timedelta(hours=2)))
    svc = QueueService(cfg, store)
    keys = [i.key for i in svc.page(a["social_moderator"], QueueFilters.parse({})).items]
    assert keys == ["demo:ae-serious", "demo:ae-old", "demo:ae-new", "reddit:n"]
    only = lambda **p: [i.key for i in svc.page(a["social_moderator"], QueueFilters.parse(p)).items]  # noqa: E731
    assert only(platform="reddit") == ["reddit:n"]
    assert only(lang="en") == ["reddit:n"]
    assert only(product="Doliprane") == ["reddit:n"]
    assert only(flag="adverse_event", age="gt1d") == ["demo:ae-old"]
    assert only(age="lt1d") == ["demo:ae-serious", "demo:ae-new"]
    assert QueueFilters.parse({"flag": "<script>", "age": "bogus", "page": "-3"}) == QueueFilters.parse({})


def test_thread_context(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    store.items.upsert(make_item("root", "Levothyrox thread", ae=False, thread_id="root"))
    store.items.upsert(make_item("c1", "moi aussi des vertiges", ae=False, thread_id="root", parent_id="root"))
    store.items.upsert(make_item("c2", "pareil", ae=False, thread_id="root", parent_id="c1"))
    store.items.upsert(make_item("other", "autre", ae=False, thread_id="zzz"))
    svc = QueueService(cfg, store)
    ctx = svc.thread(a["social_moderator"], store.items.get("demo:c2"))
    assert {i.key for i in ctx} == {"demo:root", "demo:c1"}


def test_decisions_become_labels(env) -> None:  # type: ignore[no-untyped-def]
    cfg, store, a = env
    for pid in ("a", "b", "c", "d", "e"):
        store.items.upsert(make_item(pid, f"Levothyrox texte {pid}", ae=False))
    svc, cases = QueueService(cfg, store), CaseService(cfg, store)
    svc.dismiss(a["social_moderator"], "demo:a", None, "not_adverse_event")
    svc.dismiss(a["social_moderator"], "demo:b", None, "duplicate")  # says nothing about the text
    svc.confirm(a["social_moderator"], "demo:c", None)
    cases.escalate(a["pv_officer"], "demo:d", None)
    labels = {text: (lang, label) for text, lang, label in labelled_examples(store)}
    assert labels == {"Levothyrox texte a": ("fr", False), "Levothyrox texte c": ("fr", True),
                      "Levothyrox texte d": ("fr", True)}
