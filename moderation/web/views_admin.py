"""Admin pages: the dead-letter store (what sources delivered that could not be processed, and why)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from moderation.queue.service import Actor
from moderation.roles import require
from moderation.web.context import current_actor, render
from pvwatch.deadletter import DeadLetters

router = APIRouter()
SHOWN = 500


@router.get("/admin/dead-letters")
def dead_letters_page(request: Request, source: str = "", actor: Actor = Depends(current_actor)) -> Any:
    # Admins only: quarantined records are raw platform input and may hold personal data.
    require(actor.role, "manage_sources")
    letters = DeadLetters(request.app.state.store).list(source[:100] or None)
    return render(request, "dead_letters.html", actor=actor, letters=letters[-SHOWN:][::-1], total=len(letters),
                  source=source[:100])
