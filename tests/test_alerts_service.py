"""AlertService on a real SQLite store with a real HTTP receiver: dedupe, retries, restart, quiet hours,
digests, deadlines, stopped collectors, no personal data. A fake clock replaces waiting."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.config import AlertsConfig
from alerts.outbox import KIND, Outbox, State
from alerts.service import AlertService
from pvwatch.config import Config, parse_config
from pvwatch.models import AdverseEvent, Analysis, Case, Item, Post, Span, SpecialSituation
from pvwatch.storage.base import Checkpoint
from pvwatch.storage.sqlite import SqliteStore
from tests.alerts_support import Receiver, start_receiver

SECRET_TEXT = "Marie Dupont (marie.dupont@example.com, 06 12 34 56 78) hospitalisée après Levothyrox"
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z


class Clock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PV_TEST_HOOK_SECRET", "hook-secret")


def config(receiver: Receiver, rules: list[dict[str, Any]], **alerts: Any) -> Config:
    return parse_config({
        "alerts": {"channels": {"hook": {"type": "webhook", "url": receiver.url, "secret_env": "PV_TEST_HOOK_SECRET",
                                         "timeout_seconds": 2}},
                   "retry": {"max_attempts": 3, "backoff_seconds": 10, "backoff_max_seconds": 100},
                   "rules": rules, **alerts},
        "ui": {"base_url": "https://pv.example.org"},
    })


AE_RULE = {"name": "ae", "on": "adverse_event", "channels": ["hook"]}


def item(pid: str = "1", ae: bool = True, serious: bool = False, products: tuple[str, ...] = ("Levothyrox",),
         situations: tuple[str, ...] = (), score: float = 0.9) -> Item:
    post = Post(platform="demo", id=pid, text=SECRET_TEXT, author="@marie_dupont", url="https://social.example/p/1")
    analysis = Analysis(
        adverse_event=AdverseEvent(decision=ae, score=score, evidence=[Span(label="AE", start=0, end=5, text="Marie")]),
        products=list(products), seriousness=["hospitalisation"] if serious else [],
        special_situations=[SpecialSituation(type=s) for s in situations],
    )
    return Item.from_post(post, analysis)


def service(cfg: Config, store: SqliteStore, clock: Clock) -> AlertService:
    return AlertService(cfg, store, clock=clock, background=False)


def deliveries(store: SqliteStore) -> list[dict[str, Any]]:
    return store.kv.list(KIND)


def test_ae_alert_is_delivered_once_without_personal_data(receiver: Receiver, store: SqliteStore) -> None:
    clock = Clock()
    svc = service(config(receiver, [AE_RULE]), store, clock)
    it = item(serious=True, situations=("pregnancy",))
    svc.on_new_item(it)
    svc.on_new_item(it)  # the same item again (replay): deduplicated per item and rule
    svc.on_new_item(item("2", ae=False))  # not an adverse event: no alert
    svc.tick()
    svc.tick()
    got = receiver.wait_for(1)
    assert len(got) == 1 and receiver.hits == 1
    body = got[0].json()
    alert = body["alerts"][0]
    assert alert["item_key"] == "demo:1" and alert["products"] == ["Levothyrox"] and alert["serious"] is True
    assert alert["seriousness"] == ["hospitalisation"] and alert["special_situations"] == ["pregnancy"]
    assert alert["link"] == "https://pv.example.org/item?key=demo:1"
    raw = got[0].body.decode()
    for pd in ("Marie", "Dupont", "marie.dupont@example.com", "06 12 34 56 78", "@marie_dupont", it.post.author,
               "social.example", "hospitalisée"):
        assert pd not in raw, pd
    [d] = deliveries(store)
    assert d["state"] == "delivered" and d["attempts"] == 1 and d["delivered_at"] == T0
    svc.close()


@pytest.mark.parametrize(
    ("rule", "it", "fires"),
    [
        ({"serious_only": True}, item(serious=False), False),
        ({"serious_only": True}, item(serious=True), True),
        ({"products": ["doliprane"]}, item(products=("Levothyrox",)), False),
        ({"products": ["levothyrox"]}, item(products=("Levothyrox",)), True),
        ({"min_score": 0.95}, item(score=0.9), False),
        ({"on": "special_situation"}, item(situations=()), False),
        ({"on": "special_situation"}, item(ae=False, situations=("overdose",)), True),
        ({"on": "special_situation", "situations": ["pregnancy"]}, item(situations=("overdose",)), False),
        ({"on": "special_situation", "situations": ["pregnancy"]}, item(situations=("pregnancy", "overdose")), True),
    ],
)
def test_rule_filters(receiver: Receiver, store: SqliteStore, rule: dict[str, Any], it: Item, fires: bool) -> None:
    svc = service(config(receiver, [{**AE_RULE, **rule}]), store, Clock())
    svc.on_new_item(it)
    assert len(deliveries(store)) == int(fires)


def test_failures_retry_with_backoff_then_deliver(receiver: Receiver, store: SqliteStore) -> None:
    clock = Clock()
    svc = service(config(receiver, [AE_RULE]), store, clock)
    receiver.fail_count = 2
    svc.on_new_item(item())
    svc.tick()
    [d] = deliveries(store)
    assert d["state"] == "failed" and d["attempts"] == 1 and "HTTP 500" in d["last_error"]
    assert T0 + 5 <= d["next_at"] <= T0 + 10  # backoff_seconds=10 with equal jitter
    svc.tick()  # not due yet: no request
    assert receiver.hits == 1
    clock.t = d["next_at"]
    svc.tick()
    [d] = deliveries(store)
    assert d["state"] == "failed" and d["attempts"] == 2 and d["next_at"] >= clock.t + 10  # doubled
    clock.t = d["next_at"]
    svc.tick()
    assert [r.json()["id"] for r in receiver.wait_for(1)] == [d["id"]]
    assert deliveries(store)[0]["state"] == "delivered" and receiver.hits == 3


def test_attempts_used_up_is_dead_and_retried_after_restart(receiver: Receiver, tmp_path: Path) -> None:
    clock = Clock()
    cfg = config(receiver, [AE_RULE])
    receiver.fail_count = 3
    with SqliteStore(tmp_path / "s.db") as store:
        svc = service(cfg, store, clock)
        svc.on_new_item(item())
        for _ in range(3):
            svc.tick()
            clock.t += 1000
        assert deliveries(store)[0]["state"] == "dead" and receiver.hits == 3
        svc.close()
    with SqliteStore(tmp_path / "s.db") as store:  # restart: dead deliveries get a fresh round
        svc = service(cfg, store, clock)
        svc.tick()
        assert deliveries(store)[0]["state"] == "delivered" and len(receiver.wait_for(1)) == 1


def test_pending_alert_survives_a_crash_and_is_sent_after_restart(receiver: Receiver, tmp_path: Path) -> None:
    clock = Clock()
    cfg = config(receiver, [AE_RULE])
    with SqliteStore(tmp_path / "s.db") as store:
        service(cfg, store, clock).on_new_item(item())  # recorded, then the process "dies" before sending
    # A crash in the middle of a send leaves "sending": claimed again once its lease has expired.
    with SqliteStore(tmp_path / "s.db") as store:
        svc = service(cfg, store, clock)
        d, v = svc.outbox.claim(deliveries(store)[0]["id"], clock.t, lease_seconds=62)  # type: ignore[misc]
        assert d.state == State.sending
    with SqliteStore(tmp_path / "s.db") as store:
        svc = service(cfg, store, clock)
        svc.tick()
        assert receiver.hits == 0  # lease still held by the dead worker
        clock.t += 63
        svc.tick()
        [d2] = deliveries(store)
        assert d2["state"] == "delivered" and d2["attempts"] == 2 and len(receiver.wait_for(1)) == 1


def test_two_workers_never_claim_the_same_delivery(receiver: Receiver, tmp_path: Path) -> None:
    cfg = config(receiver, [AE_RULE])
    with SqliteStore(tmp_path / "s.db") as a, SqliteStore(tmp_path / "s.db") as b:
        service(cfg, a, Clock()).on_new_item(item())
        did = deliveries(a)[0]["id"]
        oa, ob = Outbox(a.kv, AlertsConfig.of(cfg).retry, "A"), Outbox(b.kv, AlertsConfig.of(cfg).retry, "B")
        got_a, got_b = oa.get(did), ob.get(did)
        assert got_a and got_b
        assert oa.save(got_a[0].model_copy(update={"state": State.sending, "worker": "A"}), got_a[1]) is not None
        assert ob.save(got_b[0].model_copy(update={"state": State.sending, "worker": "B"}), got_b[1]) is None
        assert ob.claim(did, T0, 60) is None  # and a fresh claim sees it is taken
        assert deliveries(b)[0]["worker"] == "A"


def test_quiet_hours_hold_non_serious_and_let_serious_through(receiver: Receiver, store: SqliteStore) -> None:
    quiet = {"start": "22:00", "end": "07:00", "timezone": "UTC"}
    clock = Clock(datetime(2024, 3, 1, 23, 0, tzinfo=UTC).timestamp())
    svc = service(config(receiver, [{**AE_RULE, "quiet_hours": quiet}]), store, clock)
    svc.on_new_item(item("1", serious=False))
    svc.on_new_item(item("2", serious=True))
    svc.tick()
    got = receiver.wait_for(1)
    assert [r.json()["alerts"][0]["item_key"] for r in got] == ["demo:2"]
    held = [d for d in deliveries(store) if d["state"] == "pending"]
    assert len(held) == 1 and held[0]["held"] == "quiet_hours"
    clock.t = datetime(2024, 3, 2, 6, 59, tzinfo=UTC).timestamp()
    svc.tick()
    assert receiver.hits == 1
    clock.t = datetime(2024, 3, 2, 7, 0, tzinfo=UTC).timestamp()
    svc.tick()
    assert [r.json()["alerts"][0]["item_key"] for r in receiver.wait_for(2)] == ["demo:2", "demo:1"]


def test_digest_sends_one_message_per_window(receiver: Receiver, store: SqliteStore) -> None:
    window_start = 1_700_000_100.0 - 1_700_000_100.0 % 300  # windows are aligned on the epoch
    clock = Clock(window_start + 100)
    svc = service(config(receiver, [{**AE_RULE, "digest_minutes": 5}]), store, clock)
    for i in range(3):
        svc.on_new_item(item(str(i)))
        clock.t += 10
    svc.tick()
    assert receiver.hits == 0
    clock.t = window_start + 299
    svc.tick()
    assert receiver.hits == 0
    clock.t = window_start + 300  # the window ends
    svc.tick()
    svc.tick()
    [msg] = receiver.wait_for(1)
    body = msg.json()
    assert body["digest"] is True and [a["item_key"] for a in body["alerts"]] == ["demo:0", "demo:1", "demo:2"]
    states = sorted(d["state"] for d in deliveries(store))
    assert states == ["delivered", "digested", "digested", "digested"]
    svc.on_new_item(item("9"))  # next window: a new digest
    clock.t += 300
    svc.tick()
    assert [a["item_key"] for a in receiver.wait_for(2)[1].json()["alerts"]] == ["demo:9"]


def test_case_deadlines_and_stopped_collectors(receiver: Receiver, store: SqliteStore) -> None:
    now = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
    clock = Clock(now.timestamp())
    rules = [{"name": "due", "on": "case_due", "due_within_days": 3, "channels": ["hook"]},
             {"name": "late", "on": "case_overdue", "serious_only": True, "channels": ["hook"]},
             {"name": "down", "on": "collector_stopped", "stopped_after_minutes": 30, "channels": ["hook"]}]
    svc = service(config(receiver, rules, check_seconds=60), store, clock)

    def case(cid: str, due_in_days: float, serious: bool = True, status: str = "open") -> None:
        store.cases.create(Case(id=cid, item_key=f"demo:{cid}", product="Levothyrox", serious=serious,
                                day_zero=now - timedelta(days=10), due_at=now + timedelta(days=due_in_days),
                                status=status, created_by="pv"))  # type: ignore[arg-type]

    case("c-soon", 2)
    case("c-later", 10)
    case("c-late", -1)
    case("c-late-minor", -1, serious=False)
    case("c-done", -1, status="submitted")
    store.checkpoints.save(Checkpoint(source="twitter", last_success=now - timedelta(minutes=45)))
    store.checkpoints.save(Checkpoint(source="reddit", last_success=now - timedelta(minutes=5)))
    svc.tick()
    svc.tick()  # within check_seconds: nothing re-evaluated
    subjects = sorted((d["rule"], d["subject"]) for d in deliveries(store))
    assert subjects == [("down", f"source:twitter:{(now - timedelta(minutes=45)).isoformat()}"),
                        ("due", "case:c-soon"), ("late", "case:c-late")]
    bodies = {r.json()["rule"]: r.json()["alerts"][0] for r in receiver.wait_for(3)}
    assert bodies["due"]["days_left"] == 2.0 and bodies["due"]["link"] == "https://pv.example.org/item?key=demo:c-soon"
    assert bodies["late"]["case_id"] == "c-late" and bodies["down"]["source"] == "twitter"
    clock.t += 120  # re-evaluated later: still one alert per case / per outage
    svc.tick()
    assert len(deliveries(store)) == 3 and receiver.hits == 3


def test_a_source_that_never_succeeded_is_reported_from_its_first_failure(
    receiver: Receiver, store: SqliteStore
) -> None:
    now = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
    clock = Clock(now.timestamp())
    rules = [{"name": "down", "on": "collector_stopped", "stopped_after_minutes": 30, "channels": ["hook"]}]
    svc = service(config(receiver, rules, check_seconds=60), store, clock)
    first = now - timedelta(minutes=45)
    store.checkpoints.save(Checkpoint(source="x", error_count=30, last_error="HTTP 401", last_error_at=now,
                                      failing_since=first))  # wrong credentials since day one
    store.checkpoints.save(Checkpoint(source="youtube", error_count=2, last_error="HTTP 503", last_error_at=now,
                                      failing_since=now - timedelta(minutes=5)))  # not long enough yet
    store.checkpoints.save(Checkpoint(source="reddit"))  # never polled: nothing to measure from
    svc.tick()
    assert [(d["rule"], d["subject"]) for d in deliveries(store)] == [("down", f"source:x:{first.isoformat()}")]
    (hit,) = receiver.wait_for(1)
    body = hit.json()["alerts"][0]
    assert body["last_success"] is None and body["failing_since"] == first.isoformat() and body["failing"]
    assert b"HTTP 401" not in hit.body  # the platform's error text stays out of alerts
    clock.t += 120
    svc.tick()
    assert len(deliveries(store)) == 1  # one alert per outage


def test_disabled_records_suppressed_and_sends_nothing(receiver: Receiver, store: SqliteStore) -> None:
    svc = service(config(receiver, [AE_RULE], enabled=False), store, Clock())
    svc.on_new_item(item())
    svc.tick()
    assert [d["state"] for d in deliveries(store)] == ["suppressed"] and receiver.hits == 0


def test_no_rules_is_a_no_op_and_tick_is_cheap(receiver: Receiver, store: SqliteStore) -> None:
    svc = AlertService(parse_config({}), store)  # the template's default: enabled, no channels
    svc.on_new_item(item())
    start = time.perf_counter()
    for _ in range(1000):
        svc.tick()
    assert time.perf_counter() - start < 0.5
    assert deliveries(store) == []
    svc.close()


def _wait_states(store: SqliteStore, want: dict[str, str], timeout: float = 30) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        states = {d["channel"]: d["state"] for d in deliveries(store)}
        if all(states.get(ch) == st for ch, st in want.items()):
            break
        time.sleep(0.02)
    return states


def test_background_sender_delivers_quickly_and_a_hanging_channel_does_not_block(
    receiver: Receiver, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Proven by order, not by timers (CI may be loaded): the slow receiver hangs until the test lets it go,
    # and the hook receiver answers only once the slow one is hanging.
    slow = start_receiver()
    slow.hold = threading.Event()
    receiver.hold = slow.entered
    cfg = parse_config({"alerts": {
        "channels": {"hook": {"type": "webhook", "url": receiver.url, "secret_env": "PV_TEST_HOOK_SECRET"},
                     "slow": {"type": "webhook", "url": slow.url, "secret_env": "PV_TEST_HOOK_SECRET",
                              "timeout_seconds": 50}},
        "rules": [{"name": "ae", "on": "adverse_event", "channels": ["slow", "hook"]}]}})
    # No periodic rescan within the test: only the wake-up on a new alert can deliver in time.
    monkeypatch.setattr(AlertService, "rescan_seconds", 3600.0)
    svc = AlertService(cfg, store)  # background threads, real clock
    try:
        svc.on_new_item(item())
        # the pipeline waited for no channel: nothing is sent yet, or the slow one would be over
        assert {d["state"] for d in deliveries(store)} <= {"pending", "sending"}
        assert len(receiver.wait_for(1, timeout=30)) == 1, "the new alert woke the sender"
        states = _wait_states(store, {"hook": "delivered"})
        # the hook was delivered while the slow channel's request was still hanging
        assert states == {"hook": "delivered", "slow": "sending"} and not slow.hold.is_set()
        assert slow.got == []
        slow.hold.set()
        assert _wait_states(store, {"slow": "delivered"}) == {"hook": "delivered", "slow": "delivered"}
        assert len(slow.got) == 1
    finally:
        assert slow.hold is not None
        slow.hold.set()
        svc.close()
        assert slow.server is not None
        slow.server.shutdown()


def test_a_channel_that_never_answers_fails_at_its_timeout(store: SqliteStore) -> None:
    silent = start_receiver()
    silent.hold = threading.Event()  # never set while the test waits: the request hangs
    cfg = parse_config({"alerts": {
        "channels": {"silent": {"type": "webhook", "url": silent.url, "secret_env": "PV_TEST_HOOK_SECRET",
                                "timeout_seconds": 0.3}},
        "rules": [{"name": "ae", "on": "adverse_event", "channels": ["silent"]}]}})
    svc = AlertService(cfg, store)
    try:
        svc.on_new_item(item())
        assert _wait_states(store, {"silent": "failed"}) == {"silent": "failed"}
        assert "no answer within 0.3s" in json.dumps(deliveries(store))
        assert silent.entered.is_set() and silent.got == []
    finally:
        silent.hold.set()
        svc.close()
        assert silent.server is not None
        silent.server.shutdown()
