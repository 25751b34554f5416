"""`pvwatch demo`: the bundled invented stream through the real pipeline into SQLite, then the review UI."""

from __future__ import annotations

import os
import secrets
import threading
import time
import tomllib
from pathlib import Path

import typer

from pvwatch.cli.options import TEMPLATE, handle_errors
from pvwatch.config import Config, parse_config

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
DEMO_POSTS = DEMO_DIR / "posts.jsonl"


def demo_config(data_dir: Path, template: Path) -> Config:
    """The commented template, with the demo stream as its only source and a fresh store under data_dir."""
    raw = tomllib.loads(template.read_text(encoding="utf-8"))
    raw["sources"] = {
        "demo": {"type": "replay", "path": str(DEMO_POSTS), "platform": "demo", "batch_size": 50,
                 "company_owned": True}
    }
    raw.setdefault("storage", {})
    raw["storage"]["backend"] = "sqlite"
    raw["storage"]["path"] = str(data_dir / "demo.db")
    return parse_config(raw, base_dir=data_dir)


def _ensure_demo_secrets() -> None:
    # Demo only: ephemeral keys so the demo runs with zero set-up. `pvwatch run` requires real ones.
    os.environ.setdefault("PVWATCH_PSEUDONYM_KEY", secrets.token_hex(32))
    os.environ.setdefault("PVWATCH_SESSION_SECRET", secrets.token_hex(32))


def run_demo(data_dir: Path, template: Path, show_progress: bool = True) -> tuple[Config, dict[str, int]]:
    """Run the pipeline over the demo stream into a fresh SQLite store; returns the config and counts."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pvwatch.app.runtime import build_pipeline  # here: every `pvwatch` command imports this module

    _ensure_demo_secrets()
    data_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"demo.db{suffix}").unlink(missing_ok=True)
    cfg = demo_config(data_dir, template)
    total = sum(1 for line in DEMO_POSTS.read_text(encoding="utf-8").splitlines() if line.strip())
    stop = threading.Event()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  disable=not show_progress) as progress:
        task = progress.add_task("classifying demo stream", total=total)
        with build_pipeline(cfg) as pipeline:
            stats = pipeline.run(stop, once=True, on_batch=lambda _n, b: progress.advance(task, len(b.posts)))
    return cfg, {"seen": stats.seen, "new": stats.new, "flagged": stats.flagged, "errors": stats.errors}


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def demo(
        data_dir: Path = typer.Option(Path("data/demo"), help="Where the demo store is written (recreated)."),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the review UI afterwards."),
        port: int = typer.Option(8765, help="Port of the review UI."),
    ) -> None:
        """Run the bundled demo stream (invented posts) through the whole pipeline into the review UI."""
        t0 = time.monotonic()
        cfg, counts = run_demo(data_dir, TEMPLATE)
        typer.echo(
            f"demo: {counts['new']} posts stored, {counts['flagged']} flagged, "
            f"{counts['errors']} errors in {time.monotonic() - t0:.1f}s -> {cfg.storage.path}"
        )
        if serve:
            from pvwatch.app.serve import serve_demo

            serve_demo(cfg, port=port)
