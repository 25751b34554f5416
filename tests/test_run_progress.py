"""`pvwatch run` shows progress while it runs: a line per batch, throttled, with running totals."""

from __future__ import annotations

import io
from types import SimpleNamespace

from pvwatch.pipeline import RunStats
from pvwatch.progress import RunProgress


def test_progress_lines_are_throttled_and_carry_totals() -> None:
    now = [0.0]
    stats = RunStats()
    out = io.StringIO()
    progress = RunProgress(stats, out, interval=2.0, clock=lambda: now[0])
    for step in range(5):
        stats.seen += 100
        stats.new += 90
        stats.flagged += 10
        now[0] += 1.0
        progress.on_batch("demo", SimpleNamespace(posts=[None] * 100, exhausted=step == 4, errors=[]))
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # t=1 (first), t=3, t=5 (caught up: always shown)
    assert lines[0].startswith("[demo] +100 posts (reading) · seen 100 · new 90 · flagged 10")
    assert lines[1].startswith("[demo] +200 posts (reading) · seen 300")  # the batches in between are counted
    assert "(caught up)" in lines[2] and "seen 500" in lines[2] and "100 posts/s" in lines[2]
    assert progress.summary() == "done in 5.0 s: seen=500 new=450 flagged=50 errors=0"


def test_catching_up_is_shown_even_within_the_interval() -> None:
    now = [0.0]
    stats = RunStats()
    out = io.StringIO()
    progress = RunProgress(stats, out, interval=10.0, clock=lambda: now[0])
    progress.on_batch("demo", SimpleNamespace(posts=[None] * 10, exhausted=False, errors=[]))
    now[0] = 1.0
    progress.on_batch("demo", SimpleNamespace(posts=[None] * 5, exhausted=True, errors=[]))
    now[0] = 2.0
    progress.on_batch("demo", SimpleNamespace(posts=[], exhausted=True, errors=[]))  # idle polls stay quiet
    assert [line.split(" · ")[0] for line in out.getvalue().splitlines()] == [
        "[demo] +10 posts (reading)", "[demo] +5 posts (caught up)"]
