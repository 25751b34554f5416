"""Corpus readers: JSONL, CSV/TSV (label column configurable), BRAT, and the shapes of the corpora we benchmark
on (SMM4H tsv, PsyTAR, Druglib reviews, ADE-Corpus-V2). Every reader returns `Example`s; bad rows are counted
and skipped, never fatal, because corpora are messy."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pvwatch.errors import PvwatchError

TEXT_COLUMNS = ("text", "tweet", "sentences", "sentence", "post", "content")
LABEL_COLUMNS = ("label", "adverse_event", "is_ae", "class", "ADR", "ade")
_TRUE = {"1", "1.0", "true", "yes", "y", "ade", "ae", "positive", "pos"}
_FALSE = {"0", "0.0", "false", "no", "n", "not ade", "noade", "negative", "neg", "", "none"}
DRUGLIB_EFFECTS = {"No Side Effects": False, "Mild Side Effects": True, "Moderate Side Effects": True,
                   "Severe Side Effects": True, "Extremely Severe Side Effects": True}
# "tsv": tab-separated and unquoted (SMM4H: a quote character is part of the tweet); "tsv-quoted": tab-separated
# with CSV quoting (PsyTAR's splits: `"I still feel like ""myself"" but..."`, a quoted sentence may span lines)
FORMATS = ("auto", "jsonl", "csv", "tsv", "tsv-quoted", "brat", "druglib", "ade")


class CorpusError(PvwatchError):
    """A corpus file cannot be read as asked."""


@dataclass(frozen=True)
class Example:
    text: str
    label: bool
    lang: str | None = None
    id: str = ""


def parse_label(value: object) -> bool | None:
    """Labels as corpora write them; None when the value means nothing we know."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, dict) and "decision" in value:
        return parse_label(value["decision"])
    s = str(value).strip().lower()
    return True if s in _TRUE else False if s in _FALSE else None


def read_corpus(path: str | Path, fmt: str = "auto", text_col: str | None = None, label_col: str | None = None,
                lang: str | None = None) -> list[Example]:
    p = Path(path)
    if not p.exists():
        raise CorpusError(f"{p} does not exist; give a JSONL, CSV, TSV file or a BRAT/ADE directory")
    if fmt not in FORMATS:
        raise CorpusError(f"unknown corpus format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "auto":
        fmt = _guess(p)
    if fmt == "jsonl":
        return _jsonl(p, text_col, label_col, lang)
    if fmt == "brat":
        return _brat(p, label_col, lang)
    if fmt == "ade":
        return _ade(p)
    if fmt == "druglib":
        return _druglib(p)
    return _table(p, fmt, text_col, label_col, lang)


def _guess(p: Path) -> str:
    if p.is_dir():
        return "ade" if (p / "DRUG-AE.rel").exists() else "brat"
    if p.name in ("DRUG-AE.rel", "ADE-NEG.txt"):
        return "ade"
    if p.suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    with p.open(encoding="utf-8", errors="replace") as fh:
        head = fh.readline()
    if "sideEffectsReview" in head:
        return "druglib"
    if head.startswith("sentences\tADR"):
        return "tsv-quoted"  # PsyTAR's binary splits
    return "tsv" if head.count("\t") > head.count(",") else "csv"


def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str, p: Path) -> str:
    if wanted:
        if wanted not in columns:
            raise CorpusError(f"{p}: no column {wanted!r}; columns are {columns}")
        return wanted
    for c in candidates:
        if c in columns:
            return c
    raise CorpusError(f"{p}: no {what} column among {columns}; name it with --{what}-column")


def _jsonl(p: Path, text_col: str | None, label_col: str | None, lang: str | None) -> list[Example]:
    out = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            print(f"{p}:{n}: not JSON, skipped", file=sys.stderr)
            continue
        if not isinstance(rec, dict):
            continue
        text = rec.get(text_col or "text")
        key = label_col or next((c for c in LABEL_COLUMNS if c in rec), None)
        label = parse_label(rec.get(key)) if key else None
        if key is None and isinstance(rec.get("labels"), dict):  # pvwatch/demo/posts.jsonl: labels.adverse_event
            label = parse_label(rec["labels"].get("adverse_event"))
        if isinstance(text, str) and label is not None:
            out.append(Example(text, label, rec.get("lang") or lang, str(rec.get("id", n))))
    return out


def _table(p: Path, fmt: str, text_col: str | None, label_col: str | None, lang: str | None) -> list[Example]:
    delim = "," if fmt == "csv" else "\t"
    quoting = csv.QUOTE_NONE if fmt == "tsv" else csv.QUOTE_MINIMAL  # see FORMATS
    csv.field_size_limit(10_000_000)
    with p.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delim, quoting=quoting)  # type: ignore[call-overload]
        cols = list(reader.fieldnames or [])
        tcol = _pick(cols, text_col, TEXT_COLUMNS, "text", p)
        lcol = _pick(cols, label_col, LABEL_COLUMNS, "label", p)
        out = []
        for n, row in enumerate(reader, 1):
            text, label = row.get(tcol), parse_label(row.get(lcol) or "")
            if text and label is not None:
                ident = row.get("id") or row.get("tweet_id") or str(n)
                out.append(Example(text, label, row.get("lang") or lang, ident))
    return out


def _druglib(p: Path) -> list[Example]:
    """Druglib reviews: the reviewer's own side-effect rating is the (weak) label; the text is the three reviews."""
    csv.field_size_limit(10_000_000)
    out: list[Example] = []
    with p.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            label = DRUGLIB_EFFECTS.get((row.get("sideEffects") or "").strip())
            if label is None:
                continue  # continuation fragment of a multi-line record
            parts = [row.get(k) or "" for k in ("benefitsReview", "sideEffectsReview", "commentsReview")]
            text = " ".join(x.strip() for x in parts if x.strip())
            if text:
                out.append(Example(text, label, "en", str(row.get("") or len(out))))
    return out


def psytar_sentences(p: Path) -> list[Example]:
    """PsyTAR's binary split under our labelling boundary: a sentence is an adverse event when it reports an
    adverse drug reaction (ADR) *or a withdrawal reaction* (WD), which EMA GVP and our authored corpus
    (`ae.withdrawal`) count as adverse reactions; PsyTAR's ADR column alone leaves "brain zaps when I miss a
    dose" negative. Sentences line up by row (the same file read twice, text checked)."""
    wd = {(e.id, e.text) for e in read_corpus(p, "tsv-quoted", label_col="WD", lang="en") if e.label}
    return [Example(e.text, e.label or (e.id, e.text) in wd, e.lang, e.id)
            for e in read_corpus(p, "tsv-quoted", label_col="ADR", lang="en")]


def druglib_field_views(p: Path, min_chars: int = 10) -> list[Example]:
    """Two more rows per Druglib review, each field alone (docs/benchmarks.md, session 15): `benefitsReview` is
    efficacy and indication wording, not an adverse event (real lay hard negatives the whole review hides inside
    its positive label); `sideEffectsReview` takes the reviewer's side-effect rating ("none" under "No Side
    Effects" is a real negated reaction). Ids are `benefits:N` / `side:N`, N the review's row number."""
    csv.field_size_limit(10_000_000)
    out: list[Example] = []
    with p.open(encoding="utf-8", errors="replace", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t")):
            rated = DRUGLIB_EFFECTS.get((row.get("sideEffects") or "").strip())
            if rated is None:
                continue  # continuation fragment of a multi-line record
            for field, kind, label in (("benefitsReview", "benefits", False), ("sideEffectsReview", "side", rated)):
                text = (row.get(field) or "").strip()
                if len(text) >= min_chars:
                    out.append(Example(text, label, "en", f"{kind}:{n}"))
    return out


def _ade(p: Path) -> list[Example]:
    """ADE-Corpus-V2: unique DRUG-AE.rel sentences are positive, ADE-NEG.txt sentences negative."""
    d = p if p.is_dir() else p.parent
    pos: dict[str, str] = {}
    for line in (d / "DRUG-AE.rel").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("|")
        if len(parts) >= 2:
            pos.setdefault(parts[1], parts[0])
    out = [Example(s, True, "en", f"{pmid}:pos") for s, pmid in pos.items()]
    for n, line in enumerate((d / "ADE-NEG.txt").read_text(encoding="utf-8", errors="replace").splitlines()):
        pmid, _, rest = line.partition(" NEG ")
        if rest and rest not in pos:
            out.append(Example(rest, False, "en", f"{pmid}:neg{n}"))
    return out


def _brat(p: Path, label_col: str | None, lang: str | None) -> list[Example]:
    """A BRAT directory: a document is positive when it has an entity of the label type(s) (comma-separated)."""
    types = {t.strip() for t in (label_col or "ADR,ADE,AE").split(",")}
    out = []
    for txt in sorted(p.glob("*.txt")):
        ann = txt.with_suffix(".ann")
        entities = set()
        if ann.exists():
            for line in ann.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("T") and "\t" in line:
                    entities.add(line.split("\t")[1].split(" ")[0])
        out.append(Example(txt.read_text(encoding="utf-8", errors="replace"), bool(entities & types), lang, txt.stem))
    return out
