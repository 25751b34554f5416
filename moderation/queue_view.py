"""Terminal rendering of the queue (`pvwatch queue`). Text is masked as for a social moderator."""

from __future__ import annotations

import json

import typer

from moderation.masking import redact_for_role
from moderation.roles import Role
from pvwatch.models import Item
from pvwatch.sanitize import printable
from pvwatch.storage.base import Page


def _masked_text(item: Item) -> str:
    return redact_for_role(item.post.text, item.analysis.personal_data, Role.social_moderator)


def _summary(item: Item) -> dict[str, object]:
    ae = item.analysis.adverse_event
    return {
        "key": item.key,
        "status": item.status.value,
        "flags": item.flags,
        "priority": item.priority,
        "products": item.analysis.products,
        "ae_score": round(ae.score, 3),
        "special_situations": [s.type for s in item.analysis.special_situations],
        "seriousness": item.analysis.seriousness,
        "day_zero": item.day_zero.isoformat() if item.day_zero else None,
        "text": _masked_text(item),
    }


def print_queue(page: Page, as_json: bool) -> None:
    rows = [_summary(i) for i in page.items]
    if as_json:
        typer.echo(json.dumps({"total": page.total, "items": rows}, ensure_ascii=False))
        return
    typer.echo(f"{page.total} items")
    for r in rows:
        text = str(r["text"]).replace("\n", " ")
        flags = ",".join(r["flags"]) or "-"  # type: ignore[arg-type]
        # printable(): post text and keys are hostile; an ESC sequence must not drive the terminal
        typer.echo(printable(f"{r['key']:<28} {r['status']:<10} {flags:<45} {text[:70]}"))


def print_item(item: Item, as_json: bool) -> None:
    row = _summary(item)
    row["evidence"] = [e.model_dump() for e in item.analysis.adverse_event.evidence]
    row["icsr"] = {k: v.model_dump() for k, v in item.analysis.icsr.items()}
    row["personal_data"] = [p.type for p in item.analysis.personal_data]
    # json.dumps escapes control characters itself
    typer.echo(json.dumps(row, ensure_ascii=False, indent=None if as_json else 2))
