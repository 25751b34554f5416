"""Research (issue 12, session 16): Druglib side-effect texts labelled by reading (classifiers/data/relabel/)
instead of by the reviewer's rating. An ablation with explicit switches, so it reproduces on any later main:
`rating` (the rating's labels everywhere), `side` (the train-only side-effect rows take our labels), `side+review`
(also the whole "No Side Effects" reviews whose text reports a reaction). Shippable data only; never reads an
evaluation corpus. Protocol and rule: docs/benchmarks.md, session 16.

    PVWATCH_SHARED_DATA=../shared/data .venv/bin/python scripts/research_druglib_relabel.py --cache DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from research_lodo import lodo_blends, summary  # noqa: E402

from classifiers.ae.build_tier import choose  # noqa: E402
from classifiers.ae.domains import authored_platforms, per_domain_auc  # noqa: E402
from classifiers.build_model import AUTHORED_DIR, default_training_data, train_only_data  # noqa: E402

CANDIDATES = {"rating": (False, False), "side": (True, False), "side+review": (True, True)}  # (sides, reviews)
TIE = 0.002  # the protocol's no-harm margin

Key = tuple[str, float, float]  # (candidate, head C or alpha, blend weight)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--json", type=Path, help="write every candidate's picked blend's per-domain AUC here")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    platforms = authored_platforms(AUTHORED_DIR)
    from classifiers.ae.embed_cache import CachedEncoder
    from classifiers.ae.encoders import USE_MULTILINGUAL, encoder_for

    use = CachedEncoder(encoder_for(USE_MULTILINGUAL), args.cache / "emb_use")
    best: dict[str, dict[str, float]] = {}
    for name, (sides, reviews) in CANDIDATES.items():
        extra = train_only_data(relabel=sides)
        cand = lodo_blends(default_training_data(relabel=reviews), platforms, args.cache, use, extra=extra)
        table: dict[Key, dict[str, float]] = {(name, *key): per_domain_auc(blend, cand.data, cand.domains)
                                             for key, blend in cand.blends.items()}
        k = choose(table)
        best[name] = table[k]
        print(f"[{name}] {len(cand.data)} scored rows ({sum(e.label for e in cand.data)} AE), {len(extra)} "
              f"train-only ({sum(e.label for e in extra)} AE); pick C={k[1]:g} w={k[2]:g}: {summary(table[k])}",
              flush=True)
    mean = {n: sum(v.values()) / len(v) for n, v in best.items()}
    seven = {n: sum(x for d, x in v.items() if d != "druglib") / (len(v) - 1) for n, v in best.items()}
    side_ok = mean["side"] >= mean["rating"] - TIE and best["side"]["psytar"] >= best["rating"]["psytar"] - TIE
    review_ok = side_ok and seven["side+review"] >= seven["side"] - TIE
    print(f"rule: side {'adopted' if side_ok else 'not adopted'} (mean {mean['side']:.4f} vs {mean['rating']:.4f}, "
          f"psytar {best['side']['psytar']:.4f} vs {best['rating']['psytar']:.4f}); side+review "
          f"{'adopted' if review_ok else 'not adopted'} (seven domains {seven['side+review']:.4f} vs "
          f"{seven['side']:.4f})", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"best": best, "side": side_ok, "side+review": review_ok}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
