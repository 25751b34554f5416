"""Facebook Page and Instagram professional-account comments (Graph API), with httpx.

Only accounts the company owns (a Page access token cannot read anyone else's comments). Each poll lists the
latest `posts_limit` posts/media of each account and reads their comments newer than the account's watermark,
paging with `after` cursors (never following `paging.next` URLs, which carry the token to wherever they point).
Cursor: {"accounts": {id: {"since": unix seconds}}, "seen": [...]}.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from collectors.actions import PlatformActions
from collectors.base import Collector
from collectors.http import JsonApi, RateLimited, TransientError
from collectors.options import MetaConnection, MetaOptions
from collectors.rules import KeywordMatcher
from collectors.seen import SeenSet
from pvwatch.errors import CollectorError, ConfigError
from pvwatch.models import Post
from pvwatch.ports import Batch, Coverage

RATE_CODES = {4, 17, 32, 613} | set(range(80001, 80015))
FIELDS = {
    "facebook": ("posts", "id,created_time,permalink_url",
                 "id,message,created_time,permalink_url,from{id,name},parent{id}"),
    # IG's /comments lists top-level comments only: replies come from each comment's `replies` edge.
    "instagram": ("media", "id,timestamp,permalink",
                  "id,text,timestamp,username,parent_id,replies{id,text,timestamp,username,parent_id}"),
}
REPLY_FIELDS = "id,text,timestamp,username,parent_id"
# The Graph API's Comment (Facebook: created_time, message...) and IG Comment (timestamp, text...) have no field
# that says a comment was edited, nor its edit time, so an edit is never re-read: said in coverage and health.
EDITS_NOT_VISIBLE = ("comment edits (the Graph API gives comments no edit time: an edited comment keeps the text "
                     "first collected)")


class GraphApi(JsonApi):
    def check(self, resp: httpx.Response, body: Any, what: str) -> None:
        err = body.get("error") if isinstance(body, dict) else None
        if resp.status_code < 400 or not isinstance(err, dict):
            return super().check(resp, body, what)
        code, msg = err.get("code"), str(err.get("message", ""))[:300]
        if code in RATE_CODES:
            raise RateLimited(f"{what}: Graph API rate limit (code {code}); waiting", _regain(resp.headers))
        if code == 190:
            raise CollectorError(f"{what}: access token invalid or expired (190: {msg}); issue a new long-lived "
                                 "Page token (docs/collectors.md#facebook-and-instagram)")
        if code == 10 or (isinstance(code, int) and 200 <= code < 300):
            raise CollectorError(f"{what}: permission missing ({code}: {msg}); the token needs pages_read_engagement"
                                 ", pages_read_user_content / instagram_manage_comments")
        if code in (1, 2) or resp.status_code >= 500:
            raise TransientError(f"{what}: Graph API unavailable ({code}: {msg})")
        raise CollectorError(f"{what}: Graph API error {code}: {msg}")


def _regain(headers: httpx.Headers) -> float:
    """Business use case throttling says when access comes back (minutes) in a JSON header."""
    try:
        usage = json.loads(headers.get("x-business-use-case-usage") or "{}")
        minutes = max(int(e.get("estimated_time_to_regain_access", 0)) for v in usage.values() for e in v)
        return max(60.0, minutes * 60.0)
    except (ValueError, TypeError, AttributeError):
        return 300.0


def _ts(value: Any) -> datetime:
    # Graph API times look like 2024-05-13T08:00:00+0000
    return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)


def comment_to_post(c: Any, platform: str, media: dict[str, Any], source: str, rule: str | None) -> Post:
    if not isinstance(c, dict) or not isinstance(c.get("id"), str):
        raise ValueError("comment without id")
    text = c.get("message") if platform == "facebook" else c.get("text")
    if not isinstance(text, str):
        raise ValueError(f"comment {c['id']} without text")
    parent = (c.get("parent") or {}).get("id") if platform == "facebook" else c.get("parent_id")
    # `from` is absent when the token may not see the commenter (real pages: not an error)
    author = (c.get("from") or {}).get("name") if platform == "facebook" else c.get("username")
    url = c.get("permalink_url") or media.get("permalink_url") or media.get("permalink")
    return Post(platform=platform, id=c["id"], text=text, author=author, url=url,
                created_at=_ts(c.get("created_time") or c.get("timestamp")), parent_id=parent,
                thread_id=str(media.get("id")), source=source, rule=rule, company_owned=True, raw=c)


def _next_after(page: Any) -> str | None:
    """The `after` cursor of the next page, or None on the last one. Real last pages still carry cursors but no
    `next` (Graph API: no `next` means no more data); we page with the cursor, never the `next` URL."""
    paging = page.get("paging") if isinstance(page, dict) else None
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    after = (paging.get("cursors") or {}).get("after")
    return str(after) if after else None


class MetaCollector(Collector):
    type = "meta"
    options_model = MetaOptions
    options: MetaOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matcher = KeywordMatcher(self.cfg.products, self.options.keywords)
        self._api: GraphApi | None = None

    @property
    def api(self) -> GraphApi:
        if self._api is None:
            token = self.cfg.secret(self.options.access_token_env)
            if not token:
                raise ConfigError(f"sources.{self.name}.access_token_env", f"{self.options.access_token_env} is empty",
                                  "export a Page access token (docs/collectors.md#facebook-and-instagram)")
            self._api = GraphApi(f"{self.options.base_url}/{self.options.graph_version}",
                                 headers={"Authorization": f"Bearer {token}"})
        return self._api

    def poll(self, cursor: dict[str, Any]) -> Batch:
        accounts: dict[str, Any] = dict(cursor.get("accounts") or {})
        seen = SeenSet(cursor.get("seen", []), self.options.seen_max)
        posts: list[Post] = []
        errors: list[str] = []
        wait = 0.0
        for acct in self.options.accounts:
            st = dict(accounts.get(acct) or {})
            try:
                self._account(acct, st, seen, posts, errors)
            except RateLimited as exc:
                wait = exc.wait_seconds
                break
            accounts[acct] = st
        return Batch(posts=posts, cursor={"accounts": accounts, "seen": seen.to_list()}, exhausted=True,
                     wait_seconds=wait, errors=errors, coverage=Coverage(limits=[EDITS_NOT_VISIBLE]))

    def _account(self, acct: str, st: dict[str, Any], seen: SeenSet, posts: list[Post], errors: list[str]) -> None:
        plat = self.options.platform
        edge, media_fields, comment_fields = FIELDS[plat]
        since = int(st.get("since", 0))
        newest = since
        listing = self.api.get(f"/{acct}/{edge}", {"fields": media_fields, "limit": self.options.posts_limit})
        for media in listing.get("data") or []:
            if not isinstance(media, dict) or "id" not in media:
                errors.append(f"{acct}: media without id skipped")
                continue
            params: dict[str, Any] = {"fields": comment_fields, "limit": 100}
            if plat == "facebook":  # IG comments have no server-side time filter: filtered below
                params.update(filter="stream", order="reverse_chronological", since=since or None)
            for _ in range(self.options.max_pages):
                page = self.api.get(f"/{media['id']}/comments", params)
                for c in page.get("data") or []:
                    newest = max(newest, self._take(c, media, since, seen, posts, errors))
                    if plat == "instagram" and isinstance(c, dict):
                        for reply in self._ig_replies(c, errors):
                            newest = max(newest, self._take(reply, media, since, seen, posts, errors))
                after = _next_after(page)
                if after is None:
                    break
                params["after"] = after
        st["since"] = newest

    def _take(self, c: Any, media: dict[str, Any], since: int, seen: SeenSet, posts: list[Post],
              errors: list[str]) -> int:
        """One comment: kept if new; returns its time (or 0) for the account's watermark."""
        try:
            created = int(_ts(c.get("created_time") or c.get("timestamp")).timestamp())
            if created < since or c.get("id") in seen:
                return 0
            text = c.get("message") or c.get("text") or ""
            rule = self.matcher.match(text)
            post = comment_to_post(c, self.options.platform, media, self.name, rule)
        except (ValueError, TypeError, AttributeError) as exc:
            errors.append(f"{media['id']}: comment skipped: {exc}")
            return 0
        seen.add(post.id)
        if not self.options.filter or rule is not None:
            posts.append(post)
        return created

    def _ig_replies(self, comment: dict[str, Any], errors: list[str]) -> list[dict[str, Any]]:
        """The replies embedded in the comment, then the rest of its `replies` edge page by page."""
        embedded = comment.get("replies")
        edge: dict[str, Any] = embedded if isinstance(embedded, dict) else {}
        out = [dict(r, parent_id=r.get("parent_id") or comment["id"]) for r in edge.get("data") or []
               if isinstance(r, dict)]
        after = _next_after(edge)
        for _ in range(self.options.max_pages if after else 0):
            page = self.api.get(f"/{comment['id']}/replies", {"fields": REPLY_FIELDS, "limit": 100, "after": after})
            out += [dict(r, parent_id=r.get("parent_id") or comment["id"]) for r in page.get("data") or []
                    if isinstance(r, dict)]
            after = _next_after(page)
            if after is None:
                break
        else:
            if after:
                errors.append(f"{comment['id']}: replies cut at max_pages={self.options.max_pages}")
        return out

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None


class MetaActions(PlatformActions):
    """Facebook: POST is_hidden / DELETE; Instagram: POST hide / DELETE. Needs the Page token."""

    connection_model = MetaConnection
    conn: MetaConnection

    def _call(self, method: str, post: Post, params: dict[str, Any] | None) -> str:
        token = self.secret(self.conn.access_token_env)
        api = GraphApi(f"{self.conn.base_url}/{self.conn.graph_version}", headers={"Authorization": f"Bearer {token}"})
        try:
            body = api.request(method, f"/{post.id}", params)
        finally:
            api.close()
        if not (isinstance(body, dict) and body.get("success")):
            raise CollectorError(f"Graph API did not confirm the change on {post.id}: {str(body)[:200]}")
        return f"{post.platform} comment {post.id}: {method} {params or ''} done"

    def _hide(self, post: Post) -> str:
        key = "is_hidden" if post.platform == "facebook" else "hide"
        return self._call("POST", post, {key: "true"})

    def _remove(self, post: Post) -> str:
        return self._call("DELETE", post, None)
