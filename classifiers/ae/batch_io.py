"""`pvwatch classify --file`: read posts (JSONL or CSV), classify in batches, write one JSON object per input,
in input order. A malformed line yields an `error` record in its place, so line N of output is input N:
blank lines, lines nested too deep, lone surrogates and a batch that fails to classify included."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pvwatch.models import MAX_TEXT_CHARS, Analysis
from pvwatch.sanitize import clean_text, clean_token, loads

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
                    yield {"id": str(n), "error": f"line {n}: blank"}
                    continue
                try:
                    rec = loads(line)
                except json.JSONDecodeError as exc:
                    yield {"id": str(n), "error": f"line {n}: not JSON ({exc.msg})"}
                    continue
                except ValueError as exc:  # nested too deep
                    yield {"id": str(n), "error": f"line {n}: {exc}"}
                    continue
                yield _post(rec, n) if isinstance(rec, dict) else {"id": str(n), "error": f"line {n}: not an object"}


def _post(rec: dict[str, Any], n: int) -> dict[str, Any]:
    ident = rec.get("id")
    ident = clean_token(str(ident)) if ident not in (None, "") else str(n)
    text = rec.get("text")
    if not isinstance(text, str):
        return {"id": ident, "error": f"record {n}: no text field"}
    lang = rec.get("lang")
    return {"id": ident, "text": clean_text(text)[:MAX_TEXT_CHARS],
            "lang": clean_token(lang) if isinstance(lang, str) and lang else None}


def _one(analyzer: Any, post: dict[str, Any]) -> Analysis | str:
    try:
        return analyzer.analyze_many([post["text"]], [post["lang"]])[0]  # type: ignore[no-any-return]
    except Exception as exc:
        return f"cannot classify: {type(exc).__name__}: {exc}"[:300]


def classify_stream(analyzer: Any, posts: Iterable[dict[str, Any]], out: TextIO, pretty: bool = False) -> int:
    """Classify in batches and write; returns the number of records written."""
    n = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal n
        good = [p for p in batch if "error" not in p]
        try:
            found: list[Any] = analyzer.analyze_many([p["text"] for p in good], [p["lang"] for p in good])
        except Exception:  # one post breaks the batch: classify one by one, an error record for the culprit
            found = [_one(analyzer, p) for p in good]
        analyses = iter(found)
        for p in batch:
            got = None if "error" in p else next(analyses)
            if got is None:
                rec = {"schema_version": SCHEMA_VERSION, "id": p["id"], "error": p["error"]}
            elif isinstance(got, str):
                rec = {"schema_version": SCHEMA_VERSION, "id": p["id"], "error": got}
            else:
                rec = record(p["id"], got)
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
