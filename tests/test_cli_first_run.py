"""The CLI as a new user meets it: `init X/config.toml` then `run -c X/config.toml` works from any folder, a
missing secret is reported before any model loads, help text keeps its bracketed config sections, one prefix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]


def _pvwatch(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "pvwatch", *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_init_then_run_works_the_first_time_from_another_folder(tmp_path: Path) -> None:
    target = tmp_path / "site" / "config.toml"
    init = _pvwatch("init", str(target), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = _pvwatch("run", "-c", str(target), "--once", cwd=elsewhere)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "seen=344 new=344" in run.stdout
    assert "loading the classifiers" in run.stderr and "[demo] +" in run.stderr  # live progress while it runs
    assert (tmp_path / "site" / "data" / "pvwatch.db").exists()  # the store next to the config


PROBE = """
import sys
from typer.testing import CliRunner
from pvwatch.app.main import app
r = CliRunner().invoke(app, ["run", "-c", sys.argv[1], "--once"])
print(repr(r.output.strip().splitlines()[-1]))
print(sorted(m for m in ("sklearn", "spacy", "presidio_analyzer", "torch") if m in sys.modules))
"""


def test_a_missing_secret_is_reported_before_any_model_loads(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    assert _pvwatch("init", str(target), cwd=tmp_path).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "PVWATCH_PSEUDONYM_KEY"}
    out = subprocess.run([sys.executable, "-c", PROBE, str(target)], cwd=tmp_path, capture_output=True, text=True,
                         env={**env, "PYTHONPATH": str(REPO)}, timeout=600)
    last, loaded = out.stdout.strip().splitlines()[-2:]
    assert "PVWATCH_PSEUDONYM_KEY is not set" in last
    assert loaded == "[]"  # no classifier library was imported


def test_help_keeps_bracketed_config_sections() -> None:
    from pvwatch.app.main import app

    runner = CliRunner()
    train = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "200"})
    assert "[classifiers] ae_threshold" in " ".join(train.output.split())
    serve = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "(default: [ui] host)" in serve.output


def test_one_error_prefix(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "config.toml"
    out = _pvwatch("run", "-c", str(missing), cwd=tmp_path)
    assert out.returncode == 2
    line = out.stderr.strip().splitlines()[-1]
    assert line == (f"error: {missing}: file not found. Fix: run `pvwatch init {missing}` to write a commented "
                    "config")
    bad = tmp_path / "bad.toml"
    bad.write_text('[ui]\nport = "x"\n', encoding="utf-8")
    line = _pvwatch("run", "-c", str(bad), cwd=tmp_path).stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: {bad}: ui.port: ") and line.count("config.toml") == 0
