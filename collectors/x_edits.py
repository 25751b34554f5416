"""X edits the stream and search cannot deliver: looked up once each collected tweet can no longer change.

The stream and recent search deliver an edit (a new tweet id) only when it still matches a rule, so an edit that
removes the product name (and the adverse event with it) would never be seen. Each collected tweet that X says is
still editable (`edit_controls.is_edit_eligible`, `edits_remaining` > 0) is remembered in the cursor with its
`editable_until` (30 minutes after posting); once that time has passed, one `GET /2/tweets?ids=` (up to 100 ids,
with the `edit_history_tweet_ids` expansion that returns every version in `includes.tweets`) reads the final
history, and every version we do not have becomes a post linked to the first (`version_of`). A tweet the lookup
reports as not found was deleted (X deletes the whole edit chain): recorded as gone, not a new text.
Cost: one request per 100 collected editable tweets, and each tweet read counts against the project's cap.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pvwatch.ports import Gone, GoneReason

LOOKUP_MAX = 100  # ids per GET /2/tweets
MAX_WATCHED = 5000  # tweets remembered in the cursor; the oldest are dropped first


def watch(pending: dict[str, list[Any]], tweet: dict[str, Any], tag: str | None) -> None:
    """Remember a collected tweet that can still be edited: {id: [editable_until, tag]}."""
    controls = tweet.get("edit_controls")
    if not isinstance(controls, dict) or controls.get("is_edit_eligible") is False:
        return
    until = controls.get("editable_until")
    remaining = controls.get("edits_remaining")
    if not isinstance(until, str) or (isinstance(remaining, int) and remaining <= 0):
        return
    pending[str(tweet["id"])] = [until, tag]
    while len(pending) > MAX_WATCHED:
        pending.pop(next(iter(pending)))


def _closed(until: Any, now: datetime) -> bool:
    try:
        return datetime.fromisoformat(str(until).replace("Z", "+00:00")) <= now
    except ValueError:
        return True  # unreadable: look it up now rather than keep it for ever


def due(pending: dict[str, list[Any]], now: datetime | None = None) -> list[str]:
    """Ids whose edit window has closed, at most one lookup's worth."""
    now = now or datetime.now(UTC)
    return [i for i, (until, _) in pending.items() if _closed(until, now)][:LOOKUP_MAX]


def later_versions(payload: dict[str, Any], asked: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(asked id, tweet object) for every version after an asked tweet, from the lookup's includes.tweets."""
    included = {str(t.get("id")): t for t in (payload.get("includes") or {}).get("tweets") or []
                if isinstance(t, dict)}
    out: list[tuple[str, dict[str, Any]]] = []
    for tweet in payload.get("data") or []:
        if not isinstance(tweet, dict) or str(tweet.get("id")) not in asked:
            continue
        history = [str(i) for i in tweet.get("edit_history_tweet_ids") or []]
        newer = history[history.index(tweet["id"]) + 1:] if tweet["id"] in history else []
        out += [(tweet["id"], included[i]) for i in newer if i in included]
    return out


def deleted(payload: dict[str, Any], asked: list[str]) -> list[Gone]:
    """Asked tweets the lookup reports as not found: deleted on X since we collected them."""
    gone: list[Gone] = []
    for err in payload.get("errors") or []:
        if not isinstance(err, dict) or err.get("resource_type") != "tweet":
            continue
        rid = str(err.get("resource_id") or err.get("value") or "")
        if rid in asked and "not found" in str(err.get("title", "")).lower():
            gone.append(Gone(key=f"x:{rid}", reason=GoneReason.deleted))
    return gone


def pending_rule(pending: dict[str, list[Any]], tweet_id: str) -> str | None:
    entry = pending.get(tweet_id)
    return entry[1] if entry else None


def mark_checked(pending: dict[str, list[Any]], ids: list[str]) -> None:
    for i in ids:
        pending.pop(i, None)
