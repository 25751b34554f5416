"""Checks and diversity measures for the authored adverse-event corpus (classifiers/data/authored/<lang>/).

    python classifiers/data/corpus_stats.py classifiers/data/authored/fr            # report (markdown)
    python classifiers/data/corpus_stats.py classifiers/data/authored/en --json out.json
    python classifiers/data/corpus_stats.py classifiers/data/authored/fr --against ../shared/data/smm4h2020

What it does, in order: validates every line against the schema (README of the authored folder), lints labels
(an adverse event needs a drug and a reaction, spans must be verbatim in the text, `serious` agrees with the
criteria), finds near-duplicates (character 5-gram Jaccard >= 0.8, MinHash candidates then exact Jaccard), and
measures diversity (distinct 1/2/3-grams, type/token ratio, drug and reaction vocabularies, counts per cell).
`--against` compares every post with the texts of other corpora (every line or field of >= 20 characters) and
reports the closest ones: an authored post must never copy or paraphrase an evaluation post. Files named
`augmented_*` are counted apart. Exit code 1 when a schema or lint error is found.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import re
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

PLATFORMS = {"x", "facebook", "instagram", "youtube", "reddit", "forum", "chatbot", "review", "literature"}
REGISTERS = {"standard", "sms", "typo", "formal", "slang", "codeswitch"}
SITUATIONS = {"pregnancy", "breastfeeding", "overdose", "abuse_misuse", "off_label", "medication_error",
              "lack_of_efficacy", "product_quality", "death"}
SERIOUSNESS = {"death", "life_threatening", "hospitalisation", "disability", "congenital_anomaly"}
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str, "lang": str, "platform": str, "register": str, "cell": str, "text": str, "adverse_event": bool,
    "special_situations": list, "serious": bool, "seriousness": list, "drugs": list, "reactions": list, "check": str,
}
NEAR_DUP = 0.8
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    augmented: int = 0


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def shingles(text: str, n: int = 5) -> set[str]:
    t = _norm(text)
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def read_corpus(folder: Path, report: Report) -> None:
    seen_ids: set[str] = set()
    for path in sorted(folder.rglob("*.jsonl")):
        augmented = path.name.startswith("augmented_")
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{lineno}"
            if not line.strip():
                continue
            try:
                post = json.loads(line)
            except json.JSONDecodeError as exc:
                report.errors.append(f"{where}: invalid JSON ({exc.msg})")
                continue
            if augmented:
                report.augmented += 1
                continue
            if _validate(post, where, report):
                if post["id"] in seen_ids:
                    report.errors.append(f"{where}: duplicate id {post['id']}")
                seen_ids.add(post["id"])
                report.posts.append(post)


def _validate(post: Any, where: str, report: Report) -> bool:
    if not isinstance(post, dict):
        report.errors.append(f"{where}: not a JSON object")
        return False
    ok = True
    for key, kind in REQUIRED.items():
        if not isinstance(post.get(key), kind):
            report.errors.append(f"{where}: key {key!r} missing or not {getattr(kind, '__name__', kind)}")
            ok = False
    if not ok:
        return False
    checks = [
        (post["platform"] in PLATFORMS, f"platform {post['platform']!r} not in {sorted(PLATFORMS)}"),
        (post["register"] in REGISTERS, f"register {post['register']!r} not in {sorted(REGISTERS)}"),
        (post["cell"].startswith(("ae.", "neg.")), f"cell {post['cell']!r} must start with ae. or neg."),
        (post["cell"].startswith("ae.") == post["adverse_event"], "cell prefix disagrees with adverse_event"),
        (set(post["special_situations"]) <= SITUATIONS, f"unknown special situation in {post['special_situations']}"),
        (set(post["seriousness"]) <= SERIOUSNESS, f"unknown seriousness criterion in {post['seriousness']}"),
        (post["serious"] == bool(post["seriousness"]), "serious must be true exactly when seriousness is listed"),
        (post["check"] == "agree" or post["check"].startswith("fixed:"), "check must be 'agree' or 'fixed:...'"),
        (post["lang"] in ("fr", "en"), "lang must be fr or en"),
        (bool(post["text"].strip()), "empty text"),
    ]
    for good, message in checks:
        if not good:
            report.errors.append(f"{where}: {message}")
            ok = False
    if post["adverse_event"] and not (post["drugs"] and post["reactions"]):
        report.errors.append(f"{where}: an adverse event needs at least one drug and one reaction span")
        ok = False
    lowered = post["text"].lower()
    for spans in ("drugs", "reactions"):
        for span in post[spans]:
            if not isinstance(span, str) or span.lower() not in lowered:
                report.errors.append(f"{where}: {spans[:-1]} {span!r} is not verbatim in the text")
                ok = False
    return ok


def near_duplicates(texts: list[str], threshold: float = NEAR_DUP, seed: int = 13) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) with character 5-gram Jaccard >= threshold (MinHash 16x4 bands, then exact)."""
    sets = [shingles(t) for t in texts]
    rng = np.random.default_rng(seed)
    prime = (1 << 61) - 1
    a = rng.integers(1, prime, size=64, dtype=np.uint64)
    b = rng.integers(0, prime, size=64, dtype=np.uint64)
    candidates: set[tuple[int, int]] = set()
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for i, s in enumerate(sets):
        h = np.array([zlib.crc32(x.encode()) for x in s], dtype=np.uint64)  # stable across runs
        sig = ((h[:, None] * a[None, :] + b[None, :]) % np.uint64(prime)).min(axis=0)
        for band in range(16):
            key = (band, sig[band * 4:(band + 1) * 4].tobytes())
            for j in buckets.setdefault(key, []):
                candidates.add((j, i))
            buckets[key].append(i)
    pairs = [(i, j, jaccard(sets[i], sets[j])) for i, j in sorted(candidates)]
    return [p for p in pairs if p[2] >= threshold]


def ngrams(tokens: list[str], n: int) -> Iterator[tuple[str, ...]]:
    return zip(*(tokens[i:] for i in range(n)), strict=False)


def diversity(posts: list[dict[str, Any]]) -> dict[str, Any]:
    tokens_per_post = [_WORD.findall(_norm(p["text"])) for p in posts]
    all_tokens = [t for toks in tokens_per_post for t in toks]
    out: dict[str, Any] = {"posts": len(posts), "tokens": len(all_tokens),
                           "type_token_ratio": round(len(set(all_tokens)) / max(1, len(all_tokens)), 4)}
    for n in (1, 2, 3):
        grams = [g for toks in tokens_per_post for g in ngrams(toks, n)]
        out[f"distinct_{n}"] = round(len(set(grams)) / max(1, len(grams)), 4)
        out[f"unique_{n}grams"] = len(set(grams))
    lengths = sorted(len(t) for t in tokens_per_post) or [0]
    out["words_median"] = lengths[len(lengths) // 2]
    out["words_max"] = lengths[-1]
    out["drug_vocabulary"] = len({_norm(d) for p in posts for d in p["drugs"]})
    out["reaction_vocabulary"] = len({_norm(r) for p in posts for r in p["reactions"]})
    return out


def _texts_of(path: Path) -> Iterable[str]:
    if path.suffix in (".tsv", ".csv"):
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t" if path.suffix == ".tsv" else ","):
                yield from (f for f in row if len(f) >= 20 and " " in f)
    elif path.suffix in (".txt", ".jsonl", ".json", ".ann", ".rel"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if path.suffix == ".jsonl" and line.startswith("{"):
                # A line that is not a JSON object is compared as it stands (it is text all the same).
                with contextlib.suppress(json.JSONDecodeError, AttributeError):
                    line = str(json.loads(line).get("text", ""))
            if len(line) >= 20:
                yield line


def overlap(posts: list[dict[str, Any]], paths: list[Path], threshold: float = 0.5) -> dict[str, Any]:
    """The closest text of other corpora for each post (character 5-gram Jaccard, via an inverted index)."""
    index: dict[str, list[int]] = {}
    others: list[set[str]] = []
    for root in paths:
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if path.is_file():
                for text in _texts_of(path):
                    others.append(shingles(text))
    for k, s in enumerate(others):
        for g in s:
            index.setdefault(g, []).append(k)
    worst: list[tuple[float, str]] = []
    for p in posts:
        mine = shingles(p["text"])
        hits: Counter[int] = Counter()
        for g in mine:
            hits.update(index.get(g, ()))
        best = max((jaccard(mine, others[k]) for k, _ in hits.most_common(20)), default=0.0)
        worst.append((best, p["id"]))
    worst.sort(reverse=True)
    return {"compared_with": len(others), "threshold": threshold,
            "above_threshold": [i for s, i in worst if s >= threshold],
            "closest": [{"id": i, "jaccard": round(s, 3)} for s, i in worst[:10]]}


def counts(posts: list[dict[str, Any]], key: str) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for p in posts:
        row = table.setdefault(p[key], {"AE": 0, "not AE": 0})
        row["AE" if p["adverse_event"] else "not AE"] += 1
    return dict(sorted(table.items()))


def summarise(folder: Path, against: list[Path]) -> tuple[Report, dict[str, Any]]:
    report = Report()
    read_corpus(folder, report)
    posts = report.posts
    dups = near_duplicates([p["text"] for p in posts])
    fixes = Counter(p["cell"] for p in posts if p["check"].startswith("fixed:"))
    summary: dict[str, Any] = {
        "folder": str(folder), "posts": len(posts), "augmented_counted_apart": report.augmented,
        "adverse_events": sum(p["adverse_event"] for p in posts),
        "near_duplicate_pairs": len(dups),
        "posts_in_near_duplicate_pairs": len({i for i, j, _ in dups} | {j for i, j, _ in dups}),
        "distinct_after_near_duplicates": len(posts) - len({j for _, j, _ in dups}),
        "near_duplicate_examples": [(posts[i]["id"], posts[j]["id"], round(s, 3)) for i, j, s in dups[:10]],
        "second_pass_fixes": dict(sorted(fixes.items())), "diversity": diversity(posts),
        "cells": counts(posts, "cell"), "platforms": counts(posts, "platform"), "registers": counts(posts, "register"),
    }
    if against:
        summary["overlap"] = overlap(posts, against)
    return report, summary


def markdown(summary: dict[str, Any]) -> str:
    lines = [f"Posts: {summary['posts']} ({summary['adverse_events']} AE); augmented, counted apart: "
             f"{summary['augmented_counted_apart']}; near-duplicate pairs (char 5-gram Jaccard >= {NEAR_DUP}): "
             f"{summary['near_duplicate_pairs']}; distinct after removing them: "
             f"{summary['distinct_after_near_duplicates']}.", ""]
    lines += ["| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in summary["diversity"].items()]
    for key in ("cells", "platforms", "registers"):
        lines += ["", f"| {key[:-1]} | AE | not AE |", "|---|---|---|"]
        lines += [f"| {name} | {row['AE']} | {row['not AE']} |" for name, row in summary[key].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="an authored corpus folder, e.g. classifiers/data/authored/fr")
    parser.add_argument("--against", type=Path, nargs="*", default=[], help="corpora to check for copied posts")
    parser.add_argument("--json", type=Path, help="write the whole summary as JSON here")
    args = parser.parse_args(argv)
    report, summary = summarise(args.folder, args.against)
    for line in report.errors[:200]:
        print("ERROR", line, file=sys.stderr)
    print(markdown(summary))
    if "overlap" in summary:
        print("\nClosest texts of other corpora:", json.dumps(summary["overlap"], ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if report.errors:
        print(f"{len(report.errors)} errors (first 200 above)", file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
