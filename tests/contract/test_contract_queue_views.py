"""The review UI's reads on every backend: counts per filter value (facets), the queue's orders, the posting-day
filter of the dashboard's drill-down, and day buckets by posting day or day zero in the UI's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pvwatch.errors import StorageError
from pvwatch.models import AdverseEvent, Analysis, Item, ItemStatus, Post, utcnow
from pvwatch.storage.base import ItemQuery, QueueOrder, Store


def make(pid: str, *, platform: str = "demo", lang: str = "fr", ae: bool = False, minutes_ago: int = 0,
         posted: datetime | None = None, status: ItemStatus = ItemStatus.new) -> Item:
    post = Post(platform=platform, id=pid, text="texte", lang=lang, created_at=posted,
                collected_at=utcnow() - timedelta(minutes=minutes_ago))
    analysis = Analysis(adverse_event=AdverseEvent(decision=ae, score=0.9 if ae else 0.1), products=["levothyrox"],
                        lang=lang)
    item = Item.from_post(post, analysis)
    if ae:
        item = item.model_copy(update={"day_zero": post.collected_at})
    return item.model_copy(update={"status": status})


@pytest.fixture
def seeded(store: Store) -> Store:
    now = utcnow()
    store.items.upsert(make("a", ae=True, minutes_ago=30, posted=now - timedelta(days=3)))
    store.items.upsert(make("b", ae=True, minutes_ago=10, posted=now - timedelta(hours=1)))
    store.items.upsert(make("c", platform="facebook", lang="en", minutes_ago=20, posted=now - timedelta(days=3)))
    store.items.upsert(make("d", platform="facebook", minutes_ago=5))
    return store


def test_facets_count_each_value_with_the_other_filters_kept(seeded: Store) -> None:
    items = seeded.items
    assert items.facets(ItemQuery(), "platform") == {"demo": 2, "facebook": 2}
    assert items.facets(ItemQuery(), "lang") == {"fr": 3, "en": 1}
    assert {k: n for k, n in items.facets(ItemQuery(), "flag").items() if n} == {"adverse_event": 2}
    # a facet ignores its own filter but keeps the others
    assert items.facets(ItemQuery(platform="facebook"), "platform") == {"demo": 2, "facebook": 2}
    assert items.facets(ItemQuery(flag="adverse_event"), "platform") == {"demo": 2}
    assert items.facets(ItemQuery(statuses=("new", "confirmed")), "status") == {"new": 4}
    with pytest.raises(StorageError):
        items.facets(ItemQuery(), "author")


def test_queue_orders(seeded: Store) -> None:
    def order(o: QueueOrder) -> list[str]:
        return [i.post.id for i in seeded.items.query(ItemQuery(order=o)).items]

    assert order(QueueOrder.priority)[:2] == ["a", "b"]  # adverse events first, oldest day zero first
    assert order(QueueOrder.oldest) == ["a", "c", "b", "d"]
    assert order(QueueOrder.newest) == ["d", "b", "c", "a"]
    assert order(QueueOrder.platform)[:2] == ["a", "b"] and set(order(QueueOrder.platform)[2:]) == {"c", "d"}


def test_posting_day_range_and_day_buckets(seeded: Store) -> None:
    now = utcnow()
    start = (now - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
    three_days_ago = seeded.items.query(ItemQuery(posted_from=start, posted_until=start + timedelta(days=1)))
    assert sorted(i.post.id for i in three_days_ago.items) == ["a", "c"]
    by_posting = {(r["day"], r["flag"]): r["n"] for r in seeded.items.counts_by_day(30, basis="posted", tz="UTC")}
    by_day_zero = {(r["day"], r["flag"]): r["n"] for r in seeded.items.counts_by_day(30, basis="day_zero", tz="UTC")}
    ae_posting = {d: n for (d, f), n in by_posting.items() if f == "adverse_event"}
    ae_day_zero = {d: n for (d, f), n in by_day_zero.items() if f == "adverse_event"}
    assert sum(ae_posting.values()) == 2 and len(ae_posting) == 2  # posted on two days...
    assert sum(ae_day_zero.values()) == 2 and len(ae_day_zero) == 1  # ...and collected (day zero) the same day


def test_day_buckets_follow_the_zone(store: Store) -> None:
    late = datetime.now(UTC).replace(hour=23, minute=30, second=0, microsecond=0) - timedelta(days=2)
    store.items.upsert(make("late", ae=True, posted=late))
    utc_days = {r["day"] for r in store.items.counts_by_day(30, basis="posted", tz="UTC")}
    tokyo_days = {r["day"] for r in store.items.counts_by_day(30, basis="posted", tz="Asia/Tokyo")}
    assert utc_days == {late.strftime("%Y-%m-%d")}
    assert tokyo_days == {(late + timedelta(days=1)).strftime("%Y-%m-%d")}  # 08:30 the next day in Tokyo


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month + 1, 1, tzinfo=UTC) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_day_buckets_are_dst_correct_in_paris(store: Store) -> None:
    """Each post by its own offset: CET (+1) before the last Sunday of March and after the last Sunday of
    October, CEST (+2) between. Any single offset puts one post of each pair on the wrong day."""
    year = utcnow().year - 1  # both changes in the past, inside the window asked for below
    march, october = _last_sunday(year, 3), _last_sunday(year, 10)
    posts = {
        "mar-before": march - timedelta(days=1) + timedelta(hours=22, minutes=30),  # Sat 23:30 CET
        "mar-after": march + timedelta(hours=22, minutes=30),  # Sun 22:30 UTC = Mon 00:30 CEST
        "oct-before": october - timedelta(days=1) + timedelta(hours=22, minutes=30),  # Sat 22:30 UTC = Sun 00:30
        "oct-after": october + timedelta(hours=22, minutes=30),  # Sun 23:30 CET
    }
    for pid, posted in posts.items():
        store.items.upsert(make(pid, ae=True, posted=posted))
    days = (utcnow() - march).days + 2
    paris: dict[str, int] = {}
    for r in store.items.counts_by_day(days, basis="posted", tz="Europe/Paris"):
        if r["flag"] == "adverse_event":
            paris[r["day"]] = paris.get(r["day"], 0) + r["n"]
    ymd = "%Y-%m-%d"
    assert paris == {(march - timedelta(days=1)).strftime(ymd): 1, (march + timedelta(days=1)).strftime(ymd): 1,
                     october.strftime(ymd): 2}
