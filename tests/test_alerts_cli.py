"""End to end through `pvwatch run --once` (real classifiers, real SQLite) to a local webhook receiver,
then `pvwatch alerts status|test|retry` in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pvwatch.app.main import app
from tests.alerts_support import Receiver

POSTS = [
    {"id": "a1", "lang": "fr", "author": "@marie_l",
     "text": "J'ai pris du Levothyrox et depuis j'ai des palpitations, hospitalisée hier. marie.l@example.com"},
    {"id": "a2", "lang": "fr", "author": "@chat", "text": "Super soirée hier soir avec les copains !"},
]


def _config(tmp_path: Path, url: str) -> Path:
    (tmp_path / "posts.jsonl").write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in POSTS) + "\n",
                                          encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"""
[[products]]
name = "Levothyrox"
inns = ["lévothyroxine", "levothyroxine"]

[sources.imp]
type = "replay"
path = "posts.jsonl"
platform = "test"

[storage]
path = "store.db"

[alerts.channels.hook]
type = "webhook"
url = "{url}"
secret_env = "PV_CLI_HOOK_SECRET"

[[alerts.rules]]
name = "ae"
on = "adverse_event"
channels = ["hook"]
""", encoding="utf-8")
    return cfg


@pytest.mark.slow
def test_run_alerts_then_status_test_and_retry(tmp_path: Path, receiver: Receiver,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PV_CLI_HOOK_SECRET", "s")
    cfg = _config(tmp_path, receiver.url)
    runner = CliRunner()
    res = runner.invoke(app, ["run", "--once", "-c", str(cfg)])
    assert res.exit_code == 0, res.output
    got = receiver.wait_for(1)
    assert len(got) == 1
    alert = got[0].json()["alerts"][0]
    assert alert["item_key"] == "test:a1" and alert["products"] == ["Levothyrox"]
    for secret in ("palpitations", "marie", "@marie_l", "example.com"):
        assert secret not in got[0].body.decode()

    res = runner.invoke(app, ["alerts", "status", "-c", str(cfg), "--json"])
    assert res.exit_code == 0, res.output
    status = json.loads(res.output)
    assert status["counts"] == {"delivered": 1} and status["deliveries"][0]["subject"] == "test:a1"

    res = runner.invoke(app, ["alerts", "test", "hook", "-c", str(cfg)])
    assert res.exit_code == 0 and "delivered" in res.output
    assert receiver.wait_for(2)[1].json()["test"] is True

    receiver.fail_count = 1
    res = runner.invoke(app, ["alerts", "test", "hook", "-c", str(cfg)])
    assert res.exit_code == 1 and "HTTP 500" in res.output

    res = runner.invoke(app, ["alerts", "test", "nope", "-c", str(cfg)])
    assert res.exit_code == 1 and "no channel 'nope'" in res.output

    res = runner.invoke(app, ["alerts", "retry", "-c", str(cfg)])
    assert res.exit_code == 0 and "re-queued 0" in res.output


def test_missing_secret_stops_run_before_any_post_is_read(tmp_path: Path, receiver: Receiver,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PV_CLI_HOOK_SECRET", raising=False)
    cfg = _config(tmp_path, receiver.url)
    res = CliRunner().invoke(app, ["run", "--once", "-c", str(cfg)])
    assert res.exit_code == 2 and "PV_CLI_HOOK_SECRET is not set" in res.output
