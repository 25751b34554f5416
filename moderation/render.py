"""Post text as safe HTML: evidence highlighted and personal data masked for the viewer's role, in one pass.

Evidence and personal-data offsets both refer to the raw text, so the text is cut once at every boundary and
each piece is escaped on its own; masking happens per personal-data region through the PII engineer's
`redact_for_role`, so the role policy lives in one place. Never concatenate unescaped text into HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from moderation.masking import redact_for_role
from moderation.roles import Role, allowed
from pvwatch.models import Item, PersonalData, Span


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    findings: tuple[PersonalData, ...]


def pd_regions(findings: Sequence[PersonalData], n: int) -> list[Region]:
    """Non-overlapping personal-data regions; overlapping findings merge so nothing leaks between them."""
    out: list[Region] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        s, e = max(0, f.start), min(n, f.end)
        if s >= e:
            continue
        if out and s < out[-1].end:
            last = out[-1]
            out[-1] = Region(last.start, max(last.end, e), (*last.findings, f))
        else:
            out.append(Region(s, e, (f,)))
    return out


def masked(text: str, region: Region, role: Role) -> str:
    """What `role` may see of one region (the PII policy applied to the region alone)."""

    sub = text[region.start:region.end]
    shifted = [f.model_copy(update={"start": max(0, f.start - region.start),
                                    "end": min(len(sub), f.end - region.start)}) for f in region.findings]
    return redact_for_role(sub, shifted, role)


def evidence_of(item: Item) -> list[Span]:
    spans = list(item.analysis.adverse_event.evidence)
    for ss in item.analysis.special_situations:
        spans.extend(ss.evidence)
    return spans


def render_text(text: str, evidence: Sequence[Span], findings: Sequence[PersonalData], role: Role) -> Markup:
    n = len(text)
    regions = pd_regions(findings, n)
    spans = [(max(0, s.start), min(n, s.end), s.label) for s in evidence if s.end > s.start and s.start < n]
    cuts = {0, n}
    for r in regions:
        cuts.update((r.start, r.end))
    for s, e, _ in spans:
        cuts.update((s, e))
    bounds = sorted(c for c in cuts if 0 <= c <= n)
    out: list[Markup] = []
    ri = 0
    for a, b in zip(bounds, bounds[1:], strict=False):
        while ri < len(regions) and regions[ri].end <= a:
            ri += 1
        labels = sorted({lab for s, e, lab in spans if s < b and e > a})
        if ri < len(regions) and regions[ri].start <= a < regions[ri].end:
            region = regions[ri]
            if a != region.start:
                continue  # the region was emitted whole at its start
            types = ", ".join(sorted({f.type for f in region.findings}))
            piece = Markup('<span class="pd" title="personal data: {}">{}</span>').format(
                types, masked(text, region, role))
        else:
            piece = Markup("{}").format(text[a:b])
        if labels:
            piece = Markup('<mark class="ev" title="{}">{}</mark>').format(", ".join(labels), piece)
        out.append(piece)
    return Markup("").join(out)


REACTION_LABELS = ("reaction", "negated_reaction", "care_setting")


def findings_for(item: Item, role: Role) -> list[PersonalData]:
    """The findings to mask for `role`. A role that assesses adverse events (it may confirm or escalate one)
    sees the reaction evidence in clear: a health-category finding lying inside a reaction span is context a
    reviewer must read to judge the event, not an identifier (identifiers stay masked)."""
    findings = item.analysis.personal_data
    if not (allowed(role, "confirm_adverse_event") or allowed(role, "escalate")):
        return list(findings)
    spans = [(s.start, s.end) for s in item.analysis.adverse_event.evidence if s.label in REACTION_LABELS]
    return [f for f in findings
            if not (f.special_category and any(a <= f.start and f.end <= b for a, b in spans))]


def render_item_text(item: Item, role: Role) -> Markup:
    return render_text(item.post.text, evidence_of(item), findings_for(item, role), role)


def item_snippet(item: Item, role: Role) -> str:
    return plain_masked(item.post.text, findings_for(item, role), role)


def plain_masked(text: str, findings: Sequence[PersonalData], role: Role) -> str:
    """Masked text without markup (queue snippets, CSV, E2B narrative)."""
    regions = pd_regions(findings, len(text))
    parts: list[str] = []
    pos = 0
    for r in regions:
        parts.append(text[pos:r.start])
        parts.append(masked(text, r, role))
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts)

