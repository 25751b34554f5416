"""`pvwatch purge` (retention) and `pvwatch erase` (GDPR erasure request)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pvwatch.cli.options import ConfigOpt, config_and_store, handle_errors
from pvwatch.config import load_config
from pvwatch.errors import PvwatchError


def register(app: typer.Typer) -> None:
    """Add these commands to the main app."""
    app.command()(purge)
    app.command()(erase)


def _print(report_counts: dict[str, int], dry_run: bool, as_json: bool, what: str) -> None:
    if as_json:
        typer.echo(json.dumps({"dry_run": dry_run, **report_counts}))
        return
    verb = "would" if dry_run else "did"
    typer.echo(f"{what} ({verb}): " + " ".join(f"{k}={v}" for k, v in report_counts.items()))


@handle_errors
def purge(
    config: Path = ConfigOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be deleted or anonymised; change nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Delete non-AE items past [retention] non_ae_days; anonymise PV-linked items past ae_years."""
    from pvwatch.retention import purge as run_purge

    with config_and_store(config) as (cfg, store):
        report = run_purge(store, cfg.retention, dry_run=dry_run, actor="cli:purge")
    _print(report.counts(), dry_run, as_json, "purge")


@handle_errors
def erase(
    author: str = typer.Option(..., "--author", help="The author's handle on the platform, as they gave it."),
    platform: str = typer.Option("", "--platform", help="Only this platform (default: every platform)."),
    config: Path = ConfigOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be erased; change nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Honour an erasure request: delete the author's items, except those a PV case must keep (recorded)."""
    from pvwatch.privacy import Pseudonymizer
    from pvwatch.retention import erase_author
    from pvwatch.storage import open_store

    handle = author.strip()
    if not handle.lstrip("@"):
        raise PvwatchError("--author is empty; pass the handle named in the erasure request")
    cfg = load_config(config)
    pz = Pseudonymizer.from_config(cfg)
    matches = pz.author_matcher(handle, platform or None)
    ref = pz.pseudonym(platform or "*", handle)
    with open_store(cfg) as store:
        report = erase_author(store, matches, ref, dry_run=dry_run, actor="cli:erase")
    _print(report.counts(), dry_run, as_json, "erase")
    if report.refused and not dry_run:
        typer.echo(f"{len(report.refused)} item(s) kept: PV case or awaiting PV review (see the audit log)", err=True)
