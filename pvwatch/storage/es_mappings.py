"""Index templates for the Elasticsearch store: one index per repository, French and English analysers.

Items keep the `Item` JSON as-is (Kibana users see the same field names as the API) with `dynamic: false`, so
hostile or platform-specific fields in `post.raw` are stored but never explode the mapping. Post text is
indexed three ways: `post.text` (lower-cased words), `post.text.fr` and `post.text.en` (language analysers),
plus `search_text`, a copy folded in Python (accents, French elisions) so the search box behaves the same on
every distribution.

Analysers: a full Elasticsearch distribution ships the `analysis-common` module (elision, asciifolding,
stemmers); the minimal integ-test distribution used by scripts/elasticsearch.sh does not. `analysis_settings`
picks the richest definition the server supports, probed once with `_analyze`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

INDEXES = ("items", "checkpoints", "audit", "cases", "kv")

_FR_ARTICLES = ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"]


def full_analysis() -> dict[str, Any]:
    """With analysis-common: elision, accent folding and light stemming, like Elasticsearch's own analysers."""
    return {
        "filter": {
            "pv_fr_elision": {"type": "elision", "articles_case": True, "articles": _FR_ARTICLES},
            "pv_fr_stop": {"type": "stop", "stopwords": "_french_"},
            "pv_fr_stem": {"type": "stemmer", "language": "light_french"},
            "pv_en_stop": {"type": "stop", "stopwords": "_english_"},
            "pv_en_possessive": {"type": "stemmer", "language": "possessive_english"},
            "pv_en_stem": {"type": "stemmer", "language": "english"},
        },
        "analyzer": {
            "pv_text": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
            "pv_french": {"type": "custom", "tokenizer": "standard",
                          "filter": ["pv_fr_elision", "lowercase", "asciifolding", "pv_fr_stop", "pv_fr_stem"]},
            "pv_english": {"type": "custom", "tokenizer": "standard",
                           "filter": ["pv_en_possessive", "lowercase", "pv_en_stop", "pv_en_stem"]},
        },
        "normalizer": {"pv_lower": {"type": "custom", "filter": ["lowercase"]}},
    }


def core_analysis() -> dict[str, Any]:
    """Server-only components: lower-casing and each language's stop words (no stemming available)."""
    return {
        "filter": {
            "pv_fr_stop": {"type": "stop", "stopwords": "_french_"},
            "pv_en_stop": {"type": "stop", "stopwords": "_english_"},
        },
        "analyzer": {
            "pv_text": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            "pv_french": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "pv_fr_stop"]},
            "pv_english": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "pv_en_stop"]},
        },
        "normalizer": {"pv_lower": {"type": "custom", "filter": ["lowercase"]}},
    }


_KW = {"type": "keyword"}
_DATE = {"type": "date"}


def items_mappings() -> dict[str, Any]:
    return {
        "dynamic": False,
        "properties": {
            "key": _KW,
            "post": {"properties": {
                "platform": _KW, "id": _KW, "author": _KW, "lang": _KW, "source": _KW, "rule": _KW,
                "url": {"type": "keyword", "index": False},
                "created_at": _DATE, "collected_at": _DATE, "company_owned": {"type": "boolean"},
                "thread_id": _KW, "parent_id": _KW,
                "text": {"type": "text", "analyzer": "pv_text", "fields": {
                    "fr": {"type": "text", "analyzer": "pv_french"},
                    "en": {"type": "text", "analyzer": "pv_english"},
                }},
            }},
            "analysis": {"properties": {
                "adverse_event": {"properties": {
                    "decision": {"type": "boolean"}, "score": {"type": "float"}, "subject": _KW,
                    "negated": {"type": "boolean"}, "hypothetical": {"type": "boolean"},
                }},
                "products": {"type": "keyword", "normalizer": "pv_lower"},
                "seriousness": _KW, "gdpr_categories": _KW, "lang": _KW, "model": _KW,
                "special_situations": {"properties": {"type": _KW}},
            }},
            "flags": _KW, "status": _KW, "assignee": _KW, "priority": {"type": "integer"},
            "day_zero": _DATE, "case_id": _KW, "updated_at": _DATE, "version": {"type": "long"},
            # Computed at write time (es_items._doc): queue sort key, effective language, folded text.
            "sort_ts": _DATE, "qlang": _KW,
            "search_text": {"type": "text", "analyzer": "pv_text"},
        },
    }


def index_mappings(index: str) -> dict[str, Any]:
    if index == "items":
        return items_mappings()
    if index == "checkpoints":
        return {"dynamic": False, "properties": {"source": _KW}}
    if index == "audit":
        return {"dynamic": False, "properties": {
            "seq": {"type": "long"}, "entity_id": _KW, "entity": _KW, "action": _KW, "actor": _KW, "at": _DATE,
            "hash": _KW, "prev_hash": _KW,
        }}
    if index == "cases":
        return {"dynamic": False, "properties": {
            "id": _KW, "item_key": _KW, "product": _KW, "serious": {"type": "boolean"}, "status": _KW,
            "due_at": _DATE, "day_zero": _DATE, "created_by": _KW, "created_at": _DATE, "version": {"type": "long"},
        }}
    # kv: the JSON document is kept whole and unindexed, so kinds of different features never clash in a
    # mapping; `match` holds its top-level scalars as "field=json" keywords for kv.list(where=...).
    return {"dynamic": False, "properties": {
        "kind": _KW, "id": _KW, "version": {"type": "long"}, "doc": {"type": "object", "enabled": False},
        "match": _KW,
    }}


_TERM_MAX = 256  # longer values are hashed: keyword terms have a size limit, and nobody filters on prose


def kv_term(field: str, value: Any) -> str | None:
    """The `match` keyword for one top-level field, or None (null, absent or not a scalar: not indexed).

    Normalised like SQLite's json_extract comparison: true/false are 1/0 and 2.0 equals 2."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool) or isinstance(value, float) and value.is_integer():
        value = int(value)
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > _TERM_MAX:
        text = "#" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{field}={text}"


def kv_terms(doc: dict[str, Any]) -> list[str]:
    """Every indexable field of a kv document (identifier names only, like the filters that use them)."""
    return [t for k, v in doc.items() if k.isidentifier() and (t := kv_term(k, v)) is not None]


def template_body(prefix: str, index: str, analysis: dict[str, Any], replicas: int) -> dict[str, Any]:
    settings: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": replicas}
    if index == "items":
        settings["analysis"] = analysis
    return {
        "index_patterns": [f"{prefix}-{index}*"],
        "priority": 200,
        "template": {"settings": settings, "mappings": index_mappings(index)},
        "_meta": {"managed_by": "pvwatch", "schema": 2},  # 2: kv `match`
    }
