"""The queue, the item view and reviewer actions (single and bulk)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from moderation.cases.deadlines import item_deadline
from moderation.cases.service import CaseService
from moderation.queue.filters import AGE_LABELS, PAGE_SIZE, QueueFilters
from moderation.queue.service import DISMISS_REASONS, Actor, QueueService
from moderation.render import evidence_of, item_snippet, render_item_text
from moderation.roles import allowed
from moderation.web.context import current_actor, flash, posting_actor, render
from pvwatch.errors import PvwatchError
from pvwatch.models import FlagType, ItemStatus, utcnow

router = APIRouter()
SNIPPET = 240
MAX_BULK = 200


def _version(v: str) -> int | None:
    try:
        return int(v)
    except ValueError:
        return None


@router.get("/queue")
def queue_page(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    svc: QueueService = request.app.state.queue
    filters = QueueFilters.parse(dict(request.query_params))
    page = svc.page(actor, filters)
    cfg, store, now = request.app.state.cfg, request.app.state.store, utcnow()
    rows = [{"item": i, "snippet": item_snippet(i, actor.role)[:SNIPPET],
             "deadline": item_deadline(cfg, i, store.cases.get(i.case_id) if i.case_id else None, now)}
            for i in page.items]
    pages = max(1, (page.total + PAGE_SIZE - 1) // PAGE_SIZE)
    products = [p.name for p in request.app.state.cfg.products]
    return render(request, "queue.html", actor=actor, rows=rows, total=page.total, f=filters, pages=pages,
                  products=products, flags=[f.value for f in FlagType], statuses=["open", *ItemStatus.__members__],
                  ages=AGE_LABELS, reasons=DISMISS_REASONS, platforms=sorted(request.app.state.cfg.sources),
                  qs=lambda **o: urlencode(filters.params(**o)))


@router.get("/item")
def item_page(request: Request, key: str, actor: Actor = Depends(current_actor)) -> Any:
    svc: QueueService = request.app.state.queue
    item = svc.get(actor, key)
    thread = [{"item": t, "snippet": item_snippet(t, actor.role)[:SNIPPET]}
              for t in svc.thread(actor, item)]
    cases: CaseService = request.app.state.cases
    proposals = cases.proposals(actor, item) if allowed(actor.role, "escalate") and not item.case_id else []
    return render(request, "item.html", actor=actor, item=item, text=render_item_text(item, actor.role),
                  proposals=proposals,
                  evidence=evidence_of(item), thread=thread, history=svc.history(actor, item.key),
                  reasons=DISMISS_REASONS, pd_types=sorted({p.type for p in item.analysis.personal_data}))


def _item_url(key: str) -> str:
    return "/item?key=" + quote(key, safe="")


def do_action(request: Request, actor: Actor, action: str, key: str, version: int | None,
              form: dict[str, str]) -> str:
    """Run one action; returns where to go next."""
    svc: QueueService = request.app.state.queue
    cases: CaseService = request.app.state.cases
    if action == "dismiss":
        svc.dismiss(actor, key, version, form.get("reason", ""), form.get("comment", ""))
    elif action == "confirm":
        svc.confirm(actor, key, version)
    elif action == "escalate":
        case = cases.escalate(actor, key, version, follow_up_of=form.get("follow_up_of") or None)
        if allowed(actor.role, "manage_cases"):  # the PV department goes on to the case it opened
            return "/cases/" + quote(case.id, safe="")
    elif action == "redact":
        svc.redact(actor, key, version)
    elif action in ("hide", "remove"):
        svc.moderate(actor, key, version, action, dry_run=form.get("live") != "yes")
    elif action == "note":
        svc.note(actor, key, version, form.get("text", ""))
    elif action == "assign":
        svc.assign(actor, key, version, form.get("assignee") or None)
    else:
        raise PvwatchError(f"unknown action {action!r}")
    return _item_url(key)


@router.post("/item/action")
def item_action(request: Request, key: str = Form(...), action: str = Form(...), version: str = Form(""),
                reason: str = Form(""), comment: str = Form(""), text: str = Form(""), assignee: str = Form(""),
                live: str = Form(""), follow_up_of: str = Form(""),
                actor: Actor = Depends(posting_actor)) -> Response:
    form = {"reason": reason, "comment": comment, "text": text, "assignee": assignee, "live": live,
            "follow_up_of": follow_up_of}
    target = do_action(request, actor, action, key, _version(version), form)
    return RedirectResponse(target, status_code=303)


@router.post("/queue/bulk")
def bulk_action(request: Request, action: str = Form(...), sel: list[str] = Form(default=[]),
                reason: str = Form(""), assignee: str = Form(""), back: str = Form(""),
                actor: Actor = Depends(posting_actor)) -> Response:
    """Each selected value is "version|key": the version the reviewer saw, so a bulk action never overwrites a
    change made meanwhile; failures are counted, not fatal for the others."""
    if action not in ("dismiss", "confirm", "escalate", "assign"):
        raise PvwatchError("bulk actions are dismiss, confirm, escalate and assign")
    if not sel:
        raise PvwatchError("select at least one item first")
    done = failed = 0
    errors: list[str] = []
    for value in sel[:MAX_BULK]:
        version, _, key = value.partition("|")
        try:
            do_action(request, actor, action, key, _version(version), {"reason": reason, "assignee": assignee})
            done += 1
        except PvwatchError as exc:  # the others still run; each failure is reported back to the reviewer
            failed += 1
            errors.append(f"{key}: {exc}")
    flash(request, f"{action}: {done} done, {failed} failed", *errors[:5])
    filters = QueueFilters.parse(dict(parse_qsl(back[:2000])))
    return RedirectResponse(f"/queue?{urlencode(filters.params())}", status_code=303)
