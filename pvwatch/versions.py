"""A post linked to a PV case never changes in place.

When a source delivers a post again with different content (an edit on the platform, or a webhook sender
re-using an id), and the stored item is linked to a case, the new content becomes a NEW item beside the
original: key "<original key>~v<hash of the content>", `post.version_of` naming the original, linked to the
same case. The case gets a follow-up note the PV officer sees on the case page, and the audit trail records
`item.new_version`, all in the transaction that stores the batch. The original, and the case's E2B, keep
what was escalated. (The store's `merge_replay` also refuses to touch a case-linked item.)
"""

from __future__ import annotations

import hashlib

from pvwatch.models import AuditRecord, Item, Post, utcnow
from pvwatch.storage.base import Store

_CONTENT = ("text", "url", "author", "created_at", "parent_id", "thread_id", "lang")


def content_changed(old: Post, new: Post) -> bool:
    return any(getattr(old, f) != getattr(new, f) for f in _CONTENT)


def version_post(original: Item, post: Post) -> Post:
    digest = hashlib.sha256(post.model_dump_json(include=set(_CONTENT)).encode()).hexdigest()[:10]
    return post.model_copy(update={"id": f"{post.id}~v{digest}"[:200], "version_of": original.key})


def split_versions(store: Store, items: list[Item]) -> list[Item]:
    """Items to store: unchanged, or, for changed posts behind a case, their new version (same analysis)."""
    out: list[Item] = []
    stored = store.items.get_many([i.key for i in items])  # one request on Elasticsearch
    for item in items:
        old = stored.get(item.key)
        if old is None or old.case_id is None or not content_changed(old.post, item.post):
            out.append(item)
            continue
        post = version_post(old, item.post)
        out.append(item.model_copy(update={"key": post.key, "post": post, "case_id": old.case_id,
                                           "priority": max(item.priority, 1)}))
    return out


def record_new_version(store: Store, item: Item) -> None:
    """Called for a new version just stored (same transaction): audit record and the case's follow-up note."""
    original = item.post.version_of
    if original is None:
        return
    store.audit.append(AuditRecord(actor="system", action="item.new_version", entity="item", entity_id=original,
                                   after={"version_key": item.key, "case_id": item.case_id}))
    case = store.cases.get(item.case_id) if item.case_id else None
    if case is None:
        return
    note = {"at": utcnow().isoformat(timespec="seconds"), "by": "system", "kind": "follow_up",
            "item_key": item.key,
            "text": f"Follow-up: the source delivered a changed version of the post; it is kept as item "
                    f"{item.key} beside the original, which is unchanged."}
    store.cases.update(case.model_copy(update={"notes": [*case.notes, note]}))
