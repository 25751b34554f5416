"""`pvwatch demo` serves the review UI on the demo store with one fresh account per role."""

from __future__ import annotations

import secrets

import typer

from moderation.auth.users import add_user, get_user
from moderation.roles import Role
from pvwatch.config import Config
from pvwatch.storage import open_store


def serve_demo(cfg: Config, port: int = 8765) -> None:
    import uvicorn

    from moderation.web import create_app

    with open_store(cfg) as store:
        typer.echo("demo accounts (passwords are new on every run):")
        for role in Role:
            name = f"demo-{role.value.replace('_', '-')}"
            if get_user(store, name) is None:
                password = secrets.token_urlsafe(12)
                add_user(store, name, role.value, password, actor="demo")
                typer.echo(f"  {name:<28} {password}   ({role.value})")
        typer.echo(f"review UI: http://127.0.0.1:{port}/  (Ctrl-C to stop)")
        uvicorn.run(create_app(cfg, store), host="127.0.0.1", port=port, log_level="warning")
