"""`pvwatch audit verify` against every way of tampering with the trail behind pvwatch's back (real SQLite file,
edited with the sqlite3 module as an intruder with file access would): each is reported TAMPERED with its row."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pvwatch.app.main import app
from pvwatch.models import AuditRecord
from pvwatch.storage.audit_chain import audit_hash
from pvwatch.storage.sqlite import SqliteStore

runner = CliRunner()
N = 130


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text('[storage]\npath = "pv.db"\n[alerts]\nenabled = false\n', encoding="utf-8")
    store = SqliteStore(tmp_path / "pv.db")
    for i in range(N):
        store.audit.append(AuditRecord(actor="alice", action="item.dismiss", entity="item", entity_id=f"demo:{i % 7}",
                                       before={"status": "new"}, after={"status": "dismissed"}))
    store.close()
    return tmp_path


def verify(path: Path) -> tuple[int, str]:
    r = runner.invoke(app, ["audit", "verify", "-c", str(path / "config.toml")])
    return r.exit_code, r.output


def _sql(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    with sqlite3.connect(path / "pv.db") as db:
        for sql, args in statements:
            db.execute(sql, args)


def _doc(path: Path, seq: int) -> dict[str, object]:
    with sqlite3.connect(path / "pv.db") as db:
        return json.loads(db.execute("SELECT doc FROM audit WHERE seq=?", (seq,)).fetchone()[0])  # type: ignore[no-any-return]


def _rechain_from(path: Path, seq: int, edit: Callable[[dict[str, object]], None]) -> None:
    """Edit record `seq` and recompute every hash after it, as a careful intruder would (no key: no MAC)."""
    with sqlite3.connect(path / "pv.db") as db:
        prev = db.execute("SELECT hash FROM audit WHERE seq=?", (seq - 1,)).fetchone()[0] if seq > 1 else ""
        for s, doc in db.execute("SELECT seq, doc FROM audit WHERE seq >= ? ORDER BY seq", (seq,)).fetchall():
            rec = json.loads(doc)
            if s == seq:
                edit(rec)
            rec["prev_hash"] = prev
            model = AuditRecord.model_validate(rec)
            h = audit_hash(model)
            rec["hash"] = h
            rec["mac"] = hashlib.sha256(h.encode()).hexdigest()  # a guess: without the key it cannot be right
            db.execute("UPDATE audit SET doc=?, hash=? WHERE seq=?", (json.dumps(rec), h, s))
            prev = h


def test_an_untouched_trail_verifies(trail: Path) -> None:
    code, out = verify(trail)
    assert code == 0 and f"{N} records, chain intact" in out


def test_deleting_the_last_row_is_tampering(trail: Path) -> None:
    _sql(trail, ("DELETE FROM audit WHERE seq=?", (N,)))
    code, out = verify(trail)
    assert code == 1 and "TAMPERED" in out and f"seq={N}" in out and "newest were deleted" in out


def test_truncating_the_last_100_rows_is_tampering(trail: Path) -> None:
    _sql(trail, ("DELETE FROM audit WHERE seq > ?", (N - 100,)))
    code, out = verify(trail)
    assert code == 1 and f"seq={N - 99}..{N}" in out


def test_deleting_every_row_is_tampering(trail: Path) -> None:
    _sql(trail, ("DELETE FROM audit", ()))
    code, out = verify(trail)
    assert code == 1 and "every record was deleted" in out


def test_deleting_every_row_and_the_head_is_tampering_when_audited_data_remains(trail: Path) -> None:
    store = SqliteStore(trail / "pv.db")
    from moderation.auth.users import add_user

    add_user(store, "carol", "admin", "a long enough password", actor="test")
    store.close()
    _sql(trail, ("DELETE FROM audit", ()), ("DELETE FROM kv WHERE kind='audit_head'", ()))
    code, out = verify(trail)
    assert code == 1 and "every record was deleted" in out


def test_editing_a_record_and_recomputing_the_rest_of_the_chain_is_tampering(trail: Path) -> None:
    def demote(rec: dict[str, object]) -> None:
        rec["actor"] = "mallory"

    _rechain_from(trail, 40, demote)
    code, out = verify(trail)
    assert code == 1 and "record seq=40: MAC invalid" in out


def test_appending_a_forged_record_is_tampering(trail: Path) -> None:
    last = _doc(trail, N)
    forged = AuditRecord(seq=N + 1, actor="system", action="item.dismiss", entity="item", entity_id="demo:1",
                         prev_hash=str(last["hash"]))
    forged = forged.model_copy(update={"hash": audit_hash(forged)})
    _sql(trail, ("INSERT INTO audit (seq, entity_id, doc, hash) VALUES (?,?,?,?)",
                 (N + 1, "demo:1", forged.model_dump_json(), forged.hash)))
    code, out = verify(trail)
    assert code == 1 and f"record seq={N + 1}: MAC invalid" in out and "behind pvwatch's back" in out


def test_editing_the_entity_id_column_to_hide_history_is_tampering(trail: Path) -> None:
    store = SqliteStore(trail / "pv.db")
    before = len(list(store.audit.iter("demo:3")))
    store.close()
    _sql(trail, ("UPDATE audit SET entity_id='elsewhere' WHERE seq=?", (4,)))  # seq 4 is about demo:3
    code, out = verify(trail)
    assert code == 1 and "record seq=4: entity_id column 'elsewhere'" in out
    store = SqliteStore(trail / "pv.db")
    assert len(list(store.audit.iter("demo:3"))) == before - 1  # what the item page lost, and verify caught
    store.close()


def test_a_row_with_invalid_json_is_reported_not_a_traceback(trail: Path) -> None:
    _sql(trail, ("UPDATE audit SET doc='{not json' WHERE seq=?", (7,)))
    code, out = verify(trail)
    assert code == 1 and "record seq=7: not a valid audit record" in out and "Traceback" not in out


def test_a_forged_head_checkpoint_is_tampering(trail: Path) -> None:
    _sql(trail, ("DELETE FROM audit WHERE seq=?", (N,)))
    with sqlite3.connect(trail / "pv.db") as db:
        head = json.loads(db.execute("SELECT doc FROM kv WHERE kind='audit_head'").fetchone()[0])
        head["seq"], head["hash"] = N - 1, _doc(trail, N - 1)["hash"]
        db.execute("UPDATE kv SET doc=? WHERE kind='audit_head'", (json.dumps(head),))
    code, out = verify(trail)
    assert code == 1 and "head checkpoint MAC invalid" in out


def test_every_problem_is_listed_not_only_the_first(trail: Path) -> None:
    _sql(trail, ("UPDATE audit SET doc='{' WHERE seq=?", (3,)), ("UPDATE audit SET entity_id='x' WHERE seq=?", (50,)))
    code, out = verify(trail)
    assert code == 1 and "seq=3" in out and "seq=50" in out
    assert out.count("TAMPERED") >= 2


def test_another_key_cannot_vouch_for_the_trail(trail: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_AUDIT_KEY", "a-different-audit-key-0123456789")
    code, out = verify(trail)
    assert code == 1 and "MAC invalid" in out
