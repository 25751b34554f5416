"""Poison-proof processing: a post that cannot be processed is quarantined, never retried for ever.

`process_or_quarantine` runs a batch through the pipeline; if that fails for a reason other than the store
being unavailable, it processes the posts one by one and moves each one that still fails to the
dead-letter store (pvwatch/deadletter.py) with its reason, so the valid posts after it are stored and the
cursor moves on. A store that is unavailable (full disk, cluster down) or a concurrent change is not the
posts' fault: that error goes up, the source backs off and retries the same batch. `replay` feeds dead letters
through again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from pvwatch.deadletter import KIND, DeadLetter, DeadLetters, reason_of
from pvwatch.errors import ConflictError, StoreUnavailable
from pvwatch.models import Item, Post
from pvwatch.sanitize import loads

log = logging.getLogger("pvwatch.pipeline")

Process = Callable[[list[Post]], list[Item]]
# Not the posts' fault: the store is unavailable, or a reviewer changed a linked case meanwhile. Retried.
_RETRY = (StoreUnavailable, ConflictError)


def process_or_quarantine(process: Process, letters: DeadLetters, source: str,
                          posts: list[Post]) -> tuple[list[Item], int]:
    """(new items, how many posts were quarantined)."""
    try:
        return process(posts), 0
    except _RETRY:
        raise
    except Exception as exc:
        if len(posts) == 1:
            _quarantine(letters, source, posts[0], exc)
            return [], 1
        log.warning("source %s: a batch of %d posts failed (%s); processing them one by one",
                    source, len(posts), reason_of(exc))
    new: list[Item] = []
    bad = 0
    for post in posts:
        try:
            new.extend(process([post]))
        except _RETRY:
            raise
        except Exception as exc:
            _quarantine(letters, source, post, exc)
            bad += 1
    return new, bad


def _quarantine(letters: DeadLetters, source: str, post: Post, exc: BaseException) -> None:
    letter = letters.add_post(source, post, reason_of(exc))
    # The dead-letter id only (a key can embed a sender-chosen id); the post and reason are in the store.
    log.error("source %s: a post was quarantined as dead letter %s; see `pvwatch quarantine`", source, letter.id)


def replay(process: Process, letters: DeadLetters, pending: Sequence[DeadLetter],
           parsers: dict[str, Callable[[Any], Post]]) -> tuple[int, int]:
    """Process quarantined entries again; (replayed, still failing). `parsers` turn a raw record of a
    source back into a Post (record-based sources: replay files, webhooks)."""
    ok = failed = 0
    for letter in pending:
        try:
            if letter.post is not None:
                post = Post.model_validate(letter.post)
            else:
                parse = parsers.get(letter.source)
                if parse is None:
                    raise ValueError(f"source {letter.source} is not configured any more (or reads no records)")
                post = parse(loads(letter.record or ""))
            process([post])
        except StoreUnavailable:
            raise
        except Exception as exc:
            failed += 1
            letters.store.kv.put(KIND, letter.id, letter.model_copy(update={
                "reason": reason_of(exc), "attempts": letter.attempts + 1}).model_dump(mode="json"))
            continue
        letters.mark_replayed(letter)
        ok += 1
    return ok, failed
