"""`pvwatch quarantine`: the dead-letter store from the terminal, and its replay through the whole pipeline.

In the roof because `--replay` builds the pipeline (analyzer, collectors, alerts) like `pvwatch run` does.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pvwatch.cli.options import ConfigOpt, handle_errors
from pvwatch.config import load_config
from pvwatch.sanitize import printable


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""

    @app.command()
    @handle_errors
    def quarantine(
        config: Path = ConfigOpt,
        source: str = typer.Option(None, help="Only this source."),
        replay: bool = typer.Option(False, "--replay", help="Process the quarantined entries again."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """The dead-letter store: records and posts a source delivered that could not be processed."""
        from pvwatch.deadletter import DeadLetters

        cfg = load_config(config)
        if replay:
            from pvwatch.app.runtime import replay_dead_letters

            ok, failed = replay_dead_letters(cfg, source)
            typer.echo(f"replayed={ok} still_failing={failed}")
            if failed:
                raise typer.Exit(1)
            return
        from pvwatch.storage import open_store

        with open_store(cfg) as store:
            letters = DeadLetters(store).list(source)
        if as_json:
            typer.echo(json.dumps([d.model_dump(mode="json") for d in letters], indent=2))
            return
        for d in letters:
            what = d.key or (d.record or "")[:60]
            typer.echo(printable(f"{d.at:%Y-%m-%d %H:%M:%S} {d.source} x{d.attempts} {what} :: {d.reason}"))
        typer.echo(f"{len(letters)} quarantined")
