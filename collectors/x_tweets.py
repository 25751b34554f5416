"""X API v2 tweet objects -> Post: text as written, edits linked to their first version.

An edit on X is a new tweet with its own id; `edit_history_tweet_ids` lists every version's id, oldest first
(one id for a tweet never edited). A tweet whose history starts with another id is a new version of that first
tweet: `version_of = "x:<first id>"`, whatever order the versions arrive in (the stream can deliver an edit
before, or without, its original; the original, fetched later, names itself first and stays the first version).
`edit_controls` (editable_until, edits_remaining) is kept in `raw`.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

from pvwatch.models import MAX_RAW_BYTES, Post

# note_tweet: the full text of posts over 280 characters (`text` is cut); edit_history_tweet_ids links edits and
# edit_controls says how long the tweet stays editable; withheld marks placeholders. referenced_tweets.id brings
# the retweeted/quoted tweet in `includes.tweets`.
TWEET_FIELDS = ["created_at", "lang", "author_id", "conversation_id", "referenced_tweets", "in_reply_to_user_id",
                "note_tweet", "edit_history_tweet_ids", "edit_controls", "withheld"]
PARAMS: dict[str, Any] = {"tweet_fields": TWEET_FIELDS, "expansions": ["author_id", "referenced_tweets.id",
                                                                      "referenced_tweets.id.author_id"],
                          "user_fields": ["username"]}
# The text X puts in place of a withheld post or account ("...has been withheld in India based on local law(s).")
WITHHELD_TEXT = re.compile(r"\b(account|tweet|post)\b.{0,80}\bhas been withheld\b", re.IGNORECASE | re.DOTALL)


class NotAPost(Exception):  # noqa: N818 - a reason, not an error
    """A tweet that carries no author's text (a withheld placeholder): counted as a coverage gap, not stored."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def full_text(tweet: dict[str, Any]) -> str:
    """The whole text as written: note_tweet for long posts, HTML entities decoded (X v2 escapes & < >)."""
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and isinstance(note.get("text"), str) else tweet["text"]
    return html.unescape(str(text))


def first_version(tweet: dict[str, Any]) -> str | None:
    """The id of the tweet this one is an edit of (the first in its edit history), or None for a first version."""
    history = tweet.get("edit_history_tweet_ids")
    if not isinstance(history, list) or not history:
        return None
    first = str(history[0])
    return first if first.isdigit() and first != tweet["id"] else None


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None


def tweet_to_post(tweet: Any, users: dict[str, str], rule: str | None, source: str, company_owned: bool,
                  referenced: dict[str, Any] | None = None) -> Post:
    """The one place an X v2 tweet object becomes a Post. Raises ValueError when malformed, NotAPost for a
    withheld placeholder. A retweet carries the retweeted post's whole text (X cuts it after "RT @user: ")."""
    if not isinstance(tweet, dict) or not isinstance(tweet.get("id"), str) or not isinstance(tweet.get("text"), str):
        raise ValueError("tweet without string id and text")
    if tweet.get("withheld") and WITHHELD_TEXT.search(tweet["text"]):
        raise NotAPost("withheld")
    username = users.get(str(tweet.get("author_id")))
    refs = [r for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)]
    parent = next((r.get("id") for r in refs if r.get("type") == "replied_to"), None)
    text = full_text(tweet)
    retweeted = next(((referenced or {}).get(str(r.get("id"))) for r in refs if r.get("type") == "retweeted"), None)
    if isinstance(retweeted, dict) and isinstance(retweeted.get("text"), str):
        original = users.get(str(retweeted.get("author_id")))
        text = f"RT @{original}: {full_text(retweeted)}" if original else full_text(retweeted)
    created = _time(tweet.get("created_at"))
    first = first_version(tweet)
    raw = {"tweet": tweet, "username": username}
    return Post(
        platform="x", id=tweet["id"], text=text,
        url=f"https://x.com/{username or 'i/web'}/status/{tweet['id']}", author=username or tweet.get("author_id"),
        lang=tweet.get("lang") if tweet.get("lang") not in (None, "und", "zxx", "qme") else None,
        created_at=created, parent_id=str(parent) if parent else None, thread_id=tweet.get("conversation_id"),
        source=source, rule=rule, company_owned=company_owned,
        raw=raw if len(json.dumps(raw)) <= MAX_RAW_BYTES else None,
        # an edit's own created_at is when it was edited
        version_of=f"x:{first}" if first else None, edited_at=created if first else None,
    )


def users_of(payload: dict[str, Any]) -> dict[str, str]:
    users = (payload.get("includes") or {}).get("users") or []
    return {str(u["id"]): str(u["username"]) for u in users if isinstance(u, dict) and "id" in u and "username" in u}


def tweets_of(payload: dict[str, Any]) -> dict[str, Any]:
    """includes.tweets (retweeted, quoted, replied-to tweets) by id."""
    tweets = (payload.get("includes") or {}).get("tweets") or []
    return {str(t["id"]): t for t in tweets if isinstance(t, dict) and "id" in t}


def partial_errors(payload: dict[str, Any]) -> list[str]:
    """A 200 can carry `errors` for parts it could not return (a deleted author, a protected quoted tweet).
    Only the kind is kept: `value`/`detail` name accounts."""
    errs = payload.get("errors") if isinstance(payload, dict) else None
    kinds = Counter(f"{e.get('title', 'error')} ({e.get('resource_type', '?')})" for e in errs or []
                    if isinstance(e, dict))
    return [f"X returned partial errors: {kind} x{n}" for kind, n in sorted(kinds.items())]
