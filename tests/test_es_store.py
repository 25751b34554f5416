"""Elasticsearch-specific behaviour: templates and analysers, search folding, hostile fields, configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pvwatch.config import parse_config
from pvwatch.errors import ConfigError
from pvwatch.models import Analysis, Item, Post
from pvwatch.storage import open_store
from pvwatch.storage.base import ItemQuery
from pvwatch.storage.elasticsearch import ElasticsearchStore
from pvwatch.storage.es_conn import StoreUnavailable

pytestmark = pytest.mark.es


def _tokens(store: ElasticsearchStore, analyzer: str, text: str) -> list[str]:
    resp = store.conn.es.indices.analyze(index=store.conn.index("items"), analyzer=analyzer, text=text)
    return [t["token"] for t in resp["tokens"]]


def test_templates_define_french_and_english_analysers(es_store_factory: Any) -> None:
    store = es_store_factory()
    tpl = store.conn.es.indices.get_index_template(name=store.conn.index("items"))["index_templates"][0]
    analysers = tpl["index_template"]["template"]["settings"]["index"]["analysis"]["analyzer"]
    assert {"pv_french", "pv_english", "pv_text"} <= set(analysers)
    fr = _tokens(store, "pv_french", "Les migraines de mon traitement")
    en = _tokens(store, "pv_english", "The headaches of the treatment")
    assert "les" not in fr and "de" not in fr and any(t.startswith("migrain") for t in fr)
    assert "the" not in en and "of" not in en and any(t.startswith("headach") for t in en)
    if store.analysis_profile == "full":  # a full distribution also stems and folds accents
        assert _tokens(store, "pv_french", "l'hôpital")[0] == "hopital"
    else:
        assert store.analysis_profile == "core"
    mapping = store.conn.es.indices.get_mapping(index=store.conn.index("items"))
    props = next(iter(mapping.body.values()))["mappings"]["properties"]
    assert props["post"]["properties"]["text"]["fields"]["fr"]["analyzer"] == "pv_french"


def test_search_ignores_accents_case_and_elisions(es_store_factory: Any) -> None:
    store = es_store_factory()
    store.items.upsert(Item.from_post(Post(platform="t", id="1", text="Hospitalisé à l'hôpital après l'Été"),
                                      Analysis()))
    store.items.upsert(Item.from_post(Post(platform="t", id="2", text="Rien de grave"), Analysis()))
    for query in ("hopital", "HÔPITAL", "ete", "l'été", "hospitalise"):
        assert [i.key for i in store.items.query(ItemQuery(text=query)).items] == ["t:1"], query


def test_hostile_raw_fields_never_reach_the_mapping(es_store_factory: Any) -> None:
    store = es_store_factory()
    raw = {f"field{i}": {"nested": i} for i in range(2000)} | {"text": 5, "post": "x", "": "empty"}
    store.items.upsert(Item.from_post(Post(platform="t", id="r", text="x", raw=raw), Analysis()))
    got = store.items.get("t:r")
    assert got is not None and got.post.raw == raw
    mapping = store.conn.es.indices.get_mapping(index=store.conn.index("items"))
    post_props = next(iter(mapping.body.values()))["mappings"]["properties"]["post"]["properties"]
    assert "raw" not in post_props


def test_from_config_and_open_store(tmp_path: Path, es_url: str, es_prefix: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_TEST_ES_KEY", "a-key-the-server-ignores-with-security-off")
    cfg = parse_config({"storage": {"backend": "elasticsearch", "elasticsearch": {
        "url": es_url, "index_prefix": es_prefix, "api_key_env": "PVWATCH_TEST_ES_KEY", "spool_dir": "sp"}}},
        base_dir=tmp_path)
    store = open_store(cfg)
    try:
        assert isinstance(store, ElasticsearchStore)
        assert store.spool is not None and store.spool.dir == tmp_path / "sp"
        assert store.conn.es._headers["authorization"].startswith("ApiKey ")
        assert store.items.upsert(Item.from_post(Post(platform="t", id="1", text="x"), Analysis()))
    finally:
        store.drop()
        store.close()


def test_unreachable_cluster_without_spool_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match="unreachable.*url"):
        ElasticsearchStore("http://127.0.0.1:9", index_prefix="x")


def test_invalid_prefix_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="index_prefix"):
        ElasticsearchStore("http://127.0.0.1:9", index_prefix="Bad*Prefix")
