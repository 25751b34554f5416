"""The ports: what the ground asks of the features, as Protocols. Features implement them; the roof plugs them in.

- `Collector`: resumable polling with an explicit cursor. The pipeline calls `poll(cursor)`, stores the posts and
  only then saves the returned cursor (at-least-once; the store's idempotent upsert drops replayed duplicates).
- `Analyzer`: posts in, one `Analysis` per post out (classifiers/).
- `ItemHook` / `Ticker`: what runs after a new item is stored, and between polls (alerts/).
- `PlatformActions`: hide or remove a post on its platform (collectors/), reached through an `ActionsFor`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pvwatch.models import Analysis, Item, Post


@dataclass(frozen=True)
class Rejected:
    """A record that could not become a Post: its text (for the dead-letter store) and why."""

    record: str
    reason: str


@dataclass
class Coverage:
    """What the platform says exists against what the collector could read, for what one poll looked at.

    `reported`: items the platform says exist (a thread's reply count), 0 where it does not say; `read`: of those,
    the items the collector could read; `gaps`: items seen or announced but not collected, by reason (an API
    limit, a withheld or deleted post). Summed into the source's checkpoint and shown by `pvwatch sources`.
    `limits`: what the source cannot see at all, stated plainly (the Graph API exposes no comment edits); the
    checkpoint keeps the latest poll's."""

    reported: int = 0
    read: int = 0
    gaps: dict[str, int] = field(default_factory=dict)
    limits: list[str] = field(default_factory=list)

    def gap(self, reason: str, n: int = 1) -> None:
        if n > 0:
            self.gaps[reason] = self.gaps.get(reason, 0) + n


class GoneReason(enum.StrEnum):
    deleted = "deleted"  # by its author
    removed = "removed"  # by a moderator or the platform


@dataclass(frozen=True)
class Gone:
    """A post collected earlier that a re-read found deleted or removed on the platform: recorded on the stored
    item (pvwatch/gone.py), never stored as a new post text."""

    key: str
    reason: GoneReason


@dataclass
class Batch:
    posts: list[Post]
    cursor: dict[str, Any]
    exhausted: bool = False  # nothing more right now (end of file, caught up with the stream)
    wait_seconds: float = 0.0  # polite pause the platform asked for (rate limits)
    errors: list[str] = field(default_factory=list)  # malformed records skipped, for health reporting
    coverage: Coverage = field(default_factory=Coverage)
    rejected: list[Rejected] = field(default_factory=list)  # those records, quarantined by the pipeline
    gone: list[Gone] = field(default_factory=list)  # posts deleted/removed on the platform since collected


class Collector(Protocol):
    name: str

    def poll(self, cursor: dict[str, Any]) -> Batch:
        """Return the next posts after `cursor` and the cursor to resume from."""
        ...

    def close(self) -> None: ...


class Analyzer(Protocol):
    def analyze_posts(self, posts: Sequence[Post]) -> list[Analysis]: ...


ItemHook = Callable[[Item], None]
Ticker = Callable[[], None]


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    platform: str
    action: str
    post_key: str
    dry_run: bool
    message: str
    status_code: int | None = None


class PlatformActions(Protocol):
    """Moderation back on the platform; a failure is an `ActionResult(ok=False)` saying what to fix."""

    def hide(self, post: Post) -> ActionResult: ...

    def remove(self, post: Post) -> ActionResult: ...


# (platform, dry_run) -> that platform's actions; raises PvwatchError if the platform has none.
ActionsFor = Callable[[str, bool], PlatformActions]
