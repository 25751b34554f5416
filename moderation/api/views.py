"""`/api/v1`: classify a message at once (chatbots), or send a post into the review queue (CRMs, call centres).

A sub-application with its own OpenAPI schema (`/api/v1/openapi.json`, readable at `/api/v1/docs`); JSON errors
only; every request needs a token with the right scope and is rate-limited per token."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from moderation.api.docs import docs_page
from moderation.api.engine import ApiEngine
from moderation.api.ratelimit import RateLimiter
from moderation.api.tokens import ApiClient, ApiScope, InvalidToken, authenticate, require_scope
from moderation.audit import record
from pvwatch.config import Config
from pvwatch.errors import ConflictError, NotFoundError, PermissionDenied, PvwatchError
from pvwatch.models import MAX_TEXT_CHARS, Post
from pvwatch.storage.base import Store

SCHEMA_VERSION = 1


class RateLimited(PvwatchError):
    def __init__(self, wait: float) -> None:
        super().__init__(f"rate limit of this token reached; retry in {math.ceil(wait)} s")
        self.wait = wait


class ClassifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The message, as the user wrote it.")
    lang: str | None = Field(default=None, max_length=10, description="fr or en; detected when absent.")


class ClassifyOut(BaseModel):
    schema_version: int = SCHEMA_VERSION
    adverse_event: bool = Field(description="The message reports a suspected adverse reaction.")
    hand_over_to_pv: bool = Field(description="Show the reporting notice and hand the conversation to PV: an "
                                              "adverse event or a special situation (pregnancy, overdose...).")
    score: float
    serious: bool = Field(description="A seriousness criterion was recognised (death, hospitalisation...).")
    products: list[str]
    reactions: list[str]
    special_situations: list[str]
    seriousness: list[str]
    personal_data: list[str] = Field(description="Types of personal data found (never the values).")
    lang: str
    model: str


class PostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200, description="The client's id of the message (dedupe key).")
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    platform: str | None = Field(default=None, max_length=40, description="Default: api-<client>.")
    lang: str | None = Field(default=None, max_length=10)
    author: str | None = Field(default=None, max_length=300, description="Pseudonymised before storage.")
    created_at: datetime | None = None
    url: str | None = Field(default=None, max_length=2000)
    thread_id: str | None = Field(default=None, max_length=200, description="The conversation.")
    company_owned: bool = Field(default=True, description="A company chatbot or call centre is owned media.")


class PostOut(BaseModel):
    schema_version: int = SCHEMA_VERSION
    key: str
    new: bool = Field(description="False when this id was already received (nothing duplicated).")
    flags: list[str]
    adverse_event: bool
    review_url: str


def _json_error(status: int, exc: Exception, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": type(exc).__name__, "detail": str(exc)}, status_code=status, headers=headers)


def mount_api(app: FastAPI, cfg: Config, store: Store, engine: ApiEngine) -> None:
    """Serve the API under /api/v1 of the review UI's server (when `[api] enabled`)."""
    if cfg.api.enabled:
        app.state.api_engine = engine
        app.mount("/api/v1", create_api(cfg, store, engine))


def create_api(cfg: Config, store: Store, engine: ApiEngine) -> FastAPI:
    api = FastAPI(title="pvwatch integration API", version="1.0",
                  description="Classify a message at once, or send a post into the pharmacovigilance review "
                              "queue. Authorization: Bearer <token> (`pvwatch token create`).",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    api.state.engine = engine
    api.state.limiter = RateLimiter(cfg.api.rate_per_minute, cfg.api.burst)

    def client_with(scope: ApiScope) -> Any:
        def dependency(request: Request) -> ApiClient:
            client = authenticate(store, request.headers.get("authorization"))
            require_scope(client, scope)
            wait = api.state.limiter.take(client.token_id)
            if wait > 0:
                raise RateLimited(wait)
            return client
        return dependency

    @api.exception_handler(RateLimited)
    async def _limited(request: Request, exc: RateLimited) -> Response:
        return _json_error(429, exc, {"Retry-After": str(max(1, math.ceil(exc.wait)))})

    for exc_type, status in ((InvalidToken, 401), (PermissionDenied, 403), (NotFoundError, 404),
                             (ConflictError, 409), (PvwatchError, 400)):
        api.add_exception_handler(exc_type, _handler(status))

    @api.post("/classify", response_model=ClassifyOut, summary="Does this message report an adverse event?")
    def classify(body: ClassifyIn, client: ApiClient = Depends(client_with(ApiScope.classify))) -> ClassifyOut:
        a = api.state.engine.classify(body.text, body.lang)
        ae = a.adverse_event
        return ClassifyOut(
            adverse_event=ae.decision, hand_over_to_pv=ae.decision or bool(a.special_situations),
            score=round(ae.score, 4), serious=bool(a.seriousness), products=a.products,
            reactions=sorted({s.normalized or s.text for s in ae.evidence if s.label == "reaction"}),
            special_situations=[s.type for s in a.special_situations], seriousness=a.seriousness,
            personal_data=sorted({p.type for p in a.personal_data}), lang=a.lang or "", model=a.model)

    @api.post("/posts", response_model=PostOut, status_code=200,
              summary="Send a post (a chatbot or call-centre message) into the review queue")
    def posts(body: PostIn, client: ApiClient = Depends(client_with(ApiScope.ingest))) -> PostOut:
        post = Post(platform=body.platform or f"api-{client.client}"[:40], id=body.id, text=body.text,
                    lang=body.lang, author=body.author, created_at=body.created_at, url=body.url,
                    thread_id=body.thread_id, company_owned=body.company_owned, source=f"api:{client.client}")
        item, new = api.state.engine.ingest(post)
        if new:
            record(store, f"api:{client.client}", "api.post", "item", item.key, None,
                   {"token": client.token_id, "flags": item.flags})
        return PostOut(key=item.key, new=new, flags=item.flags, adverse_event=item.analysis.adverse_event.decision,
                       review_url=f"{cfg.ui.base_url.rstrip('/')}/item?key={quote(item.key, safe='')}")

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(api.openapi()))

    return api


def _handler(status: int) -> Any:
    async def handle(request: Request, exc: Exception) -> Response:
        return _json_error(status, exc)
    return handle
