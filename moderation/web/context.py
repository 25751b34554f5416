"""Request plumbing shared by the views: who is logged in, CSRF, templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Form, Request
from jinja2 import Environment, FileSystemLoader
from starlette.templating import Jinja2Templates

from moderation.auth.sessions import COOKIE, Session, SessionManager, csrf_ok
from moderation.auth.users import get_user
from moderation.queue.service import Actor
from moderation.roles import allowed
from moderation.web import i18n
from moderation.web.labels import deadline_words, label, reason, show
from pvwatch.errors import PvwatchError
from pvwatch.storage.base import Store

HERE = Path(__file__).resolve().parent


class LoginRequired(PvwatchError):
    """No valid session: GET requests are redirected to the login page."""


class CsrfFailed(PvwatchError):
    """A state-changing request without the session's CSRF token."""


def _env() -> Environment:
    # autoescape everywhere: every variable is escaped unless it is markupsafe.Markup built by moderation.render
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    # newstyle gettext: translations are escaped and take %(name)s placeholders; the language is the request's
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.filters["dt"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    env.filters["day"] = i18n.format_day
    env.filters["duration"] = i18n.format_duration
    env.filters["num"] = i18n.format_number
    env.filters["label"] = label
    env.filters["show"] = show
    env.filters["reason"] = reason
    env.filters["deadline_words"] = deadline_words
    env.globals["urlencode"] = urlencode
    env.globals["zone_name"] = i18n.zone_name
    env.globals["languages"] = i18n.languages
    env.globals["lang"] = i18n.current_language
    return env


templates = Jinja2Templates(env=_env())


def user_language(request: Request, username: str | None) -> str:
    """The reviewer's saved language, else the browser's Accept-Language, else `[ui] language`."""
    preferred = None
    if username:
        store: Store = request.app.state.store
        found = store.kv.get("user", username)
        preferred = found[0].get("lang") if found else None
    return i18n.negotiate(preferred, request.headers.get("accept-language"), request.app.state.cfg.ui.language)


def activate_for(request: Request, username: str | None = None) -> str:
    """Set this request's language and zone (before any message is translated); returns the language."""
    if username is None:
        session = session_of(request)
        username = session.username if session else None
    lang = user_language(request, username)
    i18n.activate(lang, request.app.state.cfg.ui.timezone)
    return lang


def session_of(request: Request) -> Session | None:
    cached = getattr(request.state, "session", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    sessions: SessionManager = request.app.state.sessions
    session = sessions.load(request.cookies.get(COOKIE))
    request.state.session = session
    return session


def current_actor(request: Request) -> Actor:
    """Dependency: the logged-in reviewer, re-read from the store each request (role changes apply at once)."""
    session = session_of(request)
    store: Store = request.app.state.store
    user = get_user(store, session.username) if session else None
    if session is None or user is None or not user.active:
        raise LoginRequired("log in first")
    return Actor(user.username, user.role)


def posting_actor(request: Request, csrf_token: str = Form("")) -> Actor:
    """Dependency for every POST: logged in and carrying the session's CSRF token."""
    actor = current_actor(request)
    session = session_of(request)
    if session is None or not csrf_ok(session, csrf_token):
        raise CsrfFailed("the form's security token is missing or stale; reload the page and try again")
    return actor


FLASH = "flash"
QUEUE_COOKIE = "pvwatch_queue"  # the queue's last filters (a query string): links back keep them


def flash(request: Request, *messages: str) -> None:
    """Messages shown once on the next page of this session (results of bulk actions...)."""
    session = session_of(request)
    if session is None:
        return
    store: Store = request.app.state.store
    found = store.kv.get(FLASH, session.sid)
    old = found[0]["messages"] if found else []
    store.kv.put(FLASH, session.sid, {"messages": [*old, *messages][-20:]})


def pop_flash(request: Request) -> list[str]:
    session = session_of(request)
    if session is None:
        return []
    store: Store = request.app.state.store
    found = store.kv.get(FLASH, session.sid)
    if found is None:
        return []
    store.kv.delete(FLASH, session.sid)
    return [str(m) for m in found[0].get("messages", [])]


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> Any:
    session = session_of(request)
    actor: Actor | None = ctx.get("actor")
    activate_for(request, actor.username if actor else None)
    base = {
        "request": request,
        "actor": actor,
        "csrf": session.csrf if session else "",
        "flashes": pop_flash(request) if actor else [],
        "can": (lambda perm: allowed(actor.role, perm)) if actor else (lambda perm: False),
        "queue_url": queue_url(request),
    }
    resp = templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status_code)
    resp.headers["Content-Language"] = i18n.current_language()
    resp.headers["Vary"] = "Accept-Language, Cookie"
    return resp


def queue_url(request: Request) -> str:
    """The queue with the filters the reviewer last used."""
    from moderation.queue.filters import QueueFilters

    filters = QueueFilters.parse(dict(parse_qsl(request.cookies.get(QUEUE_COOKIE, "")[:2000])))
    return "/queue?" + urlencode(filters.params())


def safe_next(target: str | None) -> str:
    """Only local paths after login: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"
