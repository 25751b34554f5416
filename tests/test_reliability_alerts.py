"""Alerts that cannot be lost or leak: "item stored" and "its alerts are due" commit together; a backend without
transactions re-derives missing alerts at start-up; links open the item; source-supplied text never reaches
a channel verbatim; counts are not capped; webhook URLs never reach a log line."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from alerts.channels import Message, build_channel
from alerts.config import AlertsConfig
from alerts.outbox import KIND as DELIVERY
from alerts.outbox import Delivery, Outbox, State
from alerts.service import AlertService
from classifiers.analyzer import Analyzer
from collectors.replay import ReplayCollector
from moderation.web import create_app
from pvwatch.app.main import app
from pvwatch.config import load_config
from pvwatch.errors import StoreUnavailable
from pvwatch.pipeline import Pipeline, _SourceState
from pvwatch.storage.sqlite import SqliteStore
from tests.alerts_support import Receiver
from tests.moderation_helpers import PASSWORD, seed_users
from tests.reliability_support import replay_source, write_config

AE = "J'ai pris du Levothyrox et depuis j'ai des palpitations"
CALM = "Super soirée hier soir avec les copains"


def _setup(tmp_path: Path, records: list[dict[str, Any]], url: str = "http://127.0.0.1:9/hook") -> Any:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return write_config(tmp_path, replay_source("imp", posts, "t", batch_size=50), alerts=f"""
[ui]
base_url = "https://pv.example.org"
[alerts.channels.hook]
type = "webhook"
url = "{url}"
secret_env = "PVWATCH_TEST_ALERT_HOOK"
[[alerts.rules]]
name = "every-ae"
on = "adverse_event"
channels = ["hook"]
""")


@pytest.fixture(autouse=True)
def _hook_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_TEST_ALERT_HOOK", "alert-hook-secret-0123456789")


def _wired(cfg: Any, store: SqliteStore) -> tuple[Pipeline, AlertService]:
    col = ReplayCollector("imp", cfg.sources["imp"], cfg)
    alerts = AlertService(cfg, store, background=False)
    pipe = Pipeline(cfg, store, Analyzer.from_config(cfg), [col], recorders=[alerts.on_new_item])
    return pipe, alerts


def _subjects(store: SqliteStore) -> list[str]:
    return sorted(d["subject"] for d in store.kv.list(DELIVERY, limit=100_000))


def test_a_full_disk_between_storing_and_alerting_loses_no_alert(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    records = [{"id": f"p{i}", "text": AE if i % 2 == 0 else CALM} for i in range(10)]
    cfg = load_config(_setup(tmp_path, records))
    store = SqliteStore(tmp_path / "store.db")
    pipe, alerts = _wired(cfg, store)
    real_put = store.kv.put
    calls = {"n": 0}

    def full_disk(kind: str, id: str, doc: dict[str, Any], expected_version: int | None = None) -> int:
        if kind == DELIVERY:
            calls["n"] += 1
            if calls["n"] == 3:  # the third alert of the batch hits a full disk
                raise StoreUnavailable("SQLite store: database or disk is full")
        return real_put(kind, id, doc, expected_version)

    monkeypatch.setattr(store.kv, "put", full_disk)
    state = _SourceState(pipe.collectors[0])
    assert pipe.step(state) is None  # the batch failed as a whole ...
    assert store.items.count() == 0 and _subjects(store) == []  # ... and nothing of it was committed
    monkeypatch.setattr(store.kv, "put", real_put)
    assert pipe.step(state) is not None  # the retry stores the batch and its alerts together
    ae_keys = sorted(i.key for i in store.items.iter_all() if "adverse_event" in i.flags)
    assert ae_keys == [f"t:p{i}" for i in (0, 2, 4, 6, 8)]
    assert _subjects(store) == ae_keys  # exactly one delivery per adverse-event item
    store.close()


@pytest.mark.parametrize("call", ["get", "save"])
def test_a_full_disk_at_the_checkpoint_backs_the_source_off_and_loses_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    """The checkpoint read before a poll and its save after a stored batch are store calls too: a full disk there
    must not end `pvwatch run` (it did: the kill-loop saw the process exit with "database or disk is full")."""
    records = [{"id": f"p{i}", "text": AE if i % 2 == 0 else CALM} for i in range(10)]
    cfg = load_config(_setup(tmp_path, records))
    store = SqliteStore(tmp_path / "store.db")
    pipe, alerts = _wired(cfg, store)
    real = getattr(store.checkpoints, call)

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("SQLite store: database or disk is full")

    monkeypatch.setattr(store.checkpoints, call, full_disk)
    state = _SourceState(pipe.collectors[0])
    before = time.monotonic()
    assert pipe.step(state) is None  # no exception out of the loop: the source backs off
    assert state.failures == 1 and state.next_at >= before and "disk is full" in pipe.stats.failing["imp"]
    monkeypatch.setattr(store.checkpoints, call, real)
    assert pipe.step(state) is not None and state.failures == 0  # the retry stores the batch (again, if saved)
    ae_keys = sorted(i.key for i in store.items.iter_all() if "adverse_event" in i.flags)
    assert ae_keys == [f"t:p{i}" for i in (0, 2, 4, 6, 8)] and store.items.count() == 10
    assert _subjects(store) == ae_keys  # a batch stored twice still alerts once per item
    assert store.checkpoints.get("imp").collected == 10
    store.close()


def test_alerts_missing_after_an_interrupted_run_are_rederived_once(tmp_path: Path) -> None:
    records = [{"id": f"p{i}", "text": AE} for i in range(4)]
    cfg = load_config(_setup(tmp_path, records))
    store = SqliteStore(tmp_path / "store.db")
    pipe = Pipeline(cfg, store, Analyzer.from_config(cfg), [ReplayCollector("imp", cfg.sources["imp"], cfg)])
    pipe.run(threading.Event(), once=True)  # no alerts wired: a worker killed between item and alert writes
    assert store.items.count() == 4 and _subjects(store) == []
    alerts = AlertService(cfg, store, background=False)
    assert alerts.rederive(store) == 4
    assert alerts.rederive(store) == 0  # idempotent
    assert _subjects(store) == [f"t:p{i}" for i in range(4)]
    store.close()


def test_the_alert_link_opens_the_item_in_the_review_ui(tmp_path: Path) -> None:
    records = [{"id": "plain-1", "text": AE}, {"id": "jane.doe@example.com", "text": AE}]
    cfg = load_config(_setup(tmp_path, records))
    store = SqliteStore(tmp_path / "store.db")
    pipe, _ = _wired(cfg, store)
    pipe.run(threading.Event(), once=True)
    links = {d["subject"]: d["payload"]["link"] for d in store.kv.list(DELIVERY)}
    seed_users(store)
    client = TestClient(create_app(cfg, store), base_url="https://testserver")  # secure cookies: https
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": "pv_officer", "password": PASSWORD, "login_token": token})
    for key, link in links.items():
        path = link.removeprefix("https://pv.example.org")
        page = client.get(path)
        assert page.status_code == 200, (key, link)
        assert "palpitations" in page.text
    store.close()


def test_source_supplied_text_never_reaches_a_channel_verbatim(tmp_path: Path, receiver: Receiver) -> None:
    email_id = "jane.doe@example.com"
    records = [{"id": email_id, "text": AE}, {"id": "p2", "platform": "x\r\nBcc: attacker@evil.example", "text": AE}]
    cfg = load_config(_setup(tmp_path, records, receiver.url))
    store = SqliteStore(tmp_path / "store.db")
    pipe, alerts = _wired(cfg, store)
    pipe.run(threading.Event(), once=True)
    payloads = [d["payload"] for d in store.kv.list(DELIVERY)]
    assert len(payloads) == 2
    blob = json.dumps(payloads)
    assert email_id not in blob and "\r" not in blob and "\n" not in blob
    alerts.deliver_due()
    bodies = b"".join(r.body for r in receiver.wait_for(2))
    assert email_id.encode() not in bodies and b"\\r\\n" not in bodies
    # Slack and Teams (real HTTP to the receiver) and the e-mail as composed: none carries it either
    env = {"U": receiver.url}
    before = len(receiver.got)
    for typ in ("slack", "teams"):
        ch = build_channel("c", typ, {"url_env": "U"}, env)
        for p in payloads:
            ch.send(Message(delivery_id="d", rule="every-ae", event="adverse_event", digest=False, alerts=[p]))
    sent = b"".join(r.body for r in receiver.wait_for(before + 4)[before:])
    assert email_id.encode() not in sent and b"Bcc" not in sent
    mail = build_channel("m", "email", {"host": "127.0.0.1", "starttls": False, "from_addr": "pv@example.org",
                                        "to": ["team@example.org"]}, {})
    for p in payloads:
        composed = mail.compose(Message(delivery_id="d", rule="every-ae", event="adverse_event", digest=False,  # type: ignore[attr-defined]
                                        alerts=[p])).as_string()
        assert email_id not in composed and "Bcc:" not in composed
    store.close()


def test_alerts_status_counts_are_not_capped(tmp_path: Path) -> None:
    cfg_path = _setup(tmp_path, [])
    cfg = load_config(cfg_path)
    store = SqliteStore(tmp_path / "store.db")
    with store.transaction():
        for i in range(10_050):
            Outbox(store.kv, AlertsConfig.of(cfg).retry, "t").add(Delivery(
                id=f"d{i:06d}", rule="every-ae", channel="hook", event="adverse_event", subject=f"t:{i}",
                state=State.delivered, created_at=1.0, next_at=1.0))
    store.close()
    r = CliRunner().invoke(app, ["alerts", "status", "--json", "-c", str(cfg_path)])
    assert json.loads(r.output)["counts"] == {"delivered": 10_050}


def test_webhook_urls_never_reach_a_log_line(receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    secret_path = "/services/T0SECRET/B0SECRET/abcdefSECRETtoken"
    url = receiver.url.replace("/hook", secret_path)
    ch = build_channel("slack", "slack", {"url_env": "SLACK_URL"}, {"SLACK_URL": url})
    caplog.set_level(logging.DEBUG)
    ch.send(Message(delivery_id="d1", rule="r", event="adverse_event", digest=False,
                    alerts=[{"event": "adverse_event", "rule": "r", "products": ["Levothyrox"], "link": "x"}]))
    receiver.wait_for(1)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in text  # httpx did log the request ...
    assert "SECRET" not in text  # ... without the credential in its URL
