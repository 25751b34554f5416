"""`pvwatch user add` and `pvwatch audit verify` in-process, on a real SQLite file that we then tamper with."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moderation.auth.users import authenticate
from pvwatch.app.main import app
from pvwatch.storage.sqlite import SqliteStore

runner = CliRunner()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[storage]\npath = "pv.db"\n[alerts]\nenabled = false\n', encoding="utf-8")
    return path


def _add(config_file: Path, name: str, role: str, env: dict[str, str]) -> object:
    return runner.invoke(app, ["user", "add", name, "--role", role, "--password-env", "PW", "-c", str(config_file)],
                         env=env)


def test_user_add_hashes_the_password(config_file: Path) -> None:
    r = _add(config_file, "alice", "pv_officer", {"PW": "a long enough password"})
    assert r.exit_code == 0, r.output
    store = SqliteStore(config_file.parent / "pv.db")
    doc, _ = store.kv.get("user", "alice")
    assert doc["role"] == "pv_officer" and doc["password_hash"].startswith("$argon2id$")
    assert "a long enough password" not in json.dumps(doc)
    assert authenticate(store, "alice", "a long enough password") is not None
    assert authenticate(store, "alice", "wrong") is None
    store.close()


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [("bob", "wizard", "a long enough password", "unknown role"),
     ("bob", "admin", "short", "too short"),
     ("bad name!", "admin", "a long enough password", "invalid username")],
)
def test_user_add_errors_say_how_to_fix(config_file: Path, name: str, role: str, password: str,
                                        message: str) -> None:
    r = _add(config_file, name, role, {"PW": password})
    assert r.exit_code == 1 and message in r.output


def test_user_add_twice_fails(config_file: Path) -> None:
    assert _add(config_file, "carol", "admin", {"PW": "a long enough password"}).exit_code == 0
    r = _add(config_file, "carol", "admin", {"PW": "a long enough password"})
    assert r.exit_code == 1 and "already exists" in r.output


def test_audit_verify_detects_modification_and_deletion(config_file: Path) -> None:
    for n in ("u1", "u2", "u3"):
        assert _add(config_file, n, "admin", {"PW": "a long enough password"}).exit_code == 0
    r = runner.invoke(app, ["audit", "verify", "-c", str(config_file)])
    assert r.exit_code == 0 and "3 records, chain intact" in r.output
    db = sqlite3.connect(config_file.parent / "pv.db")
    doc = json.loads(db.execute("SELECT doc FROM audit WHERE seq=2").fetchone()[0])
    doc["after"]["role"] = "social_moderator"  # rewrite history
    db.execute("UPDATE audit SET doc=? WHERE seq=2", (json.dumps(doc),))
    db.commit()
    r = runner.invoke(app, ["audit", "verify", "-c", str(config_file)])
    assert r.exit_code == 1 and "seq=2" in r.output and "modified" in r.output
    db.execute("DELETE FROM audit WHERE seq=2")
    db.commit()
    db.close()
    r = runner.invoke(app, ["audit", "verify", "-c", str(config_file)])
    assert r.exit_code == 1 and "seq=3" in r.output and "deleted or reordered" in r.output
