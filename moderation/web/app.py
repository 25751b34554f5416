"""`create_app(cfg, store)`: the review UI as one FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from moderation.auth.sessions import SessionManager, session_secret
from moderation.auth.throttle import LoginThrottle
from moderation.cases.service import CaseService
from moderation.queue.service import QueueService
from moderation.web.context import HERE, CsrfFailed, LoginRequired, activate_for, render
from moderation.web.housekeeping import housekeeping
from moderation.web.i18n import N_, gettext
from moderation.web.labels import denied
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


def create_app(cfg: Config, store: Store, actions: ActionsFor | None = None,
               sensitivity: Callable[[], dict[str, Any]] | None = None) -> FastAPI:
    """The review UI; `actions` (hide/remove on the platform), `sensitivity` (the adverse-event preset and the
    thresholds in force, shown on the dashboard) and /api/ingest are plugged in by pvwatch.app."""
    app = FastAPI(title="pvwatch review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.cfg = cfg
    app.state.store = store
    app.state.sessions = SessionManager(cfg, store)  # fails fast if the session secret is missing
    app.state.throttle = LoginThrottle(store, session_secret(cfg))
    app.state.queue = QueueService(cfg, store, actions)
    app.state.cases = CaseService(cfg, store)
    app.state.secure_cookies = cfg.ui.base_url.startswith("https://")
    housekeeping(app)  # expired sessions and idle lock-out records go now, then hourly (views_auth.login)

    from moderation.web import access_log

    access_log.install(app)
    app.state.sensitivity = sensitivity

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        if not request.url.path.startswith(("/static/", "/api/")):
            activate_for(request)  # views translate flash messages and errors in the reader's language
        response: Response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            if k == "Cache-Control" and request.url.path.startswith("/static/"):
                continue
            response.headers.setdefault(k, v)
        return response

    def _error(request: Request, status: int, title: str, exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        message = denied(exc) if isinstance(exc, PermissionDenied) else str(exc)
        return render(request, "error.html", status_code=status, title=gettext(title), message=message,  # type: ignore[no-any-return]
                      hint=gettext(HINTS.get(status, HINTS[400])), status=status,
                      actor=_maybe_actor(request))

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET" and not _wants_json(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error(request, 401, N_("Not logged in"), exc)

    # Starlette picks the handler of the closest class in the exception's MRO, so PvwatchError is the catch-all.
    for exc_type, status, title in ((CsrfFailed, 403, N_("Security check failed")),
                                    (PermissionDenied, 403, N_("Not allowed")),
                                    (NotFoundError, 404, N_("Not found")),
                                    (ConflictError, 409, N_("Changed by someone else")),
                                    (PvwatchError, 400, N_("Cannot do that"))):
        app.add_exception_handler(exc_type, _handler(_error, status, title))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        title = N_("Page not found") if exc.status_code == 404 else N_("Cannot do that")
        detail = gettext("There is no page at this address.") if exc.status_code == 404 else str(exc.detail)
        return _error(request, exc.status_code, title, PvwatchError(detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors()[:5])
        return _error(request, 400, N_("Cannot do that"),
                      PvwatchError(gettext("Missing or invalid value: %(fields)s") % {"fields": fields}))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # The error is logged with its traceback (never shown: it may hold post text); the reader gets a way back.
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error(request, 500, N_("Something went wrong"),
                      PvwatchError(gettext("The error was logged for the administrators.")))

    from moderation.web import (
        views_admin,
        views_auth,
        views_cases,
        views_dashboard,
        views_item,
        views_manage,
        views_prefs,
        views_queue,
    )

    app.include_router(views_auth.router)
    app.include_router(views_queue.router)
    app.include_router(views_item.router)
    app.include_router(views_manage.router)
    app.include_router(views_prefs.router)
    app.include_router(views_cases.router)
    app.include_router(views_dashboard.router)
    app.include_router(views_admin.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return app


HINTS = {
    400: N_("Check the form and try again; your filters are kept on the queue."),
    401: N_("Log in to continue."),
    403: N_("Your role does not give access to this. Ask an administrator if you need it."),
    404: N_("The address may be mistyped, or the item was purged by retention."),
    409: N_("Reload the page to see the latest version, then redo your action."),
    500: N_("Try again in a moment. If it happens again, tell your administrator."),
}


def _wants_json(request: Request) -> bool:
    """API clients get JSON errors; browsers get a page with a way back."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def _maybe_actor(request: Request) -> Any:
    from moderation.web.context import current_actor

    try:
        return current_actor(request)
    except PvwatchError:
        return None


def _handler(error: Any, status: int, title: str) -> Any:
    async def handle(request: Request, exc: Exception) -> Response:
        return error(request, status, title, exc)  # type: ignore[no-any-return]
    return handle

