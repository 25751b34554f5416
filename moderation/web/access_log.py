"""The UI's access log: method, route template and status, never the query string or a path parameter.

uvicorn's own access log prints the whole request line: search terms (`/queue?q=...`, often a patient's name
or a drug and a symptom) and item keys (`/item?key=...`, which can embed a platform user id). This middleware
replaces it (`uvicorn.run(access_log=False)`) with a line that says which page answered what, and how fast.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

log = logging.getLogger("pvwatch.moderation.access")


def route_of(request: Request) -> str:
    """`/cases/{case_id}` rather than `/cases/C-123`; unknown paths are not echoed either."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "/static/…" if request.url.path.startswith("/static/") else "(unmatched)"


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def access_log(request: Request, call_next: Any) -> Response:
        start = time.perf_counter()
        response: Response = await call_next(request)
        if app.state.cfg.ui.access_log:
            log.info("%s %s %d %.0fms", request.method, route_of(request), response.status_code,
                     (time.perf_counter() - start) * 1000)
        return response
