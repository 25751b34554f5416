"""Retention on a real Elasticsearch: a purged item leaves no kv side document (version link, alerts)."""

from __future__ import annotations

from typing import Any

import pytest

from pvwatch.config import RetentionConfig
from pvwatch.models import utcnow
from pvwatch.retention import purge
from tests.retention_support import assert_forgotten, fill_linked

pytestmark = pytest.mark.es


def test_purge_leaves_no_kv_document_naming_a_purged_item(es_store_factory: Any) -> None:
    store = es_store_factory()
    now = utcnow()
    purged, kept = fill_linked(store, now)
    report = purge(store, RetentionConfig(non_ae_days=30, ae_years=10), now=now, actor="test")
    assert set(report.deleted) == purged
    assert {i.key for i in store.items.iter_all()} == kept
    assert_forgotten(store, purged, kept)
    assert store.kv.delete_where("item_version", {"key": "x:nothing"}) == 0
