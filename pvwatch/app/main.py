"""`pvwatch` console command: the one app that every room's `register(app)` adds its subcommands to."""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer

from alerts.cli import register as alerts_cli
from classifiers.cli import register as classifiers_cli
from collectors.cli import register as collectors_cli
from moderation.cli import register as moderation_cli
from pvwatch.app.config import install_feature_checks
from pvwatch.app.demo import register as demo_cli
from pvwatch.app.quarantine import register as quarantine_cli
from pvwatch.app.serve_cli import register as serve_cli
from pvwatch.cli.options import TEMPLATE, ConfigOpt, command_group, handle_errors, setup_logging, stop_on_signals
from pvwatch.cli.privacy import register as privacy_cli
from pvwatch.cli.storage import register as storage_cli
from pvwatch.config import load_config
from pvwatch.errors import PvwatchError

# Before any command reads config.toml: [alerts] and each source's `type` and options are checked at start-up.
install_feature_checks()

app = command_group("pvwatch: screen social media for adverse events and personal data.")


@app.command()
@handle_errors
def init(
    path: Path = typer.Argument(Path("config.toml"), help="Where to write the commented config."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented config.toml to start from."""
    if path.exists() and not force:
        raise PvwatchError(f"{path} exists; pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config_template(), encoding="utf-8")
    typer.echo(f"wrote {path}; edit [[products]] and [sources.*], then run `pvwatch run -c {path}`")


def config_template() -> str:
    """The commented template, with the demo source pointing at the bundled demo posts: relative paths resolve
    against the config's folder, so `init X/config.toml` then `run -c X/config.toml` works from anywhere."""
    demo = (Path(__file__).resolve().parents[1] / "demo" / "posts.jsonl").as_posix()
    text = TEMPLATE.read_text(encoding="utf-8")
    line = re.compile(r'^path = "pvwatch/demo/posts\.jsonl"', re.M)
    if not line.search(text):
        raise PvwatchError(f"the config template {TEMPLATE} has no demo source path; reinstall pvwatch")
    return line.sub(lambda _m: f'path = "{demo}"', text, count=1)


@app.command()
@handle_errors
def check(config: Path = ConfigOpt) -> None:
    """Check config.toml as `run` and `serve` do at start-up (every section, each source's options, [alerts]):
    exit code 2 with the key and the fix on a mistake; nothing is opened, no model is loaded."""
    cfg = load_config(config)
    enabled = sorted(name for name, src in cfg.sources.items() if src.enabled)
    typer.echo(f"{config}: ok ({len(cfg.products)} product(s); enabled sources: {', '.join(enabled) or 'none'})")


@app.command()
@handle_errors
def run(
    config: Path = ConfigOpt,
    once: bool = typer.Option(False, "--once", help="Stop when every source is exhausted (imports, tests)."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Collect, classify, store, queue and alert until stopped (SIGINT/SIGTERM stop cleanly)."""
    from pvwatch.app.runtime import build_pipeline
    from pvwatch.progress import RunProgress

    setup_logging(verbose)
    cfg = load_config(config)
    stop = stop_on_signals()

    def say(message: str) -> None:
        typer.echo(message, err=True)

    with build_pipeline(cfg, say) as pipeline:
        progress = RunProgress(pipeline.stats)
        say("running; progress every few seconds (Ctrl-C stops after the current batch)")
        stats = pipeline.run(stop, once=once, on_batch=progress.on_batch)
    say(progress.summary())
    typer.echo(f"seen={stats.seen} new={stats.new} flagged={stats.flagged} errors={stats.errors}"
               + (f" quarantined={stats.quarantined}" if stats.quarantined else ""))
    if once and (stats.failing or (stats.quarantined and not stats.seen)):
        for name, error in sorted(stats.failing.items()):
            typer.echo(f"error: source {name} ingested nothing more: {error}", err=True)
        if stats.quarantined and not stats.seen:
            typer.echo("error: every record read was quarantined; see `pvwatch quarantine`", err=True)
        raise typer.Exit(1)


for _register in (classifiers_cli, collectors_cli, moderation_cli, alerts_cli, serve_cli, demo_cli, privacy_cli,
                  storage_cli, quarantine_cli):
    _register(app)


def main() -> None:
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # offline: no suffix-list download
    app()
