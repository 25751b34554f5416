"""The two steps around the translation of PsyTAR's training sentences into lay French
(protocol: classifiers/data/translated/README.md).

`inputs` writes the translators' input parts: every distinct train and dev sentence as the CSV file means it
(test sentences, and the training sentences the test repeats, excluded), numbered in file order, with the
register and the molecule rule assigned by number before any translation. It never writes a label.

`merge` writes classifiers/data/translated/psytar_fr.tsv from the translations and the second readers' verdicts
(the corrected text where a reader fixed one). It refuses to write if a sentence lacks a translation or a verdict
(unless `--time-boxed`, which leaves such sentences out and counts them); a sentence the build does not read as
one row is left out and listed. Only hashes of the English sentences are written.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/make_psytar_fr.py inputs --dir SRC
    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/make_psytar_fr.py merge --dir SRC \\
        --translations OUT --checks CHECK
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.ae.relabel import digest  # noqa: E402
from classifiers.ae.translated import COLUMNS, PSYTAR_FR, Check, Register  # noqa: E402
from classifiers.build_model import SHARED, psytar_training  # noqa: E402

PARTS = 8
SMS_SHORT = {0: Register.sms, 1: Register.sms, 2: Register.short, 3: Register.short}  # by n % 10; else forum


def _split(name: str) -> list[str]:
    # The translators read each sentence as the CSV file means it (quotes unescaped), as the build does.
    with (SHARED / "psytar" / "splits_binary" / f"{name}.csv").open(encoding="utf-8", errors="replace",
                                                                   newline="") as fh:
        return [(r.get("sentences") or "").strip() for r in csv.DictReader(fh, delimiter="\t")]


def sentences() -> list[str]:
    """Distinct train then dev sentences, minus every test sentence, in file order (the translators' inputs)."""
    test = set(_split("test"))
    seen: set[str] = set()
    out = []
    for t in _split("train") + _split("dev"):
        if t and t not in test and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def build_text(text: str, known: set[str]) -> str | None:
    """The build's text of a sentence: the sentence itself, since the build reads PsyTAR with its CSV quoting
    (session 22; before, it kept the raw quoted field)."""
    return text if text in known else None


def register(n: int) -> Register:
    return SMS_SHORT.get(n % 10, Register.forum)


def inputs(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    items = sentences()
    for p in range(PARTS):
        with (directory / f"part{p}.jsonl").open("w", encoding="utf-8") as fh:
            for n, t in enumerate(items):
                if n % PARTS == p:
                    rec = {"n": n, "register": register(n).value, "molecule": n % 7 == 0, "text": t}
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {PARTS} parts of {len(items)} sentences to {directory}")


def _lines(path: Path) -> list[dict[str, object]]:
    """JSON lines of a helper's file; none if it has not written one yet (a time-boxed merge)."""
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def merge(src: Path, translations: Path, checks: Path, out: Path, time_boxed: bool) -> None:
    """`time_boxed`: sentences not both translated and second-read are left out (a cut by completion only)."""
    known = {e.text.strip() for e in psytar_training()}
    skipped = []
    unfinished = 0
    rows = []
    fixed = 0
    for p in range(PARTS):
        source = {int(str(r["n"])): r for r in _lines(src / f"part{p}.jsonl")}
        # A part may have been shared between helpers (`partP.jsonl`, then `partPb.jsonl`...): a sentence takes
        # the translation of the first file whose own second reader gave it a verdict.
        done: dict[int, tuple[str, dict[str, object]]] = {}
        for stem in sorted({f.stem for f in translations.glob(f"part{p}*.jsonl")}):
            fr = {int(str(r["n"])): str(r["fr"]).strip() for r in _lines(translations / f"{stem}.jsonl")}
            for r in _lines(checks / f"{stem}.jsonl"):
                n = int(str(r["n"]))
                if n not in done and fr.get(n):
                    done[n] = (fr[n], r)
        for n, rec in sorted(source.items()):
            if n not in done:
                if not time_boxed:
                    raise SystemExit(f"part {p}: sentence {n} has no translation or no second-reader verdict "
                                     f"(pass --time-boxed to leave such sentences out)")
                unfinished += 1
                continue
            raw = build_text(str(rec["text"]), known)
            if raw is None:  # not a training sentence the build reads
                skipped.append(n)
                continue
            h = digest(raw)
            first, verdict = done[n]
            v = Check(str(verdict["verdict"]))
            text = str(verdict["fr"]).strip() if v is Check.fixed else first
            fixed += v is Check.fixed
            if "\t" in text or "\n" in text:
                text = " ".join(text.split())
            rows.append((n, h, str(rec["register"]), v.value, text))
    rows.sort()
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Lay-French translations of PsyTAR training and dev sentences (Zolnoori et al. 2019, CC BY 4.0), "
                 "by the pvwatch team; English sentences are not here, only their sha1 (first 16 hex). Protocol and "
                 "licence: README.md in this folder.\n")
        # plain tab-separated lines, no quoting: the texts hold no tab nor newline (folded above)
        fh.write("\t".join(COLUMNS) + "\n")
        fh.writelines("\t".join(r[1:]) + "\n" for r in rows)
    print(f"wrote {out}: {len(rows)} translations, {unfinished} sentences left out unfinished, "
          f"{fixed} fixed by the second reader; "
          f"registers {Counter(r[2] for r in rows)}; {len(skipped)} sentences the build does not read as one "
          f"row skipped: {skipped}")


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="step", required=True)
    a = sub.add_parser("inputs")
    a.add_argument("--dir", type=Path, required=True)
    m = sub.add_parser("merge")
    m.add_argument("--dir", type=Path, required=True)
    m.add_argument("--translations", type=Path, required=True)
    m.add_argument("--checks", type=Path, required=True)
    m.add_argument("--out", type=Path, default=PSYTAR_FR)
    m.add_argument("--time-boxed", action="store_true", help="leave out sentences not translated and read twice")
    args = ap.parse_args()
    if args.step == "inputs":
        inputs(args.dir)
    else:
        merge(args.dir, args.translations, args.checks, args.out, args.time_boxed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
