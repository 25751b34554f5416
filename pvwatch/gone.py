"""A post deleted or removed on the platform after we collected it: recorded, never a new post text.

The stored item keeps the text it had (for a PV department, an adverse event once read stays reported); it gets
a note the reviewer sees ("deleted on the platform by its author") and an audit record, and its case, if any, a
follow-up note. Recorded once per item: a re-read that finds it gone again changes nothing.
"""

from __future__ import annotations

from pvwatch.models import AuditRecord, Item, utcnow
from pvwatch.ports import Gone, GoneReason
from pvwatch.storage.base import Store

NOTE_KIND = "platform_gone"
_TEXT = {GoneReason.deleted: "Deleted on the platform by its author after collection; the text kept here is "
                             "what was collected.",
         GoneReason.removed: "Removed on the platform (by a moderator or the platform) after collection; the text "
                             "kept here is what was collected."}


def record_gone(store: Store, gone: list[Gone]) -> int:
    """Note each stored item found gone; returns how many were newly recorded."""
    done = 0
    found = store.items.get_many([g.key for g in gone])
    for g in gone:
        item = found.get(g.key)
        if item is None or any(n.get("kind") == NOTE_KIND for n in item.notes):
            continue
        note = {"at": utcnow().isoformat(timespec="seconds"), "by": "system", "kind": NOTE_KIND,
                "reason": g.reason.value, "text": _TEXT[g.reason]}
        changed = item.model_copy(update={"notes": [*item.notes, note]})

        def record(saved: Item, reason: GoneReason = g.reason) -> AuditRecord:
            return AuditRecord(actor="system", action="item.gone_on_platform", entity="item", entity_id=saved.key,
                               after={"reason": reason.value, "case_id": saved.case_id})

        store.update_audited(changed, record)
        case = store.cases.get(item.case_id) if item.case_id else None
        if case is not None:
            follow = {"at": note["at"], "by": "system", "kind": "follow_up", "item_key": item.key,
                      "text": f"Follow-up: the post {item.key} was {g.reason.value} on the platform after "
                              "collection; the case keeps what was collected."}
            store.cases.update(case.model_copy(update={"notes": [*case.notes, follow]}))
        done += 1
    return done
