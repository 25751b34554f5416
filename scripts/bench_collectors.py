"""Collector throughput and API cost: posts/s and API calls per 1,000 posts, per platform, on the fake server.

The real collectors (tweepy, praw, httpx) read generated pages in each platform's real shapes from the project's
fake API on 127.0.0.1 (tests/collectors_fake.py) until caught up. Side by side in one run:

  youtube            threads with more replies than embedded: replies paged with comments.list (every reply)
  youtube-embedded   the obvious alternative, max_reply_pages = 0: embedded replies only (fewer calls, replies lost)
  x-search           recent search, each collected editable post looked up once its edit window closed (edits)
  x-search-no-recheck  the obvious alternative, recheck_edits = false: edits no rule matches any more are lost
  reddit, facebook, instagram

Then the quota a typical company account uses per day (YouTube units, X posts read) for the polling interval
and volumes given on the command line; those are arithmetic on the measured calls, not a measurement.

Usage: .venv/bin/python scripts/bench_collectors.py [--posts 3000] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FAKE_CREDENTIALS = ("PVWATCH_X_BEARER_TOKEN", "PVWATCH_YOUTUBE_API_KEY", "PVWATCH_META_ACCESS_TOKEN",
                    "PVWATCH_REDDIT_CLIENT_ID", "PVWATCH_REDDIT_CLIENT_SECRET")
os.environ.update(dict.fromkeys(FAKE_CREDENTIALS, "bench"), PRAW_ALLOW_ENDPOINT_OVERRIDE="1")  # a local fake API

from collectors.base import Collector  # noqa: E402
from collectors.meta import MetaCollector  # noqa: E402
from collectors.reddit import RedditCollector  # noqa: E402
from collectors.x import XCollector  # noqa: E402
from collectors.youtube import YouTubeCollector  # noqa: E402
from pvwatch.app.config import install_feature_checks  # noqa: E402
from pvwatch.config import parse_config  # noqa: E402
from tests.collectors_fake import FakeApi  # noqa: E402

install_feature_checks()  # source options are checked (and kept for the collectors) as the pvwatch command does

TEXT = "Depuis que je prends le Zentravir j'ai des vertiges le matin, quelqu'un d'autre ? #{i}"
T0 = 1_717_000_000


def iso(i: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + i))


def yt_comment(cid: str, i: int, parent: str | None = None) -> dict[str, Any]:
    sn = {"videoId": "vid0000001", "textOriginal": TEXT.format(i=i), "textDisplay": TEXT.format(i=i),
          "authorDisplayName": f"@a{i}", "publishedAt": iso(i), "updatedAt": iso(i)}
    return {"kind": "youtube#comment", "id": cid, "snippet": sn | ({"parentId": parent} if parent else {})}


def youtube(n: int) -> list[dict[str, Any]]:
    """Threads of 1 top comment + 9 replies, 2 embedded: 10 threads a page (n/10 threads)."""
    threads, pages = [], []
    for t in range(n // 10):
        top = yt_comment(f"T{t}", n - t * 10)
        replies = [yt_comment(f"T{t}.r{k}", n - t * 10 - k, f"T{t}") for k in range(1, 10)]
        threads.append(({"kind": "youtube#commentThread", "id": f"T{t}", "snippet": {
            "videoId": "vid0000001", "topLevelComment": top, "totalReplyCount": 9},
            "replies": {"comments": replies[-2:]}}, replies))
    for p in range(0, len(threads), 10):
        chunk = threads[p:p + 10]
        token = {"pageToken": None if p == 0 else f"p{p}"}
        body = {"items": [th for th, _ in chunk]} | ({"nextPageToken": f"p{p + 10}"} if p + 10 < len(threads) else {})
        pages.append({"request": {"path": "/commentThreads", "query": token}, "response": {"body": body}})
        pages += [{"request": {"path": "/comments", "query": {"parentId": th["id"]}}, "response": {"body": {
            "items": reps}}} for th, reps in chunk]
    return pages


def x_search(n: int, lookups: bool = True) -> list[dict[str, Any]]:
    """Pages of 100 posts; every post carries edit metadata, as X's have since 2022 (windows long closed here), so
    the edit recheck looks each page's posts up once (GET /2/tweets, 100 ids, none edited)."""
    pages = []
    for p in range(0, n, 100):
        data = [{"id": str(1_800_000_000_000_000_000 + n - i), "text": TEXT.format(i=i), "author_id": str(i % 97),
                 "lang": "fr", "created_at": iso(i).replace("Z", ".000Z"),
                 "edit_history_tweet_ids": [str(1_800_000_000_000_000_000 + n - i)],
                 "edit_controls": {"is_edit_eligible": True, "editable_until": iso(i + 1800).replace("Z", ".000Z"),
                                   "edits_remaining": 5}} for i in range(p, min(n, p + 100))]
        meta = {"result_count": len(data)} | ({"next_token": f"n{p + 100}"} if p + 100 < n else {})
        pages.append({"request": {"path": "/2/tweets/search/recent", "query": {"next_token": f"n{p}" if p else None}},
                      "response": {"body": {"data": data, "meta": meta, "includes": {"users": [
                          {"id": str(u), "username": f"u{u}"} for u in range(97)]}}}})
        if lookups:
            pages.append({"request": {"path": "/2/tweets"}, "response": {"body": {"data": data}}})
    return pages


def reddit(n: int) -> list[dict[str, Any]]:
    pages = [{"request": {"method": "POST", "path": "/api/v1/access_token"},
              "response": {"body": {"access_token": "b", "token_type": "bearer", "expires_in": 86400,
                                                     "scope": "*"}}}]
    for p in range(0, n, 100):
        kids = [{"kind": "t1", "data": {"id": f"c{i}", "name": f"t1_c{i}", "author": f"u{i}", "body": TEXT.format(i=i),
                                        "created_utc": float(T0 + n - i), "link_id": "t3_s", "parent_id": "t3_s",
                                        "subreddit": "france", "permalink": f"/r/france/comments/s/_/c{i}/"}}
                for i in range(p, min(n, p + 100))]
        after = f"t1_c{p + 99}" if p + 100 < n else None
        pages.append({"request": {"path": "/r/france/comments/", "query": {"after": f"t1_c{p - 1}" if p else None}},
                      "response": {"body": {"kind": "Listing", "data": {"after": after, "children": kids}}}})
    return pages


def meta(n: int, platform: str) -> list[dict[str, Any]]:
    edge = "posts" if platform == "facebook" else "media"
    pages = [{"request": {"path": f"/v21.0/1/{edge}"}, "response": {"body": {"data": [
        {"id": "m1", "created_time": "2024-06-01T00:00:00+0000", "timestamp": "2024-06-01T00:00:00+0000"}]}}}]
    for p in range(0, n, 100):
        data = [{"id": f"c{i}", "message": TEXT.format(i=i), "text": TEXT.format(i=i), "username": f"u{i}",
                 "created_time": iso(i).replace("Z", "+0000"), "timestamp": iso(i).replace("Z", "+0000")}
                for i in range(p, min(n, p + 100))]
        paging = {"cursors": {"after": f"a{p + 100}"}} | ({"next": "https://graph.invalid/next"} if p + 100 < n else {})
        pages.append({"request": {"path": "/v21.0/m1/comments", "query": {"after": f"a{p}" if p else None}},
                      "response": {"body": {"data": data, "paging": paging}}})
    return pages


def run(name: str, build: Callable[[int], list[dict[str, Any]]], source: dict[str, Any], n: int) -> dict[str, Any]:
    api = FakeApi(build(n))
    cfg = parse_config({"products": [{"name": "Zentravir"}], "sources": {"s": source | _base(source, api.url)}})
    kinds: dict[str, Callable[..., Collector]] = {"x": XCollector, "reddit": RedditCollector,
                                                  "youtube": YouTubeCollector, "meta": MetaCollector}
    col = kinds[source["type"]]("s", cfg.sources["s"], cfg)
    cursor: dict[str, Any] = {}
    posts = 0
    t = time.perf_counter()
    for _ in range(10_000):
        batch = col.poll(cursor)
        posts += len(batch.posts)
        cursor = batch.cursor
        if batch.exhausted:
            break
    elapsed = time.perf_counter() - t
    calls = len(api.requests)
    api.close()
    col.close()
    return {"mode": name, "posts": posts, "seconds": elapsed, "posts_per_s": posts / elapsed,
            "calls": calls, "calls_per_1000_posts": 1000 * calls / max(1, posts)}


def _base(source: dict[str, Any], url: str) -> dict[str, Any]:
    return {"x": {"api_base": url}, "reddit": {"oauth_url": url, "reddit_url": url},
            "youtube": {"base_url": url}, "meta": {"base_url": url}}[source["type"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--poll-minutes", type=float, default=5.0, help="quota estimate: minutes between polls")
    ap.add_argument("--videos", type=int, default=20, help="quota estimate: videos watched on the channel")
    ap.add_argument("--comments-per-day", type=int, default=500, help="quota estimate: new comments a day")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    n = args.posts
    modes: list[tuple[str, Callable[[int], list[dict[str, Any]]], dict[str, Any]]] = [
        ("youtube", youtube, {"type": "youtube", "videos": ["vid0000001"], "max_pages": 100}),
        ("youtube-embedded", youtube, {"type": "youtube", "videos": ["vid0000001"], "max_pages": 100,
                                       "max_reply_pages": 0}),
        ("x-search", x_search, {"type": "x", "mode": "search"}),
        ("x-search-no-recheck", lambda k: x_search(k, lookups=False), {"type": "x", "mode": "search",
                                                                       "recheck_edits": False}),
        ("reddit", reddit, {"type": "reddit", "subreddits": ["france"], "streams": ["comments"], "limit": 1000,
                    "filter": False}),
        ("facebook", lambda k: meta(k, "facebook"), {"type": "meta", "platform": "facebook", "accounts": ["1"],
                                                    "max_pages": 100}),
        ("instagram", lambda k: meta(k, "instagram"), {"type": "meta", "platform": "instagram", "accounts": ["1"],
                                                      "max_pages": 100}),
    ]
    rows = []
    for name, build, source in modes:
        if name == "youtube-embedded":  # its cassette has reply pages it must not request: trim them
            build = (lambda k: [i for i in youtube(k) if i["request"]["path"] != "/comments"])  # noqa: E731
        runs = [run(name, build, source, n if name != "reddit" else min(n, 1000)) for _ in range(args.runs)]
        best = {k: statistics.median(r[k] for r in runs) for k in ("posts", "posts_per_s", "calls",
                                                                  "calls_per_1000_posts")}
        rows.append({"mode": name, **best, "posts_per_s_range": [min(r["posts_per_s"] for r in runs),
                                                                   max(r["posts_per_s"] for r in runs)]})
    print(f"{'mode':20} {'posts':>6} {'posts/s (median, min-max)':>28} {'calls':>6} {'calls/1000 posts':>17}")
    for r in rows:
        lo, hi = r["posts_per_s_range"]
        print(f"{r['mode']:20} {r['posts']:>6.0f} {r['posts_per_s']:>10.0f} ({lo:.0f}-{hi:.0f}){'':>8} "
              f"{r['calls']:>6.0f} {r['calls_per_1000_posts']:>17.1f}")
    polls = 24 * 60 / args.poll_minutes
    yt = next(r for r in rows if r["mode"] == "youtube")
    units = polls * args.videos + args.comments_per_day * yt["calls_per_1000_posts"] / 1000
    print(f"\nYouTube quota estimate: {args.videos} videos polled every {args.poll_minutes:g} min = {polls:.0f} "
          f"polls x {args.videos} = {polls * args.videos:.0f} units for the first page of each, + "
          f"{args.comments_per_day} comments/day x {yt['calls_per_1000_posts'] / 1000:.3f} units = {units:.0f} "
          f"units/day (default quota 10,000)")
    print(f"X: every post read counts against the project's monthly cap: {args.comments_per_day} matching posts a "
          f"day = {30 * args.comments_per_day:,} a month, twice that with the edit recheck (each collected editable "
          f"post is read once more when its edit window closes): {60 * args.comments_per_day:,}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "youtube_units_per_day": units}, indent=2))


if __name__ == "__main__":
    main()
