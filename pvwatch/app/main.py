"""`pvwatch` console command. Feature folders add their own subcommands through `register(app)`."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer

from pvwatch.config import load_config
from pvwatch.errors import ConfigError, PvwatchError

app = typer.Typer(help="pvwatch: screen social media for adverse events and personal data.", no_args_is_help=True)

F = TypeVar("F", bound=Callable[..., Any])

ConfigOpt = typer.Option(
    Path("config.toml"), "--config", "-c", envvar="PVWATCH_CONFIG", help="Path to config.toml."
)

TEMPLATE = Path(__file__).resolve().parents[2] / "config.toml"


def handle_errors(fn: F) -> F:
    """PvwatchError becomes one clear line on stderr: exit 2 for configuration, 1 otherwise."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except PvwatchError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def stop_on_signals() -> threading.Event:
    """SIGINT/SIGTERM ask the loop to finish its batch and return."""
    stop = threading.Event()

    def _handler(signum: int, frame: object) -> None:
        logging.getLogger("pvwatch").info("signal %s received, stopping after the current batch", signum)
        stop.set()

    signal.signal(signal.SIGINT, _handler)
    signal.signal(signal.SIGTERM, _handler)
    return stop


@app.command()
@handle_errors
def init(
    path: Path = typer.Argument(Path("config.toml"), help="Where to write the commented config."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented config.toml to start from."""
    if path.exists() and not force:
        raise PvwatchError(f"{path} exists; pass --force to overwrite it")
    shutil.copyfile(TEMPLATE, path)
    typer.echo(f"wrote {path}; edit [[products]] and [sources.*], then run `pvwatch run`")


@app.command()
@handle_errors
def run(
    config: Path = ConfigOpt,
    once: bool = typer.Option(False, "--once", help="Stop when every source is exhausted (imports, tests)."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Collect, classify, store, queue and alert until stopped (SIGINT/SIGTERM stop cleanly)."""
    setup_logging(verbose)
    cfg = load_config(config)
    from pvwatch.runtime import build_pipeline

    stop = stop_on_signals()
    with build_pipeline(cfg) as pipeline:
        stats = pipeline.run(stop, once=once)
    typer.echo(f"seen={stats.seen} new={stats.new} flagged={stats.flagged} errors={stats.errors}")


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
    from pvwatch.queue_view import print_item, print_queue
    from pvwatch.storage import open_store
    from pvwatch.storage.base import ItemQuery

    cfg = load_config(config)
    with open_store(cfg) as store:
        if key:
            item = store.items.get(key)
            if item is None:
                raise PvwatchError(f"no item {key!r}; list keys with `pvwatch queue`")
            print_item(item, as_json)
        else:
            page = store.items.query(ItemQuery(flag=flag, status=status, product=product, platform=platform,
                                               limit=limit))
            print_queue(page, as_json)


def _register_features() -> None:
    from alerts.cli import register as alerts_cli
    from classifiers.cli import register as classifiers_cli
    from collectors.cli import register as collectors_cli
    from moderation.cli import register as moderation_cli
    from pvwatch.cli.demo import register as demo_cli
    from pvwatch.cli.privacy import register as privacy_cli
    from pvwatch.cli.storage import register as storage_cli

    for register in (classifiers_cli, collectors_cli, moderation_cli, alerts_cli, demo_cli, privacy_cli, storage_cli):
        register(app)


_register_features()


def main() -> None:
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # offline: no suffix-list download
    app()

