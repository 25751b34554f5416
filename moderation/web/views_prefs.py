"""A reviewer's own preferences (the UI language)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from moderation.auth.accounts import set_language
from moderation.queue.service import Actor
from moderation.web.context import activate_for, flash, posting_actor, safe_next
from moderation.web.i18n import gettext as _

router = APIRouter()


@router.post("/preferences/language")
def language(request: Request, lang: str = Form(""), back: str = Form(""),
             actor: Actor = Depends(posting_actor)) -> Response:
    set_language(request.app.state.store, actor.username, lang)
    activate_for(request, actor.username)  # the confirmation in the new language
    flash(request, _("Language saved."))
    return RedirectResponse(safe_next(back), status_code=303)
