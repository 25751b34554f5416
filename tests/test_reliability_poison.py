"""One bad record never stops a source: lone surrogates, NUL/C0 controls, 300- and 5,000-deep nesting in replay
and webhook records. Valid posts after them are stored, the cursor moves, the bad ones are quarantined with
their reason (listed by `pvwatch sources` / `pvwatch quarantine`) and replayable after a fix; `run --once`
exits non-zero when nothing could be ingested. Real pipeline, real classifiers, real SQLite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from collectors.webhook import WebhookCollector, enqueue
from pvwatch.app.main import app
from pvwatch.config import load_config
from pvwatch.deadletter import DeadLetters
from pvwatch.models import Post
from pvwatch.pipeline import Pipeline
from pvwatch.storage.sqlite import SqliteStore
from tests.reliability_support import replay_source, webhook_source, write_config

runner = CliRunner()
AE = "J'ai pris du Levothyrox et depuis j'ai des palpitations"


def nested(depth: int) -> Any:
    v: Any = "x"
    for _ in range(depth):
        v = {"a": v}
    return v


def _config(tmp_path: Path, posts: Path | None = None, source: str = "") -> Path:
    imp = replay_source("imp", posts, "t", batch_size=50) if posts else ""
    return write_config(tmp_path, imp, source, extra="[pipeline]\npoll_seconds = 0.1\n")


POISON_LINES = [
    json.dumps({"id": "sur", "text": "Levothyrox \ud800 depuis des palpitations"}),  # lone surrogate (escaped)
    json.dumps({"id": "c0", "text": "Levothyrox\x00\x01\x08\x0b\x0c\x1b palpitations"}),
    json.dumps({"id": "deep300", "text": "ok", "meta": nested(300)}),
    '{"id": "deep5000", "text": "ok", "meta": ' + '{"a": ' * 5000 + '"x"' + "}" * 5001,
    "{not json",
]


def test_poison_records_in_a_replay_never_stop_the_source(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    good = [json.dumps({"id": f"g{i}", "text": AE}) for i in range(3)]
    posts.write_text("\n".join([good[0], *POISON_LINES, good[1], good[2]]) + "\n", encoding="utf-8")
    cfg = _config(tmp_path, posts)
    r = runner.invoke(app, ["run", "--once", "-c", str(cfg)])
    assert r.exit_code == 0, r.output
    store = SqliteStore(tmp_path / "store.db")
    keys = {i.key for i in store.items.iter_all()}
    assert {"t:g0", "t:g1", "t:g2", "t:sur", "t:c0", "t:deep300"} <= keys  # cleaned and stored
    sur, c0, deep = store.items.get("t:sur"), store.items.get("t:c0"), store.items.get("t:deep300")
    assert sur is not None and "\ud800" not in sur.post.text and "\ufffd" in sur.post.text
    assert c0 is not None and not any(ch in c0.post.text for ch in "\x00\x01\x08\x0b\x0c\x1b")
    assert deep is not None and "truncated" in json.dumps(deep.post.raw)
    assert "adverse_event" in sur.flags  # still screened
    cp = store.checkpoints.get("imp")
    assert cp.cursor == {"records": 8}  # moved past every record
    letters = DeadLetters(store).list("imp")
    assert sorted(d.reason.split(":")[0] for d in letters) == ["line 5", "line 6"]  # 5,000 deep and not JSON
    assert any("nested deeper" in d.reason for d in letters)
    store.close()
    listed = runner.invoke(app, ["sources", "--json", "-c", str(cfg)])
    assert json.loads(listed.output)[0]["quarantined"] == 2
    shown = runner.invoke(app, ["quarantine", "-c", str(cfg)])
    assert "2 quarantined" in shown.output and "nested deeper" in shown.output


def test_poison_records_through_a_webhook_never_stop_the_source(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_TEST_HOOK", "hook-secret-0123456789")
    cfg = load_config(_config(tmp_path, source=webhook_source("in", "PVWATCH_TEST_HOOK")))
    store = SqliteStore(tmp_path / "store.db")
    records = [{"id": "a", "text": AE}, {"id": "sur", "text": "Levothyrox \ud800"},
               {"id": "deep", "text": "x", "meta": nested(300)}, {"id": "b", "text": AE}]
    enqueue(store, "in", records)
    col = WebhookCollector("in", cfg.sources["in"], cfg)
    col.attach_store(store)
    from classifiers.analyzer import Analyzer

    pipe = Pipeline(cfg, store, Analyzer.from_config(cfg), [col])
    import threading

    pipe.run(threading.Event(), once=True)
    keys = {i.key for i in store.items.iter_all()}
    assert keys == {"in/webhook:a", "in/webhook:sur", "in/webhook:deep", "in/webhook:b"}
    assert store.checkpoints.get("in").cursor["seq"] == 4
    store.close()


def test_a_post_that_cannot_be_processed_is_quarantined_and_replayed_after_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join(json.dumps({"id": f"p{i}", "text": f"{AE} {i}"}) for i in range(4)) + "\n",
                     encoding="utf-8")
    cfg = _config(tmp_path, posts)
    from classifiers.analyzer import Analyzer

    real = Analyzer.analyze_posts

    def broken(self: Analyzer, batch: list[Post]) -> Any:  # a classifier bug triggered by one post
        if any(p.id == "p2" for p in batch):
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, batch)

    monkeypatch.setattr(Analyzer, "analyze_posts", broken)
    r = runner.invoke(app, ["run", "--once", "-c", str(cfg)])
    assert r.exit_code == 0 and "quarantined=1" in r.output, r.output
    store = SqliteStore(tmp_path / "store.db")
    assert {i.key for i in store.items.iter_all()} == {"t:p0", "t:p1", "t:p3"}
    (letter,) = DeadLetters(store).list()
    assert letter.key == "t:p2" and "RecursionError" in letter.reason
    store.close()

    monkeypatch.setattr(Analyzer, "analyze_posts", real)  # the fix
    r = runner.invoke(app, ["quarantine", "--replay", "-c", str(cfg)])
    assert r.exit_code == 0 and "replayed=1 still_failing=0" in r.output, r.output
    store = SqliteStore(tmp_path / "store.db")
    item = store.items.get("t:p2")
    assert item is not None and "adverse_event" in item.flags
    assert DeadLetters(store).list() == []
    store.close()


def test_a_quarantined_raw_record_is_replayed_through_its_source(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": "x1", "text": "' + AE.replace("'", "'") + '", "m": ' + "[" * 450 + "]" * 450 + "}\n",
                     encoding="utf-8")
    cfg = _config(tmp_path, posts)
    r = runner.invoke(app, ["run", "--once", "-c", str(cfg)])
    assert r.exit_code == 1 and "every record read was quarantined" in r.output  # nothing could be ingested
    store = SqliteStore(tmp_path / "store.db")
    (letter,) = DeadLetters(store).list()
    store.close()
    assert letter.record and "x1" in letter.record
    import pvwatch.sanitize

    old = pvwatch.sanitize.MAX_JSON_DEPTH
    try:  # "the fix": a deployment that accepts deeper records
        pvwatch.sanitize.loads.__defaults__ = (600,)
        r = runner.invoke(app, ["quarantine", "--replay", "-c", str(cfg)])
    finally:
        pvwatch.sanitize.loads.__defaults__ = (old,)
    assert r.exit_code == 0 and "replayed=1" in r.output, r.output
    store = SqliteStore(tmp_path / "store.db")
    assert store.items.get("t:x1") is not None
    store.close()


def test_run_once_exits_non_zero_when_the_file_is_missing(tmp_path: Path) -> None:
    cfg = _config(tmp_path, tmp_path / "nowhere.jsonl")
    r = runner.invoke(app, ["run", "--once", "-c", str(cfg)])
    assert r.exit_code == 1 and "source imp ingested nothing more" in r.output and "not found" in r.output


def test_classify_file_gives_one_line_per_input_line_in_order(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    deep = '{"id": "deep", "text": "x", "m": ' + "[" * 5000 + "]" * 5000 + "}"
    lines = [json.dumps({"id": "a", "text": AE}), "", deep,
             json.dumps({"id": "sur", "text": "Levothyrox \ud800 palpitations"}), "{bad",
             json.dumps({"id": "z", "text": "ok"})]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["classify", "--file", str(f), "-c", str(_config(tmp_path))])
    assert r.exit_code == 0, r.output
    out = [json.loads(line) for line in r.output.splitlines()]
    assert [o["id"] for o in out] == ["a", "2", "3", "sur", "5", "z"]
    assert "error" in out[1] and "blank" in out[1]["error"] and "nested deeper" in out[2]["error"]
    assert "error" not in out[3] and out[3]["products"] == ["Levothyrox"] and "error" in out[4]


@pytest.mark.slow
def test_classify_a_binary_text_argument(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pvwatch", "classify", b"Levothyrox \xff\xfe palpitations",
                           "-c", str(_config(tmp_path))], capture_output=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert json.loads(done.stdout)["products"] == ["Levothyrox"]


def test_admins_see_quarantined_records_in_the_ui_and_nobody_else(tmp_path: Path) -> None:
    import re

    from fastapi.testclient import TestClient

    from moderation.web import create_app
    from tests.moderation_helpers import PASSWORD, make_config, seed_users

    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    DeadLetters(store).add_record("imp", '{"id": "x", "text": "<script>alert(1)</script>"', "line 3: not JSON")
    app_ = create_app(make_config(tmp_path), store)
    for user, status in (("social_moderator", 403), ("pv_officer", 403), ("admin", 200)):
        client = TestClient(app_)
        token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"username": user, "password": PASSWORD, "login_token": token})
        page = client.get("/admin/dead-letters")
        assert page.status_code == status, user
    assert "1 quarantined" in page.text and "line 3: not JSON" in page.text
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    store.close()
