"""`pvwatch` subcommands owned by moderation/: queue (the terminal view), user add, audit verify, token, and `case`
(moderation/cases/cli.py).

`pvwatch serve` is in pvwatch.app.serve: the served UI also mounts the collectors' webhook."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from pvwatch.cli.options import command_group
from pvwatch.errors import PvwatchError

user_app = command_group("Reviewer accounts of the review UI.")
audit_app = command_group("The append-only, hash-chained audit trail.")
token_app = command_group("API tokens of the integration API (/api/v1), one per client.")


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the main app."""
    from pvwatch.cli.options import ConfigOpt, cli_actor, config_and_store, handle_errors

    @app.command()
    @handle_errors
    def queue(
        config: Path = ConfigOpt,
        key: str = typer.Argument(None, help="Show one item by key (platform:id)."),
        flag: str = typer.Option(None, help="adverse_event, special_situation or personal_data."),
        status: str = typer.Option(None),
        product: str = typer.Option(None),
        platform: str = typer.Option(None),
        limit: int = typer.Option(20),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """List the review queue, or show one item, from the terminal (masked as for a social moderator)."""
        from moderation.queue_view import print_item, print_queue
        from pvwatch.storage.base import ItemQuery

        with config_and_store(config) as (cfg, store):
            if key:
                item = store.items.get(key)
                if item is None:
                    raise PvwatchError(f"no item {key!r}; list keys with `pvwatch queue`")
                print_item(item, as_json)
            else:
                page = store.items.query(ItemQuery(flag=flag, status=status, product=product, platform=platform,
                                                   limit=limit))
                print_queue(page, as_json)

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

        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise PvwatchError(f"environment variable {password_env} is empty or unset; export the password")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        with config_and_store(config) as (cfg, store):
            user = add_user(store, username, role, password, actor=cli_actor())
        typer.echo(f"user {user.username} created with role {user.role.value}")

    @audit_app.command("verify")
    @handle_errors
    def audit_verify(config: Path = ConfigOpt) -> None:
        """Walk the keyed hash chain and its head checkpoint; exit 1 naming every tampered record."""

        with config_and_store(config) as (cfg, store):
            ok, message = store.audit.verify()
        if not ok:
            for line in message.splitlines():
                typer.echo(f"TAMPERED: {line}", err=True)
            raise typer.Exit(1)
        typer.echo(f"ok: {message}")

    @token_app.command("create")
    @handle_errors
    def token_create(
        client: str = typer.Argument(..., help="Who uses it, e.g. chatbot-site-fr."),
        scope: list[str] = typer.Option(..., "--scope", help="classify and/or ingest (repeat the option)."),
        config: Path = ConfigOpt,
    ) -> None:
        """Create a token; it is printed once (only its hash is stored)."""
        from moderation.api.tokens import create_token, parse_scopes

        scopes = parse_scopes(scope)
        with config_and_store(config) as (cfg, store):
            token_id, token = create_token(store, client, scopes, actor=cli_actor())
        typer.echo(f"token {token_id} for {client} ({', '.join(sorted(scopes))}); store it now, it is not shown again:")
        typer.echo(token)

    @token_app.command("revoke")
    @handle_errors
    def token_revoke(token_id: str = typer.Argument(..., help="The id shown by `token list`."),
                     config: Path = ConfigOpt) -> None:
        """Revoke a token at once (the next request with it gets 401)."""
        from moderation.api.tokens import revoke_token

        with config_and_store(config) as (cfg, store):
            revoke_token(store, token_id, actor=cli_actor())
        typer.echo(f"token {token_id} revoked")

    @token_app.command("list")
    @handle_errors
    def token_list(config: Path = ConfigOpt) -> None:
        """Tokens with their client, scopes and state (never the secret)."""
        from moderation.api.tokens import list_tokens

        with config_and_store(config) as (cfg, store):
            for t in list_tokens(store):
                state = f"revoked {t['revoked_at']}" if t.get("revoked_at") else "active"
                scopes = ",".join(t["scopes"])  # type: ignore[arg-type]
                typer.echo(f"{t['id']}\t{t['client']}\t{scopes}\t{state}\tcreated {t['created_at']}")

    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
    app.add_typer(token_app, name="token")
    from moderation.cases.cli import register as cases_cli

    cases_cli(app)
