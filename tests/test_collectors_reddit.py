"""The real praw/prawcore stack against a fake Reddit on 127.0.0.1 playing tests/cassettes/reddit_poll.json."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from collectors.actions import get_actions
from collectors.reddit import RedditCollector
from pvwatch.config import parse_config
from pvwatch.errors import CollectorError, ConfigError
from pvwatch.models import Post
from tests.collectors_fake import FakeApi, load_cassette, reddit_edits_cassette


@pytest.fixture
def reddit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_REDDIT_CLIENT_ID", "fake-client-id")
    monkeypatch.setenv("PVWATCH_REDDIT_CLIENT_SECRET", "fake-client-secret")
    monkeypatch.setenv("PRAW_ALLOW_ENDPOINT_OVERRIDE", "1")


def make_cfg(base: dict[str, Any], url: str, **extra: Any) -> Any:
    base["sources"] = {"rd": {"type": "reddit", "subreddits": ["Hypothyroidism", "r/AskDocs"], "limit": 3,
                              "oauth_url": url, "reddit_url": url, **extra}}
    base["products"].append({"name": "Dépakine", "inns": ["valproate"]})
    return parse_config(base)


@pytest.fixture
def fake() -> Iterator[FakeApi]:
    api = FakeApi(load_cassette("reddit_poll.json"))
    yield api
    api.close()


def test_poll_paginates_filters_dedupes_and_waits_on_429(fake: FakeApi, reddit_env: None,
                                                        base_config: dict[str, Any]) -> None:
    cfg = make_cfg(base_config, fake.url)
    col = RedditCollector("rd", cfg.sources["rd"], cfg)
    b1 = col.poll({})
    # c3 matches Levothyrox, c2 mentions no product (filtered out), c1 has no body (counted, skipped);
    # the submission matches through its INN with an accent.
    assert [(p.id, p.rule) for p in b1.posts] == [("t1_c3", "Levothyrox"), ("t3_s1", "Levothyrox")]
    c3 = b1.posts[0]
    assert c3.url == "https://www.reddit.com/r/Hypothyroidism/comments/s1/new_formula/c3/"
    assert (c3.author, c3.parent_id, c3.thread_id, c3.platform) == ("thyro_reader_01", "t3_s1", "t3_s1", "reddit")
    assert c3.created_at is not None and c3.created_at.timestamp() == 1717000300.0
    assert c3.raw is not None and c3.raw["subreddit"] == "Hypothyroidism"
    assert len(b1.errors) == 1 and "t1_c1" in b1.errors[0]
    assert b1.cursor["comments"]["watermark"] == 1717000300.0

    # Restart: a new collector resumes from the cursor; c3 is seen again (same second) but not re-emitted,
    # the page stops at c2 (older than the watermark), and the 429 on submissions becomes a wait.
    col2 = RedditCollector("rd", cfg.sources["rd"], cfg)
    b2 = col2.poll(b1.cursor)
    assert [(p.id, p.rule) for p in b2.posts] == [("t1_c4", "Dépakine")]
    assert b2.wait_seconds == 42
    assert b2.cursor["submissions"] == b1.cursor["submissions"]  # unchanged: re-read after the wait
    fake.assert_played()
    auth = [r for r in fake.requests if r["path"] == "/api/v1/access_token"]
    assert len(auth) == 2 and "client_credentials" in auth[0]["body"].decode()


def test_missing_credentials_say_which_variables(base_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PVWATCH_REDDIT_CLIENT_ID", raising=False)
    cfg = make_cfg(base_config, "http://127.0.0.1:9")
    with pytest.raises(ConfigError, match="PVWATCH_REDDIT_CLIENT_ID"):
        RedditCollector("rd", cfg.sources["rd"], cfg).poll({})


def test_unknown_option_is_a_config_error(base_config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="sources.rd.subreddit"):  # at start-up, before any collector exists
        make_cfg(base_config, "http://127.0.0.1:9", subreddit="typo")


@pytest.mark.parametrize(("status", "fragment"), [(403, "private"), (404, "not found"), (302, "does not exist")])
def test_access_errors_are_clear(reddit_env: None, base_config: dict[str, Any], status: int, fragment: str) -> None:
    headers = {"Location": "/subreddits/search?q=x"} if status == 302 else {}
    api = FakeApi([
        {"request": {"method": "POST", "path": "/api/v1/access_token"},
         "response": {"body": {"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"}}},
        {"request": {"path": "/r/Hypothyroidism+AskDocs/comments/"},
         "response": {"status": status, "headers": headers, "body": {"message": "x", "error": status}}},
    ])
    try:
        cfg = make_cfg(base_config, api.url, streams=["comments"])
        with pytest.raises(CollectorError, match=fragment):
            RedditCollector("rd", cfg.sources["rd"], cfg).poll({})
        api.assert_played()
    finally:
        api.close()


def test_remove_action_live_and_dry_run(reddit_env: None, base_config: dict[str, Any],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_REDDIT_USERNAME", "mod_account")
    monkeypatch.setenv("PVWATCH_REDDIT_PASSWORD", "fake-password")
    api = FakeApi([
        {"request": {"method": "POST", "path": "/api/v1/access_token"},
         "response": {"body": {"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"}}},
        {"request": {"method": "POST", "path": "/api/remove/"}, "response": {"body": {}}},
    ])
    try:
        cfg = make_cfg(base_config, api.url)
        post = Post(platform="reddit", id="t1_c3", text="x")
        dry = get_actions(cfg, "reddit").remove(post)
        assert dry.ok and dry.dry_run and api.requests == []
        live = get_actions(cfg, "reddit", dry_run=False).remove(post)
        assert live.ok and not live.dry_run, live.message
        api.assert_played()
        token_req = api.requests[0]["body"].decode()
        assert "grant_type=password" in token_req and "username=mod_account" in token_req
        assert "id=t1_c3" in api.requests[1]["body"].decode()
        wrong = get_actions(cfg, "reddit", dry_run=False).hide(Post(platform="x", id="1", text="x"))
        assert not wrong.ok
    finally:
        api.close()


def test_real_shapes_tombstones_are_not_posts_and_old_items_get_a_link(reddit_env: None,
                                                                     base_config: dict[str, Any]) -> None:
    api = FakeApi(load_cassette("reddit_real_shapes.json"))
    try:
        base_config["sources"] = {"rd": {"type": "reddit", "subreddits": ["Hypothyroidism"], "limit": 10,
                                         "oauth_url": api.url, "reddit_url": api.url}}
        cfg = parse_config(base_config)
        col = RedditCollector("rd", cfg.sources["rd"], cfg)
        batch = col.poll({})
        assert [p.id for p in batch.posts] == ["t1_k1", "t1_k2", "t3_q1"]
        assert not any(p.text in ("[deleted]", "[removed]") for p in batch.posts)
        assert batch.coverage.gaps == {"comments [deleted]": 1, "comments [removed]": 1}
        by_id = {p.id: p for p in batch.posts}
        assert by_id["t1_k2"].url == "https://www.reddit.com/r/Hypothyroidism/comments/q1/_/k2/"  # no permalink
        assert by_id["t3_q1"].text == "Levothyrox new formula - palpitations?"  # removed body, title kept
        assert by_id["t3_q1"].author is None  # '[deleted]' is Reddit's placeholder, not a user
        assert batch.errors == []
        api.assert_played()
    finally:
        api.close()


@pytest.mark.parametrize(("age_hours", "opts"), [(72, {}), (6, {"reread_items": 0})])
def test_edits_outside_the_reread_window_are_not_reread(reddit_env: None, base_config: dict[str, Any],
                                                        age_hours: int, opts: dict[str, Any]) -> None:
    """Items older than reread_hours, or with reread_items = 0, are not looked at again: only new items come."""
    api = FakeApi(reddit_edits_cassette(time.time() - (age_hours - 6) * 3600)[:4])
    try:
        base_config["sources"] = {"rd": {"type": "reddit", "subreddits": ["Hypothyroidism"], "limit": 10,
                                         "streams": ["comments"], "oauth_url": api.url, "reddit_url": api.url, **opts}}
        cfg = parse_config(base_config)
        first = RedditCollector("rd", cfg.sources["rd"], cfg).poll({})
        assert len(first.posts) == 5
        second = RedditCollector("rd", cfg.sources["rd"], cfg).poll(first.cursor)
        assert [p.id for p in second.posts] == ["t1_e4"] and second.gone == []
        assert len(second.cursor["comments"]["edits"]) <= 1  # the window's signatures only
        api.assert_played()
    finally:
        api.close()


def test_a_recent_edit_is_reemitted_with_its_time_and_a_deletion_is_reported(reddit_env: None,
                                                                           base_config: dict[str, Any]) -> None:
    api = FakeApi(reddit_edits_cassette(time.time())[:4])
    try:
        base_config["sources"] = {"rd": {"type": "reddit", "subreddits": ["Hypothyroidism"], "limit": 10,
                                         "streams": ["comments"], "oauth_url": api.url, "reddit_url": api.url}}
        cfg = parse_config(base_config)
        first = RedditCollector("rd", cfg.sources["rd"], cfg).poll({})
        second = RedditCollector("rd", cfg.sources["rd"], cfg).poll(first.cursor)
        assert [p.id for p in second.posts] == ["t1_e1", "t1_e2", "t1_e6", "t1_e4"]
        by_id = {p.id: p for p in second.posts}
        assert by_id["t1_e1"].edited_at is not None and "palpitations" in by_id["t1_e1"].text
        assert sorted((g.key, g.reason.value) for g in second.gone) == [("reddit:t1_e3", "deleted"),
                                                                        ("reddit:t1_e5", "removed")]
        api.assert_played()
    finally:
        api.close()
