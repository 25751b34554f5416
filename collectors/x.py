"""X (Twitter) API v2 with tweepy: filtered stream with rules from [[products]], recent search for backfill.

mode = "stream": rules tagged `pvwatch:<product>` are synced once per start (ours only; other rules are left
alone), a gap since the last seen tweet is back-filled by recent search, then each poll drains the stream for
up to `stream_seconds`. The stream runs in tweepy's thread, one connection at a time: an error or a close ends
it and the next poll reconnects after an exponential, jittered delay (X's reconnection guidance).
mode = "search": recent search only, one page per rule per poll. Cursor: {"since_id", "search": {rule: {...}}}.
Rate limits (429) become `Batch.wait_seconds` from x-rate-limit-reset; 403/453 (access tier) stop with a fix.
"""

from __future__ import annotations

import json
import queue
import random
import time
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from collectors.base import Collector
from collectors.http import RateLimited, TransientError, wait_from_headers
from collectors.options import X_HOST, XOptions
from collectors.rules import TAG_PREFIX, Rule
from collectors.seen import SeenSet
from collectors.x_edits import deleted, due, later_versions, mark_checked, pending_rule, watch
from collectors.x_tweets import PARAMS, NotAPost, partial_errors, tweet_to_post, tweets_of, users_of
from pvwatch.errors import CollectorError, ConfigError
from pvwatch.models import Post
from pvwatch.ports import Batch, Coverage, Gone

TIER_FIX = ("your X project's access tier does not include this endpoint (recent search needs Basic, the filtered "
            "stream Pro or Enterprise) or the app is not attached to a project; check developer.x.com, or use "
            "mode = \"search\"")


class HostAdapter(HTTPAdapter):
    """tweepy hard-codes https://api.twitter.com; this sends its calls to `api_base` instead."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.url:
            request.url = request.url.replace(X_HOST, self.target, 1)
        return super().send(request, *args, **kwargs)


def route(session: requests.Session, api_base: str) -> None:
    if api_base.rstrip("/") != X_HOST:
        session.mount(X_HOST, HostAdapter(api_base))


def explain(exc: Exception, what: str) -> Exception:
    if isinstance(exc, tweepy.TooManyRequests):
        wait = wait_from_headers(exc.response.headers)
        return RateLimited(f"{what}: X rate limit (429); waiting {wait:.0f}s until x-rate-limit-reset", wait)
    if isinstance(exc, tweepy.Forbidden):
        detail = "; ".join(exc.api_messages)[:300] or exc.response.reason
        codes = ",".join(str(c) for c in exc.api_codes) or "403"
        return CollectorError(f"{what}: X refused access ({codes}: {detail}). Fix: {TIER_FIX}")
    if isinstance(exc, tweepy.Unauthorized):
        return CollectorError(f"{what}: X rejected the bearer token (401); check the environment variable")
    if isinstance(exc, tweepy.TwitterServerError | requests.RequestException):
        return TransientError(f"{what}: X unavailable ({type(exc).__name__}); will retry")
    if isinstance(exc, tweepy.HTTPException):
        return CollectorError(f"{what}: X answered {exc.response.status_code}: {'; '.join(exc.api_messages)[:300]}")
    return exc


class _Stream(tweepy.StreamingClient):
    """One connection: everything it sees goes to a queue; any error or close ends it (we reconnect)."""

    def __init__(self, bearer: str, q: queue.Queue[tuple[str, Any]], api_base: str) -> None:
        super().__init__(bearer, return_type=dict, max_retries=0)
        self.q = q
        route(self.session, api_base)

    def on_data(self, raw_data: bytes) -> None:
        self.q.put(("data", raw_data))

    def on_request_error(self, status_code: int) -> None:
        self.q.put(("http_error", status_code))
        self.disconnect()

    def on_connection_error(self) -> None:
        self.q.put(("closed", "connection error"))
        self.disconnect()

    def on_closed(self, response: requests.Response) -> None:
        self.q.put(("closed", "closed by X"))
        self.disconnect()

    def on_exception(self, exception: Exception) -> None:
        self.q.put(("closed", f"{type(exception).__name__}: {exception}"))


class XCollector(Collector):
    type = "x"
    options_model = XOptions
    options: XOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        o = self.options
        self.rules: list[Rule] = o.rules(self.cfg)  # buildable and not empty: checked at start-up
        self._client: tweepy.Client | None = None
        self._stream: _Stream | None = None
        self._q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=50_000)
        self._rules_synced = False
        self._backfilled = not o.backfill
        self._reconnects = 0
        self._next_connect = 0.0
        self._our_rule_ids: dict[str, str] = {}  # stream rule id -> our tag, from the last sync
        self._cov = Coverage()  # this poll's coverage gaps (withheld placeholders)
        self._editable: dict[str, list[Any]] = {}  # this poll's cursor["editable"] (collectors/x_edits.py)
        self.foreign_rule_tweets = 0  # stream lines matched only by another team's rule: not ours, not a gap

    def _bearer(self) -> str:
        token = self.cfg.secret(self.options.bearer_token_env)
        if not token:
            raise ConfigError(f"sources.{self.name}.bearer_token_env",
                              f"environment variable {self.options.bearer_token_env} is empty",
                              "export the app's bearer token (docs/collectors.md#x)")
        return token

    @property
    def client(self) -> tweepy.Client:
        if self._client is None:
            self._client = tweepy.Client(self._bearer(), return_type=dict)
            route(self._client.session, self.options.api_base)
        return self._client

    # -- search ---------------------------------------------------------------------------------
    def _search(self, state: dict[str, Any], since_id: str | None, posts: list[Post], errors: list[str],
                seen: SeenSet) -> bool:
        """One page per unfinished rule; returns True when every rule is caught up."""
        for rule in self.rules:
            key = rule.value
            st = state.setdefault(key, {"since_id": since_id})
            if st.get("done"):
                continue
            params = dict(PARAMS, max_results=self.options.max_results, since_id=st.get("since_id"),
                          next_token=st.get("next_token"))
            try:
                page = self.client.search_recent_tweets(rule.value, **{k: v for k, v in params.items() if v})
            except Exception as exc:  # noqa: BLE001 - mapped to ours
                raise explain(exc, "X recent search") from None
            if not isinstance(page, dict):
                errors.append("recent search: response is not a JSON object")
                continue
            errors.extend(partial_errors(page))
            self._take(page.get("data") or [], page, rule.tag, posts, errors, seen)
            meta = page.get("meta") or {}
            st["newest"] = _max_id(st.get("newest"), meta.get("newest_id"))
            if meta.get("next_token"):
                st["next_token"] = meta["next_token"]
            else:  # caught up for this rule: newest becomes the new floor
                st.update(since_id=_max_id(st.get("since_id"), st.pop("newest", None)), next_token=None, done=True)
        if all(state[r.value].get("done") for r in self.rules):
            for st in state.values():
                st.pop("done", None)  # the next poll starts a new round
            return True
        return False

    def _take(self, tweets: list[Any], payload: dict[str, Any], tag: str | None, posts: list[Post],
              errors: list[str], seen: SeenSet) -> None:
        users, referenced = users_of(payload), tweets_of(payload)
        for tw in tweets:
            if self._add(tw, users, tag, referenced, posts, errors, seen) and self.options.recheck_edits:
                watch(self._editable, tw, tag)

    def _add(self, tw: dict[str, Any], users: dict[str, str], tag: str | None, referenced: dict[str, Any],
             posts: list[Post], errors: list[str], seen: SeenSet) -> bool:
        """One tweet as a Post, once: a gap (withheld, ...) is counted, a malformed tweet reported; True if added."""
        try:
            post = tweet_to_post(tw, users, _product(tag), self.name, self.source.company_owned, referenced)
        except NotAPost as gap:
            self._cov.gap(gap.reason)
            return False
        except (ValueError, TypeError, AttributeError) as exc:
            errors.append(f"tweet skipped: {exc}")
            return False
        if post.id in seen:
            return False
        seen.add(post.id)
        posts.append(post)
        return True

    def _recheck_edits(self, posts: list[Post], errors: list[str], seen: SeenSet, gone: list[Gone]) -> None:
        """Tweets whose edit window closed: their final edit history, and the versions we do not have."""
        ids = due(self._editable)
        if not ids:
            return
        try:
            page = self.client.get_tweets(ids, tweet_fields=PARAMS["tweet_fields"], user_fields=["username"],
                                          expansions=[*PARAMS["expansions"], "edit_history_tweet_ids"])
        except Exception as exc:  # noqa: BLE001 - mapped to ours
            raise explain(exc, "X tweet lookup (edits)") from None
        if not isinstance(page, dict):
            errors.append("tweet lookup: response is not a JSON object")
            return
        found_gone = deleted(page, ids)
        gone.extend(found_gone)
        gone_ids = {g.key.removeprefix("x:") for g in found_gone}  # a deletion is recorded, not an error
        errors.extend(partial_errors({"errors": [e for e in page.get("errors") or [] if not (
            isinstance(e, dict) and str(e.get("resource_id")) in gone_ids)]}))
        users, referenced = users_of(page), tweets_of(page)
        for asked, version in later_versions(page, ids):
            self._add(version, users, pending_rule(self._editable, asked), referenced, posts, errors, seen)
        mark_checked(self._editable, ids)

    # -- stream ---------------------------------------------------------------------------------
    def _sync_rules(self, stream: _Stream) -> None:
        try:
            current = stream.get_rules().get("data") or []
            wanted = {(r.value, r.tag) for r in self.rules}
            ours = [r for r in current if str(r.get("tag", "")).startswith(TAG_PREFIX)]
            stale = [r["id"] for r in ours if (r.get("value"), r.get("tag")) not in wanted]
            have = {(r.get("value"), r.get("tag")) for r in ours}
            if stale:
                stream.delete_rules(stale)
            missing = [tweepy.StreamRule(value=v, tag=t) for v, t in sorted(wanted - have)]
            self._our_rule_ids = {str(r["id"]): str(r["tag"]) for r in ours
                                  if "id" in r and (r.get("value"), r.get("tag")) in wanted}
            if missing:
                resp = stream.add_rules(missing)
                if isinstance(resp, dict) and resp.get("errors"):
                    raise CollectorError(f"X refused stream rules: {json.dumps(resp['errors'])[:300]}")
                created = resp.get("data") if isinstance(resp, dict) else None
                self._our_rule_ids.update({str(r["id"]): str(r.get("tag")) for r in created or []
                                           if isinstance(r, dict) and "id" in r})
        except CollectorError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise explain(exc, "X stream rules") from None
        self._rules_synced = True

    def _drain(self, posts: list[Post], errors: list[str], seen: SeenSet) -> float:
        """Read the stream queue for up to stream_seconds; returns a wait when the connection ended."""
        deadline = time.monotonic() + self.options.stream_seconds
        while len(posts) < self.options.batch_size:
            try:
                kind, value = self._q.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return 0.0
            if kind == "data":
                self._reconnects = 0
                try:
                    payload = json.loads(value)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    errors.append("stream: line is not JSON")
                    continue
                if not isinstance(payload, dict) or "data" not in payload:
                    errors.append(f"stream message without data: {str(payload)[:200]}")
                    continue
                tag = self._our_tag(payload.get("matching_rules"))
                if tag is None:  # matched only another team's rule on the same app: not ours to collect
                    self.foreign_rule_tweets += 1
                    continue
                errors.extend(partial_errors(payload))
                self._take([payload["data"]], payload, tag, posts, errors, seen)
            elif kind == "http_error":
                self._stream = None
                if value in (401, 403):
                    raise CollectorError(f"X filtered stream refused the connection ({value}). Fix: {TIER_FIX}")
                self._reconnects += 1
                base = 60.0 if value == 429 else 5.0  # X: 429 backoff starts at a minute, other HTTP at 5 s
                return random.uniform(0.5, 1.0) * min(320.0, base * 2 ** (self._reconnects - 1))
            else:  # closed / network error: reconnect soon, backing off if it keeps happening
                self._stream = None
                errors.append(f"stream: {value}")
                self._reconnects += 1
                return random.uniform(0.5, 1.0) * min(16.0, 0.25 * 2 ** self._reconnects)
        return 0.0

    def _our_tag(self, matching: Any) -> str | None:
        """The tag of the first of OUR rules that matched. Real stream lines carry rule ids (numbers or strings)
        and tags that may be null or another team's; a rule is ours by its id from the last sync or our prefix."""
        for r in matching if isinstance(matching, list) else []:
            if not isinstance(r, dict):
                continue
            tag = self._our_rule_ids.get(str(r.get("id")))
            if tag is None and isinstance(r.get("tag"), str) and r["tag"].startswith(TAG_PREFIX):
                tag = r["tag"]
            if tag is not None:
                return tag
        return None

    def _connect(self) -> None:
        stream = _Stream(self._bearer(), self._q, self.options.api_base)
        if not self._rules_synced:
            self._sync_rules(stream)
        stream.filter(threaded=True, **PARAMS)
        self._stream = stream

    def poll(self, cursor: dict[str, Any]) -> Batch:
        posts: list[Post] = []
        errors: list[str] = []
        self._cov = Coverage()
        cur = dict(cursor)
        seen = SeenSet(cur.get("seen", []), self.options.seen_max)
        self._editable = dict(cur.get("editable") or {})
        gone: list[Gone] = []
        wait = 0.0
        exhausted = True
        try:
            if self.options.mode == "search":
                exhausted = self._search(cur.setdefault("search", {}), cur.get("since_id"), posts, errors, seen)
            elif not self._backfilled and cur.get("since_id"):
                if self._search(cur.setdefault("backfill", {}), cur["since_id"], posts, errors, seen):
                    self._backfilled = True
                    cur.pop("backfill", None)
                exhausted = False
            else:
                self._backfilled = True
                if self._stream is None and time.monotonic() >= self._next_connect:
                    self._connect()
                if self._stream is not None:
                    wait = self._drain(posts, errors, seen)
                    self._next_connect = time.monotonic() + wait
                exhausted = not posts
        except RateLimited as exc:
            wait = exc.wait_seconds
        newest = max((int(p.id) for p in posts if p.id.isdigit()), default=None)
        cur["since_id"] = _max_id(cur.get("since_id"), str(newest) if newest is not None else None)
        if self.options.recheck_edits and not wait:  # after since_id: a late version must not move it on
            try:
                self._recheck_edits(posts, errors, seen, gone)
            except RateLimited as exc:
                wait = exc.wait_seconds
            except CollectorError as exc:  # the posts collected still count; the due tweets wait for the next poll
                errors.append(f"edits not re-read this poll: {exc}")
        cur["seen"] = seen.to_list()
        cur["editable"] = self._editable
        return Batch(posts=posts, cursor=cur, exhausted=exhausted, wait_seconds=wait, errors=errors,
                     coverage=self._cov, gone=gone)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.disconnect()
            self._stream = None


def _product(tag: str | None) -> str | None:
    return tag[len(TAG_PREFIX):] if tag and tag.startswith(TAG_PREFIX) else tag


def _max_id(a: Any, b: Any) -> str | None:
    ids = [int(x) for x in (a, b) if x is not None and str(x).isdigit()]
    return str(max(ids)) if ids else None
