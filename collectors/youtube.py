"""YouTube comments (Data API v3 commentThreads) on configured channels and videos, with httpx.

Threads come newest first (order=time). A poll walks pages until it reaches a comment at or before the
watermark of the previous scan; a scan cut short by `max_pages` resumes at its pageToken next poll.
Cursor: {"targets": {"video:ID": {"watermark", "page_token", "scan_newest"}}, "seen": [...]}.
Replies come from the thread's `replies`, which embeds only a few per thread: when `totalReplyCount` says there
are more, the thread's replies are paged through `comments.list?parentId=` (1 quota unit a page, bounded by
`max_reply_pages`). Quota exhaustion waits until the quota resets (midnight Pacific time); a target the platform
refuses (403/404: comments disabled, private video, permission denied) is reported and the others go on.
Edits: a comment whose `updatedAt` is later than its `publishedAt` is emitted again (with `edited_at`) the first
time that `updatedAt` is seen, also below the watermark; the pipeline stores it as a new version of the post.
Every poll already reads the first page of each target, so the newest `max_results` threads and their embedded
replies are re-read at no extra cost; `reread_pages` > 1 reads further pages once caught up (1 unit each).
Cursor "edits": the bounded set of "<id>@<updatedAt>" already emitted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from collectors.actions import PlatformActions
from collectors.base import Collector
from collectors.http import JsonApi, RateLimited
from collectors.options import YouTubeConnection, YouTubeOptions
from collectors.rules import KeywordMatcher
from collectors.seen import SeenSet
from pvwatch.errors import CollectorError, ConfigError
from pvwatch.models import Post
from pvwatch.ports import Batch, Coverage


def seconds_to_quota_reset(now: datetime | None = None) -> float:
    pacific = ZoneInfo("America/Los_Angeles")
    local = (now or datetime.now(pacific)).astimezone(pacific)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=5, microsecond=0)
    return (midnight - local).total_seconds()


class YouTubeApi(JsonApi):
    def check(self, resp: httpx.Response, body: Any, what: str) -> None:
        err = body.get("error") if isinstance(body, dict) else None
        if resp.status_code < 400 or not isinstance(err, dict):
            return super().check(resp, body, what)
        reasons = {e.get("reason") for e in err.get("errors") or [] if isinstance(e, dict)}
        msg = str(err.get("message", ""))[:300]
        if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
            wait = seconds_to_quota_reset()
            raise RateLimited(f"{what}: YouTube daily quota exhausted; waiting {wait:.0f}s for the reset", wait)
        if reasons & {"rateLimitExceeded", "userRateLimitExceeded"} or resp.status_code == 429:
            raise RateLimited(f"{what}: YouTube rate limit; waiting 60s", 60.0)
        if reasons & {"keyInvalid", "accessNotConfigured", "ipRefererBlocked"} or resp.status_code == 401:
            raise CollectorError(f"{what}: YouTube refused the request ({msg}); check the API key env var")
        if resp.status_code in (403, 404) or reasons & {"commentsDisabled", "videoNotFound", "channelNotFound",
                                                         "forbidden", "processingFailure"}:
            # This video/channel only (comments disabled, private, PERMISSION_DENIED...): the others go on.
            why = ", ".join(sorted(r for r in reasons if r)) or str(err.get("status") or resp.status_code)
            raise TargetError(f"{what}: {why}: {msg}")
        if reasons & {"badRequest"} or resp.status_code == 400:
            raise CollectorError(f"{what}: YouTube refused the request ({msg}); check the API key env var and ids")
        super().check(resp, body, what)


class TargetError(CollectorError):
    """One channel/video cannot be read (comments disabled, deleted): reported, the others go on."""


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def edited_time(c: dict[str, Any]) -> str | None:
    """The comment's `updatedAt` when it is later than `publishedAt` (YouTube's sign of an edit), else None."""
    sn = c.get("snippet") or {}
    updated, published = sn.get("updatedAt"), sn.get("publishedAt")
    if not isinstance(updated, str) or not isinstance(published, str):
        return None
    try:
        return updated if _time(updated) > _time(published) else None
    except ValueError:
        return None


def _comment(c: Any, video: str | None, parent: str | None, source: str, rule: str | None,
             owned: bool) -> Post:
    sn = c.get("snippet") if isinstance(c, dict) else None
    if not isinstance(sn, dict) or not isinstance(c.get("id"), str):
        raise ValueError("comment without id/snippet")
    text = sn.get("textOriginal") or sn.get("textDisplay")
    if not isinstance(text, str):
        raise ValueError(f"comment {c['id']} without text")
    video = video or sn.get("videoId")
    channel = sn.get("channelId")  # channel-level (discussion) threads have no videoId
    url = (f"https://www.youtube.com/watch?v={video}&lc={c['id']}" if video
           else f"https://www.youtube.com/channel/{channel}?lc={c['id']}" if isinstance(channel, str) else None)
    edited = edited_time(c)
    return Post(platform="youtube", id=c["id"], text=text, author=sn.get("authorDisplayName"), url=url,
                created_at=_time(str(sn["publishedAt"])), edited_at=_time(edited) if edited else None,
                parent_id=parent, thread_id=video or (f"channel:{channel}" if isinstance(channel, str) else None),
                source=source, rule=rule, company_owned=owned, raw=c)


class YouTubeCollector(Collector):
    type = "youtube"
    options_model = YouTubeOptions
    options: YouTubeOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matcher = KeywordMatcher(self.cfg.products, self.options.keywords)
        self._api: YouTubeApi | None = None
        # This poll's coverage over the threads scanned: comments the platform says exist (top + totalReplyCount)
        # against comments it let us read; the difference is an API limit (max_reply_pages) or a refusal.
        self._cov = Coverage()
        self._edits = SeenSet()  # "<id>@<updatedAt>" already emitted (from the cursor)

    @property
    def api(self) -> YouTubeApi:
        if self._api is None:
            key = self.cfg.secret(self.options.api_key_env)
            if not key:
                raise ConfigError(f"sources.{self.name}.api_key_env", f"{self.options.api_key_env} is empty",
                                  "export a YouTube Data API key (docs/collectors.md#youtube)")
            self._api = YouTubeApi(self.options.base_url, params={"key": key})
        return self._api

    def poll(self, cursor: dict[str, Any]) -> Batch:
        targets = [f"channel:{c}" for c in self.options.channels] + [f"video:{v}" for v in self.options.videos]
        states: dict[str, Any] = dict(cursor.get("targets") or {})
        seen = SeenSet(cursor.get("seen", []), self.options.seen_max)
        self._edits = SeenSet(cursor.get("edits", []), self.options.seen_max)
        self._cov = Coverage()
        posts: list[Post] = []
        errors: list[str] = []
        wait, exhausted = 0.0, True
        for target in targets:
            st = dict(states.get(target) or {})
            try:
                exhausted &= self._scan(target, st, seen, posts, errors)
            except TargetError as exc:
                errors.append(f"{target}: {exc}")
            except RateLimited as exc:
                wait = exc.wait_seconds
                break
            finally:
                states[target] = st
        return Batch(posts=posts, cursor={"targets": states, "seen": seen.to_list(), "edits": self._edits.to_list()},
                     exhausted=exhausted,
                     wait_seconds=wait, errors=errors, coverage=self._cov)

    def _scan(self, target: str, st: dict[str, Any], seen: SeenSet, posts: list[Post], errors: list[str]) -> bool:
        kind, ident = target.split(":", 1)
        watermark = st.get("watermark") or ""
        params = {"part": "snippet,replies", "order": "time", "textFormat": "plainText",
                  "maxResults": self.options.max_results,
                  ("allThreadsRelatedToChannelId" if kind == "channel" else "videoId"): ident}
        for n in range(self.options.max_pages):
            page = self.api.get("/commentThreads", dict(params, pageToken=st.get("page_token")))
            reached_old = self._page(target, page, watermark, st, seen, posts, errors)
            token = page.get("nextPageToken")
            if reached_old or not token:  # caught up: the newest of this scan is the next watermark
                self._reread(target, params, token, n + 1, watermark, st, seen, posts, errors)
                st.update(watermark=max(watermark, st.pop("scan_newest", "") or ""), page_token=None)
                return True
            st["page_token"] = token
        return False

    def _page(self, target: str, page: dict[str, Any], watermark: str, st: dict[str, Any], seen: SeenSet,
              posts: list[Post], errors: list[str]) -> bool:
        reached_old = False
        for item in page.get("items") or []:
            try:
                reached_old |= self._thread(target, item, watermark, st, seen, posts, errors)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                errors.append(f"{target}: thread skipped: {exc}")
        return reached_old

    def _reread(self, target: str, params: dict[str, Any], token: str | None, read: int, watermark: str,
                st: dict[str, Any], seen: SeenSet, posts: list[Post], errors: list[str]) -> None:
        """Older thread pages, read again for edits up to reread_pages pages in all (1 quota unit each)."""
        counted, self._cov = self._cov, Coverage()  # threads already counted when first scanned
        try:
            while token and read < self.options.reread_pages:
                page = self.api.get("/commentThreads", dict(params, pageToken=token))
                self._page(target, page, watermark, st, seen, posts, errors)
                token, read = page.get("nextPageToken"), read + 1
        finally:
            self._cov = counted

    def _thread(self, target: str, item: Any, watermark: str, st: dict[str, Any], seen: SeenSet, posts: list[Post],
                errors: list[str]) -> bool:
        sn = item["snippet"]
        top = sn["topLevelComment"]
        video = sn.get("videoId")
        embedded = (item.get("replies") or {}).get("comments") or []
        total = sn.get("totalReplyCount")
        total = total if isinstance(total, int) and total >= 0 else len(embedded)
        replies = embedded
        # Embedded replies are the most recent ones: when none of them (nor the top comment) is newer than the
        # watermark, the thread has nothing new and costs no request.
        newest = max([str(c["snippet"]["publishedAt"]) for c in [top, *embedded]])
        if total > len(embedded) and self.options.max_reply_pages and (not watermark or newest > watermark):
            replies = self._replies(str(top["id"]), target, errors) or embedded
        self._cov.reported += 1 + total
        self._cov.read += 1 + len(replies)
        self._cov.gap("replies beyond max_reply_pages or refused (API limit)", total - len(replies))
        comments = [(top, None)] + [(r, top.get("id")) for r in replies]
        old = False
        for c, parent in comments:
            published = str(c["snippet"]["publishedAt"])
            edited = edited_time(c)
            edit = f"{c.get('id')}@{edited}" if edited else None
            if watermark and published <= watermark:  # ISO-8601 UTC strings order like the times
                old |= parent is None
                if edit is not None and edit not in self._edits:  # edited since: a new version of the post
                    self._emit(c, video, parent, posts)
                    self._edits.add(edit)
                continue
            st["scan_newest"] = max(st.get("scan_newest") or "", published)
            if edit is not None:
                self._edits.add(edit)
            if c.get("id") in seen:
                continue
            seen.add(str(c.get("id")))
            self._emit(c, video, parent, posts)
        return old

    def _emit(self, c: dict[str, Any], video: str | None, parent: str | None, posts: list[Post]) -> None:
        text = c["snippet"].get("textOriginal") or c["snippet"].get("textDisplay") or ""
        rule = self.matcher.match(text)
        if self.options.filter and rule is None:
            return
        posts.append(_comment(c, video, parent, self.name, rule, self.source.company_owned))

    def _replies(self, parent: str, target: str, errors: list[str]) -> list[Any]:
        """All replies of one thread via comments.list (commentThreads embeds only a few)."""
        out: list[Any] = []
        params: dict[str, Any] = {"part": "snippet", "parentId": parent, "maxResults": 100, "textFormat": "plainText"}
        for _ in range(self.options.max_reply_pages):
            try:
                page = self.api.get("/comments", params)
            except TargetError as exc:
                errors.append(f"{target}: replies of {parent}: {exc}")
                break
            out += [c for c in page.get("items") or [] if isinstance(c, dict)]
            token = page.get("nextPageToken")
            if not token:
                return out
            params["pageToken"] = token
        else:
            errors.append(f"{target}: replies of {parent} cut at max_reply_pages={self.options.max_reply_pages}")
        return out

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None


class YouTubeActions(PlatformActions):
    """comments.setModerationStatus with an OAuth token of the channel owner (scope youtube.force-ssl)."""

    connection_model = YouTubeConnection
    conn: YouTubeConnection

    def _set(self, post: Post, status: str) -> str:
        token = self.secret(self.conn.oauth_token_env)
        api = YouTubeApi(self.conn.base_url, headers={"Authorization": f"Bearer {token}"})
        try:
            api.request("POST", "/comments/setModerationStatus", {"id": post.id, "moderationStatus": status})
        finally:
            api.close()
        return f"comment {post.id} set to {status} on YouTube"

    def _hide(self, post: Post) -> str:
        return self._set(post, "heldForReview")

    def _remove(self, post: Post) -> str:
        return self._set(post, "rejected")
