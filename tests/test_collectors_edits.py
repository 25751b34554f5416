"""Edits on X, Reddit and YouTube become linked new versions, re-classified on their own text, shown as versions.

Real collectors (tweepy, praw, httpx) against recordings in real platform shapes (tests/cassettes/*_edits_real_shapes
.json, provenance in each `note`) served from 127.0.0.1, inside the real Pipeline with the real analyzer and SQLite;
the review pages through the real app. Each test resumes and replays to show nothing is stored twice.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from classifiers.analyzer import Analyzer
from collectors.reddit import RedditCollector
from collectors.x import XCollector
from collectors.youtube import YouTubeCollector
from moderation.web import create_app
from pvwatch.config import load_config, parse_config
from pvwatch.gone import NOTE_KIND
from pvwatch.models import FlagType, Item
from pvwatch.pipeline import Pipeline
from pvwatch.storage.sqlite import SqliteStore
from pvwatch.versions import version_chain
from tests.collectors_fake import FakeApi, load_cassette, reddit_edits_cassette
from tests.moderation_helpers import seed_users
from tests.test_moderation_web import login

AE = FlagType.adverse_event


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    cfg = load_config(Path(__file__).parent.parent / "config.toml")
    cfg.classifiers.personal_data = False  # the versions are under test here, not the PII detector
    return Analyzer.from_config(cfg)


def _run(cfg: Any, store: SqliteStore, analyzer: Analyzer, col: Any) -> None:
    Pipeline(cfg, store, analyzer=analyzer, collectors=[col]).run(threading.Event(), once=True)


def _items(store: SqliteStore) -> dict[str, Item]:
    return {i.key: i for i in store.items.iter_all()}


def _versions_of(items: dict[str, Item], key: str) -> list[Item]:
    return [i for i in items.values() if i.post.version_of == key]


def _audit_count(store: SqliteStore, action: str) -> int:
    return sum(1 for r in store.audit.iter() if r.action == action)


def test_x_edits_link_to_the_first_tweet_are_reclassified_and_never_duplicated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analyzer: Analyzer, base_config: dict[str, Any]) -> None:
    monkeypatch.setenv("PVWATCH_X_BEARER_TOKEN", "fake-bearer")
    api = FakeApi(load_cassette("x_edits_real_shapes.json"))
    store = SqliteStore(tmp_path / "store.db")
    try:
        base_config["sources"] = {"tw": {"type": "x", "mode": "search", "api_base": api.url}}
        cfg = parse_config(base_config)
        _run(cfg, store, analyzer, XCollector("tw", cfg.sources["tw"], cfg))
        items = _items(store)
        k = "x:18000000000000001"
        # an edit whose original we never saw links to the id its history names
        assert items[k + "03"].post.version_of == k + "02" and AE in items[k + "03"].flags
        # the lookup after the edit windows closed: an edit adding an adverse event is a flagged version of ...01
        assert AE not in items[k + "01"].flags and items[k + "01"].post.version_of is None
        added = items[k + "04"]
        assert added.post.version_of == k + "01" and AE in added.flags and added.post.edited_at is not None
        # ... and an edit removing it (and the product name: no rule matches it any more) is a version not flagged
        removed = items[k + "06"]
        assert removed.post.version_of == k + "05" and AE not in removed.flags and AE in items[k + "05"].flags
        assert removed.post.rule == "Levothyrox"  # the rule that collected the first version
        # the deleted post keeps its text, with a note; it is not a new post
        gone = items[k + "08"]
        assert [n["reason"] for n in gone.notes if n["kind"] == NOTE_KIND] == ["deleted"]
        assert gone.post.text.startswith("Levothyrox : quelqu'un sait")
        first, chain = version_chain(store, items[k + "01"])
        assert first == k + "01" and [c["key"] for c in chain] == [k + "01", k + "04"]
        lookup = next(r for r in api.requests if r["path"] == "/2/tweets")
        assert "edit_history_tweet_ids" in lookup["query"]["expansions"][0]
        assert "edit_controls" in lookup["query"]["tweet.fields"][0]
        assert store.checkpoints.get("tw").error_count == 0  # a deleted post is recorded, not an error
        count, versions = len(items), _audit_count(store, "item.new_version")
        assert versions == 3

        _run(cfg, store, analyzer, XCollector("tw", cfg.sources["tw"], cfg))  # resumed: nothing new, nothing due
        assert len(_items(store)) == count
        cp = store.checkpoints.get("tw")
        cp.cursor = {}  # replay everything from the start
        store.checkpoints.save(cp)
        _run(cfg, store, analyzer, XCollector("tw", cfg.sources["tw"], cfg))
        again = _items(store)
        assert len(again) == count and _audit_count(store, "item.new_version") == versions
        assert len([n for n in again[k + "08"].notes if n["kind"] == NOTE_KIND]) == 1
        api.assert_played()
    finally:
        store.close()
        api.close()


def test_an_original_arriving_after_its_edit_still_links_both_ways(tmp_path: Path, analyzer: Analyzer,
                                                                  base_config: dict[str, Any]) -> None:
    from collectors.x_tweets import tweet_to_post

    cfg = parse_config(base_config)
    store = SqliteStore(tmp_path / "store.db")
    try:
        pipe = Pipeline(cfg, store, analyzer=analyzer, collectors=[])
        edit = {"id": "1900000000000000002", "text": "J'ai pris du Levothyrox et depuis j'ai des palpitations",
                "created_at": "2024-06-02T09:05:00.000Z", "edit_history_tweet_ids": ["1900000000000000001",
                                                                                    "1900000000000000002"]}
        original = {"id": "1900000000000000001", "text": "J'ai pris du Levothyrox", "created_at":
                    "2024-06-02T09:00:00.000Z", "edit_history_tweet_ids": ["1900000000000000001",
                                                                          "1900000000000000002"]}
        pipe.process([tweet_to_post(edit, {}, "Levothyrox", "tw", False)])  # stream order: the edit first
        pipe.process([tweet_to_post(original, {}, "Levothyrox", "tw", False)])
        first, head = store.items.get("x:1900000000000000001"), store.items.get("x:1900000000000000002")
        assert first is not None and head is not None and first.post.version_of is None
        assert [c["key"] for c in version_chain(store, first)[1]] == [first.key, head.key]
        assert [c["key"] for c in version_chain(store, head)[1]] == [first.key, head.key]
    finally:
        store.close()


def test_reddit_edits_and_deletions_after_collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     analyzer: Analyzer, base_config: dict[str, Any]) -> None:
    monkeypatch.setenv("PVWATCH_REDDIT_CLIENT_ID", "fake-client-id")
    monkeypatch.setenv("PVWATCH_REDDIT_CLIENT_SECRET", "fake-client-secret")
    monkeypatch.setenv("PRAW_ALLOW_ENDPOINT_OVERRIDE", "1")
    api = FakeApi(reddit_edits_cassette(time.time()))
    store = SqliteStore(tmp_path / "store.db")
    try:
        base_config["sources"] = {"rd": {"type": "reddit", "subreddits": ["Hypothyroidism"], "streams": ["comments"],
                                         "limit": 10, "oauth_url": api.url, "reddit_url": api.url}}
        cfg = parse_config(base_config)

        def run() -> None:
            _run(cfg, store, analyzer, RedditCollector("rd", cfg.sources["rd"], cfg))

        run()
        first = _items(store)
        assert sorted(first) == [f"reddit:t1_e{i}" for i in (1, 2, 3, 5, 6)]
        assert AE not in first["reddit:t1_e1"].flags and AE in first["reddit:t1_e2"].flags
        poll1_cursor = store.checkpoints.get("rd").cursor

        run()  # the same comments re-read after edits, a deletion, a removal, and one new comment
        items = _items(store)
        assert items["reddit:t1_e1"] == first["reddit:t1_e1"]  # the first version never changes in place
        [v1] = _versions_of(items, "reddit:t1_e1")
        assert v1.key.startswith("reddit:t1_e1~v") and AE in v1.flags and "palpitations" in v1.post.text
        assert v1.post.edited_at is not None
        [v2] = _versions_of(items, "reddit:t1_e2")
        assert AE not in v2.flags and AE in items["reddit:t1_e2"].flags
        [v6] = _versions_of(items, "reddit:t1_e6")  # body changed without `edited`: still a version
        assert "rash" in v6.post.text and v6.post.edited_at is not None
        for key, reason in (("reddit:t1_e3", "deleted"), ("reddit:t1_e5", "removed")):
            assert [n["reason"] for n in items[key].notes if n["kind"] == NOTE_KIND] == [reason]
            assert items[key].post.text == first[key].post.text  # recorded, never a new post text
        assert not _versions_of(items, "reddit:t1_e3") and not _versions_of(items, "reddit:t1_e5")
        assert "reddit:t1_e4" in items
        count = len(items)

        run()  # resumed: the same listing, nothing changed since
        assert len(_items(store)) == count
        cp = store.checkpoints.get("rd")
        cp.cursor = poll1_cursor  # a crash after storing poll 2 but before saving its cursor: poll 2 replayed
        store.checkpoints.save(cp)
        run()
        replayed = _items(store)
        assert len(replayed) == count
        assert all(len([n for n in i.notes if n["kind"] == NOTE_KIND]) <= 1 for i in replayed.values())
        api.assert_played()
    finally:
        store.close()
        api.close()


def test_youtube_updated_at_makes_versions_and_the_review_page_shows_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analyzer: Analyzer, base_config: dict[str, Any]) -> None:
    monkeypatch.setenv("PVWATCH_YOUTUBE_API_KEY", "fake-key")
    api = FakeApi(load_cassette("youtube_edits_real_shapes.json"))
    store = SqliteStore(tmp_path / "store.db")
    try:
        base_config["sources"] = {"yt": {"type": "youtube", "videos": ["vidE0000001"], "base_url": api.url}}
        cfg = parse_config(base_config)

        def run() -> None:
            _run(cfg, store, analyzer, YouTubeCollector("yt", cfg.sources["yt"], cfg))

        run()
        top, reply = "youtube:UgzEDIT00001", "youtube:UgzEDIT00001.r1"
        first = _items(store)
        assert AE not in first[top].flags and AE in first[reply].flags
        poll1_cursor = store.checkpoints.get("yt").cursor
        run()
        items = _items(store)
        assert items[top] == first[top] and items[reply] == first[reply]
        [added] = _versions_of(items, top)
        [removed] = _versions_of(items, reply)
        assert AE in added.flags and AE not in removed.flags
        assert added.post.edited_at is not None and removed.post.parent_id == "UgzEDIT00001"
        assert "youtube:UgzEDIT00003" in items
        count = len(items)
        run()  # resumed
        cp = store.checkpoints.get("yt")
        cp.cursor = poll1_cursor  # poll 2 replayed
        store.checkpoints.save(cp)
        run()
        assert len(_items(store)) == count
        api.assert_played()

        seed_users(store)
        app = create_app(cfg, store)
        client = login(app, "pv_officer")
        page = client.get("/item", params={"key": added.key}).text
        assert "Edited: version 2 of" in page and f'href="/item?key={top.replace(":", "%3A")}"' in page
        assert "<ins>week and now I have awful heart palpitations and insomnia every night</ins>" in page
        assert "<del>week, so far so good</del>" in page
        first_page = client.get("/item", params={"key": top}).text
        assert "this is the first version; 2 versions in all" in first_page
        assert f'href="/item?key={added.key.replace(":", "%3A")}"' in first_page  # the first version links forward
        fr = login(app, "pv_officer", lang="fr").get("/item", params={"key": added.key}).text
        assert "Modifié : version 2 de" in fr and "Ce qui a changé depuis la version précédente" in fr
    finally:
        store.close()
        api.close()
