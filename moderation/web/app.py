"""`create_app(cfg, store)`: the review UI as one FastAPI application."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from moderation.auth.sessions import SessionManager, session_secret
from moderation.auth.throttle import LoginThrottle
from moderation.cases.service import CaseService
from moderation.queue.service import QueueService
from moderation.web.context import HERE, CsrfFailed, LoginRequired, render
from pvwatch.config import Config
from pvwatch.errors import ConflictError, NotFoundError, PermissionDenied, PvwatchError
from pvwatch.ports import ActionsFor
from pvwatch.storage.base import Store

log = logging.getLogger("pvwatch.moderation.web")

# No inline script, no inline style, nothing from elsewhere: even a rendering bug cannot run injected script.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_app(cfg: Config, store: Store, actions: ActionsFor | None = None) -> FastAPI:
    """The review UI; `actions` (hide/remove on the platform) and /api/ingest are plugged in by pvwatch.app."""
    app = FastAPI(title="pvwatch review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.cfg = cfg
    app.state.store = store
    app.state.sessions = SessionManager(cfg, store)  # fails fast if the session secret is missing
    app.state.throttle = LoginThrottle(store, session_secret(cfg))
    app.state.queue = QueueService(cfg, store, actions)
    app.state.cases = CaseService(cfg, store)
    app.state.secure_cookies = cfg.ui.base_url.startswith("https://")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            if k == "Cache-Control" and request.url.path.startswith("/static/"):
                continue
            response.headers.setdefault(k, v)
        return response

    def _error(request: Request, status: int, title: str, exc: Exception) -> Response:
        return render(request, "error.html", status_code=status, title=title, message=str(exc))  # type: ignore[no-any-return]

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET":
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error(request, 401, "Not logged in", exc)

    # Starlette picks the handler of the closest class in the exception's MRO, so PvwatchError is the catch-all.
    for exc_type, status, title in ((CsrfFailed, 403, "Security check failed"), (PermissionDenied, 403, "Not allowed"),
                                    (NotFoundError, 404, "Not found"), (ConflictError, 409, "Changed by someone else"),
                                    (PvwatchError, 400, "Cannot do that")):
        app.add_exception_handler(exc_type, _handler(_error, status, title))

    from moderation.web import views_auth, views_cases, views_dashboard, views_queue

    app.include_router(views_auth.router)
    app.include_router(views_queue.router)
    app.include_router(views_cases.router)
    app.include_router(views_dashboard.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return app


def _handler(error: Any, status: int, title: str) -> Any:
    async def handle(request: Request, exc: Exception) -> Response:
        return error(request, status, title, exc)  # type: ignore[no-any-return]
    return handle

