"""Writes classifiers/data/relabel/druglib_train_side.tsv from the two blind labelling passes and the lead's
adjudication of their disagreements (protocol: classifiers/data/relabel/README.md). Each pass file is JSON lines
`{"n": row, "ae": bool, ...}`; the adjudication file gives `{"n": row, "ae": bool}` for every row the passes
disagree on (the script refuses to write otherwise). Only labels and hashes are written, never a text.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/make_druglib_relabel.py \\
        --a A1.jsonl A2.jsonl --b B1.jsonl B2.jsonl --adjudicated ADJ.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.ae.readers import DRUGLIB_EFFECTS, druglib_field_views, read_corpus  # noqa: E402
from classifiers.ae.relabel import COLUMNS, DRUGLIB_SIDE, digest  # noqa: E402
from classifiers.build_model import DRUGLIB_TRAIN  # noqa: E402


def passes(paths: list[Path]) -> dict[int, bool]:
    out: dict[int, bool] = {}
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            out[int(r["n"])] = bool(r["ae"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", type=Path, nargs="+", required=True)
    ap.add_argument("--b", type=Path, nargs="+", required=True)
    ap.add_argument("--adjudicated", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=DRUGLIB_SIDE)
    args = ap.parse_args()
    a, b, adj = passes(args.a), passes(args.b), passes([args.adjudicated])
    if set(a) != set(b):
        raise SystemExit(f"the passes label different rows: {sorted(set(a) ^ set(b))[:10]}")
    missing = [n for n in a if a[n] != b[n] and n not in adj]
    if missing:
        raise SystemExit(f"{len(missing)} disagreements not adjudicated, e.g. rows {missing[:10]}")
    csv.field_size_limit(10_000_000)
    review_of, rating_of = {}, {}
    with DRUGLIB_TRAIN.open(encoding="utf-8", errors="replace", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t")):
            review_of[n] = str(row.get("") or "")
            rating_of[n] = DRUGLIB_EFFECTS.get((row.get("sideEffects") or "").strip())
    sides = {int(e.id.split(":")[1]): e.text for e in druglib_field_views(DRUGLIB_TRAIN) if e.id.startswith("side:")}
    reviews = {e.id: e.text for e in read_corpus(DRUGLIB_TRAIN, "druglib")}
    lines = []
    for n in sorted(a):
        label = adj[n] if a[n] != b[n] else a[n]
        rated = rating_of[n]
        if rated is None or n not in sides or review_of[n] not in reviews:
            raise SystemExit(f"row {n} is not a labelled review with a side-effect text in {DRUGLIB_TRAIN}")
        lines.append([n, review_of[n], digest(sides[n]), digest(reviews[review_of[n]]), int(rated), int(a[n]),
                      int(b[n]), int(label)])
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Our labels of Druglib/UCI training side-effect texts (CC BY 4.0, Graesser et al. 2018); texts are "
                 "not here, only their sha1 (first 16 hex). Protocol: README.md in this folder.\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(lines)
    flips = sum(1 for x in lines if x[4] != x[7])
    print(f"wrote {args.out}: {len(lines)} rows, {sum(x[5] != x[6] for x in lines)} disagreements adjudicated, "
          f"{flips} labels differ from the rating ({sum(1 for x in lines if x[7] and not x[4])} to AE, "
          f"{sum(1 for x in lines if x[4] and not x[7])} to not AE)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
