"""Cases as CSV (one row per case) for PV databases that import spreadsheets.

Cells that start with = + - @ are prefixed with a quote: post text is hostile and must not become a formula
when a PV officer opens the file in a spreadsheet (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from moderation.cases.e2b import PV_ROLE, reactions_of
from moderation.render import plain_masked
from pvwatch.models import Case, Item

COLUMNS = ["case_id", "status", "serious", "day_zero", "due_at", "created_by", "created_at", "item_key",
           "platform", "url", "products", "reactions", "seriousness", "special_situations", "text", "notes"]


def _safe(value: object) -> str:
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def case_row(case: Case, item: Item | None) -> dict[str, str]:
    row: dict[str, object] = {
        "case_id": case.id, "status": case.status.value, "serious": "yes" if case.serious else "no",
        "day_zero": case.day_zero.isoformat(), "due_at": case.due_at.isoformat(), "created_by": case.created_by,
        "created_at": case.created_at.isoformat(), "item_key": case.item_key,
        "notes": " | ".join(f"{n.get('at', '')} {n.get('by', '')}: {n.get('text', '')}" for n in case.notes),
    }
    if item is not None:
        row.update({
            "platform": item.post.platform, "url": item.post.url or "",
            "products": "; ".join(item.analysis.products),
            "reactions": "; ".join(r for r, _ in reactions_of(item)),
            "seriousness": "; ".join(item.analysis.seriousness),
            "special_situations": "; ".join(s.type for s in item.analysis.special_situations),
            "text": plain_masked(item.post.text, item.analysis.personal_data, PV_ROLE),
        })
    return {k: _safe(row.get(k)) for k in COLUMNS}


def cases_csv(rows: Iterable[tuple[Case, Item | None]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    for case, item in rows:
        w.writerow(case_row(case, item))
    return buf.getvalue()
