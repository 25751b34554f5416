"""PV cases: list, the case intake screen, PV assessment actions, E2B(R3) XML and CSV export."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from moderation.audit import record
from moderation.cases.csv_export import cases_csv
from moderation.cases.deadlines import case_deadline
from moderation.cases.e2b import build_e2b
from moderation.cases.e2b_rules import check
from moderation.cases.service import CaseService
from moderation.queue.service import Actor
from moderation.render import render_item_text
from moderation.roles import require
from moderation.web.context import current_actor, posting_actor, render
from pvwatch.case_record import SeriousnessCriterion
from pvwatch.errors import PvwatchError
from pvwatch.models import CaseStatus, utcnow

router = APIRouter()


@router.get("/cases")
def cases_page(request: Request, status: str = "", actor: Actor = Depends(current_actor)) -> Any:
    svc: CaseService = request.app.state.cases
    status = status if status in CaseStatus.__members__ else ""
    now = utcnow()
    cases = svc.list_cases(actor, status)
    return render(request, "cases.html", actor=actor, rows=[(c, case_deadline(c, now)) for c in cases],
                  status=status, statuses=list(CaseStatus.__members__), now=now)


@router.get("/cases/export.csv")
def cases_csv_export(request: Request, status: str = "", actor: Actor = Depends(current_actor)) -> Response:
    require(actor.role, "export_cases")
    svc: CaseService = request.app.state.cases
    status = status if status in CaseStatus.__members__ else ""
    cases = svc.list_cases(actor, status)
    body = cases_csv((c, svc.item_of(c)) for c in cases)
    record(request.app.state.store, actor.username, "case.export_csv", "case", "*", None, {"n": len(cases)})
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="pvwatch-cases.csv"'})


def _e2b(request: Request, svc: CaseService, case_id: str, actor: Actor) -> tuple[Any, bytes]:
    cfg = request.app.state.cfg
    case = svc.get(actor, case_id)
    return case, build_e2b(case, svc.item_of(case), sender=cfg.cases.sender_id, receiver=cfg.cases.receiver_id)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str, actor: Actor = Depends(current_actor)) -> Any:
    svc: CaseService = request.app.state.cases
    case = svc.get(actor, case_id)
    item = svc.item_of(case)
    store = request.app.state.store
    cfg = request.app.state.cfg
    findings: list[Any] = []
    try:  # what a gateway would say about this case now (schema errors block the export)
        findings = check(build_e2b(case, item, sender=cfg.cases.sender_id, receiver=cfg.cases.receiver_id))
    except PvwatchError as exc:
        findings = [str(exc)]
    now = utcnow()
    return render(request, "case.html", actor=actor, case=case, item=item, now=now,
                  deadline=case_deadline(case, now), findings=findings, meddra=svc.coder is not None,
                  text=render_item_text(item, actor.role) if item else None,
                  criteria=[c.value for c in SeriousnessCriterion], statuses=list(CaseStatus.__members__),
                  history=list(store.audit.iter(entity_id=case.id)))


@router.get("/cases/{case_id}/e2b.xml")
def case_e2b(request: Request, case_id: str, actor: Actor = Depends(current_actor)) -> Response:
    require(actor.role, "export_cases")
    svc: CaseService = request.app.state.cases
    case, data = _e2b(request, svc, case_id, actor)
    record(request.app.state.store, actor.username, "case.export_e2b", "case", case.id, None, None)
    safe_name = "".join(c for c in case.id if c.isalnum() or c in "-_")
    return Response(data, media_type="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{safe_name}.xml"'})


def _int(value: str, what: str) -> int:
    if not value.strip().isdigit():
        raise PvwatchError(f"{what} must be a number; reload the case page")
    return int(value)


@router.post("/cases/{case_id}/action")
async def case_action(request: Request, case_id: str, actor: Actor = Depends(posting_actor)) -> Response:
    form = await request.form()
    f = {k: str(v) for k, v in form.items()}
    svc: CaseService = request.app.state.cases
    action = f.get("action", "")
    v = int(f["version"]) if f.get("version", "").isdigit() else None
    if action == "note":
        svc.add_note(actor, case_id, v, f.get("text", ""))
    elif action == "status":
        svc.set_status(actor, case_id, v, f.get("status", ""))
    elif action == "seriousness":
        criteria = [str(c) for c in form.getlist("criteria")]
        svc.set_criteria(actor, case_id, v, criteria, f.get("justification", ""))
    elif action == "coding":
        svc.set_coding(actor, case_id, v, _int(f.get("index", ""), "reaction"), f.get("llt_code", ""))
    elif action == "add_reaction":
        svc.add_reaction(actor, case_id, v, f.get("reported", ""), f.get("llt_code", ""))
    elif action == "add_product":
        svc.add_product(actor, case_id, v, f.get("product", ""))
    elif action == "assign":
        svc.assign(actor, case_id, v, f.get("assignee", ""))
    elif action == "follow_up_attempt":
        svc.add_follow_up_attempt(actor, case_id, v, f.get("channel", ""), f.get("text", ""))
    elif action == "confirm_minimum":
        svc.confirm_minimum(actor, case_id, v, f.get("criterion", ""), f.get("from_post") == "yes",
                            f.get("reason", ""))
    elif action in ("link_confirm", "link_reject"):
        svc.confirm_link(actor, case_id, v, _int(f.get("index", ""), "link"), action == "link_confirm")
    else:
        raise PvwatchError(f"unknown case action {action!r}")
    return RedirectResponse("/cases/" + quote(case_id, safe=""), status_code=303)
