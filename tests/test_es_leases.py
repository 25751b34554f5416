"""Source leases (pvwatch/workers.py) step by step, on the real kv compare-and-set of a real store.

SQLite is enough here (the same kv contract as Elasticsearch, tests/contract/); the clock is explicit so
expiry is tested without waiting. The multi-process version with Elasticsearch is tests/test_es_workers.py.
"""

from __future__ import annotations

from pathlib import Path

from pvwatch.storage.sqlite import SqliteStore
from pvwatch.workers import SourceLeases

SOURCES = ["a", "b", "c", "d"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_sources_are_split_then_taken_over_when_a_worker_dies(tmp_path: Path) -> None:
    store, clock = SqliteStore(tmp_path / "s.db"), Clock()
    w1 = SourceLeases(store, SOURCES, "w1", ttl=10, clock=clock)
    w2 = SourceLeases(store, SOURCES, "w2", ttl=10, clock=clock)
    w1.refresh()
    assert w1.held == set(SOURCES), "alone, a worker takes every source"
    w2.refresh()
    assert w2.held == set(), "nothing is free yet"
    w1.refresh()  # sees two live workers: hands back its extras
    w2.refresh()
    assert len(w1.held) == len(w2.held) == 2 and w1.held.isdisjoint(w2.held)
    for _ in range(3):  # stable: nothing moves while both renew
        clock.now += 3
        w1.refresh()
        w2.refresh()
    assert len(w1.held) == len(w2.held) == 2 and w1.held | w2.held == set(SOURCES)

    # w1 dies (stops renewing): after the ttl its sources go to w2.
    clock.now += 11
    w2.refresh()
    assert w2.held == set(SOURCES)
    # w1 was only stalled: on its next refresh it learns it lost them, so no source has two pollers.
    w1.refresh()
    assert w1.held == set()
    w2.refresh()  # two live workers again: w2 hands half back, and w1 picks it up
    w1.refresh()
    assert len(w1.held) == len(w2.held) == 2 and w1.held.isdisjoint(w2.held)
    store.close()


def test_finished_marks_and_clean_release(tmp_path: Path) -> None:
    store, clock = SqliteStore(tmp_path / "s.db"), Clock()
    w1 = SourceLeases(store, SOURCES, "w1", ttl=10, clock=clock)
    w2 = SourceLeases(store, SOURCES, "w2", ttl=10, clock=clock)
    w1.refresh()
    clock.now += 1
    w1.mark_finished("a")
    w2.mark_finished("b")  # not held by w2: ignored
    w2.refresh()
    assert w2.finished("a") and not w2.finished("b")
    late = SourceLeases(store, SOURCES, "late", ttl=10, clock=lambda: clock.now + 5)
    late.refresh()
    assert not late.finished("a"), "marks from before a worker started belong to an earlier run"
    w1.release_all()
    leases = {d["source"]: d for d in store.kv.list("lease")}
    assert set(leases) == set(SOURCES) and all(not d["owner"] for d in leases.values())
    assert leases["a"]["finished_at"], "the finished mark survives the release for the run's other workers"
    assert store.kv.get("worker", "w1") is None
    store.close()
