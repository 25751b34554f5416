"""Time left to the 15/90-day reporting deadline, as the queue, the case list and the case page show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pvwatch.config import Config
from pvwatch.models import Case, Item

SOON = timedelta(days=3)


@dataclass(frozen=True)
class Deadline:
    due: datetime | None
    label: str  # "4 d 3 h left", "overdue by 2 d", "clock not started"
    state: str  # "ok", "soon", "breached", "none" (CSS class of the badge)

    @property
    def breached(self) -> bool:
        return self.state == "breached"


def _span(delta: timedelta) -> str:
    days, hours = delta.days, delta.seconds // 3600
    return f"{days} d {hours} h" if days else f"{hours} h {delta.seconds % 3600 // 60} min"


def deadline(due: datetime | None, now: datetime, started: bool = True) -> Deadline:
    if due is None or not started:
        return Deadline(None, "clock not started (not yet valid)", "none")
    if due < now:
        return Deadline(due, f"overdue by {_span(now - due)}", "breached")
    return Deadline(due, f"{_span(due - now)} left", "soon" if due - now <= SOON else "ok")


def case_deadline(case: Case, now: datetime) -> Deadline:
    if not case.status.is_open:
        return Deadline(case.due_at, case.status.value, "none")
    return deadline(case.due_at, now, started=case.valid)


def item_deadline(cfg: Config, item: Item, case: Case | None, now: datetime) -> Deadline | None:
    """The case's deadline, or for an adverse event not yet escalated the one its day zero already implies."""
    if case is not None:
        return case_deadline(case, now)
    if item.day_zero is None or "adverse_event" not in item.flags or item.status.value in ("dismissed", "closed"):
        return None
    days = cfg.cases.serious_days if item.analysis.serious else cfg.cases.non_serious_days
    return deadline(item.day_zero + timedelta(days=days), now)
