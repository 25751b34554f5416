"""The item view and reviewer actions (single and bulk), with the next-item flow and flash messages."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from moderation.cases.service import CaseService
from moderation.queue.filters import QueueFilters
from moderation.queue.service import DISMISS_REASONS, Actor, QueueService
from moderation.render import evidence_of, item_snippet, render_item_text
from moderation.roles import allowed
from moderation.web.context import QUEUE_COOKIE, current_actor, flash, posting_actor, render
from moderation.web.i18n import N_
from moderation.web.i18n import gettext as _
from moderation.web.labels import denied, label
from pvwatch.errors import ConflictError, NotFoundError, PermissionDenied, PvwatchError

router = APIRouter()
SNIPPET = 240
MAX_BULK = 200
BULK_ACTIONS = ("dismiss", "confirm", "escalate", "assign")
CONFIRM_FIRST = ("dismiss", "escalate")  # bulk actions that cannot be undone from the queue
# After these the item has left the reviewer's hands: go on with the next one.
MOVES_ON = ("dismiss", "escalate", "redact", "hide", "remove")
DONE = {
    "dismiss": N_("Dismissed."), "confirm": N_("Adverse event confirmed."), "escalate": N_("Escalated to PV."),
    "redact": N_("Personal data redacted."), "hide": N_("Hidden on the platform."),
    "remove": N_("Removed on the platform."),
    "note": N_("Note added."), "assign": N_("Assignment saved."),
}


def _version(v: str) -> int | None:
    try:
        return int(v)
    except ValueError:
        return None


def _filters(request: Request) -> QueueFilters:
    return QueueFilters.parse(dict(parse_qsl(request.cookies.get(QUEUE_COOKIE, "")[:2000])))


def _item_url(key: str) -> str:
    return "/item?key=" + quote(key, safe="")


@router.get("/item")
def item_page(request: Request, key: str = "", ref: str = "", actor: Actor = Depends(current_actor)) -> Any:
    svc: QueueService = request.app.state.queue
    if not key and not ref:  # the same "missing value" page as any other missing parameter
        raise RequestValidationError([{"loc": ("query", "key"), "msg": "Field required", "type": "missing"}])
    if ref and not key:  # alert links for items whose key is not shown outside pvwatch (alerts/payload.py)
        key = svc.key_of_ref(actor, ref)
    item = svc.get(actor, key)
    thread = [{"item": t, "snippet": item_snippet(t, actor.role)[:SNIPPET]} for t in svc.thread(actor, item)]
    following = svc.next_after(actor, _filters(request), item.key)
    cases: CaseService = request.app.state.cases
    proposals = cases.proposals(actor, item) if allowed(actor.role, "escalate") and not item.case_id else []
    return render(request, "item.html", actor=actor, item=item, text=render_item_text(item, actor.role),
                  proposals=proposals, versions=svc.versions(actor, item),
                  evidence=evidence_of(item), thread=thread,
                  history=svc.history(actor, item.key) if allowed(actor.role, "view_audit") else [],
                  reasons=DISMISS_REASONS, pd_types=sorted({p.type for p in item.analysis.personal_data}),
                  next_item=following)


def do_action(request: Request, actor: Actor, action: str, key: str, version: int | None,
              form: dict[str, str]) -> str | None:
    """Run one action; returns the case id of an escalation."""
    svc: QueueService = request.app.state.queue
    cases: CaseService = request.app.state.cases
    if action == "dismiss":
        svc.dismiss(actor, key, version, form.get("reason", ""), form.get("comment", ""))
    elif action == "confirm":
        svc.confirm(actor, key, version)
    elif action == "escalate":
        return cases.escalate(actor, key, version, follow_up_of=form.get("follow_up_of") or None).id
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
    return None


@router.post("/item/action")
def item_action(request: Request, key: str = Form(...), action: str = Form(...), version: str = Form(""),
                reason: str = Form(""), comment: str = Form(""), text: str = Form(""), assignee: str = Form(""),
                live: str = Form(""), follow_up_of: str = Form(""),
                actor: Actor = Depends(posting_actor)) -> Response:
    form = {"reason": reason, "comment": comment, "text": text, "assignee": assignee, "live": live,
            "follow_up_of": follow_up_of}
    try:
        case_id = do_action(request, actor, action, key, _version(version), form)
    except (PermissionDenied, NotFoundError, ConflictError):
        raise  # styled error pages with a way back; nothing was written
    except PvwatchError as exc:  # a fixable input (unknown assignee, empty note): back to the item, said why
        flash(request, _("Not done: %(reason)s") % {"reason": str(exc)})
        return RedirectResponse(_item_url(key), status_code=303)
    flash(request, _(DONE.get(action, "Done.")) + (" " + _("Case %(id)s created.") % {"id": case_id}
                                                   if case_id else ""))
    if case_id and allowed(actor.role, "manage_cases"):  # the PV department goes on to the case it opened
        return RedirectResponse("/cases/" + quote(case_id, safe=""), status_code=303)
    if action in MOVES_ON and not (action in ("hide", "remove") and live != "yes"):
        following = request.app.state.queue.next_after(actor, _filters(request), key)
        if following is not None:
            return RedirectResponse(_item_url(following.key), status_code=303)
        flash(request, _("No more items with these filters."))
        return RedirectResponse("/queue?" + urlencode(_filters(request).params()), status_code=303)
    return RedirectResponse(_item_url(key), status_code=303)


def _explain(key: str, exc: PvwatchError) -> str:
    if isinstance(exc, ConflictError):
        return _("%(key)s: changed by someone else since the page was loaded") % {"key": key}
    if isinstance(exc, PermissionDenied):
        return f"{key}: {denied(exc)}"
    return f"{key}: {exc}"


@router.post("/queue/bulk")
def bulk_action(request: Request, action: str = Form(...), sel: list[str] = Form(default=[]),
                reason: str = Form(""), assignee: str = Form(""), back: str = Form(""), confirmed: str = Form(""),
                actor: Actor = Depends(posting_actor)) -> Response:
    """Each selected value is "version|key": the version the reviewer saw, so a bulk action never overwrites a
    change made meanwhile; failures are counted, not fatal for the others."""
    filters = QueueFilters.parse(dict(parse_qsl(back[:2000])))
    to_queue = RedirectResponse(f"/queue?{urlencode(filters.params())}", status_code=303)
    if action not in BULK_ACTIONS:
        flash(request, _("Choose a bulk action: dismiss, confirm, escalate or assign."))
        return to_queue
    if not sel:
        flash(request, _("Nothing selected: tick the items first, then apply the action."))
        return to_queue
    chosen = sel[:MAX_BULK]
    if action in CONFIRM_FIRST and confirmed != "yes":
        svc: QueueService = request.app.state.queue
        items = []
        for value in chosen:
            try:
                items.append((value, svc.get(actor, value.partition("|")[2])))
            except NotFoundError:
                continue
        return render(request, "bulk_confirm.html", actor=actor, action=action, items=items, reason=reason,
                      assignee=assignee, back=back, back_url=f"/queue?{urlencode(filters.params())}")
    done, errors, case_ids = 0, [], []
    for value in chosen:
        version, _sep, key = value.partition("|")
        try:
            case_id = do_action(request, actor, action, key, _version(version),
                                {"reason": reason, "assignee": assignee})
            done += 1
            if case_id:
                case_ids.append(case_id)
        except PvwatchError as exc:  # the others still run; each failure is reported back to the reviewer
            errors.append(_explain(key, exc))
    flash(request, _("%(action)s: %(done)s done, %(failed)s failed")
          % {"action": label(action, "bulk"), "done": done, "failed": len(errors)}, *errors[:5])
    if case_ids:
        flash(request, _("Cases created: %(ids)s") % {"ids": ", ".join(case_ids)})
    return to_queue
