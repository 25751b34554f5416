"""The dashboard page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from moderation.dashboard.service import build_dashboard
from moderation.dashboard.svg import hbars, stacked_bars
from moderation.queue.service import Actor
from moderation.roles import require
from moderation.web.context import current_actor, render
from pvwatch.models import utcnow

router = APIRouter()


@router.get("/dashboard")
def dashboard(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    require(actor.role, "view_dashboard")
    d = build_dashboard(request.app.state.store, request.app.state.cases)
    charts = {
        "per_day": stacked_bars(d.days, d.per_flag, title="Flagged posts per day (30 days)"),
        "products": hbars(d.per_product, title="Adverse events per product (30 days)"),
        "age": hbars(d.queue_age, title="Open queue by age"),
        "throughput": stacked_bars(d.throughput_days, d.throughput_per_day, height=200,
                                   title="Reviewer decisions per day (14 days)"),
        "reviewers": hbars(d.throughput, title="Decisions per reviewer (14 days)"),
    }
    return render(request, "dashboard.html", actor=actor, d=d, charts=charts, now=utcnow())
