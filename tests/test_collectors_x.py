"""The real tweepy Client/StreamingClient against a fake X API on 127.0.0.1 (cassettes in tests/cassettes/x_*.json)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from collectors.actions import get_actions
from collectors.http import TransientError
from collectors.x import XCollector
from pvwatch.config import parse_config
from pvwatch.errors import CollectorError, ConfigError
from pvwatch.models import Post
from tests.collectors_fake import FakeApi, load_cassette


@pytest.fixture(autouse=True)
def x_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_X_BEARER_TOKEN", "fake-bearer")


def make(base: dict[str, Any], url: str, **opts: Any) -> XCollector:
    base["sources"] = {"tw": {"type": "x", "api_base": url, "stream_seconds": 2, **opts}}
    cfg = parse_config(base)
    return XCollector("tw", cfg.sources["tw"], cfg)


@pytest.fixture
def stream_api() -> Iterator[FakeApi]:
    api = FakeApi(load_cassette("x_stream.json"))
    yield api
    api.close()


def test_backfill_then_stream_then_reconnect_errors(stream_api: FakeApi, base_config: dict[str, Any]) -> None:
    col = make(base_config, stream_api.url)
    try:
        cursor: dict[str, Any] = {"since_id": "1790000000000000100"}
        # Backfill after a restart: recent search from the saved since_id, paginated with next_token.
        b1 = col.poll(cursor)
        assert [p.id for p in b1.posts] == ["1790000000000000101"] and not b1.exhausted
        p = b1.posts[0]
        assert (p.author, p.rule, p.lang, p.platform) == ("camille_test_01", "Levothyrox", "fr", "x")
        assert p.url == "https://x.com/camille_test_01/status/1790000000000000101"
        b2 = col.poll(b1.cursor)
        assert [p.id for p in b2.posts] == ["1790000000000000102"]
        assert b2.posts[0].parent_id == "1790000000000000101" and b2.posts[0].thread_id == "1790000000000000101"
        assert b2.errors == ["tweet skipped: tweet without string id and text"]
        assert b2.cursor["since_id"] == "1790000000000000102" and "backfill" not in b2.cursor

        # Stream: our stale rule is deleted, the foreign rule kept, the missing one added; then tweets flow.
        b3 = col.poll(b2.cursor)
        assert [(p.id, p.rule) for p in b3.posts] == [("1790000000000000103", "Doliprane")]  # 102 is a duplicate
        assert any("not JSON" in e for e in b3.errors)
        assert any("operational-disconnect" in e for e in b3.errors)
        assert any(e.startswith("stream: closed") for e in b3.errors)
        assert b3.wait_seconds > 0  # closed by the server: reconnect after a backoff
        rule_posts = [json.loads(r["body"]) for r in stream_api.requests
                      if r["method"] == "POST" and r["path"].endswith("/rules")]
        assert rule_posts[0] == {"delete": {"ids": ["1001"]}}
        assert rule_posts[1]["add"][0]["tag"] == "pvwatch:Levothyrox"

        col._next_connect = 0.0  # the pipeline waited b3.wait_seconds
        b4 = col.poll(b3.cursor)
        assert b4.posts == [] and b4.wait_seconds >= 30  # 429 on connect: X says back off from a minute
        col._next_connect = 0.0
        with pytest.raises(CollectorError, match="access tier"):
            col.poll(b4.cursor)
        stream_api.assert_played()
        assert all(r["headers"].get("Authorization") == "Bearer fake-bearer" for r in stream_api.requests)
    finally:
        col.close()


def test_search_rate_limit_wait_and_453(base_config: dict[str, Any]) -> None:
    api = FakeApi(load_cassette("x_search.json"))
    try:
        col = make(base_config, api.url, mode="search")
        t0 = time.time()
        b1 = col.poll({})
        assert b1.posts == [] and 55 <= b1.wait_seconds <= 62 + (time.time() - t0)
        b1_cursor = b1.cursor
        with pytest.raises(CollectorError) as err:
            col.poll(b1_cursor)
        assert "453" in str(err.value) and "access tier" in str(err.value)
        api.assert_played()
    finally:
        api.close()


def test_search_mode_rounds_and_since_id(base_config: dict[str, Any]) -> None:
    r1 = "(Levothyrox OR l\u00e9vothyroxine OR levothyroxine OR levotyrox) -is:retweet"
    r2 = "(Doliprane OR parac\u00e9tamol OR paracetamol) -is:retweet"
    page = {"data": [{"id": "5", "text": "levothyroxine", "author_id": "9"}],
            "meta": {"newest_id": "5", "result_count": 1}}
    empty = {"body": {"meta": {"result_count": 0}}}
    path = "/2/tweets/search/recent"
    api = FakeApi([
        {"request": {"path": path, "query": {"query": r1, "since_id": None}}, "response": {"body": page}},
        {"request": {"path": path, "query": {"query": r2, "since_id": None}}, "response": empty},
        {"request": {"path": path, "query": {"query": r1, "since_id": "5"}}, "response": empty},
        {"request": {"path": path, "query": {"query": r2, "since_id": None}},
         "response": {"body": "<html>oops</html>", "content_type": "text/html"}},
    ])
    try:
        col = make(base_config, api.url, mode="search")
        b1 = col.poll({})
        assert [p.id for p in b1.posts] == ["5"] and b1.exhausted
        assert b1.posts[0].url == "https://x.com/i/web/status/5"  # no user expansion: no handle
        # A new round asks only for what is newer; an HTML error page is a retryable error, not a crash.
        with pytest.raises(TransientError, match="JSONDecodeError"):
            col.poll(b1.cursor)
        api.assert_played()
    finally:
        api.close()


def test_missing_token_and_no_products(base_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PVWATCH_X_BEARER_TOKEN")
    with pytest.raises(ConfigError, match="PVWATCH_X_BEARER_TOKEN"):
        make(base_config, "http://127.0.0.1:9", mode="search").poll({})
    with pytest.raises(ConfigError, match="no \\[\\[products\\]\\]"):
        make({"products": []}, "http://127.0.0.1:9")


def test_hide_reply_live_and_remove_unsupported(base_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        monkeypatch.setenv(f"PVWATCH_X_{k}", f"fake-{k.lower()}")
    api = FakeApi([{"request": {"method": "PUT", "path": "/2/tweets/1790000000000000102/hidden"},
                    "response": {"body": {"data": {"hidden": True}}}}])
    try:
        base_config["sources"] = {"tw": {"type": "x", "api_base": api.url}}
        cfg = parse_config(base_config)
        post = Post(platform="x", id="1790000000000000102", text="reply")
        assert get_actions(cfg, "x").hide(post).dry_run and not api.requests
        res = get_actions(cfg, "x", dry_run=False).hide(post)
        assert res.ok, res.message
        assert json.loads(api.requests[0]["body"]) == {"hidden": True}
        assert api.requests[0]["headers"]["Authorization"].startswith("OAuth ")
        removed = get_actions(cfg, "x", dry_run=False).remove(post)
        assert not removed.ok and "hide the reply" in removed.message
        api.assert_played()
    finally:
        api.close()


def test_real_traffic_shapes_search(base_config: dict[str, Any]) -> None:
    """Entities decoded, long posts whole, retweets whole, withheld placeholders and partial errors handled."""
    api = FakeApi(load_cassette("x_real_shapes.json")[:2])
    try:
        col = make(base_config, api.url, mode="search")
        batch = col.poll({"since_id": "1800000000000000000"})
        by_id = {p.id: p for p in batch.posts}
        assert set(by_id) == {"1800000000000000011", "1800000000000000012", "1800000000000000014",
                              "1800000000000000021"}  # the withheld placeholder is not a post
        assert batch.coverage.gaps == {"withheld": 1}
        assert by_id["1800000000000000011"].text.startswith("Levothyrox & Euthyrox: j'ai eu des palpitations <3")
        long = by_id["1800000000000000012"].text
        assert len(long) > 280 and long.endswith("hold my coffee cup in the morning.") and "&amp;" not in long
        rt = by_id["1800000000000000021"].text
        assert rt.startswith("RT @anon_d: Le Doliprane 1000") and rt.endswith("& de garder la bo\u00eete.")
        missing_author = by_id["1800000000000000014"]
        assert missing_author.author == "904" and missing_author.url == "https://x.com/i/web/status/1800000000000000014"
        # its edit history names an earlier id: a version of that post, never a second unlinked one
        assert missing_author.version_of == "x:1800000000000000010" and missing_author.edited_at is not None
        assert by_id["1800000000000000011"].version_of is None  # one id in its history: never edited
        assert batch.errors == ["X returned partial errors: Not Found Error (user) x1"]
        assert not any("904" in e for e in batch.errors)  # the partial error's value names an account
        for p in batch.posts:
            assert "&amp;" not in p.text and "&lt;" not in p.text
        asked = api.requests[0]["query"]
        assert "note_tweet" in asked["tweet.fields"][0] and "referenced_tweets.id" in asked["expansions"][0]
        api.assert_played()
    finally:
        api.close()


def test_real_stream_lines_other_teams_rules_are_not_collected(base_config: dict[str, Any]) -> None:
    api = FakeApi(load_cassette("x_real_shapes.json")[2:])
    try:
        col = make(base_config, api.url, backfill=False)
        posts: list[Post] = []
        cursor: dict[str, Any] = {}
        for _ in range(3):
            batch = col.poll(cursor)
            posts += batch.posts
            cursor = batch.cursor
            if len(posts) >= 2:
                break
        assert [(p.id, p.rule) for p in posts] == [("1800000000000000032", "Doliprane"),
                                                   ("1800000000000000033", "Levothyrox")]
        assert posts[0].text == "Le parac\u00e9tamol me file des naus\u00e9es & des vertiges"
        assert col.foreign_rule_tweets == 2
        api.assert_played()
    finally:
        col.close()
        api.close()


def test_a_failed_edit_lookup_keeps_the_posts_and_retries_next_poll(base_config: dict[str, Any]) -> None:
    r1 = "(Levothyrox OR l\u00e9vothyroxine OR levothyroxine OR levotyrox) -is:retweet"
    r2 = "(Doliprane OR parac\u00e9tamol OR paracetamol) -is:retweet"
    tweet = {"id": "7", "text": "levothyroxine et vertiges", "author_id": "9", "edit_history_tweet_ids": ["7"],
             "edit_controls": {"is_edit_eligible": True, "editable_until": "2024-06-01T08:30:00.000Z",
                               "edits_remaining": 5}}
    path = "/2/tweets/search/recent"
    empty = {"body": {"meta": {"result_count": 0}}}
    api = FakeApi([
        {"request": {"path": path, "query": {"query": r1}}, "response": {"body": {"data": [tweet], "meta": {
            "newest_id": "7", "result_count": 1}}}},
        {"request": {"path": path, "query": {"query": r2}}, "response": empty},
        {"request": {"path": "/2/tweets", "query": {"ids": "7"}}, "response": {"status": 503, "body": {
            "title": "Service Unavailable"}}},
        {"request": {"path": path, "query": {"query": r1, "since_id": "7"}}, "response": empty},
        {"request": {"path": path, "query": {"query": r2}}, "response": empty},
        {"request": {"path": "/2/tweets", "query": {"ids": "7"}}, "response": {"body": {"data": [tweet]}}},
    ])
    try:
        col = make(base_config, api.url, mode="search")
        b1 = col.poll({})
        assert [p.id for p in b1.posts] == ["7"] and b1.cursor["editable"] == {"7": [
            "2024-06-01T08:30:00.000Z", "pvwatch:Levothyrox"]}
        assert any(e.startswith("edits not re-read this poll: X tweet lookup (edits)") for e in b1.errors)
        b2 = col.poll(b1.cursor)
        assert b2.posts == [] and b2.cursor["editable"] == {} and b2.errors == []  # never edited: nothing more
        api.assert_played()
    finally:
        api.close()
