"""Writing audit records: who did what to which entity, with the state before and after."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from moderation.roles import Role, parse_role, require
from pvwatch.models import AuditRecord, Item
from pvwatch.storage.base import Store

# Review state only: the post text and analysis are facts from the platform, not reviewer changes,
# and keeping them out keeps personal data out of the 10-year audit trail.
_ITEM_FIELDS = {"status", "assignee", "priority", "day_zero", "case_id", "notes", "version", "flags"}


def snapshot(model: BaseModel | None, fields: set[str] | None = None) -> dict[str, Any] | None:
    if model is None:
        return None
    return model.model_dump(mode="json", include=fields)


def item_snapshot(item: BaseModel | None) -> dict[str, Any] | None:
    return snapshot(item, _ITEM_FIELDS)


def record(
    store: Store,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditRecord:
    return store.audit.append(
        AuditRecord(actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after)
    )


def save_item(store: Store, actor: str, action: str, before: Item, changed: Item) -> Item:
    """Save a reviewer's change to an item together with its audit record (`Store.update_audited`)."""
    snap = item_snapshot(before)
    return store.update_audited(changed, lambda saved: AuditRecord(
        actor=actor, action=action, entity="item", entity_id=before.key, before=snap, after=item_snapshot(saved)))


def read_trail(store: Store, role: Role | str, entity_id: str | None = None, limit: int = 500) -> list[AuditRecord]:
    """What an audit viewer shows: only roles with the view_audit permission (compliance, admin), newest
    first. Raises PermissionDenied for any other role."""
    require(parse_role(role) if isinstance(role, str) else role, "view_audit")
    records = list(store.audit.iter(entity_id))
    return records[::-1][:limit]
