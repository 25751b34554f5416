"""A bounded, ordered set of ids that fits in a cursor: dedupe across polls and restarts.

Platforms return overlapping pages (ties on timestamps, edited items, a replayed page after a crash).
The pipeline's upsert is idempotent anyway; this keeps re-sent items from being re-classified.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable


class SeenSet:
    def __init__(self, ids: Iterable[str] = (), maxlen: int = 2000) -> None:
        self.maxlen = maxlen
        self._ids: OrderedDict[str, None] = OrderedDict()
        for i in ids:
            self.add(str(i))

    def __contains__(self, item: object) -> bool:
        return item in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, item: str) -> None:
        self._ids[item] = None
        self._ids.move_to_end(item)
        while len(self._ids) > self.maxlen:
            self._ids.popitem(last=False)  # forget the oldest first

    def to_list(self) -> list[str]:
        return list(self._ids)
