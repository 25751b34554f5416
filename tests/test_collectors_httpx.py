"""YouTube and Facebook/Instagram collectors: real httpx against a fake API on 127.0.0.1 playing cassettes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from collectors.actions import get_actions
from collectors.meta import EDITS_NOT_VISIBLE, MetaCollector
from collectors.youtube import YouTubeCollector, seconds_to_quota_reset
from pvwatch.config import parse_config
from pvwatch.errors import CollectorError, ConfigError
from pvwatch.models import Post
from tests.collectors_fake import FakeApi, load_cassette


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[FakeApi]:
    fake = FakeApi(load_cassette(request.param) if isinstance(request.param, str) else request.param)
    yield fake
    fake.close()


def _cfg(base: dict[str, Any], source: dict[str, Any]) -> Any:
    base["products"].append({"name": "Zentravir", "inns": ["zentravimab"]})
    base["sources"] = {"s": source}
    return parse_config(base)


@pytest.mark.parametrize("api", ["youtube_threads.json"], indirect=True)
def test_youtube_pages_watermark_resume_and_errors(api: FakeApi, base_config: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_YOUTUBE_API_KEY", "fake-yt-key")
    cfg = _cfg(base_config, {"type": "youtube", "videos": ["vid00000001", "vid00000002"], "base_url": api.url,
                             "company_owned": True})
    col = YouTubeCollector("s", cfg.sources["s"], cfg)
    b1 = col.poll({})
    assert [(p.id, p.parent_id, p.rule) for p in b1.posts] == [
        ("UgzT1", None, "Zentravir"), ("UgzT1.r1", "UgzT1", None), ("UgzT0", None, None)]
    first = b1.posts[0]
    assert first.text == "Depuis Zentravir j'ai des vertiges"  # textOriginal, not the HTML-escaped display text
    assert first.url == "https://www.youtube.com/watch?v=vid00000001&lc=UgzT1" and first.company_owned
    assert any("UgzBROKEN" not in e and "thread skipped" in e for e in b1.errors)
    assert any("commentsDisabled" in e for e in b1.errors)  # one video failing does not stop the others
    assert b1.cursor["targets"]["video:vid00000001"]["watermark"] == "2024-05-13T10:30:00Z"

    # Restart from the saved cursor: only the new thread; the scan stops at the watermark without page 2.
    col2 = YouTubeCollector("s", cfg.sources["s"], cfg)
    b2 = col2.poll(b1.cursor)
    assert [p.id for p in b2.posts] == ["UgzT2"]
    assert b2.wait_seconds == pytest.approx(seconds_to_quota_reset(), abs=5)  # quota: wait for the reset
    api.assert_played()
    assert all(r["query"]["key"] == ["fake-yt-key"] for r in api.requests)


def test_quota_reset_is_next_pacific_midnight() -> None:
    assert seconds_to_quota_reset(datetime(2024, 5, 13, 6, 0, tzinfo=UTC)) == pytest.approx(3600 + 5)


def test_youtube_needs_a_target_and_a_key(base_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="channels or videos"):
        cfg = _cfg(base_config, {"type": "youtube"})
        YouTubeCollector("s", cfg.sources["s"], cfg)
    monkeypatch.delenv("PVWATCH_YOUTUBE_API_KEY", raising=False)
    cfg = _cfg({"products": []}, {"type": "youtube", "channels": ["UC1"]})
    with pytest.raises(ConfigError, match="PVWATCH_YOUTUBE_API_KEY"):
        YouTubeCollector("s", cfg.sources["s"], cfg).poll({})


@pytest.mark.parametrize("api", ["meta_comments.json"], indirect=True)
def test_facebook_comments_paging_dedupe_and_throttle(api: FakeApi, base_config: dict[str, Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_META_ACCESS_TOKEN", "fake-page-token")
    cfg = _cfg(base_config, {"type": "meta", "platform": "facebook", "accounts": ["100000000000001"],
                             "base_url": api.url})
    col = MetaCollector("s", cfg.sources["s"], cfg)
    b1 = col.poll({})
    assert [(p.id, p.parent_id, p.rule, p.author) for p in b1.posts] == [
        ("200_301", None, "Doliprane", "Alex Example"), ("200_303", "200_301", None, "Sam Example")]
    assert b1.posts[0].company_owned and b1.posts[0].thread_id == "100000000000001_200"
    assert len(b1.errors) == 1 and "200_302" in b1.errors[0]
    assert b1.cursor["accounts"]["100000000000001"]["since"] == 1715590800
    b2 = MetaCollector("s", cfg.sources["s"], cfg).poll(b1.cursor)
    assert b2.posts == [] and b2.wait_seconds == 7 * 60
    assert b2.cursor["accounts"] == b1.cursor["accounts"]  # nothing advanced while throttled
    api.assert_played()
    assert all(r["headers"]["Authorization"] == "Bearer fake-page-token" for r in api.requests)
    assert all("access_token" not in r["query"] for r in api.requests)


@pytest.mark.parametrize("api", [[
    {"request": {"path": "/v21.0/17841400000000001/media"},
     "response": {"body": {"data": [{"id": "17900000000000001", "timestamp": "2024-05-13T08:00:00+0000",
                                     "permalink": "https://www.instagram.com/p/AbCdEf/"}]}}},
    {"request": {"path": "/v21.0/17900000000000001/comments"},
     "response": {"body": {"data": [{"id": "17850000000000001", "text": "zentravir made me dizzy",
                                     "username": "ig_user_1", "timestamp": "2024-05-13T09:00:00+0000"}]}}},
    {"request": {"path": "/v21.0/17841400000000001/media"},
     "response": {"status": 400, "body": {"error": {"message": "Error validating access token: Session has expired",
                                                    "type": "OAuthException", "code": 190, "error_subcode": 463}}}},
]], indirect=True)
def test_instagram_and_expired_token(api: FakeApi, base_config: dict[str, Any],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_META_ACCESS_TOKEN", "fake-page-token")
    cfg = _cfg(base_config, {"type": "meta", "platform": "instagram", "accounts": ["17841400000000001"],
                             "base_url": api.url})
    col = MetaCollector("s", cfg.sources["s"], cfg)
    [p] = col.poll({}).posts
    assert (p.platform, p.author, p.rule, p.url) == ("instagram", "ig_user_1", "Zentravir",
                                                     "https://www.instagram.com/p/AbCdEf/")
    with pytest.raises(CollectorError, match="expired"):
        col.poll({})
    api.assert_played()


@pytest.mark.parametrize("api", [[
    {"request": {"method": "POST", "path": "/v21.0/200_301", "query": {"is_hidden": "true"}},
     "response": {"body": {"success": True}}},
    {"request": {"method": "DELETE", "path": "/v21.0/17850000000000001"}, "response": {"body": {"success": True}}},
    {"request": {"method": "POST", "path": "/comments/setModerationStatus",
                 "query": {"id": "UgzT1", "moderationStatus": "heldForReview"}},
     "response": {"status": 204}},
    {"request": {"method": "POST", "path": "/v21.0/200_999", "query": {"is_hidden": "true"}},
     "response": {"status": 400, "body": {"error": {"message": "(#10) Permission denied", "type": "OAuthException",
                                                    "code": 10}}}},
]], indirect=True)
def test_meta_and_youtube_actions(api: FakeApi, base_config: dict[str, Any],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_META_ACCESS_TOKEN", "fake-page-token")
    monkeypatch.setenv("PVWATCH_YOUTUBE_OAUTH_TOKEN", "fake-oauth")
    base_config["sources"] = {
        "fb": {"type": "meta", "platform": "facebook", "accounts": ["1"], "base_url": api.url},
        "yt": {"type": "youtube", "channels": ["UC1"], "base_url": api.url},
    }
    cfg = parse_config(base_config)
    fb = Post(platform="facebook", id="200_301", text="x")
    assert get_actions(cfg, "facebook").hide(fb).dry_run and not api.requests
    assert get_actions(cfg, "facebook", dry_run=False).hide(fb).ok
    assert get_actions(cfg, "instagram", dry_run=False).remove(Post(platform="instagram", id="17850000000000001",
                                                                    text="x")).ok
    res = get_actions(cfg, "youtube", dry_run=False).hide(Post(platform="youtube", id="UgzT1", text="x"))
    assert res.ok and "heldForReview" in res.message
    denied = get_actions(cfg, "facebook", dry_run=False).hide(Post(platform="facebook", id="200_999", text="x"))
    assert not denied.ok and "permission" in denied.message
    api.assert_played()
    assert api.requests[2]["headers"]["Authorization"] == "Bearer fake-oauth"


@pytest.mark.parametrize("api", ["youtube_real_shapes.json"], indirect=True)
def test_youtube_every_reply_a_403_on_one_video_and_channel_threads(api: FakeApi, base_config: dict[str, Any],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_YOUTUBE_API_KEY", "fake-yt-key")
    cfg = _cfg(base_config, {"type": "youtube", "channels": ["UCchan00000000000000001"],
                             "videos": ["vidA0000001", "vidB0000002"], "base_url": api.url})
    col = YouTubeCollector("s", cfg.sources["s"], cfg)
    batch = col.poll({})
    ids = [p.id for p in batch.posts]
    assert ids[0] == "UgzCHAN0001"  # channel-level thread: no videoId, still a post with a link
    chan = batch.posts[0]
    assert chan.url == "https://www.youtube.com/channel/UCchan00000000000000001?lc=UgzCHAN0001"
    # vidA's 403 is reported with the platform's words and vidB is still read, with all 7 replies (2 embedded).
    assert any("vidA0000001" in e and "insufficientPermissions" in e and "caller does not have permission" in e
               for e in batch.errors)
    replies = [p for p in batch.posts if p.parent_id == "UgzTHREAD0001"]
    assert sorted(p.id for p in replies) == [f"UgzTHREAD0001.r{i}" for i in range(1, 8)]
    assert len(ids) == len(set(ids)) == 9
    assert "idem, migraines & fatigue" in {p.text.split(": ", 1)[1] for p in replies}  # textOriginal, not HTML
    assert (batch.coverage.reported, batch.coverage.read, batch.coverage.gaps) == (9, 9, {})  # 1 + (1 + 7)
    api.assert_played()


@pytest.mark.parametrize("api", ["meta_real_shapes.json"], indirect=True)
def test_meta_real_shapes_replies_cursors_and_missing_from(api: FakeApi, base_config: dict[str, Any],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_META_ACCESS_TOKEN", "fake-page-token")
    base_config["products"].append({"name": "Zentravir"})
    base_config["sources"] = {
        "fb": {"type": "meta", "platform": "facebook", "accounts": ["100000000000009"], "base_url": api.url},
        "ig": {"type": "meta", "platform": "instagram", "accounts": ["17841400000000009"], "base_url": api.url},
    }
    cfg = parse_config(base_config)
    fb = MetaCollector("fb", cfg.sources["fb"], cfg).poll({})
    assert [(p.id, p.author, p.parent_id) for p in fb.posts] == [("500_601", None, None),
                                                                 ("500_602", "Anon Fb", "500_601")]
    assert fb.errors == []  # cursors without `next`: the last page, no further request
    ig = MetaCollector("ig", cfg.sources["ig"], cfg).poll({})
    assert [(p.id, p.parent_id) for p in ig.posts] == [
        ("17850000000000091", None), ("17850000000000092", "17850000000000091"),
        ("17850000000000093", "17850000000000091")]
    assert ig.posts[1].url == "https://www.instagram.com/p/XyZ123/" and ig.errors == []
    # the Graph API has no comment edit field: said plainly in coverage (and so in health), on both platforms
    assert fb.coverage.limits == ig.coverage.limits == [EDITS_NOT_VISIBLE] and "edit" in EDITS_NOT_VISIBLE
    api.assert_played()
    assert not any("access_token" in str(r["query"]) for r in api.requests)  # `next` URLs are never followed


def test_youtube_embedded_replies_only_reports_the_gap(base_config: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PVWATCH_YOUTUBE_API_KEY", "fake-yt-key")
    api = FakeApi([i for i in load_cassette("youtube_real_shapes.json")
                   if i["request"]["path"] == "/commentThreads" and "vidB0000002" in str(i["request"])])
    try:
        cfg = _cfg(base_config, {"type": "youtube", "videos": ["vidB0000002"], "base_url": api.url,
                                 "max_reply_pages": 0})
        batch = YouTubeCollector("s", cfg.sources["s"], cfg).poll({})
        assert len(batch.posts) == 3  # the top comment and the two embedded replies
        assert (batch.coverage.reported, batch.coverage.read) == (8, 3)
        assert batch.coverage.gaps == {"replies beyond max_reply_pages or refused (API limit)": 5}
        api.assert_played()
    finally:
        api.close()


def _yt(cid: str, text: str, published: str, updated: str) -> dict[str, Any]:
    top = {"kind": "youtube#comment", "id": cid, "snippet": {
        "videoId": "vidR0000001", "textOriginal": text, "textDisplay": text, "authorDisplayName": "@anon",
        "publishedAt": published, "updatedAt": updated}}
    return {"kind": "youtube#commentThread", "id": cid, "snippet": {"videoId": "vidR0000001", "topLevelComment": top,
                                                                    "totalReplyCount": 0}}


def test_youtube_reread_pages_finds_an_edit_on_an_older_page(base_config: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """reread_pages = 2: once caught up on page 1, page 2 is read again for edits (1 unit); updatedAt makes it
    a new emission with edited_at, once."""
    monkeypatch.setenv("PVWATCH_YOUTUBE_API_KEY", "fake-key")
    new = _yt("Ugz2", "Zentravir: rien", "2024-06-05T10:00:00Z", "2024-06-05T10:00:00Z")
    old = _yt("Ugz1", "Zentravir ok", "2024-06-04T10:00:00Z", "2024-06-04T10:00:00Z")
    edited = _yt("Ugz1", "Zentravir: des vertiges depuis", "2024-06-04T10:00:00Z", "2024-06-05T12:00:00Z")

    def page(items: list[Any], token: str | None, nxt: str | None) -> dict[str, Any]:
        return {"request": {"path": "/commentThreads", "query": {"pageToken": token}},
                "response": {"body": {"items": items} | ({"nextPageToken": nxt} if nxt else {})}}

    api = FakeApi([page([new], None, "P2"), page([old], "P2", None),  # poll 1: both pages, caught up
                   page([new], None, "P2"), page([edited], "P2", None),  # poll 2: page 1, then page 2 re-read
                   page([new], None, "P2"), page([edited], "P2", None)])  # poll 3: the same edit, not again
    try:
        cfg = _cfg(base_config, {"type": "youtube", "videos": ["vidR0000001"], "base_url": api.url,
                                 "reread_pages": 2})
        col = YouTubeCollector("s", cfg.sources["s"], cfg)
        b1 = col.poll({})
        assert [p.id for p in b1.posts] == ["Ugz2", "Ugz1"] and all(p.edited_at is None for p in b1.posts)
        b2 = col.poll(b1.cursor)
        assert [(p.id, p.text) for p in b2.posts] == [("Ugz1", "Zentravir: des vertiges depuis")]
        assert b2.posts[0].edited_at == datetime(2024, 6, 5, 12, tzinfo=UTC)
        assert b2.coverage.reported == 1  # the re-read page is not counted twice in coverage
        assert col.poll(b2.cursor).posts == []
        api.assert_played()
    finally:
        api.close()


def test_hiding_a_stored_version_acts_on_the_platform_post(base_config: dict[str, Any],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit stored as "<id>~v<hash>" is still the platform's comment <id>: hide it by that id."""
    monkeypatch.setenv("PVWATCH_YOUTUBE_OAUTH_TOKEN", "fake-oauth")
    api = FakeApi([{"request": {"method": "POST", "path": "/comments/setModerationStatus",
                                "query": {"id": "UgzEDIT00001", "moderationStatus": "heldForReview"}},
                    "response": {"status": 204, "body": ""}}])
    try:
        cfg = _cfg(base_config, {"type": "youtube", "videos": ["v"], "base_url": api.url})
        version = Post(platform="youtube", id="UgzEDIT00001~v0123456789", text="x", version_of="youtube:UgzEDIT00001")
        res = get_actions(cfg, "youtube", dry_run=False).hide(version)
        assert res.ok and "UgzEDIT00001 set to heldForReview" in res.message and res.post_key == version.key
        api.assert_played()
    finally:
        api.close()
