"""Local disk spool: when Elasticsearch is unreachable the pipeline keeps collecting and loses nothing.

The pipeline's writes (item upserts, checkpoints, audit appends) that fail with StoreUnavailable are appended
to a JSON-lines file under `spool_dir` (fsync'd before the call returns, so a checkpoint is never saved ahead
of its posts). While the file has entries every new write goes behind them: order is preserved. Every few
seconds a write or read checks whether the cluster is back and replays the file in order, remembering its
position in `<file>.pos`, then deletes it. Each process holds an flock on its own file; files whose owner
died (no lock) are replayed by the next process that opens the store on this machine.

Replay is at-least-once: upserts and checkpoint saves are idempotent; an audit append replayed twice after a
crash in the middle of a replay appears twice (both records are in the hash chain, nothing is lost).
"""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from pvwatch.models import AuditRecord, Item
from pvwatch.storage.base import (
    AuditRepository,
    Checkpoint,
    CheckpointRepository,
    ItemQuery,
    ItemRepository,
    Page,
)
from pvwatch.storage.es_conn import StoreUnavailable

log = logging.getLogger("pvwatch.storage.spool")

T = TypeVar("T")
Entry = tuple[str, dict[str, Any]]
_SEQ = itertools.count(1)


class Spool:
    def __init__(self, directory: Path, apply: Callable[[str, dict[str, Any]], None],
                 reachable: Callable[[], bool], retry_seconds: float = 2.0) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.apply = apply
        self.reachable = reachable
        self.retry_seconds = retry_seconds
        self.lock = threading.RLock()
        self._fh: IO[str] | None = None
        self.path: Path | None = None
        self.pending = 0  # entries in this process's own file not replayed yet
        self.replayed = 0  # entries replayed since start (all files), for logs and tests
        self._next_try = 0.0

    @property
    def active(self) -> bool:
        return self.pending > 0

    # -- writing -----------------------------------------------------------------------------------
    def write(self, entries: list[Entry], direct: Callable[[], T]) -> T | None:
        """`direct()` when the cluster takes it; else spool `entries` and return None."""
        with self.lock:
            if self.active:
                self.replay_if_possible()
            if not self.active:
                try:
                    return direct()
                except StoreUnavailable as exc:
                    log.warning("%s; spooling to %s until it is back", exc, self.dir)
                    self._next_try = time.monotonic() + self.retry_seconds
            for op, payload in entries:
                self._append(op, payload)
            return None

    def _append(self, op: str, payload: dict[str, Any]) -> None:
        if self._fh is None:
            name = f"spool-{int(time.time() * 1000):015d}-{socket.gethostname()}-{os.getpid()}-{next(_SEQ)}.jsonl"
            self.path = self.dir / name
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - held open and flocked while alive
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fh.write(json.dumps({"op": op, "payload": payload}, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())  # durable before the caller moves its checkpoint past these posts
        self.pending += 1

    # -- replaying ---------------------------------------------------------------------------------
    def replay_if_possible(self) -> None:
        with self.lock:
            if time.monotonic() < self._next_try:
                return
            files = [f for f in sorted(self.dir.glob("spool-*.jsonl")) if f != self.path]
            if not files and not self.active:
                return
            if not self.reachable():
                self._next_try = time.monotonic() + self.retry_seconds
                return
            try:
                for f in files:  # orphans of dead processes first: they are older
                    self._replay_orphan(f)
                if self.active and self.path is not None:
                    self._replay_file(self.path)
                    self._drop_own()
            except StoreUnavailable as exc:
                log.warning("replay interrupted (%s); will retry", exc)
                self._next_try = time.monotonic() + self.retry_seconds

    def _replay_orphan(self, f: Path) -> None:
        try:
            fh = open(f, encoding="utf-8")  # noqa: SIM115 - the flock lives as long as this handle
        except FileNotFoundError:
            return
        with fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # its owner is alive and will replay it
            if not f.exists():
                return  # replayed and removed by another process just before we locked it
            self._replay_file(f)
            f.unlink()
            f.with_suffix(".pos").unlink(missing_ok=True)

    def _replay_file(self, f: Path) -> None:
        pos_file = f.with_suffix(".pos")
        done = int(pos_file.read_text() or 0) if pos_file.exists() else 0
        n = 0
        for n, line in enumerate(_lines(f), 1):
            if n <= done:
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                # Only a write torn by a crash can be partial; its caller never got an answer, so no
                # checkpoint moved past it and the source will be read again.
                log.warning("skipping torn spool line %d of %s", n, f.name)
                continue
            self.apply(entry["op"], entry["payload"])
            pos_file.write_text(str(n))
            self.replayed += 1
        if n:
            log.info("replayed %d spooled writes from %s", n - done, f.name)

    def _drop_own(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path.with_suffix(".pos").unlink(missing_ok=True)
        self.path = None
        self.pending = 0

    def close(self) -> None:
        with self.lock:
            if self.active:
                self._next_try = 0.0
                self.replay_if_possible()
            if self._fh is not None:
                self._fh.close()  # releases the flock: the next process replays what is left
                self._fh = None


def _lines(f: Path) -> Iterator[str]:
    with open(f, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line


class SpooledItems(ItemRepository):
    """Upserts go through the spool; reviewers' updates and reads need the cluster (they raise if it is down)."""

    def __init__(self, raw: ItemRepository, spool: Spool) -> None:
        self.raw = raw
        self.spool = spool

    def upsert(self, item: Item) -> bool:
        # While spooled we cannot know whether the key is new: report "not new" (alerts see it on replay only
        # if the caller registered for it); nothing is lost either way.
        return bool(self.spool.write([("items.upsert", item.model_dump(mode="json"))],
                                     lambda: self.raw.upsert(item)))

    def upsert_many(self, items: list[Item]) -> list[bool]:
        entries = [("items.upsert", i.model_dump(mode="json")) for i in items]
        result = self.spool.write(entries, lambda: self.raw.upsert_many(items))
        return result if result is not None else [False] * len(items)

    def get(self, key: str) -> Item | None:
        self.spool.replay_if_possible()
        return self.raw.get(key)

    def update(self, item: Item) -> Item:
        return self.raw.update(item)

    def query(self, q: ItemQuery) -> Page:
        self.spool.replay_if_possible()
        return self.raw.query(q)

    def delete(self, key: str) -> None:
        self.raw.delete(key)

    def iter_all(self) -> Iterator[Item]:
        self.spool.replay_if_possible()
        return self.raw.iter_all()

    def count(self) -> int:
        self.spool.replay_if_possible()
        return self.raw.count()

    def counts_by_day(self, days: int = 30, basis: str = "posted", tz: str = "UTC") -> list[dict[str, Any]]:
        return self.raw.counts_by_day(days, basis=basis, tz=tz)

    def facets(self, q: ItemQuery, field: str) -> dict[str, int]:
        return self.raw.facets(q, field)


class SpooledCheckpoints(CheckpointRepository):
    """Keeps the last checkpoint of each source in memory so polling resumes correctly during an outage."""

    def __init__(self, raw: CheckpointRepository, spool: Spool) -> None:
        self.raw = raw
        self.spool = spool
        self.cache: dict[str, Checkpoint] = {}

    @staticmethod
    def dump(cp: Checkpoint) -> dict[str, Any]:
        return cp.to_doc()

    @staticmethod
    def load(d: dict[str, Any]) -> Checkpoint:
        return Checkpoint.from_doc(d)

    def get(self, source: str) -> Checkpoint:
        self.spool.replay_if_possible()
        if self.spool.active and source in self.cache:
            return self.load(self.dump(self.cache[source]))  # the cluster's copy is behind the spool
        try:
            cp = self.raw.get(source)
        except StoreUnavailable:
            if source in self.cache:
                return self.load(self.dump(self.cache[source]))
            raise
        self.cache[source] = cp
        return cp

    def save(self, cp: Checkpoint) -> None:
        self.cache[cp.source] = self.load(self.dump(cp))
        self.spool.write([("checkpoints.save", self.dump(cp))], lambda: self.raw.save(cp))

    def all(self) -> list[Checkpoint]:
        return self.raw.all()


class SpooledAudit(AuditRepository):
    def __init__(self, raw: AuditRepository, spool: Spool) -> None:
        self.raw = raw
        self.spool = spool

    def append(self, rec: AuditRecord) -> AuditRecord:
        """While spooled, returns the record unsequenced (seq 0): it gets its place in the chain on replay."""
        stored = self.spool.write([("audit.append", rec.model_dump(mode="json"))], lambda: self.raw.append(rec))
        return stored if stored is not None else rec

    def iter(self, entity_id: str | None = None) -> Iterator[AuditRecord]:
        self.spool.replay_if_possible()
        return self.raw.iter(entity_id)

    def verify(self) -> tuple[bool, str]:
        """The backend's own walk: its raw rows and its head checkpoint (docs/architecture.md)."""
        self.spool.replay_if_possible()
        return self.raw.verify()
