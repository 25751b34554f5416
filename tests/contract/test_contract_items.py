"""Items: idempotent upsert, optimistic updates, the queue's filters, order, paging, search and counts."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest

from pvwatch.errors import ConflictError, StorageError
from pvwatch.models import AdverseEvent, Analysis, Item, ItemStatus, Post, SpecialSituation, utcnow
from pvwatch.storage.base import ItemQuery, Store


def make(pid: str, text: str = "hello", *, ae: bool = False, serious: bool = False, products: tuple[str, ...] = (),
         minutes_ago: int = 0, platform: str = "demo", lang: str | None = "fr", author: str | None = None,
         special: bool = False) -> Item:
    post = Post(platform=platform, id=pid, text=text, lang=lang, author=author,
                collected_at=utcnow() - timedelta(minutes=minutes_ago))
    analysis = Analysis(adverse_event=AdverseEvent(decision=ae, score=0.9 if ae else 0.1),
                        products=list(products), seriousness=["hospitalisation"] if serious else [],
                        special_situations=[SpecialSituation(type="pregnancy")] if special else [])
    return Item.from_post(post, analysis)


def keys(store: Store, **q: object) -> list[str]:
    return [i.key for i in store.items.query(ItemQuery(**q)).items]  # type: ignore[arg-type]


def test_upsert_is_idempotent_and_replays_keep_review_state(store: Store) -> None:
    assert store.items.upsert(make("1", ae=True)) is True
    first = store.items.get("demo:1")
    assert first is not None and first.version == 1
    assert store.items.upsert(make("1", ae=True)) is False
    same = store.items.get("demo:1")
    assert same is not None and same.version == 1, "an identical replay must not write"
    reviewed = store.items.update(same.model_copy(update={"status": ItemStatus.dismissed, "assignee": "alice"}))
    assert reviewed.version == 2
    # A replay with a new analysis refreshes the machine's view but keeps the reviewer's decision.
    assert store.items.upsert(make("1", "hello again", ae=True, serious=True)) is False
    again = store.items.get("demo:1")
    assert again is not None
    assert again.status.value == "dismissed" and again.assignee == "alice" and again.post.text == "hello again"
    assert again.post.collected_at == first.post.collected_at and again.version == 3
    assert store.items.count() == 1


def test_update_with_a_stale_version_conflicts(store: Store) -> None:
    store.items.upsert(make("1"))
    a = store.items.get("demo:1")
    b = store.items.get("demo:1")
    assert a is not None and b is not None
    store.items.update(a.model_copy(update={"status": ItemStatus.dismissed}))
    with pytest.raises(ConflictError, match="reload"):
        store.items.update(b.model_copy(update={"status": ItemStatus.confirmed}))
    saved = store.items.get("demo:1")
    assert saved is not None and saved.status.value == "dismissed"
    store.items.delete("demo:1")
    with pytest.raises(ConflictError):
        store.items.update(saved)
    assert store.items.get("demo:1") is None


def test_upsert_many_matches_one_by_one(store: Store) -> None:
    store.items.upsert(make("a"))
    result = store.items.upsert_many([make("a", "changed"), make("b"), make("c")])
    assert result == [False, True, True]
    assert store.items.upsert_many([make("b"), make("d")]) == [False, True]
    assert store.items.upsert_many([]) == []
    assert sorted(i.key for i in store.items.iter_all()) == ["demo:a", "demo:b", "demo:c", "demo:d"]
    a = store.items.get("demo:a")
    assert a is not None and a.post.text == "changed" and a.version == 2


def test_concurrent_upserts_never_duplicate(store: Store) -> None:
    created: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for i in range(15):
            new = store.items.upsert(make(str(i), f"post {i}"))
            with lock:
                created.append(new)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.items.count() == 15
    assert created.count(True) == 15, "each key is reported new exactly once"


def test_queue_order_is_priority_then_oldest(store: Store) -> None:
    store.items.upsert(make("plain-old", minutes_ago=50))
    store.items.upsert(make("ae-new", ae=True, minutes_ago=1))
    store.items.upsert(make("ae-old", ae=True, minutes_ago=30))
    store.items.upsert(make("serious", ae=True, serious=True, minutes_ago=5))
    assert keys(store) == ["demo:serious", "demo:ae-old", "demo:ae-new", "demo:plain-old"]
    page = store.items.query(ItemQuery(limit=2, offset=1))
    assert [i.key for i in page.items] == ["demo:ae-old", "demo:ae-new"] and page.total == 4
    assert store.items.query(ItemQuery(limit=0)).total == 4


def test_filters(store: Store) -> None:
    store.items.upsert(make("1", ae=True, products=("Levothyrox",), platform="x", lang="fr", author="h1",
                            minutes_ago=90))
    store.items.upsert(make("2", special=True, products=("Doliprane",), platform="y", lang="en", minutes_ago=10))
    store.items.upsert(make("3", products=("Levothyrox", "Doliprane"), platform="y", lang="en", minutes_ago=5))
    two = store.items.get("y:2")
    assert two is not None
    store.items.update(two.model_copy(update={"status": ItemStatus.dismissed, "assignee": "bob"}))

    assert keys(store, flag="adverse_event") == ["x:1"]
    assert keys(store, flag="special_situation") == ["y:2"]
    assert sorted(keys(store, product="levothyrox")) == ["x:1", "y:3"]
    assert sorted(keys(store, product="DOLIPRANE")) == ["y:2", "y:3"]
    assert sorted(keys(store, platform="y")) == ["y:2", "y:3"]
    assert keys(store, lang="fr") == ["x:1"]
    assert keys(store, status="dismissed") == ["y:2"]
    assert sorted(keys(store, statuses=("new", "dismissed"))) == ["x:1", "y:2", "y:3"]
    assert keys(store, assignee="bob") == ["y:2"]
    assert keys(store, author="h1") == ["x:1"]
    cut = utcnow() - timedelta(minutes=30)
    assert keys(store, older_than=cut) == ["x:1"]
    assert sorted(keys(store, newer_than=cut)) == ["y:2", "y:3"]
    assert keys(store, platform="y", status="new") == ["y:3"]
    with pytest.raises(StorageError, match="unknown flag"):
        store.items.query(ItemQuery(flag="nope"))


def test_text_search_needs_every_word_and_is_not_syntax(store: Store) -> None:
    store.items.upsert(make("1", "Palpitations après le Levothyrox depuis mardi"))
    store.items.upsert(make("2", "Rien à signaler, levothyrox ok"))
    store.items.upsert(make("3", "Headache since I started the new pills", lang="en"))
    assert keys(store, text="palpitations") == ["demo:1"]
    assert sorted(keys(store, text="LEVOTHYROX")) == ["demo:1", "demo:2"]
    assert keys(store, text="levothyrox palpitations") == ["demo:1"]
    assert keys(store, text="levothyrox headache") == []
    assert keys(store, text="headache", lang="en") == ["demo:3"]
    for hostile in ['" OR 1=1 --', "NEAR(", "a AND", "*", '"""', "{\"match_all\": {}}", "text:*"]:
        assert store.items.query(ItemQuery(text=hostile)).total == 0


def test_delete_iter_and_count(store: Store) -> None:
    for i in range(7):
        store.items.upsert(make(f"k{i}"))
    store.items.delete("demo:k3")
    store.items.delete("demo:missing")  # idempotent
    assert store.items.count() == 6
    assert sorted(i.key for i in store.items.iter_all()) == [f"demo:k{i}" for i in range(7) if i != 3]


def test_counts_by_day_for_the_dashboard(store: Store) -> None:
    store.items.upsert(make("1", ae=True, products=("Levothyrox",)))
    store.items.upsert(make("2", ae=True, products=("Levothyrox", "Doliprane")))
    store.items.upsert(make("3", ae=True))
    store.items.upsert(make("4", special=True, products=("Doliprane",)))
    store.items.upsert(make("5"))  # no flag: not counted
    old = make("6", ae=True, products=("Levothyrox",), minutes_ago=60 * 24 * 40)
    store.items.upsert(old)  # outside the 30-day window
    totals: Counter[tuple[str, str, str]] = Counter()
    for row in store.items.counts_by_day(30):
        totals[(row["day"], row["flag"], row["product"])] += row["n"]
    today = utcnow().date().isoformat()
    assert set(totals) <= {(today, f, p) for f in ("adverse_event", "special_situation")
                           for p in ("levothyrox", "doliprane", "(none)")} | {
        ((utcnow() - timedelta(minutes=1)).date().isoformat(), f, p)
        for f in ("adverse_event", "special_situation") for p in ("levothyrox", "doliprane", "(none)")}
    by_fp: Counter[tuple[str, str]] = Counter()
    for (_, f, p), n in totals.items():
        by_fp[(f, p)] += n
    assert by_fp == Counter({("adverse_event", "levothyrox"): 2, ("adverse_event", "doliprane"): 1,
                             ("adverse_event", "(none)"): 1, ("special_situation", "doliprane"): 1})


def test_thread_filter_is_part_of_the_query_so_paging_is_exact(store: Store) -> None:
    def post(pid: str, thread: str | None, minutes_ago: int) -> Item:
        item = make(pid, minutes_ago=minutes_ago)
        return item.model_copy(update={"post": item.post.model_copy(update={"thread_id": thread})})

    # More unrelated posts than a page, collected before the thread: a filter applied after paging loses it.
    for i in range(30):
        store.items.upsert(post(f"other{i}", "t-other" if i % 2 else None, minutes_ago=100 + i))
    for i in range(5):
        store.items.upsert(post(f"t{i}", "t-1", minutes_ago=10 - i))
    page = store.items.query(ItemQuery(thread_id="t-1", limit=3))
    assert page.total == 5 and [i.key for i in page.items] == ["demo:t0", "demo:t1", "demo:t2"]
    assert keys(store, thread_id="t-1", offset=3, limit=3) == ["demo:t3", "demo:t4"]
    assert keys(store, thread_id="t-1", platform="elsewhere") == []
    assert store.items.query(ItemQuery(thread_id="t-other", limit=1)).total == 15


def test_unvalidated_review_state_is_validated_before_it_is_stored(store: Store) -> None:
    store.items.upsert(make("1"))
    got = store.items.get("demo:1")
    assert got is not None
    # model_copy(update=...) does not validate: the store must, instead of storing whatever it is given
    saved = store.items.update(got.model_copy(update={"status": "dismissed"}))
    assert saved.status is ItemStatus.dismissed
    again = store.items.get("demo:1")
    assert again is not None and again.status is ItemStatus.dismissed
    with pytest.raises(StorageError, match="invalid Item"):
        store.items.update(again.model_copy(update={"status": "bogus"}))
    with pytest.raises(StorageError, match="invalid Item"):
        store.items.upsert(make("2").model_copy(update={"priority": "high"}))
    assert store.items.get("demo:2") is None
