"""Webhook ingestion: an authenticated HTTP endpoint that queues posts durably, and a collector that polls the queue.

POST /api/ingest/<source> (the UI mounts `webhook_router` there; `pvwatch webhook` serves it alone).
Auth per source, secret from the environment variable named by `secret_env`:
  auth = "hmac"   -> X-Pvwatch-Timestamp: <unix seconds>, X-Pvwatch-Signature: sha256=<hex HMAC-SHA256(secret,
                     "<timestamp>." + raw body)>; timestamps older than `tolerance_seconds` are refused (replays)
  auth = "secret" -> Authorization: Bearer <secret>
Body: one post object, a JSON array of posts, or {"posts": [...]}; each post as in a JSONL import (id, text, ...).
Accepted records go to the store's kv (kind "webhook_inbox", id "<source>:<seq>") with gap-free sequence numbers
(a slot is claimed by a create-if-absent write), so the `webhook` collector reads them in order with a cursor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from collectors.base import Collector
from collectors.options import WebhookOptions
from collectors.replay import record_text, record_to_post
from pvwatch.errors import ConflictError
from pvwatch.models import Post, utcnow
from pvwatch.ports import Batch, Rejected
from pvwatch.sanitize import TooDeep, loads

if TYPE_CHECKING:
    from pvwatch.config import Config
    from pvwatch.storage.base import Store

log = logging.getLogger("pvwatch.collectors.webhook")

INBOX = "webhook_inbox"
HEAD = "webhook_head"
SIG_HEADER = "x-pvwatch-signature"
TS_HEADER = "x-pvwatch-timestamp"


def slot_id(source: str, seq: int) -> str:
    return f"{source}:{seq:012d}"  # zero-padded: the kv's id order is the queue order


def enqueue(store: Store, source: str, records: list[dict[str, Any]]) -> list[int]:
    """Append records to a source's inbox; returns their sequence numbers (1, 2, ...)."""
    seqs: list[int] = []
    seq = max(_mark(store, source), _mark(store, f"{source}:pruned"))
    for rec in records:
        while True:  # the head is a hint: claim the next free slot with a create-if-absent write
            seq += 1
            try:
                store.kv.put(INBOX, slot_id(source, seq), {"seq": seq, "source": source, "record": rec,
                                                           "received_at": utcnow().isoformat()}, expected_version=0)
                break
            except ConflictError:
                continue
        seqs.append(seq)
    if seqs:
        _raise_mark(store, source, seqs[-1])
    return seqs


def _mark(store: Store, key: str) -> int:
    got = store.kv.get(HEAD, key)
    return int(got[0].get("seq", 0)) if got else 0


def _raise_mark(store: Store, key: str, seq: int) -> None:
    """Monotonic high-water mark (compare-and-set): a slow writer never lowers it."""
    for _ in range(20):
        got = store.kv.get(HEAD, key)
        current, version = (int(got[0].get("seq", 0)), got[1]) if got else (0, 0)
        if current >= seq:
            return
        try:
            store.kv.put(HEAD, key, {"seq": seq}, expected_version=version)
            return
        except ConflictError:
            continue


def _received(doc: dict[str, Any]) -> float:
    try:
        return datetime.fromisoformat(str(doc.get("received_at"))).timestamp()
    except ValueError:
        return 0.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def check_auth(opts: WebhookOptions, secret: str, headers: dict[str, str], body: bytes, now: float) -> str | None:
    """None when the request is authentic, else the reason (never echoing the secret)."""
    if opts.auth == "secret":
        given = headers.get("authorization", "")
        token = given[7:] if given.lower().startswith("bearer ") else ""
        return None if token and hmac.compare_digest(token.encode(), secret.encode()) else "bad or missing bearer token"
    ts, sig = headers.get(TS_HEADER, ""), headers.get(SIG_HEADER, "")
    if not ts or not sig:
        return f"missing {TS_HEADER} or {SIG_HEADER} header"
    try:
        age = abs(now - float(ts))
    except ValueError:
        return f"{TS_HEADER} is not a Unix time"
    if not math.isfinite(age):  # "nan" or "inf" would compare as never too old
        return f"{TS_HEADER} is not a Unix time"
    if age > opts.tolerance_seconds:
        return f"{TS_HEADER} is {age:.0f}s away from server time (limit {opts.tolerance_seconds}s)"
    return None if hmac.compare_digest(sign(secret, ts, body), sig) else "signature does not match"


def parse_records(body: bytes, max_posts: int) -> list[Any]:
    data = loads(body)  # depth-bounded: a 100,000-deep body is a 400, not a RecursionError
    if isinstance(data, dict) and isinstance(data.get("posts"), list):
        data = data["posts"]
    records = data if isinstance(data, list) else [data]
    if len(records) > max_posts:
        raise ValueError(f"{len(records)} posts in one request; the limit is {max_posts}")
    return records


def webhook_sources(cfg: Config) -> dict[str, WebhookOptions]:
    return {name: src.checked(WebhookOptions) for name, src in cfg.sources.items()
            if src.type == "webhook" and src.enabled}


def webhook_router(cfg: Config, store: Store) -> APIRouter:
    """POST /{source} for every enabled webhook source; mount with prefix "/api/ingest"."""
    sources = webhook_sources(cfg)
    router = APIRouter(tags=["ingest"])
    for name, opts in sources.items():
        if not cfg.secret(opts.secret_env):
            log.warning("webhook source %s: environment variable %s is not set; requests will get 503",
                        name, opts.secret_env)

    @router.post("/{source}", status_code=202)
    async def ingest(source: str, request: Request) -> JSONResponse:
        opts = sources.get(source)
        if opts is None:
            raise HTTPException(404, f"no enabled webhook source named {source!r} in config.toml")
        secret = cfg.secret(opts.secret_env)
        if not secret:
            raise HTTPException(503, f"webhook secret not configured: set the environment variable {opts.secret_env}")
        body = await _read_bounded(request, opts.max_body_bytes)
        headers = {k.lower(): v for k, v in request.headers.items()}
        problem = check_auth(opts, secret, headers, body, time.time())
        if problem:
            raise HTTPException(401, problem)
        try:
            records = parse_records(body, opts.max_posts)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HTTPException(400, "body is not JSON") from None
        except TooDeep as exc:
            raise HTTPException(400, str(exc)) from None
        except ValueError as exc:
            raise HTTPException(413, str(exc)) from None
        good, rejected = _validate(records, opts, source, cfg)
        if not good:
            return JSONResponse({"accepted": 0, "rejected": rejected}, status_code=422)
        seqs = await run_in_threadpool(enqueue, store, source, good)
        return JSONResponse({"accepted": len(seqs), "rejected": rejected, "last_seq": seqs[-1]}, status_code=202)

    return router


async def _read_bounded(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _validate(records: list[Any], opts: WebhookOptions, source: str,
              cfg: Config) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    good: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    company = cfg.sources[source].company_owned
    for i, rec in enumerate(records):
        try:
            record_to_post(rec, default_platform=opts.platform, source=source, company_owned=company,
                           namespace=source)
        except (ValueError, TypeError) as exc:
            rejected.append({"index": i, "error": str(exc)[:300]})
            continue
        good.append(rec)
    return good, rejected


class WebhookCollector(Collector):
    """Reads the inbox the endpoint fills, in sequence order. Cursor: {"seq": last read, "pruned": ...}."""

    type = "webhook"
    options_model = WebhookOptions
    options: WebhookOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._store: Store | None = None
        self._own_store = False

    def attach_store(self, store: Store) -> None:
        """Use an already open store (tests, the UI process) instead of opening one."""
        self._store = store

    def _inbox(self) -> Store:
        if self._store is None:
            from pvwatch.storage import open_store

            self._store, self._own_store = open_store(self.cfg), True
        return self._store

    def poll(self, cursor: dict[str, Any]) -> Batch:
        store = self._inbox()
        seq = int(cursor.get("seq", 0))
        pruned = self._prune(store, int(cursor.get("pruned", 0)), seq)
        posts: list[Post] = []
        errors: list[str] = []
        rejected: list[Rejected] = []
        exhausted = False
        while len(posts) + len(rejected) < self.options.batch_size:
            got = store.kv.get(INBOX, slot_id(self.name, seq + 1))
            if got is None:
                exhausted = True
                break
            seq += 1
            try:
                posts.append(self.record_to_post(got[0].get("record")))
            except (ValueError, TypeError) as exc:
                errors.append(f"inbox {seq}: {exc}")
                rejected.append(Rejected(record_text(got[0].get("record"), ""), f"inbox {seq}: {exc}"))
        return Batch(posts=posts, cursor={"seq": seq, "pruned": pruned}, exhausted=exhausted, errors=errors,
                     rejected=rejected)

    def record_to_post(self, record: Any) -> Post:
        """A record as this source reads it (also for dead-letter replays); ValueError if invalid."""
        return record_to_post(record, default_platform=self.options.platform, source=self.name,
                              company_owned=self.source.company_owned, namespace=self.name)

    def _prune(self, store: Store, pruned: int, committed: int) -> int:
        """Delete inbox entries the pipeline has stored and checkpointed (the cursor we were given is saved).

        Only entries older than `keep_seconds`, and the pruned mark is raised first, so a writer can never
        claim a freed slot again (it starts above both marks)."""
        end = pruned
        cutoff = utcnow().timestamp() - self.options.keep_seconds
        for n in range(pruned + 1, min(committed, pruned + 1000) + 1):
            got = store.kv.get(INBOX, slot_id(self.name, n))
            if got is not None and _received(got[0]) > cutoff:
                break
            end = n
        if end > pruned:
            _raise_mark(store, f"{self.name}:pruned", end)
            for n in range(pruned + 1, end + 1):
                store.kv.delete(INBOX, slot_id(self.name, n))
        return end

    def close(self) -> None:
        if self._own_store and self._store is not None:
            self._store.close()
            self._store = None


def webhook_app(cfg: Config, store: Store) -> Any:
    """A FastAPI app with only the ingestion router (for `pvwatch webhook`) and a liveness probe."""
    from fastapi import FastAPI

    app = FastAPI(title="pvwatch ingest", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(webhook_router(cfg, store), prefix="/api/ingest")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
