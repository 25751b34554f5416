"""Diagnostic (issue 12, session 20): where the shipped default's leave-one-domain-out scores fail on our own
authored posts, per cell of the category grid and per register. Each post is scored by the build's pick (linear
tier + USE head, `build_tier.choose` over HEAD_GRID x WEIGHT_GRID) trained without the post's domain, and
flagged at its language's standard preset (the committed head.json), as the build calibrates. No choice is made
from it; it says which cells new authored data should target. Shippable data only.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_cells.py --cache DIR [--json FILE]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_lodo import blend_aucs, head_scores, prepare, round_setup  # noqa: E402

from classifiers.ae.build_tier import choose  # noqa: E402
from classifiers.ae.domains import authored_records, platforms_of  # noqa: E402
from classifiers.ae.head import EmbeddingHead  # noqa: E402
from classifiers.ae.readers import Example  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, HEAD_DIR, default_training_data, train_only_data  # noqa: E402

MIN_POSTS = 15  # a cell smaller than this is listed in the JSON, not in the printed tables
SHOWN = 12


FIELDS = ("cell", "register", "platform")
Counts = dict[tuple[str, str, str], list[int]]  # (lang, field, value) -> [posts, AE, flagged AE, other, flagged other]


def cell_counts(data: list[Example], scores: np.ndarray, recs: dict[str, dict[str, Any]],
                standard: dict[str, float]) -> Counts:
    """Per language, grid field and value: how many authored posts, AE posts and other posts the scores flag at
    the standard thresholds (rows without an authored record, PsyTAR, Druglib, written and demo posts, are left
    out)."""
    counts: Counts = defaultdict(lambda: [0, 0, 0, 0, 0])
    for e, s in zip(data, scores, strict=True):
        rec = recs.get(e.id)
        if rec is None:
            continue
        lang = e.lang or "*"
        flagged = s >= standard.get(lang, standard["*"])
        for fld in FIELDS:
            c = counts[(lang, fld, str(rec.get(fld, "?")))]
            c[0] += 1
            c[1 if e.label else 3] += 1
            c[2 if e.label else 4] += int(flagged)
    return dict(counts)


def print_cells(counts: Counts) -> None:
    for lang in ("fr", "en"):
        for fld in FIELDS:
            rows = [(v, c) for (lg, f, v), c in counts.items() if lg == lang and f == fld and c[0] >= MIN_POSTS]
            pos = sorted((c[2] / c[1], v, c) for v, c in rows if c[1])
            neg = sorted(((c[4] / c[3], v, c) for v, c in rows if c[3]), reverse=True)
            print(f"\n[{lang}] {fld}: lowest recall at the standard preset", flush=True)
            for r, v, c in pos[:SHOWN]:
                print(f"  {v:<40} {c[1]:>5} AE   recall {r:.2f}", flush=True)
            print(f"[{lang}] {fld}: highest share of non-AE posts flagged", flush=True)
            for r, v, c in neg[:SHOWN]:
                print(f"  {v:<40} {c[3]:>5} other flagged {r:.2f}", flush=True)


def main() -> int:
    args, use = round_setup("write every cell's counts here")
    recs = authored_records(AUTHORED_DIR)  # read once: the domains and the cells
    p = prepare(default_training_data(), platforms_of(recs), args.cache, use, train_only_data())
    heads = head_scores(p, args.cache, "mask")  # the head on the raw post, as shipped
    spec, wt = choose(blend_aucs(p.linear, heads, p))
    scores = (1 - wt) * p.linear + wt * heads[spec]
    standard = EmbeddingHead.load(HEAD_DIR).meta["presets"]["standard"]
    print(f"the build's pick: {spec}, weight {wt:g}; standard thresholds {standard}", flush=True)
    counts = cell_counts(p.data, scores, recs, standard)
    print_cells(counts)
    if args.json:
        args.json.write_text(json.dumps({f"{k[0]}|{k[1]}|{k[2]}": v for k, v in sorted(counts.items())}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
