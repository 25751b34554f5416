"""The kv documents that name one item, declared once so retention and erasure forget them with the item.

A feature that keeps a kv document per item declares its kind here (the ground cannot import features) and
uses `.kind` as its own name for it; `forget_item` deletes them all. GDPR storage limitation: once an item is
purged or erased, nothing about it (key, times, alert payload) may stay behind in a side document.
"""

from __future__ import annotations

from typing import NamedTuple

from pvwatch.storage.base import Store


class ItemLink(NamedTuple):
    kind: str  # the kv kind
    field: str  # the top-level field of its documents holding the item's key


VERSION = ItemLink("item_version", "key")  # pvwatch.versions: one per stored version, {"of", "key", "at"}
ALERT_REF = ItemLink("item_ref", "key")  # alerts.payload: opaque alert reference -> item key
ALERT_DELIVERY = ItemLink("alert_delivery", "subject")  # alerts.outbox: a delivery about the item (its payload)
ITEM_LINKS = (VERSION, ALERT_REF, ALERT_DELIVERY)


def forget_item(store: Store, key: str) -> int:
    """Delete every kv document that names the item `key`; returns how many went."""
    return sum(store.kv.delete_where(link.kind, {link.field: key}) for link in ITEM_LINKS)
