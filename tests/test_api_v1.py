"""The integration API on the real app, real analyzer and real SQLite store: tokens (hashed, scoped, revocable,
audited), classify, posts into the queue (no duplicates), rate limit, OpenAPI, JSON errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.api.ratelimit import RateLimiter
from moderation.api.tokens import ApiScope, create_token, list_tokens, revoke_token
from moderation.api.views import mount_api
from moderation.web import create_app
from pvwatch.app.serve import api_engine
from pvwatch.config import parse_config
from pvwatch.storage.sqlite import SqliteStore

AE_FR = "Depuis que je prends du Levothyrox j'ai des vertiges et des palpitations, j'ai fini aux urgences"
PLAIN = "Bonjour, quels sont vos horaires d'ouverture ?"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, SqliteStore, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("api")
    cfg = parse_config({"products": [{"name": "Levothyrox", "inns": ["levothyroxine"]}],
                        "alerts": {"enabled": False}, "storage": {"path": str(tmp / "api.db")},
                        "api": {"rate_per_minute": 60, "burst": 1000}}, base_dir=tmp)
    store = SqliteStore(tmp / "api.db")
    app = create_app(cfg, store)
    mount_api(app, cfg, store, api_engine(cfg, store))
    tokens = {
        "classify": create_token(store, "chatbot-fr", frozenset({ApiScope.classify}), actor="test")[1],
        "ingest": create_token(store, "crm", frozenset({ApiScope.ingest}), actor="test")[1],
    }
    yield TestClient(app), store, tokens
    store.close()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_classify_tells_a_chatbot_at_once(api: Any) -> None:
    client, store, tokens = api
    r = client.post("/api/v1/classify", json={"text": AE_FR}, headers=_auth(tokens["classify"]))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["adverse_event"] is True and out["hand_over_to_pv"] is True and "Levothyrox" in out["products"]
    assert out["schema_version"] == 1 and out["lang"] == "fr"
    plain = client.post("/api/v1/classify", json={"text": PLAIN}, headers=_auth(tokens["classify"])).json()
    assert plain["adverse_event"] is False and plain["hand_over_to_pv"] is False
    assert store.items.count() == 0  # classify stores nothing


def test_tokens_are_scoped_hashed_revocable_and_audited(api: Any) -> None:
    client, store, tokens = api
    assert client.post("/api/v1/classify", json={"text": PLAIN}).status_code == 401
    bad = client.post("/api/v1/classify", json={"text": PLAIN}, headers=_auth(tokens["classify"] + "x"))
    assert bad.status_code == 401 and bad.headers["content-type"].startswith("application/json")
    wrong_scope = client.post("/api/v1/posts", json={"id": "1", "text": PLAIN}, headers=_auth(tokens["classify"]))
    assert wrong_scope.status_code == 403 and "ingest" in wrong_scope.json()["detail"]
    # pvw_<id>_<secret>: the secret (token_urlsafe) may itself hold "_", so split after the id, as the server does
    secret = tokens["classify"].removeprefix("pvw_").partition("_")[2]
    assert len(secret) == 43
    raw = [d for d in store.kv.list("api_token")]
    assert raw and all(secret not in str(d) for d in raw) and all(len(d["hash"]) == 64 for d in raw)
    assert all("hash" not in t for t in list_tokens(store))
    token_id, token = create_token(store, "temp", frozenset({ApiScope.classify}), actor="admin")
    assert client.post("/api/v1/classify", json={"text": PLAIN}, headers=_auth(token)).status_code == 200
    revoke_token(store, token_id, actor="admin")
    assert client.post("/api/v1/classify", json={"text": PLAIN}, headers=_auth(token)).status_code == 401
    assert [r.action for r in store.audit.iter(entity_id=token_id)] == ["token.create", "token.revoke"]


def test_posts_enter_the_review_queue_once(api: Any) -> None:
    client, store, tokens = api
    body = {"id": "conv-42-msg-1", "text": AE_FR, "thread_id": "conv-42", "author": "visiteur-9"}
    first = client.post("/api/v1/posts", json=body, headers=_auth(tokens["ingest"]))
    assert first.status_code == 200, first.text
    out = first.json()
    assert out["new"] is True and out["adverse_event"] is True and out["key"] == "api-crm:conv-42-msg-1"
    assert out["review_url"].endswith("/item?key=api-crm%3Aconv-42-msg-1")
    item = store.items.get(out["key"])
    assert item.day_zero is not None and item.post.author != "visiteur-9"  # clock started, author pseudonymised
    again = client.post("/api/v1/posts", json=body, headers=_auth(tokens["ingest"])).json()
    assert again["new"] is False and store.items.count() == 1
    assert [r.action for r in store.audit.iter(entity_id=out["key"])] == ["api.post"]
    invalid = client.post("/api/v1/posts", json={"id": "x", "text": "", "extra": 1}, headers=_auth(tokens["ingest"]))
    assert invalid.status_code == 422


def test_openapi_schema_and_readable_docs(api: Any) -> None:
    client, _, _ = api
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/classify", "/posts"} <= set(spec["paths"])
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "POST /api/v1/classify" in page.text and "<script" not in page.text


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    cfg = parse_config({"alerts": {"enabled": False}, "api": {"rate_per_minute": 60, "burst": 2}}, base_dir=tmp_path)
    store = SqliteStore(tmp_path / "rl.db")
    try:
        _, token = create_token(store, "noisy", frozenset({ApiScope.ingest}), actor="test")
        app = create_app(cfg, store)
        mount_api(app, cfg, store, api_engine(cfg, store))
        client = TestClient(app)
        codes = [client.post("/api/v1/posts", json={"id": "x"}, headers=_auth(token)).status_code for _ in range(3)]
        assert codes[:2] == [422, 422] and codes[2] == 429  # the limit applies before the body is looked at
    finally:
        store.close()


def test_token_bucket_refills_at_the_configured_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert limiter.take("a") == 0 and limiter.take("a") == 0
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0  # per token
    now[0] = 1.0
    assert limiter.take("a") == 0
