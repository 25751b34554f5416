"""An edit is a new version of the post; a stored post never changes in place when the platform edits it.

When a source delivers a post again with different content, and either the platform says it was edited
(`Post.edited_at` newer than what we stored: Reddit `edited`, YouTube `updatedAt`) or the stored item is linked
to a PV case (or a webhook sender re-uses an id), the new content becomes a NEW item beside the original:
key "<original key>~v<hash of the content>", `post.version_of` naming the original. X edits come with their own
id and name their first version themselves (`edit_history_tweet_ids`, set by the collector). Each version is
classified on its own text (flags, priority, alerts), linked to the original's case if it has one (the case gets
a follow-up note the PV officer sees), recorded in the audit trail (`item.new_version`) and in the kv index
below (the original's page links forward), all in the transaction that stores the batch. The original, and the
case's E2B, keep what was escalated. (The store's `merge_replay` also refuses to touch a case-linked item.)
A replay of the same version hashes to the same key: stored once.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pvwatch.item_links import VERSION
from pvwatch.models import AuditRecord, Item, Post, utcnow
from pvwatch.storage.base import Store

_CONTENT = ("text", "url", "author", "created_at", "parent_id", "thread_id", "lang")
KIND = VERSION.kind  # kv: one document per version {"of": first version's key, "key", "at"}; no post content


def content_changed(old: Post, new: Post) -> bool:
    return any(getattr(old, f) != getattr(new, f) for f in _CONTENT)


def is_edit(old: Post, new: Post) -> bool:
    """The platform says the post was edited since the version we stored."""
    return new.edited_at is not None and new.edited_at != old.edited_at


def version_post(original: Item, post: Post) -> Post:
    digest = hashlib.sha256(post.model_dump_json(include=set(_CONTENT)).encode()).hexdigest()[:10]
    return post.model_copy(update={"id": f"{post.id}~v{digest}"[:200], "version_of": original.key})


def platform_id(post: Post) -> str:
    """The id the platform knows: a version stored as "<id>~v<hash>" is still the platform's post <id> (hiding or
    removing it acts on the post as it is now)."""
    if post.version_of is not None and "~v" in post.id:
        return post.id.rsplit("~v", 1)[0]
    return post.id


def _behind_case(item: Item, case_id: str) -> Item:
    return item.model_copy(update={"case_id": case_id, "priority": max(item.priority, 1)})


def split_versions(store: Store, items: list[Item]) -> list[Item]:
    """Items to store: unchanged or refreshed ones as they are, edited or case-linked changed posts as their new
    version (with the analysis of the new text)."""
    out: list[Item] = []
    named = [i.post.version_of for i in items if i.post.version_of]
    stored = store.items.get_many([i.key for i in items] + named)  # one request on Elasticsearch
    for item in items:
        old = stored.get(item.key)
        first_key = item.post.version_of
        if first_key is not None:  # the platform named the first version (an X edit has its own id)
            first = stored.get(first_key)
            if old is None and first is not None and first.case_id is not None:
                item = _behind_case(item, first.case_id)
            out.append(item)
            continue
        if old is None or not content_changed(old.post, item.post):
            out.append(item)
            continue
        if old.case_id is None and not is_edit(old.post, item.post):
            out.append(item)  # a re-delivery (replayed export, re-sanitised text): refreshed in place, as before
            continue
        post = version_post(old, item.post)
        version = item.model_copy(update={"key": post.key, "post": post})
        out.append(_behind_case(version, old.case_id) if old.case_id else version)
    return out


def _at(post: Post) -> str:
    return (post.edited_at or post.created_at or post.collected_at).isoformat()


def record_new_version(store: Store, item: Item) -> None:
    """Called for a new version just stored (same transaction): forward link, audit record, case follow-up."""
    original = item.post.version_of
    if original is None:
        return
    store.kv.put(KIND, item.key, {"of": original, "key": item.key, "at": _at(item.post)})
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


def version_chain(store: Store, item: Item) -> tuple[str, list[dict[str, Any]]]:
    """(first version's key, every known version oldest first as {"key", "at", "item"}; "item" is None when that
    version is not stored: an X edit whose original no rule matched, or a version purged by retention)."""
    first = item.post.version_of or item.key
    docs = sorted(store.kv.list(KIND, where={"of": first}), key=lambda d: (str(d.get("at")), str(d.get("key"))))
    keys = [first] + [str(d["key"]) for d in docs if d.get("key") != first]
    found = store.items.get_many(keys)
    at = {str(d["key"]): str(d.get("at")) for d in docs}
    head = found.get(first)
    at[first] = _at(head.post) if head is not None else ""
    return first, [{"key": k, "at": at.get(k, ""), "item": found.get(k)} for k in keys]
