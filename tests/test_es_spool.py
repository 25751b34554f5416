"""Elasticsearch unreachable: writes spool to local disk and are replayed, in order, when it is back.

The real server is stopped and restarted with scripts/elasticsearch.sh (about 15 s); a worker killed while
spooling leaves its file behind and the next process on the machine replays it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pvwatch.models import Analysis, AuditRecord, Item, Post
from pvwatch.storage.base import Checkpoint
from pvwatch.storage.es_conn import StoreUnavailable
from pvwatch.storage.spool import Spool
from tests.es_fixture import es_script

REPO = Path(__file__).resolve().parents[1]


def _item(i: int) -> Item:
    return Item.from_post(Post(platform="t", id=str(i), text=f"post number {i}"), Analysis())


@pytest.fixture
def es_down(es_url: str, es_managed: bool) -> Iterator[Callable[[], None]]:
    """Call to stop the server; it is always started again afterwards (other tests need it)."""
    if not es_managed:
        pytest.skip("the Elasticsearch server was not started by scripts/elasticsearch.sh: cannot stop it")

    def stop() -> None:
        assert es_script("stop").returncode == 0

    yield stop
    started = es_script("start")
    assert started.returncode == 0, started.stderr[-2000:]


@pytest.mark.es
@pytest.mark.slow
def test_outage_is_spooled_then_replayed_in_order(tmp_path: Path, es_url: str, es_prefix: str,
                                                  es_store_factory: Callable[..., Any],
                                                  es_down: Callable[[], None]) -> None:
    spool_dir = tmp_path / "spool"
    store = es_store_factory(prefix=es_prefix, spool_dir=spool_dir)
    replayed_new: list[Item] = []
    store.replayed_new.append(replayed_new.append)  # what the pipeline's alert hooks subscribe to
    assert store.items.upsert_many([_item(i) for i in range(5)]) == [True] * 5
    store.checkpoints.save(Checkpoint(source="src", cursor={"records": 5}))

    es_down()
    assert es_script("status").returncode != 0
    # The pipeline keeps going: posts, then the checkpoint that covers them, then an audit record.
    assert store.items.upsert_many([_item(i) for i in range(5, 12)]) == [False] * 7
    store.checkpoints.save(Checkpoint(source="src", cursor={"records": 12}))
    assert store.checkpoints.get("src").cursor == {"records": 12}, "the pipeline resumes from its own cursor"
    rec = store.audit.append(AuditRecord(actor="system", action="run.stop", entity="pipeline", entity_id="run"))
    assert rec.seq == 0, "spooled audit records get their place in the chain on replay"
    assert store.spool is not None and store.spool.pending == 9
    assert len(list(spool_dir.glob("spool-*.jsonl"))) == 1
    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.items.get("t:0")  # reads need the cluster: a clear error, not stale data

    # Another worker on this machine spools too and dies without a clean stop: its file stays behind.
    crashed = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import os
        from pvwatch.models import Analysis, Item, Post
        from pvwatch.storage.elasticsearch import ElasticsearchStore
        s = ElasticsearchStore({es_url!r}, index_prefix={es_prefix!r}, spool_dir={str(spool_dir)!r})
        s.items.upsert(Item.from_post(Post(platform="t", id="orphan", text="from a dead worker"), Analysis()))
        os._exit(9)
    """)], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert crashed.returncode == 9, crashed.stderr[-2000:]
    assert len(list(spool_dir.glob("spool-*.jsonl"))) == 2

    assert es_script("start").returncode == 0
    store.spool._next_try = 0.0  # don't wait out the retry delay in a test
    assert store.items.count() == 13  # the read replays both files first
    assert not store.spool.active and not list(spool_dir.glob("spool-*"))
    assert store.spool.replayed == 10
    assert sorted(i.key for i in replayed_new) == sorted([f"t:{i}" for i in range(5, 12)] + ["t:orphan"])
    assert store.checkpoints.get("src").cursor == {"records": 12}
    keys = sorted(i.key for i in store.items.iter_all())
    assert keys == sorted([f"t:{i}" for i in range(12)] + ["t:orphan"])
    actions = [r.action for r in store.audit.iter()]
    assert actions == ["run.stop"] and store.audit.verify()[0]
    # Back to direct writes.
    assert store.items.upsert(_item(99)) is True and not store.spool.active


def test_spool_preserves_order_and_resumes_after_a_partial_replay(tmp_path: Path) -> None:
    """Without a server: a replay interrupted half-way continues where it stopped, never re-applying."""
    applied: list[int] = []
    up = {"ok": False, "fail_at": 3}

    def apply(op: str, payload: dict[str, Any]) -> None:
        if len(applied) == up["fail_at"]:
            up["fail_at"] = -1
            raise StoreUnavailable("gone again")
        applied.append(payload["n"])

    def direct() -> None:
        raise StoreUnavailable("down")

    spool = Spool(tmp_path, apply, lambda: up["ok"], retry_seconds=0)
    for n in range(6):
        assert spool.write([("x", {"n": n})], direct) is None
    up["ok"] = True
    spool.replay_if_possible()
    assert applied == [0, 1, 2] and spool.active  # interrupted at the 4th
    spool.replay_if_possible()
    assert applied == [0, 1, 2, 3, 4, 5] and not spool.active
    assert spool.write([("x", {"n": 6})], lambda: "direct") == "direct"
