"""Items that have kv side documents (an edit's version link, alert deliveries, an alert reference), made through
the real code that writes them, for the retention tests on SQLite and on Elasticsearch."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from alerts.service import AlertService
from pvwatch.config import parse_config
from pvwatch.models import AdverseEvent, Analysis, Item, ItemStatus, Post
from pvwatch.storage.base import Store
from pvwatch.storage.elasticsearch import ElasticsearchStore
from pvwatch.storage.sqlite import SqliteStore
from pvwatch.versions import record_new_version, version_post


def _store(store: Store, pid: str, collected: datetime, *, ae: bool = False, version_of: Item | None = None) -> Item:
    post = Post(platform="x", id=pid, text=f"post {pid}: Levothyrox et palpitations", author="pz:abc",
                collected_at=collected)
    if version_of is not None:
        post = version_post(version_of, post.model_copy(update={"text": f"{post.text} (edited)"}))
    item = Item.from_post(post, Analysis(adverse_event=AdverseEvent(decision=ae, score=0.9 if ae else 0.1)))
    store.items.upsert(item)
    if version_of is not None:
        record_new_version(store, item)
    return item


def fill_linked(store: Store, now: datetime) -> tuple[set[str], set[str]]:
    """(keys purge must delete, keys it must keep), each with its side documents."""
    old, recent = now - timedelta(days=45), now - timedelta(days=5)
    first = _store(store, "old-edited", old)
    version = _store(store, first.post.id, old, version_of=first)
    # an e-mail address as post id: the alert carries an opaque reference (kv item_ref) instead of the key
    alerted = _store(store, "jean.dupont@example.com", old, ae=True)
    recent_first = _store(store, "recent-edited", recent)
    recent_version = _store(store, recent_first.post.id, recent, version_of=recent_first)
    recent_alerted = _store(store, "marie@example.com", recent, ae=True)
    cfg = parse_config({"alerts": {
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret_env": "PV_RET_SECRET"}},
        "rules": [{"name": "ae", "on": "adverse_event", "channels": ["hook"]}]}})
    svc = AlertService(cfg, store, background=False, env={"PV_RET_SECRET": "s"})  # records only, sends nothing
    for item in (alerted, recent_alerted):
        svc.on_new_item(item)
    # reviewed as not an adverse event: falls under the short period like any non-AE item
    got = store.items.get(alerted.key)
    assert got is not None
    store.items.update(got.model_copy(update={"status": ItemStatus.dismissed}))
    return ({first.key, version.key, alerted.key},
            {recent_first.key, recent_version.key, recent_alerted.key})


def kv_documents(store: Store) -> list[str]:
    """Every kv document of the store, whatever its kind, as `kind id json`."""
    if isinstance(store, SqliteStore):
        with store.db.lock:
            rows = store.db.conn.execute("SELECT kind, id, doc FROM kv").fetchall()
        return [f"{k} {i} {d}" for k, i, d in rows]
    assert isinstance(store, ElasticsearchStore)
    store.conn.es.indices.refresh(index=store.conn.index("kv"))
    resp = store.conn.es.search(index=store.conn.index("kv"), query={"match_all": {}}, size=10_000)
    return [f"{h['_source']['kind']} {h['_source']['id']} {json.dumps(h['_source']['doc'])}"
            for h in resp["hits"]["hits"]]


def assert_forgotten(store: Store, purged: set[str], kept: set[str]) -> None:
    docs = kv_documents(store)
    for key in purged:
        left = [d for d in docs if key.split("~")[0] in d]
        assert left == [], f"kv documents still naming purged item {key}: {left}"
    for kind in ("item_version", "item_ref", "alert_delivery"):
        assert any(d.startswith(kind + " ") for d in docs), f"the kept items' {kind} documents must stay"
    assert all(any(key in d for d in docs) for key in kept), "only the purged items' documents go"
