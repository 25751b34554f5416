"""Webhook ingestion over real HTTP (uvicorn on 127.0.0.1) into a real SQLite inbox, read back by the collector."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from collectors.webhook import INBOX, WebhookCollector, enqueue, sign, slot_id, webhook_router
from pvwatch.config import parse_config
from pvwatch.storage.sqlite import SqliteStore

SECRET = "test-webhook-secret-not-real"  # noqa: S105


@pytest.fixture
def cfg(base_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PVWATCH_TEST_HOOK", SECRET)
    monkeypatch.setenv("PVWATCH_TEST_BEARER", SECRET)
    base_config["sources"] = {
        "hook": {"type": "webhook", "secret_env": "PVWATCH_TEST_HOOK", "platform": "suite", "max_body_bytes": 5000,
                 "max_posts": 3, "batch_size": 2, "keep_seconds": 0},
        "bot": {"type": "webhook", "secret_env": "PVWATCH_TEST_BEARER", "auth": "secret", "company_owned": True},
        "nokey": {"type": "webhook", "secret_env": "PVWATCH_TEST_UNSET_VAR"},
    }
    return parse_config(base_config)


@pytest.fixture
def server(cfg: Any, store: SqliteStore) -> Iterator[str]:
    app = FastAPI()
    app.include_router(webhook_router(cfg, store), prefix="/api/ingest")
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    srv = uvicorn.Server(config)
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/api/ingest"
    srv.should_exit = True
    t.join(5)


def signed(body: bytes, ts: float | None = None, secret: str = SECRET) -> dict[str, str]:
    stamp = str(int(ts if ts is not None else time.time()))
    return {"X-Pvwatch-Timestamp": stamp, "X-Pvwatch-Signature": sign(secret, stamp, body),
            "Content-Type": "application/json"}


def post(url: str, payload: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> httpx.Response:
    body = raw if raw is not None else json.dumps(payload).encode()
    return httpx.post(url, content=body, headers=headers if headers is not None else signed(body), timeout=10)


def test_signed_posts_are_queued_and_collected_in_order(server: str, cfg: Any, store: SqliteStore) -> None:
    r1 = post(f"{server}/hook", {"posts": [{"id": "a1", "text": "Levothyrox: palpitations", "lang": "fr"},
                                           {"id": "a2", "text": "second"}]})
    assert r1.status_code == 202, r1.text
    assert r1.json()["accepted"] == 2
    r2 = post(f"{server}/hook", {"id": "a3", "text": "third", "platform": "chatbot", "author": "u1"})
    assert r2.json()["last_seq"] == 3

    col = WebhookCollector("hook", cfg.sources["hook"], cfg)
    col.attach_store(store)
    b1 = col.poll({})
    assert [p.id for p in b1.posts] == ["a1", "a2"] and not b1.exhausted
    assert b1.posts[0].platform == "suite" and b1.posts[0].source == "hook"
    b2 = col.poll(b1.cursor)
    assert [(p.id, p.platform) for p in b2.posts] == [("a3", "chatbot")] and b2.exhausted
    # Resume from a saved cursor after a restart: nothing is re-read, and committed entries are pruned.
    col2 = WebhookCollector("hook", cfg.sources["hook"], cfg)
    col2.attach_store(store)
    b3 = col2.poll(b2.cursor)
    assert b3.posts == [] and b3.exhausted
    assert store.kv.get(INBOX, slot_id("hook", 1)) is None
    # New posts after a prune continue the sequence: no slot is reused.
    post(f"{server}/hook", {"id": "a4", "text": "fourth"})
    assert [p.id for p in col2.poll(b3.cursor).posts] == ["a4"]


@pytest.mark.parametrize(
    ("case", "status", "fragment"),
    [
        ("bad_signature", 401, "signature does not match"),
        ("wrong_secret", 401, "signature does not match"),
        ("stale_timestamp", 401, "away from server time"),
        ("missing_headers", 401, "missing"),
        ("not_json", 400, "not JSON"),
        ("too_big", 413, "larger than"),
        ("too_many_posts", 413, "limit is 3"),
        ("all_invalid", 422, "id"),
        ("unknown_source", 404, "no enabled webhook source"),
        ("secret_unset", 503, "PVWATCH_TEST_UNSET_VAR"),
    ],
)
def test_rejections(server: str, store: SqliteStore, case: str, status: int, fragment: str) -> None:
    good = json.dumps({"id": "x1", "text": "hello"}).encode()
    url, body, headers = f"{server}/hook", good, signed(good)
    if case == "bad_signature":
        headers["X-Pvwatch-Signature"] = "sha256=" + "0" * 64
    elif case == "wrong_secret":
        headers = signed(good, secret="another-secret")
    elif case == "stale_timestamp":
        headers = signed(good, ts=time.time() - 3600)
    elif case == "missing_headers":
        headers = {"Content-Type": "application/json"}
    elif case == "not_json":
        body = b"{not json"
        headers = signed(body)
    elif case == "too_big":
        body = json.dumps({"id": "x", "text": "a" * 6000}).encode()
        headers = signed(body)
    elif case == "too_many_posts":
        body = json.dumps([{"id": str(i), "text": "t"} for i in range(4)]).encode()
        headers = signed(body)
    elif case == "all_invalid":
        body = json.dumps([{"text": "no id"}, "a string", {"id": "y", "text": 5}]).encode()
        headers = signed(body)
    elif case == "unknown_source":
        url = f"{server}/nope"
    elif case == "secret_unset":
        url = f"{server}/nokey"
    r = post(url, None, headers=headers, raw=body)
    assert r.status_code == status, r.text
    assert fragment in r.text
    assert SECRET not in r.text
    assert store.kv.list(INBOX) == []  # nothing rejected is queued


def test_partial_batch_reports_rejected_records(server: str, store: SqliteStore) -> None:
    r = post(f"{server}/hook", [{"id": "ok", "text": "fine"}, {"id": "", "text": "bad"}])
    assert r.status_code == 202
    assert r.json()["accepted"] == 1
    assert r.json()["rejected"][0]["index"] == 1


def test_bearer_secret_auth(server: str, cfg: Any, store: SqliteStore) -> None:
    body = json.dumps({"id": "c1", "text": "chatbot transcript line"}).encode()
    assert post(f"{server}/bot", None, headers={"Authorization": "Bearer wrong"}, raw=body).status_code == 401
    r = post(f"{server}/bot", None, headers={"Authorization": f"Bearer {SECRET}"}, raw=body)
    assert r.status_code == 202
    col = WebhookCollector("bot", cfg.sources["bot"], cfg)
    col.attach_store(store)
    [p] = col.poll({}).posts
    assert p.company_owned and p.platform == "webhook"


def test_concurrent_writers_never_share_a_slot(cfg: Any, store: SqliteStore) -> None:
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for i in range(10):
                enqueue(store, "hook", [{"id": f"{w}-{i}", "text": "t"}])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    docs = store.kv.list(INBOX, limit=100)
    assert sorted(d["seq"] for d in docs) == list(range(1, 41))
    assert len({d["record"]["id"] for d in docs}) == 40
