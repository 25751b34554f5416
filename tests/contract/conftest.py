"""`backend`: the same Store contract on SQLite and on a real Elasticsearch (tests/es_fixture.py).

Each backend also says how to tamper with its audit log behind the store's back, so tamper detection is
tested the same way on both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pvwatch.storage.base import Store


@dataclass
class Backend:
    name: str
    store: Store
    edit_audit: Callable[[int, dict[str, Any]], None]  # overwrite fields of record `seq` in place
    delete_audit: Callable[[int], None]


def _sqlite(tmp_path: Path) -> Backend:
    from pvwatch.storage.sqlite import SqliteStore

    s = SqliteStore(tmp_path / "contract.db")

    def edit(seq: int, changes: dict[str, Any]) -> None:
        doc = json.loads(s.db.conn.execute("SELECT doc FROM audit WHERE seq=?", (seq,)).fetchone()[0])
        doc.update(changes)
        s.db.conn.execute("UPDATE audit SET doc=? WHERE seq=?", (json.dumps(doc), seq))

    def delete(seq: int) -> None:
        s.db.conn.execute("DELETE FROM audit WHERE seq=?", (seq,))

    return Backend("sqlite", s, edit, delete)


def _elasticsearch(factory: Callable[..., Any]) -> Backend:
    s = factory()
    idx = s.conn.index("audit")

    def edit(seq: int, changes: dict[str, Any]) -> None:
        doc = s.conn.es.get(index=idx, id=str(seq))["_source"]
        doc.update(changes)
        s.conn.es.index(index=idx, id=str(seq), document=doc, refresh=True)

    def delete(seq: int) -> None:
        s.conn.es.delete(index=idx, id=str(seq), refresh=True)

    return Backend("elasticsearch", s, edit, delete)


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        b = _sqlite(tmp_path)
        yield b
        b.store.close()
    else:
        yield _elasticsearch(request.getfixturevalue("es_store_factory"))  # the factory drops and closes it


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.store
