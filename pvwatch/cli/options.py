"""What every `pvwatch` command shares: the --config option, error handling, logging, signals.

A leaf: it imports nothing of the features, so every feature's `cli.py` can import it without a cycle. The
commands are put together into one app by the composition root (`pvwatch.app.main`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from pvwatch.errors import ConfigError, PvwatchError

if TYPE_CHECKING:
    from pvwatch.config import Config
    from pvwatch.storage.base import Store

F = TypeVar("F", bound=Callable[..., Any])

ConfigOpt = typer.Option(
    Path("config.toml"), "--config", "-c", envvar="PVWATCH_CONFIG", help="Path to config.toml."
)
# For the commands that also work without a config file (classify, eval, train): built-in defaults then.
ConfigOrDefaultsOpt = typer.Option(
    Path("config.toml"), "--config", "-c", envvar="PVWATCH_CONFIG",
    help="Path to config.toml (built-in defaults when the file does not exist).",
)


@contextmanager
def config_and_store(path: Path) -> Iterator[tuple[Config, Store]]:
    """The validated config and its store, closed on the way out: what most commands start with."""
    from pvwatch.config import load_config
    from pvwatch.storage import open_store

    cfg = load_config(path)
    with open_store(cfg) as store:
        yield cfg, store


def cli_actor() -> str:
    """Who the audit trail names for a command run from a shell: `cli:<login>`."""
    return f"cli:{os.environ.get('USER', 'unknown')}"

TEMPLATE = Path(__file__).resolve().parents[2] / "config.toml"


def command_group(help: str) -> typer.Typer:
    """A Typer app or subcommand group. Help is plain text: with rich markup, "[classifiers] ae_threshold" would
    lose "[classifiers]" (read as a style tag)."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)


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
