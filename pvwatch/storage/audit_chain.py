"""Anchoring the audit chain: a keyed MAC on every record and a keyed head checkpoint.

A plain hash chain proves order, not authorship: whoever can write the table can edit a record and recompute
every hash after it, delete the newest rows, or append a record of their own. So every record also carries
`mac` = HMAC-SHA256(key, hash), with a key from the environment (PVWATCH_AUDIT_KEY; without it, a key derived
from the pseudonymisation key), and each append moves a head checkpoint (last seq and hash, MAC'd) kept
outside the audit table (SQLite: the kv table, in the same transaction; Elasticsearch: the head document).
`verify` reports every broken record, missing tail, forged record and column edit it finds, by seq.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from pvwatch.errors import StorageError
from pvwatch.models import AuditRecord

KEY_ENV = "PVWATCH_AUDIT_KEY"
_FALLBACK_ENV = "PVWATCH_PSEUDONYM_KEY"
HEAD_KIND, HEAD_ID = "audit_head", "head"
_MAX_REPORTED = 50


def audit_hash(rec: AuditRecord) -> str:
    """SHA-256 over the canonical JSON of the record (without its own hash and MAC) and the previous hash."""
    body = rec.model_dump(mode="json", exclude={"hash", "mac"})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditKey:
    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"pvwatch-audit-mac\0" + secret).digest()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AuditKey:
        env = os.environ if env is None else env
        value = env.get(KEY_ENV) or env.get(_FALLBACK_ENV) or ""
        if len(value.encode("utf-8")) < 16:
            raise StorageError(
                f"the audit trail needs a key: export {KEY_ENV} (at least 16 bytes, e.g. `openssl rand -hex 32`); "
                f"without it pvwatch derives one from {_FALLBACK_ENV}, which is unset or too short too")
        return cls(value.encode("utf-8"))

    def mac(self, *parts: object) -> str:
        return hmac.new(self._key, "\0".join(str(p) for p in parts).encode("utf-8"), hashlib.sha256).hexdigest()

    def seal(self, rec: AuditRecord) -> AuditRecord:
        """Set hash and MAC of a record whose seq and prev_hash are set."""
        rec = rec.model_copy(update={"hash": "", "mac": ""})
        h = audit_hash(rec)
        return rec.model_copy(update={"hash": h, "mac": self.mac("record", h)})

    def head(self, seq: int, hash: str, keyed_from: int) -> dict[str, Any]:
        return {"seq": seq, "hash": hash, "keyed_from": keyed_from, "mac": self.mac("head", seq, hash, keyed_from)}

    def head_ok(self, head: Mapping[str, Any]) -> bool:
        want = self.mac("head", head.get("seq"), head.get("hash"), head.get("keyed_from"))
        return hmac.compare_digest(want, str(head.get("mac", "")))

    def record_ok(self, rec: AuditRecord) -> bool:
        return hmac.compare_digest(self.mac("record", rec.hash), rec.mac)


def next_head(key: AuditKey, head: Mapping[str, Any] | None, rec: AuditRecord) -> dict[str, Any]:
    """The head after appending `rec`; a store that predates keyed records starts its keyed part here."""
    keyed_from = int(head["keyed_from"]) if head else rec.seq
    return key.head(rec.seq, rec.hash, keyed_from)


@dataclass(frozen=True)
class RawAudit:
    """One stored row as found, before trusting it: the indexed columns beside the document."""

    seq: int
    doc: str | Mapping[str, Any]
    entity_id: str | None = None  # the indexed column (SQLite), compared with the document
    hash: str | None = None


def verify_chain(rows: Iterable[RawAudit], head: Mapping[str, Any] | None, key: AuditKey,
                 store_has_data: bool) -> tuple[bool, str]:
    """(ok, report). The report names every problem found, one per line, by record seq."""
    problems: list[str] = []
    prev, expected, n, last = "", 1, 0, None
    keyed_from = int(head["keyed_from"]) if head and str(head.get("keyed_from", "")).isdigit() else None
    for raw in rows:
        n += 1
        try:
            rec = (AuditRecord.model_validate_json(raw.doc) if isinstance(raw.doc, str)
                   else AuditRecord.model_validate(raw.doc))
        except (ValidationError, ValueError):
            problems.append(f"record seq={raw.seq}: not a valid audit record (its JSON was damaged or edited)")
            prev, expected = raw.hash or "", raw.seq + 1
            continue
        where = f"record seq={rec.seq}"
        if rec.seq != raw.seq:
            problems.append(f"record seq={raw.seq}: its document says seq={rec.seq} (moved)")
        if rec.seq != expected:
            gap = f"seq={expected}" if rec.seq == expected + 1 else f"seq={expected}..{rec.seq - 1}"
            problems.append(f"{where}: records {gap} before it are missing (deleted or reordered)")
        if raw.entity_id is not None and raw.entity_id != rec.entity_id:
            problems.append(f"{where}: entity_id column {raw.entity_id!r} differs from the record's "
                            f"{rec.entity_id!r} (edited to hide history)")
        if raw.hash is not None and raw.hash != rec.hash:
            problems.append(f"{where}: hash column differs from the record's hash (modified)")
        if rec.prev_hash != prev:
            problems.append(f"{where}: prev_hash does not match record before it (deleted or reordered)")
        if audit_hash(rec) != rec.hash:
            problems.append(f"{where}: content does not match its hash (modified)")
        elif keyed_from is not None and rec.seq >= keyed_from and not key.record_ok(rec):
            problems.append(f"{where}: MAC invalid (forged, or rewritten and re-hashed without the audit key)")
        prev, expected, last = rec.hash, rec.seq + 1, rec
    if head is None:
        if n and (last is None or last.mac):
            problems.append("head checkpoint missing (deleted): the newest records cannot be vouched for")
        elif n == 0 and store_has_data:
            problems.append("no audit record at all, but the store holds data: every record was deleted")
    elif not key.head_ok(head):
        problems.append("head checkpoint MAC invalid (forged, or the audit key changed)")
    elif n == 0:
        problems.append(f"every record was deleted (the head checkpoint says seq={head['seq']})")
    elif expected - 1 < int(head["seq"]):
        problems.append(f"records seq={expected}..{head['seq']} are missing (the newest were deleted)")
    elif expected - 1 > int(head["seq"]):
        problems.append(f"records after seq={head['seq']} were appended behind pvwatch's back (not in the head)")
    elif last is not None and last.hash != head["hash"]:
        problems.append(f"record seq={last.seq}: differs from the head checkpoint (replaced)")
    if problems:
        more = len(problems) - _MAX_REPORTED
        shown = problems[:_MAX_REPORTED] + ([f"... and {more} more"] if more > 0 else [])
        return False, "\n".join(shown)
    return True, f"{n} records, chain intact"
