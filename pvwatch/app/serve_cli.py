"""`pvwatch serve`: the command alone, so that every other `pvwatch` command starts without importing FastAPI,
the review UI and the integration API (pvwatch.app.serve, ~1 s)."""

from __future__ import annotations

from pathlib import Path

import typer

from pvwatch.cli.options import ConfigOpt, config_and_store, handle_errors, setup_logging


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def serve(
        config: Path = ConfigOpt,
        host: str = typer.Option(None, help="Address to listen on (default: [ui] host)."),
        port: int = typer.Option(None, help="Port (default: [ui] port)."),
    ) -> None:
        """Run the review UI (queue, items, PV cases, dashboard)."""
        import uvicorn

        from pvwatch.app.serve import review_app

        setup_logging()
        with config_and_store(config) as (cfg, store):
            # proxy_headers off: X-Forwarded-For is believed only from [ui] trusted_proxies (moderation/web/client.py);
            # access_log off: uvicorn's prints query strings (moderation/web/access_log.py logs the route instead).
            uvicorn.run(review_app(cfg, store, warm=True), host=host or cfg.ui.host, port=port or cfg.ui.port,
                        log_level="info", proxy_headers=False, access_log=False)
