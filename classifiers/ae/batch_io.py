"""`pvwatch classify --file`: read posts (JSONL or CSV), classify in batches, write one JSON object per input,
in input order. A malformed line yields an `error` record in its place, so line N of output is input N."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pvwatch.models import MAX_TEXT_CHARS, Analysis

SCHEMA_VERSION = 1
BATCH = 256


def record(ident: str | None, analysis: Analysis) -> dict[str, Any]:
    """The stable output shape (docs/classify-interface.md). New fields may be added; none is removed."""
    return {"schema_version": SCHEMA_VERSION, "id": ident, **analysis.model_dump(mode="json")}


def read_posts(path: Path, fmt: str = "auto") -> Iterator[dict[str, Any]]:
    """Dicts with id/text/lang, or {'id', 'error'} for a line that is not a post."""
    if fmt == "auto":
        fmt = "csv" if path.suffix.lower() in (".csv", ".tsv") else "jsonl"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        if fmt == "csv":
            csv.field_size_limit(MAX_TEXT_CHARS * 4)
            delim = "\t" if path.suffix.lower() == ".tsv" else ","
            for n, row in enumerate(csv.DictReader(fh, delimiter=delim), 1):
                yield _post(row, n)
        else:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield {"id": str(n), "error": f"line {n}: not JSON ({exc.msg})"}
                    continue
                yield _post(rec, n) if isinstance(rec, dict) else {"id": str(n), "error": f"line {n}: not an object"}


def _post(rec: dict[str, Any], n: int) -> dict[str, Any]:
    ident = rec.get("id")
    ident = str(ident) if ident not in (None, "") else str(n)
    text = rec.get("text")
    if not isinstance(text, str):
        return {"id": ident, "error": f"record {n}: no text field"}
    lang = rec.get("lang")
    return {"id": ident, "text": text[:MAX_TEXT_CHARS], "lang": lang if isinstance(lang, str) and lang else None}


def classify_stream(analyzer: Any, posts: Iterable[dict[str, Any]], out: TextIO, pretty: bool = False) -> int:
    """Classify in batches and write; returns the number of records written."""
    n = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal n
        good = [p for p in batch if "error" not in p]
        analyses = iter(analyzer.analyze_many([p["text"] for p in good], [p["lang"] for p in good]))
        for p in batch:
            rec = {"schema_version": SCHEMA_VERSION, **p} if "error" in p else record(p["id"], next(analyses))
            out.write(json.dumps(rec, ensure_ascii=False, indent=2 if pretty else None) + "\n")
            n += 1
        batch.clear()

    for post in posts:
        batch.append(post)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return n
