"""Reviewer actions on items. Every call checks the role, saves with the version the reviewer saw
(optimistic concurrency: a stale version raises ConflictError) and appends an audit record with before/after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moderation.audit import save_item
from moderation.queue.filters import QueueFilters
from moderation.redaction import redact_item
from moderation.roles import Role, require
from pvwatch.config import Config
from pvwatch.errors import ConflictError, NotFoundError, PvwatchError
from pvwatch.models import AuditRecord, FlagType, Item, ItemStatus, day_zero_for, utcnow
from pvwatch.ports import ActionsFor
from pvwatch.storage.base import ItemQuery, Page, Store

MAX_NOTE = 4000
# Dismiss reasons; the first ones say "this is not an adverse event" and become negative training labels.
NOT_AE_REASONS = ("not_adverse_event", "not_about_product", "off_topic", "spam")
DISMISS_REASONS = (*NOT_AE_REASONS, "duplicate", "other")


def in_pv_scope(item: Item) -> bool:
    """An adverse event, a special situation, or a post a reviewer confirmed or escalated: PV must assess it."""
    return bool(item.case_id) or item.status in (ItemStatus.confirmed, ItemStatus.escalated) or any(
        f in item.flags for f in (FlagType.adverse_event.value, FlagType.special_situation.value))


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role


def decision_note(actor: Actor, action: str, ae_label: bool | None, **extra: Any) -> dict[str, Any]:
    """A note the machine can read back: reviewer decisions become labelled data (classifiers.decisions)."""
    return {"kind": "decision", "action": action, "by": actor.username, "at": utcnow().isoformat(),
            "ae_label": ae_label, **extra}


class QueueService:
    def __init__(self, cfg: Config, store: Store, actions: ActionsFor | None = None) -> None:
        self.cfg = cfg
        self.store = store
        self.actions = actions  # platform actions, plugged in by the composition root

    # -- reading -------------------------------------------------------------------------------
    def page(self, actor: Actor, filters: QueueFilters) -> Page:
        require(actor.role, "view_queue")
        return self.store.items.query(filters.to_query(zone=self.cfg.ui.timezone))

    def facets(self, actor: Actor, filters: QueueFilters, field: str) -> dict[str, int]:
        """How many items each value of `field` would give with the other filters kept."""
        require(actor.role, "view_queue")
        try:
            return self.store.items.facets(filters.to_query(limit=0, zone=self.cfg.ui.timezone), field)
        except NotImplementedError:  # a backend without aggregations: the choices are shown without counts
            return {}

    def next_after(self, actor: Actor, filters: QueueFilters, key: str) -> Item | None:
        """The item to review after `key` with these filters: the one after it on its page, else the first
        other one (the acted-on item has usually left the filter)."""
        items = self.page(actor, filters).items
        keys = [i.key for i in items]
        if key in keys:
            rest = items[keys.index(key) + 1:]
            if rest:
                return rest[0]
        if filters.page > 1 and not items:
            items = self.page(actor, filters.on_page(1)).items
        return next((i for i in items if i.key != key), None)

    def get(self, actor: Actor, key: str) -> Item:
        require(actor.role, "view_queue")
        item = self.store.items.get(key)
        if item is None:
            raise NotFoundError(f"no item {key!r}; it may have been purged by retention. Go back to the queue")
        return item

    def key_of_ref(self, actor: Actor, ref: str) -> str:
        """The item an alert's reference link points to (alerts/payload.py `item_ref`)."""
        require(actor.role, "view_queue")
        found = self.store.kv.get("item_ref", ref[:64])
        if found is None or not isinstance(found[0].get("key"), str):
            raise NotFoundError("this alert link points to no item; it may have been purged by retention. "
                                "Go back to the queue")
        return str(found[0]["key"])

    def history(self, actor: Actor, key: str) -> list[AuditRecord]:
        """The audit trail of one item: the view_audit permission (moderation/roles.py)."""
        require(actor.role, "view_audit")
        return list(self.store.audit.iter(entity_id=key))

    def thread(self, actor: Actor, item: Item, limit: int = 20) -> list[Item]:
        """The post's conversation: its parent, the thread root and other collected posts of the thread."""
        require(actor.role, "view_queue")
        post = item.post
        found: dict[str, Item] = {}
        for pid in (post.parent_id, post.thread_id):
            if pid:
                other = self.store.items.get(f"{post.platform}:{pid}")
                if other is not None:
                    found[other.key] = other
        if post.thread_id:
            page = self.store.items.query(ItemQuery(thread_id=post.thread_id, platform=post.platform, limit=limit))
            found.update({i.key: i for i in page.items})
        found.pop(item.key, None)
        epoch = item.post.collected_at
        return sorted(found.values(), key=lambda i: i.post.created_at or i.post.collected_at or epoch)[:limit]

    def versions(self, actor: Actor, item: Item) -> dict[str, Any] | None:
        """The post's versions when it was edited on the platform (moderation/queue/versions.py)."""
        require(actor.role, "view_queue")
        from moderation.queue.versions import version_view

        return version_view(self.store, item, actor.role)

    # -- the one write path ----------------------------------------------------------------------
    def apply(self, actor: Actor, permission: str, action: str, key: str, version: int | None,
              change: Callable[[Item], Item]) -> Item:
        require(actor.role, permission)
        item = self.store.items.get(key)
        if item is None:
            raise NotFoundError(f"no item {key!r}; reload the queue")
        if version is not None and version != item.version:
            raise ConflictError(f"item {key} was changed by someone else since you opened it; reload and redo")
        # One write with its audit record: a failure between them never leaves an unaudited change.
        return save_item(self.store, actor.username, action, item, change(item))

    # -- actions ---------------------------------------------------------------------------------
    def dismiss(self, actor: Actor, key: str, version: int | None, reason: str, comment: str = "") -> Item:
        if reason not in DISMISS_REASONS:
            raise PvwatchError(f"choose a dismiss reason among: {', '.join(DISMISS_REASONS)}")
        item = self.get(actor, key)
        if FlagType.adverse_event in item.flags:
            require(actor.role, "dismiss_adverse_event")
        label = False if reason in NOT_AE_REASONS else None
        note = decision_note(actor, "dismiss", label, reason=reason, text=comment[:MAX_NOTE])
        return self.apply(actor, "dismiss", "item.dismiss", key, version,
                          lambda i: i.model_copy(update={"status": ItemStatus.dismissed, "notes": [*i.notes, note]}))

    def confirm(self, actor: Actor, key: str, version: int | None) -> Item:
        note = decision_note(actor, "confirm_adverse_event", True)

        def change(i: Item) -> Item:
            flags = i.flags if FlagType.adverse_event in i.flags else [FlagType.adverse_event, *i.flags]
            # a reviewer-confirmed event starts the clock now if the machine had not already
            day_zero = i.day_zero or self.day_zero_of(i)
            return i.model_copy(update={"status": ItemStatus.confirmed, "flags": flags, "day_zero": day_zero,
                                        "priority": max(i.priority, 1), "notes": [*i.notes, note]})

        return self.apply(actor, "confirm_adverse_event", "item.confirm", key, version, change)

    def day_zero_of(self, item: Item) -> datetime:
        return day_zero_for(item.post, self.cfg.cases.day_zero)

    def redact(self, actor: Actor, key: str, version: int | None) -> Item:
        """Moderation never changes the PV record (GVP VI; GDPR art. 9(2)(i)): a post in PV scope keeps its
        text and its place in PV review, the raw payload is dropped and every non-PV role keeps seeing the
        masked view. Any other post is rewritten with the strictest mask and leaves the queue."""

        def change(i: Item) -> Item:
            if in_pv_scope(i):
                note = decision_note(actor, "redact", None, pv_record_kept=True)
                return i.model_copy(update={"post": i.post.model_copy(update={"raw": None}),
                                            "notes": [*i.notes, note]})
            note = decision_note(actor, "redact", None)
            return redact_item(i).model_copy(update={"status": ItemStatus.redacted, "notes": [*i.notes, note]})

        return self.apply(actor, "redact", "item.redact", key, version, change)

    def note(self, actor: Actor, key: str, version: int | None, text: str) -> Item:
        text = text.strip()[:MAX_NOTE]
        if not text:
            raise PvwatchError("the note is empty; write something to add")
        note = {"kind": "note", "by": actor.username, "at": utcnow().isoformat(), "text": text}
        return self.apply(actor, "note", "item.note", key, version,
                          lambda i: i.model_copy(update={"notes": [*i.notes, note]}))

    def assign(self, actor: Actor, key: str, version: int | None, assignee: str | None) -> Item:
        from moderation.auth.users import get_user

        assignee = (assignee or "").strip() or None
        if assignee is not None and get_user(self.store, assignee) is None:
            raise PvwatchError(f"no user {assignee!r}; assign to an existing reviewer")
        return self.apply(actor, "assign", "item.assign", key, version,
                          lambda i: i.model_copy(update={"assignee": assignee}))

    def moderate(self, actor: Actor, key: str, version: int | None, mode: str, dry_run: bool = True) -> Item:
        """Hide or remove the post on its platform through the collectors' actions, then record it."""
        if mode not in ("hide", "remove"):
            raise PvwatchError("platform action must be 'hide' or 'remove'")
        require(actor.role, mode)
        item = self.get(actor, key)
        if self.actions is None:
            raise PvwatchError(f"{mode} on the platform is not available in this process (no platform actions "
                               "were plugged in); hide the post from the platform's own moderation tools")
        actions = self.actions(item.post.platform, dry_run)
        result = actions.hide(item.post) if mode == "hide" else actions.remove(item.post)
        if not result.ok:
            raise PvwatchError(f"{mode} on {item.post.platform} failed: {result.message}")
        note = decision_note(actor, mode, None, text=result.message[:500], dry_run=dry_run)
        if dry_run:  # nothing changed on the platform: record the rehearsal, keep the status
            return self.apply(actor, mode, f"item.{mode}_dry_run", key, version,
                              lambda i: i.model_copy(update={"notes": [*i.notes, note]}))
        return self.apply(actor, mode, f"item.{mode}", key, version,
                          lambda i: i.model_copy(update={"status": ItemStatus.hidden, "notes": [*i.notes, note]}))
