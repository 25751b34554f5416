"""The queue page: filters with counts, sorting, a bounded pager, saved views."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from moderation.cases.deadlines import item_deadline
from moderation.queue.filters import AGE_LABELS, PAGE_SIZE, QueueFilters
from moderation.queue.service import DISMISS_REASONS, Actor, QueueService
from moderation.queue.views import delete_view, list_views, save_view
from moderation.render import item_snippet
from moderation.web.context import QUEUE_COOKIE, current_actor, flash, posting_actor, render
from moderation.web.i18n import gettext as _
from moderation.web.labels import label
from pvwatch.models import FlagType, ItemStatus, utcnow
from pvwatch.storage.base import QueueOrder

router = APIRouter()
SNIPPET = 240
PAGER_WINDOW = 2  # pages shown each side of the current one


def pager(page: int, pages: int) -> list[int | None]:
    """First, last and a window around the current page; None marks a gap ("…")."""
    shown = sorted({1, pages, *range(max(1, page - PAGER_WINDOW), min(pages, page + PAGER_WINDOW) + 1)})
    out: list[int | None] = []
    for p in shown:
        if out and p - (out[-1] or 0) > 1:
            out.append(None)
        out.append(p)
    return out


def _facets(svc: QueueService, actor: Actor, filters: QueueFilters) -> dict[str, dict[str, int]]:
    return {f: svc.facets(actor, filters, f) for f in ("flag", "status", "platform", "lang")}


@router.get("/queue")
def queue_page(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    svc: QueueService = request.app.state.queue
    filters = QueueFilters.parse(dict(request.query_params))
    page = svc.page(actor, filters)
    pages = max(1, (page.total + PAGE_SIZE - 1) // PAGE_SIZE)
    clamped = filters.page > pages
    if clamped:  # ?page=99 of 7 shows the last page and says so, never "page 99 of 7"
        filters = filters.on_page(pages)
        page = svc.page(actor, filters)
    cfg, store, now = request.app.state.cfg, request.app.state.store, utcnow()
    rows = [{"item": i, "snippet": item_snippet(i, actor.role)[:SNIPPET],
             "deadline": item_deadline(cfg, i, store.cases.get(i.case_id) if i.case_id else None, now)}
            for i in page.items]
    facets = _facets(svc, actor, filters)
    status_counts = facets["status"]
    status_counts["open"] = sum(status_counts.get(s, 0) for s in ("new", "confirmed"))
    platforms = sorted({*facets["platform"], *([filters.platform] if filters.platform else [])} - {""})
    langs = sorted({*request.app.state.cfg.classifiers.languages, *facets["lang"]} - {""})
    notices = [_("The filter %(name)s does not know the value “%(value)s”; it was ignored.")
               % {"name": name, "value": value} for name, value in filters.rejected]
    if clamped:
        notices.append(_("There are only %(pages)s pages; showing the last one.") % {"pages": pages})
    qs = urlencode(filters.params())
    resp = render(request, "queue.html", actor=actor, rows=rows, total=page.total, f=filters, pages=pages,
                  pager=pager(filters.page, pages), facets=facets, platforms=platforms, langs=langs,
                  products=[p.name for p in request.app.state.cfg.products], flags=[f.value for f in FlagType],
                  statuses=["open", *ItemStatus.__members__], ages=AGE_LABELS, reasons=DISMISS_REASONS,
                  sorts=[o.value for o in QueueOrder], notices=notices, views=list_views(svc.store, actor.username),
                  queue_url="/queue?" + qs, qs=lambda **o: urlencode(filters.params(**o)), now=now)
    # The Queue link, the error pages and the next-item flow come back to these filters.
    resp.set_cookie(QUEUE_COOKIE, qs, max_age=12 * 3600, httponly=True, samesite="strict",
                    secure=request.app.state.secure_cookies)
    return resp


@router.post("/queue/views")
def save_queue_view(request: Request, name: str = Form(""), back: str = Form(""),
                    actor: Actor = Depends(posting_actor)) -> Response:
    filters = QueueFilters.parse(dict(parse_qsl(back[:2000])))
    qs = urlencode(filters.params())
    saved = save_view(request.app.state.store, actor.username, name, qs)
    flash(request, _("View “%(name)s” saved.") % {"name": saved})
    return RedirectResponse("/queue?" + qs, status_code=303)


@router.post("/queue/views/delete")
def delete_queue_view(request: Request, name: str = Form(""), actor: Actor = Depends(posting_actor)) -> Response:
    delete_view(request.app.state.store, actor.username, name)
    flash(request, _("View “%(name)s” deleted.") % {"name": name})
    return RedirectResponse("/queue", status_code=303)


def describe(filters: QueueFilters) -> str:
    """The filters in words, for the page heading and saved views."""
    parts = []
    if filters.flag:
        parts.append(label(filters.flag, "flag"))
    if filters.status:
        parts.append(label(filters.status, "status"))
    for value in (filters.product, filters.platform, filters.lang, filters.assignee, filters.q):
        if value:
            parts.append(value)
    return ", ".join(parts)
