"""`pvwatch` subcommands owned by collectors/: `sources` (health) and `webhook` (the ingestion endpoint alone)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pvwatch.cli.options import ConfigOpt, config_and_store, handle_errors
from pvwatch.config import load_config
from pvwatch.sanitize import printable


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the main app."""

    @app.command()
    @handle_errors
    def sources(
        config: Path = ConfigOpt,
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Show each source's health: last success, lag, errors, coverage (items the platform reports against items
        read, and why any were not collected), status."""
        from pvwatch.health import health_report

        with config_and_store(config) as (cfg, store):
            rows = health_report(store, cfg)
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table("source", "type", "status", "last success", "lag (s)", "errors", "collected", "coverage",
                      "quarantined",
                      "last error")
        for r in rows:
            lag = "" if r["lag_seconds"] is None else f"{r['lag_seconds']:.0f}"
            # Text(): error messages may contain platform text; never let them become rich markup
            table.add_row(r["name"], str(r["type"] or ""), r["status"], r["last_success"] or "-", lag,
                          str(r["error_count"]), str(r["collected"]), Text(r["coverage"] or "-"),
                          str(r["quarantined"]),
                          Text(printable(f"{r['last_error_at'] or ''} {(r['last_error'] or '')[:80]}".strip())))
        Console().print(table)
        if any(r["quarantined"] for r in rows):
            typer.echo("quarantined records: `pvwatch quarantine` lists them, `pvwatch quarantine --replay` "
                       "processes them again once the cause is fixed")

    @app.command()
    @handle_errors
    def webhook(
        config: Path = ConfigOpt,
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8766, help="Port to listen on."),
    ) -> None:
        """Serve only the webhook ingestion endpoint (POST /api/ingest/<source>) with uvicorn."""
        import uvicorn

        from collectors.webhook import webhook_app
        from pvwatch.errors import PvwatchError
        from pvwatch.storage import open_store

        cfg = load_config(config)
        if not any(s.type == "webhook" and s.enabled for s in cfg.sources.values()):
            raise PvwatchError("no enabled [sources.*] with type = \"webhook\" in config.toml; add one "
                               "(see docs/collectors.md#webhook)")
        with open_store(cfg) as store:
            uvicorn.run(webhook_app(cfg, store), host=host, port=port, log_level="info")
