"""Saved queue views: a reviewer's named filter sets, in `store.kv` kind `queue_view`."""

from __future__ import annotations

from pvwatch.errors import PvwatchError
from pvwatch.models import utcnow
from pvwatch.storage.base import Store

KIND = "queue_view"
MAX_VIEWS = 30


def _id(username: str, name: str) -> str:
    return f"{username}\x1f{name}"


def list_views(store: Store, username: str) -> list[dict[str, str]]:
    docs = store.kv.list(KIND, where={"user": username}, limit=MAX_VIEWS)
    return sorted(({"name": str(d["name"]), "qs": str(d["qs"])} for d in docs), key=lambda v: v["name"].lower())


def save_view(store: Store, username: str, name: str, qs: str) -> str:
    name = " ".join(name.split())[:60]
    if not name:
        raise PvwatchError("give the view a name to save it")
    if len(list_views(store, username)) >= MAX_VIEWS and store.kv.get(KIND, _id(username, name)) is None:
        raise PvwatchError(f"you already have {MAX_VIEWS} saved views; delete one first")
    store.kv.put(KIND, _id(username, name), {"user": username, "name": name, "qs": qs[:2000],
                                             "saved_at": utcnow().isoformat()})
    return name


def delete_view(store: Store, username: str, name: str) -> None:
    store.kv.delete(KIND, _id(username, name))
