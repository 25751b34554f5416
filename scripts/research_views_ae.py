"""Research (issue 12, session 15): do the separate fields of the Druglib *training* reviews, as extra real lay
rows, make the default model transfer better? `benefitsReview` alone is efficacy and indication wording (not an
adverse event); `sideEffectsReview` alone takes the reviewer's side-effect rating (as the whole review does).
The extra rows belong to the Druglib domain and only ever train (like the noisy copies of session 13), so every
domain is still scored on its original rows by a model that never saw it. Shippable data only (Druglib is CC BY
4.0); never reads an evaluation corpus. Protocol: docs/benchmarks.md, session 15.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_views_ae.py --cache DIR

`--cache DIR` is select_ae_model.py's (feats.jsonl, emb_use/, lin_nofeat+unbalanced.npy, head_default_0_C.npy).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from research_lodo import lodo_blends, summary  # noqa: E402

from classifiers.ae.build_tier import C_GRID, WEIGHT_GRID, choose  # noqa: E402
from classifiers.ae.domains import authored_platforms, collapse, per_domain_auc  # noqa: E402
from classifiers.ae.readers import Example, druglib_field_views  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, SHARED, default_training_data  # noqa: E402

VIEWS = {"benefits": ("benefits",), "side": ("side",), "both": ("benefits", "side")}

Key = tuple[str, float, float]  # (candidate, head C or alpha, blend weight)


def druglib_views(kinds: tuple[str, ...]) -> list[Example]:
    """The build's train-only rows (classifiers/ae/readers.druglib_field_views), or one kind of them."""
    rows = druglib_field_views(SHARED / "druglib_uci" / "drugLibTrain_raw.tsv")
    return [Example(e.text, e.label, e.lang, f"druglib:{e.id}") for e in rows if e.id.split(":")[0] in kinds]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    platforms = authored_platforms(AUTHORED_DIR)
    data, doms, _ = collapse(default_training_data(), platforms)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    use = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
    base_lin = np.load(args.cache / "lin_nofeat+unbalanced.npy")
    base_head = {c: np.load(args.cache / f"head_default_0_{c}.npy") for c in C_GRID}
    assert len(base_lin) == len(data), "stale cache: re-run scripts/select_ae_model.py --only nofeat+unbalanced"
    runs = {"nofeat+unbalanced": {(c, wt): (1 - wt) * base_lin + wt * base_head[c]
                                  for c in C_GRID for wt in WEIGHT_GRID}}
    for name, kinds in VIEWS.items():
        if args.only and name not in args.only:
            continue
        t0 = time.time()
        extra = druglib_views(kinds)
        cand = lodo_blends(default_training_data(), platforms, args.cache, use, extra=extra)
        print(f"[{name}] {len(extra)} extra rows ({sum(e.label for e in extra)} AE), {time.time() - t0:.0f}s; "
              f"linear: {per_domain_auc(cand.linear, data, doms)}", flush=True)
        runs[name] = cand.blends
    table: dict[Key, dict[str, float]] = {}
    for name, blends in runs.items():
        best = {(name, c, wt): per_domain_auc(s, data, doms) for (c, wt), s in blends.items()}
        k = choose(best)
        table.update(best)
        print(f"[{name}] blend C={k[1]:g} w={k[2]:g}: {summary(best[k])}", flush=True)
    k = choose(table)
    print(f"rule picks: {k}: {summary(table[k])}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
