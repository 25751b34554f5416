"""Per-client API tokens: `pvw_<id>_<secret>`. Only a SHA-256 of the secret is stored (the secret is 32 random
bytes, so a slow hash adds nothing); tokens carry scopes, can be revoked, and every change is audited."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from moderation.audit import record
from pvwatch.errors import NotFoundError, PermissionDenied, PvwatchError
from pvwatch.models import utcnow
from pvwatch.storage.base import Store

KIND = "api_token"
PREFIX = "pvw_"


class ApiScope(enum.StrEnum):
    classify = "classify"  # POST /api/v1/classify: analyse a message, store nothing
    ingest = "ingest"  # POST /api/v1/posts: a post enters the review queue (and alerts)


@dataclass(frozen=True)
class ApiClient:
    token_id: str
    client: str
    scopes: frozenset[ApiScope]


class InvalidToken(PermissionDenied):
    """Missing, malformed, unknown or revoked token (one answer for all: no oracle for token ids)."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def parse_scopes(values: list[str]) -> frozenset[ApiScope]:
    try:
        scopes = frozenset(ApiScope(v.strip()) for v in values if v.strip())
    except ValueError:
        raise PvwatchError(f"unknown scope in {values}; use {', '.join(s.value for s in ApiScope)}") from None
    if not scopes:
        raise PvwatchError(f"give at least one scope: {', '.join(s.value for s in ApiScope)}")
    return scopes


def create_token(store: Store, client: str, scopes: frozenset[ApiScope], actor: str) -> tuple[str, str]:
    """(token id, the full token). The full token is shown once; only its digest is kept."""
    client = client.strip()
    if not 1 <= len(client) <= 80:
        raise PvwatchError("name the client in 1-80 characters (e.g. chatbot-site-fr)")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    doc = {"id": token_id, "client": client, "scopes": sorted(s.value for s in scopes), "hash": _digest(secret),
           "created_at": utcnow().isoformat(), "created_by": actor, "revoked_at": None}
    with store.transaction():
        store.kv.put(KIND, token_id, doc, expected_version=0)
        record(store, actor, "token.create", "api_token", token_id, None,
               {"client": client, "scopes": doc["scopes"]})
    return token_id, f"{PREFIX}{token_id}_{secret}"


def revoke_token(store: Store, token_id: str, actor: str) -> None:
    found = store.kv.get(KIND, token_id)
    if found is None:
        raise NotFoundError(f"no API token {token_id!r}; `pvwatch token list` shows the ids")
    doc, version = found
    if doc.get("revoked_at"):
        return
    with store.transaction():
        store.kv.put(KIND, token_id, {**doc, "revoked_at": utcnow().isoformat(), "revoked_by": actor},
                     expected_version=version)
        record(store, actor, "token.revoke", "api_token", token_id, {"revoked": False}, {"revoked": True})


def list_tokens(store: Store) -> list[dict[str, object]]:
    docs = store.kv.list(KIND, limit=10_000)
    return sorted(({k: v for k, v in d.items() if k != "hash"} for d in docs), key=lambda d: str(d["created_at"]))


def authenticate(store: Store, header: str | None) -> ApiClient:
    """The client of an `Authorization: Bearer pvw_<id>_<secret>` header, or InvalidToken."""
    bearer = (header or "").removeprefix("Bearer ").strip()
    body = bearer.removeprefix(PREFIX) if bearer.startswith(PREFIX) else ""
    token_id, _sep, secret = body.partition("_")
    found = store.kv.get(KIND, token_id) if token_id and secret and len(bearer) < 200 else None
    stored = found[0].get("hash", "") if found else _digest("no-such-token")
    if not hmac.compare_digest(stored, _digest(secret)) or found is None or found[0].get("revoked_at"):
        raise InvalidToken("missing, unknown or revoked API token; send Authorization: Bearer pvw_... "
                           "(create one with `pvwatch token create CLIENT --scope classify`)")
    doc = found[0]
    return ApiClient(token_id, str(doc["client"]), frozenset(ApiScope(s) for s in doc.get("scopes", [])))


def require_scope(client: ApiClient, scope: ApiScope) -> None:
    if scope not in client.scopes:
        raise PermissionDenied(f"this token has no {scope.value!r} scope; create one with "
                               f"`pvwatch token create {client.client} --scope {scope.value}`")
