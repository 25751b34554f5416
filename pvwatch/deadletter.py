"""The dead-letter store: what a source delivered that could not be processed, with the reason.

A bad record must never stall its source: the pipeline quarantines it here and moves the cursor on. Two
kinds of entries (kv kind "dead_letter"):
- a record a collector could not turn into a `Post` (not JSON, nested too deep, no id): `record` holds
  its text, bounded;
- a `Post` that failed classification or storage on its own: `post` holds it.
`pvwatch sources` counts them per source, `pvwatch quarantine` lists them and `--replay` feeds
them through the pipeline again once the cause is fixed (the admin page /admin/dead-letters shows them too).
"""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from pvwatch.models import Post, utcnow
from pvwatch.sanitize import bounded, clean_token
from pvwatch.storage.base import Store

KIND = "dead_letter"
MAX_RECORD_CHARS = 20_000
_LIST_LIMIT = 10_000


class DeadLetterState(enum.StrEnum):
    quarantined = "quarantined"  # waiting for a fix
    replayed = "replayed"  # processed after all (kept for the record)


class DeadLetter(BaseModel):
    id: str
    source: str
    state: DeadLetterState = DeadLetterState.quarantined
    reason: str
    key: str | None = None  # the post key, when a Post was built
    post: dict[str, Any] | None = None
    record: str | None = None
    at: datetime = Field(default_factory=utcnow)
    attempts: int = 1
    replayed_at: datetime | None = None


def _id(source: str, what: str) -> str:
    return hashlib.sha256(f"{source}\0{what}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def reason_of(exc: BaseException) -> str:
    """One line, bounded: the exception type and message (never a traceback in the store)."""
    return clean_token(f"{type(exc).__name__}: {exc}")[:500]


class DeadLetters:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _put(self, letter: DeadLetter) -> DeadLetter:
        got = self.store.kv.get(KIND, letter.id)
        if got is not None:  # the same thing failed again (a replay of the batch): count it, keep one entry
            old = DeadLetter.model_validate(got[0])
            letter = letter.model_copy(update={"attempts": old.attempts + 1, "at": old.at})
        self.store.kv.put(KIND, letter.id, letter.model_dump(mode="json"))
        return letter

    def add_post(self, source: str, post: Post, reason: str) -> DeadLetter:
        doc = bounded(post.model_dump(mode="json"))
        return self._put(DeadLetter(id=_id(source, post.key), source=source, reason=reason, key=post.key,
                                    post=doc))

    def add_record(self, source: str, record: str, reason: str) -> DeadLetter:
        text = record[:MAX_RECORD_CHARS]
        return self._put(DeadLetter(id=_id(source, text), source=source, reason=clean_token(reason)[:500],
                                    record=text.encode("utf-8", "replace").decode("utf-8")))

    def list(self, source: str | None = None,
             state: DeadLetterState | None = DeadLetterState.quarantined) -> list[DeadLetter]:
        where: dict[str, Any] = {}
        if source:
            where["source"] = source
        if state is not None:
            where["state"] = state.value
        docs = self.store.kv.list(KIND, where or None, limit=_LIST_LIMIT)
        return sorted((DeadLetter.model_validate(d) for d in docs), key=lambda d: d.at)

    def counts(self) -> dict[str, int]:
        """Quarantined entries per source."""
        out: dict[str, int] = {}
        for d in self.list():
            out[d.source] = out.get(d.source, 0) + 1
        return out

    def mark_replayed(self, letter: DeadLetter) -> None:
        done = letter.model_copy(update={"state": DeadLetterState.replayed, "replayed_at": utcnow()})
        self.store.kv.put(KIND, letter.id, done.model_dump(mode="json"))
