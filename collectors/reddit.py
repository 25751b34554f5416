"""Reddit with praw: new comments and submissions of configured subreddits, filtered on product keywords.

Each poll reads the newest items of each listing (praw pages through them lazily) until it reaches one older
than the watermark of the last poll. Cursor per listing: {"watermark": newest created_utc, "seen": [fullnames],
"edits": {fullname: signature}} - the bounded seen-set removes the overlap (ties on a second, a replayed page
after a restart).

Edits: the same walk goes on past the watermark over the `reread_items` newest items younger than
`reread_hours` (by default the items the poll's first request already returned: no extra call). An item whose
`edited` timestamp or body changed since the last look is emitted again with `edited_at`, and the pipeline stores
it as a new version of the post (pvwatch/versions.py). One we collected that is now `[deleted]`/`[removed]` is
reported as gone (recorded on the stored item), never as a new text.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

import praw
import prawcore

from collectors.actions import PlatformActions
from collectors.base import Collector
from collectors.http import RateLimited, TransientError, parse_retry_after
from collectors.options import Listing, RedditConnection, RedditOptions
from collectors.rules import KeywordMatcher
from collectors.seen import SeenSet
from pvwatch.errors import CollectorError, ConfigError
from pvwatch.models import MAX_RAW_BYTES, Post
from pvwatch.ports import Batch, Coverage, Gone, GoneReason

# What Reddit leaves in place of a body its author deleted or a moderator removed: not the author's words.
TOMBSTONES = {"[deleted]", "[removed]", "[ Removed by Reddit ]", "[removed by reddit]"}


class Tombstone(ValueError):
    """A deleted or removed comment: nothing of its author is left to screen (counted, not stored)."""


def make_reddit(opts: RedditConnection, env: Any, *, user: bool = False) -> praw.Reddit:
    cid, secret = env(opts.client_id_env), env(opts.client_secret_env)
    if not cid or not secret:
        raise ConfigError(f"sources.*.{opts.client_id_env}", "Reddit app credentials are not set",
                          f"export {opts.client_id_env} and {opts.client_secret_env} (docs/collectors.md#reddit)")
    extra: dict[str, Any] = {}
    if user:
        extra = {"username": env(opts.username_env), "password": env(opts.password_env)}
        if not all(extra.values()):
            raise ConfigError(f"sources.*.{opts.username_env}", "moderator account credentials are not set",
                              f"export {opts.username_env} and {opts.password_env}")
    return praw.Reddit(client_id=cid, client_secret=secret, user_agent=opts.user_agent, oauth_url=opts.oauth_url,
                       reddit_url=opts.reddit_url, check_for_updates=False, check_for_async=False,
                       timeout=opts.timeout, **extra)


def explain(exc: Exception, what: str) -> Exception:
    """prawcore's exceptions -> ours, with the fix in the message."""
    if isinstance(exc, prawcore.TooManyRequests):
        wait = parse_retry_after(exc.retry_after) or 60.0
        return RateLimited(f"{what}: Reddit rate limit (429); waiting {wait:.0f}s", wait)
    if isinstance(exc, prawcore.Redirect):
        return CollectorError(f"{what}: subreddit does not exist (Reddit redirected to search); check subreddits")
    if isinstance(exc, prawcore.Forbidden):
        return CollectorError(f"{what}: 403 forbidden - the subreddit is private/quarantined/banned or the "
                              "account lacks moderator rights")
    if isinstance(exc, prawcore.NotFound):
        return CollectorError(f"{what}: 404 not found; check the subreddit names")
    if isinstance(exc, prawcore.OAuthException | prawcore.InvalidToken) or (
        isinstance(exc, prawcore.ResponseException) and exc.response.status_code == 401
    ):
        return CollectorError(f"{what}: Reddit refused the credentials (401); check the client id/secret env vars")
    if isinstance(exc, prawcore.ServerError | prawcore.RequestException):
        return TransientError(f"{what}: Reddit unavailable ({type(exc).__name__}); will retry")
    if isinstance(exc, prawcore.ResponseException):
        return CollectorError(f"{what}: HTTP {exc.response.status_code}")
    return exc


def _raw(item: Any) -> dict[str, Any]:
    raw = {k: v for k, v in vars(item).items()
           if not k.startswith("_") and isinstance(v, str | int | float | bool | type(None))}
    raw["author"] = _author(item)
    sub = vars(item).get("subreddit")
    raw["subreddit"] = getattr(sub, "display_name", sub if isinstance(sub, str) else None)
    return raw if len(str(raw)) <= MAX_RAW_BYTES else {"truncated": str(raw)[:MAX_RAW_BYTES]}


def _author(item: Any) -> str | None:
    a = vars(item).get("author")  # vars(): never let praw lazily fetch a missing attribute
    name = str(getattr(a, "name", a)) if a else None
    return None if name == "[deleted]" else name  # Reddit's placeholder for a deleted account, not a user


def item_text(item: Any, kind: Listing) -> str:
    fields = vars(item)
    if kind == "comments":
        body = fields.get("body")
        if not isinstance(body, str):
            raise ValueError("comment without a text body")
        if body.strip() in TOMBSTONES:
            raise Tombstone(body.strip())
        return body
    title, selftext = fields.get("title"), fields.get("selftext") or ""
    if not isinstance(title, str) or not isinstance(selftext, str):
        raise ValueError("submission without a title")
    if selftext.strip() in TOMBSTONES:  # the title stays the author's words; the body is gone
        selftext = ""
    return f"{title}\n\n{selftext}".strip()


def permalink(fields: dict[str, Any], kind: Listing) -> str | None:
    """The item's link; old listings lack `permalink`, so it is rebuilt from the ids (Reddit's URL scheme)."""
    link = fields.get("permalink")
    if isinstance(link, str) and link.startswith("/"):
        return f"https://www.reddit.com{link}"
    sub = fields.get("subreddit")
    sub_name = getattr(sub, "display_name", sub if isinstance(sub, str) else None)
    prefix = f"https://www.reddit.com/r/{sub_name}" if sub_name else "https://www.reddit.com"
    name = str(fields.get("name") or "")
    if kind == "submissions" and name.startswith("t3_"):
        return f"{prefix}/comments/{name[3:]}/"
    link_id = str(fields.get("link_id") or "")
    if kind == "comments" and link_id.startswith("t3_") and name.startswith("t1_"):
        return f"{prefix}/comments/{link_id[3:]}/_/{name[3:]}/"
    return None


def edited_at(fields: dict[str, Any]) -> datetime | None:
    """Reddit's `edited`: false, or the epoch time of the last edit (a float; true on some very old items)."""
    edited = fields.get("edited")
    if isinstance(edited, bool) or not isinstance(edited, int | float):
        return None
    return datetime.fromtimestamp(float(edited), UTC)


def tombstone_of(fields: dict[str, Any], kind: Listing) -> GoneReason | None:
    """Whether the item's text is now Reddit's placeholder: deleted by its author or removed by a moderator."""
    body = fields.get("body" if kind == "comments" else "selftext")
    mark = body.strip() if isinstance(body, str) else ""
    if mark not in TOMBSTONES:
        return None
    return GoneReason.deleted if mark == "[deleted]" else GoneReason.removed


def signature(fields: dict[str, Any], kind: Listing, collected: bool) -> str:
    """What a re-read compares: collected or not, the `edited` value, a hash of the text fields."""
    text = f"{fields.get('title', '')}\n{fields.get('body' if kind == 'comments' else 'selftext', '')}"
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]
    return f"{int(collected)}|{fields.get('edited')}|{digest}"


def to_post(item: Any, kind: Listing, text: str, source: str, rule: str | None, company_owned: bool,
            seen_edit_at: datetime | None = None) -> Post:
    fields = vars(item)
    created = fields.get("created_utc")
    if not isinstance(created, int | float):
        raise ValueError("item without created_utc")
    return Post(
        platform="reddit", id=str(fields["name"]), text=text, url=permalink(fields, kind),
        author=_author(item), created_at=datetime.fromtimestamp(float(created), UTC),
        edited_at=edited_at(fields) or seen_edit_at,
        parent_id=fields.get("parent_id") if kind == "comments" else None,
        thread_id=fields.get("link_id") if kind == "comments" else str(fields["name"]),
        source=source, rule=rule, company_owned=company_owned, raw=_raw(item),
    )


class RedditCollector(Collector):
    type = "reddit"
    options_model = RedditOptions
    options: RedditOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matcher = KeywordMatcher(self.cfg.products, self.options.keywords)  # never empty if filter: checked
        self._reddit: praw.Reddit | None = None

    @property
    def reddit(self) -> praw.Reddit:
        if self._reddit is None:
            self._reddit = make_reddit(self.options, self.cfg.secret)
        return self._reddit

    def poll(self, cursor: dict[str, Any]) -> Batch:
        posts: list[Post] = []
        errors: list[str] = []
        gone: list[Gone] = []
        new_cursor = dict(cursor)
        cov = Coverage()
        wait = 0.0
        subreddit = self.reddit.subreddit("+".join(s.removeprefix("r/") for s in self.options.subreddits))
        for kind in self.options.streams:
            state = cursor.get(kind) or {}
            try:
                new_cursor[kind] = self._read(subreddit, kind, state, posts, errors, cov, gone)
            except Exception as exc:  # noqa: BLE001 - mapped to ours just below
                mapped = explain(exc, f"r/{subreddit.display_name} {kind}")
                if isinstance(mapped, RateLimited):  # keep what we have; the pipeline waits before the next poll
                    wait = max(wait, mapped.wait_seconds)
                    continue
                raise mapped from None
        return Batch(posts=posts, cursor=new_cursor, exhausted=True, wait_seconds=wait, errors=errors, coverage=cov,
                     gone=gone)

    def _reread_items(self) -> int:
        n = self.options.reread_items
        return min(self.options.limit, 100) if n is None else n

    def _read(self, subreddit: Any, kind: Listing, state: dict[str, Any], posts: list[Post],
              errors: list[str], cov: Coverage, gone: list[Gone]) -> dict[str, Any]:
        watermark = float(state.get("watermark", 0.0))
        seen = SeenSet(state.get("seen", []), self.options.seen_max)
        old_sigs: dict[str, str] = dict(state.get("edits") or {})
        sigs: dict[str, str] = {}  # this walk's window: items that fall out of it are forgotten
        reread, window_start = self._reread_items(), time.time() - self.options.reread_hours * 3600
        newest = watermark
        found: list[Post] = []
        listing = subreddit.comments if kind == "comments" else subreddit.new
        for n, item in enumerate(listing(limit=max(self.options.limit, reread))):
            fields = vars(item)
            created, name = fields.get("created_utc"), fields.get("name")
            if not isinstance(name, str) or not isinstance(created, int | float):
                errors.append(f"{kind}: item without name/created_utc skipped")
                continue
            if created < watermark or name in seen:
                if n >= reread or created < window_start:
                    if created < watermark:
                        break  # older than the last poll's newest and outside the edit window: caught up
                    continue
                self._recheck(item, kind, old_sigs.get(name), sigs, found, gone, errors)
                continue
            if n >= self.options.limit:
                break
            seen.add(name)
            newest = max(newest, float(created))
            collected = False
            try:
                text = item_text(item, kind)
                rule = self.matcher.match(text)
                if not (self.options.filter and rule is None):
                    found.append(to_post(item, kind, text, self.name, rule, self.source.company_owned))
                    collected = True
            except Tombstone as gone_text:  # nothing of its author is left: a gap with its reason, not a post
                cov.gap(f"{kind} {gone_text}")
            except (ValueError, KeyError) as exc:
                errors.append(f"{kind} {name}: {exc}")
            sigs[name] = signature(fields, kind, collected)
        posts.extend(reversed(found))  # oldest first, like a stream
        return {"watermark": newest, "seen": seen.to_list(), "edits": sigs}

    def _recheck(self, item: Any, kind: Listing, before: str | None, sigs: dict[str, str], found: list[Post],
                 gone: list[Gone], errors: list[str]) -> None:
        """An item already looked at: emit it again if edited since, report it gone if deleted since."""
        fields = vars(item)
        name = str(fields["name"])
        was_collected = before is not None and before.startswith("1|")
        now = signature(fields, kind, was_collected)
        sigs[name] = now
        if before is None and edited_at(fields) is None:
            return  # first look (window just widened, cursor from an older version): nothing to compare
        if before == now:
            return
        reason = tombstone_of(fields, kind)
        if reason is not None:
            if was_collected:
                gone.append(Gone(key=f"reddit:{name}", reason=reason))
            return
        try:
            text = item_text(item, kind)
            rule = self.matcher.match(text)
            if self.options.filter and rule is None and not was_collected:
                return  # an edit that still names no product; a collected post's edit is kept even without one
            # Reddit does not mark edits made within its grace period: then the time we saw it is the edit's
            seen_at = None if edited_at(fields) else datetime.now(UTC)
            found.append(to_post(item, kind, text, self.name, rule, self.source.company_owned, seen_at))
            sigs[name] = signature(fields, kind, True)
        except (ValueError, KeyError) as exc:
            errors.append(f"{kind} {name}: {exc}")

    def close(self) -> None:
        self._reddit = None


class RedditActions(PlatformActions):
    """Moderator removal with the account in PVWATCH_REDDIT_USERNAME/PASSWORD (a script app)."""

    connection_model = RedditConnection
    conn: RedditConnection

    def _client(self) -> praw.Reddit:
        return make_reddit(self.conn, self.cfg.secret, user=True)

    def _do(self, post: Post) -> str:
        reddit = self._client()
        fullname = post.id
        thing = reddit.comment(id=fullname[3:]) if fullname.startswith("t1_") else reddit.submission(id=fullname[3:])
        try:
            thing.mod.remove()
        except Exception as exc:  # noqa: BLE001 - mapped to ours
            raise explain(exc, f"remove {fullname}") from None
        return f"removed {fullname} as moderator (reversible with approve)"

    def _hide(self, post: Post) -> str:
        return self._do(post)  # Reddit moderators have no 'hide': removal is the reversible equivalent

    def _remove(self, post: Post) -> str:
        return self._do(post)
