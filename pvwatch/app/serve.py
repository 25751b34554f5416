"""The review UI as served: moderation's app with the platform actions plugged in and /api/ingest mounted.

`pvwatch serve` runs it on [ui]; `pvwatch demo` serves it on the demo store with one fresh account per role.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import typer
from fastapi import FastAPI

from collectors.actions import actions_for
from collectors.webhook import webhook_router
from moderation.auth.users import add_user, get_user
from moderation.roles import Role
from moderation.web import create_app
from pvwatch.cli.options import ConfigOpt, handle_errors, setup_logging
from pvwatch.config import Config, load_config
from pvwatch.storage import open_store
from pvwatch.storage.base import Store


def review_app(cfg: Config, store: Store) -> FastAPI:
    """The UI, hide/remove on the platform through the collectors, and the webhook collector's endpoint."""
    app = create_app(cfg, store, actions=actions_for(cfg))
    app.include_router(webhook_router(cfg, store), prefix="/api/ingest")
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
        uvicorn.run(review_app(cfg, store), host="127.0.0.1", port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def serve(
        config: Path = ConfigOpt,
        host: str = typer.Option(None, help="Address to listen on (default: [ui] host)."),
        port: int = typer.Option(None, help="Port (default: [ui] port)."),
    ) -> None:
        """Run the review UI (queue, items, PV cases, dashboard)."""
        import uvicorn

        setup_logging()
        cfg = load_config(config)
        with open_store(cfg) as store:
            uvicorn.run(review_app(cfg, store), host=host or cfg.ui.host, port=port or cfg.ui.port, log_level="info")
