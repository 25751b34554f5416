"""Replay collector: JSONL or CSV exports (social-suite exports, chatbot transcripts, the demo stream).

Each record needs `id` and `text`; `platform`, `lang`, `author`, `created_at`, `url`, `parent_id`,
`thread_id` are optional. The cursor counts records read, so a restart resumes after the last stored batch.
A growing file is followed like `tail -f`: new lines are picked up on the next poll.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from collectors.base import Collector
from collectors.options import ReplayOptions
from pvwatch.models import MAX_RAW_BYTES, Post
from pvwatch.ports import Batch, Rejected
from pvwatch.sanitize import bounded, loads

csv.field_size_limit(1_000_000)


def record_to_post(rec: Any, *, default_platform: str, source: str, company_owned: bool = False,
                   namespace: str | None = None) -> Post:
    """The one place a flat export record becomes a `Post`. Raises ValueError on a malformed record.

    `namespace` (webhooks): the post key is prefixed with the receiving source, as the sender chose the
    platform and id."""
    if not isinstance(rec, dict):
        raise ValueError("record is not an object")
    rid = rec.get("id")
    text = rec.get("text")
    if rid in (None, "") or not isinstance(text, str):
        raise ValueError("record needs a non-empty 'id' and a string 'text'")
    created = rec.get("created_at") or None
    if isinstance(created, str):
        created = datetime.fromisoformat(created.replace("Z", "+00:00"))
    raw_json = json.dumps(rec, ensure_ascii=False, default=str)
    try:
        return Post(
            platform=str(rec.get("platform") or default_platform),
            id=str(rid),
            text=text,
            url=rec.get("url") or None,
            author=(str(rec["author"]) if rec.get("author") else None),
            lang=rec.get("lang") or None,
            created_at=created,
            parent_id=(str(rec["parent_id"]) if rec.get("parent_id") else None),
            thread_id=(str(rec["thread_id"]) if rec.get("thread_id") else None),
            source=source,
            company_owned=bool(rec.get("company_owned", company_owned)),
            namespace=namespace,
            raw=rec if len(raw_json) <= MAX_RAW_BYTES else {"truncated": raw_json[:MAX_RAW_BYTES]},
        )
    except ValidationError as exc:
        raise ValueError(f"invalid record: {exc.errors()[0]['msg']}") from None


def detect_format(path: Path, declared: str = "auto") -> str:
    if declared != "auto":
        return declared
    return "csv" if path.suffix.lower() in (".csv", ".tsv") else "jsonl"


def iter_records(fh: IO[str], fmt: str, delimiter: str = ",") -> Iterator[tuple[Any, str | None, str]]:
    """Yield (record, error, raw text). Malformed lines yield (None, reason, line): counted and quarantined,
    never fatal."""
    if fmt == "csv":
        for row in csv.DictReader(fh, delimiter=delimiter):
            yield row, None, ""
        return
    for n, line in enumerate(fh, 1):
        if not line.strip():
            yield None, None, ""
            continue
        try:
            yield loads(line), None, line
        except json.JSONDecodeError as exc:
            yield None, f"line {n}: not JSON ({exc.msg})", line
        except ValueError as exc:  # nested too deep: refused before the parser recurses
            yield None, f"line {n}: {exc}", line


def record_text(rec: Any, line: str) -> str:
    """What the dead-letter store keeps of a rejected record."""
    if line:
        return line.rstrip("\n")
    return json.dumps(bounded(rec), ensure_ascii=False, default=str)


class ReplayCollector(Collector):
    type = "replay"
    options_model = ReplayOptions
    options: ReplayOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path = self.cfg.resolve(self.options.path)
        self._fh: IO[str] | None = None
        self._iter: Iterator[tuple[Any, str | None, str]] | None = None
        self._pos = 0  # records consumed from the open file handle

    def _open(self, skip: int) -> None:
        self.close()
        if not self.path.exists():
            from pvwatch.errors import SourceMissing

            raise SourceMissing(f"source {self.name}: file {self.path} not found; check sources.{self.name}.path")
        fmt = detect_format(self.path, self.options.format)
        # Kept open across polls (closed in close()): reopening and skipping on every poll is O(n^2).
        self._fh = open(self.path, encoding="utf-8-sig", errors="replace", newline="")  # noqa: SIM115
        delim = "\t" if self.path.suffix.lower() == ".tsv" else ","
        self._iter = iter_records(self._fh, fmt, delim)
        self._pos = 0
        for _ in range(skip):
            if next(self._iter, None) is None:
                break
            self._pos += 1

    def poll(self, cursor: dict[str, Any]) -> Batch:
        start = int(cursor.get("records", 0))
        if self._iter is None or self._pos != start:
            self._open(start)
        assert self._iter is not None
        posts: list[Post] = []
        errors: list[str] = []
        rejected: list[Rejected] = []
        exhausted = False
        while len(posts) + len(rejected) < self.options.batch_size:
            nxt = next(self._iter, None)
            if nxt is None:
                exhausted = True
                # Forget the iterator: a file that grows is re-opened at the cursor next time.
                self._iter = None
                break
            self._pos += 1
            rec, err, line = nxt
            if err:
                errors.append(err)
                rejected.append(Rejected(line.rstrip("\n"), err))
                continue
            if rec is None:
                continue
            try:
                posts.append(
                    record_to_post(
                        rec,
                        default_platform=self.options.platform,
                        source=self.name,
                        company_owned=self.source.company_owned,
                    )
                )
            except ValueError as exc:
                errors.append(f"record {self._pos}: {exc}")
                rejected.append(Rejected(record_text(rec, line), f"record {self._pos}: {exc}"))
        # _pos counts records from the start of the file, so it is the absolute resume point.
        return Batch(posts=posts, cursor={"records": self._pos}, exhausted=exhausted, errors=errors,
                     rejected=rejected)

    def record_to_post(self, record: Any) -> Post:
        """A record (e.g. from the dead-letter store) as this source would read it; ValueError if invalid."""
        return record_to_post(record, default_platform=self.options.platform, source=self.name,
                              company_owned=self.source.company_owned)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = None
        self._iter = None
