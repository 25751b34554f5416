"""`pvwatch` subcommands: storage (`pvwatch migrate`)."""

from __future__ import annotations

from pathlib import Path

import typer

from pvwatch.cli.options import ConfigOpt, handle_errors
from pvwatch.config import load_config
from pvwatch.errors import PvwatchError


def register(app: typer.Typer) -> None:
    """Add these commands to the main app."""
    app.command()(migrate)


@handle_errors
def migrate(
    source: Path = typer.Option(..., "--from", help="The SQLite store to copy (e.g. data/pvwatch.db)."),
    config: Path = ConfigOpt,
    replace: bool = typer.Option(False, "--replace", help="Drop this prefix's Elasticsearch indexes first."),
) -> None:
    """Copy an SQLite store into the Elasticsearch cluster of [storage.elasticsearch] (items, audit, cases...)."""
    from pvwatch.storage.elasticsearch import ElasticsearchStore
    from pvwatch.storage.es_migrate import migrate as run_migration
    from pvwatch.storage.sqlite import SqliteStore

    cfg = load_config(config)
    if not source.is_file():
        raise PvwatchError(f"{source} is not a file; pass the SQLite store's path with --from")
    src = SqliteStore(source)
    try:
        es = cfg.storage.elasticsearch
        dst = ElasticsearchStore(es.url, index_prefix=es.index_prefix, api_key=cfg.secret(es.api_key_env))
        try:
            if replace:
                dst.drop()
                dst.ensure_setup()
            counts = run_migration(src, dst, progress=lambda what, n: typer.echo(f"{what}: {n} copied"))
        finally:
            dst.close()
    finally:
        src.close()
    summary = " ".join(f"{k}={v}" for k, v in counts.items())
    typer.echo(f"migrated {source} into {es.url} ({es.index_prefix}-*): {summary}; audit chain verified")
    if cfg.storage.backend != "elasticsearch":
        typer.echo('next: set [storage] backend = "elasticsearch" in the config to run on the cluster')
