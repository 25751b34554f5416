"""The review UI as served: moderation's app with the platform actions plugged in, /api/ingest (the webhook
collector) and /api/v1 (the integration API, with the classifiers' analyzer and the alert hook) mounted.

`pvwatch serve` runs it on [ui]; `pvwatch demo` serves it on the demo store with one fresh account per role.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import typer
from fastapi import FastAPI

from alerts.config import AlertsConfig
from alerts.service import AlertService
from classifiers.analyzer import Analyzer
from collectors.actions import actions_for
from collectors.webhook import webhook_router
from moderation.api.engine import ApiEngine
from moderation.api.views import mount_api
from moderation.auth.users import add_user, get_user
from moderation.roles import Role
from moderation.web import create_app
from pvwatch.config import Config
from pvwatch.ports import ItemHook
from pvwatch.storage import open_store
from pvwatch.storage.base import Store


def sensitivity_view(cfg: Config) -> Callable[[], dict[str, Any]]:
    """The adverse-event preset and thresholds in force, for the dashboard (read from the model metadata,
    without loading a model)."""
    from classifiers.adverse_events import configured_thresholds

    def view() -> dict[str, Any]:
        t = configured_thresholds(cfg)
        langs = tuple(cfg.classifiers.languages)
        return {"preset": t.sensitivity.value, "thresholds": t.summary(langs),
                "overridden": [lg for lg in langs if t.source_for(lg) is None]}

    return view


def api_engine(cfg: Config, store: Store) -> ApiEngine:
    """The integration API's parts: the classifiers' analyzer (built on first use or by the warm-up) and, when
    alerts are on, the alert hook."""
    def hooks() -> list[ItemHook]:
        if not cfg.section("alerts", AlertsConfig).enabled:
            return []
        return [AlertService.from_config(cfg, store).on_new_item]

    return ApiEngine(cfg, store, lambda: Analyzer.from_config(cfg), hooks)


def review_app(cfg: Config, store: Store, warm: bool = False) -> FastAPI:
    """The UI, hide/remove on the platform through the collectors, the webhook collector's endpoint and the
    integration API; `warm` loads the models in the background while the server starts."""
    app = create_app(cfg, store, actions=actions_for(cfg), sensitivity=sensitivity_view(cfg))
    app.include_router(webhook_router(cfg, store), prefix="/api/ingest")
    engine = api_engine(cfg, store)
    mount_api(app, cfg, store, engine)
    if warm and cfg.api.enabled:
        engine.warm_up_in_background()
    return app


def serve_demo(cfg: Config, port: int = 8765) -> None:
    import uvicorn

    with open_store(cfg) as store:
        typer.echo("demo accounts (passwords are new on every run):")
        for role in Role:
            name = f"demo-{role.value.replace('_', '-')}"
            if get_user(store, name) is None:
                password = secrets.token_urlsafe(12)
                add_user(store, name, role, password, actor="demo")
                typer.echo(f"  {name:<28} {password}   ({role.value})")
        typer.echo(f"review UI: http://127.0.0.1:{port}/  (Ctrl-C to stop)")
        uvicorn.run(review_app(cfg, store, warm=True), host="127.0.0.1", port=port, log_level="warning",
                    proxy_headers=False, access_log=False)
