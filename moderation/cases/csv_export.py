"""Cases as CSV (one row per case) for PV databases that import spreadsheets.

Cells that start with = + - @ are prefixed with a quote: post text is hostile and must not become a formula
when a PV officer opens the file in a spreadsheet (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from pvwatch.models import Case, Item

COLUMNS = ["case_id", "status", "valid", "missing", "serious", "day_zero", "due_at", "assignee", "created_by",
           "created_at", "item_key", "platform", "url", "products", "reactions", "meddra_llt", "meddra_pt",
           "meddra_version", "seriousness", "patient_age", "patient_sex", "reporter_qualification",
           "reporter_country", "special_situations", "text", "notes"]


def _safe(value: object) -> str:
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def case_row(case: Case, item: Item | None) -> dict[str, str]:
    # Everything from the case (the PV record); the item only says where the post was.
    row: dict[str, object] = {
        "case_id": case.id, "status": case.status.value, "valid": "yes" if case.valid else "not yet valid",
        "missing": "; ".join(case.missing), "serious": "yes" if case.serious else "no",
        "day_zero": case.day_zero.isoformat(), "due_at": case.due_at.isoformat(), "assignee": case.assignee,
        "created_by": case.created_by, "created_at": case.created_at.isoformat(), "item_key": case.item_key,
        "products": "; ".join(case.products or ([case.product] if case.product else [])),
        "reactions": "; ".join(r.reported for r in case.reactions),
        "meddra_llt": "; ".join(f"{r.coding.llt_code} {r.coding.llt_name}" if r.coding else "(free text)"
                                for r in case.reactions),
        "meddra_pt": "; ".join(f"{r.coding.pt_code} {r.coding.pt_name}" if r.coding else "" for r in case.reactions),
        "meddra_version": case.meddra_version or "not configured",
        "seriousness": "; ".join(c.value for c in case.criteria),
        "patient_age": case.patient.age, "patient_sex": case.patient.sex.name if case.patient.sex else "",
        "reporter_qualification": case.reporter.qualification.name, "reporter_country": case.reporter.country,
        "text": case.source_text,
        "notes": " | ".join(f"{n.get('at', '')} {n.get('by', '')}: {n.get('text', '')}" for n in case.notes),
    }
    if item is not None:
        row.update({
            "platform": item.post.platform, "url": item.post.url or "",
            "special_situations": "; ".join(s.type for s in item.analysis.special_situations),
        })
    return {k: _safe(row.get(k)) for k in COLUMNS}


def cases_csv(rows: Iterable[tuple[Case, Item | None]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    for case, item in rows:
        w.writerow(case_row(case, item))
    return buf.getvalue()
