"""`pvwatch` subcommands owned by moderation/: serve, user add, audit verify."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from pvwatch.errors import PvwatchError

user_app = typer.Typer(help="Reviewer accounts of the review UI.", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only, hash-chained audit trail.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the main app."""
    from pvwatch.cli.main import ConfigOpt, handle_errors

    @app.command()
    @handle_errors
    def serve(
        config: Path = ConfigOpt,
        host: str = typer.Option(None, help="Address to listen on (default: [ui] host)."),
        port: int = typer.Option(None, help="Port (default: [ui] port)."),
    ) -> None:
        """Run the review UI (queue, items, PV cases, dashboard)."""
        import uvicorn

        from moderation.web import create_app
        from pvwatch.cli.main import setup_logging
        from pvwatch.config import load_config
        from pvwatch.storage import open_store

        setup_logging()
        cfg = load_config(config)
        with open_store(cfg) as store:
            web = create_app(cfg, store)
            uvicorn.run(web, host=host or cfg.ui.host, port=port or cfg.ui.port, log_level="info")

    @user_app.command("add")
    @handle_errors
    def user_add(
        username: str = typer.Argument(..., help="Login name."),
        role: str = typer.Option(..., "--role", help="social_moderator, compliance_officer, pv_officer or admin."),
        password_env: str = typer.Option(None, "--password-env",
                                         help="Read the password from this environment variable (no prompt)."),
        config: Path = ConfigOpt,
    ) -> None:
        """Create a reviewer account (argon2-hashed password)."""
        from moderation.auth.users import add_user
        from pvwatch.config import load_config
        from pvwatch.storage import open_store

        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise PvwatchError(f"environment variable {password_env} is empty or unset; export the password")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        cfg = load_config(config)
        with open_store(cfg) as store:
            user = add_user(store, username, role, password, actor=f"cli:{os.environ.get('USER', 'unknown')}")
        typer.echo(f"user {user.username} created with role {user.role.value}")

    @audit_app.command("verify")
    @handle_errors
    def audit_verify(config: Path = ConfigOpt) -> None:
        """Walk the hash chain; exit 1 and name the first tampered record if it is broken."""
        from pvwatch.config import load_config
        from pvwatch.storage import open_store

        cfg = load_config(config)
        with open_store(cfg) as store:
            ok, message = store.audit.verify()
        if not ok:
            typer.echo(f"TAMPERED: {message}", err=True)
            raise typer.Exit(1)
        typer.echo(f"ok: {message}")

    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
