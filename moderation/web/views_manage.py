"""Administration: users, the audit trail, source health, and the link to quarantined records."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from moderation.auth import accounts
from moderation.queue.service import Actor
from moderation.roles import Role, allowed, require
from moderation.web.context import current_actor, flash, posting_actor, render
from moderation.web.i18n import N_
from moderation.web.i18n import gettext as _
from moderation.web.labels import label
from pvwatch.errors import PermissionDenied, PvwatchError
from pvwatch.health import health_report
from pvwatch.models import AuditRecord

router = APIRouter()
AUDIT_PAGE = 100
USER_ACTIONS = ("disable", "enable", "role", "password")
HEALTH_HELP = {
    "ok": N_("the latest poll succeeded"),
    "degraded": N_("the latest poll failed, but the source succeeded recently: it is retrying"),
    "stale": N_("no error, but no success for a long time: the source may be stuck"),
    "failing": N_("polls fail and nothing was collected for a long time: check the last error"),
    "never_run": N_("the collector has not run yet"),
}


@router.get("/admin")
def admin_index(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return render(request, "admin.html", actor=actor, quarantine=_quarantine_url(request))


@router.get("/users")
@router.get("/audit")
def old_paths(request: Request) -> Response:
    return RedirectResponse("/admin" + request.url.path, status_code=308)


@router.get("/admin/users")
def users_page(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    users = accounts.list_users(request.app.state.store, actor)
    return render(request, "admin_users.html", actor=actor, users=users, roles=[r.value for r in Role])


@router.post("/admin/users")
def users_add(request: Request, username: str = Form(""), role: str = Form(""), password: str = Form(""),
              actor: Actor = Depends(posting_actor)) -> Response:
    try:
        user = accounts.create(request.app.state.store, actor, username, role, password)
        flash(request, _("User %(name)s created with the role %(role)s.")
              % {"name": user.username, "role": label(user.role, "role")})
    except PermissionDenied:
        raise
    except PvwatchError as exc:
        flash(request, _("Not done: %(reason)s") % {"reason": str(exc)})
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}")
def users_change(request: Request, username: str, action: str = Form(""), role: str = Form(""),
                 password: str = Form(""), actor: Actor = Depends(posting_actor)) -> Response:
    store = request.app.state.store
    try:
        if action in ("disable", "enable"):
            accounts.set_active(store, actor, username, action == "enable")
            flash(request, (_("%(name)s can no longer log in.") if action == "disable"
                            else _("%(name)s can log in again.")) % {"name": username})
        elif action == "role":
            accounts.set_role(store, actor, username, role)
            flash(request, _("%(name)s is now %(role)s.") % {"name": username, "role": label(role, "role")})
        elif action == "password":
            accounts.reset_password(store, actor, username, password)
            flash(request, _("Password of %(name)s reset; their open sessions were ended.") % {"name": username})
        else:
            raise PvwatchError(f"unknown user action {action!r}; use one of {', '.join(USER_ACTIONS)}")
    except PermissionDenied:
        raise
    except PvwatchError as exc:
        flash(request, _("Not done: %(reason)s") % {"reason": str(exc)})
    return RedirectResponse("/admin/users", status_code=303)


def _day(value: str, zone: str, end: bool = False) -> datetime | None:
    try:
        d = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=ZoneInfo(zone))
    except ValueError:
        return None
    return d + timedelta(days=1) if end else d


@router.get("/admin/audit")
def audit_page(request: Request, who: str = "", action: str = "", entity: str = "", since: str = "",
               until: str = "", page: int = 1, verify: str = "", actor: Actor = Depends(current_actor)) -> Any:
    require(actor.role, "view_audit")
    store = request.app.state.store
    zone = request.app.state.cfg.ui.timezone
    start, end = _day(since, zone), _day(until, zone, end=True)
    who, action, entity = who.strip()[:64], action.strip()[:64], entity.strip()[:200]
    matched: list[AuditRecord] = []
    actions: set[str] = set()
    for rec in store.audit.iter(entity_id=entity or None):
        actions.add(rec.action)
        if (who and rec.actor != who) or (action and rec.action != action):
            continue
        if (start and rec.at < start) or (end and rec.at >= end):
            continue
        matched.append(rec)
    matched.reverse()  # newest first
    pages = max(1, (len(matched) + AUDIT_PAGE - 1) // AUDIT_PAGE)
    page = max(1, min(page, pages))
    verified = store.audit.verify() if verify == "1" else None
    params = {k: v for k, v in {"who": who, "action": action, "entity": entity, "since": since,
                                "until": until}.items() if v}
    return render(request, "admin_audit.html", actor=actor, records=matched[(page - 1) * AUDIT_PAGE:page * AUDIT_PAGE],
                  total=len(matched), page=page, pages=pages, actions=sorted(actions), verified=verified,
                  f={"who": who, "action": action, "entity": entity, "since": since, "until": until},
                  qs=lambda **o: urlencode({**params, **{k: str(v) for k, v in o.items()}}))


@router.get("/admin/sources")
def sources_page(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    require(actor.role, "view_sources")
    from moderation.dashboard.service import Dashboard

    d = Dashboard([], {}, [], [], [], [], [], [], {})
    d.health = health_report(request.app.state.store, request.app.state.cfg)
    return render(request, "admin_sources.html", actor=actor, d=d, quarantine=_quarantine_url(request),
                  health_help=HEALTH_HELP)


def _quarantine_url(request: Request) -> str | None:
    """The dead-letter page of quarantined records (reliability work), when it is installed."""
    for route in request.app.routes:
        path = getattr(route, "path", "")
        if path.startswith(("/admin/dead-letters", "/admin/quarantine", "/quarantine")):
            return str(path)
    return None


def visible_sections(role: Role) -> dict[str, bool]:
    return {"users": allowed(role, "manage_users"), "audit": allowed(role, "view_audit"),
            "sources": allowed(role, "view_sources"), "tokens": allowed(role, "manage_tokens")}
