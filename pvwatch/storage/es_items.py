"""Items in Elasticsearch: one document per key, optimistic concurrency with if_seq_no/if_primary_term.

`Item.version` stays the application's counter (as in SQLite); every write is a compare-and-set on the
document's sequence number, so two workers or two reviewers can never overwrite each other silently.
A new key is written with op_type=create: two workers collecting the same post store it once.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from pvwatch.errors import ConflictError, StorageError
from pvwatch.models import Item, utcnow
from pvwatch.storage.base import ItemQuery, ItemRepository, Page, QueueOrder, checked, merge_replay
from pvwatch.storage.es_conn import EsConn

IDX = "items"
_COMPUTED = ("sort_ts", "qlang", "search_text")
_FLAGS = ("adverse_event", "special_situation", "personal_data")
_TEXT_FIELDS = ["search_text", "post.text", "post.text.fr", "post.text.en"]
_MAX_TRIES = 20


def searchable(text: str) -> str:
    """Lower-case, strip accents and split elisions (l'été -> l ete): the search box ignores both."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("'", " "))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _doc(item: Item) -> dict[str, Any]:
    d = item.model_dump(mode="json")
    d["sort_ts"] = (item.day_zero or item.post.collected_at).isoformat()
    d["qlang"] = item.analysis.lang or item.post.lang
    d["search_text"] = searchable(item.post.text)
    return d


def _item(source: dict[str, Any]) -> Item:
    return Item.model_validate({k: v for k, v in source.items() if k not in _COMPUTED})


# The time a post counts for on the dashboard: when it was posted, or collected when the platform gave no time
# (SQLite's coalesce). The test distribution has no scripting, so it is two exact queries, not a runtime field.
_HAS_POSTED: dict[str, Any] = {"exists": {"field": "post.created_at"}}


def _posted_range(rng: dict[str, str]) -> dict[str, Any]:
    return {"bool": {"should": [
        {"range": {"post.created_at": rng}},
        {"bool": {"must_not": [_HAS_POSTED], "filter": [{"range": {"post.collected_at": rng}}]}},
    ], "minimum_should_match": 1}}


# Allow-listed sorts, the same orders as SQLite's.
_ORDER: dict[QueueOrder, list[dict[str, str]]] = {
    QueueOrder.priority: [{"priority": "desc"}, {"sort_ts": "asc"}],
    QueueOrder.oldest: [{"sort_ts": "asc"}],
    QueueOrder.newest: [{"sort_ts": "desc"}],
    QueueOrder.platform: [{"post.platform": "asc"}, {"priority": "desc"}, {"sort_ts": "asc"}],
    QueueOrder.status: [{"status": "asc"}, {"priority": "desc"}, {"sort_ts": "asc"}],
}


class EsItems(ItemRepository):
    def __init__(self, conn: EsConn) -> None:
        self.conn = conn
        self.es = conn.es

    # -- writes ----------------------------------------------------------------------------------
    def _create(self, item: Item) -> bool:
        """True if created; False if the key appeared meanwhile (another worker won)."""
        try:
            self.conn.call(self.es.index, index=self.conn.index(IDX), id=item.key,
                           document=_doc(item.model_copy(update={"version": 1})), op_type="create")
        except ConflictError:
            return False
        finally:
            self.conn.wrote(IDX)
        return True

    def _cas(self, item: Item, hit: dict[str, Any]) -> None:
        self.conn.call(self.es.index, index=self.conn.index(IDX), id=item.key, document=_doc(item),
                       if_seq_no=hit["_seq_no"], if_primary_term=hit["_primary_term"])
        self.conn.wrote(IDX)

    def upsert(self, item: Item) -> bool:
        item = checked(item)
        for _ in range(_MAX_TRIES):
            hit = self.conn.get(IDX, item.key)
            if hit is None:
                if self._create(item):
                    return True
                continue
            merged = merge_replay(_item(hit["_source"]), item)
            if merged is None:
                return False
            try:
                self._cas(merged, hit)
                return False
            except ConflictError:
                continue  # someone changed it between our read and write: merge again
        raise ConflictError(f"item {item.key} kept changing during upsert; retry the batch")

    def upsert_many(self, items: list[Item]) -> list[bool]:
        """One mget and one bulk request for the batch; per-document conflicts fall back to `upsert`."""
        items = [checked(i) for i in items]
        if len({i.key for i in items}) != len(items):
            return [self.upsert(i) for i in items]  # same key twice: order matters, keep it simple
        if not items:
            return []
        resp = self.conn.call(self.es.mget, index=self.conn.index(IDX), ids=[i.key for i in items])
        ops: list[dict[str, Any]] = []
        pending: list[int] = []  # positions of items with an operation in `ops`
        result = [False] * len(items)
        for pos, (item, hit) in enumerate(zip(items, resp["docs"], strict=True)):
            if not hit.get("found"):
                ops += [{"create": {"_id": item.key}}, _doc(item.model_copy(update={"version": 1}))]
                result[pos] = True
            else:
                merged = merge_replay(_item(hit["_source"]), item)
                if merged is None:
                    continue
                ops += [{"index": {"_id": item.key, "if_seq_no": hit["_seq_no"],
                                   "if_primary_term": hit["_primary_term"]}}, _doc(merged)]
            pending.append(pos)
        if not ops:
            return result
        bulk = self.conn.call(self.es.bulk, index=self.conn.index(IDX), operations=ops)
        self.conn.wrote(IDX)
        for pos, entry in zip(pending, bulk["items"], strict=True):
            outcome = next(iter(entry.values()))
            status = outcome.get("status", 500)
            if status == 409:
                result[pos] = self.upsert(items[pos])  # lost a race: redo this one carefully
            elif status >= 300:
                raise StorageError(f"bulk indexing of {items[pos].key} failed: {outcome.get('error')}")
        return result

    def update(self, item: Item) -> Item:
        item = checked(item)
        hit = self.conn.get(IDX, item.key)
        if hit is None:
            raise ConflictError(f"item {item.key} no longer exists; reload the queue")
        if hit["_source"].get("version") != item.version:
            raise ConflictError(f"item {item.key} was changed by someone else; reload it and redo the action")
        saved = item.model_copy(update={"version": item.version + 1, "updated_at": utcnow()})
        try:
            self._cas(saved, hit)
        except ConflictError:
            raise ConflictError(
                f"item {item.key} was changed by someone else; reload it and redo the action") from None
        return saved

    def delete(self, key: str) -> None:
        self.conn.delete(IDX, key)

    # -- reads -----------------------------------------------------------------------------------
    def get(self, key: str) -> Item | None:
        hit = self.conn.get(IDX, key)
        return _item(hit["_source"]) if hit else None

    def get_many(self, keys: list[str]) -> dict[str, Item]:
        if not keys:
            return {}
        resp = self.conn.call(self.es.mget, index=self.conn.index(IDX), ids=list(dict.fromkeys(keys)))
        return {d["_id"]: _item(d["_source"]) for d in resp["docs"] if d.get("found")}

    def _filters(self, q: ItemQuery) -> list[dict[str, Any]]:
        f: list[dict[str, Any]] = []
        if q.flag:
            if q.flag not in _FLAGS:
                raise StorageError(f"unknown flag filter {q.flag!r}; use one of {sorted(_FLAGS)}")
            f.append({"term": {"flags": q.flag}})
        for field, val in (("analysis.products", q.product), ("post.platform", q.platform), ("qlang", q.lang),
                           ("status", q.status), ("assignee", q.assignee), ("post.author", q.author),
                           ("post.thread_id", q.thread_id)):
            if val:
                f.append({"term": {field: val}})
        if q.statuses:
            f.append({"terms": {"status": list(q.statuses)}})
        rng: dict[str, str] = {}
        if q.older_than:
            rng["lt"] = q.older_than.isoformat()
        if q.newer_than:
            rng["gte"] = q.newer_than.isoformat()
        if rng:
            f.append({"range": {"sort_ts": rng}})
        posted: dict[str, str] = {}
        if q.posted_from:
            posted["gte"] = q.posted_from.isoformat()
        if q.posted_until:
            posted["lt"] = q.posted_until.isoformat()
        if posted:
            f.append(_posted_range(posted))
        if q.text is not None:
            terms = searchable(q.text).split()[:20]
            if not terms:
                f.append({"match_none": {}})
            # Each word must appear (like SQLite's FTS); user text is never query syntax.
            f += [{"multi_match": {"query": t, "fields": _TEXT_FIELDS, "operator": "and"}} for t in terms]
        return f

    def query(self, q: ItemQuery) -> Page:
        self.conn.before_search(IDX)
        size = max(0, min(q.limit, 1000))
        resp = self.conn.call(
            self.es.search, index=self.conn.index(IDX), query={"bool": {"filter": self._filters(q)}},
            sort=[*_ORDER[QueueOrder(q.order)], {"key": "asc"}],
            from_=max(0, q.offset), size=size, track_total_hits=True,
        )
        hits = resp["hits"]
        return Page([_item(h["_source"]) for h in hits["hits"]], int(hits["total"]["value"]))

    def iter_all(self) -> Iterator[Item]:
        self.conn.before_search(IDX)
        after: list[Any] | None = None
        while True:  # search_after on the key: stable, no deep-paging limit
            kwargs: dict[str, Any] = {"search_after": after} if after else {}
            resp = self.conn.call(self.es.search, index=self.conn.index(IDX), sort=[{"key": "asc"}], size=500,
                                  query={"match_all": {}}, **kwargs)
            hits = resp["hits"]["hits"]
            if not hits:
                return
            for h in hits:
                yield _item(h["_source"])
            after = hits[-1]["sort"]

    def count(self) -> int:
        self.conn.before_search(IDX)
        return int(self.conn.call(self.es.count, index=self.conn.index(IDX))["count"])

    def facets(self, q: ItemQuery, field: str) -> dict[str, int]:
        es_field = {"flag": "flags", "platform": "post.platform", "lang": "qlang", "status": "status"}.get(field)
        if es_field is None:
            raise StorageError(f"no facet {field!r}; use flag, platform, lang or status")
        clear: dict[str, Any] = {"status": None, "statuses": None} if field == "status" else {field: None}
        self.conn.before_search(IDX)
        resp = self.conn.call(
            self.es.search, index=self.conn.index(IDX), size=0,
            query={"bool": {"filter": self._filters(dataclasses.replace(q, **clear))}},
            aggs={"v": {"terms": {"field": es_field, "size": 100, **({} if field == "flag" else {"missing": ""})}}},
        )
        return {str(b["key"]): int(b["doc_count"]) for b in resp["aggregations"]["v"]["buckets"]}

    def counts_by_day(self, days: int = 30, basis: str = "posted", tz: str = "UTC") -> list[dict[str, Any]]:
        if basis not in ("posted", "day_zero"):
            raise StorageError(f"unknown dashboard basis {basis!r}; use posted or day_zero")
        since = (utcnow() - timedelta(days=days)).strftime("%Y-%m-%d")
        parts: list[tuple[str, dict[str, Any]]]
        if basis == "day_zero":
            parts = [("sort_ts", {"range": {"sort_ts": {"gte": since}}})]
        else:  # posted: posts with a time by it, the others by collection time
            parts = [("post.created_at", {"range": {"post.created_at": {"gte": since}}}),
                     ("post.collected_at", {"bool": {"must_not": [_HAS_POSTED],
                                                     "filter": [{"range": {"post.collected_at": {"gte": since}}}]}})]
        counts: dict[tuple[str, str, str], int] = {}
        for field, query in parts:
            for key, n in self._day_counts(field, query, tz):
                counts[key] = counts.get(key, 0) + n
        return [{"day": d, "flag": f, "product": p, "n": n} for (d, f, p), n in counts.items()]

    def _day_counts(self, field: str, query: dict[str, Any], tz: str) -> Iterator[tuple[tuple[str, str, str], int]]:
        self.conn.before_search(IDX)
        resp = self.conn.call(
            self.es.search, index=self.conn.index(IDX), size=0, query=query,
            aggs={"day": {
                "date_histogram": {"field": field, "calendar_interval": "day", "time_zone": tz,
                                   "format": "yyyy-MM-dd", "min_doc_count": 1},
                "aggs": {"flag": {"terms": {"field": "flags", "size": 10}, "aggs": {
                    "product": {"terms": {"field": "analysis.products", "size": 1000, "missing": "(none)"}},
                }}},
            }},
        )
        for day in resp["aggregations"]["day"]["buckets"]:
            for flag in day["flag"]["buckets"]:
                for prod in flag["product"]["buckets"]:
                    yield (day["key_as_string"], flag["key"], prod["key"]), int(prod["doc_count"])
