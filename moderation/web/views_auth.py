"""Login and logout."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from moderation.audit import record
from moderation.auth.sessions import COOKIE, MAX_AGE, PRE_COOKIE, SessionManager
from moderation.auth.throttle import LoginThrottle, lock_seconds
from moderation.auth.users import authenticate
from moderation.queue.service import Actor
from moderation.web.client import client_address
from moderation.web.context import posting_actor, render, safe_next, session_of
from moderation.web.housekeeping import housekeeping
from moderation.web.i18n import gettext as _
from moderation.web.i18n import ngettext

router = APIRouter()


def _login_page(request: Request, error: str = "", status: int = 200) -> Any:
    sessions: SessionManager = request.app.state.sessions
    token, cookie = sessions.login_token()
    resp = render(request, "login.html", status_code=status, login_token=token, error=error,
                  next=safe_next(request.query_params.get("next")))
    resp.set_cookie(PRE_COOKIE, cookie, max_age=3600, httponly=True, samesite="strict",
                    secure=request.app.state.secure_cookies)
    return resp


def _locked_page(request: Request, wait: float) -> Any:
    minutes = max(1, math.ceil(wait / 60))
    text = ngettext("Too many failed logins for this username from your address. Try again in %(num)s minute, "
                    "or ask an administrator if you forgot your password.",
                    "Too many failed logins for this username from your address. Try again in %(num)s minutes, "
                    "or ask an administrator if you forgot your password.", minutes) % {"num": minutes}
    resp = _login_page(request, text, 429)
    resp.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return resp


@router.get("/login")
def login_form(request: Request) -> Any:
    return _login_page(request)


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), login_token: str = Form(""),
          next: str = Form("/queue")) -> Any:
    sessions: SessionManager = request.app.state.sessions
    if not sessions.check_login_token(request.cookies.get(PRE_COOKIE), login_token):
        return _login_page(request, _("The login form expired; please try again."), 403)
    store = request.app.state.store
    housekeeping(request.app)
    throttle: LoginThrottle = request.app.state.throttle
    # X-Forwarded-For counts only when the peer is one of [ui] trusted_proxies (moderation/web/client.py).
    client = client_address(request)
    name = username[:64]
    failures, wait = throttle.begin(name, client)  # counted before the check: concurrent attempts too
    if wait > 0:  # before any password check: same answer, same (short) time for every username
        return _locked_page(request, wait)
    user = authenticate(store, name, password[:1024])
    if user is None:
        record(store, name or "(empty)", "auth.login_failed", "user", name or "(empty)", None, None)
        lock = lock_seconds(failures)
        if lock:
            record(store, name or "(empty)", "auth.lockout", "user", name or "(empty)", None,
                   {"failures": failures, "locked_seconds": lock, "client": throttle.client_ref(client)})
            return _locked_page(request, lock)
        return _login_page(request, _("Wrong username or password."), 401)
    throttle.succeeded(name, client)
    _session, cookie = sessions.create(user.username)
    record(store, user.username, "auth.login", "user", user.username, None, None)
    resp = RedirectResponse(safe_next(next), status_code=303)
    resp.set_cookie(COOKIE, cookie, max_age=MAX_AGE, httponly=True, samesite="strict",
                    secure=request.app.state.secure_cookies)
    resp.delete_cookie(PRE_COOKIE)
    return resp


@router.post("/logout")
def logout(request: Request, actor: Actor = Depends(posting_actor)) -> Response:
    session = session_of(request)
    if session is not None:
        request.app.state.sessions.destroy(session)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
