"""Follow-up proposals and likely duplicates (GVP VI.B.7 follow-up, VI.C.6.2.2.6 duplicate management).

- Follow-up: a new post by the same author, or in the same thread, about the same product and reaction as an
  OPEN case is proposed as a follow-up of that case rather than a new case.
- Duplicate: another case with the same post text (folded), or the same product + reaction + author within
  `[cases] duplicate_window_days`, is linked as a likely duplicate for the PV officer to confirm.
Reactions are compared by MedDRA PT when both are coded, else by normalised term.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from moderation.cases.coding import fold
from pvwatch.case_record import CaseLink, CaseReaction, LinkKind
from pvwatch.models import Case, Item, utcnow
from pvwatch.storage.base import Store


def reaction_keys(reactions: Iterable[CaseReaction]) -> set[str]:
    keys: set[str] = set()
    for r in reactions:
        keys.add("t:" + fold(r.normalized or r.reported))
        if r.coding is not None:
            keys.add("pt:" + r.coding.pt_code)
    return keys


def fingerprint(text: str) -> str:
    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()


def _same_reporter(item: Item, case: Case) -> str | None:
    if item.post.author and item.post.author == case.author:
        return "same author"
    if item.post.thread_id and item.post.thread_id == case.thread_id:
        return "same thread"
    return None


def find_links(store: Store, item: Item, products: list[str], reactions: list[CaseReaction],
               window_days: int, exclude: str | None = None) -> list[CaseLink]:
    """Proposed links of a new case (or of an item about to become one) to existing cases. Reads case
    records only (fingerprint, author, thread), never the posts behind them."""
    now = utcnow()
    mine = reaction_keys(reactions)
    prods = {p.lower() for p in products}
    text = fingerprint(item.post.text) if len(item.post.text.strip()) >= 20 else None
    links: list[CaseLink] = []
    for case in store.cases.list():
        if case.id == exclude or case.item_key == item.key:
            continue
        same_product = bool(prods & {p.lower() for p in (case.products or [case.product or ""])})
        same_reaction = bool(mine & reaction_keys(case.reactions))
        who = _same_reporter(item, case)
        if text is not None and case.fingerprint == text:
            links.append(CaseLink(kind=LinkKind.duplicate_of, case_id=case.id, reason="same post text", at=now))
        elif case.status.is_open and who and same_product and same_reaction:
            links.append(CaseLink(kind=LinkKind.follow_up_of, case_id=case.id, at=now,
                                  reason=f"{who}, same product and reaction: a follow-up of this open case?"))
        elif (who == "same author" and same_product and same_reaction
              and now - case.created_at <= timedelta(days=window_days)):
            links.append(CaseLink(kind=LinkKind.duplicate_of, case_id=case.id, at=now,
                                  reason=f"same author, product and reaction within {window_days} days"))
    return links
