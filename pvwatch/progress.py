"""Live progress of `pvwatch run`: one line per source batch on stderr, at most every `interval` seconds
(the first batch at once), so an operator sees at a glance that posts are flowing and which source is stuck."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from pvwatch.pipeline import RunStats


class RunProgress:
    def __init__(self, stats: RunStats, out: TextIO | None = None, interval: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stats = stats
        self.out = out or sys.stderr
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self._last: float | None = None
        self._posts_since = 0

    def on_batch(self, source: str, batch: Any) -> None:
        self._posts_since += len(getattr(batch, "posts", []) or [])
        now = self.clock()
        caught_up = bool(getattr(batch, "exhausted", False))
        if self._last is not None and now - self._last < self.interval and not (caught_up and self._posts_since):
            return  # throttled; a source catching up with new posts is always shown
        self._last = now
        s = self.stats
        rate = s.seen / max(now - self.started, 1e-6)
        state = "caught up" if caught_up else "reading"
        errors = getattr(batch, "errors", []) or []
        self.out.write(f"[{source}] +{self._posts_since} posts ({state}) · seen {s.seen} · new {s.new} · "
                       f"flagged {s.flagged} · errors {s.errors + len(errors)} · {rate:.0f} posts/s\n")
        self.out.flush()
        self._posts_since = 0

    def summary(self) -> str:
        s = self.stats
        took = self.clock() - self.started
        return f"done in {took:.1f} s: seen={s.seen} new={s.new} flagged={s.flagged} errors={s.errors}"
