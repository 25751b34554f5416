"""Permanent redaction of an item's stored text (compliance officer's "mark personal-data issue and redact").

The stored text is rewritten with the strictest mask, evidence offsets are moved to the new text, findings are
dropped (their types stay in gdpr_categories) and the raw platform payload is discarded.
"""

from __future__ import annotations

from moderation.render import masked, pd_regions
from moderation.roles import Role
from pvwatch.models import Item, Span

STRICT_ROLE = Role.social_moderator


def redact_item(item: Item) -> Item:
    text = item.post.text
    regions = pd_regions(item.analysis.personal_data, len(text))
    parts: list[str] = []
    # (old_start, old_end, new_start, new_end) of each replaced region, to move offsets
    moves: list[tuple[int, int, int, int]] = []
    pos = new_len = 0
    for r in regions:
        keep = text[pos:r.start]
        parts.append(keep)
        new_len += len(keep)
        rep = masked(text, r, STRICT_ROLE)
        moves.append((r.start, r.end, new_len, new_len + len(rep)))
        parts.append(rep)
        new_len += len(rep)
        pos = r.end
    parts.append(text[pos:])
    new_text = "".join(parts)

    def move(p: int, is_end: bool) -> int:
        shift = 0
        for old_start, old_end, new_start, new_end in moves:
            if p <= old_start:
                break
            if p < old_end:  # inside a redacted region: snap outwards to the mask
                return new_end if is_end else new_start
            shift = new_end - old_end
        return p + shift

    def fix(spans: list[Span]) -> list[Span]:
        out = []
        for s in spans:
            a, b = move(s.start, False), move(s.end, True)
            out.append(s.model_copy(update={"start": a, "end": b, "text": new_text[a:b]}))
        return out

    ae = item.analysis.adverse_event.model_copy(update={"evidence": fix(item.analysis.adverse_event.evidence)})
    sss = [ss.model_copy(update={"evidence": fix(ss.evidence)}) for ss in item.analysis.special_situations]
    cats = sorted(set(item.analysis.gdpr_categories) | {f.type for f in item.analysis.personal_data})
    analysis = item.analysis.model_copy(update={"adverse_event": ae, "special_situations": sss,
                                                "personal_data": [], "gdpr_categories": cats})
    post = item.post.model_copy(update={"text": new_text, "raw": None})
    return item.model_copy(update={"post": post, "analysis": analysis})
