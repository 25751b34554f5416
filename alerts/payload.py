"""What an alert says: the minimum a PV officer needs to act, and nothing about the person.

Payloads carry the product, the flag type, seriousness, special-situation types and a link to the item in
the review UI. Never the post text, the author (even pseudonymised), the platform URL or personal-data
findings: the UI, behind its login and roles, is where those are read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from pvwatch.item_links import ALERT_REF
from pvwatch.models import Case, Item
from pvwatch.storage.base import Checkpoint

_MAX_LIST = 20  # bound lists copied from classifier output
REF_KIND = ALERT_REF.kind  # kv: alert reference -> item key, for links to items whose key is not shown


def _iso(ts: datetime | None) -> str | None:
    return ts.astimezone(UTC).isoformat(timespec="seconds") if ts is not None else None


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_.:/~-]{1,160}$")


def plain_key(key: str) -> bool:
    """Keys made of platform ids (digits, letters, dashes) are shown; anything else a source chose itself (an
    e-mail address as post id, spaces, control characters) never leaves pvwatch: alerts carry a reference."""
    return bool(_PLAIN_KEY.match(key))


def item_ref(key: str) -> str:
    """An opaque, stable reference to an item (keyed: it reveals nothing about the key)."""
    from pvwatch.storage.audit_chain import AuditKey

    return "r" + AuditKey.from_env().mac("item-ref", key)[:31]


def item_link(base_url: str, key: str) -> str:
    # The review UI's item page is /item?key=... (moderation/web/views_queue.py); the key is source-supplied,
    # so every reserved character is escaped.
    return f"{base_url.rstrip('/')}/item?key={quote(key, safe=':')}"


def ref_link(base_url: str, ref: str) -> str:
    return f"{base_url.rstrip('/')}/item?ref={ref}"


def item_payload(item: Item, event: str, rule: str, base_url: str) -> dict[str, Any]:
    a = item.analysis
    plain = plain_key(item.key)
    ref = item_ref(item.key)
    return {
        "event": event,
        "rule": rule,
        "item_key": item.key if plain else None,
        "item_ref": ref,
        "platform": item.post.platform if plain else item.post.source,
        "products": a.products[:_MAX_LIST],
        "flags": [f.value for f in item.flags],
        "serious": a.serious,
        "seriousness": a.seriousness[:_MAX_LIST],
        "special_situations": sorted({s.type for s in a.special_situations})[:_MAX_LIST],
        "score": round(a.adverse_event.score, 3),
        "day_zero": _iso(item.day_zero),
        "link": item_link(base_url, item.key) if plain else ref_link(base_url, ref),
    }


def case_payload(case: Case, event: str, rule: str, base_url: str, now: datetime) -> dict[str, Any]:
    return {
        "event": event,
        "rule": rule,
        "case_id": case.id,
        "item_key": case.item_key if plain_key(case.item_key) else None,
        "products": [case.product] if case.product else [],
        "serious": case.serious,
        "status": str(case.status),
        "due_at": _iso(case.due_at),
        "days_left": round((case.due_at - now).total_seconds() / 86400, 1),
        "link": item_link(base_url, case.item_key) if plain_key(case.item_key)
        else ref_link(base_url, item_ref(case.item_key)),
    }


def collector_payload(cp: Checkpoint, event: str, rule: str, base_url: str, now: datetime) -> dict[str, Any]:
    # last_error is left out on purpose: collector errors can quote platform responses.
    minutes = (now - cp.last_success).total_seconds() / 60 if cp.last_success else None
    return {
        "event": event,
        "rule": rule,
        "source": cp.source,
        "last_success": _iso(cp.last_success),
        "minutes_since_success": round(minutes, 1) if minutes is not None else None,
        "error_count": cp.error_count,
        "failing": cp.failing,  # its latest poll failed (else it is stuck without errors)
        "last_error_at": _iso(cp.last_error_at),
        "failing_since": _iso(cp.failing_since),
        "link": base_url.rstrip("/") + "/",
    }


def title(p: dict[str, Any]) -> str:
    """One line for chat and e-mail subjects."""
    products = ", ".join(p.get("products") or []) or "no product named"
    event = p.get("event")
    if event == "adverse_event":
        kind = "Serious adverse event" if p.get("serious") else "Adverse event"
        return f"{kind}: {products} ({p.get('platform')})"
    if event == "special_situation":
        return f"Special situation ({', '.join(p.get('special_situations') or [])}): {products}"
    if event == "case_due":
        return f"PV case {p.get('case_id')} due in {p.get('days_left')} days: {products}"
    if event == "case_overdue":
        return f"PV case {p.get('case_id')} OVERDUE ({p.get('days_left')} days): {products}"
    if event == "collector_stopped":
        why = "failing" if p.get("failing") else "no error"
        since = p.get("last_success") or f"never; failing since {p.get('failing_since')}"
        return f"Collector {p.get('source')} stopped, {why} (last success {since})"
    return f"pvwatch {event}"


def details(p: dict[str, Any]) -> list[str]:
    """Extra lines under the title; only fields already in the payload."""
    lines: list[str] = []
    if p.get("seriousness"):
        lines.append("Seriousness: " + ", ".join(p["seriousness"]))
    if p.get("special_situations") and p.get("event") != "special_situation":
        lines.append("Special situations: " + ", ".join(p["special_situations"]))
    if p.get("due_at"):
        lines.append(f"Due: {p['due_at']} (status {p.get('status')})")
    if p.get("link"):
        lines.append(f"Open: {p['link']}")
    return lines


def render_text(alerts: list[dict[str, Any]], digest: bool, test: bool) -> tuple[str, str]:
    """(subject, plain-text body) shared by the chat and e-mail channels."""
    if test:
        return "pvwatch test alert", "This is a test message from pvwatch: the channel works."
    subject = title(alerts[0]) if alerts else "pvwatch alert"
    if digest:
        subject = f"pvwatch digest: {len(alerts)} alerts"
    blocks = []
    for p in alerts:
        blocks.append("\n".join([f"- {title(p)}", *("  " + line for line in details(p))]))
    return subject, "\n".join(blocks)
