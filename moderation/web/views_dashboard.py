"""The dashboard page: every bar links to the queue filtered to what it counts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from moderation.dashboard.service import AGE_BUCKETS, build_dashboard
from moderation.dashboard.svg import hbars, stacked_bars
from moderation.queue.service import Actor
from moderation.roles import require
from moderation.web.context import current_actor, render
from moderation.web.i18n import N_, format_day
from moderation.web.i18n import gettext as _
from moderation.web.labels import label
from pvwatch.config import Config
from pvwatch.models import utcnow

router = APIRouter()
BASES = {"posted": N_("posting day"), "day_zero": N_("day zero")}
AGE_WORDS = {"< 1 day": N_("< 1 day"), "1-7 days": N_("1-7 days"), "7-15 days": N_("7-15 days"),
             "15-30 days": N_("15-30 days"), "> 30 days": N_("> 30 days")}


def _q(**params: str) -> str:
    return "/queue?" + urlencode({"status": "", **params})


@router.get("/dashboard")
def dashboard(request: Request, basis: str = "posted", actor: Actor = Depends(current_actor)) -> Any:
    require(actor.role, "view_dashboard")
    basis = basis if basis in BASES else "posted"
    cfg = request.app.state.cfg
    d = build_dashboard(request.app.state.store, request.app.state.cases, basis=basis, tz=cfg.ui.timezone,
                        configured=[p.name for p in cfg.products], cfg=cfg)
    flags = {f: label(f, "flag") for f in d.per_flag}
    charts = {
        "per_day": stacked_bars(
            d.days, d.per_flag, shown=format_day, names=flags,
            title=_("Flagged posts per %(basis)s (30 days)") % {"basis": _(BASES[basis])},
            link=lambda i, flag: _q(flag=flag, day=d.days[i], basis=basis)),
        "products": hbars(d.per_product, title=_("Adverse events per product (30 days)"),
                          links=[_q(flag="adverse_event", product=name) for name, _n in d.per_product]),
        "age": hbars([(_(AGE_WORDS[lbl]), n) for lbl, n in d.queue_age], title=_("Open queue by age"),
                     links=[_q(status="open", age=b[3]) for b in AGE_BUCKETS]),
        "throughput": stacked_bars(d.throughput_days, d.throughput_per_day, height=200, shown=format_day,
                                   names={k: label(k, "decision_short") for k in d.throughput_per_day},
                                   title=_("Reviewer decisions per day (14 days)")),
        "reviewers": hbars(d.throughput, title=_("Decisions per reviewer (14 days)")),
    }
    return render(request, "dashboard.html", actor=actor, d=d, charts=charts, now=utcnow(), basis=basis,
                  bases=BASES, sensitivity=_sensitivity(request))


def _sensitivity(request: Request) -> dict[str, Any]:
    """The adverse-event preset and thresholds in force (plugged in by pvwatch.app; the preset alone otherwise)."""
    view = request.app.state.sensitivity
    if view is not None:
        return dict(view())
    cfg: Config = request.app.state.cfg
    return {"preset": cfg.classifiers.sensitivity.value, "thresholds": {}, "overridden": []}
