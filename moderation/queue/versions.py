"""What the review page says about an edited post: which version this is, the others, and what changed.

Every version is its own item (pvwatch/versions.py): "edited: version 2 of <v1>" on a later version, links
forward on the first. "What changed" is a word diff of the previous version against this one, computed on the
texts as masked for the reviewer's role: it never shows personal data the page itself would mask.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from moderation.render import item_snippet
from moderation.roles import Role
from pvwatch.models import Item
from pvwatch.storage.base import Store
from pvwatch.versions import version_chain

MAX_CHANGE_CHARS = 400  # per side: the whole texts are on the pages themselves
_WORDS = re.compile(r"\S+")


def changes(before: str, after: str) -> dict[str, str]:
    """Words removed from `before` and added in `after`, each joined with ' … ' between separate places."""
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    removed: list[str] = []
    added: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            removed.append(" ".join(a[i1:i2]))
        if op in ("insert", "replace"):
            added.append(" ".join(b[j1:j2]))
    return {"removed": " … ".join(removed)[:MAX_CHANGE_CHARS], "added": " … ".join(added)[:MAX_CHANGE_CHARS]}


def version_view(store: Store, item: Item, role: Role) -> dict[str, Any] | None:
    """None for a post never edited; otherwise {"first", "number", "total", "versions": [{"key", "n", "at",
    "stored", "current"}], "changes": {"removed", "added"} or None}."""
    first, chain = version_chain(store, item)
    keys = [c["key"] for c in chain]
    if item.key not in keys:  # a version stored before the forward index existed
        chain.append({"key": item.key, "at": "", "item": item})
        keys.append(item.key)
    if len(chain) < 2:
        return None
    index = keys.index(item.key)
    previous = chain[index - 1]["item"] if index > 0 else None
    diff = changes(item_snippet(previous, role), item_snippet(item, role)) if previous is not None else None
    return {"first": first, "number": index + 1, "total": len(chain), "changes": diff,
            "versions": [{"key": c["key"], "n": n + 1, "at": c["at"], "stored": c["item"] is not None,
                          "current": c["key"] == item.key} for n, c in enumerate(chain)]}
