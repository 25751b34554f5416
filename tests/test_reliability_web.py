"""The review UI and the ingest endpoint under hostile use: concurrent logins, forged X-Forwarded-For, NUL in a
search, 100,000-deep bodies, a `nan` timestamp; what the access log may say; who may read the audit trail;
sessions and lock-out records that must not pile up. Real app, real SQLite, and a real `pvwatch serve`."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from collectors.webhook import WebhookOptions, check_auth, sign
from moderation.audit import read_trail
from moderation.auth.throttle import FORGET_AFTER, FREE_FAILURES, KIND, LoginThrottle
from moderation.web import create_app
from pvwatch.config import parse_config
from pvwatch.errors import PermissionDenied
from pvwatch.storage.sqlite import SqliteStore
from tests.alerts_support import free_port
from tests.moderation_helpers import PASSWORD, make_config, make_item, seed_users
from tests.reliability_support import login, served


def _login(client: TestClient, user: str, password: str) -> int:
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": user, "password": password, "login_token": token,
                                    "next": "/queue"}, follow_redirects=False)
    return r.status_code


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[tuple[Any, SqliteStore]]:
    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    yield create_app(make_config(tmp_path), store), store
    store.close()


def test_concurrent_attempts_check_at_most_five_passwords(ui: tuple[Any, SqliteStore]) -> None:
    app, store = ui
    clients = [TestClient(app) for _ in range(25)]
    tokens = [re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)  # type: ignore[union-attr]
              for c in clients]
    statuses: list[int] = []
    go = threading.Barrier(25)

    def attempt(c: TestClient, token: str) -> None:
        go.wait()
        r = c.post("/login", data={"username": "admin", "password": "wrong password!!", "login_token": token})
        statuses.append(r.status_code)

    threads = [threading.Thread(target=attempt, args=(c, t)) for c, t in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = len([r for r in store.audit.iter() if r.action == "auth.login_failed"])
    assert checked <= FREE_FAILURES, f"{checked} passwords checked by 25 concurrent attempts"
    assert statuses.count(429) >= 25 - FREE_FAILURES


def test_throttle_counts_are_atomic(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "t.db")
    throttle = LoginThrottle(store, "s" * 32)
    allowed: list[int] = []
    go = threading.Barrier(40)

    def one() -> None:
        go.wait()
        n, wait = throttle.begin("bob", "10.0.0.1")
        if not wait:
            allowed.append(n)

    threads = [threading.Thread(target=one) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(allowed) == list(range(1, FREE_FAILURES + 1))
    store.close()


def test_lockout_records_and_sessions_are_purged(ui: tuple[Any, SqliteStore]) -> None:
    app, store = ui
    clock = [1_800_000_000.0]
    throttle = LoginThrottle(store, "s" * 32, clock=lambda: clock[0])
    for name in ("nobody-1", "nobody-2", "admin"):
        throttle.begin(name, "10.0.0.9")
    clock[0] += FORGET_AFTER - 10
    throttle.begin("admin", "10.0.0.9")  # recent: kept
    clock[0] += 20
    assert throttle.purge() == 2 and len(store.kv.list(KIND)) == 1
    sessions = app.state.sessions
    old, _ = sessions.create("admin")
    fresh, _ = sessions.create("admin")
    doc, version = store.kv.get("session", old.sid)  # type: ignore[misc]
    store.kv.put("session", old.sid, {**doc, "created_at": "2020-01-01T00:00:00+00:00"}, expected_version=version)
    assert sessions.purge() == 1
    assert store.kv.get("session", old.sid) is None and store.kv.get("session", fresh.sid) is not None


def test_search_with_a_nul_character_is_not_a_500(ui: tuple[Any, SqliteStore]) -> None:
    app, store = ui
    store.items.upsert(make_item("n1", "Levothyrox et palpitations", reactions=("palpitations",)))
    client = TestClient(app)
    assert _login(client, "social_moderator", PASSWORD) == 303
    for q in ("%00", "palp%00itations", "%01%1b%0d%0a"):
        assert client.get(f"/queue?q={q}").status_code == 200


def test_only_view_audit_roles_read_the_audit_trail(ui: tuple[Any, SqliteStore]) -> None:
    app, store = ui
    store.items.upsert(make_item("a1", "Levothyrox et palpitations", reactions=("palpitations",)))
    for role in ("social_moderator", "pv_officer"):
        with pytest.raises(PermissionDenied):
            read_trail(store, role)
    assert read_trail(store, "compliance_officer") and read_trail(store, "admin", limit=1)
    client = TestClient(app)
    _login(client, "social_moderator", PASSWORD)
    page = client.get("/item?key=demo:a1")
    assert page.status_code == 200 and "auth.login" not in page.text  # the item page shows no trail to them
    from moderation.queue.service import Actor, QueueService

    with pytest.raises(PermissionDenied):
        QueueService(app.state.cfg, store).history(Actor("m", "social_moderator"), "demo:a1")


def test_a_nan_timestamp_never_passes_the_hmac_check() -> None:
    opts = WebhookOptions(secret_env="X")
    body = b'{"id": "1", "text": "t"}'
    for ts in ("nan", "NaN", "inf", "-inf"):
        headers = {"x-pvwatch-timestamp": ts, "x-pvwatch-signature": sign("k" * 20, ts, body)}
        assert check_auth(opts, "k" * 20, headers, body, time.time()) is not None


def test_a_100k_deep_webhook_body_is_refused_not_a_500(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_TEST_HOOK", "hook-secret-0123456789")
    cfg = parse_config({"sources": {"in": {"type": "webhook", "secret_env": "PVWATCH_TEST_HOOK"}},
                        "alerts": {"enabled": False}}, base_dir=tmp_path)
    store = SqliteStore(tmp_path / "w.db")
    from collectors.webhook import webhook_app

    client = TestClient(webhook_app(cfg, store), raise_server_exceptions=False)
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"id": "1", "text": "t", "m": ' + b"[" * 5000 + b"]" * 5000 + b"}"):
        ts = str(int(time.time()))
        r = client.post("/api/ingest/in", content=body, headers={
            "X-Pvwatch-Timestamp": ts, "X-Pvwatch-Signature": sign("hook-secret-0123456789", ts, body)})
        assert r.status_code == 400 and "nested deeper" in r.text
    store.close()


@pytest.mark.slow
def test_forwarded_for_is_ignored_from_untrusted_peers_and_the_access_log_keeps_no_query(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    store.items.upsert(make_item("k-secret-key", "Levothyrox et palpitations", reactions=("palpitations",)))
    store.close()
    port = free_port()
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\npath = "ui.db"\n[alerts]\nenabled = false\n[ui]\nport = {port}\n', encoding="utf-8")
    log = tmp_path / "serve.log"
    with served(cfg, port, log) as base:
        statuses = []
        for i in range(FREE_FAILURES + 3):  # a new forged address each time
            with httpx.Client(base_url=base, headers={"X-Forwarded-For": f"203.0.113.{i}"}) as c:
                statuses.append(login(c, "admin", "wrong password!!").status_code)
        assert statuses[FREE_FAILURES:] == [429] * 3, statuses
        with httpx.Client(base_url=base) as c:
            login(c, "compliance_officer", PASSWORD)
            assert c.get("/queue", params={"q": "Marie Dupont palpitations"}).status_code == 200
            assert c.get("/item", params={"key": "demo:k-secret-key"}).status_code == 200
    text = log.read_text(errors="replace")
    assert "GET /queue 200" in text and "GET /item 200" in text  # the access log is there ...
    assert "Dupont" not in text and "k-secret-key" not in text and "203.0.113" not in text  # ... without them
