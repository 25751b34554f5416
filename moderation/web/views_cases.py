"""PV cases: list, detail, follow-up, E2B(R3) XML and CSV export."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from moderation.audit import record
from moderation.cases.csv_export import cases_csv
from moderation.cases.e2b import build_e2b
from moderation.cases.service import CaseService, check_item_key
from moderation.queue.service import Actor
from moderation.render import render_item_text
from moderation.roles import require
from moderation.web.context import current_actor, posting_actor, render
from pvwatch.errors import PvwatchError
from pvwatch.models import CaseStatus, utcnow

router = APIRouter()


@router.get("/cases")
def cases_page(request: Request, status: str = "", actor: Actor = Depends(current_actor)) -> Any:
    svc: CaseService = request.app.state.cases
    status = status if status in CaseStatus.__members__ else ""
    return render(request, "cases.html", actor=actor, cases=svc.list_cases(actor, status), status=status,
                  statuses=list(CaseStatus.__members__), now=utcnow())


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


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str, actor: Actor = Depends(current_actor)) -> Any:
    svc: CaseService = request.app.state.cases
    case = svc.get(actor, case_id)
    item = svc.item_of(case)
    store = request.app.state.store
    return render(request, "case.html", actor=actor, case=case, item=item, now=utcnow(),
                  text=render_item_text(item, actor.role) if item else None,
                  statuses=list(CaseStatus.__members__), history=list(store.audit.iter(entity_id=case.id)))


@router.get("/cases/{case_id}/e2b.xml")
def case_e2b(request: Request, case_id: str, actor: Actor = Depends(current_actor)) -> Response:
    require(actor.role, "export_cases")
    svc: CaseService = request.app.state.cases
    case = svc.get(actor, case_id)
    data = build_e2b(case, check_item_key(svc.item_of(case), case))
    record(request.app.state.store, actor.username, "case.export_e2b", "case", case.id, None, None)
    safe_name = "".join(c for c in case.id if c.isalnum() or c in "-_")
    return Response(data, media_type="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{safe_name}.xml"'})


@router.post("/cases/{case_id}/action")
def case_action(request: Request, case_id: str, action: str = Form(...), version: str = Form(""),
                text: str = Form(""), status: str = Form(""), serious: str = Form(""),
                actor: Actor = Depends(posting_actor)) -> Response:
    svc: CaseService = request.app.state.cases
    v = int(version) if version.isdigit() else None
    if action == "note":
        svc.add_note(actor, case_id, v, text)
    elif action == "status":
        svc.set_status(actor, case_id, v, status)
    elif action == "seriousness":
        svc.set_serious(actor, case_id, v, serious == "yes")
    else:
        raise PvwatchError(f"unknown case action {action!r}")
    return RedirectResponse("/cases/" + quote(case_id, safe=""), status_code=303)
