"""Indexes written by the previous version (template schema 1) keep working after an upgrade."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pvwatch.storage.es_mappings import template_body
from pvwatch.storage.es_records import kv_id

pytestmark = pytest.mark.es


def _schema_1(body: dict[str, Any]) -> dict[str, Any]:
    old = copy.deepcopy(body)
    del old["template"]["mappings"]["properties"]["match"]  # what kv looked like before `match`
    old["_meta"]["schema"] = 1
    return old


def test_old_kv_documents_and_checkpoints_are_upgraded_on_start(es_store_factory: Any) -> None:
    first = es_store_factory()
    prefix, es = first.conn.prefix, first.conn.es
    kv = first.conn.index("kv")
    es.indices.delete(index=kv)
    es.indices.put_index_template(name=kv, **_schema_1(template_body(prefix, "kv", {}, 0)))
    es.indices.create(index=kv)
    assert "match" not in es.indices.get_mapping(index=kv)[kv]["mappings"]["properties"]
    for i, state in enumerate(["pending", "delivered", "pending"]):
        old_doc = {"kind": "alert_delivery", "id": f"d{i}", "version": 3, "doc": {"state": state, "channel": "mail"}}
        es.index(index=kv, id=kv_id("alert_delivery", f"d{i}"), document=old_doc)
    es.index(index=first.conn.index("checkpoints"), id="src", refresh=True,
             document={"source": "src", "cursor": {"n": 1}, "last_success": "2026-01-01T00:00:00+00:00",
                       "last_error": "HTTP 500", "error_count": 2, "lag_seconds": None, "collected": 9})

    upgraded = es_store_factory(prefix=prefix)  # a worker of the new version starts on the same prefix
    assert "match" in es.indices.get_mapping(index=kv)[kv]["mappings"]["properties"]
    pending = upgraded.kv.list("alert_delivery", where={"state": "pending"})
    assert pending == [{"state": "pending", "channel": "mail"}] * 2
    assert upgraded.kv.get("alert_delivery", "d0") == ({"state": "pending", "channel": "mail"}, 3)
    cp = upgraded.checkpoints.get("src")
    assert cp.last_error == "HTTP 500" and cp.last_error_at is None and cp.collected == 9
    assert es_store_factory(prefix=prefix).kv.list("alert_delivery", where={"state": "delivered"}) != []
