"""The storage interface every backend implements (SQLite embedded, Elasticsearch for clusters).

One repository per concept, grouped by a `Store`. The same contract tests (tests/contract/) run on every backend.
Concurrency: `Item.version` / `Case.version` are optimistic tokens; an update with a stale version raises
`ConflictError` (SQLite compares a counter, Elasticsearch maps it to if_seq_no/if_primary_term).
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pvwatch.errors import StorageError
from pvwatch.models import AuditRecord, Case, Item, as_utc, utcnow
from pvwatch.storage.audit_chain import AuditKey, RawAudit, verify_chain
from pvwatch.storage.audit_chain import audit_hash as audit_hash  # re-exported: callers import it from here

M = TypeVar("M", bound=BaseModel)


class QueueOrder(enum.StrEnum):
    """Orders of the review queue; `priority` (serious adverse events first, then oldest day zero) is the default."""

    priority = "priority"
    oldest = "oldest"
    newest = "newest"
    platform = "platform"
    status = "status"


@dataclass(frozen=True)
class ItemQuery:
    """Queue filters. None means 'any'."""

    flag: str | None = None
    product: str | None = None
    platform: str | None = None
    lang: str | None = None
    status: str | None = None
    statuses: tuple[str, ...] | None = None
    assignee: str | None = None
    older_than: datetime | None = None
    newer_than: datetime | None = None
    text: str | None = None  # full-text search box
    author: str | None = None  # pseudonymised author
    thread_id: str | None = None  # conversation context in the review UI
    posted_from: datetime | None = None  # the post's own time (dashboard drill-down by posting day)
    posted_until: datetime | None = None
    order: QueueOrder = QueueOrder.priority
    limit: int = 50
    offset: int = 0


@dataclass
class Page:
    items: list[Item]
    total: int


_CP_TIMES = ("last_success", "last_error_at", "failing_since")


@dataclass
class Checkpoint:
    source: str
    cursor: dict[str, Any] = field(default_factory=dict)
    last_success: datetime | None = None
    last_error: str | None = None
    error_count: int = 0
    lag_seconds: float | None = None
    collected: int = 0
    last_error_at: datetime | None = None  # absent from checkpoints written before it existed
    # The first failed poll of the current run of failures; None after a success. Lets a source that never
    # succeeded (wrong credentials from day one) be reported as stopped: there is no last success to count from.
    failing_since: datetime | None = None
    # Coverage summed over polls (pvwatch.ports.Coverage): items the platform reported, items read, gaps by reason.
    reported: int = 0
    read: int = 0
    gaps: dict[str, int] = field(default_factory=dict)
    limits: list[str] = field(default_factory=list)  # what the source cannot see at all (latest poll's)

    @property
    def up_until(self) -> datetime | None:
        """What an outage is measured from: the last success, or the first failure of one that never succeeded."""
        return self.last_success if self.last_success is not None else self.failing_since

    @property
    def failing(self) -> bool:
        """The latest poll failed: its last error is newer than its last success (or it never succeeded)."""
        if self.last_error_at is None:
            return self.last_success is None and self.error_count > 0
        return self.last_success is None or as_utc(self.last_error_at) > as_utc(self.last_success)

    def to_doc(self) -> dict[str, Any]:
        """JSON-ready dict, the one format every backend and the spool store."""
        d = dataclasses.asdict(self)
        for k in _CP_TIMES:
            d[k] = d[k].isoformat() if d[k] is not None else None
        return d

    @classmethod
    def from_doc(cls, d: dict[str, Any]) -> Checkpoint:
        # Unknown keys are dropped and missing ones defaulted: documents from older and newer versions load.
        names = {f.name for f in dataclasses.fields(cls)}
        d = {k: v for k, v in d.items() if k in names}
        for k in _CP_TIMES:
            d[k] = datetime.fromisoformat(d[k]) if d.get(k) else None
        return cls(**d)


def checked(model: M) -> M:
    """Re-validate a model before it is stored: `model_copy(update=...)` skips validation, so a plain str could
    otherwise reach an enum field (and be stored as whatever it happens to be)."""
    try:
        return type(model).model_validate(dict(model))
    except ValidationError as exc:
        raise StorageError(f"refusing to store an invalid {type(model).__name__}: {exc}") from None


def merge_replay(old: Item, new: Item) -> Item | None:
    """What an upsert of an existing key stores, or None when nothing changed.

    A replay refreshes what the machine said (post text, analysis, flags) but keeps the first collection
    time, day zero and every piece of human review state, so replays never disturb a reviewer."""
    if old.status.value == "redacted":
        return None  # personal data was removed by a compliance officer: a replay must not bring it back
    if old.case_id is not None:
        return None  # behind a PV case nothing changes in place; changed content is a new version (versions.py)
    post = new.post.model_copy(update={"collected_at": old.post.collected_at})
    update: dict[str, Any] = {"post": post, "analysis": new.analysis, "flags": new.flags}
    if old.status.value == "new":
        update["priority"] = new.priority
    if old.day_zero is None and new.day_zero is not None:
        update["day_zero"] = new.day_zero
    merged = old.model_copy(update=update)
    if merged.model_dump() == old.model_dump():
        return None
    return merged.model_copy(update={"version": old.version + 1, "updated_at": utcnow()})


class ItemRepository(abc.ABC):
    @abc.abstractmethod
    def upsert(self, item: Item) -> bool:
        """Insert, or refresh post/analysis of an existing key without touching its review state.

        Returns True when the key was new. Replays never duplicate."""

    def upsert_many(self, items: list[Item]) -> list[bool]:
        """`upsert` for a batch, in order; backends override with one bulk request (Elasticsearch)."""
        return [self.upsert(i) for i in items]

    @abc.abstractmethod
    def get(self, key: str) -> Item | None: ...

    def get_many(self, keys: list[str]) -> dict[str, Item]:
        """The items that exist among `keys`; backends override with one request (Elasticsearch mget)."""
        found = {k: self.get(k) for k in dict.fromkeys(keys)}
        return {k: v for k, v in found.items() if v is not None}

    @abc.abstractmethod
    def update(self, item: Item) -> Item:
        """Save review state; raises ConflictError if `item.version` is stale. Returns the saved item."""

    @abc.abstractmethod
    def query(self, q: ItemQuery) -> Page:
        """Priority first (adverse events, serious ones above all), then oldest day zero / collection first."""

    @abc.abstractmethod
    def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    def iter_all(self) -> Iterator[Item]: ...

    @abc.abstractmethod
    def count(self) -> int: ...

    def counts_by_day(self, days: int = 30, basis: str = "posted", tz: str = "UTC") -> list[dict[str, Any]]:
        """[{day, flag, product, n}] for the dashboard, by posting day (`posted`) or day zero (`day_zero`),
        calendar days in the zone `tz`. Backends override with an aggregation."""
        raise NotImplementedError

    def facets(self, q: ItemQuery, field: str) -> dict[str, int]:
        """Counts per value of `field` (flag, platform, lang, status) among the items matching `q` without its
        own filter on that field: the numbers beside each choice of a queue filter."""
        raise NotImplementedError


class CheckpointRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, source: str) -> Checkpoint: ...

    @abc.abstractmethod
    def save(self, cp: Checkpoint) -> None: ...

    @abc.abstractmethod
    def all(self) -> list[Checkpoint]: ...


class AuditRepository(abc.ABC):
    _key: AuditKey | None = None

    @property
    def key(self) -> AuditKey:
        """The MAC key, read from the environment when first needed (storage/audit_chain.py)."""
        if self._key is None:
            self._key = AuditKey.from_env()
        return self._key

    @abc.abstractmethod
    def append(self, rec: AuditRecord) -> AuditRecord:
        """Sets seq, prev_hash and hash atomically; returns the stored record."""

    @abc.abstractmethod
    def iter(self, entity_id: str | None = None) -> Iterator[AuditRecord]:
        """In seq order; only one entity's records when entity_id is given."""

    def raw_rows(self) -> Iterator[RawAudit]:
        """Stored records as found, in seq order; backends override to expose their indexed columns."""
        for rec in self.iter():
            yield RawAudit(seq=rec.seq, doc=rec.model_dump(mode="json"))

    def head(self) -> dict[str, Any] | None:
        """The head checkpoint (last seq and hash, MAC'd), kept outside the records."""
        return None

    def store_has_data(self) -> bool:
        """Whether records that are always audited exist (cases, users): an empty trail beside them was wiped."""
        return False

    def verify(self) -> tuple[bool, str]:
        """Walk the chain and its head; (ok, report naming every broken record by seq, one per line)."""
        return verify_chain(self.raw_rows(), self.head(), self.key, self.store_has_data())


class CaseRepository(abc.ABC):
    @abc.abstractmethod
    def create(self, case: Case) -> Case: ...

    @abc.abstractmethod
    def get(self, case_id: str) -> Case | None: ...

    @abc.abstractmethod
    def update(self, case: Case) -> Case:
        """Raises ConflictError on a stale version."""

    @abc.abstractmethod
    def list(self, status: str | None = None, due_before: datetime | None = None) -> list[Case]: ...


class KeyValueRepository(abc.ABC):
    """Small JSON documents by (kind, id): users, alert deliveries, sessions, worker leases.

    Features own their kinds; `put` with expected_version gives compare-and-set."""

    @abc.abstractmethod
    def get(self, kind: str, id: str) -> tuple[dict[str, Any], int] | None:
        """(document, version) or None."""

    @abc.abstractmethod
    def put(self, kind: str, id: str, doc: dict[str, Any], expected_version: int | None = None) -> int:
        """Write; when expected_version is given (0 = must not exist) raise ConflictError on mismatch.
        Returns the new version."""

    @abc.abstractmethod
    def delete(self, kind: str, id: str) -> None: ...

    @abc.abstractmethod
    def list(self, kind: str, where: dict[str, Any] | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """Documents of a kind whose top-level fields equal `where`'s values."""

    @abc.abstractmethod
    def delete_where(self, kind: str, where: dict[str, Any]) -> int:
        """Delete every document of a kind whose top-level fields equal `where`'s values; returns how many."""

    def count(self, kind: str, where: dict[str, Any] | None = None) -> int:
        """How many documents `list` would return without a limit (backends override with a real count)."""
        return len(self.list(kind, where, limit=2**31 - 1))


class Store(abc.ABC):
    items: ItemRepository
    checkpoints: CheckpointRepository
    audit: AuditRepository
    cases: CaseRepository
    kv: KeyValueRepository
    atomic = False  # True when transaction() really is one (SQLite)

    @abc.abstractmethod
    def close(self) -> None: ...

    def on_replayed_new(self, hook: Callable[[Item], None]) -> None:  # noqa: B027 - most stores never spool
        """Call `hook` for each item a spooled write (storage/spool.py) turns out new when it is replayed.
        Stores that write at once (SQLite) never replay, so they never call it."""

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        """All-or-nothing writes where the backend has transactions; elsewhere a no-op (see update_audited)."""
        return contextlib.nullcontext()

    def update_audited(self, item: Item, make_record: Callable[[Item], AuditRecord]) -> Item:
        """`items.update(item)` plus the audit record `make_record(saved)`: never a change without its record.

        With transactions both writes commit together. Without (Elasticsearch) the record is appended first,
        built from the item as the update will save it (version + 1): a crash between the two writes leaves a
        record of a change that did not happen, never a change without a record, and a failed update appends
        an `item.update_failed` record naming the one it cancels (at-least-once audit)."""
        if self.atomic:
            with self.transaction():
                saved = self.items.update(item)
                self.audit.append(make_record(saved))
                return saved
        intent = self.audit.append(make_record(item.model_copy(update={"version": item.version + 1})))
        try:
            return self.items.update(item)
        except Exception as exc:
            with contextlib.suppress(Exception):  # the original error matters more than this note
                self.audit.append(AuditRecord(
                    actor=intent.actor, action="item.update_failed", entity="item", entity_id=item.key,
                    after={"cancels_seq": intent.seq, "cancels": intent.action, "error": type(exc).__name__}))
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
