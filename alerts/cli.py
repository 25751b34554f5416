"""`pvwatch alerts status|test|retry`: see what was sent, try a channel, re-queue dead deliveries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer

from alerts.config import AlertsConfig
from pvwatch.cli.options import command_group

alerts_app = command_group("Alert deliveries: status, channel test, retry.")


def _ts(value: float | None) -> str:
    return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the main app."""
    from pvwatch.cli.options import ConfigOpt, config_and_store, handle_errors
    from pvwatch.sanitize import printable

    @alerts_app.command("status")
    @handle_errors
    def status(
        config: Path = ConfigOpt,
        state: str = typer.Option(None, help="pending, sending, delivered, failed, dead, batched, ..."),
        channel: str = typer.Option(None),
        limit: int = typer.Option(50),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """List alert deliveries, newest first, with their state and last error."""
        from alerts.outbox import Outbox

        with config_and_store(config) as (cfg, store):
            outbox = Outbox(store.kv, AlertsConfig.of(cfg).retry, "cli")
            rows = outbox.list(state, channel)
            counts = outbox.counts(channel)  # exact: the list above stops at its limit
        if state:
            counts = {k: v for k, v in counts.items() if k == state}
        rows.sort(key=lambda d: d.created_at, reverse=True)
        rows = rows[:limit]
        if as_json:
            typer.echo(json.dumps({"counts": counts, "deliveries": [d.model_dump(mode="json", exclude={"payload"})
                                                                    for d in rows]}, indent=2))
            return
        typer.echo("  ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no deliveries")
        for d in rows:
            typer.echo(printable(f"{d.id[:12]}  {d.state.value:<10} {d.rule:<16} {d.channel:<12} {d.subject:<28} "
                                 f"attempts={d.attempts} created={_ts(d.created_at)} next={_ts(d.next_at)} "
                                 f"{d.last_error or ''}".rstrip()))

    @alerts_app.command("test")
    @handle_errors
    def test(channel: str = typer.Argument(..., help="Channel NAME from [alerts.channels.NAME]."),
             config: Path = ConfigOpt) -> None:
        """Send a test message through one channel now (nothing is recorded)."""
        from alerts.channels import Message, build_channel
        from pvwatch.config import load_config
        from pvwatch.errors import PvwatchError

        cfg = load_config(config)
        chc = AlertsConfig.of(cfg).channels.get(channel)
        if chc is None:
            raise PvwatchError(f"no channel {channel!r}; configured: {sorted(AlertsConfig.of(cfg).channels) or 'none'}")
        ch = build_channel(channel, chc.type, chc.options())
        try:
            ch.send(Message(delivery_id=f"test-{int(datetime.now(UTC).timestamp())}", rule="test", event="test",
                            alerts=[], test=True))
        finally:
            ch.close()
        typer.echo(f"test message delivered through {channel} ({chc.type})")

    @alerts_app.command("retry")
    @handle_errors
    def retry(config: Path = ConfigOpt, channel: str = typer.Option(None),
              failed: bool = typer.Option(False, "--failed", help="Also re-queue failed ones waiting for backoff.")
              ) -> None:
        """Re-queue dead deliveries (after fixing a channel); a running `pvwatch run` sends them within seconds."""
        from alerts.outbox import Outbox, State
        from pvwatch.config import load_config
        from pvwatch.storage import open_store

        cfg = load_config(config)
        now = datetime.now(UTC).timestamp()
        states = (State.dead, State.failed) if failed else (State.dead,)
        with open_store(cfg) as store:
            box = Outbox(store.kv, AlertsConfig.of(cfg).retry, "cli")
            n = sum(box.requeue(d, now) for s in states for d in box.list(s, channel))
        typer.echo(f"re-queued {n} deliveries")

    app.add_typer(alerts_app, name="alerts")
